"""Who is signed in, what each role may open, and the sign-in form.

Local accounts (accounts/users.py) sign in with a name and password. Where `.streamlit/secrets.toml`
has an `[auth]` section, "Sign in with Microsoft" (OIDC via `st.login`) is offered as well, and an
Entra ID user's role is the role of the local account with their e-mail address, else staff.
Every password sign-in is recorded and throttled by name and by client address (accounts/sign_ins.py).

A sign-in outlives the browser tab (accounts/sessions.py): the server sets an HttpOnly cookie
(serve.py) that a reload or a bookmark brings back, read here through `st.context.cookies`; each
run checks the session is still live, so signing out, the idle timeout and the shift-length
limit end it everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from accounts.sessions import COOKIE_NAME
from accounts.users import Role, UserStore, normalise_name

PageName = Literal["ask", "library", "training", "review", "settings"]
EVERYONE: frozenset[Role] = frozenset({"staff", "trainer", "governance", "admin"})
PAGE_ROLES: dict[PageName, frozenset[Role]] = {
    "ask": EVERYONE,
    "library": EVERYONE,
    "training": frozenset({"trainer", "admin"}),
    "review": frozenset({"governance", "admin"}),
    "settings": frozenset({"admin"}),
}
SESSION_KEY = "signed_in"
# The one-time code of a new session until the browser has traded it for its cookie.
HANDOFF_KEY = "session_handoff"
# Set by signing out: the next page asks the server to clear the (now dead) cookie.
CLEAR_COOKIE_KEY = "session_cookie_clear"
# Where serve.py trades a one-time code for the session cookie, and clears it.
SESSION_COOKIE_PATH = "/_sharecheck/session"
SESSION_ENDED = "Your session has ended (signed out, or unused too long). Please sign in again."
# Lock ends are shown in the browser's time zone; ShareCheck's users are in the UK otherwise.
DEFAULT_TIMEZONE = "Europe/London"
NO_MATCH = "That name and password do not match an account."


@dataclass(frozen=True)
class SignedIn:
    """The person using this browser session; `session_id` names their session in the log."""

    name: str
    role: Role
    via: Literal["password", "oidc"] = "password"
    session_id: str = ""


def start_session(
    users: UserStore, name: str, role: Role, via: Literal["password", "oidc"] = "password"
) -> SignedIn:
    """Sign this browser session in, with a server-side session the browser collects a cookie for."""
    session, code = users.sessions.start(name, via)
    user = SignedIn(name, role, via, session.id)
    st.session_state[SESSION_KEY] = user
    st.session_state[HANDOFF_KEY] = code
    return user


def resumed_user(users: UserStore) -> SignedIn | None:
    """The person a session cookie (sent again on a reload or bookmark) names, if still live."""
    token = session_token()
    session = users.sessions.resume(token) if token else None
    if session is None:
        return None
    account = users.get(session.name)
    if session.method == "password" and account is None:
        users.sessions.end(session.id, "account_removed")
        return None
    if session.method == "oidc" and not (oidc_configured() and st.user.get("is_logged_in")):
        return None  # signed out of Microsoft: that ends this sign-in too
    user = SignedIn(session.name, account.role if account else "staff", session.method, session.id)
    st.session_state[SESSION_KEY] = user
    return user


def session_token() -> str | None:
    """The session cookie's token, as the browser sent it when this tab connected."""
    token = st.context.cookies.get(COOKIE_NAME)
    return token if isinstance(token, str) and token else None


def still_signed_in(users: UserStore, user: SignedIn) -> bool:
    """False (and this browser session signed out) once the server-side session has ended."""
    if users.sessions.active(user.session_id) is not None:
        return True
    st.session_state.clear()
    return False


def hand_over_cookie(users: UserStore) -> None:
    """Until the browser holds the session cookie, have it trade the one-time code for it.

    The page posts the code to serve.py, which answers with an HttpOnly cookie: the session
    token never passes through the page. Under plain `streamlit run app.py` there is no such
    route and a reload signs out, as before."""
    user, code = current_user(), st.session_state.get(HANDOFF_KEY)
    if user is None or not isinstance(code, str):
        return
    if users.sessions.claimed(user.session_id):
        del st.session_state[HANDOFF_KEY]
        return
    _run_in_browser(
        f"fetch({json.dumps(SESSION_COOKIE_PATH)}, {{method: 'POST', body: {json.dumps(code)},"
        " credentials: 'same-origin', headers: {'Content-Type': 'text/plain'}});"
    )


