"""One PDF page as an image with a passage's lines highlighted, for "view in document"."""

from __future__ import annotations

import io
from pathlib import Path

# Rendering scale: 1.5 x 72 dpi keeps body text readable on a phone without a huge image.
RENDER_SCALE = 1.5
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


def page_with_highlight(path: Path, page_number: int, passage_text: str) -> tuple[bytes, bool]:
    """PNG bytes of the 1-based page, and whether the passage was found and highlighted."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_number - 1]
        textpage = page.get_textpage()
        span = passage_span(textpage.get_text_range(), passage_text)
        image = page.render(scale=RENDER_SCALE).to_pil().convert("RGBA")
        if span is not None:
            layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(layer)
            height = page.get_height()
            for i in range(textpage.count_rects(span[0], span[1] - span[0])):
                left, bottom, right, top = textpage.get_rect(i)
                box = [left, height - top, right, height - bottom]
                draw.rectangle([v * RENDER_SCALE for v in box], fill=HIGHLIGHT_RGBA)
            image = Image.alpha_composite(image, layer)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG")
        return out.getvalue(), span is not None
    finally:
        pdf.close()
