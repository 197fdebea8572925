"""The redactor: UK personal data out, policy words and numbers left alone, never a crash."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.redaction import DEFAULT_SET, load, score
from governance import redact
from governance.redact import Redactor, nhs_checksum_ok, redact_answer
from governance.samples import sample_answer


@pytest.fixture(scope="module")
def redactor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redactor]:
    """The full redactor, presidio included, built once for the module (it takes a few seconds)."""
    built = Redactor(tmp_path_factory.mktemp("cache"))
    built.redact("warm up")
    yield built


@pytest.fixture
def uk_only(tmp_path: Path) -> Redactor:
    return Redactor(tmp_path, use_presidio=False)


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
    ("Agnes, 04/07/1936 (aged 88)", "Agnes, [DOB] (aged 88)", "DOB"),
    ("lives at 12 Acacia Avenue now", "lives at [ADDRESS] now", "ADDRESS"),
    ("at flat 3, 14 Beverley Road", "at [ADDRESS]", "ADDRESS"),
    ("Flat 12, Gibson Court", "[ADDRESS]", "ADDRESS"),
    ("5a Queen's Road", "[ADDRESS]", "ADDRESS"),
    ("Mrs Ellison said", "Mrs [NAME] said", "NAME"),
    ("Dr. Okafor rang", "Dr. [NAME] rang", "NAME"),
    ("Mr J. Bloggs", "Mr [NAME]", "NAME"),
    ("Mrs O'Neill's form", "Mrs [NAME] form", "NAME"),
    ("a lad called Tyler Smith was there", "a lad called [NAME] was there", "NAME"),
    ("her name is Jade", "her name is [NAME]", "NAME"),
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
]


@pytest.mark.parametrize("text", CLEAN)
def test_ordinary_policy_text_is_left_alone(redactor: Redactor, text: str) -> None:
    result = redactor.redact(text)
    assert result.text == text, result.spans
    assert result.kinds == [] and not result.changed


def test_presidio_adds_what_the_uk_patterns_miss(redactor: Redactor, uk_only: Redactor) -> None:
    assert redactor.engine == "presidio+uk"
    text = "Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, tel 01482 39 39 39"
    assert uk_only.redact(text).text == text
    result = redactor.redact(text)
    assert result.text == "Card [CARD_NUMBER], IBAN [BANK_ACCOUNT], tel [PHONE]"
    assert result.kinds == ["CARD_NUMBER", "BANK_ACCOUNT", "PHONE"]


def test_spans_point_into_the_original(redactor: Redactor) -> None:
    text = "Mr Kowalski at 7 Granville Street, DN15 6AB"
    result = redactor.redact(text)
    assert [text[s.start : s.end] for s in result.spans] == [
        "Kowalski", "7 Granville Street", "DN15 6AB"]
    assert result.text == "Mr [NAME] at [ADDRESS], [POSTCODE]"


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
    assert fallback.engine == "uk"
    assert [r.message for r in caplog.records].count(
        "presidio unavailable, redacting with UK patterns only: no spaCy here") == 1


def test_a_presidio_failure_on_one_text_is_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Exploding:
        def analyze(self, **_: object) -> list[object]:
            raise RuntimeError("boom")

    monkeypatch.setattr(redact, "build_presidio", lambda cache_dir: Exploding())
    assert Redactor(tmp_path).redact("Mrs Ellison, HU5 3QT").text == "Mrs [NAME], [POSTCODE]"


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


def test_redact_answer_redacts_question_and_text_and_keeps_markers(uk_only: Redactor) -> None:
    answer = sample_answer(question="Can I tell Mrs Ellison's GP on 01482 393939?")
    answer.text = "Yes [1], tell the GP on 01482 393939."
    redacted = redact_answer(answer, uk_only)
    assert redacted.question == "Can I tell Mrs [NAME] GP on [PHONE]?"
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
