"""The Chroma collection of passages: opened the same way by ingest (writer) and assistant (reader)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from core.embedding import Embedder, check_built_by
from core.passage import Passage
from core.settings import CHROMA_BATCH, Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.collection_configuration import CreateHNSWConfiguration
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import Documents, Embeddings, Metadata, Where

log = logging.getLogger(__name__)

# The context collection is named after the passages' own: "<collection>-context".
CONTEXT_SUFFIX = "-context"

class _EmbeddingFunction:
    """Hands Chroma our embedder so it never falls back to its own (which downloads a model)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's name
        return list(self._embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "sharecheck"

    def embed_query(self, input: Documents) -> Embeddings:  # noqa: A002
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
        # The context vector of each passage (core/context.py), under the same id.
        self.context = self._collection(f"{settings.collection}{CONTEXT_SUFFIX}")

    def _collection(self, name: str) -> Collection:
        hnsw: CreateHNSWConfiguration = {
            "space": "cosine",
            "ef_search": self.settings.retrieval.ef_search,
            "ef_construction": self.settings.store.ef_construction,
            "max_neighbors": self.settings.store.max_neighbors,
        }
        collection = self.client.get_or_create_collection(
            name=name,
            # Chroma types this parameter for any Embeddable (texts or images); ours embeds texts
            # only, as Chroma's own default embedding function does (it ignores the same error).
            embedding_function=_EmbeddingFunction(self.embedder),  # type: ignore[arg-type]
            configuration={"hnsw": hnsw},
            metadata={"embedder": self.embedder.name},
        )
        _warn_if_built_otherwise(collection, hnsw)
        return collection

    def check_embedder(self) -> None:
        """Refuse (EmbedderMismatch) a store whose vectors another embedder made, before searching
        or adding to it mixes two vector spaces; the app, the CLI and ingest check on opening."""
        built_by = (self.collection.metadata or {}).get("embedder")
        where = self.settings.chroma_url or str(self.settings.chroma_dir)
        check_built_by(built_by, self.embedder, f"{where} ({self.collection.name})")

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
        self,
        passages: list[Passage],
        vectors: np.ndarray | None = None,
        contexts: list[str] | None = None,
    ) -> None:
        """Write passages, embedding them unless `vectors` (a row per passage) is given, and
        the context window of each when `contexts` gives them; upsert, so a re-run never
        duplicates. Context first: a passage is never searchable without it."""
        if vectors is not None and len(vectors) != len(passages):
            raise ValueError(f"{len(vectors)} vectors given for {len(passages)} passages")
        if contexts is not None and len(contexts) != len(passages):
            raise ValueError(f"{len(contexts)} context windows given for {len(passages)} passages")
        ids = [p.id for p in passages]
        if contexts is not None:
            empty: list[Metadata] = [{"source": p.source} for p in passages]
            _write(self.context, ids, contexts, empty, self.embedder.embed(contexts))
        if vectors is None:
            vectors = self.embedder.embed([p.embedding_text() for p in passages])
        metadatas: list[Metadata] = [p.to_metadata() for p in passages]
        _write(self.collection, ids, [p.text for p in passages], metadatas, vectors)

    def update_metadata(self, passages: list[Passage]) -> None:
        for start in range(0, len(passages), CHROMA_BATCH):
            batch = passages[start : start + CHROMA_BATCH]
            self.collection.update(
                ids=[p.id for p in batch], metadatas=[p.to_metadata() for p in batch]
            )

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), CHROMA_BATCH):
            self.collection.delete(ids=ids[start : start + CHROMA_BATCH])
            self.context.delete(ids=ids[start : start + CHROMA_BATCH])

    def get(self, ids: list[str]) -> list[Passage]:
        if not ids:
            return []
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        by_id = {
            pid: Passage.from_record(doc or "", dict(meta))
            for pid, doc, meta in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
            if meta  # a row being deleted by another process's ingest: gone, not an error
        }
        return [by_id[i] for i in ids if i in by_id]

    def vectors(self, ids: list[str]) -> np.ndarray:
        """The stored passage vectors of these ids, a row each in the order asked (unit length,
        so a dot product with a query vector is the cosine similarity)."""
        if not ids:
            return np.zeros((0, 0), dtype=np.float32)
        got = self.collection.get(ids=ids, include=["embeddings"])
        stored = got["embeddings"] if got["embeddings"] is not None else []
        by_id = dict(zip(got["ids"], stored, strict=True))
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise KeyError(f"passages not in the store: {', '.join(missing[:3])}")
        return np.asarray([by_id[i] for i in ids], dtype=np.float32)

    def context_vectors(self, ids: list[str], fallback: np.ndarray) -> np.ndarray:
        """The context vectors of these ids in order; a passage written without one (a store
        from before context windows) keeps its row of `fallback`, its own vector."""
        if not ids:
            return fallback
        got = self.context.get(ids=ids, include=["embeddings"])
        stored = got["embeddings"] if got["embeddings"] is not None else []
        by_id = dict(zip(got["ids"], stored, strict=True))
        rows = [by_id[i] if i in by_id else fallback[n] for n, i in enumerate(ids)]
        return np.asarray(rows, dtype=np.float32)

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
        return self.search_many([vector], n, where)[0]

    def search_many(
        self, vectors: Sequence[np.ndarray], n: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[Passage, float]]]:
        """Nearest passages to each of several query vectors, in one call to the store."""
        return [
            [
                (Passage.from_record(text, dict(meta)), similarity)
                for text, meta, similarity in found
                if meta  # removed by another process since the index was read
            ]
            for found in _nearest(self.collection, vectors, n, where or None)
        ]


