"""The governance log: one hash-chained, append-only row per answer, feedback and review.

`AnswerLog.open(settings)` opens (and migrates) SQLite at `settings.log_database_url`, or
PostgreSQL when that URL says so. Callers see typed records, never SQLAlchemy.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TextIO

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from core.answer import Answer
from core.errors import ShareCheckError
from core.settings import Settings
from governance import chain, queries
from governance import purge as retention
from governance.anchor import AnchorBook, AnchorError, AnchorSettings, LogState, verify_log
from governance.chain import VerifyResult
from governance.database import (
    create_log_engine,
    read_transaction,
    write_transaction,
)
from governance.export import ExportFormat, append_eval_item, export
from governance.migrations import migrate
from governance.purge import PurgeRefused, PurgeResult
from governance.records import (
    RATINGS,
    VERDICTS,
    AnswerFilters,
    CitedPassage,
    FeedbackRecord,
    LoggedAnswer,
    LogStats,
    Rating,
    ReviewRecord,
    Verdict,
    WeekStats,
    citations_json,
)
from governance.redact import TextRedactor, redact_answer
from governance.schema import answers as answers_table

__all__ = [
    "AnchorError",
    "AnswerFilters",
    "AnswerLog",
    "CitedPassage",
    "FeedbackRecord",
    "LogError",
    "LogStats",
    "LogUnavailable",
    "LoggedAnswer",
    "PurgeRefused",
    "PurgeResult",
    "ReviewRecord",
    "UnknownAnswer",
    "VerifyResult",
    "WeekStats",
    "review_eval_path",
]


class LogError(ShareCheckError):
    """The governance log could not do what was asked."""


class LogUnavailable(LogError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"the answer log at {url} cannot be opened ({reason}); check SHARECHECK_LOG_URL "
            "and that the database is running"
        )


class UnknownAnswer(LogError):
    def __init__(self, answer_id: int) -> None:
        super().__init__(f"no logged answer has id {answer_id}; it may have been purged")
        self.answer_id = answer_id


def review_eval_path(settings: Settings) -> Path:
    """Where "add to evaluation set" appends reviewed questions."""
    return settings.review_eval_path


def open_migrated(url: str) -> Engine:
    """An engine on the log database with every migration applied; LogUnavailable if it cannot
    be reached. The one way the log's tables (answers, verified answers) are opened."""
    try:
        engine = create_log_engine(url)
    except OSError as error:
        raise LogUnavailable(url, str(error)) from error
    try:
        migrate(engine)
    except OperationalError as error:
        engine.dispose()
        raise LogUnavailable(engine.url.render_as_string(), str(error.orig)) from error
    return engine


