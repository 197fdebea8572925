"""The one door the app and the CLI use: question in, cited Answer out (and logged)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from assistant.answer import DANGER_LINE, Answer, Answerer, Citation, Turn
from assistant.extractive import ExtractiveAnswerer
from assistant.query import build_query, expand
from assistant.retriever import Filters, Hit, HybridSearch
from assistant.scope import in_danger, in_scope
from core.embedding import Embedder, MiniLMEmbedder
from core.errors import StoreEmpty
from core.laws import unknown_laws
from core.lexical import LexicalIndex
from core.registry import DocumentRecord, Registry
from core.settings import Settings
from core.vectorstore import PassageStore

log = logging.getLogger(__name__)


class AnswerLog(Protocol):
    """Where answers are recorded for governance (see assistant/governance)."""

    def record(
        self, answer: Answer, *, user_id: str, role: str, session_id: str, corpus_version: str
    ) -> int: ...


class Redactor(Protocol):
    def redact(self, text: str) -> object: ...


@dataclass(frozen=True)
class Asker:
    """Who is asking, for the log; never a password."""

    user_id: str = "cli"
    role: str = "staff"
    session_id: str = ""


def review_warning(citation_passage_review: str, today: date | None = None) -> str:
    if not citation_passage_review:
        return ""
    due = date.fromisoformat(citation_passage_review)
    if due >= (today or date.today()):
        return ""
    return (
        f"This agreement passed its review date ({due.isoformat()}); check with the data "
        "protection officer that it is still in force before relying on it."
    )


class Assistant:
    """Retrieval, answering, redaction and logging wired together once, then asked many times."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: PassageStore,
        answerer: Answerer | None = None,
        answer_log: AnswerLog | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.registry = Registry(settings.registry_path)
        self.extractive = ExtractiveAnswerer(settings.contacts)
        self.answerer: Answerer = answerer or self.extractive
        self.answer_log = answer_log
        self.redactor = redactor
        self.search = HybridSearch(
            settings.retrieval, embedder, store, LexicalIndex.load(settings.lexical_dir)
        )

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None, **parts: object) -> Assistant:
        embedder = embedder or MiniLMEmbedder()
        return cls(settings, embedder, PassageStore(settings, embedder), **parts)  # type: ignore[arg-type]

    def reload_index(self) -> None:
        """Pick up a new lexical index after an ingest."""
        self.search.lexical = LexicalIndex.load(self.settings.lexical_dir)

    def documents(self) -> list[DocumentRecord]:
        return self.registry.documents()

    def corpus_version(self) -> str:
        return self.registry.corpus_version()

    def retrieve(self, question: str, history: list[Turn] | None = None, filters: Filters | None = None) -> list[Hit]:
        query = build_query(question, history or [], self.settings.retrieval.history_turns)
        return self.search.search(query, self.settings.retrieval.top_k, filters)

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        asker: Asker | None = None,
        filters: Filters | None = None,
        log_answer: bool = True,
    ) -> Answer:
        started = time.perf_counter()
        history = history or []
        if self.store.count() == 0:
            raise StoreEmpty(str(self.settings.data_dir))
        question, redacted = self._redact(question)
        answer = self._answer(question, history, filters)
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        answer.redacted = redacted
        answer.settings_hash = self.settings.fingerprint()
        answer.prompt_id = answer.prompt_id or ("" if answer.mode == "extractive" else self.settings.llm.prompt)
        if log_answer and self.answer_log is not None:
            who = asker or Asker()
            answer.log_id = self.answer_log.record(
                answer, user_id=who.user_id, role=who.role, session_id=who.session_id,
                corpus_version=self.corpus_version(),
            )  # fmt: skip
        return answer

    def _redact(self, question: str) -> tuple[str, bool]:
        if self.redactor is None:
            return question, False
        result = self.redactor.redact(question)
        text = getattr(result, "text", question)
        return text, text != question

    def _answer(self, question: str, history: list[Turn], filters: Filters | None) -> Answer:
        danger = in_danger(question)
        hits = self.retrieve(question, history, filters)
        reason = self._abstain_reason(question, history, hits)
        if reason:
            answer = self.extractive.abstain(question, reason)
        else:
            citations = [
                Citation(n, h.passage, round(h.score, 4), review_warning(h.passage.review_date))
                for n, h in enumerate(hits, start=1)
            ]
            answer = self.answerer.answer(question, citations, history)
        if danger:
            answer = replace(answer, text=f"**{DANGER_LINE}**\n\n{answer.text}", danger=True)
        return answer

    def _abstain_reason(self, question: str, history: list[Turn], hits: list[Hit]) -> str:
        if not hits:
            return "nothing in the store matched"
        # Read with abbreviations and everyday subject words expanded: "ASC is shut, who do I
        # ring?" is about social care, "can I tell the cops?" about sharing.
        context = expand(" ".join([t.question for t in history[-1:]] + [question]), phrasing=False)
        if not in_scope(context):
            return "it is not about sharing people's information"
        laws = self.search.lexical.laws if self.search.lexical is not None else None
        unknown = unknown_laws(question, laws) if laws is not None else []
        if unknown:
            return f"they do not mention the {_title(unknown[0])}"
        best = max(h.similarity for h in hits)
        if best < self.settings.retrieval.abstain_below:
            return f"no passage is close enough: best match {best:.2f}"
        return ""


def _title(law: str) -> str:
    """'data use and access act' -> 'Data Use and Access Act', as the decline names it."""
    small = {"and", "of", "for", "the", "on"}
    return " ".join(w if w in small else w.capitalize() for w in law.split())
