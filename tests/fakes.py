"""Fakes beside the real things, for tests only: chat models that never reach a server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk


class QueuedChatModel(FakeListChatModel):
    """Replies queued in order (`responses=[...]`), every call's messages kept in `.history`
    (simonw/llm's MockModel, on langchain's fake)."""

    history: list[list[BaseMessage]] = []

    def _call(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> str:
        self.history.append(list(messages))
        return super()._call(messages, *args, **kwargs)

    def _stream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        self.history.append(list(messages))
        yield from super()._stream(messages, *args, **kwargs)


class BrokenChatModel(FakeListChatModel):
    """A chat model whose server is down."""

    responses: list[str] = []

    def _call(self, *args: Any, **kwargs: Any) -> str:
        raise ConnectionError("cannot reach http://127.0.0.1:11434")

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        raise ConnectionError("cannot reach http://127.0.0.1:11434")
