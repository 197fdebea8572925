"""The document registry's contract, on SQLite (the data dir's file) and on PostgreSQL
(SHARECHECK_REGISTRY_URL; a fresh schema of SHARECHECK_TEST_PG_URL, skipped without one).

Every caller (ingest, the assistant, the Library and Review pages) sees the same behaviour on
both: these tests run once per back end."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pytest

from core.registry import (
    MIGRATIONS,
    DocumentRecord,
    DuplicateRecord,
    IngestHolder,
    Registry,
    VersionRecord,
)
from core.settings import Settings
from eval import stack

PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")
Opener = Callable[[], Registry]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the one registry of this test (again, when called again), closing each after."""
    opened: list[Registry] = []
    url: str | None = None
    with ExitStack() as schema:
        if request.param == "postgresql":
            if not PG_URL:
                pytest.skip("SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)")
            url = schema.enter_context(stack.postgres_schema(PG_URL))

        def open_one() -> Registry:
            opened.append(Registry.open(Settings(data_dir=tmp_path / "data", registry_url=url)))
            return opened[-1]

        yield open_one
        for registry in opened:
            registry.close()


@pytest.fixture
def registry(open_registry: Opener) -> Registry:
    return open_registry()


def record(source: str, laws: tuple[str, ...] | None = (), **changes: object) -> DocumentRecord:
    made = DocumentRecord(
        source, "/corpus", "h-" + source, "m", source.title(), "agreement", "1", "", "",
        ("Police",), 2, "2026-11-30T00:00:00+00:00", laws,
    )  # fmt: skip
    return replace(made, **changes)  # type: ignore[arg-type]


def test_a_new_registry_applies_every_migration_once(open_registry: Opener) -> None:
    assert open_registry().file.applied == [m.__name__ for m in MIGRATIONS]
    assert open_registry().file.applied == []  # opening again applies nothing


def test_a_document_reads_back_as_saved(registry: Registry) -> None:
    saved = record("isa.md", ("data protection act",), parties=("Police", "NHS"), uploaded_by="ann")
    registry.save(saved, {"p1", "p2"}, fingerprint=b"\x00\xff")
    assert registry.documents() == [replace(saved, doc_id="isa")]  # an id derived on saving
    assert registry.document_by_id("isa") == registry.document("isa.md")
    assert registry.ids_of("isa.md") == {"p1", "p2"} == registry.referenced_ids()
    assert registry.sources_of(["p1", "p9"]) == {"p1": ["isa.md"], "p9": []}
    assert registry.fingerprint("isa.md") == b"\x00\xff"
    assert registry.fingerprinted() == {"isa.md"}


def test_saving_again_replaces_the_row_references_and_fingerprint(registry: Registry) -> None:
    registry.save(record("isa.md"), {"p1", "p2"}, fingerprint=b"\x01")
    registry.save(record("isa.md", version="2", doc_hash="h2"), {"p3"}, fingerprint=b"\x02")
    (doc,) = registry.documents()
    assert (doc.version, doc.doc_hash) == ("2", "h2")
    assert registry.ids_of("isa.md") == {"p3"}
    assert registry.fingerprint("isa.md") == b"\x02"
    assert [(v.doc_hash, v.ended) for v in registry.versions("isa")] == [("h2", ""), ("h-isa.md", "replaced")]


def test_a_file_saved_under_an_id_another_file_holds_takes_its_row(registry: Registry) -> None:
    """As SQLite's INSERT OR REPLACE did: one document row per id."""
    registry.save(record("old.md", doc_id="isa"), {"p1"})
    registry.save(record("new.md", doc_id="isa"), {"p2"})
    assert [d.source for d in registry.documents()] == ["new.md"]


def test_known_laws_are_the_union_of_each_documents(registry: Registry) -> None:
    assert registry.known_laws() == frozenset()
    registry.save(record("a.md", ("data protection act",)), {"p1"})
    registry.save(record("b.md", ("crime and disorder act", "data protection act")), {"p2"})
    assert registry.known_laws() == {"data protection act", "crime and disorder act"}
    registry.save(record("c.md", None), {"p3"})
    assert registry.known_laws() is None
    registry.set_laws("c.md", ["children act"])
    assert registry.known_laws() == {"data protection act", "crime and disorder act", "children act"}


