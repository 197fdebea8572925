"""The app's long-lived services, built once per process with `st.cache_resource` and shared.

Settings are read from the environment on each run (cheap); each service is cached under a key
made from the settings that shape it, so a changed data dir gets its own assistant.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from assistant.service import Assistant
from assistant.users import UserStore, users_path
from core.embedding import Embedder
from core.settings import Settings

# Where the first start reads documents from when the store is empty; the bundled corpus unless
# this environment variable names another folder (tests point it at a tiny one).
CORPUS_DIR_ENV = "SHARECHECK_CORPUS_DIR"


def settings() -> Settings:
    """The settings for this run, from SHARECHECK_* environment variables."""
    return Settings()


@st.cache_resource(show_spinner="Loading the language model…")
def embedder() -> Embedder:
    """The sentence embedding model: the slowest thing to load, so loaded once per process."""
    from core.embedding import MiniLMEmbedder

    return MiniLMEmbedder()


@st.cache_resource(show_spinner="Opening the document store…")
def _assistant(key: str, _settings: Settings) -> Assistant:
    from assistant.wiring import open_assistant

    return open_assistant(_settings, embedder=embedder())


def assistant() -> Assistant:
    """The one Assistant for the current settings."""
    current = settings()
    return _assistant(current.model_dump_json(), current)


def warm_up() -> None:
    """Load the model, open the store and build the redactor before the first question."""
    redactor = assistant().redactor
    if redactor is not None:
        redactor.redact("warm-up")


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
