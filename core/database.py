"""Opening the product's SQLite files and writing to them: one timeout, one transaction helper.

The registry and the accounts are plain sqlite3 files; the answer log goes through SQLAlchemy
(governance/database.py) with the same timeout. Each schema is numbered migrations
(core/migrations.py), applied inside `write_transaction` when the file is opened.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine

from core.migrations import adopt_user_version, apply_migrations

# How long a writer waits for another writer before giving up. Writes take milliseconds, so 30 s
# only runs out when something holds the database far longer than any write ever should.
BUSY_TIMEOUT_S = 30.0


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
