"""The assistant on the bundled store, shared by the tests that ask it questions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.compose import build
from assistant.service import Assistant
from core.embedding import MiniLMEmbedder
from core.settings import Settings


@pytest.fixture(scope="module")
def bundled(bundled_store: Settings, embedder: MiniLMEmbedder) -> Iterator[Assistant]:
    with build(bundled_store, embedder, with_log=False) as parts:
        yield parts.assistant
