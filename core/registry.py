"""Which documents are in the store, at which hash, which passages each one holds, and what
each document is known to say (the laws it names): one SQLite file, its schema as numbered
migrations (core/migrations.py)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.database import SqliteFile

# The schema as it was before migrations were numbered: `IF NOT EXISTS` throughout, so a registry
# written by that code takes m001 as already done and keeps every row.
_M001_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    doc_hash TEXT NOT NULL,
    meta_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    effective_date TEXT NOT NULL DEFAULT '',
    review_date TEXT NOT NULL DEFAULT '',
    parties TEXT NOT NULL DEFAULT '[]',
    passages INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refs (
    passage_id TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (passage_id, source)
);
CREATE INDEX IF NOT EXISTS refs_source ON refs(source);
CREATE TABLE IF NOT EXISTS history (
    source TEXT NOT NULL,
    doc_hash TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    source TEXT PRIMARY KEY,
    shingles BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS approved_passages (
    passage_id TEXT PRIMARY KEY,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duplicates (
    source TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    meta_hash TEXT NOT NULL,
    duplicate_of TEXT NOT NULL,
    similarity REAL NOT NULL,
    noted_at TEXT NOT NULL
);
"""


def m001_initial(db: sqlite3.Connection) -> None:
    for statement in _M001_SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def m002_document_laws(db: sqlite3.Connection) -> None:
    """The laws each document names (core/laws.py), as a JSON list; NULL until collected, which
    the next ingest does from the document's stored passages."""
    db.execute("ALTER TABLE documents ADD COLUMN laws TEXT")


# Append new migrations at the end; never change one that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_document_laws]
MIGRATIONS_TABLE = "registry_migrations"
_DOCUMENT_COLUMNS = (
    "source, root, doc_hash, meta_hash, title, kind, version, effective_date, review_date,"
    " parties, passages, ingested_at, laws"
)


@dataclass(frozen=True)
class DocumentRecord:
    """One ingested document as the Library page and the answer log see it."""

    source: str
    root: str
    doc_hash: str
    meta_hash: str
    title: str
    kind: str
    version: str
    effective_date: str
    review_date: str
    parties: tuple[str, ...]
    passages: int
    ingested_at: str
    # The laws the document names, lower case (core/laws.py); None until they are collected.
    laws: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DuplicateRecord:
    """A file not stored because it repeats a stored document in another format."""

    source: str
    root: str
    meta_hash: str
    duplicate_of: str
    similarity: float
    noted_at: str


