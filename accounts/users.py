"""Local accounts: names, roles and bcrypt password hashes in `users.sqlite` under the data dir,
or in PostgreSQL when SHARECHECK_ACCOUNTS_URL names one (accounts/database.py), shared by every
app instance.

Passwords are never stored or logged, only their bcrypt hashes. Every sign-in attempt is recorded
beside the accounts, and too many failures lock the name or address (accounts/sign_ins.py). The
schema is numbered migrations applied on open (accounts/migrations.py, the simonw/llm pattern).
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, cast

import bcrypt
from sqlalchemy.exc import IntegrityError

from accounts.database import AccountsDb, PostgresAccounts
from accounts.migrations import MIGRATIONS, MIGRATIONS_TABLE
from accounts.passwords import MAX_PASSWORD_BYTES, check_password
from accounts.sessions import SessionLog, SessionPolicy
from accounts.sign_ins import Clock, Method, SignInLog, ThrottlePolicy, utc_now
from core.database import SqliteFile
from core.errors import ShareCheckError
from core.settings import Settings

Role = Literal["staff", "trainer", "governance", "admin"]
ROLES: tuple[Role, ...] = ("staff", "trainer", "governance", "admin")
# Letters, digits and . _ @ - so that an e-mail address (as an Entra ID sign-in) is a valid name.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
# Work factor 12 takes about a quarter of a second per check on a laptop: slow for guessing.
DEFAULT_ROUNDS = 12


class UserError(ShareCheckError):
    """An account could not be added, changed or found."""


class UserExists(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(f"an account called {name!r} already exists; pick another name")


class UnknownUser(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no account is called {name!r}; `python -m assistant users list` shows them")


@dataclass(frozen=True)
class User:
    """An account as the app sees it: never the password hash."""

    name: str
    role: Role
    created_at: str


@dataclass(frozen=True)
class SignInResult:
    """The account signed in, or none; `locked_until` says when a locked name or address may
    try again (set whether or not the name belongs to an account)."""

    user: User | None
    locked_until: datetime | None = None


def normalise_name(name: str) -> str:
    """Names are case-insensitive: 'Alice' and 'alice' are one account."""
    return name.strip().lower()


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return cast(Role, role)


def random_password() -> str:
    """A password to hand out once: 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


