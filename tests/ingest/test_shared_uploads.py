"""Uploaded files kept in the shared registry (SHARECHECK_REGISTRY_URL): an upload through one
instance is restored, not removed, by a re-read on another whose uploads folder lacks it; a
removal is an admin's act and reaches every copy; a failed write stores nothing. Without a
shared registry the uploads folder is the only copy, as before. The PostgreSQL tests skip
without SHARECHECK_TEST_PG_URL; those with two data dirs share a Chroma server (`chroma run`)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.exc import OperationalError

from assistant.compose import build
from core.embedding import HashingEmbedder
from core.registry import Registry
from core.settings import Settings
from eval import stack
from ingest.upload_store import UploadStore
from tests.ingest.helpers import ingest, outcome
from ui.uploads import UploadMeta, UploadRefused, remove_upload, save_upload

PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")
needs_pg = pytest.mark.skipif(
    not PG_URL, reason="SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)"
)
VISITORS = b"""# Station visitors protocol

## 1 Visitors

1.1 Staff must not tell visitors to the station who was seen on a Home Fire Safety Visit.
"""
META = UploadMeta(title="Station visitors protocol", kind="policy", version="1.0", uploaded_by="ann")
ENTRY = {
    "file": "visitors.md", "kind": "policy", "title": "Station visitors protocol",
    "version": "1.0", "uploaded_by": "ann",
}  # fmt: skip


def upload(settings: Settings, content: bytes = VISITORS, name: str = "visitors.md") -> Path:
    """What the Library page's "Add and read" does before it ingests the uploads folder."""
    with closing(Registry.open(settings)) as registry:
        shared = UploadStore.shared(settings, registry)
        return save_upload(
            settings.uploads_dir, name, content, META, registry.documents(), shared
        )


def remove(settings: Settings, name: str = "visitors.md") -> None:
    with closing(Registry.open(settings)) as registry:
        remove_upload(settings.uploads_dir, name, UploadStore.shared(settings, registry), "bob")


def documents(settings: Settings) -> list[str]:
    with closing(Registry.open(settings)) as registry:
        return [d.source for d in registry.documents()]


def stored(settings: Settings) -> list[tuple[str, bool]]:
    with closing(Registry.open(settings)) as registry:
        return [(u.name, u.held) for u in registry.uploads()]


def manifest(folder: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load((folder / "manifest.yaml").read_text())["documents"])


def test_without_a_shared_registry_the_uploads_folder_is_the_only_copy(tmp_path: Path) -> None:
    """SQLite, the default: nothing is kept in the registry, and a file gone from the folder
    takes its document with it on the next ingest, as before."""
    settings = Settings(data_dir=tmp_path / "data")
    upload(settings)
    assert outcome(ingest(settings, settings.uploads_dir), "visitors.md")[0] == "added"
    assert stored(settings) == []
    (settings.uploads_dir / "visitors.md").unlink()
    assert outcome(ingest(settings, settings.uploads_dir), "visitors.md")[0] == "removed"
    assert documents(settings) == []


@pytest.fixture
def registry_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)")
    with stack.postgres_schema(PG_URL) as url:
        yield url


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Chroma server for this module's tests, each test in a collection of its own."""
    if not PG_URL:
        pytest.skip("SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)")
    try:
        with stack.chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
            yield url
    except stack.Unavailable as why:
        pytest.skip(str(why))


def two_instances(tmp_path: Path, registry_url: str, chroma_url: str) -> tuple[Settings, Settings]:
    """Two app instances as on two machines: data dirs of their own, registry and vectors shared."""
    collection = f"t{uuid.uuid4().hex[:12]}"
    return (
        Settings(
            data_dir=tmp_path / name, registry_url=registry_url, chroma_url=chroma_url,
            collection=collection,
        )  # fmt: skip
        for name in ("first", "second")
    )  # type: ignore[return-value]


@needs_pg
def test_a_re_read_where_the_file_is_missing_restores_it(tmp_path: Path, registry_url: str) -> None:
    """The gap this closes: a machine whose data dir has the same path but not the file (here,
    the same data dir with its uploads folder gone) re-reads uploads/: the document stays, the
    file and its manifest entry come back from the registry, unchanged."""
    settings = Settings(data_dir=tmp_path / "data", registry_url=registry_url)
    upload(settings)
    assert outcome(ingest(settings, settings.uploads_dir), "visitors.md")[0] == "added"
    assert stored(settings) == [("visitors.md", True)]
    shutil.rmtree(settings.uploads_dir)
    assert outcome(ingest(settings, settings.uploads_dir), "visitors.md")[0] == "unchanged"
    assert documents(settings) == ["visitors.md"]
    assert (settings.uploads_dir / "visitors.md").read_bytes() == VISITORS
    assert manifest(settings.uploads_dir) == [ENTRY]


