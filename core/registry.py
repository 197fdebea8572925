"""Which documents are in the store, at which hash, which passages each one holds, and what
each document is known to say (the laws it names): one SQLite file in the data dir, or tables in
PostgreSQL (SHARECHECK_REGISTRY_URL) that every app instance shares; its schema as numbered
migrations (core/migrations.py), the same on both.

A document has an identity (`doc_id`) apart from its file's name and folder: the manifest's `id`,
else derived from the file name when first stored. Each file that has been a document's current
text is one of its versions (`versions` table): the current one, or one since replaced or removed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from core.database import PostgresDatabase, SqliteFile
from core.settings import Settings

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


_M003_SCHEMA = """
ALTER TABLE documents ADD COLUMN doc_id TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN uploaded_by TEXT NOT NULL DEFAULT '';
CREATE TABLE versions (
    doc_id TEXT NOT NULL,
    root TEXT NOT NULL,
    source TEXT NOT NULL,
    doc_hash TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    effective_date TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    ended TEXT NOT NULL DEFAULT '',
    ended_at TEXT,
    UNIQUE (doc_id, root, source, doc_hash)
);
CREATE UNIQUE INDEX versions_current ON versions(doc_id) WHERE ended = '';
CREATE INDEX versions_location ON versions(root, source)
"""


def m003_document_versions(db: sqlite3.Connection) -> None:
    """Each document gets an identity apart from its file name and a list of versions. A stored
    document's id is derived from its file name; its earlier hashes (the old `history` table,
    which could list one hash many times, and the current one too) become replaced versions,
    once each, folder unknown."""
    for statement in _M003_SCHEMA.split(";"):
        db.execute(statement)
    taken: set[str] = set()
    rows = db.execute(
        "SELECT source, root, doc_hash, title, version, effective_date, ingested_at"
        " FROM documents ORDER BY source"
    ).fetchall()
    for source, root, doc_hash, title, version, effective, ingested_at in rows:
        doc_id = derived_id(source, taken)
        taken.add(doc_id)
        db.execute("UPDATE documents SET doc_id = ? WHERE source = ?", (doc_id, source))
        db.execute(
            "INSERT INTO versions (doc_id, root, source, doc_hash, title, version,"
            " effective_date, added_at) VALUES (?,?,?,?,?,?,?,?)",
            (doc_id, root, source, doc_hash, title, version, effective, ingested_at),
        )
        db.execute(
            "INSERT INTO versions (doc_id, root, source, doc_hash, added_at, ended, ended_at)"
            " SELECT ?, '', source, doc_hash, '', 'replaced', MAX(replaced_at) FROM history"
            " WHERE source = ? AND doc_hash != ? GROUP BY doc_hash",
            (doc_id, source, doc_hash),
        )
    db.execute("DROP TABLE history")
    db.execute("CREATE UNIQUE INDEX documents_doc_id ON documents(doc_id)")


def m004_ingest_holder(db: sqlite3.Connection) -> None:
    """Who is ingesting, for the others to be told (ingest/lock.py; used when the registry is
    shared in PostgreSQL, where the lock itself is an advisory lock)."""
    db.execute(
        "CREATE TABLE ingest_holder (lock TEXT PRIMARY KEY, host TEXT NOT NULL,"
        " pid INTEGER NOT NULL, since TEXT NOT NULL)"
    )


def m005_upload_files(db: sqlite3.Connection) -> None:
    """Files uploaded in the app, kept in the registry's database when it is shared
    (SHARECHECK_REGISTRY_URL), so each instance can restore its uploads folder from here: the
    bytes and the manifest entry. A removed upload keeps its row without bytes (`removed_at`
    set), which tells the other instances to delete their copy."""
    db.execute(
        "CREATE TABLE upload_files (name TEXT PRIMARY KEY, content BLOB, sha256 TEXT NOT NULL,"
        " size INTEGER NOT NULL, entry TEXT, uploaded_by TEXT NOT NULL DEFAULT '',"
        " stored_at TEXT NOT NULL, removed_by TEXT, removed_at TEXT)"
    )


# Append new migrations at the end; never change one that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial, m002_document_laws, m003_document_versions, m004_ingest_holder,
    m005_upload_files,
]  # fmt: skip
MIGRATIONS_TABLE = "registry_migrations"
# pg_advisory_xact_lock key for the registry's writers: any constant unique within the database
# (the answer log's is 0x5368617265, the accounts' 0x5573657273).
PG_REGISTRY_LOCK_KEY = 0x5265676973  # "Regis"
# SQLite's spelling -> PostgreSQL's in the migrations' DDL: bytes (text fingerprints, uploads), a
# similarity in double precision (REAL is 4 bytes in PostgreSQL, 8 in SQLite), and the row number
# SQLite gives every row (`rowid`), which orders versions that ended in the same second.
PG_SPELLINGS = (
    ("shingles BLOB", "shingles BYTEA"),
    ("content BLOB", "content BYTEA"),
    ("similarity REAL", "similarity DOUBLE PRECISION"),
    (
        "CREATE TABLE versions (",
        "CREATE TABLE versions (\n    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY,",
    ),
)
_DOCUMENT_COLUMNS = (
    "source, root, doc_hash, meta_hash, title, kind, version, effective_date, review_date,"
    " parties, passages, ingested_at, laws, doc_id, uploaded_by"
)
_VERSION_COLUMNS = (
    "doc_id, root, source, doc_hash, title, version, effective_date, uploaded_by, added_at,"
    " ended, ended_at"
)
# A document id: what a manifest's `id` may be, and what one derived from a file name is.
DOC_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def derived_id(source: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """An id for a document from its file name ('Police ISA v2.pdf' -> 'police-isa-v2'),
    numbered when another document has it ('police-isa-2')."""
    stem = PurePosixPath(source).stem.lower()
    base = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:70] or "document"
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found


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
    doc_id: str = ""  # the document's identity across versions; derived on saving when ""
    uploaded_by: str = ""  # who uploaded this version in the app; "" for a folder's file


@dataclass(frozen=True)
class VersionRecord:
    """One file that has been a document's current text: current, or since replaced or removed."""

    doc_id: str
    root: str  # "" when not known (replaced before versions were kept)
    source: str
    doc_hash: str
    title: str
    version: str
    effective_date: str
    uploaded_by: str
    added_at: str  # when it became current; "" when not known
    ended: str  # "" while current, else "replaced" or "removed"
    ended_at: str | None

    @property
    def current(self) -> bool:
        return not self.ended


