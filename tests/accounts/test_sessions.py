"""Sessions that survive a reload: one-time codes, hashed tokens, lifetime, idle timeout, sign-out."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from accounts.sessions import HANDOFF_LIFETIME, SessionPolicy, token_hash
from accounts.users import UserStore, session_policy
from core.settings import Settings
from tests.accounts.test_sign_ins import FAST_ROUNDS, PASSWORD, FakeClock

POLICY = SessionPolicy(lifetime=timedelta(hours=12), idle=timedelta(hours=2))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> UserStore:
    users = UserStore(tmp_path / "users.sqlite", FAST_ROUNDS, clock=clock, session_policy=POLICY)
    users.add("alice", "staff", PASSWORD)
    return users


def test_a_one_time_code_gives_a_token_once_and_only_in_time(store: UserStore, clock: FakeClock) -> None:
    session, code = store.sessions.start("alice", "password")
    assert not store.sessions.claimed(session.id)
    token = store.sessions.claim(code)
    assert token and store.sessions.claimed(session.id)
    assert store.sessions.claim(code) is None  # used
    late, late_code = store.sessions.start("alice", "password")
    clock.advance(HANDOFF_LIFETIME)
    assert store.sessions.claim(late_code) is None


def test_only_hashes_are_stored(store: UserStore) -> None:
    session, code = store.sessions.start("alice", "password")
    token = store.sessions.claim(code)
    assert token
    dump = "\n".join(sqlite3.connect(store.path).iterdump())
    assert token not in dump and code not in dump
    assert token_hash(token) in dump


def test_a_token_resumes_its_session_until_signed_out(store: UserStore) -> None:
    session, code = store.sessions.start("alice", "password")
    token = store.sessions.claim(code) or ""
    resumed = store.sessions.resume(token)
    assert resumed and (resumed.id, resumed.name, resumed.method) == (session.id, "alice", "password")
    assert store.sessions.resume("made-up") is None
    assert store.sessions.end(session.id)
    assert store.sessions.resume(token) is None
    assert store.sessions.active(session.id) is None


def test_a_session_ends_when_idle_too_long_but_use_keeps_it_going(
    store: UserStore, clock: FakeClock
) -> None:
    session, code = store.sessions.start("alice", "password")
    token = store.sessions.claim(code) or ""
    for _ in range(4):  # used every 90 minutes: never idle for two hours
        clock.advance(timedelta(minutes=90))
        assert store.sessions.resume(token)
    clock.advance(POLICY.idle)
    assert store.sessions.resume(token) is None
    end = store.db.execute("SELECT end_reason FROM sessions WHERE id = ?", (session.id,)).fetchone()
    assert end == ("idle",)


def test_a_session_ends_after_its_lifetime_however_busy(store: UserStore, clock: FakeClock) -> None:
    _, code = store.sessions.start("alice", "password")
    token = store.sessions.claim(code) or ""
    for _ in range(11):
        clock.advance(timedelta(hours=1))
        assert store.sessions.resume(token)
    clock.advance(timedelta(hours=1))
    assert store.sessions.resume(token) is None


def test_removing_an_account_ends_its_sessions(store: UserStore) -> None:
    _, code = store.sessions.start("alice", "password")
    token = store.sessions.claim(code) or ""
    store.remove("alice")
    assert store.sessions.resume(token) is None


def test_the_lifetime_and_idle_timeout_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert session_policy(Settings()) == SessionPolicy(timedelta(hours=12), timedelta(hours=2))
    monkeypatch.setenv("SHARECHECK_SESSION__HOURS", "8")
    monkeypatch.setenv("SHARECHECK_SESSION__IDLE_MINUTES", "30")
    assert session_policy(Settings()) == SessionPolicy(timedelta(hours=8), timedelta(minutes=30))


def test_the_apps_accounts_keep_the_session_limits_from_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui import services

    monkeypatch.setenv("SHARECHECK_SESSION__HOURS", "8")
    monkeypatch.setenv("SHARECHECK_SESSION__IDLE_MINUTES", "30")
    users = services.users()
    try:
        assert users.sessions.policy == SessionPolicy(timedelta(hours=8), timedelta(minutes=30))
    finally:
        users.close()
        services._users.clear()
