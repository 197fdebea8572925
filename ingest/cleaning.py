"""Text blocks -> clean lines: repeated headers and footers, page numbers, contents lines and
publishers' imprints go; footnotes are marked so they stay out of the clause they interrupt."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ingest.readers import Block

# Header/footer zone: how many non-empty lines at the top and bottom of a page are candidates.
EDGE_LINES = 6
# A line seen in the edge zone of at least this share of pages (and 3 pages) is page furniture.
REPEAT_SHARE = 0.3

_PAGE_NUMBER = re.compile(
    r"^\s*(page\s*)?[-–(]?\s*(\d{1,4}|[ivx]{1,5})\s*[-–)]?(\s*(of|/)\s*\d{1,4})?\s*$", re.I
)
_DOT_LEADER = re.compile(r"(\.\s?){4,}\s*\d{1,4}\s*$|…{2,}\s*\d{1,4}\s*$")
_TAB_PAGE = re.compile(r"^\S.*\t\s*\d{1,4}\s*$")
_CONTENTS = re.compile(r"^\s*(table\s+of\s+)?contents\s*$", re.I)


# Only short lines are compared with their numbers blanked; a longer line must repeat exactly.
SHAPE_MAX_CHARS = 60
# A line this short between two contents lines labels a group of entries ("ANNEXES").
CONTENTS_LABEL_MAX_CHARS = 40
# Some reports repeat their title, with or without the page number, at the top of a few pages
# only, too few to count as furniture: "4 Multi Agency Working and Information Sharing Project
# Final report".
_PAGE_AROUND_TITLE = re.compile(r"^\s*\d{1,4}\s+|\s+\d{1,4}\s*$")

# Footnotes sit at the foot of a page, so only this many lines up from it are searched.
FOOTNOTE_MAX_LINES = 20
# "(1) Directive ..." (Official Journal) or "1 Working Together ..." (most reports): a note opens
# with a capital, a quote or a web address. "1.1 ..." and "1. ..." are clauses, and "(2) and (3)
# and ..." is the rest of a cross-reference wrapped onto a new line.
_NOTE_MARKER = re.compile(r"^\s*(?:\((\d{1,2})\)|(\d{1,2}))\s+(?=[A-Z“‘\"'(]|https?:|www\.)")
# What may stand just before a note's call in the text: a word or closing punctuation.
_CALL_BEFORE = r"(?:[^\W\d_]|[.,;:)’”'\"])"
# A bare number ("areas 2") calls a note only from a line of running text, not from a short
# line such as "Version 1"; and a note opening with one reads as text, not as a heading such as
# "1 Introduction": at least this long, or ending a sentence.
RUNNING_TEXT_MIN_CHARS = 50
# "4.1 The parties ..." below a would-be note shows it is a numbered clause after all.
_SUB_CLAUSE = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})+[.)]?\s+[A-Z]")
# A publisher's imprint ("ISBN: ...", "© Crown Copyright 2014") near a page foot starts the end
# matter of that page: not part of any clause.
_IMPRINT = re.compile(r"^\s*(ISBN[\s:-]|©|Crown copyright\b|Copyright\s*©)", re.I)


@dataclass(frozen=True)
class Footnote(Block):
    """A line of a footnote at the foot of a page: kept, but out of the clause it interrupts."""

    number: int | None = None  # on the line that opens the note


def note_number(text: str) -> int | None:
    """The number a line would open a footnote with, if it stands among the notes."""
    match = _NOTE_MARKER.match(text)
    return int(match.group(1) or match.group(2)) if match else None


def _note_called(number: int, bracketed: bool, lines: list[str]) -> bool:
    """Is note `number` called in these lines: "Council (1);", "March 2012 (1).", "guidance.1 We",
    "areas 2"? Not "Article 6(1)", a cross-reference."""
    if bracketed:
        call = re.compile(rf"(?:{_CALL_BEFORE}[ \t]?|\d[ \t]+)\({number}\)")
        return any(call.search(line) for line in lines)
    call = re.compile(
        rf"{_CALL_BEFORE}{number}(?=\s|$)|[^\W\d_][ \t]+{number}(?=[ \t]*$|[ \t]+[^\W\d_])"
    )
    return any(call.search(line) for line in lines if len(line) >= RUNNING_TEXT_MIN_CHARS)


def _opens_note(line: str, above: list[str]) -> int | None:
    """The number of the note this line opens, or None when it opens none."""
    number = note_number(line)
    if number is None:
        return None
    bracketed = line.lstrip().startswith("(")
    text = line.strip()
    if not bracketed and len(text) < RUNNING_TEXT_MIN_CHARS and not text.endswith((".", ")")):
        return None
    return number if _note_called(number, bracketed, above) else None


def _footnote_openings(lines: list[str], last_note: int) -> dict[int, int]:
    """The lines opening a page's footnotes, by index, with their numbers: a run of notes at the
    foot, numbered on from 1 or from the last note before, each called higher up the page."""
    found: dict[int, int] = {}  # filled from the foot up
    for index in range(len(lines) - 1, max(-1, len(lines) - 1 - FOOTNOTE_MAX_LINES), -1):
        if note_number(lines[index]) is None:
            continue
        number = _opens_note(lines[index], lines[:index])
        if number is None or found and number != min(found.values()) - 1:
            break
        found[index] = number
        if number == 1:
            break
    tops = [index for index, number in found.items() if number in (1, last_note + 1)]
    if not tops or any(_SUB_CLAUSE.match(line) for line in lines[tops[-1] :]):
        return {}
    return {index: number for index, number in found.items() if index >= tops[-1]}


def _imprint_start(lines: list[str]) -> int | None:
    """Where a publisher's imprint begins in the last lines of a page, if it has one."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return next((i for i in filled[-EDGE_LINES:] if _IMPRINT.match(lines[i])), None)


