"""A real llama.cpp server with Gemma 3 270M on loopback, behind a recording proxy, and the
bundled store's assistant pointed at it as a service would point it at its own endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.compose import Services, build
from core.embedding import MiniLMEmbedder
from core.settings import LLMSettings, Settings
from tests.app_pages.conftest import app_for, data_dir  # noqa: F401  (the Ask page fixtures)
from tests.llm_server.llama import (
    MODEL_ALIAS,
    LlamaInstall,
    LlamaServer,
    NotBuilt,
    RecordingProxy,
    find_install,
)

# The deadline for an ordinary question: prompt reading (1,500-3,000 tokens) plus a full reply on
# one thread of 2 shared cores. Generous, because other work shares these cores (at load 16-25 a
# whole reply took up to 48 s: eval/reports/llm-bundled-2026-12-01.md); a deadline that passes
# early costs nothing, and the test of a deadline shorter than the model uses its own.
DEADLINE_S = 300.0


@pytest.fixture(scope="session", autouse=True)
def llama_install() -> LlamaInstall:
    """What scripts/llama_server.sh built; every test here skips, saying why, without it (autouse,
    so the skip comes before any store is built)."""
    try:
        return find_install()
    except NotBuilt as reason:
        pytest.skip(str(reason))


@pytest.fixture(scope="session")
def llama_server(
    llama_install: LlamaInstall, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LlamaServer]:
    """One server for the session's ordinary questions (each test that breaks a server starts
    its own)."""
    server = LlamaServer.start(llama_install, tmp_path_factory.mktemp("llama") / "server.log")
    yield server
    server.stop()


@pytest.fixture
def proxy(llama_server: LlamaServer) -> Iterator[RecordingProxy]:
    """A fresh recording proxy in front of the session's server."""
    recorder = RecordingProxy(llama_server.port).start()
    yield recorder
    recorder.stop()


def llm_settings(base_url: str, timeout_s: float = DEADLINE_S) -> LLMSettings:
    """The tested configuration, as the README shows it."""
    return LLMSettings(
        enabled=True, provider="openai", model=MODEL_ALIAS, base_url=f"{base_url}/v1",
        timeout_s=timeout_s,
    )  # fmt: skip


def llm_services(
    store_dir: Path, embedder: MiniLMEmbedder, base_url: str, timeout_s: float = DEADLINE_S
) -> Services:
    """The services on a private copy of the bundled store (the `data_dir` fixture), with the
    LLM on and a log of their own."""
    return build(Settings(data_dir=store_dir, llm=llm_settings(base_url, timeout_s)), embedder)
