"""A readable title for a document the manifest does not name."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.readers import RawDocument

TITLE_MAX_CHARS = 100
# Titles that PDF producers leave behind and that say nothing about the document.
_JUNK = re.compile(r"^(untitled|microsoft word|document\d*|slide \d+|title)\b", re.I)


def _clean(text: str) -> str:
    text = " ".join(text.replace("/ ", "/").split())
    if len(text) > TITLE_MAX_CHARS:
        text = text[:TITLE_MAX_CHARS].rsplit(" ", 1)[0] + "…"
    return text


def _from_name(path: Path) -> str:
    words = re.sub(r"[_\-]+", " ", path.stem).split()
    return " ".join(w if w.isupper() or any(c.isdigit() for c in w) else w.capitalize() for w in words)


def infer_title(raw: RawDocument, path: Path) -> str:
    """Metadata title, else the first heading, else the file name made readable."""
    heading = next((b.text.strip() for b in raw.blocks if b.level is not None and b.level <= 1 and b.text.strip()), "")
    meta = raw.title.strip()
    if meta and heading and heading.lower() not in meta.lower() and path.suffix.lower() in {".html", ".htm"}:
        return _clean(f"{meta}: {heading}")
    for candidate in (meta, heading):
        if candidate and len(candidate.split()) >= 2 and not _JUNK.match(candidate):
            return _clean(candidate)
    return _clean(_from_name(path))
