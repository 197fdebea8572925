"""Splitting passage text into sentences, the same way at ingest, search and answer time."""

from __future__ import annotations

import re

# After . ! ? ; or : (possibly closing a quotation or bracket), before a capital, an opening
# quote, bracket or bullet, or a clause number ("2.2 Tell them..."): a sentence boundary.
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?;:])|(?<=[.!?;:][\"”’')\]]))\s+(?=[A-Z(“\"‘'•]|\d+(?:\.\d+)+\s)"
)


def split_sentences(text: str) -> list[str]:
    """Sentences (and list items ending in ; or :) of a text, in order, without blanks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
