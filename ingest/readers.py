"""File -> text blocks: one reader per format, each failing with a reason a person can act on."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import UnreadableDocument

SUPPORTED = {".pdf", ".docx", ".doc", ".html", ".htm", ".md", ".markdown", ".txt"}


@dataclass(frozen=True)
class Block:
    """A line or paragraph of a document; `level` is a heading level where the format marks one."""

    text: str
    page: int = 0
    page_label: str = ""
    level: int | None = None
    table_row: bool = False  # a row (DOCX, cells joined by tabs) or cell (HTML) of a table


@dataclass(frozen=True)
class RawDocument:
    """What a reader gives back: text blocks in reading order, and a title if the file names one."""

    blocks: list[Block]
    title: str = ""
    paged: bool = False


def read_document(path: Path, source: str) -> RawDocument:
    """Read one file by its extension, or raise UnreadableDocument saying why not."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableDocument(source, f"unsupported format '{path.suffix}'")
    if path.stat().st_size == 0:
        raise UnreadableDocument(source, "empty file")
    doc = reader(path, source)
    if not any(b.text.strip() for b in doc.blocks):
        reason = "no extractable text; OCR needed" if doc.paged else "no text found"
        raise UnreadableDocument(source, reason)
    return doc


def _read_pdf(path: Path, source: str) -> RawDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(source, "encrypted PDF; ask for an unprotected copy")
        labels = list(reader.page_labels)
        pages: list[tuple[str, dict[str, float]]] = []
        for page in reader.pages:
            sizes: dict[str, float] = {}
            text = page.extract_text(visitor_text=_font_sizes(sizes)) or ""
            pages.append((text, sizes))
        levels = _heading_levels([s for _, s in pages])
        blocks: list[Block] = []
        for index, (text, sizes) in enumerate(pages):
            label = labels[index] if index < len(labels) else str(index + 1)
            blocks.extend(_pdf_lines(text, sizes, levels, index + 1, label))
        info = reader.metadata
        title = str(info.get("/Title") or "") if info is not None else ""
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        raise UnreadableDocument(source, f"not a readable PDF (damaged or truncated): {err}") from err
    except Exception as err:  # pypdf raises many types on garbage input  # noqa: BLE001
        raise UnreadableDocument(source, f"not a readable PDF: {type(err).__name__}: {err}") from err
    return RawDocument(blocks=blocks, title=title, paged=True)


# Text this much larger than the body text is a heading (reports without numbered clauses).
HEADING_SIZE_RATIO = 1.3
HEADING_MAX_CHARS = 120
_STRUCTURAL = re.compile(r"^(CHAPTER|Article|Section|Schedule|Appendix|Annex|Part)\b|^\(?\d")


def _font_sizes(sizes: dict[str, float]) -> Callable[..., None]:
    """A pypdf text visitor recording each text run's rendered font size."""

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        run = " ".join(text.split())
        if run:
            scale = abs((tm[3] or 1.0) * (cm[3] or 1.0))
            sizes[run] = max(sizes.get(run, 0.0), round(float(size) * scale, 1))

    return visit


def _heading_levels(pages: list[dict[str, float]]) -> dict[float, int]:
    """Heading level by font size: sizes well above the commonest (body) size, largest first."""
    weight: dict[float, int] = {}
    for sizes in pages:
        for run, size in sizes.items():
            weight[size] = weight.get(size, 0) + len(run)
    if not weight:
        return {}
    body = max(weight, key=lambda size: weight[size])
    larger = sorted((s for s in weight if s >= body * HEADING_SIZE_RATIO), reverse=True)
    return {size: level for level, size in enumerate(larger[:3], start=1)}


def _pdf_lines(
    text: str, sizes: dict[str, float], levels: dict[float, int], page: int, label: str
) -> list[Block]:
    """Lines of a page; a line that is one large-font run becomes a heading, and a heading
    wrapped over two lines is joined back into one."""
    blocks: list[Block] = []
    for line in text.splitlines():
        run = " ".join(line.split())
        level = levels.get(sizes.get(run, 0.0))
        if level is None or len(run) > HEADING_MAX_CHARS or _STRUCTURAL.match(run):
            blocks.append(Block(line, page=page, page_label=label))
        elif blocks and blocks[-1].level == level:
            blocks[-1] = Block(f"{blocks[-1].text} {run}", page, blocks[-1].page_label, level)
        else:
            blocks.append(Block(run, page=page, page_label=label, level=level))
    return blocks