class UserStore:
    """The accounts in one SQLite file; every change is its own transaction.

    One store is shared by every session of the app, so transactions are taken one at a time.
    """

    def __init__(
        self, path: Path, rounds: int = DEFAULT_ROUNDS,
        policy: ThrottlePolicy | None = None, clock: Clock = utc_now,
        session_policy: SessionPolicy | None = None, url: str | None = None,
    ) -> None:  # fmt: skip
        """Accounts in the SQLite file at `path`, or in the PostgreSQL database at `url`."""
        self.path = path
        self.url = url
        self.rounds = rounds
        self.file: SqliteFile | PostgresAccounts
        self.db: AccountsDb
        if url:
            self.file = self.db = PostgresAccounts(url, MIGRATIONS, MIGRATIONS_TABLE)
        else:
            self.file = SqliteFile(path, MIGRATIONS, MIGRATIONS_TABLE, numbered_by_user_version=True)
            self.db = self.file.db
        self._transaction = self.file.write_transaction
        self._decoy: bytes | None = None
        self.sign_ins = SignInLog(self.db, self._transaction, policy, clock)
        self.sessions = SessionLog(self.db, self._transaction, session_policy, clock)

    @classmethod
    def open(
        cls, settings: Settings, rounds: int = DEFAULT_ROUNDS,
        policy: ThrottlePolicy | None = None, clock: Clock = utc_now,
    ) -> UserStore:  # fmt: skip
        return cls(
            users_path(settings), rounds, policy, clock, session_policy(settings),
            url=settings.accounts_url,
        )  # fmt: skip

    def close(self) -> None:
        self.file.close()

    def add(self, name: str, role: str, password: str) -> User:
        """Create an account; raise UserExists, or ValueError for a bad name, role or password."""
        name = normalise_name(name)
        if not NAME_PATTERN.match(name):
            raise ValueError(
                f"{name!r} is not a valid account name: use letters, digits and . _ @ - "
                "(at most 64 characters)"
            )
        user = User(name, check_role(role), datetime.now(UTC).isoformat(timespec="seconds"))
        hashed = bcrypt.hashpw(check_password(password, name), bcrypt.gensalt(self.rounds))
        try:
            with self._transaction():
                self.db.execute(
                    "INSERT INTO users VALUES (?, ?, ?, ?)",
                    (user.name, user.role, hashed, user.created_at),
                )
        except (sqlite3.IntegrityError, IntegrityError):  # SQLite's; PostgreSQL's via SQLAlchemy
            raise UserExists(name) from None
        return user

    def sign_in(
        self, name: str, password: str, address: str | None = None, method: Method = "password"
    ) -> SignInResult:
        """Check a sign-in unless the name or address is locked, and record it either way."""
        locked_until = self.sign_ins.locked_until(name, address)
        if locked_until is not None:
            self.sign_ins.record(name, address, "locked", method)
            return SignInResult(None, locked_until)
        user = self.authenticate(name, password)
        locked_until = self.sign_ins.record(name, address, "ok" if user else "failed", method)
        return SignInResult(user, locked_until)

    def authenticate(self, name: str, password: str) -> User | None:
        """The account when the password is right; None for a wrong name or password alike.

        Neither throttled nor recorded: the sign-in form uses `sign_in`."""
        row = self.db.execute(
            "SELECT name, role, created_at, password_hash FROM users WHERE name = ?",
            (normalise_name(name),),
        ).fetchone()
        encoded = password.encode("utf-8")[:MAX_PASSWORD_BYTES]
        if row is None:
            # Check a decoy hash, so a wrong name takes as long as a wrong password.
            self._decoy = self._decoy or bcrypt.hashpw(b"decoy", bcrypt.gensalt(self.rounds))
            bcrypt.checkpw(encoded, self._decoy)
            return None
        if not bcrypt.checkpw(encoded, bytes(row[3])):
            return None
        return User(row[0], cast(Role, row[1]), row[2])

    def get(self, name: str) -> User | None:
        row = self.db.execute(
            "SELECT name, role, created_at FROM users WHERE name = ?", (normalise_name(name),)
        ).fetchone()
        return User(row[0], cast(Role, row[1]), row[2]) if row else None

    def users(self) -> list[User]:
        rows = self.db.execute("SELECT name, role, created_at FROM users ORDER BY name")
        return [User(r[0], cast(Role, r[1]), r[2]) for r in rows]

    def remove(self, name: str) -> None:
        with self._transaction():
            gone = self.db.execute("DELETE FROM users WHERE name = ?", (normalise_name(name),))
        if gone.rowcount == 0:
            raise UnknownUser(normalise_name(name))
        self.sessions.end_all(normalise_name(name), "account_removed")

    def set_password(self, name: str, password: str) -> None:
        hashed = bcrypt.hashpw(
            check_password(password, normalise_name(name)), bcrypt.gensalt(self.rounds)
        )
        with self._transaction():
            changed = self.db.execute(
                "UPDATE users SET password_hash = ? WHERE name = ?", (hashed, normalise_name(name))
            )
        if changed.rowcount == 0:
            raise UnknownUser(normalise_name(name))

    def has_admin(self) -> bool:
        return self.db.execute("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1").fetchone() is not None


def users_path(settings: Settings) -> Path:
    return settings.users_path


def session_policy(settings: Settings) -> SessionPolicy:
    """How long a sign-in lasts, from SHARECHECK_SESSION__HOURS and __IDLE_MINUTES."""
    return SessionPolicy(
        timedelta(hours=settings.session.hours), timedelta(minutes=settings.session.idle_minutes)
    )
