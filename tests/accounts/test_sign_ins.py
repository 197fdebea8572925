"""Sign-in throttling and the sign-in record: a fake clock moves time, nothing sleeps."""

from __future__ import annotations

import argparse
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from accounts.cli import add_user_commands, run_user_command
from accounts.sign_ins import (
    FAILURE_WINDOW,
    LOCKOUT,
    MAX_ACCOUNT_FAILURES,
    MAX_ADDRESS_FAILURES,
    ThrottlePolicy,
)
from accounts.users import UserStore, users_path
from core.settings import Settings

FAST_ROUNDS = 4
PASSWORD = "correct horse battery"
WRONG = "not the password at all"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings, clock: FakeClock) -> UserStore:
    users = UserStore.open(settings, rounds=FAST_ROUNDS, clock=clock)
    users.add("alice", "admin", PASSWORD)
    return users


def fail(store: UserStore, times: int, name: str = "alice", address: str | None = None) -> None:
    for _ in range(times):
        store.sign_in(name, WRONG, address)


def test_the_limits_are_five_failures_in_fifteen_minutes_for_fifteen_minutes() -> None:
    assert (MAX_ACCOUNT_FAILURES, FAILURE_WINDOW, LOCKOUT) == (
        5,
        timedelta(minutes=15),
        timedelta(minutes=15),
    )
    assert MAX_ADDRESS_FAILURES > MAX_ACCOUNT_FAILURES


def test_five_failures_lock_the_account_even_against_the_right_password(
    store: UserStore, clock: FakeClock
) -> None:
    fail(store, MAX_ACCOUNT_FAILURES - 1)
    assert store.sign_in("alice", WRONG).locked_until == START + LOCKOUT  # the fifth locks
    refused = store.sign_in("alice", PASSWORD)
    assert refused.user is None and refused.locked_until == START + LOCKOUT


def test_a_lock_ends_after_fifteen_minutes(store: UserStore, clock: FakeClock) -> None:
    fail(store, MAX_ACCOUNT_FAILURES)
    clock.advance(LOCKOUT - timedelta(seconds=1))
    assert store.sign_in("alice", PASSWORD).user is None
    clock.advance(timedelta(seconds=1))
    result = store.sign_in("alice", PASSWORD)
    assert result.user is not None and result.locked_until is None


def test_after_a_lock_ends_the_count_starts_again(store: UserStore, clock: FakeClock) -> None:
    fail(store, MAX_ACCOUNT_FAILURES)
    clock.advance(LOCKOUT)
    fail(store, MAX_ACCOUNT_FAILURES - 1)
    assert store.sign_in("alice", PASSWORD).user is not None


def test_failures_spread_wider_than_the_window_do_not_lock(
    store: UserStore, clock: FakeClock
) -> None:
    for _ in range(3 * MAX_ACCOUNT_FAILURES):
        fail(store, 1)
        clock.advance(FAILURE_WINDOW / (MAX_ACCOUNT_FAILURES - 1))
    assert store.sign_in("alice", PASSWORD).user is not None


def test_a_successful_sign_in_clears_the_count(store: UserStore) -> None:
    fail(store, MAX_ACCOUNT_FAILURES - 1)
    assert store.sign_in("alice", PASSWORD).user is not None
    fail(store, MAX_ACCOUNT_FAILURES - 1)
    assert store.sign_in("alice", PASSWORD).user is not None


def test_a_made_up_name_locks_exactly_like_a_real_one(store: UserStore) -> None:
    fail(store, MAX_ACCOUNT_FAILURES, name="alice")
    fail(store, MAX_ACCOUNT_FAILURES, name="nobody")
    real, made_up = store.sign_in("alice", WRONG), store.sign_in("nobody", WRONG)
    assert (real.user, real.locked_until) == (made_up.user, made_up.locked_until)


def test_the_name_is_locked_whatever_its_case(store: UserStore) -> None:
    fail(store, MAX_ACCOUNT_FAILURES, name="ALICE")
    assert store.sign_in(" Alice ", PASSWORD).locked_until is not None


