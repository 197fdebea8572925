"""ShareCheck served the way it should run: `streamlit run serve.py` (app.py, with the server's
internal statistics closed, the session cookie set by the server, and answers warmed up at start).

Streamlit publishes `/_stcore/metrics` (sessions, cache sizes) to anyone who can reach the port,
signed in or not, and has no setting to switch it off (checked for Streamlit 1.67). This file
serves app.py through `st.App` with a middleware that answers 404 there instead. Everything else,
including `.streamlit/config.toml`, is as `streamlit run app.py` would have it.

Two more things only a server can do. `/_sharecheck/session` trades the one-time code a new
sign-in hands the page for the session cookie, HttpOnly so page script never sees the token
(accounts/sessions.py), and clears it after signing out. And at start, the model, index and
redactor load in a background thread, so the sign-in page opens at once and the first answer
does not wait for them.
"""

from __future__ import annotations

import posixpath
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from accounts.sessions import COOKIE_NAME
from accounts.users import UserStore
from core.settings import Settings
from ui.auth import SESSION_COOKIE_PATH

APP = Path(__file__).with_name("app.py")
# Paths under the base URL that no one needs from outside the server.
CLOSED_PATHS = ("/_stcore/metrics",)


class ClosedPaths:
    """Answer 404 for the closed paths (whatever the base URL, slashes or case), pass on the rest."""

    def __init__(self, app: ASGIApp, closed: tuple[str, ...] = CLOSED_PATHS) -> None:
        self.app = app
        self.closed = closed

    def refuses(self, path: str) -> bool:
        normal = posixpath.normpath("/" + path).lower()
        return any(normal == c or normal.endswith(c) for c in self.closed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.refuses(scope["path"]):
            await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


# A one-time code is 43 characters; anything much longer is not one.
MAX_CODE_CHARS = 100


def _settings() -> Settings:
    """The app's settings, built once per process (ui.services), not once per request."""
    from ui import services

    return services.settings()


def _claim(code: str) -> str | None:
    store = UserStore.open(_settings())
    try:
        return store.sessions.claim(code)
    finally:
        store.close()


def _end(token: str) -> None:
    store = UserStore.open(_settings())
    try:
        session = store.sessions.resume(token)
        if session is not None:
            store.sessions.end(session.id, "signed_out")
    finally:
        store.close()


async def session_cookie(request: Request) -> Response:
    """POST a one-time code: the session cookie. DELETE: the session ended and its cookie cleared."""
    response = PlainTextResponse("", status_code=204)
    if request.method == "DELETE":
        token = request.cookies.get(COOKIE_NAME)
        if token:
            await run_in_threadpool(_end, token)
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
        return response
    code = (await request.body())[:MAX_CODE_CHARS].decode("utf-8", "replace")
    token = await run_in_threadpool(_claim, code)
    if token is None:
        return PlainTextResponse("That sign-in code is used or out of date.", status_code=403)
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(
        COOKIE_NAME, token, max_age=int(_settings().session.hours * 3600), path="/",
        httponly=True, samesite="strict", secure=secure,
    )  # fmt: skip
    return response


@asynccontextmanager
async def warm_up_at_start(app: st.App) -> AsyncIterator[None]:
    """Start loading the assistant in the background as soon as the server runs."""
    from ui import services

    services.start_warm_up()
    yield


app = st.App(
    APP,
    lifespan=warm_up_at_start,
    routes=[Route(SESSION_COOKIE_PATH, session_cookie, methods=["POST", "DELETE"])],
    middleware=[Middleware(ClosedPaths)],
)
