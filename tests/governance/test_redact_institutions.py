"""Institutions that say where a particular person is (governance/redact_institutions.py), and the
public services, legislation and policy text around them that must stay as written. Our own
examples; the rules alone (no presidio, no spaCy model)."""

from __future__ import annotations

import pytest

from governance.redact import Redactor


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Redactor:
    return Redactor(tmp_path_factory.mktemp("cache"), use_presidio=False, use_ner=False)


S = "[SCHOOL_OR_INSTITUTION]"

CATCHES = [
    # a named hospital or ward once a particular person is spoken of
    ("Can I phone Goole Hospital to ask if Mr Dunn is home yet?",
     f"Can I phone {S} to ask if [NAME] is home yet?"),
    ("Her neighbour says she is in St Hilda's Hospice now, can I tell the landlord?",
     f"Her neighbour says she is in {S} now, can I tell the landlord?"),
    ("is it ok to ask Ward 7 when she is due home", f"is it ok to ask {S} when she is due home"),
    ("Mr Amos is on Lister Ward, can I ring them?", f"[NAME] is on {S}, can I ring them?"),
    # where a person is cared for, said by the care, with no "Hospital" in the name
    ("his dad is in intensive care at Kings Mill", f"his dad is in intensive care at {S}"),
    ("she was admitted to Scartho Road last night", f"she was admitted to {S} last night"),
    ("Ms Khan is on Ward 4 at Airedale", f"[NAME] is on {S}"),  # a ward and its hospital: one place
    ("Mr Lowe is in the Duchess of Kent Hospital", f"[NAME] is in the {S}"),
    ("Mr Cole is in Pinderfields on the burns ward", f"[NAME] is in {S} on the burns ward"),
    ("her nan is on ward 9 now", f"her nan is on {S} now"),
    ("he goes to the day centre at Dunswell Grange", f"he goes to the {S}"),
    # the practice a patient is with, after "GP is" or "registered with"
    ("her GP is Park Lane Surgery Group", f"her GP is {S}"),
    ("he is registered with Haltemprice Medical", f"he is registered with {S}"),
    # a school named by what a child does there
    ("her boy Tyler goes to Sirius West, can I tell them?",
     f"her boy [NAME] goes to {S}, can I tell them?"),
    ("the girl (14) is in year 10 at Archbishop Sentamu", f"the girl (14) is in year 10 at {S}"),
    ("the twins started at Thoresby in September", f"the twins started at {S} in September"),
    ("her daughter's at Tweendykes now", f"her daughter's at {S} now"),
    ("the deputy head at Longcroft rang about him", f"the deputy head at {S} rang about him"),
    # lower-case schools, practices and homes after "at", "attends"
    ("her son attends newbald primary", f"her son attends {S}"),
    ("registered at marfleet group practice", f"registered at {S}"),
    # a capital "The" belongs to the name
    ("MR JONES'S GP IS AT THE ELMS MEDICAL CENTRE", f"[NAME]'S GP IS AT {S}"),
    # homes, colleges, prisons and units named by what they are, beside someone (session 7)
    ("she moved into Linden House supported living", f"she moved into {S}"),
    ("her son is at Oakfield House children's home", f"her son is at {S}"),
    ("the lad goes to Wyke 6th form", f"the lad goes to {S}"),
    ("a student from Hull Uni, Chen Wei, set it off", f"a student from {S}, [NAME], set it off"),
    ("he was released from HMP Hull last week", f"he was released from {S} last week"),
    ("she goes to sunnybank day centre on tuesdays", f"she goes to {S} on tuesdays"),
    ("his dad was taken to Ward 5 at Grimsby hospital", f"his dad was taken to {S}"),
    ("Jubilee ward at Westwood has her now", f"{S} has her now"),
    ("THE CHILD IS FROM THE BURNS UNIT AT PINDERFIELDS", f"THE CHILD IS FROM {S}"),
]


@pytest.mark.parametrize(("text", "expected"), CATCHES)
def test_institutions_beside_a_person(rules: Redactor, text: str, expected: str) -> None:
    assert rules.redact(text).text == expected


