"""The governance log and what feeds it: redaction, the hash chain, review queries, export.

Callers use `governance.log.AnswerLog`; nothing outside this package touches SQLAlchemy.
"""
