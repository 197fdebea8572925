"""The app's long-lived services, built once per process with `st.cache_resource` and shared.

Settings are read from the environment on each run (cheap); each service is cached under a key
made from the settings that shape it, so a changed data dir gets its own assistant.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from accounts.users import UserStore, users_path
from assistant.compose import Services
from assistant.service import Assistant
from core.embedding import Embedder
from core.settings import Settings

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
def embedder() -> Embedder:
    """The sentence embedding model: the slowest thing to load, so loaded once per process."""
    from core.embedding import MiniLMEmbedder

    return MiniLMEmbedder()


@st.cache_resource(show_spinner="Opening the document store…")
def _services(key: str, _settings: Settings) -> Services:
    from assistant.compose import build

    return build(_settings, embedder=embedder())


def current() -> Services:
    """The running parts (store, search, log, assistant) for the current settings, built once."""
    now = settings()
    return _services(now.model_dump_json(), now)


def assistant() -> Assistant:
    """The one Assistant for the current settings."""
    return current().assistant


def warm_up() -> None:
    """Load the model, open the store and build the redactor before the first question."""
    current().redactor.redact("warm-up")


@st.cache_resource(show_spinner=False)
def _users(path: str) -> UserStore:
    return UserStore(Path(path))


def users() -> UserStore:
    """The local accounts under the current data dir."""
    return _users(str(users_path(settings()).resolve()))


def first_start_corpus() -> Path:
    """The folder ingested when the app starts on an empty store."""
    from ingest.__main__ import BUNDLED_CORPUS

    return Path(os.environ.get(CORPUS_DIR_ENV) or BUNDLED_CORPUS)


def uploads_dir(current: Settings) -> Path:
    """Where documents uploaded on the Library page are kept (one ingest root)."""
    return current.data_dir / "uploads"
