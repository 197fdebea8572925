"""Splitting passage text into sentences, the same way at ingest, search and answer time."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z(“\"‘'•])")


def split_sentences(text: str) -> list[str]:
    """Sentences (and list items ending in ; or :) of a text, in order, without blanks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