def _shape(line: str) -> str:
    """A short line with its numbers blanked, so 'Page 3 of 9' and 'Page 4 of 9' count as one."""
    text = " ".join(line.lower().split())
    return re.sub(r"\d+", "#", text) if len(text) <= SHAPE_MAX_CHARS else text


def _edge_indexes(lines: list[Block]) -> set[int]:
    filled = [i for i, b in enumerate(lines) if b.text.strip()]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def _furniture(pages: dict[int, list[Block]]) -> set[str]:
    """Shapes of lines repeated at the top or bottom of many pages."""
    seen: Counter[str] = Counter()
    for lines in pages.values():
        seen.update({_shape(lines[i].text) for i in _edge_indexes(lines)})
    floor = max(3, int(REPEAT_SHARE * len(pages)))
    return {shape for shape, count in seen.items() if count >= floor and shape.strip()}


def is_contents_line(text: str) -> bool:
    return bool(_DOT_LEADER.search(text) or _TAB_PAGE.match(text) or _CONTENTS.match(text))


def _contents_labels(lines: list[Block]) -> set[int]:
    """Short lines standing between two contents lines ("ANNEXES" above "Annex A ..... 17"):
    group labels of the contents list, not headings of the document."""
    filled = [i for i, b in enumerate(lines) if b.text.strip()]
    labels = set()
    for before, index, after in zip(filled, filled[1:], filled[2:], strict=False):
        text = lines[index].text.strip()
        if (
            len(text) <= CONTENTS_LABEL_MAX_CHARS
            and not is_contents_line(text)
            and is_contents_line(lines[before].text)
            and is_contents_line(lines[after].text)
        ):
            labels.add(index)
    return labels


def _title_key(text: str) -> str:
    """A line compared as a running title: page number before or after it dropped, case folded."""
    return " ".join(_PAGE_AROUND_TITLE.sub("", text).casefold().split())


def _document_title(pages: dict[int, list[Block]]) -> str:
    """The first heading on the first page, as `_title_key` compares it; "" without one."""
    first = next(iter(pages.values()), [])
    return next((_title_key(b.text) for b in first if b.level is not None and b.text.strip()), "")


def clean_blocks(blocks: list[Block], paged: bool) -> list[Block]:
    """Drop page furniture, contents lines and imprints; mark footnotes; keep the rest in order."""
    pages: dict[int, list[Block]] = {}
    for block in blocks:
        pages.setdefault(block.page, []).append(block)
    furniture = _furniture(pages) if paged and len(pages) >= 3 else set()
    title = _document_title(pages) if paged else ""
    kept: list[Block] = []
    last_note = 0
    for index, lines in enumerate(pages.values()):
        page = _page_text(lines, furniture, paged, title if index else "")
        if paged:
            page, last_note = _foot_of_page(page, last_note)
        kept.extend(page)
    return kept


def _page_text(
    lines: list[Block], furniture: set[str], paged: bool, running_title: str
) -> list[Block]:
    """A page without furniture, page numbers, contents lines and its edges repeating the title."""
    dropped = _contents_labels(lines)
    if running_title:
        dropped |= {i for i in _edge_indexes(lines) if _title_key(lines[i].text) == running_title}
    kept: list[Block] = []
    for index, block in enumerate(lines):
        text = block.text.replace("\u00a0", " ").rstrip()
        if paged and _PAGE_NUMBER.match(text):
            continue
        # Furniture is found at page edges, then removed wherever it stands: extraction
        # order sometimes puts a running header below the footnotes.
        # A table row ending in a number ("Version<tab>2") is not a contents line.
        contents = is_contents_line(text) and not block.table_row
        if index in dropped or _shape(text) in furniture or contents:
            continue
        kept.append(replace(block, text=text))
    return kept


def _foot_of_page(page: list[Block], last_note: int) -> tuple[list[Block], int]:
    """The page without its imprint and with its footnotes marked; the last note's number."""
    imprint = _imprint_start([b.text for b in page])
    if imprint is not None:
        page = page[:imprint]
    openings = _footnote_openings([b.text for b in page], last_note)
    if not openings:
        return page, last_note
    start = min(openings)
    notes = [
        Footnote(b.text, b.page, b.page_label, number=openings.get(index))
        for index, b in enumerate(page[start:], start)
    ]
    return page[:start] + notes, max(openings.values())
