"""The document registry: numbered migrations, in-place upgrade, the laws kept per document."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.registry import _M001_SCHEMA, MIGRATIONS, MIGRATIONS_TABLE, DocumentRecord, Registry


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
    assert registry.previous_hashes("isa.md") == ["h0"]
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
    assert registry.document("b.md") == record("b.md", ("crime and disorder act", "data protection act"))
    registry.save(record("c.md", None), {"p3"})
    assert registry.known_laws() is None