class Registry:
    """The ingest bookkeeping beside the vector store; one transaction per document change."""

    def __init__(self, path: Path) -> None:
        # Different processes write through the ingest writer lock (ingest/lock.py).
        self.file = SqliteFile(path, MIGRATIONS, MIGRATIONS_TABLE, wal=True)
        self.db = self.file.db
        self._transaction = self.file.write_transaction

    def close(self) -> None:
        self.file.close()

    def documents(self) -> list[DocumentRecord]:
        rows = self.db.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents ORDER BY source")
        return [
            DocumentRecord(
                source=r[0], root=r[1], doc_hash=r[2], meta_hash=r[3], title=r[4], kind=r[5],
                version=r[6], effective_date=r[7], review_date=r[8],
                parties=tuple(json.loads(r[9])), passages=r[10], ingested_at=r[11],
                laws=None if r[12] is None else tuple(json.loads(r[12])),
            )  # fmt: skip
            for r in rows.fetchall()
        ]

    def known_laws(self) -> frozenset[str] | None:
        """The laws the stored documents name; None while any document's are not collected."""
        named: set[str] = set()
        for (laws,) in self.db.execute("SELECT laws FROM documents"):
            if laws is None:
                return None
            named.update(json.loads(laws))
        return frozenset(named)

    def set_laws(self, source: str, laws: Iterable[str]) -> None:
        """Record the laws a stored document names (collected for a row written before laws were)."""
        with self._transaction():
            self.db.execute(
                "UPDATE documents SET laws = ? WHERE source = ?", (_laws_json(laws), source)
            )

    def document(self, source: str) -> DocumentRecord | None:
        return next((d for d in self.documents() if d.source == source), None)

    def referenced_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT DISTINCT passage_id FROM refs")}

    def ids_of(self, source: str) -> set[str]:
        rows = self.db.execute("SELECT passage_id FROM refs WHERE source = ?", (source,))
        return {r[0] for r in rows}

    def sources_of(self, passage_ids: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for pid in passage_ids:
            rows = self.db.execute(
                "SELECT source FROM refs WHERE passage_id = ? ORDER BY source", (pid,)
            )
            found[pid] = [r[0] for r in rows]
        return found

    def save(
        self, record: DocumentRecord, passage_ids: set[str], fingerprint: bytes | None = None
    ) -> None:
        """Replace one document's row, passage references and text fingerprint in a single
        transaction; a file once recorded as a duplicate is one no longer."""
        with self._transaction():
            self.db.execute("DELETE FROM duplicates WHERE source = ?", (record.source,))
            if fingerprint is not None:
                self._save_fingerprint(record.source, fingerprint)
            old = self.db.execute(
                "SELECT doc_hash FROM documents WHERE source = ?", (record.source,)
            ).fetchone()
            if old and old[0] != record.doc_hash:
                self.db.execute(
                    "INSERT INTO history VALUES (?, ?, ?)", (record.source, old[0], _now())
                )
            self.db.execute("DELETE FROM refs WHERE source = ?", (record.source,))
            self.db.executemany(
                "INSERT INTO refs VALUES (?, ?)", [(pid, record.source) for pid in passage_ids]
            )
            self.db.execute(
                f"INSERT OR REPLACE INTO documents ({_DOCUMENT_COLUMNS})"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.source, record.root, record.doc_hash, record.meta_hash,
                    record.title, record.kind, record.version, record.effective_date,
                    record.review_date, json.dumps(list(record.parties)), record.passages,
                    record.ingested_at, None if record.laws is None else _laws_json(record.laws),
                ),
            )  # fmt: skip

    def remove(self, source: str) -> None:
        """Forget a file that has gone: its document or duplicate row, references, fingerprint."""
        with self._transaction():
            for table in ("refs", "documents", "duplicates", "fingerprints"):
                self.db.execute(f"DELETE FROM {table} WHERE source = ?", (source,))

    def approve(self, passage_id: str, approved_by: str) -> None:
        """An admin read a passage held back as an instruction and says it is ordinary text."""
        with self._transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO approved_passages VALUES (?, ?, ?)",
                (passage_id, approved_by, _now()),
            )

    def approved(self, passage_ids: Iterable[str]) -> set[str]:
        """Which of these passages an admin has approved (kept across re-ingests)."""
        ids = list(passage_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self.db.execute(
                f"SELECT passage_id FROM approved_passages WHERE passage_id IN ({marks})", batch
            )
            found |= {row[0] for row in rows}
        return found

    def save_duplicate(self, record: DuplicateRecord, fingerprint: bytes | None = None) -> None:
        """Record a file as a duplicate in one transaction; if it was a document, its row and
        passage references go (the caller drops the passages nobody references any more)."""
        with self._transaction():
            self.db.execute("DELETE FROM refs WHERE source = ?", (record.source,))
            self.db.execute("DELETE FROM documents WHERE source = ?", (record.source,))
            self.db.execute(
                "INSERT OR REPLACE INTO duplicates VALUES (?,?,?,?,?,?)",
                (
                    record.source, record.root, record.meta_hash, record.duplicate_of,
                    record.similarity, record.noted_at,
                ),
            )  # fmt: skip
            if fingerprint is not None:
                self._save_fingerprint(record.source, fingerprint)

    def duplicates(self) -> list[DuplicateRecord]:
        rows = self.db.execute(
            "SELECT source, root, meta_hash, duplicate_of, similarity, noted_at FROM duplicates"
            " ORDER BY source"
        ).fetchall()
        return [DuplicateRecord(*row) for row in rows]

    def duplicate(self, source: str) -> DuplicateRecord | None:
        return next((d for d in self.duplicates() if d.source == source), None)

    def fingerprint(self, source: str) -> bytes | None:
        row = self.db.execute(
            "SELECT shingles FROM fingerprints WHERE source = ?", (source,)
        ).fetchone()
        return bytes(row[0]) if row else None

    def fingerprinted(self) -> set[str]:
        """Files whose text fingerprint is stored (documents and duplicates)."""
        return {r[0] for r in self.db.execute("SELECT source FROM fingerprints")}

    def _save_fingerprint(self, source: str, fingerprint: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO fingerprints VALUES (?, ?)", (source, fingerprint))

    def forget_hash(self, source: str) -> None:
        """Make the next ingest re-read this document (used by repair)."""
        self.db.execute("UPDATE documents SET meta_hash = '' WHERE source = ?", (source,))

    def clear(self) -> None:
        with self._transaction():
            for table in ("refs", "documents", "duplicates", "fingerprints"):
                self.db.execute(f"DELETE FROM {table}")

    def previous_hashes(self, source: str) -> list[str]:
        rows = self.db.execute(
            "SELECT doc_hash FROM history WHERE source = ? ORDER BY replaced_at", (source,)
        )
        return [r[0] for r in rows]

    def corpus_version(self) -> str:
        """A hash over every document's hash: names the corpus an answer was given from."""
        hashes = sorted(f"{d.source}:{d.doc_hash}" for d in self.documents())
        return hashlib.sha256("\n".join(hashes).encode()).hexdigest()[:16]


def _laws_json(laws: Iterable[str]) -> str:
    return json.dumps(sorted(set(laws)))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
