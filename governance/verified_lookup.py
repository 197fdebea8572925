"""Finding the verified answer for a new question, and serving it only while its documents hold.

A question is matched against the verified questions by embedding (the app's embedder, vectors
kept with each verified answer) and the concept guard in governance.same_question. A match is
served only when every cited document is stored at the hash it was checked on and every cited
passage is still stored; otherwise it is withheld (the normal answer is given) and shows on the
Review page's Impact tab until re-approved.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.answer import NOT_LEGAL_ADVICE, Answer, Citation, Verdict
from core.embedding import Embedder
from core.passage import Passage
from core.registry import DocumentRecord
from governance.same_question import matching_text, same_question
from governance.verified import ILLUSTRATIVE_BANK, VerifiedAnswer, VerifiedBank, withheld_reasons

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifiedMatch:
    """A verified answer found for a question, with its cited passages as stored now."""

    answer: VerifiedAnswer
    similarity: float
    passages: tuple[Passage, ...]  # in the order of the answer's citations


def reviewed_line(answer: VerifiedAnswer) -> str:
    """The line a served verified answer opens with."""
    when = f"{answer.reviewed_on.day} {answer.reviewed_on:%B %Y}"
    if answer.illustrative:
        return (
            f"Reviewed by governance on {when} (illustrative: an example shipped with ShareCheck "
            "for its example documents, not your governance team's review)."
        )
    return f"Reviewed by governance on {when}."


def to_answer(question: str, match: VerifiedMatch, warn: Callable[[str], str]) -> Answer:
    """The Answer for a served verified answer: the reviewed line, the verified bottom line, the
    citations re-read from the store (`warn` gives a passage's past-review warning)."""
    verified = match.answer
    citations = [
        Citation(c.n, passage, round(match.similarity, 4), warn(passage.review_date))
        for c, passage in zip(verified.citations, match.passages, strict=True)
    ]
    text = "\n\n".join([f"_{reviewed_line(verified)}_", verified.bottom_line, f"_{NOT_LEGAL_ADVICE}_"])
    verdict: Verdict = verified.verdict  # type: ignore[assignment]  # checked on publish
    return Answer(
        question=question, text=text, citations=citations, abstained=False, mode="extractive",
        prompt_id=f"verified:V{verified.verified_id}.{verified.version}", verdict=verdict,
        bottom_line=verified.bottom_line,
    )  # fmt: skip


class VerifiedLookup:
    """Verified answers for the ask service (assistant.protocols.VerifiedAnswers)."""

    def __init__(
        self,
        bank: VerifiedBank,
        embedder: Embedder,
        documents: Callable[[], list[DocumentRecord]],
        passages: Callable[[list[str]], list[Passage]],
        bank_file: Path | None = ILLUSTRATIVE_BANK,
    ) -> None:
        self.bank = bank
        self.embedder = embedder
        self.documents = documents
        self.passages = passages
        self.bank_file = bank_file
        self._lock = threading.Lock()
        self._stamp = -1
        self._answers: list[VerifiedAnswer] = []
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._bank_checked_for: frozenset[tuple[str, str]] | None = None

    def find(self, question: str) -> VerifiedMatch | None:
        """The verified answer that answers this (already redacted) question, if one does and
        its documents are unchanged."""
        stored = {d.source: d.doc_hash for d in self.documents()}
        answers, vectors = self._refreshed(stored)
        if not answers:
            return None
        asked = self.embedder.embed([matching_text(question)])[0]
        similarities = vectors @ asked
        for i in np.argsort(-similarities):
            candidate, similarity = answers[int(i)], float(similarities[int(i)])
            if same_question(candidate.question, question, similarity):
                return self._servable(candidate, similarity, stored)
        return None

    def _servable(
        self, candidate: VerifiedAnswer, similarity: float, stored: dict[str, str]
    ) -> VerifiedMatch | None:
        ids = [c.passage_id for c in candidate.citations]
        found = {p.id: p for p in self.passages(ids)}
        reasons = withheld_reasons(candidate, stored, set(found))
        if reasons:
            log.info("verified answer %s withheld: %s", candidate.label(), "; ".join(reasons))
            return None
        return VerifiedMatch(candidate, similarity, tuple(found[i] for i in ids))

    def _refreshed(self, stored: dict[str, str]) -> tuple[list[VerifiedAnswer], np.ndarray]:
        """The standing verified answers and their vectors, re-read when anything was written;
        the illustrative bank is offered once per set of stored documents."""
        with self._lock:
            version = frozenset(stored.items())
            if self.bank_file is not None and version != self._bank_checked_for:
                self.bank.load_bank(self.bank_file, stored, self._embed)
                self._bank_checked_for = version
            stamp = self.bank.stamp()
            if stamp != self._stamp:
                self._answers = self.bank.standing()
                self._vectors = self._matrix(self._answers)
                self._stamp = stamp
            return self._answers, self._vectors

    def _matrix(self, answers: list[VerifiedAnswer]) -> np.ndarray:
        """A row per answer; a vector made by another embedder is made again with this one."""
        if not answers:
            return np.zeros((0, 0), dtype=np.float32)
        rows = [
            a.vector if a.embedder == self.embedder.name else self._embed(a.question)[0]
            for a in answers
        ]
        return np.vstack(rows).astype(np.float32)

    def _embed(self, question: str) -> tuple[np.ndarray, str]:
        return self.embedder.embed([matching_text(question)])[0], self.embedder.name


def question_vector(embedder: Embedder, question: str) -> np.ndarray:
    """The vector a verified question is stored with (what `VerifiedLookup` compares against)."""
    return embedder.embed([matching_text(question)])[0]
