"""What a decision record is: the crew member's own note of a sharing decision and its reasons.

The full record (names, addresses) exists only in the files the person downloads; ShareCheck
keeps a redacted copy (records.store). Every reader (text, PDF, DOCX, the store, the export)
takes its fields from `record_fields`, so all of them say the same thing in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from core.answer import NOT_LEGAL_ADVICE, VERDICTS, Verdict
from core.passage import citation_label

Decision = Literal["shared", "not_shared"]
DECISIONS: tuple[Decision, ...] = ("shared", "not_shared")
DECISION_NAMES: dict[str, str] = {"shared": "Shared", "not_shared": "Not shared"}

Consent = Literal["given", "refused", "not_sought"]
CONSENTS: tuple[Consent, ...] = ("given", "refused", "not_sought")
CONSENT_NAMES: dict[str, str] = {
    "given": "Given",
    "refused": "Refused",
    "not_sought": "Not sought",
}

# UK GDPR Article 6(1): the six lawful bases, plus "not stated" for a record made before the
# person has settled it (and for a decision not to share, which needs none).
LawfulBasis = Literal[
    "consent", "contract", "legal_obligation", "vital_interests", "public_task",
    "legitimate_interests", "not_stated",
]  # fmt: skip
LAWFUL_BASES: tuple[LawfulBasis, ...] = (
    "public_task", "vital_interests", "legal_obligation", "consent", "contract",
    "legitimate_interests", "not_stated",
)  # fmt: skip
LAWFUL_BASIS_NAMES: dict[str, str] = {
    "consent": "Consent (UK GDPR Art. 6(1)(a))",
    "contract": "Contract (UK GDPR Art. 6(1)(b))",
    "legal_obligation": "Legal obligation (UK GDPR Art. 6(1)(c))",
    "vital_interests": "Vital interests (UK GDPR Art. 6(1)(d))",
    "public_task": "Public task (UK GDPR Art. 6(1)(e))",
    "legitimate_interests": "Legitimate interests (UK GDPR Art. 6(1)(f))",
    "not_stated": "Not stated",
}

VERDICT_NAMES: dict[str, str] = {
    "yes": "Yes", "yes_if": "Yes, if conditions hold", "no": "No",
    "not_without": "Not without consent or permission", "depends": "It depends",
    "act_now": "Act now (999)", "info": "Information", "not_covered": "Not covered",
}  # fmt: skip

# Answers whose verdict is a decision about sharing: the ones a record can be made from.
SHARING_VERDICTS: frozenset[str] = frozenset(
    {"yes", "yes_if", "no", "not_without", "depends", "act_now"}
)

RECORD_TITLE = "Information sharing decision record"


class RecordError(ValueError):
    """A decision record is missing something it needs, or says something it may not."""


@dataclass(frozen=True)
class ClauseCited:
    """A clause the decision relies on, pinned to the document version the answer quoted."""

    source: str
    title: str
    clause: str
    doc_version: str = ""
    page_label: str = ""

    def label(self) -> str:
        """"Police ISA, clause 8.1, p. 4 (version 1.2)"."""
        shown = citation_label(self.title, self.clause, self.page_label)
        return f"{shown} (version {self.doc_version})" if self.doc_version else shown

    def to_json(self) -> dict[str, str]:
        return {
            "source": self.source, "title": self.title, "clause": self.clause,
            "doc_version": self.doc_version, "page_label": self.page_label,
        }  # fmt: skip


@dataclass(frozen=True)
class DecisionRecord:
    """One sharing decision: what was decided about whom, on what basis, sent how and by whom."""

    question: str
    verdict: Verdict
    decision: Decision
    lawful_basis: LawfulBasis
    clauses: tuple[ClauseCited, ...]
    recipient: str
    consent: Consent
    decided_at: datetime
    decided_by: str
    legal_gateway: str = ""
    consent_reason: str = ""
    shared_what: str = ""
    sent_by: str = ""
    manager_consulted: str = ""
    bottom_line: str = ""
    answer_id: int | None = None

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("verdict", self.verdict, VERDICTS),
            ("decision", self.decision, DECISIONS),
            ("lawful_basis", self.lawful_basis, LAWFUL_BASES),
            ("consent", self.consent, CONSENTS),
        ):
            if value not in allowed:
                raise RecordError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        if not self.question.strip():
            raise RecordError("a decision record needs the question, in brief")
        if not self.decided_by.strip():
            raise RecordError("a decision record needs the name of who decided")
        if self.decision == "shared" and not self.recipient.strip():
            raise RecordError("say which organisation the information was shared with")


def record_fields(record: DecisionRecord) -> list[tuple[str, str]]:
    """The record as (label, value) rows, in the order every rendering shows them."""
    consent = CONSENT_NAMES[record.consent]
    if record.consent_reason.strip():
        consent = f"{consent}: {record.consent_reason.strip()}"
    reference = f"answer #{record.answer_id} in the ShareCheck log" if record.answer_id else "not logged"
    return [
        ("Question (in brief)", record.question),
        ("ShareCheck's verdict", VERDICT_NAMES[record.verdict]),
        ("ShareCheck's bottom line", record.bottom_line or "Not shown"),
        ("Decision", DECISION_NAMES[record.decision]),
        ("Lawful basis", LAWFUL_BASIS_NAMES[record.lawful_basis]),
        ("Other conditions or powers", record.legal_gateway or "None recorded"),
        ("Clauses relied on", "\n".join(c.label() for c in record.clauses) or "None"),
        ("Recipient organisation", record.recipient or "None (not shared)"),
        ("Consent", consent),
        ("What was shared", record.shared_what or "Nothing recorded"),
        ("How it was sent", record.sent_by or "Not recorded"),
        ("Date and time", f"{record.decided_at:%d %B %Y, %H:%M}"),
        ("Decided by", record.decided_by),
        ("Manager consulted", record.manager_consulted or "None recorded"),
        ("ShareCheck reference", reference),
    ]


FOOTER = (
    "Made with ShareCheck from the documents cited. " + NOT_LEGAL_ADVICE + " Attach this record "
    "to the case system; ShareCheck keeps only a copy with personal details removed."
)
