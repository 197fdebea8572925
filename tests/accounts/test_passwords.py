"""The password policy, wherever a password is set: the store, `users add` and `users set-password`."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from accounts.cli import add_user_commands, run_user_command
from accounts.passwords import MIN_PASSWORD_CHARS, common_passwords, password_problem
from accounts.users import UserStore, random_password
from core.settings import Settings

FAST_ROUNDS = 4
GOOD = "correct horse battery"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def run_cli(settings: Settings, *argv: str, stdin: str = "") -> int:
    parser = argparse.ArgumentParser()
    add_user_commands(parser)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        return run_user_command(parser.parse_args(list(argv)), settings)


def test_the_probe_s_admin_password_is_refused() -> None:
    assert password_problem("1234567890", "admin") == "a password needs at least 12 characters"
    assert MIN_PASSWORD_CHARS == 12


@pytest.mark.parametrize(
    "password",
    [
        "123456789012",
        "Password1234",
        "qwerty123456",
        "passwordpassword",
        "Summer2026!!",
        "!!letmein!!!!",
        "Firefighter123",
    ],
)
def test_common_passwords_and_common_words_padded_to_length_are_refused(password: str) -> None:
    assert (
        password_problem(password)
        == "that password is one of the most commonly used; choose a less obvious one"
    )


def test_the_list_ships_with_the_code_and_holds_the_well_known_ones() -> None:
    listed = common_passwords()
    assert len(listed) >= 200
    assert {"123456", "password", "qwerty", "iloveyou", "letmein", "1234567890"} <= listed


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("jsmith.longname", "JSmith.Longname"),
        ("jo.bloggs@hfrs.example", "jo.bloggs2026!"),
        ("trainer-north", "trainer-north1"),
    ],
)
def test_a_password_may_not_be_the_account_name(name: str, password: str) -> None:
    assert password_problem(password, name) == "a password may not be the account name"


def test_good_passwords_pass() -> None:
    assert password_problem(GOOD, "alice") is None
    assert password_problem("tractor-violet-harbour", "admin") is None
    assert all(password_problem(random_password(), "admin") is None for _ in range(20))


def test_the_store_applies_the_policy_when_adding_and_changing(settings: Settings) -> None:
    store = UserStore.open(settings, rounds=FAST_ROUNDS)
    with pytest.raises(ValueError, match="most commonly used"):
        store.add("alice", "admin", "password1234")
    with pytest.raises(ValueError, match="account name"):
        store.add("alice.smith.hq", "admin", "Alice.Smith.HQ")
    store.add("alice", "admin", GOOD)
    with pytest.raises(ValueError, match="at least 12"):
        store.set_password("alice", "1234567890")
    assert store.authenticate("alice", GOOD) is not None


def test_users_add_refuses_a_weak_password_without_a_traceback(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run_cli(
            settings, "add", "admin2", "--role", "admin", "--password-stdin", stdin="qwerty123456\n"
        )
        == 2
    )
    assert "most commonly used" in capsys.readouterr().err
    assert UserStore.open(settings).users() == []


def test_users_set_password_applies_the_policy_then_changes_it(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    UserStore.open(settings, rounds=FAST_ROUNDS).add("carol", "staff", GOOD)
    assert run_cli(settings, "set-password", "carol", "--password-stdin", stdin="carol\n") == 2
    assert "at least 12" in capsys.readouterr().err
    assert (
        run_cli(
            settings, "set-password", "Carol", "--password-stdin", stdin="violet tractor harbour\n"
        )
        == 0
    )
    assert UserStore.open(settings).authenticate("carol", "violet tractor harbour") is not None
    assert run_cli(settings, "set-password", "nobody", "--password-stdin", stdin=GOOD + "\n") == 2
    assert "no account is called 'nobody'" in capsys.readouterr().err
