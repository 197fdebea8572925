"""The one door the app and the CLI use: question in, cited Answer out (and logged)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from assistant.extractive import BOTTOM_LINE_WORDS, ExtractiveAnswerer
from assistant.language import NOT_ENGLISH, is_english
from assistant.protocols import (
    Answerer,
    AnswerRecorder,
    Library,
    Retriever,
    TextRedactor,
    VerifiedAnswers,
)
from assistant.scope import in_danger, in_scope
from core.answer import DANGER_LINE, Answer, Citation, Turn
from core.errors import StoreEmpty
from core.laws import unknown_laws
from core.registry import DocumentRecord
from core.settings import Settings
from governance.verified_lookup import to_answer
from retrieval.query import build_query, expand, is_follow_up
from retrieval.search import Filters, Hit

log = logging.getLogger(__name__)


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
    """Retrieval, answering, redaction and logging, handed in once (assistant.compose), then
    asked many times."""

    def __init__(
        self,
        settings: Settings,
        *,
        retriever: Retriever,
        library: Library,
        passage_count: Callable[[], int],
        answerer: Answerer,
        fallback: ExtractiveAnswerer,
        recorder: AnswerRecorder | None = None,
        redactor: TextRedactor | None = None,
        verified: VerifiedAnswers | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.library = library
        self.passage_count = passage_count
        self.answerer = answerer
        self.fallback = fallback
        self.recorder = recorder
        self.redactor = redactor
        self.verified = verified
        self._corpus_version = library.corpus_version()

    def documents(self) -> list[DocumentRecord]:
        return self.library.documents()

    def corpus_version(self) -> str:
        return self.library.corpus_version()

    def follow_the_store(self) -> None:
        """Reload the search index when any ingest (this process, the CLI, another instance)
        changed the corpus since it was read: one registry query per question."""
        version = self.library.corpus_version()
        if version != self._corpus_version:
            log.info(
                "corpus changed (%s -> %s): reloading the index", self._corpus_version, version
            )
            self.retriever.reload(version)
            self._corpus_version = version

    def retrieve(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> list[Hit]:
        self.follow_the_store()
        earlier = [turn.question for turn in history or []]
        retrieval = self.settings.retrieval
        query = build_query(question, earlier, retrieval.history_turns, retrieval.vocabulary)
        return self.retriever.search(query, self.settings.retrieval.top_k, filters)

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
        if self.passage_count() == 0:
            raise StoreEmpty(str(self.settings.data_dir))
        question, redacted = self._redact(question)
        # Earlier turns were typed by a person too: they reach search and any LLM redacted.
        history = [replace(t, question=self._redact(t.question)[0]) for t in history]
        answer = self._answer(question, history, filters)
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        answer.redacted = redacted
        answer.settings_hash = self.settings.fingerprint()
        answer.prompt_id = answer.prompt_id or (
            "" if answer.mode == "extractive" else self.settings.llm.prompt
        )
        if log_answer and self.recorder is not None:
            who = asker or Asker()
            answer.log_id = self.recorder.record(
                answer, user_id=who.user_id, role=who.role, session_id=who.session_id,
                corpus_version=self.corpus_version(),
            )  # fmt: skip
        return answer

    def _redact(self, question: str) -> tuple[str, bool]:
        if self.redactor is None:
            return question, False
        text = self.redactor.redact(question).text
        return text, text != question

    def _answer(self, question: str, history: list[Turn], filters: Filters | None) -> Answer:
        danger = in_danger(question)
        verified = self._verified(question, history, filters)
        if verified is not None:
            return _act_now(verified) if danger else verified
        hits = self.retrieve(question, history, filters)
        reason = self._abstain_reason(question, history, hits)
        if reason:
            answer = self.fallback.abstain(question, reason)
        else:
            citations = [
                Citation(n, h.passage, round(h.score, 4), review_warning(h.passage.review_date))
                for n, h in enumerate(hits, start=1)
            ]
            answer = self.answerer.answer(question, citations, history)
        if danger:
            answer = _act_now(answer)
        return answer

    def _verified(
        self, question: str, history: list[Turn], filters: Filters | None
    ) -> Answer | None:
        """Governance's verified answer when one answers this very question; never for a
        follow-up (it means what the earlier turns make it mean) nor outside the filters."""
        if self.verified is None or (history and is_follow_up(question)):
            return None
        match = self.verified.find(question)
        if match is None or (filters and not all(filters.allows(p) for p in match.passages)):
            return None
        return to_answer(question, match, review_warning)

    def _abstain_reason(self, question: str, history: list[Turn], hits: list[Hit]) -> str:
        if not is_english(question):
            return NOT_ENGLISH
        if not hits:
            return "nothing in the store matched"
        # Read with abbreviations and everyday subject words expanded: "ASC is shut, who do I
        # ring?" is about social care, "can I tell the cops?" about sharing.
        context = expand(" ".join([t.question for t in history[-1:]] + [question]), phrasing=False)
        if not in_scope(context):
            return "it is not about sharing people's information"
        laws = self.library.known_laws()
        unknown = unknown_laws(question, laws) if laws is not None else []
        if unknown:
            return f"they do not mention the {_title(unknown[0])}"
        best = max(h.similarity for h in hits)
        if best < self.settings.retrieval.abstain_below:
            return f"no passage is close enough: best match {best:.2f}"
        return ""


def _act_now(answer: Answer) -> Answer:
    """Immediate danger comes before any sharing question: 999 first, the answer after it."""
    line = DANGER_LINE
    if answer.bottom_line:
        room = BOTTOM_LINE_WORDS - len(f"{DANGER_LINE} Then:".split())
        then = answer.bottom_line.split()
        line = f"{DANGER_LINE} Then: {' '.join(then[: room - 1]) + ' …' if len(then) > room else answer.bottom_line}"
    return replace(
        answer, text=f"**{DANGER_LINE}**\n\n{answer.text}", danger=True, verdict="act_now",
        bottom_line=line,
    )  # fmt: skip


def _title(law: str) -> str:
    """'data use and access act' -> 'Data Use and Access Act', as the decline names it."""
    small = {"and", "of", "for", "the", "on"}
    return " ".join(w if w in small else w.capitalize() for w in law.split())