def _read_docx(path: Path, source: str) -> RawDocument:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises zip/xml errors of many kinds  # noqa: BLE001
        raise UnreadableDocument(source, f"not a readable DOCX: {err}") from err
    blocks: list[Block] = []
    paragraphs = {id(p._element): p for p in document.paragraphs}
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p") and id(element) in paragraphs:
            blocks.append(_docx_paragraph(paragraphs[id(element)]))
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in c.iter(qn("w:t"))) for c in row]
                text = "\t".join(c.strip() for c in cells if c.strip())
                blocks.append(Block(text, table_row=True))
    title = document.core_properties.title or ""
    return RawDocument(blocks=[b for b in blocks if b.text.strip()], title=title)


def _docx_paragraph(paragraph: object) -> Block:
    style = getattr(getattr(paragraph, "style", None), "name", "") or ""
    text = getattr(paragraph, "text", "")
    level: int | None = None
    if style == "Title":
        level = 0
    elif match := re.match(r"Heading (\d)", style):
        level = int(match.group(1))
    return Block(text, level=level)


def _read_doc(path: Path, source: str) -> RawDocument:
    antiword = shutil.which("antiword")
    if antiword is None:
        raise UnreadableDocument(
            source, "legacy Word .doc: convert to .docx or PDF (or install antiword)"
        )
    done = subprocess.run(
        [antiword, "-w", "0", str(path)], capture_output=True, timeout=120, check=False
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip() or "antiword failed"
        raise UnreadableDocument(source, f"not a readable .doc: {reason}")
    return _plain_blocks(done.stdout.decode("utf-8", "replace"))


def _decode(path: Path, source: str) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableDocument(
            source,
            f"not UTF-8 text (byte 0x{raw[err.start]:02x} at position {err.start}); "
            "save it as UTF-8 and ingest again",
        ) from err


def _plain_blocks(text: str) -> RawDocument:
    return RawDocument(blocks=[Block(line) for line in text.splitlines()])


def _read_text(path: Path, source: str) -> RawDocument:
    return _plain_blocks(_decode(path, source))


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _read_markdown(path: Path, source: str) -> RawDocument:
    blocks: list[Block] = []
    title = ""
    for line in _decode(path, source).splitlines():
        if match := _MD_HEADING.match(line):
            text = _strip_markdown(match.group(2))
            level = len(match.group(1))
            title = title or (text if level == 1 else "")
            blocks.append(Block(text, level=level))
        else:
            blocks.append(Block(_strip_markdown(line)))
    return RawDocument(blocks=blocks, title=title)


def _strip_markdown(line: str) -> str:
    line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"\\([\[\]().*_#-])", r"\1", line)
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    line = re.sub(r"^(\s*)[*+-]\s+", r"\1", line)
    return line.replace("`", "")


_HTML_DROP = ("script", "style", "nav", "header", "footer", "noscript", "form", "aside", "svg")
_HTML_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "dt", "dd", "pre")


def _read_html(path: Path, source: str) -> RawDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(path, source), "lxml")
    for tag in soup(list(_HTML_DROP)):
        tag.decompose()
    for tag in soup.select('[role="navigation"], [aria-hidden="true"], .visually-hidden'):
        tag.decompose()
    blocks: list[Block] = []
    for element in soup.find_all(list(_HTML_BLOCKS)):
        if element.find(list(_HTML_BLOCKS)):
            continue  # its inner blocks are read on their own
        text = " ".join(element.get_text(" ").split())
        if text:
            level = int(element.name[1]) if element.name[0] == "h" and element.name[1:].isdigit() else None
            blocks.append(Block(text, level=level, table_row=element.name in ("td", "th")))
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag else ""
    return RawDocument(blocks=blocks, title=title)


_READERS: dict[str, Callable[[Path, str], RawDocument]] = {
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".doc": _read_doc,
    ".html": _read_html,
    ".htm": _read_html,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".txt": _read_text,
}
