"""The BM25 index over passages (stemmed, heading words weighted), persisted beside the store."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.passage import Passage

log = logging.getLogger(__name__)


def _bm25s():  # type: ignore[no-untyped-def]
    """Import bm25s; it sets its own logger to DEBUG on import, which would print on every build."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


# Heading words (title and section path) count this many times: a clause's heading says what it
# is about more surely than any one word of its body.
HEADING_WEIGHT = 2

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have
    he her here hers him his how i if in into is it its just me my no nor not of off on once only
    or our ours out over own she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours am im ive id dont cant wont shes hes its
    thats theres got get gets getting just really bit lot lots ok okay also""".split()
)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens without stopwords; numbers and clause ids kept."""
    words = re.findall(r"[a-z0-9]+(?:\.[0-9]+)*", text.lower().replace("’", "'").replace("'", ""))
    return _stemmer().stemWords([w for w in words if w not in STOPWORDS])


def passage_tokens(passage: Passage) -> list[str]:
    heading = tokens(f"{passage.title} {passage.section}")
    return tokens(passage.text) + heading * HEADING_WEIGHT


class LexicalIndex:
    """BM25 over passage tokens; `score` gives one query's score for every passage."""

    def __init__(self, ids: list[str], retriever: object, version: str) -> None:
        self.ids = ids
        self.retriever = retriever
        self.version = version
        self._position: dict[str, int] | None = None

    @classmethod
    def build(cls, passages: Iterable[Passage], version: str) -> LexicalIndex:
        bm25s = _bm25s()
        items = list(passages)
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        if items:
            retriever.index([passage_tokens(p) for p in items], show_progress=False)
        return cls([p.id for p in items], retriever, version)

    def save(self, folder: Path) -> None:
        """Write beside the store atomically: a reader sees the old index or the new, never half."""
        staging = folder.with_name(folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if self.ids:
            self.retriever.save(str(staging), show_progress=False)  # type: ignore[attr-defined]
        meta = {"version": self.version, "ids": self.ids}
        (staging / "ids.json").write_text(json.dumps(meta))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        bm25s = _bm25s()
        meta_path = folder / "ids.json"
        if not meta_path.exists():
            return None
        meta = json.loads(meta_path.read_text())
        retriever = (
            bm25s.BM25.load(str(folder), show_progress=False) if meta["ids"] else bm25s.BM25()
        )
        return cls(meta["ids"], retriever, meta["version"])

    def score(self, query_tokens: list[str]) -> LexicalScores:
        """BM25 scores of every passage for the query, computed once for both the candidates
        (`top`) and the scores of a pool found by other searches (`of`)."""
        vocab = getattr(self.retriever, "vocab_dict", {}) or {}
        known = [t for t in query_tokens if t in vocab]
        if self._position is None:
            self._position = {pid: i for i, pid in enumerate(self.ids)}
        if not self.ids or not known:
            return LexicalScores(self.ids, np.zeros(0), self._position)
        every = self.retriever.get_scores(known)  # type: ignore[attr-defined]
        return LexicalScores(self.ids, np.asarray(every, dtype=np.float64), self._position)


@dataclass(frozen=True)
class LexicalScores:
    """One query's BM25 score for each passage of the index (empty when no word is indexed)."""

    ids: list[str]
    values: np.ndarray
    position: dict[str, int]

    def top(self, n: int) -> list[tuple[str, float]]:
        """The n best-scoring passages with a score above 0, best first."""
        if not len(self.values):
            return []
        n = min(n, len(self.values))
        best = np.argpartition(-self.values, n - 1)[:n]
        best = best[np.argsort(-self.values[best], kind="stable")]
        return [(self.ids[i], float(self.values[i])) for i in best if self.values[i] > 0]

    def of(self, ids: list[str]) -> list[float]:
        """The scores of these passages (0.0 for one not in the index)."""
        if not len(self.values):
            return [0.0] * len(ids)
        return [float(self.values[self.position[p]]) if p in self.position else 0.0 for p in ids]
