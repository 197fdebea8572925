"""Getting decision records out for governance: CSV or JSON Lines, as kept (redacted), beside
the log's own export (`python -m assistant log export --records`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from core.settings import Settings
from governance.export import ExportFormat, write_out, write_rows
from governance.redact import Redactor
from records.store import DecisionBook, StoredRecord

# Decision records as kept: personal details already replaced by [NAME]...
RECORD_CSV_COLUMNS = (
    "record_id", "created_at", "answer_id", "user_id", "decided_at", "question", "verdict",
    "decision", "lawful_basis", "legal_gateway", "clauses", "recipient", "consent",
    "consent_reason", "shared_what", "sent_by", "decided_by", "manager_consulted", "redacted",
    "content_hash",
)  # fmt: skip


def export_decision_records(
    stored: Iterable[StoredRecord], format: ExportFormat, stream: TextIO
) -> int:
    """Write the kept (redacted) decision records as CSV or JSON Lines; return how many."""
    rows = (
        (flat_decision_record(item), {"clauses": [c.to_json() for c in item.record.clauses]})
        for item in stored
    )
    return write_rows(rows, RECORD_CSV_COLUMNS, format, stream)


def flat_decision_record(stored: StoredRecord) -> dict[str, Any]:
    """One kept decision record as a flat mapping of RECORD_CSV_COLUMNS."""
    record = stored.record
    return {
        "record_id": stored.id, "created_at": stored.created_at.isoformat(),
        "answer_id": record.answer_id, "user_id": stored.user_id,
        "decided_at": record.decided_at.isoformat(), "question": record.question,
        "verdict": record.verdict, "decision": record.decision,
        "lawful_basis": record.lawful_basis, "legal_gateway": record.legal_gateway,
        "clauses": "; ".join(f"{c.label()} ({c.source})" for c in record.clauses),
        "recipient": record.recipient, "consent": record.consent,
        "consent_reason": record.consent_reason, "shared_what": record.shared_what,
        "sent_by": record.sent_by, "decided_by": record.decided_by,
        "manager_consulted": record.manager_consulted, "redacted": stored.redacted,
        "content_hash": stored.content_hash,
    }  # fmt: skip


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """`log export --records`: the decision records of the period, to a file or stdout."""
    with DecisionBook.open(settings, Redactor.from_settings(settings)) as book:
        stored = book.records(args.since, args.until)
    count = write_out(args.out, lambda stream: export_decision_records(stored, args.format, stream))
    print(f"exported {count} decision records", file=sys.stderr)
    return 0
