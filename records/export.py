"""Getting decision records out for governance: CSV or JSON Lines, as kept (redacted), beside
the log's own export (`python -m assistant log export --records`)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from core.settings import Settings
from governance.export import ExportFormat, neutralise
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
    if format not in ("csv", "jsonl"):
        raise ValueError(f"export format must be csv or jsonl, not {format!r}")
    writer = csv.DictWriter(stream, fieldnames=RECORD_CSV_COLUMNS) if format == "csv" else None
    if writer is not None:
        writer.writeheader()
    count = 0
    for item in stored:
        row = flat_decision_record(item)
        if writer is not None:
            writer.writerow({column: neutralise(value) for column, value in row.items()})
        else:
            row["clauses"] = [c.to_json() for c in item.record.clauses]
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


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
    if args.out is None:
        count = export_decision_records(stored, args.format, sys.stdout)
    else:
        with args.out.open("w", encoding="utf-8", newline="") as stream:
            count = export_decision_records(stored, args.format, stream)
    print(f"exported {count} decision records", file=sys.stderr)
    return 0
