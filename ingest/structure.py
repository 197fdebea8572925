"""Clean lines -> paragraphs that know their clause and heading path, following the document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.passage import SECTION_SEPARATOR
from ingest.cleaning import Footnote
from ingest.readers import Block

# Headings longer than this are taken to be a clause's opening sentence, not a heading.
HEADING_MAX_CHARS = 90
# How far a numbered clause may jump ahead of the last one (a lost line) and still be believed.
MAX_CLAUSE_GAP = 2

_CHAPTER = re.compile(r"^CHAPTER\s+([IVXLC]+)\b\s*(.*)$")
_SECTION = re.compile(r"^Section\s+(\d+)\s*$")
_ARTICLE = re.compile(r"^Article\s+(\d+[a-z]?)\s*$")
_TOP_LABEL = re.compile(
    r"^(?P<label>(Schedule|Appendix|Annex|Annexe|Part)\s+([0-9]{1,2}[a-z]?|[A-Z]|[IVX]{1,4}))\b"
    r"(?:\s*[-–—:.]\s*|\s+)?(?P<title>.*)$"
)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+(?=[A-Z(“\"‘'])(.*)$")
_LETTERED = re.compile(r"^\(?([a-z]|[ivx]{1,4})\)\s+(\S.*)$")
_RECITAL = re.compile(r"^\((\d{1,3})\)\s+(\S.*)$")
_BULLET = re.compile(r"^\s*[•▪◦●■□\-–*]\s+")
_WHEREAS = re.compile(r"^\s*Whereas\s*:?\s*$", re.I)
# A line ending in one of these words runs on to the next line: it is not a heading.
_RUNS_ON = re.compile(r"\b(and|or|of|the|to|for|with|in|a|an|by|on|that|which|as)$", re.I)


@dataclass(frozen=True)
class PageStart:
    """Where in a paragraph's text a later page begins."""

    offset: int
    page: int
    page_label: str


@dataclass
class Paragraph:
    """One paragraph of a document with its place: clause id, the clause it belongs to, headings."""

    text: str
    page: int
    page_label: str
    clause: str
    unit: str
    section: str
    heading_only: bool = False
    footnote: bool = False
    later_pages: list[PageStart] = field(default_factory=list)
    table_row: bool = False  # read from a document table (its cells' tabs are gone from text)

    def page_at(self, offset: int) -> tuple[int, str]:
        """The page (and its label) on which the text at `offset` stands."""
        page, label = self.page, self.page_label
        for start in self.later_pages:
            if start.offset > offset:
                break
            page, label = start.page, start.page_label
        return page, label

    def append(self, block: Block, text: str) -> None:
        """Join a line that continues this paragraph, noting where a new page starts."""
        joiner = "" if self.text.endswith("-") and self.text[-2:-1].isalpha() else " "
        offset = len(self.text) + len(joiner)
        if block.page != self.page_at(offset)[0]:
            self.later_pages.append(PageStart(offset, block.page, block.page_label))
        self.text = f"{self.text}{joiner}{text}"


