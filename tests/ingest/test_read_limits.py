"""Each file is read in a separate process held to a time and a memory limit: a hostile file is
stopped and named with the reason, the ingest process's memory stays flat, the rest ingests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.embedding import HashingEmbedder
from core.settings import IngestSettings, Settings
from core.vectorstore import PassageStore
from ingest import readers
from tests.ingest.helpers import CLAUSES, ingest, outcome, write
from tests.ingest.hostile import docx_bomb, nested_html, shared_stream_pdf
from ui.uploads import UploadMeta, save_upload

MEMORY_STOPPED = "needed more than {} MB to read, so it was stopped (SHARECHECK_INGEST__READ_MEMORY_MB)"
TIME_STOPPED = "took longer than {} s to read, so it was stopped (SHARECHECK_INGEST__READ_TIMEOUT_S)"
# What an ingest of a small folder adds to this process's peak memory (store, registry, index),
# with room; reading a 2 GB bomb here would add gigabytes.
INGEST_PEAK_GROWTH_MB = 300


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "good.md", CLAUSES)
    return folder


def _rss_mb(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith(field))
    return int(line.split()[1]) / 1024


def _reset_peak() -> float:
    """Start this process's peak-memory count again from now; the resident size now."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("this kernel cannot reset the peak memory count")
    return _rss_mb("VmRSS")


def test_a_docx_bomb_is_stopped_at_the_memory_limit(corpus: Path, tmp_path: Path) -> None:
    write(corpus, "bomb.docx", docx_bomb(expanded_mb=2048))  # 2 MB on disk, 2 GB inflated
    settings = Settings(data_dir=tmp_path / "data")  # the default limit, 1536 MB
    before = _reset_peak()
    report = ingest(settings, corpus)
    assert outcome(report, "bomb.docx") == ("failed", MEMORY_STOPPED.format(1536))
    assert outcome(report, "good.md")[0] == "added"
    assert _rss_mb("VmHWM") - before < INGEST_PEAK_GROWTH_MB


HOSTILE_SLOW: dict[str, Callable[[], bytes]] = {
    "shared-stream.pdf": shared_stream_pdf,  # 200 pages drawing one 60 MB content stream
    "nested.html": lambda: nested_html(depth=400_000),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SLOW))
def test_a_file_that_takes_too_long_is_stopped(corpus: Path, tmp_path: Path, name: str) -> None:
    write(corpus, name, HOSTILE_SLOW[name]())
    settings = Settings(data_dir=tmp_path / "data", ingest=IngestSettings(read_timeout_s=3))
    started = time.monotonic()
    report = ingest(settings, corpus)
    assert outcome(report, name) == ("failed", TIME_STOPPED.format(3))
    assert outcome(report, "good.md")[0] == "added"  # read by a fresh process after the kill
    assert time.monotonic() - started < 30


def test_a_file_giving_more_text_than_the_limit_is_refused(corpus: Path, tmp_path: Path) -> None:
    # Within the memory limit, but 30 MB of text in 1,000-character paragraphs.
    write(corpus, "dump.docx", docx_bomb(expanded_mb=30, paragraph_chars=1000))
    report = ingest(Settings(data_dir=tmp_path / "data"), corpus)
    status, reason = outcome(report, "dump.docx")
    assert status == "failed"
    assert reason.startswith("gives more than 20 MB of text (SHARECHECK_INGEST__MAX_TEXT_MB)")
    assert outcome(report, "good.md")[0] == "added"


def _never_here(*_: object) -> readers.RawDocument:
    raise AssertionError("a file was parsed in the ingest process")


@pytest.fixture
def no_parsing_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers that fail if called in this process (the reading process has its own)."""
    monkeypatch.setattr(readers, "read_document", _never_here)
    for suffix in list(readers._READERS):
        monkeypatch.setitem(readers._READERS, suffix, _never_here)


@pytest.mark.usefixtures("no_parsing_here")
def test_files_are_never_parsed_in_the_ingest_process(corpus: Path, tmp_path: Path) -> None:
    write(corpus, "html/page.html", "<html><body><h1>Page</h1><p>1.1 Share safely.</p></body></html>")
    report = ingest(Settings(data_dir=tmp_path / "data"), corpus)
    assert outcome(report, "good.md")[0] == "added"
    assert outcome(report, "html/page.html")[0] == "added"


@pytest.mark.usefixtures("no_parsing_here")
def test_uploads_are_read_the_same_way_never_in_the_app(tmp_path: Path) -> None:
    """The Library page saves uploads, then ingests their folder (ui.ingest_view): each file is
    read in the reading process, held to the same limits."""
    uploads = tmp_path / "data" / "uploads"
    save_upload(uploads, "visitors.md", CLAUSES.encode(), UploadMeta("Visitors", "policy"))
    save_upload(uploads, "bomb.docx", docx_bomb(expanded_mb=1024), UploadMeta(kind="agreement"))
    settings = Settings(data_dir=tmp_path / "data", ingest=IngestSettings(read_memory_mb=512))
    report = ingest(settings, uploads)
    assert outcome(report, "bomb.docx") == ("failed", MEMORY_STOPPED.format(512))
    assert outcome(report, "visitors.md")[0] == "added"
    stored = list(PassageStore(settings, HashingEmbedder()).all_passages())
    assert {p.source for p in stored} == {"visitors.md"}
    assert {p.title for p in stored} == {"Visitors"}