def test_one_address_trying_many_names_is_locked(store: UserStore, clock: FakeClock) -> None:
    for n in range(MAX_ADDRESS_FAILURES):
        fail(store, 1, name=f"guess{n}", address="203.0.113.9")
    locked = store.sign_in("alice", PASSWORD, "203.0.113.9")
    assert locked.user is None and locked.locked_until == START + LOCKOUT
    assert store.sign_in("alice", PASSWORD, "198.51.100.7").user is not None  # another address
    assert store.sign_in("alice", PASSWORD).user is not None  # localhost has no address


def test_an_address_lock_is_not_cleared_by_its_own_success(store: UserStore) -> None:
    for n in range(MAX_ADDRESS_FAILURES - 1):
        fail(store, 1, name=f"guess{n}", address="203.0.113.9")
    assert store.sign_in("alice", PASSWORD, "203.0.113.9").user is not None
    assert store.sign_in("guess-last", WRONG, "203.0.113.9").locked_until is not None


def test_the_limits_come_from_the_policy(settings: Settings, clock: FakeClock) -> None:
    policy = ThrottlePolicy(max_account_failures=2, lockout=timedelta(minutes=1))
    store = UserStore.open(settings, rounds=FAST_ROUNDS, policy=policy, clock=clock)
    store.add("bob", "staff", PASSWORD)
    fail(store, 2, name="bob")
    assert store.sign_in("bob", PASSWORD).locked_until == START + timedelta(minutes=1)
    with pytest.raises(ValueError, match="at least 1"):
        ThrottlePolicy(max_account_failures=0)


def test_locks_and_the_record_survive_reopening(
    settings: Settings, store: UserStore, clock: FakeClock
) -> None:
    fail(store, MAX_ACCOUNT_FAILURES)
    store.close()
    again = UserStore.open(settings, rounds=FAST_ROUNDS, clock=clock)
    assert again.sign_in("alice", PASSWORD).locked_until == START + LOCKOUT


def test_every_attempt_is_recorded_with_time_name_address_and_outcome_never_the_password(
    store: UserStore, settings: Settings, clock: FakeClock
) -> None:
    store.sign_in("Alice", WRONG, "203.0.113.9")
    clock.advance(timedelta(minutes=1))
    store.sign_in("alice", PASSWORD, "203.0.113.9")
    fail(store, MAX_ACCOUNT_FAILURES, name="mallory")
    store.sign_in("mallory", WRONG)
    attempts = store.sign_ins.attempts(limit=100)
    assert [(a.name, a.outcome) for a in attempts[-2:][::-1]] == [
        ("alice", "failed"),
        ("alice", "ok"),
    ]
    assert attempts[-1].at == START and attempts[-1].address == "203.0.113.9"
    assert attempts[0].outcome == "locked" and attempts[0].method == "password"
    store.close()
    raw = b"".join(p.read_bytes() for p in users_path(settings).parent.glob("users.sqlite*"))
    assert WRONG.encode() not in raw and PASSWORD.encode() not in raw
    with sqlite3.connect(users_path(settings)) as db:
        assert (
            db.execute("SELECT count(*) FROM sign_ins").fetchone()[0]
            == 2 + MAX_ACCOUNT_FAILURES + 1
        )


def test_an_administrator_can_lift_a_lock(store: UserStore) -> None:
    fail(store, MAX_ACCOUNT_FAILURES)
    assert store.sign_ins.unlock("Alice") == 1
    assert store.sign_in("alice", PASSWORD).user is not None
    assert store.sign_ins.unlock("alice") == 0


# --- command line -----------------------------------------------------------------------------


def run_cli(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_user_commands(parser)
    return run_user_command(parser.parse_args(list(argv)), settings)


def test_cli_lists_the_latest_attempts_and_lifts_a_lock(
    settings: Settings, store: UserStore, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.now = datetime.now(UTC)  # the command line runs on the real clock
    fail(store, MAX_ACCOUNT_FAILURES, address="203.0.113.9")
    store.close()
    assert run_cli(settings, "sign-ins", "--limit", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("failed" in line and "203.0.113.9" in line for line in lines)
    assert lines[0].startswith(f"{clock.now:%Y-%m-%d %H:%M:%S}Z")
    assert run_cli(settings, "unlock", "alice") == 0
    assert "unlocked alice" in capsys.readouterr().out
    assert UserStore.open(settings, rounds=FAST_ROUNDS).sign_in("alice", PASSWORD).user is not None
    assert run_cli(settings, "unlock", "alice") == 0
    assert "was not locked" in capsys.readouterr().out
