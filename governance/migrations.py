"""The log's schema as numbered migrations, applied in order on open and recorded by name
(the runner is core/migrations.py's, shared with the registry and the accounts).

Each migration is frozen: it declares the tables as they were when it was written, so a later
change to `schema.py` never alters what an old migration does (the simonw/llm pattern).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from core.migrations import apply_migrations
from governance.database import write_transaction

MIGRATIONS: list[Callable[[Connection], None]] = []
# Where the names of the applied migrations are kept (core/migrations.py).
MIGRATIONS_TABLE = "log_migrations"
CHAINED_TABLES = ("answers", "feedback", "reviews", "purges")


def migration(fn: Callable[[Connection], None]) -> Callable[[Connection], None]:
    MIGRATIONS.append(fn)
    return fn


def migrate(engine: Engine) -> list[str]:
    """Apply every migration not yet recorded, under the writer lock; return the names applied."""
    with write_transaction(engine) as conn:
        return apply_migrations(conn, MIGRATIONS, MIGRATIONS_TABLE)


def _chained(metadata: MetaData, name: str, *columns: Column[Any] | Index) -> Table:
    """A table in the chain: a global id, UTC time, the link to the previous row, its own hash."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("created_at", String(32), nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("row_hash", String(64), nullable=False),
        *columns,
    )


@migration
def m001_initial(conn: Connection) -> None:
    metadata = MetaData()
    _chained(
        metadata,
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
        Index("ix_answers_created_at", "created_at"),
    )
    _chained(
        metadata,
        "feedback",
        Column("answer_id", Integer, nullable=False),
        Column("user_id", String(200), nullable=False),
        Column("rating", String(10), nullable=False),
        Column("reason", Text, nullable=False),
        Index("ix_feedback_answer_id", "answer_id"),
    )
    _chained(
        metadata,
        "reviews",
        Column("answer_id", Integer, nullable=False),
        Column("reviewer_id", String(200), nullable=False),
        Column("verdict", String(20), nullable=False),
        Column("note", Text, nullable=False),
        Column("expected_clause", String(200), nullable=False),
        Column("evidence", Text, nullable=False),
        Index("ix_reviews_answer_id", "answer_id"),
    )
    _chained(
        metadata,
        "purges",
        Column("older_than_days", Integer, nullable=False),
        Column("cutoff", String(32), nullable=False),
        Column("deleted_count", Integer, nullable=False),
        Column("last_deleted_id", Integer, nullable=True),
        Column("last_deleted_hash", String(64), nullable=False),
    )
    # A row here, inserted and removed inside the purge transaction, is the one thing that lets
    # the append-only triggers accept a DELETE. UPDATE is never accepted.
    Table("purge_gate", metadata, Column("opened_at", String(32), nullable=False))
    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        _postgres_append_only(conn)
    else:
        _sqlite_append_only(conn)


def _sqlite_append_only(conn: Connection) -> None:
    for table in CHAINED_TABLES:
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'the answer log is append-only: UPDATE on {table}'); END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM purge_gate) "
            f"BEGIN SELECT RAISE(ABORT, 'the answer log is append-only: DELETE on {table}'); END"
        )


def _postgres_append_only(conn: Connection) -> None:
    conn.execute(
        text(
            """
            CREATE FUNCTION sharecheck_log_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM purge_gate) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'the answer log is append-only: % on %', TG_OP, TG_TABLE_NAME;
            END
            $$ LANGUAGE plpgsql
            """
        )
    )
    for table in CHAINED_TABLES:
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION sharecheck_log_append_only()"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sharecheck_log_append_only()"
        )


GATE_REFUSED = "purge_gate opens only inside a purge, for the purge row at the head of the chain"


@migration
def m002_anchored_purges(conn: Connection) -> None:
    """Purge rows name the checkpoint that allowed them; purge_gate opens only for the purge row
    at the head of the chain, once, lets only rows before that row be deleted, and every opening
    is kept in purge_gate_log."""
    conn.exec_driver_sql("ALTER TABLE purges ADD COLUMN checkpoint_seq INTEGER")
    conn.exec_driver_sql("ALTER TABLE purge_gate ADD COLUMN purge_id INTEGER")
    metadata = MetaData()
    Table(
        "purge_gate_log",
        metadata,
        Column("purge_id", Integer, primary_key=True, autoincrement=False),
        Column("opened_at", String(32), nullable=False),
    )
    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        _postgres_gate(conn)
    else:
        _sqlite_gate(conn)


def _gate_refusal_condition(new: str) -> str:
    """SQL true when opening the gate for purge row `new` is not what a purge does."""
    later = " OR ".join(f"EXISTS (SELECT 1 FROM {t} WHERE id > {new})" for t in CHAINED_TABLES)
    return (
        f"{new} IS NULL OR NOT EXISTS (SELECT 1 FROM purges WHERE id = {new}) OR {later} "
        f"OR EXISTS (SELECT 1 FROM purge_gate_log WHERE purge_id = {new})"
    )


