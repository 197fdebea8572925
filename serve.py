"""ShareCheck served the way it should run: `streamlit run serve.py` (app.py, with the server's
internal statistics closed).

Streamlit publishes `/_stcore/metrics` (sessions, cache sizes) to anyone who can reach the port,
signed in or not, and has no setting to switch it off (checked for Streamlit 1.67). This file
serves app.py through `st.App` with a middleware that answers 404 there instead. Everything else,
including `.streamlit/config.toml`, is as `streamlit run app.py` would have it.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

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


app = st.App(APP, middleware=[Middleware(ClosedPaths)])
