"""Sign-in and role gating: each role's navigation holds only its pages, and pages refuse others."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accounts.users import ROLES, Role, UserStore
from core.settings import Settings
from ui.auth import HANDOFF_KEY, SESSION_COOKIE_PATH, SESSION_ENDED, SESSION_KEY, SignedIn
from ui.navigation import PAGES

pytestmark = pytest.mark.slow
AppFor = Callable[..., AppTest]
PASSWORD = "correct horse battery"
TITLES = {spec.name: spec.title for spec in PAGES}


@pytest.mark.parametrize("role", ROLES)
def test_navigation_holds_exactly_the_pages_a_role_may_open(
    role: Role, data_dir: Path, app_for: AppFor
) -> None:
    expected = {
        "staff": {"ask", "library"},
        "trainer": {"ask", "library", "training"},
        "governance": {"ask", "library", "review"},
        "admin": {"ask", "library", "training", "review", "settings"},
    }[role]
    at = app_for(role).run()
    assert not at.exception
    for spec in PAGES:
        if spec.name not in expected:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(spec.script)
    for spec in PAGES:
        if spec.name in expected:
            at.switch_page(spec.script).run()
            assert not at.exception, spec.name
            assert not at.error, (spec.name, [e.value for e in at.error])
            assert at.title[0].value in (TITLES[spec.name], "Can I share this?")


@pytest.mark.parametrize(
    ("role", "script"),
    [
        ("staff", "app_pages/training.py"),
        ("staff", "app_pages/review.py"),
        ("staff", "app_pages/settings.py"),
        ("trainer", "app_pages/review.py"),
        ("trainer", "app_pages/settings.py"),
        ("governance", "app_pages/training.py"),
        ("governance", "app_pages/settings.py"),
    ],
)
def test_a_page_refuses_a_role_that_may_not_open_it(
    role: Role, script: str, data_dir: Path, app_for: AppFor
) -> None:
    at = app_for(role, script=script).run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"This page is not available to the {role} role."]
    assert not at.title  # stopped before drawing anything of its own


@pytest.mark.parametrize("script", [spec.script for spec in PAGES])
def test_every_page_refuses_someone_not_signed_in(script: str, data_dir: Path, app_for: AppFor) -> None:
    at = app_for(None, script=script).run()
    assert [e.value for e in at.error] == ["Please sign in first."]


def test_signing_in_with_a_local_account(data_dir: Path, app_for: AppFor) -> None:
    UserStore.open(Settings(), rounds=4).add("Alice", "trainer", PASSWORD)
    at = app_for(None).run()
    assert at.title[0].value == "ShareCheck"
    at.text_input[0].set_value("alice")
    at.text_input[1].set_value(PASSWORD + "!")
    at.form_submit_button[0].click().run()
    assert [e.value for e in at.error] == ["That name and password do not match an account."]
    assert SESSION_KEY not in at.session_state
    at.text_input[1].set_value(PASSWORD)
    at.form_submit_button[0].click().run()
    assert not at.exception
    user = at.session_state[SESSION_KEY]
    assert isinstance(user, SignedIn) and (user.name, user.role) == ("alice", "trainer")
    assert at.title[0].value == "Can I share this?"
    at.switch_page("app_pages/training.py").run()
    assert at.title[0].value == TITLES["training"]


def test_with_no_accounts_the_sign_in_page_says_how_to_make_one(
    data_dir: Path, app_for: AppFor
) -> None:
    at = app_for(None).run()
    assert any("users ensure-admin" in w.value for w in at.warning)


def test_signing_out_returns_to_the_sign_in_page(data_dir: Path, app_for: AppFor) -> None:
    at = app_for("staff").run()
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert SESSION_KEY not in at.session_state
    assert not at.chat_input
    at.run()
    assert at.title[0].value == "ShareCheck"


# --- Microsoft Entra ID (OIDC through st.login) -----------------------------------------------

ENTRA = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "00000000-0000-0000-0000-000000000000",
    "client_secret": "test-client-secret",
    "server_metadata_url": (
        "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration"
    ),
}


def with_entra(at: AppTest, user: dict[str, object]) -> AppTest:
    at.secrets["auth"] = ENTRA
    at.user = user
    return at


def test_the_sign_in_page_offers_microsoft_when_it_is_configured(
    data_dir: Path, app_for: AppFor
) -> None:
    plain = app_for(None).run()
    assert not [b for b in plain.button if b.label == "Sign in with Microsoft"]
    at = with_entra(app_for(None), {"is_logged_in": False}).run()
    assert [b.label for b in at.button if b.label == "Sign in with Microsoft"]


def test_an_entra_user_gets_the_role_of_their_local_account(data_dir: Path, app_for: AppFor) -> None:
    UserStore.open(Settings(), rounds=4).add("jo.bloggs@hfrs.example", "governance", PASSWORD)
    user = {"is_logged_in": True, "email": "Jo.Bloggs@hfrs.example", "name": "Jo Bloggs"}
    at = with_entra(app_for(None), user).run()
    assert not at.exception
    signed_in = at.session_state[SESSION_KEY]
    assert (signed_in.name, signed_in.role, signed_in.via) == ("jo.bloggs@hfrs.example", "governance", "oidc")


def test_an_entra_user_without_a_local_account_is_staff(data_dir: Path, app_for: AppFor) -> None:
    at = with_entra(app_for(None), {"is_logged_in": True, "email": "new.starter@hfrs.example"}).run()
    assert at.session_state[SESSION_KEY].role == "staff"
    with pytest.raises(ValueError):
        at.switch_page("app_pages/settings.py")


def test_admins_are_warned_while_contacts_are_examples(
    data_dir: Path, app_for: AppFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    warning = "SHARECHECK_CONTACTS__DATA_PROTECTION_OFFICER"
    admin = app_for("admin").run()
    assert any(warning in w.value for w in admin.warning)
    staff = app_for("staff").run()
    assert not any(warning in w.value for w in staff.warning)
    monkeypatch.setenv(warning, "the DPO (dpo@humbersidefire.gov.uk)")
    configured = app_for("admin").run()
    assert not any(warning in w.value for w in configured.warning)


# --- sessions that outlive the tab (accounts/sessions.py, serve.py sets the cookie) -------------


def test_signing_in_starts_a_session_and_hands_the_browser_its_one_time_code(
    data_dir: Path, app_for: AppFor
) -> None:
    UserStore.open(Settings(), rounds=4).add("alice", "staff", PASSWORD)
    at = app_for(None).run()
    at.text_input[0].set_value("alice")
    at.text_input[1].set_value(PASSWORD)
    at.form_submit_button[0].click().run()
    assert not at.exception
    user, code = at.session_state[SESSION_KEY], at.session_state[HANDOFF_KEY]
    scripts = [h.proto.body for h in at.get("html")]
    assert any(SESSION_COOKIE_PATH in s and code in s for s in scripts)
    users = UserStore.open(Settings(), rounds=4)
    token = users.sessions.claim(code)  # what serve.py does with the code the page posts
    assert token and users.sessions.resume(token).id == user.session_id  # type: ignore[union-attr]
    at.run()
    assert HANDOFF_KEY not in at.session_state  # collected: not handed out again
    assert not any(code in h.proto.body for h in at.get("html"))


def test_signing_out_ends_the_session_on_the_server(data_dir: Path, app_for: AppFor) -> None:
    at = app_for("staff").run()
    session_id = at.session_state[SESSION_KEY].session_id
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert UserStore.open(Settings(), rounds=4).sessions.active(session_id) is None
    assert any(SESSION_COOKIE_PATH in h.proto.body and "DELETE" in h.proto.body for h in at.get("html"))


def test_a_session_ended_elsewhere_signs_this_tab_out_with_a_reason(
    data_dir: Path, app_for: AppFor
) -> None:
    at = app_for("staff").run()
    assert at.chat_input
    UserStore.open(Settings(), rounds=4).sessions.end(at.session_state[SESSION_KEY].session_id)
    at.run()
    assert SESSION_KEY not in at.session_state
    assert SESSION_ENDED in [i.value for i in at.info]
    assert not at.chat_input



def test_a_session_cookie_signs_a_new_tab_in_with_its_conversation(
    data_dir: Path, app_for: AppFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = UserStore.open(Settings(), rounds=4)
    users.add("alice", "governance", PASSWORD)
    session, code = users.sessions.start("alice", "password")
    token = users.sessions.claim(code)
    first = app_for(None)
    first.session_state[SESSION_KEY] = SignedIn("alice", "governance", "password", session.id)
    first.run().chat_input[0].set_value("Can I tell the police?").run()
    monkeypatch.setattr("ui.auth.session_token", lambda: token)  # AppTest cannot send cookies
    reloaded = app_for(None).run()
    assert not reloaded.exception
    user = reloaded.session_state[SESSION_KEY]
    assert (user.name, user.role, user.session_id) == ("alice", "governance", session.id)
    assert [m.markdown[0].value for m in reloaded.chat_message if m.name == "user"] == [
        "Can I tell the police?"
    ]
    users.sessions.end(session.id)
    assert SESSION_KEY not in app_for(None).run().session_state


def test_an_entra_session_resumes_only_while_microsoft_still_signs_them_in(
    data_dir: Path, app_for: AppFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = UserStore.open(Settings(), rounds=4)
    session, code = users.sessions.start("jo.bloggs@hfrs.example", "oidc")
    token = users.sessions.claim(code)
    monkeypatch.setattr("ui.auth.session_token", lambda: token)
    at = with_entra(app_for(None), {"is_logged_in": True, "email": "jo.bloggs@hfrs.example"}).run()
    user = at.session_state[SESSION_KEY]
    assert (user.session_id, user.via, user.role) == (session.id, "oidc", "staff")
    signed_out = with_entra(app_for(None), {"is_logged_in": False}).run()
    assert SESSION_KEY not in signed_out.session_state