@dataclass
class _State:
    headings: list[tuple[int, str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    context: str = ""  # e.g. "Article 6", "Appendix 3": numbered paragraphs hang off it
    unit: str = ""
    clause: str = ""
    pending_title: bool = False
    seen_whereas: bool = False
    in_articles: bool = False
    markup_level: int = 0  # level of the last heading the document marked up (Markdown, HTML)
    in_list: bool = False  # numbered items after a lead-in ending ":" are a list, not headings


def _plausible(current: list[int], candidate: list[int]) -> bool:
    """Is `candidate` a believable next clause number after `current` (e.g. 4.2 -> 4.3, 5, 4.2.1)?"""
    if not current:
        return True  # the first number seen (an extract may start anywhere)
    for depth in range(1, len(current) + 2):
        if len(candidate) != depth or candidate[: depth - 1] != current[: depth - 1]:
            continue
        last = current[depth - 1] if depth - 1 < len(current) else 0
        if last < candidate[depth - 1] <= last + MAX_CLAUSE_GAP:
            return True
    return False


def _heading_like(text: str) -> bool:
    stripped = text.strip()
    return (
        len(stripped) <= HEADING_MAX_CHARS
        and not re.search(r"[.;,:]$", stripped)
        and not _RUNS_ON.search(stripped)
    )


class StructureParser:
    """Walks cleaned blocks once and labels each paragraph with its clause and section."""

    def __init__(self, title: str, wrapped: bool) -> None:
        self.title = title
        self.wrapped = wrapped  # lines are hard-wrapped (PDF, text): join them into paragraphs
        self.state = _State()
        self.paragraphs: list[Paragraph] = []
        self.footnotes: list[Paragraph] = []
        self._open = False

    def parse(self, blocks: list[Block]) -> list[Paragraph]:
        """The document's paragraphs in order, then its footnotes."""
        for block in blocks:
            if isinstance(block, Footnote):
                self._footnote(block)
            else:
                self._line(block)
        return [p for p in self.paragraphs + self.footnotes if p.text.strip()]

    def _footnote(self, block: Footnote) -> None:
        """Footnotes are their own paragraphs, so the clause they interrupt runs on past them."""
        text = " ".join(block.text.split())
        if not text:
            return
        if block.number is None and self.footnotes:
            self.footnotes[-1].append(block, text)
            return
        label = "Footnote" if block.number is None else f"Footnote {block.number}"
        note = Paragraph(text, block.page, block.page_label, label, label, "", footnote=True)
        self.footnotes.append(note)

    # -- headings and sections -------------------------------------------------------------
    def _section(self) -> str:
        return SECTION_SEPARATOR.join(text[:80] for _, text in self.state.headings)

    def _push_heading(self, level: int, text: str) -> None:
        heads = [h for h in self.state.headings if h[0] < level]
        heads.append((level, " ".join(text.split())))
        self.state.headings = heads

    def _start(self, block: Block, text: str, clause: str, unit: str, heading: bool = False) -> None:
        self.state.unit, self.state.clause = unit, clause
        self.paragraphs.append(
            Paragraph(
                text, block.page, block.page_label, clause, unit, self._section(), heading,
                table_row=block.table_row,
            )  # fmt: skip
        )
        self._open = not heading

    def _continue(self, block: Block, text: str) -> None:
        last = self.paragraphs[-1] if self.paragraphs else None
        if last is None or not self._open or last.heading_only:
            self._start(block, text, self.state.clause, self.state.unit)
            return
        last.append(block, text)

    # -- one line --------------------------------------------------------------------------
    def _line(self, block: Block) -> None:
        text = " ".join(block.text.replace("\t", " ").split())
        if not text:
            self._open = False
            return
        if self.state.pending_title:
            self.state.pending_title = False
            if len(text) <= 2 * HEADING_MAX_CHARS and not _NUMBERED.match(text):
                level, head = self.state.headings[-1]
                self._push_heading(level, f"{head} {text}")
                self.paragraphs[-1].text += f" {text}"
                self.paragraphs[-1].section = self._section()
                return
        if block.level is not None:
            self._markup_heading(block, text)
        elif not self._structural(block, text):
            self._body(block, text)

    def _markup_heading(self, block: Block, text: str) -> None:
        level = max(block.level or 0, 0)
        label = _TOP_LABEL.match(text)
        number = re.match(r"^(\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+\S", text)
        if label:
            self.state.context, self.state.numbers = label.group("label"), []
            unit = label.group("label")
        elif number:
            self.state.numbers = [int(n) for n in number.group(1).split(".")]
            self.state.context = ""
            unit = number.group(1)
        else:
            unit = ""
        if not self._is_title(text):
            self.state.markup_level = level
        self.state.in_list = False
        self._push_heading(level, text)
        self._start(block, text, unit, unit, heading=True)

    def _is_title(self, text: str) -> bool:
        """The document's own title set as a heading: numbered headings below it start at level 1."""
        return " ".join(text.split()).casefold() == " ".join(self.title.split()).casefold()

    def _structural(self, block: Block, text: str) -> bool:
        """Chapters, articles, schedules and numbered clauses; True when the line was one."""
        st = self.state
        if _WHEREAS.match(text):
            st.seen_whereas = True
        if m := _CHAPTER.match(text):
            self._titled_heading(block, 1, f"Chapter {m.group(1)} {m.group(2)}".strip(), "")
            return True
        if m := _SECTION.match(text):
            if st.in_articles:
                self._titled_heading(block, 2, f"Section {m.group(1)}", "")
                return True
        if m := _ARTICLE.match(text):
            st.in_articles = True
            st.context, st.numbers = f"Article {m.group(1)}", []
            self._titled_heading(block, 3, st.context, st.context)
            return True
        if (m := _TOP_LABEL.match(text)) and _heading_like(text) and not self._open_sentence():
            st.context, st.numbers = m.group("label"), []
            self._push_heading(1, text)
            self._start(block, text, st.context, st.context, heading=True)
            return True
        if m := _NUMBERED.match(text):
            return self._numbered(block, text, m.group(1))
        return False

    def _open_sentence(self) -> bool:
        """The previous paragraph stops mid-sentence, so this line continues it."""
        last = self.paragraphs[-1] if self.paragraphs else None
        return bool(self._open and last and not re.search(r"[.:;!?)]$", last.text))

    def _after_lead_in(self) -> bool:
        """The previous paragraph introduces a list ("... the following:")."""
        last = self.paragraphs[-1] if self.paragraphs else None
        return bool(last and not last.heading_only and last.text.rstrip().endswith(":"))

    def _titled_heading(self, block: Block, level: int, text: str, unit: str) -> None:
        self._push_heading(level, text)
        self._start(block, text, unit, unit, heading=True)
        self.state.pending_title = True

    def _numbered(self, block: Block, text: str, number: str) -> bool:
        st = self.state
        parts = [int(n) for n in number.split(".")]
        if st.context and len(parts) == 1:
            if not _plausible(st.numbers[:1], parts):
                return False
            st.numbers = parts
            clause = f"{st.context}({parts[0]})"
            self._start(block, text, clause, clause)
            return True
        if not _plausible(st.numbers, parts) or self._open_sentence() and len(parts) == 1:
            return False
        if st.context and not st.context.startswith("Article"):
            st.context = ""  # numbering restarted after an appendix heading: back in the body
        listed = self._after_lead_in() or (st.in_list and len(parts) == len(st.numbers))
        st.numbers, st.in_list = parts, listed
        if not listed and _heading_like(text) and len(parts) <= 2 and len(text.split()) <= 12:
            # Nested under the document's own marked-up headings, never in place of them.
            self._push_heading(st.markup_level + len(parts), text)
            self._start(block, text, number, number, heading=True)
        else:
            self._start(block, text, number, number)
        return True

    def _body(self, block: Block, text: str) -> None:
        st = self.state
        if (m := _LETTERED.match(text)) and st.unit:
            self._start(block, text, f"{st.unit}({m.group(1)})", st.unit)
        elif (m := _RECITAL.match(text)) and not st.in_articles and not st.numbers:
            label = f"Recital {m.group(1)}" if st.seen_whereas else f"({m.group(1)})"
            self._start(block, text, label, label)
        elif _BULLET.match(text) or not self.wrapped:
            self._start(block, text, st.clause, st.unit)
        else:
            self._continue(block, text)
