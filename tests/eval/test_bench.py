"""The bench's own parts, fast: synthetic passages, the synthetic store, the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.embedding import HashingEmbedder
from core.vectorstore import PassageStore
from eval.bench import (
    SYNTHETIC_EF_CONSTRUCTION,
    BenchResult,
    IngestFigure,
    LatencyFigure,
    add_synthetic,
    disk_mb,
    machine_info,
    markdown,
    synthetic_passages,
    synthetic_settings,
    to_json,
    unit_vectors,
)
from eval.run import eval_settings


def test_synthetic_passages_are_varied_unique_and_repeatable() -> None:
    first = synthetic_passages(500)
    assert len({p.id for p in first}) == 500
    assert len({p.text.split(" ", 1)[1] for p in first}) > 450  # varied beyond the clause number
    assert [p.id for p in synthetic_passages(500)] == [p.id for p in first]
    later = synthetic_passages(10, start=500)
    assert not {p.id for p in later} & {p.id for p in first}


def test_unit_vectors_have_unit_length() -> None:
    vectors = unit_vectors(20, np.random.default_rng(1))
    assert vectors.shape == (20, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_synthetic_store_keeps_the_apps_search_settings(tmp_path: Path) -> None:
    app = eval_settings(tmp_path / "data", 5)
    store = PassageStore(synthetic_settings(tmp_path / "data"), HashingEmbedder())
    passages = synthetic_passages(50)
    add_synthetic(store, passages, np.random.default_rng(1))
    assert store.count() == 50
    assert store.vectors([passages[0].id]).shape == (1, 384)
    hnsw = store.collection.configuration_json["hnsw"]
    assert hnsw["ef_construction"] == SYNTHETIC_EF_CONSTRUCTION
    assert hnsw["ef_search"] == app.retrieval.ef_search and hnsw["space"] == "cosine"
    assert hnsw["max_neighbors"] == app.store.max_neighbors
    assert disk_mb(tmp_path / "data") > 0


def test_store_rejects_vectors_that_do_not_match_the_passages(tmp_path: Path) -> None:
    store = PassageStore(eval_settings(tmp_path / "data", 5), HashingEmbedder())
    passages = synthetic_passages(3)
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="2 vectors given for 3 passages"):
        store.upsert(passages, unit_vectors(2, rng))
    assert store.count() == 0


def test_report_tables_and_json() -> None:
    result = BenchResult("2026-01-01 10:00", machine_info())
    result.ingest = [IngestFigure("bundled", "cold", 10.0, 145, 145)]
    result.ingest.append(IngestFigure("bundled", "unchanged", 0.5, 0, 145))
    result.latency = [LatencyFigure(1000, 4.0, 50.0, 120.0, 14.0)]
    result.first_answer_s = [12.5]
    result.peak_rss_mb = {"bench process": 900.0}
    text = markdown(result)
    assert "| bundled | cold | 10.00 | 145 | 14.5 | 145 |" in text
    assert "| 1,000 | 50 | 120 | 14 | 4 |" in text and "12.5 s" in text
    raw = json.loads(to_json(result))
    assert raw["ingest"][0]["passages_per_second"] == 14.5
    assert raw["ingest"][1]["passages_per_second"] is None
