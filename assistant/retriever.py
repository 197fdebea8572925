"""Hybrid retrieval: dense (Chroma) + BM25 + best-sentence similarity, fused by reciprocal rank."""

from __future__ import annotations

import logging
from collections import OrderedDict
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
from ingest.chunking import split_sentences

log = logging.getLogger(__name__)

# Sentence vectors kept in memory between questions (passages are immutable by id).
SENTENCE_CACHE_PASSAGES = 20_000
# How many fused candidates get the (costlier) sentence-level look.
SENTENCE_RERANK_DEPTH = 24


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
        self._sentences: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()

    def search(self, query: SearchQuery, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        k = k or self.settings.top_k
        filters = filters or Filters(exclude_past_review=self.settings.exclude_past_review)
        n = self.settings.candidates
        qvec = self.embedder.embed([query.text])[0]
        dense = [(p, s) for p, s in self.store.search(qvec, n, self._where(filters)) if filters.allows(p)]
        lexical = self._lexical(query.text, n, filters)
        pool: dict[str, Passage] = {p.id: p for p, _ in dense} | {p.id: p for p, _ in lexical}
        ranks = [
            (self.settings.dense_weight, [p.id for p, _ in dense]),
            (self.settings.lexical_weight, [p.id for p, _ in lexical]),
        ]
        fused = self._fuse(ranks)
        head = [pid for pid, _ in fused[:SENTENCE_RERANK_DEPTH]]
        sentence_best = self._sentence_scores(qvec, [pool[pid] for pid in head])
        if self.settings.sentence_weight > 0:
            by_sentence = sorted(head, key=lambda pid: -sentence_best[pid][0])
            fused = self._fuse(ranks + [(self.settings.sentence_weight, by_sentence)])
        dense_sim = {p.id: s for p, s in dense}
        hits = []
        for pid, score in fused[:k]:
            best, sentence = sentence_best.get(pid, (0.0, ""))
            hits.append(Hit(pool[pid], score, max(best, dense_sim.get(pid, 0.0)), sentence))
        return hits

    def _where(self, filters: Filters) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if filters.kinds:
            clauses.append({"kind": {"$in": list(filters.kinds)}})
        if filters.sources:
            clauses.append({"source": {"$in": list(filters.sources)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def _lexical(self, text: str, n: int, filters: Filters) -> list[tuple[Passage, float]]:
        if self.lexical is None:
            return []
        found = self.lexical.search(tokens(text), n)
        passages = {p.id: p for p in self.store.get([pid for pid, _ in found])}
        return [(passages[pid], s) for pid, s in found if pid in passages and filters.allows(passages[pid])]

    def _fuse(self, ranks: list[tuple[float, list[str]]]) -> list[tuple[str, float]]:
        """Reciprocal rank fusion: each list adds weight / (rrf_k + rank)."""
        scores: dict[str, float] = {}
        for weight, ids in ranks:
            for rank, pid in enumerate(ids, start=1):
                scores[pid] = scores.get(pid, 0.0) + weight / (self.settings.rrf_k + rank)
        return sorted(scores.items(), key=lambda item: -item[1])

    def _sentence_scores(self, qvec: np.ndarray, passages: list[Passage]) -> dict[str, tuple[float, str]]:
        """Each passage's best sentence by cosine similarity to the question."""
        missing = [p for p in passages if p.id not in self._sentences]
        if missing:
            texts = [split_sentences(p.text.replace("\n", " ")) or [p.text] for p in missing]
            flat = [s for p, ss in zip(missing, texts, strict=True) for s in ss]
            vectors = self.embedder.embed(flat)
            start = 0
            for passage, sentences in zip(missing, texts, strict=True):
                self._sentences[passage.id] = (sentences, vectors[start : start + len(sentences)])
                start += len(sentences)
            while len(self._sentences) > SENTENCE_CACHE_PASSAGES:
                self._sentences.popitem(last=False)
        best: dict[str, tuple[float, str]] = {}
        for passage in passages:
            sentences, vectors = self._sentences[passage.id]
            sims = vectors @ qvec
            top = int(np.argmax(sims))
            best[passage.id] = (float(sims[top]), sentences[top])
        return best


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