def test_a_new_version_ends_the_one_before_and_a_removal_brings_none_back(registry: Registry) -> None:
    v12 = record("police-isa.md", version="1.2", doc_hash="h12", doc_id="police-isa")
    registry.save(v12, {"p1", "p2"})
    v13 = record(
        "police-isa-1.3.md", root="/uploads", version="1.3", doc_hash="h13", doc_id="police-isa",
        uploaded_by="admin",
    )  # fmt: skip
    registry.save(v13, {"p1", "p3"}, replaces=v12)
    assert [d.source for d in registry.documents()] == ["police-isa-1.3.md"]
    assert registry.ids_of("police-isa.md") == set()  # the old file's references went with it
    assert [(v.source, v.ended) for v in registry.versions("police-isa")] == [
        ("police-isa-1.3.md", ""), ("police-isa.md", "replaced")
    ]
    assert registry.latest_at("/corpus", "police-isa.md").ended == "replaced"  # type: ignore[union-attr]
    registry.save(v13, {"p1", "p3"})  # read again, unchanged: still one version
    assert len(registry.versions("police-isa")) == 2
    registry.remove("police-isa-1.3.md")
    assert registry.current_version("police-isa") is None
    assert [v.ended for v in registry.versions("police-isa")] == ["removed", "replaced"]
    assert registry.doc_ids() == {"police-isa"}


def test_earlier_versions_noted_once_latest_first(registry: Registry) -> None:
    registry.save(record("isa.md", doc_hash="h3", doc_id="isa"), {"p1"})
    for doc_hash in ("h1", "h2", "h2"):  # the same file noted twice stays one version
        registry.note_replaced(VersionRecord("isa", "/old", "isa.md", doc_hash, "", "", "", "", "", "", None))
    assert [v.doc_hash for v in registry.replaced_versions("isa")] == ["h2", "h1"]
    assert [v.doc_hash for v in registry.all_versions()] == ["h3", "h2", "h1"]


def test_approvals_are_kept_once_each_latest_approver(registry: Registry) -> None:
    registry.approve("p1", "ann")
    registry.approve("p1", "bob")
    many = [f"q{n}" for n in range(1200)]  # asked about in batches
    for pid in many[::400]:
        registry.approve(pid, "ann")
    assert registry.approved(["p1", "p2", *many]) == {"p1", "q0", "q400", "q800"}


def test_a_duplicate_is_noted_replaced_and_forgotten_when_stored(registry: Registry) -> None:
    registry.save(record("isa.md"), {"p1"})
    registry.save(record("isa.html"), {"p2"})
    registry.save_duplicate(DuplicateRecord("isa.html", "/corpus", "m", "isa.md", 0.9, "t1"), b"\x03")
    again = DuplicateRecord("isa.html", "/corpus", "m2", "isa.md", 0.912345678901, "t2")
    registry.save_duplicate(again)
    assert registry.duplicates() == [again]  # similarity kept to double precision
    assert [d.source for d in registry.documents()] == ["isa.md"]
    assert registry.ids_of("isa.html") == set()
    assert registry.fingerprint("isa.html") == b"\x03"
    registry.save(record("isa.html"), {"p2"})
    assert registry.duplicate("isa.html") is None