class AnswerLog:
    """The hash-chained governance log over one database."""

    def __init__(
        self,
        engine: Engine,
        *,
        retention_days: int,
        anchors: AnchorBook,
        redactor: TextRedactor | None = None,
    ) -> None:
        self._engine = engine
        self.retention_days = retention_days
        self.anchors = anchors
        self._redactor = redactor

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        redactor: TextRedactor | None = None,
        anchor: AnchorSettings | None = None,
    ) -> AnswerLog:
        """Open the log at settings.log_database_url, applying any migrations not yet applied.

        With a `redactor`, `record()` redacts the question and answer text itself before writing,
        and feedback reasons and review notes are redacted too; without one the caller must pass
        text that is already redacted. `anchor` says where checkpoints live (default: the
        SHARECHECK_LOG_ANCHOR_* environment, else data_dir/anchors/); nothing is read there
        until `verify`, `anchor` or `purge`.
        """
        engine = open_migrated(settings.log_database_url)
        anchors = AnchorBook.for_log(settings, anchor)
        return cls(
            engine, retention_days=settings.retention_days, anchors=anchors, redactor=redactor
        )

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def record(
        self, answer: Answer, *, user_id: str, role: str, session_id: str, corpus_version: str
    ) -> int:
        """Write one answer (one transaction, one chained row); return its id."""
        if self._redactor is not None:
            answer = redact_answer(answer, self._redactor)
        content = {
            "user_id": user_id,
            "role": role,
            "session_id": session_id,
            "question": answer.question,
            "answer_text": answer.text,
            "mode": answer.mode,
            "abstained": bool(answer.abstained),
            "redacted": bool(answer.redacted),
            "citations_json": citations_json(answer),
            "corpus_version": corpus_version,
            "settings_hash": answer.settings_hash,
            "prompt_id": answer.prompt_id,
            "elapsed_ms": round(float(answer.elapsed_ms), 3),
        }
        with write_transaction(self._engine) as conn:
            return chain.append(conn, "answer", content)

    def add_feedback(
        self, answer_id: int, *, user_id: str, rating: Rating, reason: str = ""
    ) -> int:
        """Record a thumbs up or down on a logged answer, as its own chained row; the free-text
        reason is redacted like the question (with a redactor)."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
        content = {
            "answer_id": answer_id,
            "user_id": user_id,
            "rating": rating,
            "reason": self._redacted(reason),
        }
        return self._append_about(answer_id, "feedback", content)

    def add_review(
        self,
        answer_id: int,
        *,
        reviewer_id: str,
        verdict: Verdict,
        note: str = "",
        expected_clause: str = "",
        evidence: str = "",
    ) -> int:
        """Record a reviewer's verdict on a logged answer, as its own chained row; the free-text
        note is redacted like the question (with a redactor)."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        content = {
            "answer_id": answer_id,
            "reviewer_id": reviewer_id,
            "verdict": verdict,
            "note": self._redacted(note),
            "expected_clause": expected_clause,
            "evidence": evidence,
        }
        return self._append_about(answer_id, "review", content)

    def _redacted(self, free_text: str) -> str:
        if self._redactor is None or not free_text:
            return free_text
        return self._redactor.redact(free_text).text

    def _append_about(self, answer_id: int, kind: str, content: dict[str, Any]) -> int:
        with write_transaction(self._engine) as conn:
            found = conn.scalar(select(answers_table.c.id).where(answers_table.c.id == answer_id))
            if found is None:
                raise UnknownAnswer(answer_id)
            return chain.append(conn, kind, content)

    def get(self, answer_id: int) -> LoggedAnswer | None:
        query = select(answers_table).where(answers_table.c.id == answer_id)
        with read_transaction(self._engine) as conn:
            found = queries.fetch_answers(conn, query)
        return found[0] if found else None

    def answers(self, filters: AnswerFilters | None = None) -> list[LoggedAnswer]:
        """Logged answers matching `filters`, newest first."""
        query = queries.select_answers(filters or AnswerFilters())
        with read_transaction(self._engine) as conn:
            return queries.fetch_answers(conn, query)

    def stats(self, filters: AnswerFilters | None = None) -> LogStats:
        with read_transaction(self._engine) as conn:
            return queries.stats(conn, filters or AnswerFilters(limit=None))

    def impacted_by(self, source: str, old_doc_hash: str) -> list[LoggedAnswer]:
        """Logged answers that showed a passage from an earlier version of a document."""
        with read_transaction(self._engine) as conn:
            return queries.impacted_by(conn, source, old_doc_hash)

    def export(
        self, rows: list[LoggedAnswer], format: ExportFormat = "csv", stream: TextIO | None = None
    ) -> int:
        return export(rows, format, stream or sys.stdout)

    def to_eval_item(
        self, answer_row: LoggedAnswer, review: ReviewRecord, path: Path
    ) -> dict[str, Any]:
        """Append the reviewed question to an eval JSON Lines file; return the item written."""
        return append_eval_item(answer_row, review, path)

    def verify(self, reason: str = "verify") -> VerifyResult:
        """Re-check the whole chain and hold the log to its latest checkpoint; when all is well,
        write a new checkpoint (`reason` says why: verify, or anchor when scheduled)."""
        with self.anchors.session() as anchors:
            with read_transaction(self._engine) as conn:
                result = verify_log(conn, anchors.reading)
            if not result.ok:
                return result
            written = anchors.append(
                reason, LogState(result.rows, result.head_id, result.head_hash)
            )
        return replace(result, checkpoint=written.seq)

    def purge(self, older_than_days: int | None = None) -> PurgeResult:
        """Delete rows older than the retention period under a checkpoint that allows exactly
        that, record the purge in the chain, and anchor the result; PurgeRefused when the log
        does not verify."""
        days = self.retention_days if older_than_days is None else older_than_days
        with self.anchors.session() as anchors:
            with write_transaction(self._engine) as conn:
                result = retention.purge(conn, days, anchors)
            anchors.append("purged", result.after)
        return result

    def row_count(self) -> int:
        with read_transaction(self._engine) as conn:
            return chain.count_rows(conn)
