"""The app's long-lived services, built once per process with `st.cache_resource` and shared.

Settings are read from the environment on each run (cheap); each service is cached under a key
made from the settings that shape it, so a changed data dir gets its own assistant.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from accounts.users import UserStore
from assistant.compose import Services
from assistant.service import Assistant
from core.embedding import Embedder
from core.settings import Settings

if TYPE_CHECKING:
    from governance.redact import Redactor

log = logging.getLogger(__name__)

# Where the first start reads documents from when the store is empty; the bundled corpus unless
# this environment variable names another folder (tests point it at a tiny one).
CORPUS_DIR_ENV = "SHARECHECK_CORPUS_DIR"


@st.cache_resource(show_spinner=False)
def _settings(environment: str) -> Settings:
    return Settings()


def settings() -> Settings:
    """The settings from SHARECHECK_* environment variables: built once per distinct environment,
    not on every rerun."""
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("SHARECHECK_"))
    return _settings(repr(environment))


@st.cache_resource(show_spinner="Loading the language model…")
def _embedder(backend: str) -> Embedder:
    from core.embedding import make_embedder

    return make_embedder(backend)


def embedder() -> Embedder:
    """The sentence embedding model the settings name (SHARECHECK_EMBEDDING_BACKEND): the slowest
    thing to load, so loaded once per process."""
    return _embedder(settings().embedding_backend)


@st.cache_resource(show_spinner=False)
def _redactor(key: str, _settings: Settings) -> Redactor:
    from governance.redact import Redactor

    return Redactor.from_settings(_settings)


def redactor(current: Settings) -> Redactor:
    """The one redactor per process (its language models load on first use): the ask service,
    the log the Review page writes notes to and the decision records share it."""
    return _redactor(current.model_dump_json(include={"data_dir", "contacts"}), current)


@st.cache_resource(show_spinner="Opening the document store…")
def _services(key: str, _settings: Settings) -> Services:
    from assistant.compose import build

    return build(
        _settings, embedder=_embedder(_settings.embedding_backend), redactor=redactor(_settings)
    )


def current() -> Services:
    """The running parts (store, search, log, assistant) for the current settings, built once."""
    now = settings()
    return _services(now.model_dump_json(), now)


def assistant() -> Assistant:
    """The one Assistant for the current settings."""
    return current().assistant


def warm_up() -> None:
    """Load the model, open the store and build the redactor before the first question; the
    redactor's libraries load in a thread of their own meanwhile."""
    redactor(settings()).start_loading()
    current().redactor.redact("warm-up")


@dataclass
class WarmUp:
    """The background load of the model, index and redactor: started once per server process."""

    started: float = 0.0
    finished: float = 0.0
    error: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        with self._lock:
            if self.started:
                return
            self.started = time.monotonic()
        threading.Thread(target=self._run, name="sharecheck-warm-up", daemon=True).start()

    def _run(self) -> None:
        try:
            warm_up()
        except Exception as error:  # the pages say what stops the assistant when they need it
            log.exception("warming up the assistant failed")
            self.error = str(error)
        finally:
            self.finished = time.monotonic()
            log.info("answers ready %.1f s after the warm-up started", self.finished - self.started)

    @property
    def ready(self) -> bool:
        return bool(self.finished) and not self.error


@st.cache_resource(show_spinner=False)
def _warm_up() -> WarmUp:
    return WarmUp()


def start_warm_up() -> WarmUp:
    """Start loading the assistant in the background (once per process); the sign-in page and
    the server start (serve.py) call this, so no one waits for the model at sign-in."""
    warm = _warm_up()
    warm.start()
    return warm


@st.cache_resource(show_spinner=False)
def _users(path: str, hours: float, idle_minutes: float, _settings: Settings) -> UserStore:
    return UserStore.open(_settings)


def users() -> UserStore:
    """The local accounts under the current data dir, with the session limits the settings give
    (SHARECHECK_SESSION__HOURS, __IDLE_MINUTES)."""
    now = settings()
    return _users(str(now.users_path.resolve()), now.session.hours, now.session.idle_minutes, now)


def first_start_corpus() -> Path:
    """The folder ingested when the app starts on an empty store."""
    from ingest.__main__ import BUNDLED_CORPUS

    return Path(os.environ.get(CORPUS_DIR_ENV) or BUNDLED_CORPUS)


def uploads_dir(current: Settings) -> Path:
    """Where documents uploaded on the Library page are kept (one ingest root)."""
    return current.uploads_dir
