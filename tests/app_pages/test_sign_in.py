"""The sign-in form (AppTest): wrong passwords are recorded and, past the limit, locked out with
the time to try again, saying nothing about whether the name is an account."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from accounts.sign_ins import MAX_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES
from accounts.users import UserStore
from ui.auth import DEFAULT_TIMEZONE, NO_MATCH, SESSION_KEY

PASSWORD = "correct horse battery"
WRONG = "not the password at all"


def sign_in_page(path: str) -> None:
    """The sign-in form alone, over the accounts at `path` (no model, no store)."""
    from pathlib import Path

    from accounts.users import UserStore
    from ui.auth import sign_in_form

    sign_in_form(UserStore(Path(path), rounds=4))


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.sqlite"
    UserStore(path, rounds=4).add("alice", "trainer", PASSWORD)
    return path


def form(users_file: Path) -> AppTest:
    return AppTest.from_function(sign_in_page, args=(str(users_file),), default_timeout=30).run()


def submit(at: AppTest, name: str, password: str) -> list[str]:
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.form_submit_button[0].click().run()
    assert not at.exception
    return [e.value for e in at.error]


def lock_message(users_file: Path, name: str) -> str:
    until = UserStore(users_file, rounds=4).sign_ins.locked_until(name, None)
    assert until is not None
    return f"Too many attempts, try again at {until.astimezone(ZoneInfo(DEFAULT_TIMEZONE)):%H:%M}."


def test_the_form_locks_a_name_after_five_failures_and_says_when_to_try_again(
    users_file: Path,
) -> None:
    at = form(users_file)
    for _ in range(MAX_ACCOUNT_FAILURES - 1):
        assert submit(at, "alice", WRONG) == [NO_MATCH]
    assert submit(at, "alice", WRONG) == [lock_message(users_file, "alice")]
    assert submit(at, "alice", PASSWORD) == [lock_message(users_file, "alice")]
    assert SESSION_KEY not in at.session_state


def test_a_lock_on_a_made_up_name_reads_the_same(users_file: Path) -> None:
    at = form(users_file)
    answers = [submit(at, "nobody", WRONG) for _ in range(MAX_ACCOUNT_FAILURES + 1)]
    assert answers[:-2] == [[NO_MATCH]] * (MAX_ACCOUNT_FAILURES - 1)
    assert answers[-1] == [lock_message(users_file, "nobody")]
    assert answers[-1][0].startswith("Too many attempts, try again at ")


def test_the_form_records_failed_and_successful_sign_ins(users_file: Path) -> None:
    at = form(users_file)
    submit(at, "alice", WRONG)
    submit(at, "Alice", PASSWORD)
    assert at.session_state[SESSION_KEY].name == "alice"
    attempts = UserStore(users_file, rounds=4).sign_ins.attempts()
    assert [(a.name, a.outcome, a.method) for a in attempts] == [
        ("alice", "ok", "password"),
        ("alice", "failed", "password"),
    ]


def test_the_form_throttles_by_the_client_address(
    users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.auth.client_address", lambda: "203.0.113.9")  # AppTest has none
    at = form(users_file)
    for n in range(MAX_ADDRESS_FAILURES):
        submit(at, f"guess{n}", WRONG)
    assert submit(at, "alice", PASSWORD)[0].startswith("Too many attempts, try again at ")
    attempts = UserStore(users_file, rounds=4).sign_ins.attempts(limit=1)
    assert (attempts[0].name, attempts[0].address, attempts[0].outcome) == (
        "alice",
        "203.0.113.9",
        "locked",
    )


def oidc_page(path: str) -> None:
    from pathlib import Path

    from accounts.users import UserStore
    from ui.auth import oidc_user

    oidc_user(UserStore(Path(path), rounds=4))


def test_a_microsoft_sign_in_is_recorded_too(users_file: Path) -> None:
    at = AppTest.from_function(oidc_page, args=(str(users_file),), default_timeout=30)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x",
    }
    at.user = {"is_logged_in": True, "email": "Jo.Bloggs@hfrs.example"}
    at.run()
    assert not at.exception
    attempt = UserStore(users_file, rounds=4).sign_ins.attempts()[0]
    assert (attempt.name, attempt.outcome, attempt.method) == (
        "jo.bloggs@hfrs.example",
        "ok",
        "oidc",
    )
