"""The training exercise's comparison: a trainee's record beside the card's model record."""

from __future__ import annotations

import pytest

from records.exercise import ModelRecord, check_clauses, compare, score
from records.model import RecordError
from ui.scenarios import load_scenarios

HOARDING = ModelRecord(verdict="yes_if", decision="shared", recipient="Adult Social Care",
                       lawful_basis="public_task", consent="refused", sent_by="Secure referral portal")  # fmt: skip


def test_fields_agree_or_differ_and_clauses_are_matched_by_number() -> None:
    trainee = {"verdict": "yes_if", "decision": "shared", "recipient": "adult social care",
               "lawful_basis": "vital_interests", "consent": "refused", "sent_by": "portal"}  # fmt: skip
    checks = {c.label: c for c in compare(trainee, HOARDING)}
    assert checks["Verdict"].agrees and checks["Recipient organisation"].agrees
    assert checks["Lawful basis"].agrees is False
    assert checks["Lawful basis"].model == "Public task (UK GDPR Art. 6(1)(e))"
    assert checks["How it was sent"].agrees is None  # shown, not marked
    clauses = check_clauses("5.3 of the ISA and 8.1, also 9.9", ["5.3", "2.2", "5.5", "8.1"])
    assert clauses.named == ("5.3", "8.1") and clauses.missed == ("2.2", "5.5")
    assert clauses.other == ("9.9",)
    assert score(list(checks.values()), clauses) == (4 + 2, 5 + 4)


def test_a_field_the_model_leaves_out_is_not_marked() -> None:
    checks = compare({"consent": "given"}, ModelRecord(verdict="depends"))
    assert [c.agrees for c in checks if c.label == "Consent"] == [None]


def test_every_card_record_names_known_values() -> None:
    cards = load_scenarios()
    assert sum(1 for c in cards if c.record) >= 10
    with pytest.raises(RecordError, match="lawful_basis 'because'"):
        ModelRecord.from_yaml({"lawful_basis": "because"})
    with pytest.raises(RecordError, match="unknown fields: colour"):
        ModelRecord.from_yaml({"colour": "red"})