def test_a_failed_write_changes_nothing(registry: Registry) -> None:
    """The document row, references and versions change in one transaction or not at all."""
    old = record("a.md")
    registry.save(old, {"p1"})
    broken = replace(record("b.md"), doc_id="a", parties=(object(),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        registry.save(broken, {"p2"}, replaces=registry.document("a.md"))
    assert [d.source for d in registry.documents()] == ["a.md"]
    assert registry.ids_of("a.md") == {"p1"}
    assert [v.source for v in registry.versions("a")] == ["a.md"]


def test_the_corpus_version_names_the_documents_and_their_hashes(registry: Registry) -> None:
    empty = registry.corpus_version()
    registry.save(record("a.md"), {"p1"})
    expected = hashlib.sha256(b"a.md:h-a.md").hexdigest()[:16]
    assert registry.corpus_version() == expected != empty
    registry.mark_read("a.md", "m2")
    registry.forget_hash("a.md")
    assert registry.document("a.md").meta_hash == ""  # type: ignore[union-attr]
    assert registry.corpus_version() == expected  # the text did not change
    registry.clear()
    assert (registry.documents(), registry.corpus_version()) == ([], empty)
    assert registry.doc_ids() == {"a"}  # the versions stay


def test_what_one_instance_writes_the_other_reads_at_once(open_registry: Opener) -> None:
    first, second = open_registry(), open_registry()
    version = second.corpus_version()
    first.save(record("a.md"), {"p1"})
    assert [d.source for d in second.documents()] == ["a.md"]
    assert second.corpus_version() != version
    second.remove("a.md")
    assert first.documents() == []


def test_a_registry_url_that_is_not_postgresql_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, registry_url=f"sqlite:///{tmp_path}/registry.sqlite")
    with pytest.raises(ValueError, match="SHARECHECK_REGISTRY_URL must be a PostgreSQL URL"):
        Registry.open(settings)


@pytest.mark.skipif(not PG_URL, reason="SHARECHECK_TEST_PG_URL is not set")
def test_a_registry_in_postgresql_writes_nothing_to_the_data_dir(tmp_path: Path) -> None:
    with stack.postgres_schema(PG_URL) as url:
        settings = Settings(data_dir=tmp_path / "data", registry_url=url)
        registry = Registry.open(settings)
        registry.save(record("a.md"), {"p1"})
        registry.close()
    assert not settings.registry_path.exists()


def test_the_ingest_holder_is_noted_and_forgotten_by_itself_only(registry: Registry) -> None:
    assert registry.ingest_holder() is None
    holder = IngestHolder("app-2", 4242, "2026-12-01T03:00:00+00:00")
    registry.note_ingest_holder(holder)
    assert registry.ingest_holder() == holder
    registry.forget_ingest_holder(IngestHolder("app-1", 4242, "2026-12-01T03:00:00+00:00"))
    assert registry.ingest_holder() == holder
    registry.forget_ingest_holder(holder)
    assert registry.ingest_holder() is None


def test_an_uploaded_file_is_kept_whole_replaced_and_removed_to_a_sign(registry: Registry) -> None:
    """Uploaded files (kept here when the registry is shared): bytes as given, every byte value
    and no text decoding; a removal keeps the name and hash but not the bytes."""
    content = bytes(range(256)) * 300
    entry = {"file": "visitors.pdf", "kind": "policy", "uploaded_by": "ann"}
    kept = registry.keep_upload("visitors.pdf", content, entry, "ann")
    assert (kept.sha256, kept.size) == (hashlib.sha256(content).hexdigest(), len(content))
    assert registry.uploads() == [kept]
    assert registry.upload_content("visitors.pdf") == content
    assert registry.upload_content("other.pdf") is None
    registry.keep_upload("visitors.pdf", b"%PDF v2", {**entry, "version": "2"}, "bob")
    (again,) = registry.uploads()
    assert (again.entry, again.uploaded_by, again.held) == ({**entry, "version": "2"}, "bob", True)
    registry.remove_upload("visitors.pdf", "carol")
    (gone,) = registry.uploads()
    assert (gone.held, gone.entry, gone.sha256) == (False, None, hashlib.sha256(b"%PDF v2").hexdigest())
    assert registry.upload_content("visitors.pdf") is None
    registry.keep_upload("visitors.pdf", b"%PDF v3", None, "ann")  # uploaded again
    assert registry.upload_content("visitors.pdf") == b"%PDF v3"
    assert registry.uploads()[0].held


def test_an_upload_kept_through_one_instance_is_read_by_the_other(open_registry: Opener) -> None:
    first, second = open_registry(), open_registry()
    first.keep_upload("a.md", b"# A\n", {"file": "a.md"}, "ann")
    assert second.upload_content("a.md") == b"# A\n"
    second.remove_upload("a.md", "bob")
    assert not first.uploads()[0].held