LEFT_ALONE = [
    "Can we share with Castle Hill Hospital under the ISA?",
    "Can I tell Goole Hospital about a patient's hoarding? Can his or her GP know?",
    "How many false alarms did Hull Royal Infirmary have last year?",
    "Can I send the number of visits per ward to the Integrated Care Board?",
    "A patient on Ward 7 asked about fire doors; who do we tell?",
    "Is a hospital discharge team allowed to refer a patient to us?",
    "she goes to Hull on Fridays and the referral goes to the MASH",
    "the referral goes to Humberside Police and he is at the station",
    "Can a pupil at a local primary school be referred without consent?",
    "Does the Children Act 1989 let us share with a school?",
    "Section 47 enquiries: who goes to the strategy meeting?",
    "Can I share with the GP practice under Article 9(2)(h)?",
    "The ward manager at the general hospital asked for our policy",
    "Can a ward sister at Castle Hill Hospital ask us for fire safety advice?",
    "Which GP practices are registered with the CQC?",
    "Can we share data with St Leonard's Hospice for a joint campaign?",
    "her son is at home and her daughter's at Hull",
    # named schools and homes in questions about no one in particular (session 7)
    "We've been asked to give a fire safety talk to Year 8 at Sirius Academy West next term",
    "Brookfield care home want a copy of our hoarding policy",
    "Can we share arson figures with Hull University researchers?",
]


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_services_and_policy_text_are_left_alone(rules: Redactor, text: str) -> None:
    result = rules.redact(text)
    assert result.text == text, result.spans


# Session 8 (issue 16, blind set 5 read as development): our own examples, each written before
# its rule.
PLACES_OF_SOMEONE = [
    # where a person was taken, by the people who took them; a hospital by its initials or with "of"
    ("the crew took her to Princess Alexandra of Kent", f"the crew took her to {S}"),
    ("paramedics rushed him to LGI last night", f"paramedics rushed him to {S} last night"),
    ("she's in Pinderfields now, ward 12, since Monday", f"she's in {S} now, {S}, since Monday"),
    ("notes from the crew: 'Ann Fox, 80, taken to CHH'", f"notes from the crew: '[NAME], 80, taken to {S}'"),
    # a town's one college or university, in lower case, beside someone
    ("her son is at bath uni now", f"her son is at {S} now"),
    # a name, then what it is in brackets
    ("the lad at Larchfield (the council children's home) keeps absconding",
     f"the lad at {S} (the council children's home) keeps absconding"),
    # rooms, caravans and flats that are someone's home
    ("Resident: Mabel Hoyle, Room 8, Ashgrove Care Home", f"Resident: [NAME], [ADDRESS], {S}"),
    ("the lodgers in room 3 and room 7 smoke", "the lodgers in [ADDRESS] and [ADDRESS] smoke"),
    ("tenants in rooms 2 and 9 smoke", "tenants in [ADDRESS] and [ADDRESS] smoke"),
    ("the family in caravan 17 asked for alarms", "the family in [ADDRESS] asked for alarms"),
    ("he's at flat 2 ferens house now", "he's at [ADDRESS] now"),
    # a house named after a person is still a home once someone lives there
    ("she lives at Martin House, Skidby", "she lives at [ADDRESS]"),
    # the service's own station, named by its watch manager, beside a person
    ("the WM at Clough Road says Kelly Tate can swap", "the WM at Clough Road says [NAME] can swap"),
]


@pytest.mark.parametrize(("text", "expected"), PLACES_OF_SOMEONE)
def test_places_said_with_someone(rules: Redactor, text: str, expected: str) -> None:
    assert rules.redact(text).text == expected


ORGANISATIONS_LEFT_ALONE = [
    "a patient was taken to ICU and then to A&E",
    "we took them to the AGM at HQ",
    "Can we give a talk at a hull school?",
    "book meeting room 3 for the debrief",
    "training in room 4 at HQ on Monday",
    "Great work by Red Watch on the night",
    "The head of year at Sirius Academy wants our talk slides",
    "The head teacher at Ganton Lambert asked for our schools policy",
    "Martin House want to run a joint appeal with us",
    "Francis House and Age UK want referrals from us",
    "Kestrel Lodge Group want a sharing agreement",
    "Brook Lodge care home want a fire drill in May",
    "The WM at Clough Road wants the rota emailed",
    "Our ICO registration number is Z1234567 on the notice",
    "the number for the council's Early Help team (01482 111222) on the leaflet",
]


@pytest.mark.parametrize("text", ORGANISATIONS_LEFT_ALONE)
def test_organisations_and_rooms_of_no_one_are_left_alone(rules: Redactor, text: str) -> None:
    result = rules.redact(text)
    assert result.text == text, result.spans
