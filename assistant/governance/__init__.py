"""The governance log's parts: database access, numbered migrations, the hash chain, queries, export.

Callers use `assistant.log.AnswerLog`; nothing outside this package touches SQLAlchemy.
"""
