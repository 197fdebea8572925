"""The decision records ShareCheck keeps: redacted copies in the log database (migration m004),
each linked to the logged answer it was made from.

Redaction happens here, at the one door every record comes in by: `DecisionBook` cannot be built
without a redactor, and every free-text field passes through it before the row is written. The
full record, names and all, exists only in the files the person downloaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy import Engine, select

from core.settings import Settings
from governance.database import read_transaction, write_transaction
from governance.redact import TextRedactor
from governance.schema import answers as answers_table
from governance.schema import decision_records as table
from records.model import ClauseCited, DecisionRecord, RecordError
from records.prefill import RECIPIENTS

# The fields a person types freely: each is redacted before it is stored.
FREE_TEXT = (
    "question", "legal_gateway", "recipient", "consent_reason", "shared_what", "sent_by",
    "decided_by", "manager_consulted",
)  # fmt: skip


@dataclass(frozen=True)
class StoredRecord:
    """A decision record as ShareCheck keeps it: personal details replaced by [NAME], [PHONE]..."""

    id: int
    created_at: datetime
    user_id: str
    record: DecisionRecord
    redacted: bool
    content_hash: str

    @property
    def sealed(self) -> bool:
        """Its content still hashes to what was written (nobody edited the row since)."""
        return seal(_content(self.record, self.user_id, self.created_at, self.redacted)) == self.content_hash


def redact_record(
    record: DecisionRecord, redactor: TextRedactor, keep: Iterable[str] = RECIPIENTS
) -> tuple[DecisionRecord, bool]:
    """The record with every free-text field redacted (a recipient named exactly as one of
    `keep` stays as it is), and whether anything was taken out."""
    kept = set(keep)
    changes: dict[str, Any] = {}
    for name in FREE_TEXT:
        value = getattr(record, name)
        if not value or (name == "recipient" and value in kept):
            continue
        changes[name] = redactor.redact(value).text
    changed = any(changes[k] != getattr(record, k) for k in changes)
    return replace(record, bottom_line="", **changes), changed


def _content(record: DecisionRecord, user_id: str, created_at: datetime, redacted: bool) -> dict[str, Any]:
    """One row's columns, without its id and seal."""
    return {
        "created_at": created_at.isoformat(), "answer_id": record.answer_id, "user_id": user_id,
        "question": record.question, "verdict": record.verdict, "decision": record.decision,
        "lawful_basis": record.lawful_basis, "legal_gateway": record.legal_gateway,
        "clauses_json": json.dumps([c.to_json() for c in record.clauses], sort_keys=True,
                                   ensure_ascii=False),
        "recipient": record.recipient, "consent": record.consent,
        "consent_reason": record.consent_reason, "shared_what": record.shared_what,
        "sent_by": record.sent_by, "decided_at": record.decided_at.isoformat(),
        "decided_by": record.decided_by, "manager_consulted": record.manager_consulted,
        "redacted": redacted,
    }  # fmt: skip


def seal(content: Mapping[str, Any]) -> str:
    """sha256 over the canonical JSON of a row's content."""
    blob = json.dumps(dict(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _stored(row: Mapping[Any, Any]) -> StoredRecord:
    clauses = tuple(ClauseCited(**c) for c in json.loads(row["clauses_json"]))
    record = DecisionRecord(
        question=row["question"], verdict=row["verdict"], decision=row["decision"],
        lawful_basis=row["lawful_basis"], clauses=clauses, recipient=row["recipient"],
        consent=row["consent"], decided_at=datetime.fromisoformat(row["decided_at"]),
        decided_by=row["decided_by"], legal_gateway=row["legal_gateway"],
        consent_reason=row["consent_reason"], shared_what=row["shared_what"],
        sent_by=row["sent_by"], manager_consulted=row["manager_consulted"],
        answer_id=row["answer_id"],
    )  # fmt: skip
    return StoredRecord(
        id=row["id"], created_at=datetime.fromisoformat(row["created_at"]),
        user_id=row["user_id"], record=record, redacted=bool(row["redacted"]),
        content_hash=row["content_hash"],
    )  # fmt: skip


class DecisionBook:
    """Redacted decision records in the log database: keep one, read them back."""

    def __init__(self, engine: Engine, redactor: TextRedactor) -> None:
        self._engine = engine
        self._redactor = redactor

    @classmethod
    def open(cls, settings: Settings, redactor: TextRedactor) -> DecisionBook:
        """Open (and migrate) the log database at settings.log_database_url."""
        from governance.log import open_migrated

        return cls(open_migrated(settings.log_database_url), redactor)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def keep(self, record: DecisionRecord, user_id: str) -> StoredRecord:
        """Store the redacted copy of `record`, linked to its logged answer; RecordError when that
        answer is not in the log."""
        redacted, changed = redact_record(record, self._redactor)
        created = datetime.now(UTC)
        content = _content(redacted, user_id, created, changed)
        with write_transaction(self._engine) as conn:
            if record.answer_id is not None and conn.scalar(
                select(answers_table.c.id).where(answers_table.c.id == record.answer_id)
            ) is None:
                raise RecordError(f"no logged answer has id {record.answer_id}; it may have been purged")
            row_id = conn.execute(table.insert().values(**content, content_hash=seal(content)))
            new_id = int(cast(Any, row_id).inserted_primary_key[0])
        return StoredRecord(new_id, created, user_id, redacted, changed, seal(content))

    def records(self, start: date | None = None, end: date | None = None) -> list[StoredRecord]:
        """Records of decisions made between `start` and `end` (inclusive), oldest first."""
        query = select(table).order_by(table.c.decided_at, table.c.id)
        if start is not None:
            query = query.where(table.c.decided_at >= start.isoformat())
        if end is not None:
            query = query.where(table.c.decided_at < (end + timedelta(days=1)).isoformat())
        with read_transaction(self._engine) as conn:
            return [_stored(row._mapping) for row in conn.execute(query)]

    def for_answer(self, answer_id: int) -> list[StoredRecord]:
        query = select(table).where(table.c.answer_id == answer_id).order_by(table.c.id)
        with read_transaction(self._engine) as conn:
            return [_stored(row._mapping) for row in conn.execute(query)]
