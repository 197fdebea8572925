"""The accounts in PostgreSQL (SHARECHECK_ACCOUNTS_URL): the users tests of test_users.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.users import UserStore
from core.settings import Settings
from tests.accounts.postgres import needs_postgres, postgres_settings
from tests.accounts.test_users import (  # noqa: F401 - collected here against PostgreSQL
    FAST_ROUNDS,
    test_a_changed_password_replaces_the_old_one,
    test_bad_names_roles_and_passwords_are_refused,
    test_names_are_unique_and_removal_is_reported,
    test_reopening_keeps_accounts_and_does_not_migrate_twice,
    test_the_right_password_signs_in_and_wrong_ones_do_not,
)

pytestmark = needs_postgres


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    yield from postgres_settings(tmp_path)


@pytest.fixture
def store(settings: Settings) -> Iterator[UserStore]:
    users = UserStore.open(settings, rounds=FAST_ROUNDS)
    yield users
    users.close()


def test_nothing_is_written_to_the_data_dir(store: UserStore, settings: Settings) -> None:
    store.add("alice", "staff", "correct horse battery")
    assert not settings.users_path.exists()
