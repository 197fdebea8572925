"""Named laws ("the Data Protection Act 2018", "Clare's Law"): which ones the documents mention.

ShareCheck answers from its documents only. A question about a law none of them names cannot be
answered from them, however close the nearest passage sounds ("does the Data (Use and Access)
Act let us..."), so the names each document uses are collected at ingest and kept with it in the
registry (core/registry.py), and a question naming another is declined with the law's name
(assistant/service.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A capitalised name ending in Act, Law or Regulations, optionally with its year:
# "Fire and Rescue Services Act 2004", "Data (Use and Access) Act", "Clare's Law".
_NAME = re.compile(
    r"\b((?:[A-Z][\w'’]*|\([A-Z][^)]{0,40}\))"
    r"(?:\s+(?:[A-Z][\w'’]*|\([A-Z][^)]{0,40}\)|and|of|for|the|on))*"
    r"\s+(?:Act|Law|Regulations))\b"
    # Laws named after a person are often typed in lower case: "clare's law", "sarah's law".
    r"|\b([A-Za-z]+['’]s [Ll]aw)\b"
)
# Words that start a sentence or a phrase before a law's name rather than belong to it.
_LEADING = frozenset(
    """a an and about are can could did do does for has have how in is new of on our per should
    so the this that to under using was what when which who why will with would""".split()
)


def _words(name: str) -> tuple[str, ...]:
    plain = re.sub(r"[^\w\s]", "", name.lower().replace("’", "'").replace("'", ""))
    words = plain.split()
    while words and words[0] in _LEADING:
        words.pop(0)
    return tuple(words)


def law_names(text: str) -> set[str]:
    """The laws a text names, lower case, without punctuation, year or leading words."""
    found = set()
    for match in _NAME.finditer(" ".join(text.split())):
        words = _words(match.group(1) or match.group(2))
        if len(words) >= 2:
            found.add(" ".join(words))
    return found


def laws_named(texts: Iterable[str]) -> set[str]:
    """The laws any of these texts (a document's passages) names."""
    return {name for text in texts for name in law_names(text)}


def unknown_laws(question: str, known: Iterable[str]) -> list[str]:
    """Laws the question names that none of the documents does. A name counts as known when it
    is one the documents use, or ends one ("Modern Slavery Act" in "Derbyshire Modern Slavery
    Act"), or ends with one of three words or more ("the UK Data Protection Act")."""
    known = set(known)
    unknown = []
    for name in sorted(law_names(question)):
        if name in known or any(
            other.endswith(" " + name) or (len(other.split()) >= 3 and name.endswith(" " + other))
            for other in known
        ):
            continue
        unknown.append(name)
    return unknown
