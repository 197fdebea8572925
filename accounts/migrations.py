"""The accounts file's schema (`users.sqlite`) as numbered migrations, applied on open by the
runner in core/migrations.py and recorded by name in `account_migrations`.

A file written before the names were recorded was numbered with `PRAGMA user_version`; its first
that-many migrations count as applied. So the order here never changes: append a new migration
(`m004_...`; it may live beside the code that uses it, as m003_sessions does) at the end of MIGRATIONS.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from accounts.sessions import m003_sessions

MIGRATIONS_TABLE = "account_migrations"


def m001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE users ("
        " name TEXT PRIMARY KEY,"
        " role TEXT NOT NULL,"
        " password_hash BLOB NOT NULL,"
        " created_at TEXT NOT NULL)"
    )


def m002_sign_ins(db: sqlite3.Connection) -> None:
    """The sign-in record and the lockouts (accounts/sign_ins.py)."""
    db.execute(
        "CREATE TABLE sign_ins ("
        " id INTEGER PRIMARY KEY,"
        " at TEXT NOT NULL,"
        " name TEXT NOT NULL,"
        " address TEXT,"
        " outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'locked')),"
        " method TEXT NOT NULL DEFAULT 'password')"
    )
    db.execute("CREATE INDEX sign_ins_by_name ON sign_ins (name, at)")
    db.execute("CREATE INDEX sign_ins_by_address ON sign_ins (address, at)")
    db.execute(
        "CREATE TABLE lockouts ("
        " id INTEGER PRIMARY KEY,"
        " kind TEXT NOT NULL CHECK (kind IN ('account', 'address')),"
        " key TEXT NOT NULL,"
        " since TEXT NOT NULL,"
        " until TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX lockouts_by_key ON lockouts (kind, key, until)")


# Append new migrations at the end; never reorder or change one that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_sign_ins,
    m003_sessions,
]
