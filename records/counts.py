"""How governance reads decision records in bulk: counts per week by verdict, recipient or basis."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from records.model import CONSENT_NAMES, DECISION_NAMES, LAWFUL_BASIS_NAMES, VERDICT_NAMES
from records.store import StoredRecord

CountBy = Literal["verdict", "recipient", "lawful_basis", "decision", "consent"]
COUNT_BY: tuple[CountBy, ...] = ("verdict", "recipient", "lawful_basis", "decision", "consent")
COUNT_BY_NAMES: dict[str, str] = {
    "verdict": "ShareCheck's verdict", "recipient": "Recipient", "lawful_basis": "Lawful basis",
    "decision": "Shared or not", "consent": "Consent",
}  # fmt: skip
_NAMES: dict[str, dict[str, str]] = {
    "verdict": VERDICT_NAMES, "lawful_basis": LAWFUL_BASIS_NAMES, "decision": DECISION_NAMES,
    "consent": CONSENT_NAMES,
}  # fmt: skip


@dataclass(frozen=True)
class WeekCount:
    week: str  # ISO week, e.g. "2026-W48"
    value: str  # as a person reads it: "Public task (UK GDPR Art. 6(1)(e))", "Police"
    records: int


def week_of(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def shown_value(stored: StoredRecord, by: CountBy) -> str:
    """The record's value for `by`, named as the form names it."""
    raw = str(getattr(stored.record, by))
    return _NAMES.get(by, {}).get(raw, raw)


def weekly_counts(stored: list[StoredRecord], by: CountBy) -> list[WeekCount]:
    """How many records each week had of each value of `by`, by week then most common first."""
    if by not in COUNT_BY:
        raise ValueError(f"count by one of {', '.join(COUNT_BY)}, not {by!r}")
    counted = Counter((week_of(s.record.decided_at), shown_value(s, by)) for s in stored)
    ordered = sorted(counted.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    return [WeekCount(week, value, n) for (week, value), n in ordered]


def totals(stored: list[StoredRecord], by: CountBy) -> list[tuple[str, int]]:
    """How many records had each value of `by`, most common first."""
    return Counter(shown_value(s, by) for s in stored).most_common()
