"""The assistant on the bundled store, shared by the tests that ask it questions."""

from __future__ import annotations

import pytest

from assistant.service import Assistant
from assistant.wiring import open_assistant
from core.embedding import MiniLMEmbedder
from core.settings import Settings


@pytest.fixture(scope="module")
def bundled(bundled_store: Settings, embedder: MiniLMEmbedder) -> Assistant:
    return open_assistant(bundled_store, embedder, with_log=False)
