"""Take personal data out of a question before it is logged: `[PHONE]`, `[NAME]`, `[POSTCODE]`...

Two layers find spans: our UK patterns (phones, postcodes, NHS and NI numbers, dates of birth,
addresses, names after a title or "called") and presidio-analyzer's pattern recognizers (email,
phone via libphonenumber, NHS, card and bank numbers). Presidio runs fully offline on a blank spaCy
pipeline; if it cannot start, the UK patterns carry on alone and a warning is logged. Nothing is
built until the first `redact()`.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from assistant.answer import Answer

log = logging.getLogger(__name__)

# Presidio scores below this are dropped. libphonenumber-validated phones score 0.4 with no
# context words around them, and they are the weakest finding we still want redacted.
SCORE_THRESHOLD = 0.4
# Score given to our own UK pattern findings, above presidio's unvalidated guesses.
UK_PATTERN_SCORE = 0.85

# presidio entity -> our placeholder kind; entities not listed here are ignored.
PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "UK_NHS": "NHS_NUMBER",
    "CREDIT_CARD": "CARD_NUMBER",
    "IBAN_CODE": "BANK_ACCOUNT",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redaction:
    """Redacted text, the kinds of personal data taken out (in order of first appearance) and where."""

    text: str
    kinds: list[str]
    spans: list[Span] = field(default_factory=list)  # positions in the original text

    @property
    def changed(self) -> bool:
        return bool(self.spans)


class TextRedactor(Protocol):
    def redact(self, text: str) -> Redaction: ...


# --- UK patterns ------------------------------------------------------------------------------

_PHONE_PREFIX = r"(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)"
# Personal numbers only: mobiles (07) and geographic numbers (01, 02). 03/08 numbers belong to
# organisations and helplines; 999, 101 and 111 are too short to match.
UK_PHONE = re.compile(
    r"(?<![\w+])" + _PHONE_PREFIX + r"(?:"
    r"7\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}"
    r"|2\d\)?[\s-]?\d{4}[\s-]?\d{4}"
    r"|1\d1\)?[\s-]?\d{3}[\s-]?\d{4}"
    r"|11\d\)?[\s-]?\d{3}[\s-]?\d{4}"
    r"|1\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}"
    r"|1\d{3}\)?[\s-]?\d{6}"
    r"|1\d{3}\)?[\s-]?\d{5}"
    r"|1\d{4}\)?[\s-]?\d{4,5}"
    r")(?![\d])"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Inward codes never use C, I, K, M, O or V, which also keeps "B4 3PM" from looking like one.
POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
)
NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})([\s-]?)(\d{3})\2(\d{4})(?![\d-])")
NHS_CONTEXT = re.compile(r"\bNHS\b|health\s+(?:service\s+)?number", re.IGNORECASE)
# First letters never D, F, I, Q, U, V; second never D, F, I, O, Q, U, V (HMRC's rules).
NI_NUMBER = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
# A date right after "born", "DOB", "date of birth"; a year right after "born"; or a date
# right before "(aged 84)".
DOB_AFTER_CUE = re.compile(
    r"\b(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birthday)"
    r"(?:\s*(?:is|was|of|as|:|-|=)\s*|\s+)(?:the\s+)?(" + _DATE + r")",
    re.IGNORECASE,
)
BORN_IN_YEAR = re.compile(r"\bborn\s+(?:in\s+)?((?:19|20)\d{2})\b", re.IGNORECASE)
DOB_BEFORE_AGE = re.compile(r"(" + _DATE + r")\s*[,(]?\s*(?:aged|age)\s+\d{1,3}\b", re.IGNORECASE)
_STREET = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|grove"
    r"|place|pl|terrace|gardens|gdns|walk|view|park|square|sq|hill|row|mews|rise|parade|green"
    r"|gate|garth|fold|croft|chase|vale|approach|boulevard|villas|wharf|quay|bank)"
    r"(?:\s+(?:north|south|east|west))?"
)
_NOT_STREET_WORD = r"(?!(?:of|the|and|in|on|to|for|a|an|at|by|from|under|with|or|per|hours?|days?)\b)"
_STREET_WORDS = r"(?:" + _NOT_STREET_WORD + r"[A-Za-z][A-Za-z'-]*\s+){1,3}"
ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit|room)\s+\d+[A-Za-z]?,?\s+)?"
    r"(?:\d{1,4}[A-Za-z]?,?\s+" + _STREET_WORDS + _STREET + r"|"
    r"(?:flat|apartment|apt)\s+\d+[A-Za-z]?,?\s+" + _STREET_WORDS + _STREET + r")\b",
    re.IGNORECASE,
)
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)"
_NAME_WORD = r"(?:O'|D')?[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*"
NAME_AFTER_TITLE = re.compile(
    rf"\b{_TITLES}\.?\s+((?:[A-Z]\.?\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
NAME_AFTER_CUE = re.compile(
    r"\b(?:called|named|name\s+(?:is|was|as)|name's|known\s+as|goes\s+by)\s+"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
)
# Capitalised words that mark an organisation, team or product rather than a person.
NOT_NAMES = frozenset(
    [
        "police", "council", "social", "care", "services", "service", "team", "hospital",
        "ambulance", "control", "fire", "rescue", "trust", "safeguarding", "housing", "children",
        "children's", "adult", "adults", "nhs", "gp", "surgery", "school", "academy", "college",
        "university", "centre", "unit", "hub", "department", "office", "board", "partnership",
        "authority", "agency", "group", "ltd", "limited", "ccg", "icb", "mind", "samaritans",
        "age", "uk", "crimestoppers", "action", "trading", "standards", "environmental", "health",
        "watch", "station", "manager", "lead", "officer", "teams", "word", "excel", "outlook",
        "forms", "prevent", "channel", "mash", "duty", "desk", "operation", "operations", "the",
        "a", "an",
    ]
)


def _groups(pattern: re.Pattern[str], kind: str, text: str, group: int = 0) -> Iterator[Span]:
    for match in pattern.finditer(text):
        if match.group(group):
            yield Span(match.start(group), match.end(group), kind)


def _phones(text: str) -> Iterator[Span]:
    yield from _groups(UK_PHONE, "PHONE", text)


def nhs_checksum_ok(digits: str) -> bool:
    """NHS Modulus 11: weights 10..2 over the first nine digits; 11 - remainder is the check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> Iterator[Span]:
    for match in NHS_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        near = text[max(0, match.start() - 40) : match.start()]
        if nhs_checksum_ok(digits) or NHS_CONTEXT.search(near):
            yield Span(match.start(), match.end(), "NHS_NUMBER")


