"""One document in two formats is stored once: near-identical text is found by word shingles.

Two files are the same document when the Jaccard similarity of their word 5-gram shingles (over
the whole cleaned text, lower-cased, punctuation and table pipes ignored) reaches
DUPLICATE_MIN_JACCARD, and their formats differ. Copies in the same format (one file in two
folders) are not duplicates here: their identical passages are stored once and list both files
(`Passage.also_in`).

Which copy is kept (`keep_order`): the original format (PDF, Word, HTML) before a derived
plain-text extract (.txt, .md), because the original carries the document's layout (pages,
headings, tables) and is what the publisher issued; between two of the same kind, the first in
sorted order of the file name. Only files that read without error take part, so a .doc that
cannot be read (no antiword) leaves its text extract in the store.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

# Words per shingle: long enough that unrelated documents on the same subject share few
# (measured <= 0.025 Jaccard between the agreements of the two corpora), short enough that a
# format's differences (table cells, bullets, page furniture) break few.
SHINGLE_WORDS = 5
# Measured on the real pairs: the Derbyshire ISA .doc (antiword) against its .extracted.txt 0.855,
# the bundled charter PDF against its source text 0.915, the Safe and Well DOCX against its
# source 0.960; unrelated pairs in both corpora at most 0.025. Versions of one agreement that
# differ in a few clauses can also score above this, so the similarity is shown with every
# duplicate reported.
DUPLICATE_MIN_JACCARD = 0.7
# Long texts keep one shingle hash in SAMPLE_EVERY (those divisible by it): an unbiased estimate
# of the similarity (0.845 against 0.855 exact on the ISA pair) at an eighth of the storage.
SAMPLE_EVERY = 8
SAMPLE_ABOVE = 2000  # shingles; shorter texts keep every one
# Formats that are usually a derived extract of another file rather than the original.
DERIVED_TEXT = frozenset({".txt", ".md", ".markdown"})

_WORD = re.compile(r"\w+")
_HEADER = struct.Struct("<I")


@dataclass(frozen=True)
class Fingerprint:
    """A document's shingle hashes: all of them (sample 1) or those divisible by `sample`."""

    sample: int
    hashes: frozenset[int]

    def to_bytes(self) -> bytes:
        ordered = sorted(self.hashes)
        return _HEADER.pack(self.sample) + struct.pack(f"<{len(ordered)}Q", *ordered)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Fingerprint:
        (sample,) = _HEADER.unpack_from(blob)
        count = (len(blob) - _HEADER.size) // 8
        return cls(sample, frozenset(struct.unpack_from(f"<{count}Q", blob, _HEADER.size)))

    def at(self, sample: int) -> frozenset[int]:
        """The hashes a coarser sample would keep (samples are powers of two, so this nests)."""
        if sample <= self.sample:
            return self.hashes
        return frozenset(h for h in self.hashes if h % sample == 0)


def fingerprint_of(text: str) -> Fingerprint:
    """The shingle fingerprint of a document's whole text."""
    words = _WORD.findall(text.lower())
    count = max(1, len(words) - SHINGLE_WORDS + 1)
    hashes = (_hash(" ".join(words[i : i + SHINGLE_WORDS])) for i in range(count))
    if count <= SAMPLE_ABOVE:
        return Fingerprint(1, frozenset(hashes))
    return Fingerprint(SAMPLE_EVERY, frozenset(h for h in hashes if h % SAMPLE_EVERY == 0))


def _hash(shingle: str) -> int:
    # Stable across runs and machines, unlike hash(): fingerprints are stored.
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Jaccard similarity of two fingerprints, on the coarser of their two samples."""
    sample = max(a.sample, b.sample)
    left, right = a.at(sample), b.at(sample)
    union = len(left | right)
    return len(left & right) / union if union else 0.0


def keep_order(source: str) -> tuple[int, str]:
    """Sort key: the copy to keep sorts first (original formats, then by file name)."""
    return (PurePosixPath(source).suffix.lower() in DERIVED_TEXT, source)


def same_format(a: str, b: str) -> bool:
    return PurePosixPath(a).suffix.lower() == PurePosixPath(b).suffix.lower()


@dataclass(frozen=True)
class Match:
    """A stored document whose text this file repeats."""

    source: str
    similarity: float


class KeptDocuments:
    """The documents in the store, their fingerprints read from the registry only when a changed
    file has to be compared with them (a re-run with nothing changed reads none)."""

    def __init__(self, sources: set[str], load: Callable[[str], Fingerprint | None]) -> None:
        self._load = load
        self._fingerprints: dict[str, Fingerprint | None] = {}
        self._sources = set(sources)

    def __contains__(self, source: object) -> bool:
        return source in self._sources

    def add(self, source: str, fingerprint: Fingerprint) -> None:
        self._sources.add(source)
        self._fingerprints[source] = fingerprint

    def discard(self, source: str) -> None:
        self._sources.discard(source)
        self._fingerprints.pop(source, None)

    def matches(self, source: str, fingerprint: Fingerprint) -> list[Match]:
        """Kept documents in another format with near-identical text, the one to keep first."""
        found = []
        for other in sorted(self._sources - {source}, key=keep_order):
            if same_format(source, other):
                continue
            stored = self._fingerprint(other)
            score = similarity(fingerprint, stored) if stored is not None else 0.0
            if score >= DUPLICATE_MIN_JACCARD:
                found.append(Match(other, score))
        return found

    def _fingerprint(self, source: str) -> Fingerprint | None:
        if source not in self._fingerprints:
            self._fingerprints[source] = self._load(source)
        return self._fingerprints[source]