def _sqlite_gate(conn: Connection) -> None:
    for table in CHAINED_TABLES:
        conn.exec_driver_sql(f"DROP TRIGGER {table}_no_delete")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE OLD.id < purge_gate.purge_id) "
            f"BEGIN SELECT RAISE(ABORT, 'the answer log is append-only: DELETE on {table}'); END"
        )
    conn.exec_driver_sql(
        "CREATE TRIGGER purge_gate_opens_for_a_purge BEFORE INSERT ON purge_gate "
        f"WHEN {_gate_refusal_condition('NEW.purge_id')} "
        f"BEGIN SELECT RAISE(ABORT, '{GATE_REFUSED}'); END"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER purge_gate_logged AFTER INSERT ON purge_gate BEGIN "
        "INSERT INTO purge_gate_log (purge_id, opened_at) VALUES (NEW.purge_id, NEW.opened_at); "
        "END"
    )
    refusals = [("purge_gate", "UPDATE"), ("purge_gate_log", "UPDATE"), ("purge_gate_log", "DELETE")]
    for table, operation in refusals:
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'the answer log is append-only: {operation} on {table}'); "
            "END"
        )


def _postgres_gate(conn: Connection) -> None:
    conn.execute(
        text(
            """
            CREATE OR REPLACE FUNCTION sharecheck_log_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    IF EXISTS (SELECT 1 FROM purge_gate WHERE OLD.id < purge_gate.purge_id) THEN
                        RETURN OLD;
                    END IF;
                END IF;
                RAISE EXCEPTION 'the answer log is append-only: % on %', TG_OP, TG_TABLE_NAME;
            END
            $$ LANGUAGE plpgsql
            """
        )
    )
    conn.execute(
        text(
            f"""
            CREATE FUNCTION sharecheck_purge_gate_opens() RETURNS trigger AS $$
            BEGIN
                IF {_gate_refusal_condition("NEW.purge_id")} THEN
                    RAISE EXCEPTION '{GATE_REFUSED}';
                END IF;
                INSERT INTO purge_gate_log (purge_id, opened_at)
                    VALUES (NEW.purge_id, NEW.opened_at);
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """
        )
    )
    conn.execute(
        text(
            """
            CREATE FUNCTION sharecheck_log_refuse() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the answer log is append-only: % on %', TG_OP, TG_TABLE_NAME;
            END
            $$ LANGUAGE plpgsql
            """
        )
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER purge_gate_opens_for_a_purge BEFORE INSERT ON purge_gate "
        "FOR EACH ROW EXECUTE FUNCTION sharecheck_purge_gate_opens()"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER purge_gate_no_update BEFORE UPDATE ON purge_gate "
        "FOR EACH ROW EXECUTE FUNCTION sharecheck_log_refuse()"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER purge_gate_log_append_only BEFORE UPDATE OR DELETE ON purge_gate_log "
        "FOR EACH ROW EXECUTE FUNCTION sharecheck_log_refuse()"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER purge_gate_log_no_truncate BEFORE TRUNCATE ON purge_gate_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION sharecheck_log_refuse()"
    )


@migration
def m003_verified_answers(conn: Connection) -> None:
    """Verified answers: each publish, re-approval or withdrawal is a new row (the latest version
    of a verified_id stands); rows are never changed or deleted, retention purges leave them."""
    metadata = MetaData()
    Table(
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
        UniqueConstraint("verified_id", "version", name="uq_verified_version"),
    )
    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                """
                CREATE FUNCTION sharecheck_verified_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'verified answers are append-only: % on %', TG_OP, TG_TABLE_NAME;
                END
                $$ LANGUAGE plpgsql
                """
            )
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER verified_answers_append_only BEFORE UPDATE OR DELETE ON "
            "verified_answers FOR EACH ROW EXECUTE FUNCTION sharecheck_verified_append_only()"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER verified_answers_no_truncate BEFORE TRUNCATE ON verified_answers "
            "FOR EACH STATEMENT EXECUTE FUNCTION sharecheck_verified_append_only()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f"CREATE TRIGGER verified_answers_no_{operation.lower()} BEFORE {operation} ON "
            "verified_answers BEGIN SELECT RAISE(ABORT, "
            f"'verified answers are append-only: {operation} on verified_answers'); END"
        )


@migration
def m004_decision_records(conn: Connection) -> None:
    """Decision records: the redacted copy of a crew member's record of a sharing decision,
    linked to the logged answer it was made from. Append-only; each row seals its own content."""
    metadata = MetaData()
    Table(
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
        Index("ix_decision_records_answer_id", "answer_id"),
        Index("ix_decision_records_decided_at", "decided_at"),
    )
    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                """
                CREATE FUNCTION sharecheck_decision_records_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'decision records are append-only: % on %', TG_OP, TG_TABLE_NAME;
                END
                $$ LANGUAGE plpgsql
                """
            )
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER decision_records_append_only BEFORE UPDATE OR DELETE ON "
            "decision_records FOR EACH ROW EXECUTE FUNCTION "
            "sharecheck_decision_records_append_only()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f"CREATE TRIGGER decision_records_no_{operation.lower()} BEFORE {operation} ON "
            "decision_records BEGIN SELECT RAISE(ABORT, "
            f"'decision records are append-only: {operation} on decision_records'); END"
        )
