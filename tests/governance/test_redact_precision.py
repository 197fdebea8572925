"""Session 9 (issue 16): words that are no one's personal data stay as written, each case found by
running clean questions of our own (tests/data/redaction_dev_clean_2.jsonl, written from a brief of
what frontline staff ask, not from any blind set) and the bundled corpus through the redactor."""

from __future__ import annotations

import pytest

from governance.redact import Redactor


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Redactor:
    return Redactor(tmp_path_factory.mktemp("cache"), use_presidio=False, use_ner=False)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Redactor:
    return Redactor(tmp_path_factory.mktemp("cache"))


# A clause number's digits are no house number; a sentence's opening word is no part of a place.
CLAUSES_AND_OPENERS = [
    "3.2 The Police may share with HFRS:",
    "14.3 Humberside Police Information Management (requests from HFRS to the Police)",
    "6.3 The Data Protection Officer (DPO) advises on data protection",
    "Is Orchard Park or Bransholme in our top 10 for fires?",
]


@pytest.mark.parametrize("text", CLAUSES_AND_OPENERS)
def test_clause_numbers_and_sentence_openers_are_no_address(rules: Redactor, text: str) -> None:
    assert rules.redact(text).text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("No.12 Elm Road has a hoarder", "No.[ADDRESS] has a hoarder"),
    ("she lives at 3 The Crescent, Hessle", "she lives at [ADDRESS]"),
    ("Can Hessle Road's tenant, Mrs Bell, at Holly Farm be told?",
     "Can [ADDRESS]'s tenant, [NAME], at [ADDRESS] be told?"),
    ("Does Ivy Cottage have a smoke alarm? she lives there alone", "Does [ADDRESS] have a smoke "
     "alarm? she lives there alone"),
])  # fmt: skip
def test_addresses_beside_them_are_still_taken(rules: Redactor, text: str, expected: str) -> None:
    assert rules.redact(text).text == expected


# Names that are the names of things, offices, days or organisations; an everyday word before an
# abbreviation; a number that is a quantity.
NOT_PEOPLE = [
    "Victoria Dock has had loads of car fires, can we share with the management company?",
    "Is the Jill Dando Institute research request something we can answer?",
    "Can Marie Curie nurses get our visit outcome for a palliative patient?",
    "We got a letter from DLA Piper solicitors asking for a fire report",
    "The Lord Lieutenant's office wants a briefing on fire deaths",
    "Can the Lord Mayor see the figures?",
    "Christmas Eve we went to a chip pan fire, can we tell the GP?",
    "We had a Jack up the priority flag on CFRMIS, what does it mean?",
    "Can we tell Ofsted about a fire at a nursery?",
    "should we ask Openreach about the cable fire?",
    "everything we hold on a woman from a slavery case incl the hfsv notes",
    "the number willing to share rose from 6 to 11",
]


@pytest.mark.parametrize("text", NOT_PEOPLE)
def test_names_of_things_offices_and_days_are_left_alone(full: Redactor, text: str) -> None:
    result = full.redact(text)
    assert result.text == text, result.spans


@pytest.mark.parametrize(("text", "expected"), [
    ("Mr John Bridge rang about the fire", "[NAME] rang about the fire"),
    ("I told Kayleigh we'd come back", "I told [NAME] we'd come back"),
    ("Lord Smith wants the report", "[NAME] wants the report"),
    ("her friend Eve Marsh smokes in bed", "her friend [NAME] smokes in bed"),
    ("dawn & bill at 7 the crescent hessle", "[NAME] at [ADDRESS] hessle"),
    ("visited grace obi today", "visited [NAME] today"),
    ("Jack from the council rang", "[NAME] from the council rang"),
])  # fmt: skip
def test_people_beside_those_words_are_still_taken(full: Redactor, text: str, expected: str) -> None:
    assert full.redact(text).text == expected


# A house name alone is a building's, as a street alone is a road's, until the text speaks of
# someone there; a person's name inside a capitalised name that ends in what the thing is.
BUILDINGS_AND_NAMED_THINGS = [
    "Our Station Manager wants to send the Wilberforce Lodge inspection report to CQC, ok?",
    "Martin House children's hospice wants fire safety training data, can we share attendance?",
    "Can we tell the Duke of Edinburgh Award leaders which cadets attended?",
    "Can I pass the Queen Elizabeth II Bridge incident report to National Highways?",
    "Can we share incident stats with Ellerman Wilson Line?",
    "What did Lord Laming's report say about sharing?",
    "Is the Mary Seacole building at the hospital ours to inspect?",
]


@pytest.mark.parametrize("text", BUILDINGS_AND_NAMED_THINGS)
def test_buildings_and_things_named_after_people_are_left_alone(full: Redactor, text: str) -> None:
    result = full.redact(text)
    assert result.text == text, result.spans


@pytest.mark.parametrize(("text", "expected"), [
    ("she lives alone at Ivy Cottage and smokes in bed", "she lives alone at [ADDRESS] and smokes "
     "in bed"),
    ("Kayleigh Ward rang about her flat", "[NAME] rang about her flat"),
    ("Lord Smith's son set the fire", "[NAME]'s son set the fire"),
])  # fmt: skip
def test_homes_and_names_like_them_are_still_taken(full: Redactor, text: str, expected: str) -> None:
    assert full.redact(text).text == expected


@pytest.mark.parametrize("text", [
    "Does the Bishop Burton Agricultural College ISA cover wildfire training data?",
    "Do Saint John's Ambulance first aiders at Hull Fair need our casualty data?",
    "Is it ok to share with the Beverley Racecourse fire marshals?",
    "Can the Howden Junior School head ask for our fire drill data?",
])  # fmt: skip
def test_a_name_before_what_the_place_is_names_the_place(full: Redactor, text: str) -> None:
    assert full.redact(text).text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("Tracey Hill rang about her son", "[NAME] rang about her son"),
    ("her son Jayden goes to Howden Junior School", "her son [NAME] goes to "
     "[SCHOOL_OR_INSTITUTION]"),
])  # fmt: skip
def test_a_surname_that_is_a_place_word_stays_a_name(
    full: Redactor, text: str, expected: str
) -> None:
    assert full.redact(text).text == expected


def test_a_statues_name_puts_no_one_on_the_street(full: Redactor) -> None:
    """A street alone is someone's only when the text speaks of someone; a statue is no one."""
    text = "Are the bins by the Philip Larkin statue on Paragon Street ours to clear after a fire?"
    assert full.redact(text).text == text
    assert full.redact("Philip Larkin lives on Paragon Street").text == "[NAME] lives on [ADDRESS]"
