"""Build the Assistant with its real parts from settings: the one place that knows them all."""

from __future__ import annotations

from assistant.answer import Answerer
from assistant.extractive import ExtractiveAnswerer
from assistant.service import Assistant
from core.embedding import Embedder, MiniLMEmbedder
from core.settings import Settings
from core.vectorstore import PassageStore


def make_answerer(settings: Settings, fallback: ExtractiveAnswerer) -> Answerer:
    """The LLM answerer when the user turned it on in settings, else the extractive one."""
    if not settings.llm.enabled:
        return fallback
    from assistant.llm import LLMAnswerer, chat_model_from_settings

    return LLMAnswerer(chat_model_from_settings(settings.llm), settings.llm, fallback)


def open_assistant(
    settings: Settings, embedder: Embedder | None = None, with_log: bool = True
) -> Assistant:
    from assistant.log import AnswerLog
    from assistant.redact import Redactor

    embedder = embedder or MiniLMEmbedder()
    redactor = Redactor.from_settings(settings)
    assistant = Assistant(
        settings,
        embedder,
        PassageStore(settings, embedder),
        answer_log=AnswerLog.open(settings, redactor=redactor) if with_log else None,
        redactor=redactor,
    )
    assistant.answerer = make_answerer(settings, assistant.extractive)
    return assistant