def _names(text: str) -> Iterator[Span]:
    # After a title the words are a name up to the first organisation word ("Dr Patel Surgery");
    # after "called" any organisation word means it was a team or service that was called.
    for pattern, cut in ((NAME_AFTER_TITLE, True), (NAME_AFTER_CUE, False)):
        for match in pattern.finditer(text):
            words = match.group(1).split()
            is_org = [w.lower().strip(".").removesuffix("'s") in NOT_NAMES for w in words]
            if any(is_org) and not cut:
                continue
            kept = words[: is_org.index(True)] if any(is_org) else words
            if kept and len(kept[-1].strip(".")) > 1:
                start = match.start(1)
                yield Span(start, start + len(" ".join(kept)), "NAME")


def _dates_of_birth(text: str) -> Iterator[Span]:
    yield from _groups(DOB_AFTER_CUE, "DOB", text, 1)
    yield from _groups(BORN_IN_YEAR, "DOB", text, 1)
    yield from _groups(DOB_BEFORE_AGE, "DOB", text, 1)


UK_FINDERS: tuple[Callable[[str], Iterator[Span]], ...] = (
    lambda t: _groups(EMAIL, "EMAIL", t),
    _phones,
    lambda t: _groups(POSTCODE, "POSTCODE", t),
    _nhs_numbers,
    lambda t: _groups(NI_NUMBER, "NI_NUMBER", t),
    _dates_of_birth,
    lambda t: _groups(ADDRESS, "ADDRESS", t),
    _names,
)


def uk_spans(text: str) -> list[Span]:
    """Every span our own UK patterns find, overlapping or not."""
    return [span for finder in UK_FINDERS for span in finder(text)]


