"""The training exercise: a trainee's decision record for a scenario card, field by field beside
the record the card's model answer implies. Rehearsals: nothing here is stored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from records.model import (
    CONSENT_NAMES,
    DECISION_NAMES,
    LAWFUL_BASIS_NAMES,
    VERDICT_NAMES,
    RecordError,
)

# The fields a card's model record may give, and how each value is named to people.
COMPARED: dict[str, tuple[str, Mapping[str, str]]] = {
    "verdict": ("Verdict", VERDICT_NAMES),
    "decision": ("Decision", DECISION_NAMES),
    "recipient": ("Recipient organisation", {}),
    "lawful_basis": ("Lawful basis", LAWFUL_BASIS_NAMES),
    "consent": ("Consent", CONSENT_NAMES),
}
# Shown beside each other but not marked: there are many right ways to write how it was sent.
SHOWN_ONLY = {"sent_by": "How it was sent"}
CLAUSE_NUMBER = re.compile(r"\b\d+(?:\.\d+)+\b")


@dataclass(frozen=True)
class ModelRecord:
    """What a card's model answer decides; a field it leaves out (None) is not compared."""

    verdict: str | None = None
    decision: str | None = None
    recipient: str | None = None
    lawful_basis: str | None = None
    consent: str | None = None
    sent_by: str | None = None

    @classmethod
    def from_yaml(cls, data: Mapping[str, object]) -> ModelRecord:
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise RecordError(f"a card's record has unknown fields: {', '.join(sorted(unknown))}")
        found = {k: str(v) for k, v in data.items()}
        for name, (_, names) in COMPARED.items():
            if names and name in found and found[name] not in names:
                raise RecordError(f"a card's record gives {name} {found[name]!r}, not one of {', '.join(names)}")
        return cls(**found)


@dataclass(frozen=True)
class FieldCheck:
    """One field: the trainee's value beside the model's, and whether they agree (None: the
    model record is silent on it, or it is not marked)."""

    label: str
    trainee: str
    model: str
    agrees: bool | None


@dataclass(frozen=True)
class ClauseCheck:
    named: tuple[str, ...]  # the card's clauses the trainee named
    missed: tuple[str, ...]  # the card's clauses the trainee did not name
    other: tuple[str, ...]  # numbers the trainee named that the card does not rely on


def _same(field: str, trainee: str, model: str) -> bool:
    if field == "recipient":
        return " ".join(trainee.casefold().split()) == " ".join(model.casefold().split())
    return trainee == model


def compare(trainee: Mapping[str, str], model: ModelRecord) -> list[FieldCheck]:
    """Each compared field the trainee filled or the model gives, then the fields shown only."""
    checks = []
    for field, (label, names) in COMPARED.items():
        ours, theirs = trainee.get(field, ""), getattr(model, field)
        if model.decision == "not_shared" and field == "recipient" and theirs is None:
            theirs = ""  # nobody to send it to: an empty recipient agrees
        shown_ours, shown_theirs = names.get(ours, ours), "" if theirs is None else names.get(theirs, theirs)
        agrees = None if theirs is None else _same(field, ours, theirs)
        checks.append(FieldCheck(label, shown_ours or "(left empty)", shown_theirs or "—", agrees))
    for field, label in SHOWN_ONLY.items():
        checks.append(FieldCheck(label, trainee.get(field, "") or "(left empty)",
                                 getattr(model, field) or "—", None))  # fmt: skip
    return checks


def clause_numbers(text: str) -> list[str]:
    """The clause numbers written in free text ("5.3 and 8.1 of the Charter" -> 5.3, 8.1)."""
    return list(dict.fromkeys(CLAUSE_NUMBER.findall(text)))


def check_clauses(named_text: str, card_clauses: Iterable[str]) -> ClauseCheck:
    """Which of the card's clauses the trainee named, by number (a workshop need not name the
    document for each)."""
    named = clause_numbers(named_text)
    card = list(dict.fromkeys(card_clauses))
    return ClauseCheck(
        named=tuple(c for c in card if c in named),
        missed=tuple(c for c in card if c not in named),
        other=tuple(n for n in named if n not in card),
    )


def score(checks: list[FieldCheck], clauses: ClauseCheck) -> tuple[int, int]:
    """(agreeing, marked): marked fields that agree, plus each of the card's clauses named."""
    marked = [c for c in checks if c.agrees is not None]
    agreeing = sum(1 for c in marked if c.agrees) + len(clauses.named)
    return agreeing, len(marked) + len(clauses.named) + len(clauses.missed)
