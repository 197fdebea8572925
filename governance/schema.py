"""The log's tables as they stand after the latest migration, for building queries.

Creating and changing tables is `migrations.py`'s job; this module only describes them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Float, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()


def _chained(name: str, *columns: Column[Any]) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("created_at", String(32), nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("row_hash", String(64), nullable=False),
        *columns,
    )


answers = _chained(
    "answers",
    Column("user_id", String(200), nullable=False),
    Column("role", String(50), nullable=False),
    Column("session_id", String(200), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer_text", Text, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("redacted", Boolean, nullable=False),
    Column("citations_json", Text, nullable=False),
    Column("corpus_version", String(200), nullable=False),
    Column("settings_hash", String(64), nullable=False),
    Column("prompt_id", String(100), nullable=False),
    Column("elapsed_ms", Float, nullable=False),
)
feedback = _chained(
    "feedback",
    Column("answer_id", Integer, nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("rating", String(10), nullable=False),
    Column("reason", Text, nullable=False),
)
reviews = _chained(
    "reviews",
    Column("answer_id", Integer, nullable=False),
    Column("reviewer_id", String(200), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("expected_clause", String(200), nullable=False),
    Column("evidence", Text, nullable=False),
)
purges = _chained(
    "purges",
    Column("older_than_days", Integer, nullable=False),
    Column("cutoff", String(32), nullable=False),
    Column("deleted_count", Integer, nullable=False),
    Column("last_deleted_id", Integer, nullable=True),
    Column("last_deleted_hash", String(64), nullable=False),
    Column("checkpoint_seq", Integer, nullable=True),  # m002: the checkpoint that allowed it
)
# Open only inside a purge, for the purge row at the head of the chain (m002); every opening is
# written to purge_gate_log, which nothing may change.
purge_gate = Table(
    "purge_gate",
    metadata,
    Column("opened_at", String(32), nullable=False),
    Column("purge_id", Integer, nullable=True),
)
purge_gate_log = Table(
    "purge_gate_log",
    metadata,
    Column("purge_id", Integer, primary_key=True, autoincrement=False),
    Column("opened_at", String(32), nullable=False),
)

# Chained columns added by a later migration: rows written before it never had them, so their
# hash leaves them out while they are NULL.
ADDED_LATER = frozenset({"checkpoint_seq"})

# Every table in the hash chain, keyed by the kind name that goes into each row's hash.
CHAINED: dict[str, Table] = {
    "answer": answers,
    "feedback": feedback,
    "review": reviews,
    "purge": purges,
}

# Verified answers (m003): append-only versions, the latest of each verified_id standing; not in
# the hash chain (each row seals its own content, governance.verified.seal).
verified_answers = Table(
    "verified_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("verified_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("action", String(20), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("reviewer_id", String(200), nullable=False),
    Column("reviewed_on", String(10), nullable=False),
    Column("answer_id", Integer, nullable=True),
    Column("question", Text, nullable=False),
    Column("embedder", String(100), nullable=False),
    Column("question_vector", LargeBinary, nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("bottom_line", Text, nullable=False),
    Column("citations_json", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False),
    Column("bank_key", String(100), nullable=False),
    Column("content_hash", String(64), nullable=False),
)

# Decision records (m004): the redacted copy of a crew member's record of a sharing decision,
# linked to the logged answer; append-only, each row sealed (records.store.seal).
decision_records = Table(
    "decision_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(32), nullable=False),
    Column("answer_id", Integer, nullable=True),
    Column("user_id", String(200), nullable=False),
    Column("question", Text, nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("lawful_basis", String(30), nullable=False),
    Column("legal_gateway", Text, nullable=False),
    Column("clauses_json", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("consent", String(20), nullable=False),
    Column("consent_reason", Text, nullable=False),
    Column("shared_what", Text, nullable=False),
    Column("sent_by", Text, nullable=False),
    Column("decided_at", String(32), nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("manager_consulted", Text, nullable=False),
    Column("redacted", Boolean, nullable=False),
    Column("content_hash", String(64), nullable=False),
)
