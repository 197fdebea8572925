"""Signed-in sessions that outlive a browser tab: a reload or a bookmark keeps a person signed in
for a shift, until they sign out, go idle too long or the shift-length limit passes.

The browser holds a random token in an HttpOnly cookie; users.sqlite holds only its SHA-256
hash (a 256-bit random token needs no slow hash: there is nothing to guess from). The cookie is
set by the server (serve.py), never by page script: right after a sign-in the app hands the
browser a one-time code, the browser posts it back, and the server answers with the cookie, so
the token itself never passes through the page.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from accounts.database import AccountsDb
from accounts.sign_ins import Clock, Method, Transaction, stamp, utc_now

COOKIE_NAME = "sharecheck_session"
# A one-time code is posted back by the page within a second; a minute allows a slow phone.
HANDOFF_LIFETIME = timedelta(minutes=1)
# Only this often is a session's last activity written, not on every click.
TOUCH_EVERY = timedelta(minutes=1)
EndReason = Literal["signed_out", "expired", "idle", "account_removed"]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts at most, and how long it may sit unused."""

    lifetime: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(hours=2)

    def __post_init__(self) -> None:
        if self.lifetime <= timedelta(0) or self.idle <= timedelta(0):
            raise ValueError("the session lifetime and idle timeout must be longer than zero")


@dataclass(frozen=True)
class Session:
    """One signed-in session: `id` is public (it names the session in the log), the token not."""

    id: str
    name: str
    method: Method
    started_at: datetime
    last_seen_at: datetime


def m003_sessions(db: sqlite3.Connection) -> None:
    """Sessions that survive a reload (a migration of accounts/users.py)."""
    db.execute(
        "CREATE TABLE sessions ("
        " id TEXT PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " method TEXT NOT NULL,"
        " token_hash TEXT UNIQUE,"  # set once the browser holds the cookie
        " handoff_hash TEXT UNIQUE,"  # the one-time code, until it is used
        " handoff_until TEXT,"
        " started_at TEXT NOT NULL,"
        " last_seen_at TEXT NOT NULL,"
        " ended_at TEXT,"
        " end_reason TEXT)"
    )


class SessionLog:
    """Starts, finds, touches and ends sessions, as of `clock()`."""

    def __init__(
        self, db: AccountsDb, transaction: Transaction,
        policy: SessionPolicy | None = None, clock: Clock = utc_now,
    ) -> None:  # fmt: skip
        self.db = db
        self.transaction = transaction
        self.policy = policy or SessionPolicy()
        self.clock = clock

    def start(self, name: str, method: Method) -> tuple[Session, str]:
        """A new session and the one-time code that lets the browser collect its cookie."""
        now = self.clock()
        session = Session(secrets.token_hex(16), name, method, now, now)
        code = secrets.token_urlsafe(32)
        with self.transaction():
            self.db.execute(
                "INSERT INTO sessions (id, name, method, handoff_hash, handoff_until, started_at,"
                " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session.id, name, method, token_hash(code), stamp(now + HANDOFF_LIFETIME),
                 stamp(now), stamp(now)),
            )  # fmt: skip
        return session, code

    def claim(self, code: str) -> str | None:
        """The cookie token for a one-time code still unused and in time; None otherwise."""
        token = secrets.token_urlsafe(32)
        now = stamp(self.clock())
        with self.transaction():
            claimed = self.db.execute(
                "UPDATE sessions SET token_hash = ?, handoff_hash = NULL, handoff_until = NULL"
                " WHERE handoff_hash = ? AND handoff_until > ? AND ended_at IS NULL",
                (token_hash(token), token_hash(code), now),
            )
        return token if claimed.rowcount == 1 else None

    def claimed(self, session_id: str) -> bool:
        """Whether the browser has collected this session's cookie."""
        row = self.db.execute("SELECT token_hash FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return bool(row and row[0])

    def resume(self, token: str) -> Session | None:
        """The live session a cookie token names, touched; None if unknown, ended or timed out."""
        row = self.db.execute(
            "SELECT id FROM sessions WHERE token_hash = ? AND ended_at IS NULL", (token_hash(token),)
        ).fetchone()
        return self.active(row[0]) if row else None

    def active(self, session_id: str) -> Session | None:
        """The session if it is still live (ending it now if it has timed out), touched."""
        row = self.db.execute(
            "SELECT id, name, method, started_at, last_seen_at FROM sessions"
            " WHERE id = ? AND ended_at IS NULL",
            (session_id,),
        ).fetchone()
        if row is None:
            return None
        session = Session(
            row[0], row[1], row[2], datetime.fromisoformat(row[3]), datetime.fromisoformat(row[4])
        )
        now = self.clock()
        if now - session.started_at >= self.policy.lifetime:
            self.end(session.id, "expired")
            return None
        if now - session.last_seen_at >= self.policy.idle:
            self.end(session.id, "idle")
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            with self.transaction():
                self.db.execute(
                    "UPDATE sessions SET last_seen_at = ? WHERE id = ?", (stamp(now), session.id)
                )
        return session

    def end(self, session_id: str, reason: EndReason = "signed_out") -> bool:
        """End a session server-side: its cookie no longer signs anyone in. False if already over."""
        with self.transaction():
            ended = self.db.execute(
                "UPDATE sessions SET ended_at = ?, end_reason = ?, handoff_hash = NULL"
                " WHERE id = ? AND ended_at IS NULL",
                (stamp(self.clock()), reason, session_id),
            )
        return ended.rowcount == 1

    def end_all(self, name: str, reason: EndReason) -> int:
        """End every live session of an account (when it is removed); how many ended."""
        with self.transaction():
            ended = self.db.execute(
                "UPDATE sessions SET ended_at = ?, end_reason = ?, handoff_hash = NULL"
                " WHERE name = ? AND ended_at IS NULL",
                (stamp(self.clock()), reason, name),
            )
        return ended.rowcount
