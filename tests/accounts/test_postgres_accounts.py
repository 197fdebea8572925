"""Sign-ins and sessions with the accounts in PostgreSQL: the tests of test_sign_ins.py and
test_sessions.py, and what PostgreSQL is for: two instances (two stores on one database, as on two
machines) know the same accounts, locks and sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from accounts.sessions import token_hash
from accounts.sign_ins import MAX_ACCOUNT_FAILURES
from accounts.users import UserStore
from core.settings import Settings
from tests.accounts.postgres import needs_postgres, postgres_settings
from tests.accounts.test_sessions import (  # noqa: F401 - collected here against PostgreSQL
    test_a_one_time_code_gives_a_token_once_and_only_in_time,
    test_a_session_ends_after_its_lifetime_however_busy,
    test_a_session_ends_when_idle_too_long_but_use_keeps_it_going,
    test_a_token_resumes_its_session_until_signed_out,
    test_removing_an_account_ends_its_sessions,
)
from tests.accounts.test_sign_ins import (  # noqa: F401 - collected here against PostgreSQL
    FAST_ROUNDS,
    PASSWORD,
    WRONG,
    FakeClock,
    fail,
    test_a_lock_ends_after_fifteen_minutes,
    test_a_made_up_name_locks_exactly_like_a_real_one,
    test_a_successful_sign_in_clears_the_count,
    test_after_a_lock_ends_the_count_starts_again,
    test_an_address_lock_is_not_cleared_by_its_own_success,
    test_an_administrator_can_lift_a_lock,
    test_failures_spread_wider_than_the_window_do_not_lock,
    test_five_failures_lock_the_account_even_against_the_right_password,
    test_locks_and_the_record_survive_reopening,
    test_one_address_trying_many_names_is_locked,
    test_the_limits_come_from_the_policy,
    test_the_name_is_locked_whatever_its_case,
)

pytestmark = needs_postgres


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    yield from postgres_settings(tmp_path)


@pytest.fixture
def store(settings: Settings, clock: FakeClock) -> Iterator[UserStore]:
    users = UserStore.open(settings, rounds=FAST_ROUNDS, clock=clock)
    users.add("alice", "admin", PASSWORD)
    yield users
    users.close()


def test_an_account_made_on_one_instance_signs_in_on_another(
    store: UserStore, settings: Settings, clock: FakeClock
) -> None:
    other = UserStore.open(settings, rounds=FAST_ROUNDS, clock=clock)
    try:
        other.add("bob", "staff", PASSWORD)
        assert store.sign_in("bob", PASSWORD).user is not None
        session, code = store.sessions.start("bob", "password")
        token = other.sessions.claim(code)  # the cookie collected through another instance
        assert token and store.sessions.resume(token) == other.sessions.resume(token)
        assert other.sessions.end(session.id) and store.sessions.resume(token) is None
        fail(other, MAX_ACCOUNT_FAILURES, name="alice")  # a lock made on one holds on both
        assert store.sign_in("alice", PASSWORD).locked_until is not None
    finally:
        other.close()


def test_only_hashes_are_stored(store: UserStore, settings: Settings) -> None:
    _, code = store.sessions.start("alice", "password")
    token = store.sessions.claim(code) or ""
    store.sign_in("alice", WRONG)
    assert settings.accounts_url
    engine = create_engine(settings.accounts_url)
    with engine.connect() as conn:
        tables = ("users", "sessions", "sign_ins", "lockouts")
        dump = "\n".join(
            repr(row) for table in tables for row in conn.execute(text(f"SELECT * FROM {table}"))
        )
    engine.dispose()
    assert PASSWORD not in dump and WRONG not in dump and token not in dump and code not in dump
    assert token_hash(token) in dump and "$2b$" in dump
