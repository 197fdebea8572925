"""Numbered migrations, applied in order on open and recorded by name (the simonw/llm pattern).

Every database the product owns keeps its schema this way: the answer log (governance/migrations.py,
through SQLAlchemy, SQLite or PostgreSQL), the document registry (core/registry.py) and the
accounts (accounts/migrations.py), both plain sqlite3. Each keeps a list of migration functions,
`m001_...`, `m002_...`, frozen once written, and a table naming the ones applied; a new one is
appended at the end of its list. The caller holds the database's write transaction, so a failing
migration leaves nothing half done.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, text

# A sqlite3 connection (registry, accounts) or a SQLAlchemy connection (the log).
Db = TypeVar("Db", sqlite3.Connection, Connection)


def apply_migrations(db: Db, migrations: Sequence[Callable[[Db], None]], table: str) -> list[str]:
    """Apply, inside the caller's transaction, every migration not yet recorded in `table`;
    return the names applied."""
    _execute(
        db,
        f"CREATE TABLE IF NOT EXISTS {table} ("
        " name VARCHAR(100) NOT NULL PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)",
    )
    done = applied_migrations(db, table)
    applied = []
    for migration in migrations:
        if migration.__name__ in done:
            continue
        migration(db)
        record_migration(db, table, migration.__name__)
        applied.append(migration.__name__)
    return applied


def adopt_user_version(
    db: sqlite3.Connection, migrations: Sequence[Callable[[sqlite3.Connection], None]], table: str
) -> None:
    """A file numbered with SQLite's `PRAGMA user_version` before migrations were recorded by
    name (the accounts file): its first `user_version` migrations count as applied."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    if exists.fetchone() is not None:
        return
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    apply_migrations(db, [], table)  # creates the table
    for migration in migrations[:version]:
        record_migration(db, table, migration.__name__)


def applied_migrations(db: sqlite3.Connection | Connection, table: str) -> set[str]:
    return {row[0] for row in _execute(db, f"SELECT name FROM {table}")}


def record_migration(db: sqlite3.Connection | Connection, table: str, name: str) -> None:
    _execute(
        db,
        f"INSERT INTO {table} (name, applied_at) VALUES (:name, :at)",
        {"name": name, "at": datetime.now(UTC).isoformat()},
    )


def _execute(
    db: sqlite3.Connection | Connection, sql: str, params: dict[str, Any] | None = None
) -> Any:
    """Run one statement with named parameters on either kind of connection."""
    if isinstance(db, sqlite3.Connection):
        return db.execute(sql, params or {})
    return db.execute(text(sql), params or {})
