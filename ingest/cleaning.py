"""Text blocks -> clean lines: repeated headers and footers, page numbers and contents lines go."""

from __future__ import annotations

import re
from collections import Counter

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


def clean_blocks(blocks: list[Block], paged: bool) -> list[Block]:
    """Drop page furniture and contents lines; keep everything else in order."""
    pages: dict[int, list[Block]] = {}
    for block in blocks:
        pages.setdefault(block.page, []).append(block)
    furniture = _furniture(pages) if paged and len(pages) >= 3 else set()
    kept: list[Block] = []
    for lines in pages.values():
        for block in lines:
            text = block.text.replace("\u00a0", " ").rstrip()
            if paged and _PAGE_NUMBER.match(text):
                continue
            # Furniture is found at page edges, then removed wherever it stands: extraction
            # order sometimes puts a running header below the footnotes.
            if _shape(text) in furniture:
                continue
            if is_contents_line(text):
                continue
            kept.append(Block(text, block.page, block.page_label, block.level))
    return kept
