"""A decision record as the person takes it away: plain text to paste, a PDF and a DOCX to attach.

All three are built in memory from `record_fields` and handed to the browser; none is written to
disk or kept by ShareCheck.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from records.model import FOOTER, RECORD_TITLE, DecisionRecord, record_fields

# reportlab's built-in Helvetica is encoded as Windows-1252: a character outside it (an emoji, a
# letter from another script) would print as a black box, so it is shown as "?" instead.
PDF_ENCODING = "cp1252"
LABEL_WIDTH_CM = 4.6
PDF_MARGIN_CM = 2.0


def file_stem(record: DecisionRecord) -> str:
    """"sharecheck-decision-2026-11-30-2150": a name that sorts by date, with no personal data."""
    return f"sharecheck-decision-{record.decided_at:%Y-%m-%d-%H%M}"


def to_text(record: DecisionRecord) -> str:
    """The record as plain text, ready to paste into a case system's notes field."""
    lines = [RECORD_TITLE, "=" * len(RECORD_TITLE)]
    for label, value in record_fields(record):
        first, *rest = value.split("\n")
        lines.append(f"{label}: {first}")
        lines.extend(f"    {line}" for line in rest)
    lines += ["", FOOTER]
    return "\n".join(lines) + "\n"


def _pdf_safe(text: str) -> str:
    """Escaped for reportlab's mini-HTML, line breaks kept, unprintable characters as "?"."""
    printable = text.encode(PDF_ENCODING, errors="replace").decode(PDF_ENCODING)
    return escape(printable).replace("\n", "<br/>")


def to_pdf(record: DecisionRecord) -> bytes:
    """The record as a one-table A4 PDF."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body, label = styles["BodyText"], styles["Heading5"]
    rows = [
        [Paragraph(_pdf_safe(name), label), Paragraph(_pdf_safe(value), body)]
        for name, value in record_fields(record)
    ]
    width = A4[0] - 2 * PDF_MARGIN_CM * cm
    table = Table(rows, colWidths=[LABEL_WIDTH_CM * cm, width - LABEL_WIDTH_CM * cm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
    ]))  # fmt: skip
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, title=RECORD_TITLE, author="ShareCheck",
        leftMargin=PDF_MARGIN_CM * cm, rightMargin=PDF_MARGIN_CM * cm,
        topMargin=PDF_MARGIN_CM * cm, bottomMargin=PDF_MARGIN_CM * cm,
    )  # fmt: skip
    story = [Paragraph(_pdf_safe(RECORD_TITLE), styles["Title"]), table, Spacer(1, 0.5 * cm),
             Paragraph(_pdf_safe(FOOTER), styles["Italic"])]  # fmt: skip
    document.build(story)
    return out.getvalue()


def to_docx(record: DecisionRecord) -> bytes:
    """The record as a Word document: a heading and a two-column table."""
    from docx import Document

    document = Document()
    document.core_properties.title = RECORD_TITLE
    document.core_properties.author = "ShareCheck"
    document.add_heading(RECORD_TITLE, level=1)
    fields = record_fields(record)
    table = document.add_table(rows=len(fields), cols=2)
    table.style = "Table Grid"
    for row, (name, value) in zip(table.rows, fields, strict=True):
        row.cells[0].paragraphs[0].add_run(name).bold = True
        row.cells[1].text = value
    document.add_paragraph(FOOTER).runs[0].italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
