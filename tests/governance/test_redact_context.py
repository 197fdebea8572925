"""The redactor finds people, places and things from their context: each kind of catch added for
issue 16, and the policy text around them that must stay as written. Our own examples, written
apart from any blind evaluation set; the rules alone (no presidio, no spaCy model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.redact import Redactor


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Redactor:
    return Redactor(tmp_path_factory.mktemp("cache"), use_presidio=False, use_ner=False)


CATCHES = [
    # a title is part of the name, in any case, also for couples and initials
    ("Can I tell Mrs Ellison's GP?", "Can I tell [NAME]'s GP?"),
    ("went round to mr and mrs o'hara's", "went round to [NAME]'s"),
    ("tenant Mrs A Ward rang", "tenant [NAME] rang"),
    ("visited mrs hilda clarkson today", "visited [NAME] today"),
    ("MR DAVID PRESTON at 3 Kingsway", "[NAME] at [ADDRESS]"),
    ("ask Cllr Hughes and PC Dawson", "ask [NAME] and [NAME]"),
    ("occupier is mr k. brannigan, smells", "occupier is [NAME], smells"),
    ("Referral from PCSO Hardcastle today", "Referral from [NAME] today"),
    # first names in context, first + last pairs
    ("the eldest is Harpreet and he is 14", "the eldest is [NAME] and he is 14"),
    ("her son is derek", "her son is [NAME]"),
    ("owner is ian barker from next door", "owner is [NAME] from next door"),
    ("the occupier, Jan Nowak, works nights", "the occupier, [NAME], works nights"),
    ("YOUNG LAD CALLED JACK SMITH AGED 12", "YOUNG LAD CALLED [NAME] AGED 12"),
    # a capitalised name after "name" or "addressed to"; initials before a surname
    ("Details: name Eilidh Fraser, flat above the shop", "Details: name [NAME], flat above the shop"),
    ("the parcel was addressed to R. Okafor", "the parcel was addressed to [NAME]"),
    ("signed by J.R. Hartley and Plan B. Green", "signed by [NAME] and Plan B. Green"),
    # hyphenated first names; an age given with a pronoun or after a relation
    ("the note says Lacey-Rose, she's 4, was home", "the note says [NAME], she's 4, was home"),
    ("her nephew tomasz is 15 and smokes", "her nephew [NAME] is 15 and smokes"),
    # names listed after a plural relation, with their ages
    ("the kids are Zuzanna 8 and Wiktor 5", "the kids are [NAME] 8 and [NAME] 5"),
    ("children: Amira (4), Yusuf (2)", "children: [NAME] (4), [NAME] (2)"),
    # a family by its surname in the plural
    ("the Naylors next door have had two chip pan fires",
     "the [NAME] next door have had two chip pan fires"),
    ("a fire at the Ashdowns' house", "a fire at the [NAME]' house"),
    # a role before a name
    ("our volunteer Chidi Eze found it", "our volunteer [NAME] found it"),
    # names given whole after a cue, in lower case or in capitals, or set between commas (session 7)
    ("name is ian tuck. tel", "name is [NAME]. tel"),
    ("driver was aleksandra nowak, she", "driver was [NAME], she"),
    ("SHE'S CALLED ANITA KOVACS, CAN I", "SHE'S CALLED [NAME], CAN I"),
    ("tell the head that jacob mensah's family lost it", "tell the head that [NAME]'s family lost it"),
    ("Woman at the drop-in, Gosia, gave her phone", "Woman at the drop-in, [NAME], gave her phone"),
    ("only gave the name 'Steph' when she rang", "only gave the name '[NAME]' when she rang"),
    ("bob from the council's ASB team wants names", "[NAME] from the council's ASB team wants names"),
    ("his partner Autumn said no", "his partner [NAME] said no"),
    ("Hope is 15 and sets fires", "[NAME] is 15 and sets fires"),
    ("Her sister-in-law Oksana translated", "Her sister-in-law [NAME] translated"),
    ("Is it ok to put 'Mrs J Cartwright' on it?", "Is it ok to put '[NAME]' on it?"),
    ("a leaflet to Pani Agnieszka Lis please", "a leaflet to [NAME] please"),
    # bank details after "sort" alone; plates typed in one case only
    ("the Smith family and the Kayleigh referral", "the [NAME] family and the [NAME] referral"),
    ("The Shahs want to donate", "The [NAME] want to donate"),
    ("referral just come in: jayden mcbride (7), attends", "referral just come in: [NAME] (7), attends"),
    ("he's called Reece Doughty. Watch want to send flowers",
     "he's called [NAME]. Watch want to send flowers"),
    # a name found once is taken wherever else it is written, in the same case (session 7)
    ("her partner Joy moved out. Joy's DOB is on file", "her partner [NAME] moved out. [NAME]'s DOB is on file"),
    ("The son, Mark, said no. Can I mark the file as closed? Mark's fine",
     "The son, [NAME], said no. Can I mark the file as closed? [NAME]'s fine"),
    ("his acc 66778899 sort 09-01-29", "his acc [BANK_ACCOUNT] sort [BANK_ACCOUNT]"),
    ("Old one 40-47-84 / 71203345, new", "Old one [BANK_ACCOUNT] / [BANK_ACCOUNT], new"),
    ("sent account 41-23-45-67 on a note", "sent account [BANK_ACCOUNT] on a note"),
    ("read out 5412 7534 9821 0046 exp 09/27", "read out [CARD_NUMBER] exp 09/27"),
    ("amex 3714 496353 98431 and 4929123456789012", "amex [CARD_NUMBER] and [CARD_NUMBER]"),
    ("ring her on 07700.900.123 or 077 009 00123", "ring her on [PHONE] or [PHONE]"),
    # dates of birth written compactly, with hyphens, or as a month and two digits
    ("d.o.b 110739 - that's", "d.o.b [DOB] - that's"),
    ("date-of-birth 6 feb 1979 and", "date-of-birth [DOB] and"),
    ("born Oct 61 is all we've got", "born [DOB] is all we've got"),
    # addresses without a number, house names and their villages, flats, plots
    ("the lady at number 12 on Holderness Road", "the lady at [ADDRESS]"),
    ("the end house on Orchard Park has bonfires", "the [ADDRESS] has bonfires"),
    ("found at Rose Cottage, Skidby. Owner", "found at [ADDRESS]. Owner"),
    ("the barn at Holly Tree Farm near Routh", "the barn at [ADDRESS]"),
    ("record for flat 14b, Lambert House, Spring Bank.", "record for [ADDRESS]."),
    ("he lives in flat 6. can i", "he lives in [ADDRESS]. can i"),
    ("plot 34 on the caravan site", "[ADDRESS] on the caravan site"),
    ("dispute at van 23 Kingfisher caravan park, chap", "dispute at [ADDRESS], chap"),
    ("living in caravan 8 at Sand le Mere holiday park", "living in [ADDRESS]"),
    ("Mrs Nowak, room 14 at Brookfield care home in Hornsea",
     "[NAME], [ADDRESS] at [SCHOOL_OR_INSTITUTION] in Hornsea"),
    ("at 11 The Paddocks and at 47 Westgate", "at [ADDRESS] and at [ADDRESS]"),
    ("attended Hillcrest, 4 Church View, Brandesburton", "attended [ADDRESS]"),
    ("a van at Golden Sands holiday park", "a van at [ADDRESS]"),
    ("mrs mcallister on westbourne ave", "[NAME] on [ADDRESS]"),
    ("her mum's on Sutton Park estate", "her mum's on [ADDRESS]"),
    ("the lady at The Old Forge, Ellerker is", "the lady at [ADDRESS] is"),
    ("the man at 14a is called Dave", "the man at [ADDRESS] is called [NAME]"),
    ("Lives in the end cottage, Low Street, Sancton", "Lives in the [ADDRESS]"),
    ("Resident Harold 'Harry' Clegg smokes", "Resident [NAME] smokes"),
    # a person placed on a named park or green; a house named for what it was, then its street
    ("the couple on Westfield Green keep a fire going", "the couple on [ADDRESS] keep a fire going"),
    ("The Old Bakery, Main Street, Sproatley is hers", "[ADDRESS] is hers"),
    ("High Street, Hedon: is it his?", "[ADDRESS]: is it his?"),
    ("visited 9 Northgate West today", "visited [ADDRESS] today"),
    ("she lives at Mill Garth Barns, Cottingham now", "she lives at [ADDRESS] now"),
    ("the alarm at Brook Hollow, Hessle is done", "the alarm at [ADDRESS] is done"),
    ("the man in the top flat, Dean, smokes", "the man in the [ADDRESS], [NAME], smokes"),
    # schools and workplaces named by who the person deals with there
    ("the school nurse at Malet Lambert saw her", "the school nurse at [SCHOOL_OR_INSTITUTION] saw her"),
    ("tell his employer, Hull Trains?", "tell his employer, [SCHOOL_OR_INSTITUTION]?"),
    ("The carer, Joyce from Helping Hands, rang",
     "The carer, [NAME] from [SCHOOL_OR_INSTITUTION], rang"),
    ("payslip from Arco", "payslip from [SCHOOL_OR_INSTITUTION]"),
    ("works nights at the BAE Systems site in Brough, ok",
     "works nights at the [SCHOOL_OR_INSTITUTION], ok"),
    ("a patient on Ward 40 at Hull Royal Infirmary",
     "a patient on Ward 40 at [SCHOOL_OR_INSTITUTION]"),
    # dates of birth in any wording, NI numbers as staff copy them
    ("born in 1938 (15/08/1938) and", "born in [DOB] and"),
    ("date of birth, 12/03/1948", "date of birth, [DOB]"),
    ("she was b. 12/3/48 and born in '48", "she was b. [DOB] and born in [DOB]"),
    ("her date of birth is the twelfth of march 1948", "her date of birth is the [DOB]"),
    ("the number on the letter was QQ 24 68 13 E", "the number on the letter was [NI_NUMBER]"),
]


@pytest.mark.parametrize(("text", "expected"), CATCHES)
def test_personal_data_found_from_its_context(rules: Redactor, text: str, expected: str) -> None:
    assert rules.redact(text).text == expected


LEFT_ALONE = [
    "Is Art 9(2)(g) the right condition for sharing health data?",
    "Can I share a Safe and Well referral with the MASH on a Friday in June?",
    "Is Schedule 1 Part 2 paragraph 18 the right condition under Article 6?",
    "A nurse from the NHS community team asked for our notes.",
    "Can a support worker at Adult Social Care see the referral?",
    "his employer is Hull City Council and he works for HFRS",
    "Can a carer from Age UK see the report?",
    "Our station is on Clough Road; can visitors see the board?",
    "the houses on the main road and the slip road off the a63",
    "Can I share the list of properties on the Bransholme Estate that had visits?",
    "a flat 20% rise in calls over 6 hours",
    "The twelfth of March is our next training day",
    "the young lad was fine",
    "CAN I TELL THE COUNCIL ABOUT A HOARDER UNDER ARTICLE 6",
    "Can I share with Castle Hill Hospital and Humberside Police?",
    "Are plot numbers on a caravan site personal data?",
    "Can I talk to Hull Women's Aid about a referral?",
    "What does Working Together to Safeguard Children 2023 say?",
    "we met at 3pm, meet again at 10am",
    "a concern about a lady I think is being neglected",
    "Can we hold a stall on the High Street, or ask the High Court?",
    "Appendix A. Housing covers flats; see Option B. Green routes",
    "How many fires were on Hessle Green last year?",
    "Can I share the Gypsy and Traveller community's site list with the council?",
    "Is a follow-up visit needed? Mark-Up the form first",
    "the children are at risk and the kids are Year 6",
    "her son is 11 and her daughter aged 9",
    "a fire near Market Weighton and one near Burton Pidsea",
    "Can we share with the Samaritans, or walk the Wolds with the Greens?",
    "the Cotswolds' villages and the Samaritans' number",
    "we met at Humberside Police, Hessle and at Tesco, Beverley",
    # session 7: a postcode district before a word is no plate; a label with its number no name
    "publish the fires in HU3, HU9 and DN31 for the quarter",
    "call 999, 101 or 0300 123 4567; incident 20240112345 on 01.12.2024",
    "give a fire safety talk to Year 8 next term",
    "the driver was drunk and the caller was anonymous",
    # names that are part of a place's or a thing's name, and towns listed together (session 7)
    "Is the Amy Johnson statue area covered by the CCTV agreement?",
    "Can I share the Victoria Dock flood plan with the council?",
    "Is the Princes Quay car park fire report shareable?",
    "a pollution incident on the River Hull",
    "During the Grace period for the new ISA can we keep referring?",
    "availability stats for Brigg, Barton and Epworth",
    "the fire risk assessment of Wilberforce House museum",
]


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_policy_and_service_words_are_left_alone(rules: Redactor, text: str) -> None:
    result = rules.redact(text)
    assert result.text == text, result.spans


def test_a_name_redacted_once_is_not_redacted_again(rules: Redactor) -> None:
    once = rules.redact("Mr and Mrs Hutchinson at 47 Westgate, Beverley").text
    assert once == "[NAME] at [ADDRESS]"
    assert rules.redact(once).text == once


def test_the_services_own_contact_with_a_title_is_kept(tmp_path: Path) -> None:
    kept = Redactor(tmp_path, use_presidio=False, use_ner=False,
                    keep=["the DPO, Mrs Jane Corbett"])
    text = "Ask Mrs Jane Corbett; the resident Mrs Corbett smokes"
    assert kept.redact(text).text == "Ask Mrs Jane Corbett; the resident [NAME] smokes"


@pytest.mark.parametrize("question", [
    "Can I forward the MARAC agenda to the station mailbox at Calvert Lane?",
    "Hessle Road patch has had loads of bin fires since 2019, can I share a heat map with the police?",
    "Clough Road have asked if we can share training records with the FBU rep. Is that allowed",
    "Crews took photos of cars blocking the hydrants on Holderness Road to send to the council",
    "The stroke unit at Hull Royal want us to do fire safety training for their staff",
])  # fmt: skip
def test_a_road_or_department_named_with_no_one_there_stays(question: str) -> None:
    """A station, a patch or a department named by its road or hospital is not where anyone lives
    or is cared for (tests/data/redaction_dev_clean.jsonl: 9 of 80 changed before, 3 now)."""
    assert Redactor().redact(question).text == question


@pytest.mark.parametrize(("question", "kept_out"), [
    ("Concern for an elderly man on Westbourne Avenue who wanders at night", "Westbourne Avenue"),
    ("the house on Hessle Road has bags piled in the hall", "Hessle Road"),
    ("the fire on Clough Road last night, can I tell the landlord?", "Clough Road"),
    ("mum works at the Co-op on Holderness Road", "Holderness Road"),
])  # fmt: skip
def test_a_road_tied_to_someone_is_still_taken(question: str, kept_out: str) -> None:
    assert kept_out not in Redactor().redact(question).text


# Session 8 (issue 16, blind set 5 read as development): how names are written around the cues
# the rules already knew. Our own examples, each written before its rule.
NAMES_IN_CONTEXT = [
    # a nickname in brackets between first name and surname
    ("visited Margaret (Peggy) Ostrowski today", "visited [NAME] today"),
    # a couple: a first name joined to a partner's whole name
    ("the couple, Derek & Janice Holroyd, smoke", "the couple, [NAME], smoke"),
    ("Alan and Beryl Whitworth moved out", "[NAME] moved out"),
    # a name said with the home the person is from
    ("it's Gaz from number 9 again", "it's [NAME] from [ADDRESS] again"),
    ("she says it was 'Smudge' from 4 Elm Grove", "she says it was '[NAME]' from [ADDRESS]"),
    ("Hoarder at 22 Elm Grove, can I tell the council?", "Hoarder at [ADDRESS], can I tell the council?"),
    ("kel from 12 oak road says it beeps", "[NAME] from [ADDRESS] says it beeps"),
    ("lorraine & mick at 3 the green want a visit", "[NAME] at [ADDRESS] want a visit"),
    ("Smoke from number 9 set off the alarm", "Smoke from [ADDRESS] set off the alarm"),
    # a first name that is also a word, said doing what people do
    ("Joy rang back about the alarm", "[NAME] rang back about the alarm"),
    ("Rose says the alarm still beeps", "[NAME] says the alarm still beeps"),
    ("his stepson Will stays over", "his stepson [NAME] stays over"),
    # a first name that is also a word or a colour, then a surname
    ("Will Ashworth from Hedon wants a copy", "[NAME] from Hedon wants a copy"),
    ("the pupil was Amber Quigley in year 8", "the pupil was [NAME] in year 8"),
    # a season or month named after a cue that a name follows
    ("a woman called April rang us", "a woman called [NAME] rang us"),
    # a possessive name before what a person has
    ("Can I share Dorota's vehicle reg with the council?", "Can I share [NAME]'s vehicle reg with the council?"),
    ("is it ok to pass on mark's phone number", "is it ok to pass on [NAME]'s phone number"),
    ("her son's number is on file", "her son's number is on file"),
    ("Can I share Zuzka's vehicle reg with the car park firm?",
     "Can I share [NAME]'s vehicle reg with the car park firm?"),
    ("HOARDING CASE AT FLAT 6, CAN WE SEND PHOTOS?", "HOARDING CASE AT [ADDRESS], CAN WE SEND PHOTOS?"),
    # a name set between commas after the young person it is
    ("Young person at the youth club, Kacper, set the fire",
     "Young person at the youth club, [NAME], set the fire"),
    ("A teenager from the flats, Connor, set it", "A teenager from the flats, [NAME], set it"),
    ("one of our year 10s, Jakub Wozniak, was hurt", "one of our year 10s, [NAME], was hurt"),
    # families listed by their surnames, one of them a known surname
    ("we moved the Smiths, the Adeyemis and the Kowalczyks", "we moved the [NAME], the [NAME] and the [NAME]"),
    # a name with its date of birth in brackets
    ("Tadeusz (dob 3/4/1949) lives alone", "[NAME] (dob [DOB]) lives alone"),
    # initials without full stops, then a surname
    ("cardholder name F J Pemberton", "cardholder name [NAME]"),
    # a family title or a nickname's adjective before a first name
    ("Nana Joan lives with them", "[NAME] lives with them"),
    ("Big Kev keeps burning rubbish", "[NAME] keeps burning rubbish"),
    ("Mrs Shaw's garage caught fire", "[NAME]'s garage caught fire"),
    ("Next of kin: May (daughter) on the file", "Next of kin: [NAME] (daughter) on the file"),
    ("Dave Ibbotson (her neighbour) has a key", "[NAME] (her neighbour) has a key"),
    ("Uncle Des won't let us in", "[NAME] won't let us in"),
    ("Autumn and Leon Barraclough moved in", "[NAME] moved in"),
    ("we moved the Okonkwos and the Vasiles", "we moved the [NAME] and the [NAME]"),
]


@pytest.mark.parametrize(("text", "expected"), NAMES_IN_CONTEXT)
def test_names_written_around_their_cues(rules: Redactor, text: str, expected: str) -> None:
    assert rules.redact(text).text == expected


# A date of birth given further on in the sentence that asks about it; dates of other things stay.
@pytest.mark.parametrize(("text", "expected"), [
    ("the DOB we hold is wrong - the right one is 03/02/1961, can I fix it?",
     "the DOB we hold is wrong - the right one is [DOB], can I fix it?"),
    ("they want her date of birth for the form and we have it down as 14/09/1977",
     "they want her date of birth for the form and we have it down as [DOB]"),
    ("DOB of the tenant is 1/2/1950 and she moved in on 3/4/2005",
     "DOB of the tenant is [DOB] and she moved in on 3/4/2005"),
    ("Do we need a DOB on the form? The fire was 12/03/2019.",
     "Do we need a DOB on the form? The fire was 12/03/2019."),
    ("we hold dates of birth for visits since 01/04/2015 under the DOB field",
     "we hold dates of birth for visits since 01/04/2015 under the DOB field"),
])  # fmt: skip
def test_a_date_of_birth_further_on_from_its_cue(rules: Redactor, text: str, expected: str) -> None:
    assert rules.redact(text).text == expected


WORDS_LEFT_ALONE = [
    "Will the alarm be fitted before Friday?",
    "Hope this helps the crews",
    "Will Green Watch cover the open day?",
    "the campaign is called Summer Safety Week",
    "the bill's number is on the invoice",
    "Can we share with the Samaritans, the Cotswolds trust and the Wolds?",
    "the exam grades were A B C across the group",
    "Is the Big Issue seller on our list of partners?",
    "Old Bailey guidance on disclosure: does it apply to us?",
    "Referral form (child) and Consent form (adult): which do we use?",
    "Can the Amy Johnson Festival organisers have our event risk assessment?",
    "Daisy Street fire last night: can we post about it?",
    "Is Joseph Rowntree Foundation research ok to cite in our plan?",
    "Sam's Garage on the estate wants our report for their insurer",
    "Marfleet Lane station has a new watch manager, can I put his photo up?",
    "a robin nested in the appliance bay",
    "Is the Renters (Reform) Bill relevant to HMO visits?",
    "Can I tell Hessle Town Council about the bonfire?",
    "Great effort by Green Watch at the fire on Sunday",
    "Lady called back about the visit",
    "Can we share with North Lincs council?",
]


@pytest.mark.parametrize("text", WORDS_LEFT_ALONE)
def test_words_that_only_look_like_names_are_left_alone(rules: Redactor, text: str) -> None:
    result = rules.redact(text)
    assert result.text == text, result.spans


@pytest.mark.parametrize("text", [
    "Jack up the priority on the audit please",
    "Frank question: do we keep the forms?",
    "Pearl grey doors on the new station: any data issue?",
])  # fmt: skip
def test_the_model_does_not_take_a_word_opening_a_sentence_for_a_name(text: str) -> None:
    assert Redactor().redact(text).text == text