@needs_pg
def test_uploaded_on_one_instance_re_read_and_answered_on_another(
    tmp_path: Path, registry_url: str, chroma_url: str
) -> None:
    first, second = two_instances(tmp_path, registry_url, chroma_url)
    upload(first)
    assert outcome(ingest(first, first.uploads_dir), "visitors.md")[0] == "added"
    shutil.rmtree(first.data_dir)  # the first machine's disk is not this one's
    report = ingest(second, second.uploads_dir)
    # read again only because its folder is now the second's (a data dir at another path)
    assert outcome(report, "visitors.md")[0] == "updated"
    assert documents(second) == ["visitors.md"]
    assert (second.uploads_dir / "visitors.md").read_bytes() == VISITORS
    assert manifest(second.uploads_dir) == [ENTRY]
    with build(second, HashingEmbedder(), with_log=False) as parts:
        hits = parts.assistant.retrieve("may staff tell visitors who had a home fire safety visit?")
        assert hits and hits[0].passage.source == "visitors.md"
        assert hits[0].passage.title == "Station visitors protocol"


@needs_pg
def test_a_removal_on_one_instance_reaches_the_copy_on_the_other(
    tmp_path: Path, registry_url: str, chroma_url: str
) -> None:
    first, second = two_instances(tmp_path, registry_url, chroma_url)
    upload(first)
    ingest(first, first.uploads_dir)
    ingest(second, second.uploads_dir)  # the second has its copy
    remove(second)
    assert outcome(ingest(second, second.uploads_dir), "visitors.md")[0] == "removed"
    assert stored(second) == [("visitors.md", False)]  # the bytes went with the admin's removal
    ingest(first, first.uploads_dir)
    assert not (first.uploads_dir / "visitors.md").exists()
    assert manifest(first.uploads_dir) == []
    assert documents(first) == []


@needs_pg
def test_files_uploaded_before_uploads_were_kept_are_adopted(
    tmp_path: Path, registry_url: str, chroma_url: str
) -> None:
    """A deployment that kept uploads only in one machine's folder: its next ingest of that
    folder keeps them in the registry, and another instance restores them."""
    first, second = two_instances(tmp_path, registry_url, chroma_url)
    save_upload(first.uploads_dir, "visitors.md", VISITORS, META)  # the folder alone, as before
    assert stored(first) == []
    ingest(first, first.uploads_dir)
    assert stored(first) == [("visitors.md", True)]
    shutil.rmtree(first.data_dir)
    ingest(second, second.uploads_dir)
    assert (second.uploads_dir / "visitors.md").read_bytes() == VISITORS
    assert documents(second) == ["visitors.md"]


@needs_pg
def test_a_file_that_cannot_be_restored_is_reported_and_its_document_kept(
    tmp_path: Path, registry_url: str
) -> None:
    settings = Settings(data_dir=tmp_path / "data", registry_url=registry_url)
    upload(settings)
    ingest(settings, settings.uploads_dir)
    (settings.uploads_dir / "visitors.md").unlink()
    (settings.uploads_dir / "visitors.md").mkdir()  # in the way: the copy cannot be written
    status, reason = outcome(ingest(settings, settings.uploads_dir), "visitors.md")
    assert status == "failed" and "could not be restored from the shared registry" in reason
    assert documents(settings) == ["visitors.md"]


class FailsAfterInsert:
    """The registry's database, with the connection lost just after an upload's row is written
    (before the commit)."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        result = self.db.execute(sql, parameters)
        if sql.startswith("INSERT INTO upload_files"):
            raise OperationalError(sql, None, ConnectionError("server closed the connection"))
        return result

    def executemany(self, sql: str, rows: Any) -> Any:
        return self.db.executemany(sql, rows)


@needs_pg
def test_a_failed_upload_write_leaves_neither_bytes_nor_record(
    tmp_path: Path, registry_url: str
) -> None:
    settings = Settings(data_dir=tmp_path / "data", registry_url=registry_url)
    with closing(Registry.open(settings)) as registry:
        registry.db = FailsAfterInsert(registry.db)
        shared = UploadStore.shared(settings, registry)
        with pytest.raises(UploadRefused, match="nothing was stored"):
            save_upload(settings.uploads_dir, "visitors.md", VISITORS, META, (), shared)
    assert stored(settings) == []
    assert not (settings.uploads_dir / "visitors.md").exists()
    assert not (settings.uploads_dir / "manifest.yaml").exists()
    assert ingest(settings, settings.uploads_dir).outcomes == []
    assert documents(settings) == []


@needs_pg
def test_an_upload_over_the_file_size_limit_is_not_kept(tmp_path: Path, registry_url: str) -> None:
    settings = Settings(data_dir=tmp_path / "data", registry_url=registry_url, max_file_mb=0.001)
    with pytest.raises(UploadRefused, match=r"larger than the 0\.001 MB limit"):
        upload(settings, VISITORS * 10)
    assert stored(settings) == []
    assert not (settings.uploads_dir / "visitors.md").exists()


@needs_pg
def test_one_file_is_restored_for_a_page_that_shows_it(tmp_path: Path, registry_url: str) -> None:
    """What "View in document" does when this instance has no copy of an upload."""
    settings = Settings(data_dir=tmp_path / "data", registry_url=registry_url)
    upload(settings)
    shutil.rmtree(settings.uploads_dir)
    with closing(Registry.open(settings)) as registry:
        shared = UploadStore.shared(settings, registry)
        assert shared is not None
        assert shared.restore_one("visitors.md") == settings.uploads_dir / "visitors.md"
        assert shared.restore_one("other.md") is None
        shared.remove("visitors.md", "bob")
        assert shared.restore_one("visitors.md") is None
    assert (settings.uploads_dir / "visitors.md").read_bytes() == VISITORS
