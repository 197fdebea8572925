"""Hybrid retrieval: dense (Chroma) + BM25 + best-sentence similarity, fused by reciprocal rank."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.query import SearchQuery, build_query
from core.embedding import Embedder
from core.lexical import LexicalIndex, tokens
from core.passage import Passage
from core.settings import RetrievalSettings
from core.vectorstore import PassageStore

log = logging.getLogger(__name__)

# Sentences fetched per passage candidate: passages have several sentences each, and the
# sentence ranking should reach about as many distinct passages as the other two rankers.
SENTENCES_PER_CANDIDATE = 3
# Share of the shorter passage's words that makes another passage a near-copy of it.
NEAR_COPY = 0.9


@dataclass(frozen=True)
class Filters:
    """Which passages may be returned."""

    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    exclude_past_review: bool = False

    def allows(self, passage: Passage, today: date | None = None) -> bool:
        if self.kinds and passage.kind not in self.kinds:
            return False
        if self.sources and passage.source not in self.sources:
            return False
        return not (self.exclude_past_review and passage.past_review(today))


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the evidence for it."""

    passage: Passage
    score: float
    similarity: float  # best cosine similarity of the passage or one of its sentences
    best_sentence: str = ""


class HybridSearch:
    """The search itself, independent of langchain; the retriever below adapts it."""

    def __init__(
        self,
        settings: RetrievalSettings,
        embedder: Embedder,
        store: PassageStore,
        lexical: LexicalIndex | None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.lexical = lexical

    def search(
        self, query: SearchQuery, k: int | None = None, filters: Filters | None = None
    ) -> list[Hit]:
        k = k or self.settings.top_k
        filters = filters or Filters(exclude_past_review=self.settings.exclude_past_review)
        n = self.settings.candidates
        qvec = self.embedder.embed([query.text])[0]
        dense = self.store.search(qvec, n, self._where(filters))
        lexical = self._lexical(query.text, n)
        sentences = self._sentences(qvec, n * SENTENCES_PER_CANDIDATE)
        pool = {p.id: p for p, _ in dense} | {p.id: p for p, _ in lexical}
        pool |= {p.id: p for p in self.store.get([pid for pid in sentences if pid not in pool])}
        pool = {pid: p for pid, p in pool.items() if filters.allows(p)}
        ranks = [
            (self.settings.dense_weight, [p.id for p, _ in dense if p.id in pool]),
            (self.settings.lexical_weight, [p.id for p, _ in lexical if p.id in pool]),
            (self.settings.sentence_weight, [pid for pid in sentences if pid in pool]),
        ]
        fused = _distinct(self._fuse(ranks), pool, k)
        self._fill_sentences(qvec, [pid for pid, _ in fused], sentences)
        dense_sim = {p.id: s for p, s in dense}
        return [
            Hit(pool[pid], score, max(sentences[pid][0], dense_sim.get(pid, 0.0)), sentences[pid][1])
            for pid, score in fused
        ]

    def _where(self, filters: Filters) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if filters.kinds:
            clauses.append({"kind": {"$in": list(filters.kinds)}})
        if filters.sources:
            clauses.append({"source": {"$in": list(filters.sources)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def _lexical(self, text: str, n: int) -> list[tuple[Passage, float]]:
        if self.lexical is None:
            return []
        found = self.lexical.search(tokens(text), n)
        passages = {p.id: p for p in self.store.get([pid for pid, _ in found])}
        return [(passages[pid], s) for pid, s in found if pid in passages]

    def _sentences(self, qvec: np.ndarray, n: int) -> dict[str, tuple[float, str]]:
        """Passages ranked by their best sentence: {passage id: (similarity, sentence)}."""
        best: dict[str, tuple[float, str]] = {}
        for pid, sentence, sim in self.store.sentence_search(qvec, n):
            if pid not in best or sim > best[pid][0]:
                best[pid] = (sim, sentence)
        return dict(sorted(best.items(), key=lambda item: -item[1][0]))

    def _fill_sentences(
        self, qvec: np.ndarray, ids: list[str], best: dict[str, tuple[float, str]]
    ) -> None:
        """Best sentence of returned passages that the sentence search did not reach."""
        missing = [pid for pid in ids if pid not in best]
        for pid, (texts, vectors) in self.store.sentence_vectors(missing).items():
            sims = vectors @ qvec
            top = int(np.argmax(sims))
            best[pid] = (float(sims[top]), texts[top])
        for pid in missing:
            best.setdefault(pid, (0.0, ""))

    def _fuse(self, ranks: list[tuple[float, list[str]]]) -> list[tuple[str, float]]:
        """Reciprocal rank fusion: each list adds weight / (rrf_k + rank)."""
        scores: dict[str, float] = {}
        for weight, ids in ranks:
            for rank, pid in enumerate(ids, start=1):
                scores[pid] = scores.get(pid, 0.0) + weight / (self.settings.rrf_k + rank)
        return sorted(scores.items(), key=lambda item: -item[1])


def _distinct(fused: list[tuple[str, float]], pool: dict[str, Passage], k: int) -> list[tuple[str, float]]:
    """The best k, skipping near-copies of a passage already chosen (the same agreement as PDF
    and as DOCX, extracted a little differently), so each slot shows something new."""
    chosen: list[tuple[str, float]] = []
    seen: list[set[str]] = []
    for pid, score in fused:
        words = set(tokens(pool[pid].text))
        if any(len(words & other) >= NEAR_COPY * max(1, min(len(words), len(other))) for other in seen):
            continue
        chosen.append((pid, score))
        seen.append(words)
        if len(chosen) == k:
            break
    return chosen


class HybridRetriever(BaseRetriever):
    """langchain's face on HybridSearch, so chains and tools can use ShareCheck retrieval."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    search: HybridSearch
    k: int = 5
    filters: Filters = Filters()

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.search.search(build_query(query, []), self.k, self.filters)
        return [
            Document(
                page_content=h.passage.text,
                id=h.passage.id,
                metadata=h.passage.to_metadata() | {"score": h.score, "similarity": h.similarity},
            )
            for h in hits
        ]
