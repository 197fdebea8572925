"""The real-text scale bench, fast: the hashing embedder on the bundled corpus's sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.embedding import HashingEmbedder
from eval import bench_scale
from eval.bench import disk_mb
from eval.bench_scale import (
    bench_real_scale,
    context_stand_ins,
    corpus_sentences,
    real_text_passages,
    scale_vectors,
)

BUNDLED = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def sentences(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    cache = tmp_path_factory.mktemp("cache")
    found = corpus_sentences(BUNDLED, cache)
    assert corpus_sentences(BUNDLED, cache) == found  # the second time from the cache
    return found


def test_sentences_come_from_the_corpus_and_are_sentence_sized(sentences: list[str]) -> None:
    assert len(sentences) > 100 and len(set(sentences)) == len(sentences)
    assert all(5 <= len(s.split()) <= 80 for s in sentences)


def test_passages_are_recombined_unique_repeatable_and_passage_sized(sentences: list[str]) -> None:
    passages = real_text_passages(sentences, 300)
    assert len({p.id for p in passages}) == 300
    assert all(len(p.text.split()) <= bench_scale.MAX_WORDS + 90 for p in passages)
    assert [p.text for p in real_text_passages(sentences, 5, start=100)] == [
        p.text for p in passages[100:105]
    ]
    first = passages[0].text.split(" ", 1)[1]
    assert any(s in first for s in sentences)


def test_vectors_are_embedded_once_in_blocks_then_read_back(
    sentences: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_scale, "BLOCK", 50)
    passages, vectors, _ = scale_vectors(HashingEmbedder(), sentences, 120, tmp_path)
    assert vectors.shape == (120, 384) and len(passages) == 120
    assert len(list(tmp_path.glob("vectors-*.npy"))) == 3
    again, cached, _ = scale_vectors(HashingEmbedder(), sentences, 100, tmp_path)
    assert np.array_equal(cached, vectors[:100]) and len(again) == 100


def test_context_stand_ins_are_unit_vectors_near_their_passage() -> None:
    vectors = np.eye(4, dtype=np.float32)
    mixed = context_stand_ins(vectors)
    assert np.allclose(np.linalg.norm(mixed, axis=1), 1.0)
    assert all(int(np.argmax(mixed[i])) == i for i in range(4))


def test_a_scale_point_measures_recall_and_both_latencies(
    sentences: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_scale, "BLOCK", 100)
    questions = ["Can I share a referral with the police?", "Who reviews the agreement?"]

    def timer(settings: object, embedder: object, asked: list[str]) -> list[float]:
        return [10.0, 12.0]

    figure = bench_real_scale(
        tmp_path / "store", HashingEmbedder(), BUNDLED, questions, 200, tmp_path / "cache",
        timer, disk_mb,
    )  # fmt: skip
    assert figure.passages == 200 and figure.recall_at_10 > 0.9
    assert figure.p50_ms == 10.0 and figure.tutorial_p50_ms > 0 and figure.store_mb > 0
