"""Hybrid retrieval: dense (Chroma) and BM25 candidates, scored on three signals and fused.

The signals, each standardised over the candidate pool and added with its weight:
- dense: cosine similarity of the passage (heading context + text) to the whole question, in its
  own words (`RetrievalSettings.dense_query`: a tail of added legal terms pulls a sentence's
  vector off its meaning; measured in eval/README.md);
- context: the same for the window around the passage (core/context.py): ranked on context,
  cited by clause;
- lexical: BM25 of the question with the documents' words for staff wording (retrieval/query.py);
- parts: mean similarity of the passage to each sentence of the question on its own, so the
  question asked at the end of a long story counts as much as the story.
Weighted score fusion beat reciprocal rank fusion of the same lists, and a best-sentence ranking
that helped the dev set did not help a blind set: see the note in eval/README.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from core.embedding import Embedder
from core.lexical import LexicalIndex, tokens
from core.passage import Passage
from core.settings import RetrievalSettings
from core.vectorstore import PassageStore
from retrieval.query import SearchQuery

log = logging.getLogger(__name__)

# Passage types that collect details (forms), list people to call (contact blocks), point
# elsewhere (contents, document control) or address a system (instruction): hubs that match many
# questions and answer none. The "prose" signal is 1 for every other type (the type prior).
HUB_TYPES = frozenset({"form", "contact", "contents", "document_control", "instruction"})
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
    """A retrieved passage with its fused score and its cosine similarity to the question."""

    passage: Passage
    score: float
    similarity: float


@dataclass(frozen=True)
class CandidatePool:
    """The passages scored for one query and each signal's raw value for them, in `ids` order."""

    ids: list[str]
    passages: dict[str, Passage]
    signals: dict[str, np.ndarray]

    def fused(self, weights: dict[str, float]) -> np.ndarray:
        """Each signal standardised over the pool, weighted and added; a weight for a signal
        the pool lacks is an error, a signal without a weight counts 0."""
        unknown = set(weights) - set(self.signals)
        if unknown:
            raise ValueError(f"no signal named {', '.join(sorted(unknown))}")
        total = np.zeros(len(self.ids))
        for name, weight in weights.items():
            if weight:
                total += weight * _standardised(self.signals[name])
        return total


