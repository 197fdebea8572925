"""Session 9 (issue 16): each kind as UK writing has it, written from a brief of the usual
wordings (bank letters and forms, DVLA plate formats, how staff name a home or an institution),
not from any evaluation set's misses. The rules alone, no presidio or spaCy model."""

from __future__ import annotations

import pytest

from governance.redact import Redactor


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Redactor:
    return Redactor(tmp_path_factory.mktemp("cache"), use_presidio=False, use_ner=False)


BANK_DETAILS = [
    ("her bank details are 20-45-77 41236698", "her bank details are [BANK_ACCOUNT]"),
    ("he gave his Barclays details, 20-45-77 41236698, to the caller",
     "he gave his Barclays details, [BANK_ACCOUNT], to the caller"),
    ("money going out by standing order to 40-11-62 71584433 every week",
     "money going out by standing order to [BANK_ACCOUNT] every week"),
    ("account number 1234 5678 for the refund", "account number [BANK_ACCOUNT] for the refund"),
    ("acct no. 7123456 at the building society", "acct no. [BANK_ACCOUNT] at the building society"),
    ("building society roll number 1234/567890 was on the letter",
     "building society roll number [BANK_ACCOUNT] was on the letter"),
    ("s/c 20 00 00 a/c 12345678", "s/c [BANK_ACCOUNT] a/c [BANK_ACCOUNT]"),
]
VEHICLES = [
    ("the old escort p123abc has been dumped", "the old escort [VEHICLE_REG] has been dumped"),
    ("silver Focus, Yk19 Abc, parked across the hydrant",
     "silver Focus, [VEHICLE_REG], parked across the hydrant"),
    ("a private plate, reg ABC 123", "a private plate, reg [VEHICLE_REG]"),
    ("a van with the plate R 123 ABC", "a van with the plate [VEHICLE_REG]"),
    ("the van ABC 123D is parked on the verge", "the van [VEHICLE_REG] is parked on the verge"),
    ("his motorbike yk21 abc keeps getting set alight",
     "his motorbike [VEHICLE_REG] keeps getting set alight"),
]


@pytest.mark.parametrize(("text", "expected"), BANK_DETAILS + VEHICLES)
def test_bank_details_and_plates_in_their_usual_wordings(
    rules: Redactor, text: str, expected: str
) -> None:
    assert rules.redact(text).text == expected


@pytest.mark.parametrize("text", [
    "the car at 12 and the van at 14 were both burnt out",
    "a car was at 3 the end of the road, no one hurt",
    "the car had 2 kids in it, can we tell the school?",
    "incident 20240112345 on 12-03-24, account for 12 appliances",
    "our account manager at Egress sent version 2024 1203 of the form",
    "roll number of the fire station staff is on the wall",
])  # fmt: skip
def test_numbers_and_words_of_the_same_shape_stay(rules: Redactor, text: str) -> None:
    assert rules.redact(text).text == text


HOMES_AND_INSTITUTIONS = [
    ("her house, Fairview, in Sproatley has no smoke alarms",
     "her house, [ADDRESS], in Sproatley has no smoke alarms"),
    ("they live in the bungalow at the end of Westgate in Patrington",
     "they live in the bungalow at the end of [ADDRESS] in Patrington"),
    ("her home is on Kingsway, the back bedroom", "her home is on [ADDRESS], the back bedroom"),
    ("her kids attend Kelvin Hall School, can we tell the head?",
     "her kids attend [SCHOOL_OR_INSTITUTION], can we tell the head?"),
    ("the baby goes to Little Acorns nursery three days a week",
     "the baby goes to [SCHOOL_OR_INSTITUTION] three days a week"),
    ("the man lives in Westfield Court sheltered housing, can we tell the warden?",
     "the man lives in [SCHOOL_OR_INSTITUTION], can we tell the warden?"),
]


@pytest.mark.parametrize(("text", "expected"), HOMES_AND_INSTITUTIONS)
def test_homes_and_institutions_said_with_a_person(rules: Redactor, text: str, expected: str) -> None:
    assert rules.redact(text).text == expected


@pytest.mark.parametrize("text", [
    "doing a referral for a lad who lives with his nan on Bransholme",
    "Doing a fire safety talk at Wolds Academy, can we take photos of the kids?",
    "Can the children's services team at Kingsway see our visit list?",
])  # fmt: skip
def test_estates_and_talks_stay(rules: Redactor, text: str) -> None:
    assert rules.redact(text).text == text
