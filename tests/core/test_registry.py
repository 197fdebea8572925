"""The document registry: numbered migrations, in-place upgrade, the laws kept per document."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from core.registry import (
    _M001_SCHEMA,
    MIGRATIONS,
    MIGRATIONS_TABLE,
    DocumentRecord,
    Registry,
    derived_id,
    m001_initial,
    m002_document_laws,
)


def record(source: str, laws: tuple[str, ...] | None) -> DocumentRecord:
    return DocumentRecord(
        source, "/corpus", "h-" + source, "m", source.title(), "agreement", "1", "", "",
        ("Police",), 2, "2026-11-30T00:00:00+00:00", laws,
    )  # fmt: skip


def test_a_new_registry_records_every_migration(tmp_path: Path) -> None:
    Registry(tmp_path / "registry.sqlite").close()
    with sqlite3.connect(tmp_path / "registry.sqlite") as db:
        applied = [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY name")]
    assert applied == [m.__name__ for m in MIGRATIONS]


def test_a_registry_from_before_migrations_upgrades_in_place(tmp_path: Path) -> None:
    """A registry as the unversioned code wrote it (its schema script, no migrations table):
    documents, references, history, approvals and duplicates are kept; laws are not collected."""
    path = tmp_path / "registry.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(_M001_SCHEMA)
        db.execute(
            "INSERT INTO documents VALUES ('isa.md', '/corpus', 'h1', 'm1', 'ISA', 'agreement',"
            " '2', '2025-01-01', '2027-01-01', '[\"Police\"]', 2, '2026-11-30')"
        )
        db.executemany("INSERT INTO refs VALUES (?, 'isa.md')", [("p1",), ("p2",)])
        db.execute("INSERT INTO history VALUES ('isa.md', 'h0', '2026-11-29')")
        db.execute("INSERT INTO approved_passages VALUES ('p2', 'admin', '2026-11-30')")
        db.execute("INSERT INTO fingerprints VALUES ('isa.md', x'00')")
    registry = Registry(path)
    (doc,) = registry.documents()
    assert (doc.source, doc.title, doc.parties, doc.laws) == ("isa.md", "ISA", ("Police",), None)
    assert registry.ids_of("isa.md") == {"p1", "p2"}
    assert [(v.source, v.doc_hash) for v in registry.replaced_versions("isa")] == [("isa.md", "h0")]
    assert registry.approved(["p1", "p2"]) == {"p2"}
    assert registry.fingerprint("isa.md") == b"\x00"
    assert registry.known_laws() is None  # until the next ingest collects them
    registry.set_laws("isa.md", ["crime and disorder act"])
    assert registry.known_laws() == frozenset({"crime and disorder act"})
    registry.close()
    assert Registry(path).document("isa.md") is not None  # opening again applies nothing


def test_known_laws_are_the_union_of_each_documents(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "registry.sqlite")
    assert registry.known_laws() == frozenset()
    registry.save(record("a.md", ("data protection act",)), {"p1"})
    registry.save(record("b.md", ("crime and disorder act", "data protection act")), {"p2"})
    assert registry.known_laws() == {"data protection act", "crime and disorder act"}
    saved = record("b.md", ("crime and disorder act", "data protection act"))
    assert registry.document("b.md") == replace(saved, doc_id="b")  # an id derived on saving
    registry.save(record("c.md", None), {"p3"})
    assert registry.known_laws() is None


def test_document_ids_are_derived_from_file_names_and_never_shared() -> None:
    assert derived_id("agreements/Police ISA v1.3.pdf") == "police-isa-v1-3"
    assert derived_id("police-isa.md", {"police-isa", "police-isa-2"}) == "police-isa-3"
    assert derived_id("___.md") == "document"


def test_the_versions_migration_upgrades_a_registry_in_place(tmp_path: Path) -> None:
    """A registry at m002 whose history went back and forth between two versions (the bug in
    issue 14): each document gets an id from its file name and its current version; each earlier
    hash becomes one replaced version, never the current hash, and no row is lost."""
    path = tmp_path / "registry.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"CREATE TABLE {MIGRATIONS_TABLE} (name VARCHAR(100) PRIMARY KEY, applied_at VARCHAR(40))")
    for migration in (m001_initial, m002_document_laws):
        migration(db)
        db.execute(f"INSERT INTO {MIGRATIONS_TABLE} VALUES (?, '2026-11-01')", (migration.__name__,))
    for source, doc_hash in (("police-isa.md", "h13"), ("police_isa.txt", "t1")):
        db.execute(
            "INSERT INTO documents VALUES (?, '/corpus', ?, 'm', 'Police ISA', 'agreement', '1.3',"
            " '2025-01-01', '2027-01-01', '[]', 2, '2026-11-30', '[]')", (source, doc_hash),
        )  # fmt: skip
    db.executemany(
        "INSERT INTO history VALUES ('police-isa.md', ?, ?)",
        [("h12", "2026-11-01"), ("h13", "2026-11-02"), ("h12", "2026-11-03")],
    )
    db.close()
    registry = Registry(path)
    assert "m003_document_versions" in registry.file.applied
    assert [(d.source, d.doc_id) for d in registry.documents()] == [
        ("police-isa.md", "police-isa"), ("police_isa.txt", "police-isa-2")
    ]
    (current, earlier) = registry.versions("police-isa")
    assert (current.current, current.doc_hash, current.version, current.root) == (True, "h13", "1.3", "/corpus")
    assert (earlier.ended, earlier.doc_hash, earlier.ended_at, earlier.root) == ("replaced", "h12", "2026-11-03", "")
    assert [v.doc_hash for v in registry.replaced_versions("police-isa")] == ["h12"]
    assert registry.replaced_versions("police-isa-2") == []
    tables = {r[0] for r in registry.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "history" not in tables
    registry.close()
    assert Registry(path).file.applied == []  # opening again applies nothing


def test_a_new_version_ends_the_one_before_and_a_removal_brings_none_back(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "registry.sqlite")
    v12 = DocumentRecord(
        "police-isa.md", "/corpus", "h12", "m", "Police ISA", "agreement", "1.2", "2021-04-01", "",
        (), 2, "2026-11-30T00:00:00+00:00", (), doc_id="police-isa",
    )  # fmt: skip
    registry.save(v12, {"p1", "p2"})
    v13 = DocumentRecord(
        "police-isa-1.3.md", "/uploads", "h13", "m", "Police ISA", "agreement", "1.3",
        "2026-10-01", "", (), 2, "2026-11-30T00:00:00+00:00", (), doc_id="police-isa",
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


def test_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    """The document row, references and versions change in one transaction or not at all."""
    registry = Registry(tmp_path / "registry.sqlite")
    old = record("a.md", ())
    registry.save(old, {"p1"})
    broken = replace(record("b.md", ()), doc_id="a", parties=(object(),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        registry.save(broken, {"p2"}, replaces=registry.document("a.md"))
    assert [d.source for d in registry.documents()] == ["a.md"]
    assert registry.ids_of("a.md") == {"p1"}
    assert [v.source for v in registry.versions("a")] == ["a.md"]