def clear_cookie() -> None:
    """After signing out, have the server clear the session cookie (the session is already over)."""
    if st.session_state.pop(CLEAR_COOKIE_KEY, False):
        _run_in_browser(
            f"fetch({json.dumps(SESSION_COOKIE_PATH)}, {{method: 'DELETE', credentials: 'same-origin'}});"
        )


def _run_in_browser(script: str) -> None:
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def may_open(role: str, page: PageName) -> bool:
    return role in PAGE_ROLES[page]


def current_user() -> SignedIn | None:
    user = st.session_state.get(SESSION_KEY)
    return user if isinstance(user, SignedIn) else None


def require_page(page: PageName) -> SignedIn:
    """The signed-in user if their role may open `page`; otherwise say so and stop the page."""
    user = current_user()
    if user is None:
        st.error("Please sign in first.")
        st.stop()
    if not may_open(user.role, page):
        st.error(f"This page is not available to the {user.role} role.")
        st.stop()
    return user


def sign_out(users: UserStore) -> None:
    """End the session server-side (its cookie signs no one in again), then here."""
    user = current_user()
    if user is not None:
        users.sessions.end(user.session_id, "signed_out")
    st.session_state.clear()
    st.session_state[CLEAR_COOKIE_KEY] = True
    if user is not None and user.via == "oidc":
        st.logout()


# --- OIDC (Microsoft Entra ID) ----------------------------------------------------------------


def oidc_configured() -> bool:
    """True when secrets.toml has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def oidc_user(users: UserStore) -> SignedIn | None:
    """Start a session for someone signed in through the identity provider, if they are."""
    if not oidc_configured() or not st.user.get("is_logged_in"):
        return None
    email = str(st.user.get("email") or st.user.get("preferred_username") or "")
    if not email:
        st.error("The identity provider did not say who you are (no e-mail claim).")
        return None
    account = users.get(normalise_name(email))
    users.sign_ins.record(normalise_name(email), client_address(), "ok", "oidc")
    return start_session(users, normalise_name(email), account.role if account else "staff", "oidc")


# --- the form ---------------------------------------------------------------------------------


def sign_in_form(users: UserStore) -> None:
    """Name and password, checked against the local accounts; reruns the app once signed in."""
    if not users.users():
        st.warning(
            "There are no accounts yet. An administrator creates the first one with "
            "`python -m assistant users ensure-admin` (`make run` does this)."
        )
    with st.form("sign-in"):
        name = st.text_input("Name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary", width="stretch")
    if submitted:
        _check(users, name, password)
    if oidc_configured() and st.button("Sign in with Microsoft", width="stretch"):
        _oidc_login()


def _check(users: UserStore, name: str, password: str) -> None:
    """Sign in, or say why not: a lock reads the same whether or not the name is an account."""
    if not (name and password):
        st.error(NO_MATCH)
        return
    result = users.sign_in(name, password, client_address())
    if result.locked_until is not None:
        st.error(f"Too many attempts, try again at {local_time(result.locked_until)}.")
    elif result.user is None:
        st.error(NO_MATCH)
    else:
        start_session(users, result.user.name, result.user.role)
        st.rerun()


def client_address() -> str | None:
    """The browser's IP address as Streamlit saw it; None on localhost (and in AppTest)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else None  # AppTest gives a mock


def local_time(moment: datetime) -> str:
    """HH:MM in the browser's time zone when it is known, else UK time."""
    named = st.context.timezone
    try:
        zone = ZoneInfo(named if isinstance(named, str) and named else DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):  # a browser may name a zone this machine lacks
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    return moment.astimezone(zone).strftime("%H:%M")


def _oidc_login() -> None:
    provider = "microsoft" if "microsoft" in st.secrets.get("auth", {}) else None
    try:
        st.login(provider)
    except Exception as error:  # e.g. Authlib missing or the [auth] section incomplete
        st.error(f"Microsoft sign-in is not set up correctly: {error}")