def merge_spans(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans: where two overlap, the longer wins (the earlier on a tie)."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def apply_spans(text: str, spans: list[Span]) -> Redaction:
    merged = merge_spans(spans)
    out = text
    for span in reversed(merged):
        out = f"{out[: span.start]}[{span.kind}]{out[span.end :]}"
    kinds = list(dict.fromkeys(span.kind for span in merged))
    return Redaction(text=out, kinds=kinds, spans=merged)


# --- presidio ---------------------------------------------------------------------------------


def _spacy_blank_dir(cache_dir: Path) -> Path:
    """A blank English spaCy pipeline on disk, which presidio loads as its (model-free) NLP engine."""
    import spacy

    target = cache_dir / f"spacy-blank-en-{spacy.__version__}"
    if not (target / "config.cfg").exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".spacy-blank-"))
        spacy.blank("en").to_disk(staging)
        try:
            staging.rename(target)
        except OSError:  # another process got there first; theirs is as good as ours
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    return target


def build_presidio(cache_dir: Path) -> Any:
    """A presidio AnalyzerEngine with pattern recognizers only, needing no network or model."""
    # tldextract (used by the email and URL recognizers) would otherwise fetch the public suffix
    # list from the internet on first use.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
    )

    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": str(_spacy_blank_dir(cache_dir))}],
    }
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (
        EmailRecognizer(),
        PhoneRecognizer(supported_regions=("GB",)),
        NhsRecognizer(),
        CreditCardRecognizer(),
        IbanRecognizer(),
    ):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        nlp_engine=engine,
        registry=registry,
        supported_languages=["en"],
        default_score_threshold=SCORE_THRESHOLD,
    )


def _presidio_spans(analyzer: Any, text: str) -> list[Span]:
    results = analyzer.analyze(text=text, language="en", entities=list(PRESIDIO_KINDS))
    spans = [
        Span(r.start, r.end, PRESIDIO_KINDS[r.entity_type])
        for r in results
        if r.entity_type in PRESIDIO_KINDS and r.score >= SCORE_THRESHOLD
    ]
    return [s for s in spans if not _organisation_phone(text[s.start : s.end], s.kind)]


def _organisation_phone(found: str, kind: str) -> bool:
    """libphonenumber accepts 03/08/09 numbers, which belong to organisations, not people."""
    if kind != "PHONE":
        return False
    digits = re.sub(r"\D", "", found)
    digits = "0" + digits[2:] if digits.startswith("44") else digits
    return digits[:2] in ("03", "08", "09")


class Redactor:
    """Replaces personal data with placeholders; never raises on odd input, never needs a network."""

    def __init__(self, cache_dir: Path | None = None, *, use_presidio: bool = True) -> None:
        self._cache_dir = cache_dir or Path(tempfile.gettempdir()) / "sharecheck-cache"
        self._use_presidio = use_presidio
        self._analyzer: Any = None
        self._tried = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> Redactor:
        """A redactor caching its blank spaCy pipeline under the data directory."""
        return cls(Path(settings.data_dir) / "cache")

    @property
    def engine(self) -> str:
        """Which layers are in use: "presidio+uk" or "uk" (after the first redact())."""
        return "presidio+uk" if self._analyzer is not None else "uk"

    def _presidio(self) -> Any:
        with self._lock:
            if not self._tried and self._use_presidio:
                self._tried = True
                try:
                    self._analyzer = build_presidio(self._cache_dir)
                except Exception as error:  # noqa: BLE001 - any failure means "run without it"
                    log.warning("presidio unavailable, redacting with UK patterns only: %s", error)
            return self._analyzer

    def redact(self, text: str) -> Redaction:
        spans = uk_spans(text)
        analyzer = self._presidio()
        if analyzer is not None:
            try:
                spans += _presidio_spans(analyzer, text)
            except Exception as error:  # noqa: BLE001 - a redactor must never take the app down
                log.warning("presidio failed on one text, using UK patterns for it: %s", error)
        return apply_spans(text, spans)


def redact_answer(answer: Answer, redactor: TextRedactor) -> Answer:
    """A copy of `answer` with its question and text redacted, flagged when anything was removed."""
    question = redactor.redact(answer.question)
    text = redactor.redact(answer.text)
    changed = question.changed or text.changed
    return replace(
        answer, question=question.text, text=text.text, redacted=answer.redacted or changed
    )
