"""Local accounts: bcrypt hashes in users.sqlite, roles, and the `users` command line."""

from __future__ import annotations

import argparse
import io
import sqlite3
from pathlib import Path

import bcrypt
import pytest

from accounts.cli import add_user_commands, run_user_command
from accounts.migrations import MIGRATIONS, MIGRATIONS_TABLE
from accounts.users import (
    UnknownUser,
    UserExists,
    UserStore,
    users_path,
)
from core.settings import Settings

# bcrypt's cheapest work factor: the tests check behaviour, not hashing cost.
FAST_ROUNDS = 4
PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> UserStore:
    return UserStore.open(settings, rounds=FAST_ROUNDS)


def test_accounts_live_in_users_sqlite_under_the_data_dir(store: UserStore, settings: Settings) -> None:
    store.add("alice", "staff", PASSWORD)
    assert users_path(settings) == settings.data_dir / "users.sqlite"
    with sqlite3.connect(users_path(settings)) as db:
        applied = [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY name")]
    assert applied == [m.__name__ for m in MIGRATIONS]


@pytest.mark.parametrize("user_version", [2, 3])
def test_a_file_numbered_by_user_version_upgrades_in_place(
    settings: Settings, user_version: int
) -> None:
    """users.sqlite as the code before named migrations left it (PRAGMA user_version, no
    account_migrations table): accounts and sign-ins are kept, later migrations applied."""
    path = users_path(settings)
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        for step in MIGRATIONS[:user_version]:
            step(db)
        db.execute(f"PRAGMA user_version = {user_version}")
        hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(FAST_ROUNDS))
        db.execute("INSERT INTO users VALUES ('alice', 'governance', ?, '2026-01-01')", (hashed,))
        db.execute("INSERT INTO sign_ins (at, name, outcome) VALUES ('2026-01-01', 'alice', 'ok')")
    store = UserStore.open(settings, rounds=FAST_ROUNDS)
    assert store.authenticate("alice", PASSWORD) is not None
    assert [a.name for a in store.sign_ins.attempts()] == ["alice"]
    with sqlite3.connect(path) as db:
        applied = [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY name")]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert applied == [m.__name__ for m in MIGRATIONS]
    assert {"users", "sign_ins", "lockouts", "sessions"} <= tables


def test_only_a_bcrypt_hash_is_stored(store: UserStore, settings: Settings) -> None:
    store.add("alice", "staff", PASSWORD)
    raw = users_path(settings).read_bytes()
    assert PASSWORD.encode() not in raw
    with sqlite3.connect(users_path(settings)) as db:
        (hashed,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert bytes(hashed).startswith(b"$2b$")


def test_the_right_password_signs_in_and_wrong_ones_do_not(store: UserStore) -> None:
    store.add("Alice", "trainer", PASSWORD)
    user = store.authenticate("ALICE", PASSWORD)
    assert user is not None and (user.name, user.role) == ("alice", "trainer")
    assert store.authenticate("alice", PASSWORD + "x") is None
    assert store.authenticate("nobody", PASSWORD) is None


def test_bad_names_roles_and_passwords_are_refused(store: UserStore) -> None:
    with pytest.raises(ValueError, match="role must be one of"):
        store.add("bob", "chief", PASSWORD)
    with pytest.raises(ValueError, match="at least"):
        store.add("bob", "staff", "short")
    with pytest.raises(ValueError, match="at most 72 bytes"):
        store.add("bob", "staff", "é" * 40)
    with pytest.raises(ValueError, match="not a valid account name"):
        store.add("bob smith", "staff", PASSWORD)
    assert store.users() == []


def test_names_are_unique_and_removal_is_reported(store: UserStore) -> None:
    store.add("jo.bloggs@hfrs.example", "governance", PASSWORD)
    with pytest.raises(UserExists):
        store.add("Jo.Bloggs@hfrs.example", "staff", PASSWORD)
    store.remove("jo.bloggs@hfrs.example")
    with pytest.raises(UnknownUser):
        store.remove("jo.bloggs@hfrs.example")


def test_a_changed_password_replaces_the_old_one(store: UserStore) -> None:
    store.add("alice", "staff", PASSWORD)
    store.set_password("alice", "another long password")
    assert store.authenticate("alice", PASSWORD) is None
    assert store.authenticate("alice", "another long password") is not None


def test_reopening_keeps_accounts_and_does_not_migrate_twice(settings: Settings) -> None:
    UserStore.open(settings, rounds=FAST_ROUNDS).add("alice", "admin", PASSWORD)
    again = UserStore.open(settings, rounds=FAST_ROUNDS)
    assert [u.name for u in again.users()] == ["alice"]
    assert again.has_admin()


# --- command line -----------------------------------------------------------------------------


def run_cli(settings: Settings, *argv: str, stdin: str = "") -> int:
    parser = argparse.ArgumentParser()
    add_user_commands(parser)
    args = parser.parse_args(list(argv))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        return run_user_command(args, settings)


def test_cli_add_reads_the_password_from_stdin(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(settings, "add", "alice", "--role", "trainer", "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert PASSWORD not in capsys.readouterr().out
    user = UserStore.open(settings).authenticate("alice", PASSWORD)
    assert user is not None and user.role == "trainer"


def test_cli_add_without_a_password_prints_a_random_one_once(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(settings, "add", "bob") == 0
    password = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    user = UserStore.open(settings).authenticate("bob", password)
    assert user is not None and user.role == "staff"


def test_cli_list_and_remove(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    UserStore.open(settings, rounds=FAST_ROUNDS).add("carol", "governance", PASSWORD)
    assert run_cli(settings, "list") == 0
    assert "carol" in capsys.readouterr().out
    assert run_cli(settings, "remove", "carol") == 0
    assert run_cli(settings, "remove", "carol") == 2
    assert "no account is called 'carol'" in capsys.readouterr().err


def test_cli_ensure_admin_creates_one_admin_once(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(settings, "ensure-admin") == 0
    password = capsys.readouterr().out.strip().splitlines()[-1].strip()
    assert UserStore.open(settings).authenticate("admin", password) is not None
    assert run_cli(settings, "ensure-admin") == 0
    assert "nothing to do" in capsys.readouterr().out
    assert len(UserStore.open(settings).users()) == 1


def test_cli_reports_a_bad_password_without_a_traceback(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(settings, "add", "dave", "--password-stdin", stdin="short\n") == 2
    assert "at least" in capsys.readouterr().err
