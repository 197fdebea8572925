"""The boundaries the ask service depends on: small protocols, one per role.

The concrete parts (Chroma + BM25 search, the extractive and LLM answerers, the SQL log, the
presidio redactor) are built in `assistant.compose`; everything else sees only these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from core.answer import Answer, Citation, Mode, Turn
from core.registry import DocumentRecord
from governance.records import Rating
from governance.redact import TextRedactor
from retrieval.query import SearchQuery
from retrieval.search import Filters, Hit

if TYPE_CHECKING:
    from governance.verified_lookup import VerifiedMatch

__all__ = ["AnswerRecorder", "Answerer", "Library", "Retriever", "TextRedactor", "VerifiedAnswers"]


class Retriever(Protocol):
    """Ranks stored passages for a read question."""

    def search(
        self, query: SearchQuery, k: int | None = None, filters: Filters | None = None
    ) -> list[Hit]: ...

    def reload(self, corpus_version: str | None = None) -> None:
        """Pick up what another ingest wrote: the corpus as of `corpus_version` when given."""
        ...


class Answerer(Protocol):
    """Builds an Answer from a question and the passages retrieved for it."""

    mode: Mode

    def answer(
        self, question: str, citations: list[Citation], history: list[Turn]
    ) -> Answer: ...


class AnswerRecorder(Protocol):
    """What the chat page and CLI need from the governance log: answers and feedback on them."""

    def record(
        self, answer: Answer, *, user_id: str, role: str, session_id: str, corpus_version: str
    ) -> int: ...

    def add_feedback(
        self, answer_id: int, *, user_id: str, rating: Rating, reason: str = ""
    ) -> int: ...


class Library(Protocol):
    """The documents behind the store and the version of the whole set."""

    def documents(self) -> list[DocumentRecord]: ...

    def corpus_version(self) -> str: ...

    def known_laws(self) -> frozenset[str] | None:
        """The laws the stored documents name; None while some document's are not collected."""
        ...


class VerifiedAnswers(Protocol):
    """Answers governance reviewed and published, found by what a new question means."""

    def find(self, question: str) -> VerifiedMatch | None:
        """The verified answer for this redacted question, when one means the same and its
        documents are unchanged; None otherwise."""
        ...
