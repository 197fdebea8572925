"""AppTest fixtures: a private copy of the ingested bundled corpus, and signed-in app sessions."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accounts.users import Role, UserStore
from core.settings import Settings
from ui.auth import SESSION_KEY, SignedIn

PROJECT = Path(__file__).resolve().parents[2]
APP = PROJECT / "app.py"
# A page's first run loads the model and opens the store: far past AppTest's 3 s default.
RUN_TIMEOUT_S = 120.0

AppFor = Callable[..., AppTest]


@pytest.fixture
def data_dir(bundled_store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of the ingested bundled corpus, with an empty log and no accounts."""
    target = tmp_path / "data"
    shutil.copytree(
        bundled_store.data_dir, target,
        ignore=shutil.ignore_patterns("write.lock*", "log.sqlite*", "users.sqlite*"),
    )  # fmt: skip
    monkeypatch.setenv("SHARECHECK_DATA_DIR", str(target))
    return target


def signed_in(at: AppTest, role: Role, name: str = "") -> AppTest:
    """Signed in as the sign-in form would: with a live session in users.sqlite (each run checks it)."""
    users = UserStore.open(Settings(), rounds=4)
    session, _ = users.sessions.start(name or f"test-{role}", "password")
    users.close()
    at.session_state[SESSION_KEY] = SignedIn(name or f"test-{role}", role, "password", session.id)
    return at


@pytest.fixture
def app_for() -> AppFor:
    """An AppTest of app.py (or one page script run on its own) signed in with a role."""

    def make(role: Role | None = "staff", script: str = "app.py") -> AppTest:
        at = AppTest.from_file(str(PROJECT / script), default_timeout=RUN_TIMEOUT_S)
        return signed_in(at, role) if role else at

    return make
