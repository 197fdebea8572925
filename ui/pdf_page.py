"""The cited region of a PDF page as an image with the passage's lines highlighted, for "view in
document": cropped to the passage and rendered sharp enough to be zoomed on a phone."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Whole-page rendering scale (when the passage cannot be found): 1.5 x 72 dpi.
RENDER_SCALE = 1.5
# The cited region is rendered at 3 x 72 dpi: sharp on 3x phone screens at the zoom it is shown.
CROP_SCALE = 3.0
# Around the passage's text: about two lines of 10 pt body text above and below, for context,
# and a little margin either side.
CONTEXT_PT = 24.0
MARGIN_PT = 6.0
# Characters (whitespace ignored) used to find where a passage starts and ends on the page.
ANCHOR_CHARS = 40
HIGHLIGHT_RGBA = (255, 214, 0, 90)


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, lower-cased, with each kept character's original index."""
    kept = [(ch.lower(), i) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for ch, _ in kept), [i for _, i in kept]


def passage_span(page_text: str, passage_text: str) -> tuple[int, int] | None:
    """Where the passage sits in the page's text, as a character range, or None if not found.

    Whitespace is ignored on both sides (PDF text breaks lines where the passage joined them).
    A passage running onto the next page is highlighted to the bottom of this one.
    """
    page, index = _squeezed(page_text)
    wanted, _ = _squeezed(passage_text)
    if not wanted or not page:
        return None
    start = page.find(wanted[:ANCHOR_CHARS])
    if start < 0:
        return None
    tail = wanted[-ANCHOR_CHARS:]
    end_at = page.find(tail, start)
    if end_at >= 0 and end_at + len(tail) <= start + len(wanted) + ANCHOR_CHARS:
        end = end_at + len(tail)
    else:
        end = min(len(page), start + len(wanted))
    return index[start], index[end - 1] + 1


Rect = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


@dataclass(frozen=True)
class PageView:
    """A rendered piece of one PDF page: the cited passage's region, zoomed and highlighted, or
    the whole page when the passage could not be found on it."""

    png: bytes
    found: bool
    box: Rect  # the part of the page shown
    scale: float  # image pixels per PDF point

    @property
    def width_pt(self) -> float:
        return self.box[2] - self.box[0]


def crop_box(passage: list[Rect], lines: list[Rect], width: float, height: float) -> Rect:
    """The region to show around the passage's text rectangles: context lines above and below,
    whole lines of the page's text (`lines`) that reach into it, the width of those lines, and a
    little margin."""
    bottom = min(r[1] for r in passage) - CONTEXT_PT
    top = max(r[3] for r in passage) + CONTEXT_PT
    near = [r for r in lines if r[1] < top and r[3] > bottom] + passage
    left = max(0.0, min(r[0] for r in near) - MARGIN_PT)
    right = min(width, max(r[2] for r in near) + MARGIN_PT)
    bottom = max(0.0, min(bottom, *(r[1] for r in near)) - MARGIN_PT)
    top = min(height, max(top, *(r[3] for r in near)) + MARGIN_PT)
    return left, bottom, right, top


def page_with_highlight(path: Path, page_number: int, passage_text: str) -> PageView:
    """The 1-based page cropped to the passage with its lines highlighted; the whole page when
    the passage is not found on it (`found` False)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_number - 1]
        textpage = page.get_textpage()
        span = passage_span(textpage.get_text_range(), passage_text)
        rects = [] if span is None else [
            textpage.get_rect(i) for i in range(textpage.count_rects(span[0], span[1] - span[0]))
        ]  # fmt: skip
        width, height = page.get_width(), page.get_height()
        if not rects:
            image = page.render(scale=RENDER_SCALE).to_pil().convert("RGB")
            return PageView(_png(image), False, (0.0, 0.0, width, height), RENDER_SCALE)
        lines = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        box = crop_box(rects, lines, width, height)
        crop = (box[0], box[1], width - box[2], height - box[3])  # points cut from each side
        image = page.render(scale=CROP_SCALE, crop=crop).to_pil().convert("RGBA")
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for left, bottom, right, top in rects:
            corners = [left - box[0], box[3] - top, right - box[0], box[3] - bottom]
            draw.rectangle([v * CROP_SCALE for v in corners], fill=HIGHLIGHT_RGBA)
        image = Image.alpha_composite(image, layer).convert("RGB")
        return PageView(_png(image), True, box, CROP_SCALE)
    finally:
        pdf.close()


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
