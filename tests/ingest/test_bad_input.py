"""Each kind of bad file is reported by name with its reason, and the good files still ingest."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from core.settings import Settings
from tests.ingest.helpers import CLAUSES, ingest, outcome, write


def _text_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


def _image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(72, 72, 300, 300, fill=1)
    pdf.save()
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_text_pdf("Secret clause 1.1 text."))))
    writer.encrypt(user_password="letmein", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "good.md", CLAUSES)
    return folder


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("encrypted.pdf", _encrypted_pdf(), "encrypted PDF"),
        ("truncated.pdf", _text_pdf("Clause 1.1 says a lot.")[:300], "not a readable PDF"),
        ("garbage.pdf", b"this is not a pdf at all \x00\x01\x02" * 20, "not a readable PDF"),
        ("empty.md", b"", "empty file"),
        ("scan.pdf", _image_only_pdf(), "no extractable text; OCR needed"),
        ("latin1.txt", "Caf\u00e9 r\u00e9sum\u00e9 clause 1.1".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_file_is_reported_and_the_rest_ingests(
    corpus: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    write(corpus, name, content)
    report = ingest(Settings(data_dir=tmp_path / "data"), corpus)
    status, why = outcome(report, name)
    assert status == "failed"
    assert reason in why
    assert outcome(report, "good.md")[0] == "added"
    assert report.exit_code == 0


def test_file_over_the_size_limit_is_refused(corpus: Path, tmp_path: Path) -> None:
    write(corpus, "huge.txt", "1.1 Words about sharing information. " * 2000)
    settings = Settings(data_dir=tmp_path / "data", max_file_mb=0.01)
    report = ingest(settings, corpus)
    assert outcome(report, "huge.txt") == ("failed", outcome(report, "huge.txt")[1])
    assert "larger than the 0.01 MB limit" in outcome(report, "huge.txt")[1]
    assert outcome(report, "good.md")[0] == "added"


def test_legacy_doc_without_antiword_says_how_to_convert(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(corpus, "old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    # Files are read in a separate process, which finds antiword on the PATH it inherits.
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    report = ingest(Settings(data_dir=tmp_path / "data"), corpus)
    assert outcome(report, "old.doc") == ("failed", "legacy Word .doc: convert to .docx or PDF (or install antiword)")
    assert outcome(report, "good.md")[0] == "added"


def test_nothing_ingestable_exits_non_zero(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    write(folder, "empty.txt", b"")
    report = ingest(Settings(data_dir=tmp_path / "data"), folder)
    assert report.exit_code == 1
