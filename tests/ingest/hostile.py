"""Small hostile files, generated in well under a second each: they cost the reader gigabytes or
minutes, never the disk."""

from __future__ import annotations

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

MB = 1024 * 1024


def shared_stream_pdf(stream_mb: int = 60, pages: int = 200) -> bytes:
    """A PDF (about 200 KB) whose pages all draw one content stream of `stream_mb` MB of text
    operators: each page parses it all again."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    resources = writer._add_object(
        DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    )
    show = b"BT /F1 12 Tf 72 720 Td (Clause 1.1 Data is shared.) Tj ET\n"
    stream = DecodedStreamObject()
    stream.set_data(show * (stream_mb * MB // len(show)))
    contents = writer._add_object(stream.flate_encode(level=9))
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = contents
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bomb(expanded_mb: int = 2048, paragraph_chars: int | None = None) -> bytes:
    """A DOCX whose word/document.xml inflates to `expanded_mb` MB: one run of text (about 1 MB
    on disk per GB), or paragraphs of `paragraph_chars` (about 2.5 MB per GB). Deflate output
    after a full flush does not depend on what came before, so one compressed 6 MB block is
    repeated instead of compressing gigabytes."""
    from docx import Document

    template = io.BytesIO()
    Document().save(template)
    entries = _zip_entries(template.getvalue(), skip="word/document.xml")
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>"
    )
    tail = b"</w:body></w:document>"
    if paragraph_chars is None:
        head, tail = head + b"<w:p><w:r><w:t>", b"</w:t></w:r></w:p>" + tail
        block = b"A" * (6 * MB)
    else:
        paragraph = b"<w:p><w:r><w:t>" + b"A" * paragraph_chars + b"</w:t></w:r></w:p>"
        block = paragraph * (6 * MB // len(paragraph))
    repeats = expanded_mb * MB // len(block)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    middle = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    last = deflate.compress(tail) + deflate.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(block) + len(tail)
    entries.append(("word/document.xml", first + middle * repeats + last, crc, size))
    return _zip(entries)


def nested_html(depth: int = 200_000) -> bytes:
    """HTML (2 MB) nested `depth` elements deep around one clause."""
    return (
        "<html><body>" + "<div>" * depth + "<p>1.1 A deep clause.</p>" + "</div>" * depth
    ).encode()


def billion_laughs_yaml(levels: int = 9) -> str:
    """A manifest whose aliases expand ten-fold per level (10**9 strings at 9 levels)."""
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("documents:")
    lines.append("  - file: good.md")
    lines.append(f"    parties: *a{levels}")
    return "\n".join(lines) + "\n"


Entry = tuple[str, bytes, int, int]  # name, deflated data, CRC-32, size


def _zip_entries(archive: bytes, skip: str) -> list[Entry]:
    import zipfile

    entries: list[Entry] = []
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        for name in source.namelist():
            if name != skip:
                data = source.read(name)
                deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
                packed = deflate.compress(data) + deflate.flush()
                entries.append((name, packed, zlib.crc32(data), len(data)))
    return entries


def _zip(entries: list[Entry]) -> bytes:
    """A zip archive of deflated entries, written by hand (zipfile would deflate them again)."""
    out = io.BytesIO()
    directory = []
    for name, data, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
            )
        )
        out.write(encoded + data)
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded),
                0, 0, 0, 0, 0, offset,
            )  # fmt: skip
            + encoded
        )
    start = out.tell()
    central = b"".join(directory)
    out.write(central)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0)
    )
    return out.getvalue()
