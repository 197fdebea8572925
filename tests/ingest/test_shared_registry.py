"""Ingest with the registry in PostgreSQL (SHARECHECK_REGISTRY_URL): the pipeline's bookkeeping
there, nothing in the data dir, and one ingest at a time across instances (an advisory lock, the
loser told the host, PID and start of the one in progress). Skipped without SHARECHECK_TEST_PG_URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.embedding import HashingEmbedder
from core.errors import StoreLocked
from core.registry import Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from eval import stack
from ingest.lock import ingest_lock
from tests.ingest.helpers import CLAUSES, ingest, outcome, write

PROJECT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)"
)


@pytest.fixture
def registry_url() -> Iterator[str]:
    with stack.postgres_schema(PG_URL) as url:
        yield url


def instance(tmp_path: Path, registry_url: str, n: int = 1, timeout_s: float = 0.0) -> Settings:
    """The settings of one app instance: a data dir of its own, the registry shared."""
    return Settings(
        data_dir=tmp_path / f"instance-{n}", registry_url=registry_url, lock_timeout_s=timeout_s
    )


def test_the_pipeline_keeps_its_registry_in_postgresql(tmp_path: Path, registry_url: str) -> None:
    settings = instance(tmp_path, registry_url)
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    write(folder, "b.md", CLAUSES.replace("Police", "Ambulance"))
    assert outcome(ingest(settings, folder), "a.md")[0] == "added"
    assert outcome(ingest(settings, folder), "a.md")[0] == "unchanged"
    (folder / "b.md").unlink()
    assert outcome(ingest(settings, folder), "b.md")[0] == "removed"
    registry = Registry.open(settings)
    assert [d.source for d in registry.documents()] == ["a.md"]
    assert PassageStore(settings, HashingEmbedder()).ids() == registry.referenced_ids()
    registry.close()
    assert not settings.registry_path.exists()


def test_a_second_ingest_on_another_instance_is_told_who_and_since_when(
    tmp_path: Path, registry_url: str
) -> None:
    with ingest_lock(instance(tmp_path, registry_url, 1)):
        with pytest.raises(StoreLocked) as refused:
            with ingest_lock(instance(tmp_path, registry_url, 2)):
                pytest.fail("two ingests held the lock at once")
    message = str(refused.value)
    assert message.startswith(f"ingest in progress on {socket.gethostname()} (PID {os.getpid()}) since 20")
    assert message.endswith("wait for that ingest to finish and try again")
    with ingest_lock(instance(tmp_path, registry_url, 2)):  # free once the first let go
        pass
    registry = Registry.open(instance(tmp_path, registry_url))
    assert registry.ingest_holder() is None
    registry.close()


def test_a_waiting_ingest_gets_the_lock_when_it_is_let_go(tmp_path: Path, registry_url: str) -> None:
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with ingest_lock(instance(tmp_path, registry_url, 1)):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(30)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    with ingest_lock(instance(tmp_path, registry_url, 2, timeout_s=30)):
        waited = time.monotonic() - started
    thread.join(30)
    assert 0.5 < waited < 30


def test_the_ingest_command_is_refused_while_another_instance_ingests(
    tmp_path: Path, registry_url: str
) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    second = instance(tmp_path, registry_url, 2)
    with ingest_lock(instance(tmp_path, registry_url, 1)):
        done = subprocess.run(
            [sys.executable, "-m", "ingest", str(folder), "--data-dir", str(second.data_dir), "--quiet"],
            cwd=PROJECT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(PROJECT), "SHARECHECK_REGISTRY_URL": registry_url},
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"ingest in progress on {socket.gethostname()} (PID {os.getpid()}) since" in done.stderr
