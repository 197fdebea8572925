"""Real-text scale points for `python -m eval.bench`: 10k and 100k passages recombined from the
real corpus's own sentences, embedded with the real model once and cached, stored with the app's
HNSW settings; recall@10 of the index against exact search, answer latency through the app's
path (BM25 included), and the LangChain tutorial's retrieval on the same store beside it."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.embedding import Embedder, HashingEmbedder
from core.lexical import LexicalIndex
from core.passage import Passage
from core.sentences import split_sentences
from core.settings import CHROMA_BATCH, Settings
from core.vectorstore import PassageStore
from eval.metrics import percentile
from eval.run import eval_settings, ingest_corpus

log = logging.getLogger(__name__)

# Vectors are cached in blocks, so a long embedding run can stop and resume, and 10k is the first
# two blocks of 100k.
BLOCK = 5_000
SEED = 11
# Sentences a synthetic passage is made of, and its length cap: real passages are up to 200
# word pieces (settings.passage_tokens), about 150 words.
SENTENCES_PER_PASSAGE = (2, 6)
MAX_WORDS = 150
# A sentence shorter than this is a heading or a fragment, longer is a table read as text.
SENTENCE_WORDS = (5, 80)
PASSAGES_PER_DOCUMENT = 200
RECALL_K = 10
TUTORIAL_K = 5


@dataclass
class ScaleFigure:
    passages: int
    load_seconds: float  # writing the store (both collections) and its BM25 index
    recall_at_10: float  # of the HNSW index against exact search, over the questions
    p50_ms: float
    p95_ms: float
    tutorial_p50_ms: float
    tutorial_p95_ms: float
    store_mb: float
    embed_seconds: float  # embedding the passages not already cached (0 when all were)


def default_cache() -> Path:
    return Path.home() / ".cache" / "sharecheck" / "bench"


# -- sentences and passages ----------------------------------------------------------------------
def corpus_sentences(corpus: Path, cache: Path) -> list[str]:
    """The corpus's sentences, read through the real ingest (hashing embedder: no model) once
    and cached by the corpus files' names, sizes and times."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    stamp = hashlib.sha256(
        json.dumps([(str(p.relative_to(corpus)), p.stat().st_size, p.stat().st_mtime) for p in files])
        .encode()
    ).hexdigest()[:16]  # fmt: skip
    cached = cache / f"sentences-{stamp}.json"
    if cached.is_file():
        return list(json.loads(cached.read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory(prefix="sharecheck-sentences-") as tmp:
        settings = eval_settings(Path(tmp), 5)
        ingest_corpus(corpus, settings, HashingEmbedder())
        passages = list(PassageStore(settings, HashingEmbedder()).all_passages())
    sentences = list(dict.fromkeys(s for p in passages for s in split_sentences(p.text)))
    low, high = SENTENCE_WORDS
    sentences = [s for s in sentences if low <= len(s.split()) <= high]
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(sentences), encoding="utf-8")
    return sentences


def real_text_passages(sentences: list[str], count: int, start: int = 0) -> list[Passage]:
    """Passages of two to six of the corpus's sentences, shuffled and recombined; passage i is
    the same whatever `start` and `count` ask for it."""
    passages = []
    for i in range(start, start + count):
        rng = random.Random(SEED * 1_000_003 + i)
        chosen: list[str] = []
        for sentence in rng.sample(sentences, rng.randint(*SENTENCES_PER_PASSAGE)):
            if chosen and len(" ".join([*chosen, sentence]).split()) > MAX_WORDS:
                break
            chosen.append(sentence)
        document = i // PASSAGES_PER_DOCUMENT
        clause = f"{i % PASSAGES_PER_DOCUMENT // 10 + 1}.{i % 10 + 1}"
        passages.append(
            Passage(
                text=f"{clause} " + " ".join(chosen),
                source=f"synthetic/real-text-{document:04d}.md",
                title=f"Recombined real-text document {document}",
                kind="agreement",
                clause=clause,
                section=f"{i % PASSAGES_PER_DOCUMENT // 10 + 1}. Part",
            )
        )
    return passages


def _block_path(cache: Path, embedder: Embedder, sentences: list[str], block: int) -> Path:
    key = hashlib.sha256(
        json.dumps([embedder.name, SEED, BLOCK, MAX_WORDS, sentences]).encode()
    ).hexdigest()[:16]
    return cache / f"vectors-{embedder.name}-{key}-{block:03d}.npy"


def scale_vectors(
    embedder: Embedder, sentences: list[str], count: int, cache: Path
) -> tuple[list[Passage], np.ndarray, float]:
    """The first `count` passages and their vectors, embedding only blocks not yet cached;
    and the seconds spent embedding."""
    passages = real_text_passages(sentences, count)
    blocks, spent = [], 0.0
    for block in range((count + BLOCK - 1) // BLOCK):
        path = _block_path(cache, embedder, sentences, block)
        if path.is_file():
            blocks.append(np.load(path))
            continue
        texts = [p.embedding_text() for p in real_text_passages(sentences, BLOCK, block * BLOCK)]
        clock = time.perf_counter()
        vectors = embedder.embed(texts)
        spent += time.perf_counter() - clock
        cache.mkdir(parents=True, exist_ok=True)
        staging = path.with_suffix(".part.npy")
        np.save(staging, vectors)
        staging.replace(path)
        log.warning("embedded block %d (%d passages) in %.0f s", block, BLOCK, spent)
        blocks.append(vectors)
    return passages, np.concatenate(blocks)[:count], spent


def context_stand_ins(vectors: np.ndarray) -> np.ndarray:
    """A stand-in for each passage's context vector (core/context.py embeds the window around
    it): its own vector weighed twice with its neighbours', normalised. No model: the context
    vectors are only read by id at answer time, so their cost, not their values, is measured."""
    mixed = 2 * vectors
    mixed[1:] += vectors[:-1]
    mixed[:-1] += vectors[1:]
    return mixed / np.linalg.norm(mixed, axis=1, keepdims=True)


# -- the store ----------------------------------------------------------------------------------
def load_store(
    settings: Settings, embedder: Embedder, passages: list[Passage], vectors: np.ndarray
) -> PassageStore:
    """Passages, vectors and stand-in context vectors in a store built with the app's HNSW
    settings, and its BM25 index."""
    store = PassageStore(settings, embedder)
    contexts = context_stand_ins(vectors)
    for start in range(0, len(passages), CHROMA_BATCH):
        batch = passages[start : start + CHROMA_BATCH]
        ids = [p.id for p in batch]
        store.context.upsert(
            ids=ids, embeddings=contexts[start : start + len(batch)],  # type: ignore[arg-type]
            documents=[p.text for p in batch], metadatas=[{"source": p.source} for p in batch],
        )  # fmt: skip
        store.upsert(batch, vectors[start : start + len(batch)])
    LexicalIndex.build(store.all_passages(), f"bench-real-{len(passages)}").save(
        settings.lexical_dir
    )
    return store


def recall_at_k(
    store: PassageStore, passages: list[Passage], vectors: np.ndarray, queries: np.ndarray, k: int
) -> float:
    """Share of the exact k nearest passages (cosine, brute force) that the HNSW index returns."""
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :k]
    got = store.collection.query(query_embeddings=queries, n_results=k, include=[])  # type: ignore[arg-type]
    found = sum(
        len({passages[j].id for j in row} & set(returned))
        for row, returned in zip(exact, got["ids"], strict=True)
    )
    return found / (k * len(queries))


class _TutorialEmbeddings(Embeddings):
    """LangChain's embedding interface on the bench's embedder (the same model for both)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def time_tutorial(store: PassageStore, embedder: Embedder, questions: list[str]) -> list[float]:
    """The tutorial's retrieval (LangChain Chroma, similarity_search, k=5) on the same
    collection: milliseconds per question, warm, the question embedded in the call as there."""
    from langchain_community.vectorstores import Chroma

    tutorial = Chroma(
        client=store.client, collection_name=store.settings.collection,
        embedding_function=_TutorialEmbeddings(embedder),
    )  # fmt: skip
    for question in questions:
        tutorial.similarity_search(question, k=TUTORIAL_K)
    timings = []
    for _ in range(2):
        for question in questions:
            clock = time.perf_counter()
            tutorial.similarity_search(question, k=TUTORIAL_K)
            timings.append((time.perf_counter() - clock) * 1000)
    return timings


def bench_real_scale(
    data_dir: Path, embedder: Embedder, corpus: Path, questions: list[str], scale: int,
    cache: Path, answer_timer: Callable[[Settings, Embedder, list[str]], list[float]],
    disk_mb: Callable[[Path], float],
) -> ScaleFigure:  # fmt: skip
    """One real-text scale point in its own store (the app's HNSW settings)."""
    sentences = corpus_sentences(corpus, cache)
    passages, vectors, embed_seconds = scale_vectors(embedder, sentences, scale, cache)
    settings = eval_settings(data_dir, 5)
    clock = time.perf_counter()
    store = load_store(settings, embedder, passages, vectors)
    load = time.perf_counter() - clock
    recall = recall_at_k(store, passages, vectors, embedder.embed(questions), RECALL_K)
    ours = answer_timer(settings, embedder, questions)
    tutorial = time_tutorial(store, embedder, questions)
    figure = ScaleFigure(
        scale, load, recall, percentile(ours, 50), percentile(ours, 95),
        percentile(tutorial, 50), percentile(tutorial, 95), disk_mb(data_dir), embed_seconds,
    )  # fmt: skip
    print(
        f"  real text {scale:,}: embedded {embed_seconds:.0f} s, loaded {load:.0f} s, "
        f"recall@10 {recall:.3f}, p50/p95 {figure.p50_ms:.0f}/{figure.p95_ms:.0f} ms, "
        f"tutorial {figure.tutorial_p50_ms:.0f}/{figure.tutorial_p95_ms:.0f} ms",
        flush=True,
    )
    return figure