@dataclass(frozen=True)
class IngestHolder:
    """The process holding the ingest lock: on which machine, which PID, since when (UTC)."""

    host: str
    pid: int
    since: str


@dataclass(frozen=True)
class StoredUpload:
    """A file uploaded in the app as the shared registry keeps it (its bytes read apart)."""

    name: str  # the file's name in the uploads folder
    sha256: str
    size: int
    entry: dict[str, Any] | None  # its row in the uploads folder's manifest, if it has one
    uploaded_by: str
    stored_at: str
    removed_at: str | None = None  # set when an admin removed it: its bytes are gone

    @property
    def held(self) -> bool:
        """Are the file's bytes in the registry?"""
        return self.removed_at is None


@dataclass(frozen=True)
class DuplicateRecord:
    """A file not stored because it repeats a stored document in another format."""

    source: str
    root: str
    meta_hash: str
    duplicate_of: str
    similarity: float
    noted_at: str


class RegistryDb(Protocol):
    """What the registry needs of its database: sqlite3's `execute` and `executemany`."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], /) -> Any: ...


class Registry:
    """The ingest bookkeeping beside the vector store; one transaction per document change.

    Its statements are written once for both back ends: no SQLite-only SQL (INSERT OR REPLACE
    is a DELETE then INSERT, or ON CONFLICT ... DO UPDATE, which both take)."""

    def __init__(self, path: Path, url: str | None = None) -> None:
        """The registry in the SQLite file at `path`, or in the PostgreSQL database at `url`."""
        # Different processes write through the ingest lock (ingest/lock.py).
        self.file: SqliteFile | PostgresDatabase
        self.db: RegistryDb
        if url:
            self.file = self.db = PostgresDatabase(
                url, MIGRATIONS, MIGRATIONS_TABLE, lock_key=PG_REGISTRY_LOCK_KEY,
                spellings=PG_SPELLINGS, variable="SHARECHECK_REGISTRY_URL",
            )  # fmt: skip
        else:
            self.file = SqliteFile(path, MIGRATIONS, MIGRATIONS_TABLE, wal=True)
            self.db = self.file.db
        self._transaction = self.file.write_transaction

    @classmethod
    def open(cls, settings: Settings) -> Registry:
        """The registry the settings name: SHARECHECK_REGISTRY_URL, else the data dir's file."""
        return cls(settings.registry_path, settings.registry_url)

    def close(self) -> None:
        self.file.close()

    def documents(self) -> list[DocumentRecord]:
        rows = self.db.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents ORDER BY source")
        return [
            DocumentRecord(
                source=r[0], root=r[1], doc_hash=r[2], meta_hash=r[3], title=r[4], kind=r[5],
                version=r[6], effective_date=r[7], review_date=r[8],
                parties=tuple(json.loads(r[9])), passages=r[10], ingested_at=r[11],
                laws=None if r[12] is None else tuple(json.loads(r[12])), doc_id=r[13],
                uploaded_by=r[14],
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
        self,
        record: DocumentRecord,
        passage_ids: set[str],
        fingerprint: bytes | None = None,
        replaces: DocumentRecord | None = None,
    ) -> None:
        """Replace one document's row, passage references and text fingerprint in a single
        transaction, and record it as its document's current version; `replaces` is the stored
        version (under another file name) it takes the place of, which leaves the store in the
        same transaction. A file once recorded as a duplicate is one no longer."""
        with self._transaction():
            if replaces is not None and replaces.source != record.source:
                for table in ("refs", "documents", "fingerprints"):
                    self.db.execute(f"DELETE FROM {table} WHERE source = ?", (replaces.source,))
            self.db.execute("DELETE FROM duplicates WHERE source = ?", (record.source,))
            if fingerprint is not None:
                self._save_fingerprint(record.source, fingerprint)
            record = self._identified(record)
            self.db.execute("DELETE FROM refs WHERE source = ?", (record.source,))
            self.db.executemany(
                "INSERT INTO refs VALUES (?, ?)", [(pid, record.source) for pid in passage_ids]
            )
            # What SQLite's INSERT OR REPLACE did: any row holding this file or this id goes.
            self.db.execute(
                "DELETE FROM documents WHERE source = ? OR doc_id = ?",
                (record.source, record.doc_id),
            )
            self.db.execute(
                f"INSERT INTO documents ({_DOCUMENT_COLUMNS})"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.source, record.root, record.doc_hash, record.meta_hash,
                    record.title, record.kind, record.version, record.effective_date,
                    record.review_date, json.dumps(list(record.parties)), record.passages,
                    record.ingested_at, None if record.laws is None else _laws_json(record.laws),
                    record.doc_id, record.uploaded_by,
                ),
            )  # fmt: skip
            self._record_version(record)

    def _identified(self, record: DocumentRecord) -> DocumentRecord:
        """The record with its id (derived when it has none); a file stored before under another
        id takes its versions along, or ends that id's current version if the id is in use."""
        old = self.db.execute(
            "SELECT doc_id FROM documents WHERE source = ?", (record.source,)
        ).fetchone()
        doc_id = record.doc_id or (old[0] if old else "") or derived_id(
            record.source, self.doc_ids()
        )
        if old and old[0] and old[0] != doc_id:
            if doc_id in self.doc_ids():
                self._end_current(old[0], "removed")
            else:
                self.db.execute("UPDATE versions SET doc_id = ? WHERE doc_id = ?", (doc_id, old[0]))
        return replace(record, doc_id=doc_id)

    def _record_version(self, record: DocumentRecord) -> None:
        """The document's current version is this file: the same text stays one version (its
        folder, name and details updated), other text ends the version before it."""
        current = self.current_version(record.doc_id)
        if current is not None and current.doc_hash != record.doc_hash:
            self._end_current(record.doc_id, "replaced")
        self.db.execute(
            "DELETE FROM versions WHERE doc_id = ? AND ended != '' AND doc_hash = ?"
            " AND root = ? AND source = ?",
            (record.doc_id, record.doc_hash, record.root, record.source),
        )
        if current is not None and current.doc_hash == record.doc_hash:
            self.db.execute(
                "UPDATE versions SET root = ?, source = ?, title = ?, version = ?,"
                " effective_date = ?, uploaded_by = ? WHERE doc_id = ? AND ended = ''",
                (
                    record.root, record.source, record.title, record.version,
                    record.effective_date, record.uploaded_by, record.doc_id,
                ),
            )  # fmt: skip
            return
        self.db.execute(
            f"INSERT INTO versions ({_VERSION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,'',NULL)",
            (
                record.doc_id, record.root, record.source, record.doc_hash, record.title,
                record.version, record.effective_date, record.uploaded_by, _now(),
            ),
        )  # fmt: skip

    def _end_current(self, doc_id: str, how: str) -> None:
        self.db.execute(
            "UPDATE versions SET ended = ?, ended_at = ? WHERE doc_id = ? AND ended = ''",
            (how, _now(), doc_id),
        )

    def remove(self, source: str) -> None:
        """Forget a file that has gone: its document or duplicate row, references, fingerprint;
        the document's version ends as removed (an earlier version is not brought back)."""
        with self._transaction():
            self._end_version_of(source)
            for table in ("refs", "documents", "duplicates", "fingerprints"):
                self.db.execute(f"DELETE FROM {table} WHERE source = ?", (source,))

    def _end_version_of(self, source: str) -> None:
        row = self.db.execute("SELECT doc_id FROM documents WHERE source = ?", (source,)).fetchone()
        if row is not None:
            self._end_current(row[0], "removed")

    # -- versions ---------------------------------------------------------------------------
    def doc_ids(self) -> set[str]:
        """Every document id in use, of stored documents and of earlier versions."""
        found = {r[0] for r in self.db.execute("SELECT doc_id FROM versions")}
        return found | {r[0] for r in self.db.execute("SELECT doc_id FROM documents")}

    def document_by_id(self, doc_id: str) -> DocumentRecord | None:
        return next((d for d in self.documents() if d.doc_id == doc_id), None)

    def versions(self, doc_id: str) -> list[VersionRecord]:
        """A document's versions, the current one first, then the latest ended first."""
        return self._versions(
            "WHERE doc_id = ? ORDER BY ended != '', COALESCE(ended_at, '') DESC, rowid DESC",
            (doc_id,),
        )

    def all_versions(self) -> list[VersionRecord]:
        """Every document's versions, by document, each one's current version first."""
        return self._versions(
            "ORDER BY doc_id, ended != '', COALESCE(ended_at, '') DESC, rowid DESC", ()
        )

    def current_version(self, doc_id: str) -> VersionRecord | None:
        found = self._versions("WHERE doc_id = ? AND ended = ''", (doc_id,))
        return found[0] if found else None

    def latest_at(self, root: str, source: str) -> VersionRecord | None:
        """The latest version held by the file at this place (folder and name), if any was."""
        found = self._versions(
            "WHERE root = ? AND source = ? ORDER BY ended != '', COALESCE(ended_at, '') DESC, rowid DESC",
            (root, source),
        )
        return found[0] if found else None

    def replaced_versions(self, doc_id: str) -> list[VersionRecord]:
        """A document's versions since replaced, one per file name and text (never the current
        text), latest first: what answers may have cited before."""
        current = self.current_version(doc_id)
        rows = self._versions(
            "WHERE doc_id = ? AND ended = 'replaced' AND doc_hash != ?"
            " ORDER BY COALESCE(ended_at, '') DESC, rowid DESC",
            (doc_id, current.doc_hash if current else ""),
        )
        once: dict[tuple[str, str], VersionRecord] = {}
        for version in rows:
            once.setdefault((version.source, version.doc_hash), version)
        return list(once.values())

    def note_replaced(self, version: VersionRecord) -> None:
        """Record a file as an earlier version of a document without storing it (found beside a
        newer version of the same document), so it is never made current later."""
        with self._transaction():
            self.db.execute(
                f"INSERT INTO versions ({_VERSION_COLUMNS})"
                " VALUES (?,?,?,?,?,?,?,?,?,'replaced',?) ON CONFLICT DO NOTHING",
                (
                    version.doc_id, version.root, version.source, version.doc_hash,
                    version.title, version.version, version.effective_date, version.uploaded_by,
                    version.added_at, _now(),
                ),
            )  # fmt: skip

    def _versions(self, where: str, params: tuple[str, ...]) -> list[VersionRecord]:
        rows = self.db.execute(f"SELECT {_VERSION_COLUMNS} FROM versions {where}", params)
        return [VersionRecord(*row) for row in rows.fetchall()]

    def approve(self, passage_id: str, approved_by: str) -> None:
        """An admin read a passage held back as an instruction and says it is ordinary text."""
        with self._transaction():
            self.db.execute(
                _upsert("approved_passages", ("passage_id", "approved_by", "approved_at")),
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
            self._end_version_of(record.source)
            self.db.execute("DELETE FROM refs WHERE source = ?", (record.source,))
            self.db.execute("DELETE FROM documents WHERE source = ?", (record.source,))
            self.db.execute(
                _upsert(
                    "duplicates",
                    ("source", "root", "meta_hash", "duplicate_of", "similarity", "noted_at"),
                ),
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
        self.db.execute(_upsert("fingerprints", ("source", "shingles")), (source, fingerprint))

    def mark_read(self, source: str, meta_hash: str) -> None:
        """A document saved as not yet read (meta_hash "") is written in full."""
        with self._transaction():
            self.db.execute(
                "UPDATE documents SET meta_hash = ? WHERE source = ?", (meta_hash, source)
            )

    def forget_hash(self, source: str) -> None:
        """Make the next ingest re-read this document (used by repair)."""
        self.db.execute("UPDATE documents SET meta_hash = '' WHERE source = ?", (source,))

    def clear(self) -> None:
        """Forget every stored document (a rebuild); the versions stay, so a rebuild brings back
        no version since replaced."""
        with self._transaction():
            for table in ("refs", "documents", "duplicates", "fingerprints"):
                self.db.execute(f"DELETE FROM {table}")

    # -- uploaded files (kept here when the registry is shared) -------------------------------
    def keep_upload(
        self, name: str, content: bytes, entry: dict[str, Any] | None, uploaded_by: str
    ) -> StoredUpload:
        """Keep an uploaded file's bytes and manifest entry in one statement, replacing any
        file of that name (a new version, or one removed before)."""
        kept = StoredUpload(
            name, hashlib.sha256(content).hexdigest(), len(content), entry, uploaded_by, _now()
        )
        columns = (
            "name", "content", "sha256", "size", "entry", "uploaded_by", "stored_at",
            "removed_by", "removed_at",
        )  # fmt: skip
        with self._transaction():
            self.db.execute(
                _upsert("upload_files", columns),
                (
                    name, content, kept.sha256, kept.size,
                    None if entry is None else json.dumps(entry), uploaded_by, kept.stored_at,
                    None, None,
                ),
            )  # fmt: skip
        return kept

    def uploads(self) -> list[StoredUpload]:
        """Every uploaded file the registry knows, held or removed, by name (without bytes)."""
        rows = self.db.execute(
            "SELECT name, sha256, size, entry, uploaded_by, stored_at, removed_at"
            " FROM upload_files ORDER BY name"
        )
        return [
            StoredUpload(r[0], r[1], r[2], None if r[3] is None else json.loads(r[3]), *r[4:])
            for r in rows.fetchall()
        ]

    def upload_content(self, name: str) -> bytes | None:
        """An uploaded file's bytes; None when the registry does not hold them."""
        row = self.db.execute(
            "SELECT content FROM upload_files WHERE name = ? AND removed_at IS NULL", (name,)
        ).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def remove_upload(self, name: str, removed_by: str) -> None:
        """An admin removed an uploaded file: its bytes and entry go, its row stays as the sign
        for other instances to delete their copy."""
        with self._transaction():
            self.db.execute(
                "UPDATE upload_files SET content = NULL, entry = NULL, removed_by = ?,"
                " removed_at = ? WHERE name = ? AND removed_at IS NULL",
                (removed_by, _now(), name),
            )

    # -- who is ingesting ---------------------------------------------------------------------
    def note_ingest_holder(self, holder: IngestHolder) -> None:
        with self._transaction():
            self.db.execute(
                _upsert("ingest_holder", ("lock", "host", "pid", "since")),
                ("ingest", holder.host, holder.pid, holder.since),
            )

    def ingest_holder(self) -> IngestHolder | None:
        row = self.db.execute(
            "SELECT host, pid, since FROM ingest_holder WHERE lock = 'ingest'"
        ).fetchone()
        return IngestHolder(*row) if row else None

    def forget_ingest_holder(self, holder: IngestHolder) -> None:
        """The holder's row goes when it lets go (one left by a killed process is replaced)."""
        with self._transaction():
            self.db.execute(
                "DELETE FROM ingest_holder WHERE lock = 'ingest' AND host = ? AND pid = ?",
                (holder.host, holder.pid),
            )

    def corpus_version(self) -> str:
        """A hash over every document's hash: names the corpus an answer was given from."""
        hashes = sorted(f"{d.source}:{d.doc_hash}" for d in self.documents())
        return hashlib.sha256("\n".join(hashes).encode()).hexdigest()[:16]


def _upsert(table: str, columns: tuple[str, ...]) -> str:
    """An INSERT replacing the row with the same key (the first column), in the spelling SQLite
    and PostgreSQL share."""
    key, *rest = columns
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{column} = excluded.{column}" for column in rest)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        f" ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )


def _laws_json(laws: Iterable[str]) -> str:
    return json.dumps(sorted(set(laws)))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
