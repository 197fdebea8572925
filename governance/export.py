"""Getting logged answers out: CSV or JSON Lines for governance, eval items from reviews."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from core.answer import marker
from governance.records import CitedPassage, LoggedAnswer, ReviewRecord

if TYPE_CHECKING:
    from governance.verified import VerifiedAnswer, VerifiedCitation

ExportFormat = Literal["csv", "jsonl"]
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection); OWASP's
# advice is to start such a cell with a single quote so it is shown as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "id",
    "created_at",
    "user_id",
    "role",
    "session_id",
    "question",
    "answer_text",
    "mode",
    "abstained",
    "redacted",
    "citations",
    "corpus_version",
    "settings_hash",
    "prompt_id",
    "elapsed_ms",
    "rating",
    "feedback_reason",
    "verdict",
    "review_note",
    "expected_clause",
    "row_hash",
)


def export(rows: Iterable[LoggedAnswer], format: ExportFormat, stream: TextIO) -> int:
    """Write `rows` to `stream` as CSV (one flat line each) or JSON Lines; return how many."""
    if format == "csv":
        return _export_csv(rows, stream)
    if format == "jsonl":
        return _export_jsonl(rows, stream)
    raise ValueError(f"export format must be csv or jsonl, not {format!r}")


def _export_csv(rows: Iterable[LoggedAnswer], stream: TextIO) -> int:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({column: neutralise(value) for column, value in flat_row(row).items()})
        count += 1
    return count


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' to stay text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def flat_row(row: LoggedAnswer) -> dict[str, Any]:
    """One answer as a flat mapping of CSV_COLUMNS (citations as `[n] label (source); ...`)."""
    review = row.review
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "user_id": row.user_id,
        "role": row.role,
        "session_id": row.session_id,
        "question": row.question,
        "answer_text": row.answer_text,
        "mode": row.mode,
        "abstained": row.abstained,
        "redacted": row.redacted,
        "citations": "; ".join(citation_cell(c) for c in row.citations),
        "corpus_version": row.corpus_version,
        "settings_hash": row.settings_hash,
        "prompt_id": row.prompt_id,
        "elapsed_ms": row.elapsed_ms,
        "rating": row.rating or "",
        "feedback_reason": row.feedback.reason if row.feedback else "",
        "verdict": review.verdict if review else "",
        "review_note": review.note if review else "",
        "expected_clause": review.expected_clause if review else "",
        "row_hash": row.row_hash,
    }


def citation_cell(cited: CitedPassage) -> str:
    """The label staff saw and its file: "[1] Police ISA, clause 4.2, p. 3 (police-isa.md)"."""
    return f"{marker(cited.n)} {cited.label()} ({cited.source})"


def _export_jsonl(rows: Iterable[LoggedAnswer], stream: TextIO) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(asdict(row), default=str, ensure_ascii=False) + "\n")
        count += 1
    return count


# Verified answers (governance.verified), every version, beside the answers they came from.
VERIFIED_CSV_COLUMNS = (
    "verified_id",
    "version",
    "action",
    "created_at",
    "reviewed_on",
    "reviewer_id",
    "answer_id",
    "illustrative",
    "question",
    "verdict",
    "bottom_line",
    "citations",
    "embedder",
    "content_hash",
)


def export_verified(
    versions: Iterable[VerifiedAnswer], format: ExportFormat, stream: TextIO
) -> int:
    """Write every version of the verified answers as CSV or JSON Lines; return how many.

    The question vectors stay out: they are derived from the question and the embedder named."""
    rows = (
        (flat_verified(v), {"citations": [c.to_json() for c in v.citations]}) for v in versions
    )
    return write_rows(rows, VERIFIED_CSV_COLUMNS, format, stream)


def write_out(out: Path | None, write: Callable[[TextIO], int]) -> int:
    """Run `write` on standard output, or on `out` opened for text with CSV's own line endings;
    return what it returns (how many were written)."""
    if out is None:
        return write(sys.stdout)
    with out.open("w", encoding="utf-8", newline="") as stream:
        return write(stream)


def write_rows(
    rows: Iterable[tuple[dict[str, Any], dict[str, Any]]],
    columns: Sequence[str],
    format: ExportFormat,
    stream: TextIO,
) -> int:
    """Each row as a CSV line of `columns` (its flat mapping, formulas neutralised) or a JSON
    line (the flat mapping with its nested parts put back); return how many."""
    if format not in ("csv", "jsonl"):
        raise ValueError(f"export format must be csv or jsonl, not {format!r}")
    writer = csv.DictWriter(stream, fieldnames=columns) if format == "csv" else None
    if writer is not None:
        writer.writeheader()
    count = 0
    for flat, nested in rows:
        if writer is not None:
            writer.writerow({column: neutralise(value) for column, value in flat.items()})
        else:
            stream.write(json.dumps(flat | nested, ensure_ascii=False) + "\n")
        count += 1
    return count


def flat_verified(version: VerifiedAnswer) -> dict[str, Any]:
    """One version of a verified answer as a flat mapping of VERIFIED_CSV_COLUMNS."""
    return {
        "verified_id": version.verified_id, "version": version.version, "action": version.action,
        "created_at": version.created_at, "reviewed_on": version.reviewed_on.isoformat(),
        "reviewer_id": version.reviewer_id, "answer_id": version.answer_id,
        "illustrative": version.illustrative, "question": version.question,
        "verdict": version.verdict, "bottom_line": version.bottom_line,
        "citations": "; ".join(verified_citation_cell(c) for c in version.citations),
        "embedder": version.embedder, "content_hash": version.content_hash,
    }  # fmt: skip


def verified_citation_cell(cited: VerifiedCitation) -> str:
    """"[1] Police ISA, clause 5.6 (police-isa.md, passage e36f…, doc 9b1a6f187f30)"."""
    return (
        f"{marker(cited.n)} {cited.label()} ({cited.source}, passage {cited.passage_id}, "
        f"doc {cited.doc_hash[:12]})"
    )


def eval_item(answer: LoggedAnswer, review: ReviewRecord) -> dict[str, Any]:
    """A reviewed answer as an item in the eval set's format (as in shared/eval/real-dev.jsonl)."""
    expected = review.expected_clause.strip()
    matching = [c for c in answer.citations if expected and c.clause == expected]
    shown = matching or [c for c in answer.citations if c.cited] or list(answer.citations)
    best = shown[0] if shown else None
    evidence = [line.strip() for line in review.evidence.splitlines() if line.strip()]
    reference = answer.answer_text if review.verdict == "correct" else review.note
    return {
        "id": f"review-{answer.id}",
        "question": answer.question,
        "answerable": _answerable(answer, review, bool(expected or evidence)),
        "source": best.source if best else "",
        "pages": [best.page] if best and best.page else [],
        "evidence": evidence,
        "answer": reference,
        "kind": "from-review",
        "clause": expected,
    }


def _answerable(answer: LoggedAnswer, review: ReviewRecord, has_evidence: bool) -> bool:
    """A reviewer who names a clause or evidence says the documents answer it; otherwise a
    correct verdict keeps the answer's own call and any other verdict reverses it."""
    if has_evidence:
        return True
    return not answer.abstained if review.verdict == "correct" else answer.abstained


def append_eval_item(answer: LoggedAnswer, review: ReviewRecord, path: Path) -> dict[str, Any]:
    """Append the eval item for this review to `path` (JSON Lines) unless its id is already there."""
    item = eval_item(answer, review)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with path.open(encoding="utf-8") as existing:
            if any(json.loads(line).get("id") == item["id"] for line in existing if line.strip()):
                return item
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return item
