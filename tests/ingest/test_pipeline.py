"""Re-ingest, change, removal, duplicates, crash repair and the one-writer lock, on real Chroma."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.embedding import HashingEmbedder
from core.registry import Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from ingest.lock import writer_lock
from tests.ingest.helpers import CLAUSES, ingest, outcome, write

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def _store(settings: Settings) -> PassageStore:
    return PassageStore(settings, HashingEmbedder())


def test_second_run_skips_unchanged_files_and_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    first = ingest(settings, folder)
    ids = _store(settings).ids()
    second = ingest(settings, folder)
    assert outcome(first, "a.md")[0] == "added"
    assert outcome(second, "a.md")[0] == "unchanged"
    assert second.passages_written == 0
    assert _store(settings).ids() == ids


def test_changed_file_replaces_its_passages(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    path = write(folder, "a.md", CLAUSES)
    ingest(settings, folder)
    path.write_text(CLAUSES.replace("secure email", "the secure referral portal"), encoding="utf-8")
    report = ingest(settings, folder)
    texts = [p.text for p in _store(settings).all_passages()]
    assert outcome(report, "a.md")[0] == "updated"
    assert any("secure referral portal" in t for t in texts)
    assert not any("secure email" in t for t in texts)


def test_removed_file_loses_its_passages(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    gone = write(folder, "b.md", "# B\n\n1.1 Another agreement about police requests for data.\n")
    ingest(settings, folder)
    gone.unlink()
    report = ingest(settings, folder)
    assert outcome(report, "b.md")[0] == "removed"
    assert {p.source for p in _store(settings).all_passages()} == {"a.md"}


def test_identical_passages_in_two_files_are_stored_once(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "agreement.md", CLAUSES)
    write(folder, "copy/agreement.md", CLAUSES)
    ingest(settings, folder)
    passages = list(_store(settings).all_passages())
    assert len({p.id for p in passages}) == len(passages)
    assert all(p.source == "agreement.md" and p.also_in == ("copy/agreement.md",) for p in passages)


def test_crash_leftovers_are_repaired_on_the_next_run(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    ingest(settings, folder)
    store = _store(settings)
    from core.passage import Passage

    # An interrupted run: vectors written for a document the registry never recorded...
    store.upsert([Passage(text="orphan clause from a crashed ingest", source="x.md", title="X")])
    # ...and a recorded document that lost one of its passages.
    lost = sorted(store.ids() - {Passage(text="orphan clause from a crashed ingest", source="x.md", title="X").id})[0]
    store.delete([lost])
    report = ingest(settings, folder)
    registry = Registry(settings.registry_path)
    assert _store(settings).ids() == registry.referenced_ids()
    assert lost in _store(settings).ids()
    assert outcome(report, "a.md")[0] == "updated"


def test_a_second_writer_is_refused_with_the_holders_pid(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    with writer_lock(settings.data_dir):
        done = subprocess.run(
            [sys.executable, "-m", "ingest", str(folder), "--data-dir", str(settings.data_dir), "--quiet"],
            cwd=PROJECT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(PROJECT)},
        )  # fmt: skip
    assert done.returncode == 2
    assert f"store is locked by PID {os.getpid()}" in done.stderr


@pytest.mark.slow
def test_two_concurrent_ingests_one_writes_one_is_refused_and_the_store_is_whole(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES)
    command = [sys.executable, "-m", "ingest", str(folder), "--data-dir", str(settings.data_dir), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    runs = [subprocess.Popen(command, cwd=PROJECT, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=300), run.stderr.read() if run.stderr else "") for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    assert any("store is locked by PID" in err for _, err in results)
    store = PassageStore(settings, HashingEmbedder())
    assert store.count() > 0
    assert store.ids() == Registry(settings.registry_path).referenced_ids()


def test_the_laws_each_document_names_are_kept_with_it(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "a.md", CLAUSES + "\n2.2 Disclosure is lawful under the Crime and Disorder Act 1998.\n")
    write(folder, "b.md", "# Other\n\n1.1 Nothing here names a law at all, only sharing.\n")
    ingest(settings, folder)
    registry = Registry(settings.registry_path)
    laws = {d.source: d.laws for d in registry.documents()}
    assert laws == {"a.md": ("crime and disorder act",), "b.md": ()}
    assert registry.known_laws() == {"crime and disorder act"}
    # a registry upgraded in place has no laws yet: the next ingest collects them from the store
    registry.db.execute("UPDATE documents SET laws = NULL")
    assert registry.known_laws() is None
    registry.close()
    ingest(settings, folder)
    assert Registry(settings.registry_path).known_laws() == {"crime and disorder act"}
