"""CI floor: the bundled gold set through the real app code path must keep eval/floors.json."""

from __future__ import annotations

import pytest

from core.embedding import MiniLMEmbedder
from core.settings import Settings
from eval.floors import breaches, load_floors
from eval.run import EvalConfig, run_eval

pytestmark = pytest.mark.slow


def test_bundled_corpus_keeps_its_floors(bundled_store: Settings, embedder: MiniLMEmbedder) -> None:
    floors = load_floors()
    # The session's bundled store is reused: the eval's own ingest then finds nothing to do.
    run = run_eval(
        EvalConfig(k=floors.k, data_dir=bundled_store.data_dir, baseline=False), embedder
    )
    figures = run.ours.figures
    assert figures.answerable > 0 and figures.unanswerable > 0
    assert not breaches(figures, floors), breaches(figures, floors)
