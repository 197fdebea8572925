"""Every sign-in attempt, recorded in users.sqlite, and the lockouts that too many failures cause.

An account name that keeps failing is locked, and so is a client address that keeps failing
across names (password spraying). Whether the name belongs to an account makes no difference:
a lock on a made-up name looks exactly like a lock on a real one. The password is never recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from accounts.database import AccountsDb

Outcome = Literal["ok", "failed", "locked"]
Method = Literal["password", "oidc"]
LockKind = Literal["account", "address"]
Clock = Callable[[], datetime]
Transaction = Callable[[], AbstractContextManager[None]]

# Five wrong passwords in fifteen minutes is more than a person mistyping makes, and stops a
# guessing attack at 20 guesses an hour per account (the probe managed 200 in 54 seconds).
MAX_ACCOUNT_FAILURES = 5
# One address may sit in front of a whole station (NAT, a proxy), so it gets more room before
# everyone behind it is locked out; still far below what a spraying attack needs.
MAX_ADDRESS_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
# A name typed into the sign-in form is recorded only this far: account names are at most 64.
RECORDED_NAME_CHARS = 128


def utc_now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """A timestamp as stored: UTC, fixed width, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures, within what window, lock an account or an address, and for how long."""

    max_account_failures: int = MAX_ACCOUNT_FAILURES
    max_address_failures: int = MAX_ADDRESS_FAILURES
    window: timedelta = FAILURE_WINDOW
    lockout: timedelta = LOCKOUT

    def __post_init__(self) -> None:
        if min(self.max_account_failures, self.max_address_failures) < 1:
            raise ValueError("failure limits must be at least 1")
        if self.window <= timedelta(0) or self.lockout <= timedelta(0):
            raise ValueError("the failure window and the lockout must be longer than zero")


@dataclass(frozen=True)
class SignInAttempt:
    """One row of the sign-in record."""

    at: datetime
    name: str
    address: str | None
    outcome: Outcome
    method: Method


class SignInLog:
    """Records attempts and answers whether a name or address is locked, as of `clock()`."""

    def __init__(
        self, db: AccountsDb, transaction: Transaction,
        policy: ThrottlePolicy | None = None, clock: Clock = utc_now,
    ) -> None:  # fmt: skip
        self.db = db
        self.transaction = transaction
        self.policy = policy or ThrottlePolicy()
        self.clock = clock

    def locked_until(self, name: str, address: str | None) -> datetime | None:
        """When the later of the name's and the address's locks ends, if either is in force."""
        now = stamp(self.clock())
        ends = [self._lock_end("account", _recorded(name), now)]
        if address:
            ends.append(self._lock_end("address", address, now))
        found = [end for end in ends if end]
        return datetime.fromisoformat(max(found)) if found else None

    def _lock_end(self, kind: LockKind, key: str, now: str) -> str | None:
        row = self.db.execute(
            "SELECT max(until) FROM lockouts WHERE kind = ? AND key = ? AND until > ?",
            (kind, key, now),
        ).fetchone()
        return row[0] if row else None

    def record(
        self, name: str, address: str | None, outcome: Outcome, method: Method = "password"
    ) -> datetime | None:
        """Record one attempt; after a failure, lock what failed too often and say until when."""
        with self.transaction():
            now = self.clock()
            self.db.execute(
                "INSERT INTO sign_ins (at, name, address, outcome, method) VALUES (?, ?, ?, ?, ?)",
                (stamp(now), _recorded(name), address, outcome, method),
            )
            if outcome != "failed":
                return None
            return self._lock_if_over(name, address, now)

    def _lock_if_over(self, name: str, address: str | None, now: datetime) -> datetime | None:
        until = now + self.policy.lockout
        locked = False
        if self._failures("account", _recorded(name), now) >= self.policy.max_account_failures:
            self._lock("account", _recorded(name), now, until)
            locked = True
        if address and self._failures("address", address, now) >= self.policy.max_address_failures:
            self._lock("address", address, now, until)
            locked = True
        return until if locked else None

    def _failures(self, kind: LockKind, key: str, now: datetime) -> int:
        """Failures counted towards a lock: in the window, after the last lock ended and, for an
        account, after its last successful sign-in."""
        since = [stamp(now - self.policy.window)]
        last_lock = self.db.execute(
            "SELECT max(until) FROM lockouts WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()[0]
        since.append(last_lock or "")
        column = "name" if kind == "account" else "address"
        if kind == "account":
            last_ok = self.db.execute(
                "SELECT max(at) FROM sign_ins WHERE name = ? AND outcome = 'ok'", (key,)
            ).fetchone()[0]
            since.append(last_ok or "")
        return int(
            self.db.execute(
                f"SELECT count(*) FROM sign_ins WHERE {column} = ? AND outcome = 'failed' AND at > ?",
                (key, max(since)),
            ).fetchone()[0]
        )

    def _lock(self, kind: LockKind, key: str, now: datetime, until: datetime) -> None:
        self.db.execute(
            "INSERT INTO lockouts (kind, key, since, until) VALUES (?, ?, ?, ?)",
            (kind, key, stamp(now), stamp(until)),
        )

    def unlock(self, name: str) -> int:
        """End the locks on an account name now (an administrator's decision); how many ended."""
        now = stamp(self.clock())
        with self.transaction():
            ended = self.db.execute(
                "UPDATE lockouts SET until = ? WHERE kind = 'account' AND key = ? AND until > ?",
                (now, _recorded(name), now),
            )
        return ended.rowcount

    def attempts(self, limit: int = 50) -> list[SignInAttempt]:
        """The latest attempts, newest first."""
        rows = self.db.execute(
            "SELECT at, name, address, outcome, method FROM sign_ins ORDER BY at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return list(_attempts(rows))


def _recorded(name: str) -> str:
    """The name as recorded and locked: normalised like an account name, and cut short."""
    return name.strip().lower()[:RECORDED_NAME_CHARS]


def _attempts(rows: Iterable[Any]) -> Iterator[SignInAttempt]:
    for at, name, address, outcome, method in rows:
        yield SignInAttempt(datetime.fromisoformat(at), name, address, outcome, method)
