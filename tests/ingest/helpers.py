"""Small builders for ingest tests: documents written on the fly, an ingester on a temp store."""

from __future__ import annotations

import io
from pathlib import Path

from core.embedding import HashingEmbedder
from core.settings import Settings
from ingest.lock import ingest_lock
from ingest.pipeline import Ingester, IngestReport

CLAUSES = """# Example Agreement

## 1. Purpose
1.1 This agreement lets the fire service refer adults at risk to adult social care.

1.2 Referrals are made only where the adult consents or there is a risk of serious harm.

## 2. Security
2.1 Referrals must be sent by secure email and never by personal email or messaging apps.
"""


# Font sizes (points) of the PDFs `pdf` builds: the Official Journal's body and notes, and a
# heading large enough to be read as one.
SIZES = {"body": 9.6, "note": 8.5, "heading": 20.0}
NOTE, HEADING = "note", "heading"
# A line of a `pdf` page: body text, or (NOTE or HEADING, text).
PdfLine = str | tuple[str, str]


def pdf(*pages: list[PdfLine]) -> bytes:
    """A PDF with one page per list, each line drawn top-down in the order given, so a running
    header listed before the footnotes is extracted there too (as pypdf reads the Official
    Journal)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, invariant=1)
    for lines in pages:
        y = 780.0
        for line in lines:
            style, text = line if isinstance(line, tuple) else ("body", line)
            sheet.setFont("Helvetica", SIZES[style])
            sheet.drawString(40, y, text)
            y -= SIZES[style] * 1.5
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def ingest(settings: Settings, *roots: Path) -> IngestReport:
    with ingest_lock(settings):
        ingester = Ingester(settings, HashingEmbedder())
        try:
            return ingester.run(list(roots))
        finally:
            ingester.close()


def outcome(report: IngestReport, source: str) -> tuple[str, str]:
    found = next(o for o in report.outcomes if o.source == source)
    return found.status, found.reason
