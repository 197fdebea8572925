"""The composition root: every long-lived part built from one Settings object, once per process.

The app calls `build` under `st.cache_resource`, each CLI run calls it once; everything else is
handed the parts it needs (the protocols in assistant.protocols), never builds its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Self

from assistant.extractive import ExtractiveAnswerer
from assistant.protocols import Answerer
from assistant.service import Assistant
from core.embedding import Embedder, load_embedder
from core.registry import Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from governance.log import AnswerLog
from governance.redact import Redactor
from governance.verified import VerifiedBank
from governance.verified_lookup import VerifiedLookup
from records.store import DecisionBook
from retrieval.search import HybridSearch


def make_answerer(settings: Settings, fallback: ExtractiveAnswerer) -> Answerer:
    """The LLM answerer when the user turned it on in settings, else the extractive one."""
    if not settings.llm.enabled:
        return fallback
    from assistant.llm import LLMAnswerer, chat_model_from_settings

    return LLMAnswerer(chat_model_from_settings(settings.llm), settings.llm, fallback)


@dataclass
class Services:
    """The parts of one running ShareCheck; `close()` releases the databases."""

    settings: Settings
    embedder: Embedder
    store: PassageStore
    registry: Registry
    search: HybridSearch
    redactor: Redactor
    log: AnswerLog | None
    assistant: Assistant
    verified: VerifiedBank | None = None
    decisions: DecisionBook | None = None  # decision records, kept redacted beside the log

    def reload(self) -> None:
        """Pick up what an ingest (this process's or another's) wrote."""
        self.search.reload(self.registry.corpus_version())

    def close(self) -> None:
        self.registry.close()
        if self.log is not None:
            self.log.close()
        if self.verified is not None:
            self.verified.close()
        if self.decisions is not None:
            self.decisions.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def build(
    settings: Settings,
    embedder: Embedder | None = None,
    *,
    with_log: bool = True,
    redactor: Redactor | None = None,
) -> Services:
    """Open the store, registry, search, redactor and (optionally) the log with its verified
    answers, and wire the Assistant. The embedder and redactor are built from the settings
    unless given (the app shares one of each per process); a store another embedder built is
    refused."""
    embedder = embedder or load_embedder(settings)
    store = PassageStore(settings, embedder)
    store.check_embedder()
    registry = Registry.open(settings)
    shared = settings.registry_url is not None  # ingests may run on other machines
    search = HybridSearch(
        settings.retrieval, embedder, store, settings.lexical_dir, build_when_stale=shared
    )
    if shared:
        search.reload(registry.corpus_version())
    redactor = redactor or Redactor.from_settings(settings)
    answer_log = AnswerLog.open(settings, redactor=redactor) if with_log else None
    fallback = ExtractiveAnswerer(settings.contacts)
    # Verified answers live in the log database: without the log (eval, --no-log) none is served.
    verified = VerifiedBank.open(settings) if with_log else None
    decisions = DecisionBook.open(settings, redactor) if with_log else None
    lookup = VerifiedLookup(verified, embedder, registry.documents, store.get) if verified else None
    assistant = Assistant(
        settings,
        retriever=search,
        library=registry,
        passage_count=store.count,
        answerer=make_answerer(settings, fallback),
        fallback=fallback,
        recorder=answer_log,
        redactor=redactor,
        verified=lookup,
    )
    return Services(
        settings, embedder, store, registry, search, redactor, answer_log, assistant, verified,
        decisions,
    )