class HybridSearch:
    """Dense and BM25 candidates from the store, scored on three signals and fused."""

    def __init__(
        self,
        settings: RetrievalSettings,
        embedder: Embedder,
        store: PassageStore,
        lexical_dir: Path | None = None,
        build_when_stale: bool = False,
    ) -> None:
        """`build_when_stale`: the registry is shared (SHARECHECK_REGISTRY_URL), so an ingest
        may run on another machine and write its BM25 index there, not in `lexical_dir`."""
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.lexical_dir = lexical_dir
        self.build_when_stale = build_when_stale
        self.lexical = LexicalIndex.load(lexical_dir) if lexical_dir is not None else None

    def reload(self, corpus_version: str | None = None) -> None:
        """Pick up the BM25 index of the corpus now (the vectors are read live from Chroma): the
        one an ingest wrote in `lexical_dir`, or, when that is not of `corpus_version` and the
        registry is shared, one built here from the store's passages. It is kept in memory only:
        an ingest on this data dir may be writing `lexical_dir` at the same moment."""
        if self.lexical_dir is None:
            return
        found = LexicalIndex.load(self.lexical_dir)
        stale = found is None or found.version != corpus_version
        if corpus_version is None or not self.build_when_stale or not stale:
            self.lexical = found
            return
        log.info("BM25 index in %s is not of corpus %s: building it from the store",
                 self.lexical_dir, corpus_version)  # fmt: skip
        self.lexical = LexicalIndex.build(self.store.all_passages(), corpus_version)

    def search(
        self, query: SearchQuery, k: int | None = None, filters: Filters | None = None
    ) -> list[Hit]:
        k = k or self.settings.top_k
        pool = self.candidates(query, filters)
        if pool is None:
            return []
        fused = pool.fused(self.weights())
        order = np.argsort(-fused, kind="stable")
        ranked = [(pool.ids[i], float(fused[i])) for i in order]
        similarity = dict(zip(pool.ids, pool.signals["similarity"].tolist(), strict=True))
        passages = pool.passages
        return [
            Hit(passages[pid], score, similarity[pid])
            for pid, score in _distinct(ranked, passages, k)
        ]

    def weights(self) -> dict[str, float]:
        return self.weights_of(self.settings)

    @staticmethod
    def weights_of(s: RetrievalSettings) -> dict[str, float]:
        """The weight of each signal in the fused score."""
        return {
            "dense": s.dense_weight,
            "context": s.context_weight,
            "lexical": s.lexical_weight,
            "parts": s.parts_weight,
            "prose": s.prose_weight,
        }

    def candidates(
        self, query: SearchQuery, filters: Filters | None = None
    ) -> CandidatePool | None:
        """The passages worth scoring for a query, each with every signal; None when none pass
        the filters. Fusion is separate (`CandidatePool.fused`) so weights can be fitted."""
        filters = filters or Filters(exclude_past_review=self.settings.exclude_past_review)
        n = self.settings.candidates
        parts = list(query.parts) or [query.text]
        whole = query.dense_text(self.settings.dense_query == "as_asked")
        # The expanded text is embedded too when the dense signals read the words as asked: the
        # similarity that decides abstention (abstain_below) was calibrated on it, and a question
        # in everyday words ("the old man next door") is no less in scope for being so asked.
        also = [query.text] if whole != query.text else []
        embedded = self.embedder.embed([whole, *parts, *also])
        vectors = embedded[: 1 + len(parts)]
        pool: dict[str, Passage] = {}
        for nearest in self.store.search_many(list(vectors), n, self._where(filters)):
            pool |= {p.id: p for p, _ in nearest}
        bm25 = self.lexical.score(tokens(query.text)) if self.lexical else None
        lexical = bm25.top(n) if bm25 else []
        pool |= {p.id: p for p in self.store.get([pid for pid, _ in lexical if pid not in pool])}
        ids = [pid for pid, p in pool.items() if filters.allows(p)]
        ids, matrix = self._vectors(ids)
        if not ids:
            return None
        signals = {
            "dense": matrix @ vectors[0],
            "context": self.store.context_vectors(ids, matrix) @ vectors[0],
            "lexical": np.asarray(bm25.of(ids) if bm25 else [0.0] * len(ids)),
            "parts": (matrix @ vectors[1:].T).mean(axis=1),
            "prose": np.asarray([float(pool[pid].passage_type not in HUB_TYPES) for pid in ids]),
        }
        # Never fused (no weight): the closer of the two readings, for abstention and display.
        signals["similarity"] = (
            np.maximum(signals["dense"], matrix @ embedded[-1]) if also else signals["dense"]
        )
        return CandidatePool(ids, {pid: pool[pid] for pid in ids}, signals)

    def _vectors(self, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """The stored vectors of the pool, dropping passages another process removed since the
        pool was read (a question in flight never fails because a document was removed)."""
        if not ids:
            return [], np.zeros((0, 0))
        try:
            return ids, self.store.vectors(ids)
        except KeyError:
            present = self.store.existing(ids)
            ids = [pid for pid in ids if pid in present]
            return (ids, self.store.vectors(ids)) if ids else ([], np.zeros((0, 0)))

    def _where(self, filters: Filters) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if filters.kinds:
            clauses.append({"kind": {"$in": list(filters.kinds)}})
        if filters.sources:
            clauses.append({"source": {"$in": list(filters.sources)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _standardised(values: np.ndarray) -> np.ndarray:
    """Mean 0 and standard deviation 1 over the pool, so signals on different scales (cosine,
    BM25) add fairly; a signal that says nothing (all equal, or no lexical index) adds 0."""
    spread = float(values.std())
    if spread < 1e-9:
        return np.zeros_like(values, dtype=np.float64)
    return (values - values.mean()) / spread


def _distinct(
    fused: list[tuple[str, float]], pool: dict[str, Passage], k: int
) -> list[tuple[str, float]]:
    """The best k, skipping near-copies of a passage already chosen (the same agreement as PDF
    and as DOCX, extracted a little differently), so each slot shows something new."""
    chosen: list[tuple[str, float]] = []
    seen: list[set[str]] = []
    for pid, score in fused:
        words = set(tokens(pool[pid].text))
        if any(
            len(words & other) >= NEAR_COPY * max(1, min(len(words), len(other))) for other in seen
        ):
            continue
        chosen.append((pid, score))
        seen.append(words)
        if len(chosen) == k:
            break
    return chosen
