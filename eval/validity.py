"""Is a cited passage verbatim in its document? Checked against text read apart from ingest."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from core.errors import UnreadableDocument
from eval.metrics import normalise
from ingest.readers import read_document

log = logging.getLogger(__name__)

# A passage starting near the foot of a page runs onto the next; passages are far shorter than
# two pages, so its start page and the one after hold all of it.
PAGES_SPANNED = 2
# Lines at the foot of a page and the head of the next that may be running headers, footers,
# footnotes or page numbers, which ingest rightly keeps out of a sentence that runs across the
# page break. The bundled charter puts five at each foot (pypdf reads its running header there
# too); GDPR recital 166 has eight lines of footnotes and header between its two halves.
PAGE_EDGE_LINES = 10
# Formats whose file is itself text: a passage quoting it raw (markup and all) is verbatim too.
PLAIN_TEXT = {".md", ".markdown", ".txt"}
HTML = {".html", ".htm"}
# "decision-\nmaking" in a PDF normalises to "decisionmaking" while the passage rightly keeps
# "decision-making": for verbatim checks a hyphen inside a word is dropped on both sides.
_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def comparable(text: str) -> str:
    """Evidence normalisation, then hyphens inside words dropped."""
    return _WORD_HYPHEN.sub("", normalise(text))


def _raw_text(path: Path) -> str:
    """The file's own text where it has one: plain-text formats as they are, HTML's text nodes."""
    suffix = path.suffix.lower()
    if suffix in PLAIN_TEXT:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    if suffix in HTML:
        from bs4 import BeautifulSoup

        raw = path.read_text(encoding="utf-8-sig", errors="replace")
        return BeautifulSoup(raw, "lxml").get_text()
    return ""


class _Pages:
    """One document's raw lines per page (one page for unpaged formats), compared lazily."""

    def __init__(self, pages: list[list[str]]) -> None:
        self.lines = pages
        self.text = lru_cache(maxsize=None)(self._text)

    def _text(self, page: int, drop_head: int = 0, drop_tail: int = 0) -> str:
        """Normalised text of a 0-based page, without some lines at its head or foot."""
        lines = self.lines[page]
        return comparable("\n".join(lines[drop_head : len(lines) - drop_tail]))

    def near(self, page: int) -> str:
        """The text a passage starting on `page` (1-based; 0 for unpaged) must lie in."""
        if page <= 0 or len(self.lines) == 1:
            return " ".join(self.text(i) for i in range(len(self.lines)))
        last = min(page - 1 + PAGES_SPANNED, len(self.lines))
        return " ".join(self.text(i) for i in range(page - 1, last))

    def across_break(self, line: str, page: int) -> bool:
        """True when the line runs from the foot of `page` onto the next page, with page
        furniture between them that ingest dropped."""
        if page <= 0 or page >= len(self.lines):
            return False
        for tail in range(PAGE_EDGE_LINES + 1):
            foot = self.text(page - 1, 0, tail)[-len(line) :]
            for head in range(PAGE_EDGE_LINES + 1):
                # Joined, then compared again: a word broken at the foot of the page joins up.
                if line in comparable(f"{foot} {self.text(page, head, 0)[: len(line)]}"):
                    return True
        return False


class SourceTexts:
    """Each document's text, read once: pypdf page text for PDFs, the reader's text for other
    formats (the reader only decodes; cleaning, structure and chunking come later), plus the
    file's own text for plain-text and HTML formats, which a passage may quote too."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self._documents: dict[str, _Pages] = {}

    def document(self, source: str) -> _Pages:
        if source not in self._documents:
            self._documents[source] = _Pages(self._read(source))
        return self._documents[source]

    def _read(self, source: str) -> list[list[str]]:
        path = self.corpus / source
        try:
            if path.suffix.lower() == ".pdf":
                from pypdf import PdfReader

                pages = PdfReader(str(path)).pages
                return [(page.extract_text() or "").splitlines() for page in pages]
            document = read_document(path, source)
        except (OSError, UnreadableDocument) as err:
            log.warning("cannot check citations of %s: %s", source, err)
            return [[]]
        return [[b.text for b in document.blocks] + _raw_text(path).splitlines()]

    def text_near(self, source: str, page: int = 0) -> str:
        return self.document(source).near(page)

    def is_verbatim(self, text: str, source: str, page: int = 0) -> bool:
        """True when every line of the passage, normalised, is in the document's text."""
        document = self.document(source)
        near = document.near(page)
        if not near:
            return False
        for line in text.splitlines():
            # A line ending in a broken word ("multi-") is compared without its hyphen: in the
            # document the word is joined up with the next line.
            wanted = comparable(line).rstrip("-")
            if wanted and wanted not in near and not document.across_break(wanted, page):
                return False
        return True
