"""The eval end to end on a tiny corpus, fast: hashing embedder for ShareCheck, a fake for the
baseline; reports written; the CLI refuses what it cannot do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from core.embedding import HashingEmbedder
from eval.__main__ import main
from eval.baseline import TutorialPipeline, load_corpus
from eval.report import markdown, terminal_table, write_reports
from eval.run import EvalConfig, run_eval
from eval.validity import SourceTexts

GUIDE = """# Sharing after a visit

## 1. Emergencies

1.1 If someone is in immediate danger, call 999 first and share what the crews need.

## 2. Consent

2.1 Ask the person for consent before you refer them to adult social care. Record their answer
on the visit record, with the date and your name.

## 3. Police requests

3.1 A police request for information about a resident must be made in writing and passed to
the data protection officer, who decides whether the exemption applies.
"""


class FakeEmbeddings(Embeddings):
    """Bag-of-words vectors through the hashing embedder, for the baseline without a model."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return HashingEmbedder().embed(texts).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


@pytest.fixture(autouse=True)
def _uk_redactor_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Presidio takes seconds to load; the UK patterns are enough for the eval's plumbing."""
    from governance.redact import Redactor

    monkeypatch.setattr(
        Redactor, "from_settings", classmethod(lambda cls, s: cls(use_presidio=False))
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "guide.md").write_text(GUIDE, encoding="utf-8")
    (folder / "README.md").write_text("About this folder: not a document.", encoding="utf-8")
    return folder


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    rows = [
        {"id": "a1", "question": "someone in danger, do I call 999 before sharing information?",
         "answerable": True, "kind": "frontline", "source": "guide.md",
         "evidence": ["call 999 first"]},
        {"id": "a2", "question": "police asked for information about a resident, what do I do?",
         "answerable": True, "kind": "governance", "source": "guide.md",
         "evidence": ["must be made in writing"]},
        {"id": "o1", "question": "what time does the canteen open?", "answerable": False,
         "kind": "frontline", "oos_type": "general"},
    ]  # fmt: skip
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_run_eval_through_the_app_code_path(corpus: Path, questions: Path, tmp_path: Path) -> None:
    config = EvalConfig(corpus, questions, k=3, data_dir=tmp_path / "data", baseline=False)
    run = run_eval(config, HashingEmbedder())
    figures = run.ours.figures
    assert (figures.answerable, figures.unanswerable) == (2, 1)
    assert figures.oos_declined == 1.0  # no scope word: declined whatever is retrieved
    assert figures.citation_validity == 1.0
    assert figures.hit_at_k is not None and figures.latency_p95_ms is not None
    again = run_eval(config, HashingEmbedder())  # kept data dir: nothing re-ingested
    assert again.ingest.passages_written == 0
    assert again.ours.figures.hit_at_k == figures.hit_at_k
    report, chart = write_reports(run, tmp_path / "reports", name="tiny")
    text = report.read_text(encoding="utf-8")
    assert report.name.startswith("tiny-") and chart.exists() and chart.stat().st_size > 0
    assert "| hit@3 |" in text and "settings_hash" in text
    assert "answerable questions missed" in text


def test_baseline_reads_the_same_files_and_never_declines(corpus: Path, questions: Path) -> None:
    docs, skipped = load_corpus(corpus)
    assert [d.metadata["source"] for d in docs] == ["guide.md"] and not skipped
    pipeline = TutorialPipeline(corpus, FakeEmbeddings(), SourceTexts(corpus), k=2)
    outcome = pipeline.run("what time does the canteen open?")
    assert not outcome.abstained and len(outcome.retrieved) == 1  # one short file, one chunk
    assert all(r.valid and r.source == "guide.md" for r in outcome.retrieved)


def test_both_pipelines_side_by_side(
    corpus: Path, questions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("eval.run._tutorial_embeddings", lambda embedder: FakeEmbeddings())
    config = EvalConfig(corpus, questions, k=3, data_dir=tmp_path / "data")
    run = run_eval(config, HashingEmbedder())
    assert [p.name for p in run.runs] == ["ShareCheck", "LangChain tutorial"]
    assert run.runs[1].figures.oos_declined == 0.0
    assert len(terminal_table(run).columns) == 3
    assert "LangChain tutorial: answerable questions missed" in markdown(run)


def test_cli_needs_questions_for_another_corpus(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--corpus", str(corpus)]) == 2
    assert "--questions is needed" in capsys.readouterr().err
    assert main(["--corpus", str(corpus / "nope"), "--questions", str(corpus / "x.jsonl")]) == 2
    with pytest.raises(ValueError, match="k must be at least 1"):
        EvalConfig(k=0)
