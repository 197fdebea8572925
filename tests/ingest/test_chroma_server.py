"""SHARECHECK_CHROMA_URL: the same ingest and search against a Chroma server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.embedding import HashingEmbedder
from core.settings import Settings
from core.vectorstore import PassageStore
from retrieval.query import build_query
from retrieval.search import HybridSearch
from tests.ingest.helpers import CLAUSES, ingest, outcome, write

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma command is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "server")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_ingest_and_search_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_url)
    assert outcome(ingest(settings, folder), "a.md")[0] == "added"
    assert outcome(ingest(settings, folder), "a.md")[0] == "unchanged"
    embedder = HashingEmbedder()
    store = PassageStore(settings, embedder)
    assert not (settings.chroma_dir / "chroma.sqlite3").exists()  # nothing written locally
    search = HybridSearch(settings.retrieval, embedder, store, settings.lexical_dir)
    hits = search.search(build_query("can referrals go by personal email?", []), k=3)
    assert any("secure email" in h.passage.text for h in hits)