def _write(
    collection: Collection,
    ids: list[str],
    documents: list[str],
    metadatas: list[Metadata],
    vectors: np.ndarray,
) -> None:
    """Upsert rows in batches under Chroma's per-call limit."""
    for start in range(0, len(ids), CHROMA_BATCH):
        end = start + CHROMA_BATCH
        collection.upsert(
            ids=ids[start:end],
            documents=documents[start:end],
            metadatas=metadatas[start:end],
            embeddings=vectors[start:end],
        )


def _nearest(
    collection: Collection, vectors: Sequence[np.ndarray], n: int, where: Where | None = None
) -> list[list[tuple[str, Metadata, float]]]:
    """For each vector, the n records nearest it: (document, metadata, cosine similarity)."""
    total = collection.count()
    if total == 0 or not len(vectors):
        return [[] for _ in vectors]
    got = collection.query(
        query_embeddings=list(vectors),
        n_results=min(n, total),
        where=where,
        include=["documents", "metadatas", "distances"],
    )
    return [
        [
            (text or "", meta or {}, 1.0 - float(distance))
            for text, meta, distance in zip(documents, metadatas, distances, strict=True)
        ]
        for documents, metadatas, distances in zip(
            got["documents"] or [], got["metadatas"] or [], got["distances"] or [], strict=True
        )
    ]


# What Chroma fixes when it creates a collection and ignores on every later open.
_BUILD_KEYS = ("space", "ef_search", "ef_construction", "max_neighbors")


def _warn_if_built_otherwise(collection: Collection, wanted: CreateHNSWConfiguration) -> None:
    """Say so when settings ask for an index other than the one the existing collection has."""
    built = collection.configuration_json.get("hnsw") or {}
    differing = {
        key: (built.get(key), wanted.get(key))
        for key in _BUILD_KEYS
        if key in built and built.get(key) != wanted.get(key)
    }
    if differing:
        log.warning(
            "collection %s keeps the HNSW index it was built with, not the settings (built, set): "
            "%s; Chroma applies them only when it creates a collection, so ingest into a new data "
            "dir or collection name to use them",
            collection.name,
            differing,
        )
