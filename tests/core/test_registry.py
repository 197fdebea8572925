"""The document registry in SQLite: numbered migrations, in-place upgrade of an older file.
What it does on either back end is in test_registry_contract.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.registry import (
    _M001_SCHEMA,
    MIGRATIONS,
    MIGRATIONS_TABLE,
    Registry,
    derived_id,
    m001_initial,
    m002_document_laws,
)


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
