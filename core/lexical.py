"""The BM25 index over passages (stemmed, heading words weighted), persisted beside the store."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from core.laws import law_names
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
    """BM25 over passage tokens; `search` returns (passage id, score) best first."""

    def __init__(
        self, ids: list[str], retriever: object, version: str, laws: frozenset[str] | None = None
    ) -> None:
        self.ids = ids
        self.retriever = retriever
        self.version = version
        # The laws the passages name (core/laws.py); None for an index built before they were
        # collected, which the next ingest rebuilds.
        self.laws = laws
        self._position: dict[str, int] | None = None

    @classmethod
    def build(cls, passages: Iterable[Passage], version: str) -> LexicalIndex:
        bm25s = _bm25s()
        items = list(passages)
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        if items:
            retriever.index([passage_tokens(p) for p in items], show_progress=False)
        laws = frozenset(name for p in items for name in law_names(p.text))
        return cls([p.id for p in items], retriever, version, laws)

    def save(self, folder: Path) -> None:
        """Write beside the store atomically: a reader sees the old index or the new, never half."""
        staging = folder.with_name(folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if self.ids:
            self.retriever.save(str(staging), show_progress=False)  # type: ignore[attr-defined]
        laws = None if self.laws is None else sorted(self.laws)
        meta = {"version": self.version, "ids": self.ids, "laws": laws}
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
        laws = meta.get("laws")
        return cls(meta["ids"], retriever, meta["version"], None if laws is None else frozenset(laws))

    def scores(self, query_tokens: list[str], ids: list[str]) -> list[float]:
        """BM25 score of each of these passages for the query (0.0 for a passage not indexed)."""
        vocab = getattr(self.retriever, "vocab_dict", {}) or {}
        known = [t for t in query_tokens if t in vocab]
        if not self.ids or not known:
            return [0.0] * len(ids)
        if self._position is None:
            self._position = {pid: i for i, pid in enumerate(self.ids)}
        every = self.retriever.get_scores(known)  # type: ignore[attr-defined]
        return [float(every[self._position[pid]]) if pid in self._position else 0.0 for pid in ids]

    def search(self, query_tokens: list[str], n: int) -> list[tuple[str, float]]:
        if not self.ids or not query_tokens:
            return []
        vocab = getattr(self.retriever, "vocab_dict", {}) or {}
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return []
        docs, scores = self.retriever.retrieve(  # type: ignore[attr-defined]
            [known], k=min(n, len(self.ids)), show_progress=False, n_threads=1
        )
        return [
            (self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]
