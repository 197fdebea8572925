"""The Chroma collection of passages: opened the same way by ingest (writer) and assistant (reader)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from core.embedding import Embedder
from core.passage import Passage
from core.sentences import split_sentences
from core.settings import CHROMA_BATCH, Settings

# A sentence shorter than this many characters is a fragment (a heading, "and"), not evidence.
MIN_SENTENCE_CHARS = 20


def passage_sentences(passage: Passage) -> list[str]:
    """The sentences of a passage as embedded on their own; always at least one."""
    found = [s for s in split_sentences(passage.text.replace("\n", " ")) if len(s) >= MIN_SENTENCE_CHARS]
    return found or [passage.text]

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)


class _EmbeddingFunction:
    """Hands Chroma our embedder so it never falls back to its own (which downloads a model)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's name
        return list(self._embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "sharecheck"

    def embed_query(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
        return self(input)

    def is_legacy(self) -> bool:
        return True

    def get_config(self) -> dict[str, Any]:
        return {}


def make_client(settings: Settings) -> ClientAPI:
    """A persistent client on the data dir, or an HTTP client when SHARECHECK_CHROMA_URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or 8000,
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class PassageStore:
    """Passages and their vectors in one Chroma collection (cosine space, wider HNSW search)."""

    def __init__(self, settings: Settings, embedder: Embedder, client: ClientAPI | None = None):
        self.settings = settings
        self.embedder = embedder
        self.client = client or make_client(settings)
        self.collection = self._collection(settings.collection)
        # Each passage's sentences, embedded on their own: a question often matches one sentence
        # of a long clause far better than the clause as a whole.
        self.sentences = self._collection(f"{settings.collection}_sentences")

    def _collection(self, name: str) -> Collection:
        return self.client.get_or_create_collection(
            name=name,
            embedding_function=_EmbeddingFunction(self.embedder),  # type: ignore[arg-type]
            configuration={
                "hnsw": {
                    "space": "cosine",
                    "ef_search": self.settings.retrieval.ef_search,
                    "ef_construction": 200,
                    "max_neighbors": 32,
                }
            },
            metadata={"embedder": self.embedder.name},
        )

    def count(self) -> int:
        return self.collection.count()

    def ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=CHROMA_BATCH, offset=offset)
            found.update(got["ids"])
            if len(got["ids"]) < CHROMA_BATCH:
                return found
            offset += CHROMA_BATCH

    def existing(self, ids: list[str]) -> set[str]:
        """Which of these passage ids are already stored (without listing the whole store)."""
        found: set[str] = set()
        for start in range(0, len(ids), CHROMA_BATCH):
            got = self.collection.get(ids=ids[start : start + CHROMA_BATCH], include=[])
            found.update(got["ids"])
        return found

    def upsert(
        self, passages: list[Passage], vectors: np.ndarray | None = None, sentences: bool = True
    ) -> None:
        """Write passages (and their sentences) in batches under Chroma's limit; upsert, so a
        re-run never duplicates. Sentences are written first: a passage is only found once whole."""
        if sentences:
            self._upsert_sentences(passages)
        if vectors is None:
            vectors = self.embedder.embed([p.embedding_text() for p in passages])
        for start in range(0, len(passages), CHROMA_BATCH):
            batch = passages[start : start + CHROMA_BATCH]
            self.collection.upsert(
                ids=[p.id for p in batch],
                documents=[p.text for p in batch],
                metadatas=[p.to_metadata() for p in batch],
                embeddings=vectors[start : start + CHROMA_BATCH],  # type: ignore[arg-type]
            )

    def _upsert_sentences(self, passages: list[Passage]) -> None:
        rows = [
            (f"{p.id}:{i}", sentence, p.id)
            for p in passages
            for i, sentence in enumerate(passage_sentences(p))
        ]
        vectors = self.embedder.embed([text for _, text, _ in rows])
        for start in range(0, len(rows), CHROMA_BATCH):
            batch = rows[start : start + CHROMA_BATCH]
            self.sentences.upsert(
                ids=[r[0] for r in batch],
                documents=[r[1] for r in batch],
                metadatas=[{"passage_id": r[2]} for r in batch],
                embeddings=vectors[start : start + CHROMA_BATCH],  # type: ignore[arg-type]
            )

    def update_metadata(self, passages: list[Passage]) -> None:
        for start in range(0, len(passages), CHROMA_BATCH):
            batch = passages[start : start + CHROMA_BATCH]
            self.collection.update(
                ids=[p.id for p in batch], metadatas=[p.to_metadata() for p in batch]
            )

    def delete(self, ids: list[str]) -> None:
        """Passages first, then their sentences: a half-done delete leaves only unused sentences."""
        for start in range(0, len(ids), CHROMA_BATCH):
            batch = ids[start : start + CHROMA_BATCH]
            self.collection.delete(ids=batch)
            self.sentences.delete(where={"passage_id": {"$in": batch}})

    def sentence_search(self, vector: np.ndarray, n: int) -> list[tuple[str, str, float]]:
        """Nearest sentences: (passage id, sentence, cosine similarity)."""
        total = self.sentences.count()
        if total == 0:
            return []
        got = self.sentences.query(
            query_embeddings=[vector],  # type: ignore[list-item]
            n_results=min(n, total),
            include=["documents", "metadatas", "distances"],
        )
        return [
            (str((meta or {})["passage_id"]), doc or "", 1.0 - float(dist))
            for doc, meta, dist in zip(
                (got["documents"] or [[]])[0], (got["metadatas"] or [[]])[0],
                (got["distances"] or [[]])[0], strict=True,
            )
        ]  # fmt: skip

    def sentence_vectors(self, passage_ids: list[str]) -> dict[str, tuple[list[str], np.ndarray]]:
        """The stored sentences and vectors of some passages, in sentence order."""
        if not passage_ids:
            return {}
        got = self.sentences.get(
            where={"passage_id": {"$in": passage_ids}},
            include=["documents", "metadatas", "embeddings"],
        )
        rows: dict[str, list[tuple[int, str, np.ndarray]]] = {}
        for sid, doc, meta, vec in zip(
            got["ids"], got["documents"] or [], got["metadatas"] or [],
            got["embeddings"] if got["embeddings"] is not None else [], strict=True,
        ):  # fmt: skip
            order = int(sid.rsplit(":", 1)[1])
            rows.setdefault(str((meta or {})["passage_id"]), []).append((order, doc or "", vec))
        out = {}
        for pid, items in rows.items():
            items.sort(key=lambda item: item[0])
            out[pid] = ([t for _, t, _ in items], np.asarray([v for _, _, v in items], dtype=np.float32))
        return out

    def get(self, ids: list[str]) -> list[Passage]:
        if not ids:
            return []
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        by_id = {
            pid: Passage.from_record(doc or "", dict(meta or {}))
            for pid, doc, meta in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
        }
        return [by_id[i] for i in ids if i in by_id]

    def all_passages(self) -> Iterator[Passage]:
        offset = 0
        while True:
            got = self.collection.get(
                include=["documents", "metadatas"], limit=CHROMA_BATCH, offset=offset
            )
            for doc, meta in zip(got["documents"] or [], got["metadatas"] or [], strict=True):
                yield Passage.from_record(doc or "", dict(meta or {}))
            if len(got["ids"]) < CHROMA_BATCH:
                return
            offset += CHROMA_BATCH

    def search(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[Passage, float]]:
        """Nearest passages to a query vector, with cosine similarity."""
        total = self.count()
        if total == 0:
            return []
        got = self.collection.query(
            query_embeddings=[vector],  # type: ignore[list-item]
            n_results=min(n, total),
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        docs = (got["documents"] or [[]])[0]
        metas = (got["metadatas"] or [[]])[0]
        dists = (got["distances"] or [[]])[0]
        return [
            (Passage.from_record(doc or "", dict(meta or {})), 1.0 - float(dist))
            for doc, meta, dist in zip(docs, metas, dists, strict=True)
        ]
