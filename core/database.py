"""Opening the product's databases and writing to them: one timeout, one transaction helper.

The registry and the accounts are plain sqlite3 files by default; the answer log goes through
SQLAlchemy (governance/database.py) with the same timeout. Each schema is numbered migrations
(core/migrations.py), applied inside `write_transaction` when the database is opened.

The registry and the accounts can live in PostgreSQL instead (SHARECHECK_REGISTRY_URL,
SHARECHECK_ACCOUNTS_URL), so that every app instance on every machine sees the same rows. Their
code speaks sqlite3 (`execute(sql, params)` with `?` placeholders, `fetchone()`, `rowcount`,
iteration, a write transaction around each change); `PostgresDatabase` gives it the same on a
SQLAlchemy engine, so both back ends run one set of statements. Writes take a transaction-scoped
advisory lock, one writer at a time across instances, as SQLite's BEGIN IMMEDIATE makes them on
one file; the same migrations run under that lock, with the few SQLite spellings of their DDL
given the PostgreSQL way.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from core.migrations import adopt_user_version, apply_migrations

# How long a writer waits for another writer before giving up. Writes take milliseconds, so 30 s
# only runs out when something holds the database far longer than any write ever should.
BUSY_TIMEOUT_S = 30.0
# How often a writer waiting for a PostgreSQL session lock (one ingest at a time) asks again.
SESSION_LOCK_POLL_S = 0.5


def postgres_engine(url: URL) -> Engine:
    """An engine for a PostgreSQL URL through psycopg 3, the driver we ship ("postgresql://" alone
    would ask SQLAlchemy for psycopg2), checking pooled connections before use."""
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True)


def connect_sqlite(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are taken explicitly, `write_transaction`),
    usable from any thread: Streamlit runs each rerun on its own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )


class SqliteFile:
    """One SQLite file the product owns: its connection, its writer lock, its migrations."""

    def __init__(
        self,
        path: Path,
        migrations: Sequence[Callable[[sqlite3.Connection], None]],
        migrations_table: str,
        wal: bool = False,
        numbered_by_user_version: bool = False,
    ) -> None:
        self.path = path
        self.db = connect_sqlite(path)
        if wal:
            self.db.execute("PRAGMA journal_mode=WAL")
        # One connection is shared by every thread of the app: transactions one at a time.
        self._writing = threading.RLock()
        self.migrations_table = migrations_table
        with self.write_transaction():
            if numbered_by_user_version:
                adopt_user_version(self.db, migrations, migrations_table)
            self.applied = apply_migrations(self.db, migrations, migrations_table)

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        """One transaction taking SQLite's write lock at once (BEGIN IMMEDIATE), committed on
        success and rolled back on any error."""
        with self._writing:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


class Rows:
    """A statement's result read in full, shaped like the sqlite3 cursor the callers expect."""

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)


class PostgresDatabase:
    """Tables of the product in a PostgreSQL database, spoken to in sqlite3's terms.

    `lock_key` names this database's writers for pg_advisory_xact_lock (a constant unique within
    the database); `spellings` are (SQLite, PostgreSQL) pairs replaced in the migrations' DDL;
    `variable` is the setting that named the URL, for the error when it is not PostgreSQL.
    """

    def __init__(
        self, url: str, migrations: Sequence[Callable[[sqlite3.Connection], None]], table: str,
        *, lock_key: int, spellings: Sequence[tuple[str, str]] = (), variable: str,
    ) -> None:  # fmt: skip
        self.engine = _postgres_engine_for(url, variable)
        self.lock_key = lock_key
        self._local = threading.local()
        with self.write_transaction():
            migrating = _Migrating(self, spellings)
            self.applied = apply_migrations(
                self._conn(), [migrating.run(m) for m in migrations], table
            )

    def _conn(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError("no transaction is open on this thread")
        return conn

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        """One transaction holding this database's writer lock, committed on success and rolled
        back on any error; nested calls on the same thread join the one already open."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": self.lock_key})
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Rows:
        """Run one statement written for sqlite3 (`?` placeholders) inside the open transaction,
        or in one of its own."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return _read(conn, sql, parameters)
        with self.engine.begin() as own:
            return _read(own, sql, parameters)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """sqlite3's `executemany`: one statement for each row of parameters."""
        if not rows:
            return
        statement = sql.replace("?", "%s")
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.exec_driver_sql(statement, [tuple(row) for row in rows])
            return
        with self.engine.begin() as own:
            own.exec_driver_sql(statement, [tuple(row) for row in rows])

    @contextmanager
    def session_lock(self, key: int, timeout_s: float = 0.0) -> Iterator[bool]:
        """Try PostgreSQL's session advisory lock `key` for the length of the block, on a
        connection of its own (PostgreSQL frees it if this process dies); yields whether it was
        had, trying every SESSION_LOCK_POLL_S until `timeout_s` has passed."""
        deadline = time.monotonic() + timeout_s
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            try_lock = text("SELECT pg_try_advisory_lock(:key)")
            held = bool(conn.execute(try_lock, {"key": key}).scalar())
            while not held and time.monotonic() < deadline:
                time.sleep(SESSION_LOCK_POLL_S)
                held = bool(conn.execute(try_lock, {"key": key}).scalar())
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})

    def close(self) -> None:
        self.engine.dispose()


def _postgres_engine_for(url: str, variable: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(
            f"{variable} must be a PostgreSQL URL, not {parsed.drivername!r}; "
            "leave it unset to keep these tables in a SQLite file in the data dir"
        )
    return postgres_engine(parsed)


def _read(conn: Connection, sql: str, parameters: Sequence[Any]) -> Rows:
    if parameters:
        result = conn.exec_driver_sql(sql.replace("?", "%s"), tuple(parameters))
    else:
        result = conn.exec_driver_sql(sql)
    rows = [tuple(row) for row in result] if result.returns_rows else []
    return Rows(rows, result.rowcount)


class _Migrating:
    """Runs migrations written for sqlite3 on the open PostgreSQL transaction, their DDL
    (CREATE, ALTER) spelt the PostgreSQL way."""

    def __init__(self, database: PostgresDatabase, spellings: Sequence[tuple[str, str]]) -> None:
        self.database = database
        self.spellings = spellings

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Rows:
        if sql.lstrip().upper().startswith(("CREATE", "ALTER")):
            for sqlite_spelling, postgres_spelling in self.spellings:
                sql = sql.replace(sqlite_spelling, postgres_spelling)
        return self.database.execute(sql, parameters)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.database.executemany(sql, rows)

    def run(self, migration: Callable[[sqlite3.Connection], None]) -> Callable[[Connection], None]:
        def run(conn: Connection) -> None:
            migration(self)  # type: ignore[arg-type]  # duck-typed: sqlite3's execute

        run.__name__ = migration.__name__  # recorded by name, as on SQLite
        return run
