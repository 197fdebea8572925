"""Engines for the answer log: SQLite (WAL, busy timeout) by default, PostgreSQL by URL.

Writes go through `write_transaction`, which serialises every append to the hash chain:
`BEGIN IMMEDIATE` on SQLite, a transaction-scoped advisory lock on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from core.database import BUSY_TIMEOUT_S, postgres_engine

# Key for pg_advisory_xact_lock: any constant unique to this log within the database.
PG_CHAIN_LOCK_KEY = 0x5368617265  # "Share"


def create_log_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite set up for concurrent writers (WAL, busy timeout)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return postgres_engine(parsed)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # pysqlite's own transaction handling would defer BEGIN; take control so that writers can
    # say BEGIN IMMEDIATE (SQLAlchemy's documented recipe for SQLite transactions).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("sharecheck_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the log's single-writer lock, committed on success."""
    with engine.connect().execution_options(sharecheck_write=True) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_CHAIN_LOCK_KEY})
        yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One consistent read (a snapshot on SQLite WAL and PostgreSQL), never taking the lock."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn
