"""The eval end to end on a tiny corpus, fast: hashing embedder for ShareCheck, a fake for the
baseline; reports written; the CLI refuses what it cannot do."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from core.embedding import HashingEmbedder
from eval.__main__ import main
from eval.baseline import TutorialPipeline, load_corpus
from eval.report import markdown, terminal_table, write_reports
from eval.run import EvalConfig, run_eval
from eval.sets import GoldSet
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
         "evidence": ["call 999 first"], "verdict": "act_now"},
        {"id": "a2", "question": "police asked for information about a resident, what do I do?",
         "answerable": True, "kind": "governance", "source": "guide.md",
         "evidence": ["must be made in writing"]},
        {"id": "o1", "question": "what time does the canteen open?", "answerable": False,
         "kind": "frontline", "oos_type": "general", "verdict": "not_covered"},
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
    assert figures.judges_answers and figures.wrong_polarity is not None
    assert figures.verdict_agreement is not None  # a1 and o1 carry labels, a2 none
    assert "## Answer level: bottom line and verdict" in text and "wrong polarity (" in text
    assert "| `guide.md` | 2 |" in text and "No earlier report of this set" in text
    later = write_reports(
        replace(run, started=run.started + timedelta(days=1)), tmp_path / "reports", name="tiny"
    )[0].read_text(encoding="utf-8")
    assert f"is from `{report.name}`" in later and "| ShareCheck before |" in later
    (tmp_path / "reports" / "tiny-2000-01-01.md").write_text(
        "| metric | ShareCheck |\n|---|---|\n| hit@3 | 0.12 |\n", encoding="utf-8"
    )
    report.unlink()
    first = write_reports(run, tmp_path / "reports", name="tiny")[0].read_text(encoding="utf-8")
    assert "| hit@3 | " in first and " | 0.12 |" in first and "0 by construction" in first
    assert "| wrong polarity (count; must be 0) | " in first


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
    text = markdown(run)
    assert "LangChain tutorial: answerable questions missed" in text
    assert "| verdict agreement (answerable) | " in text and " | n/a |" in text
    assert not run.runs[1].figures.judges_answers


def test_cli_needs_questions_for_another_corpus(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--corpus", str(corpus)]) == 2
    assert "--questions is needed" in capsys.readouterr().err
    assert main(["--corpus", str(corpus / "nope"), "--questions", str(corpus / "x.jsonl")]) == 2
    with pytest.raises(ValueError, match="k must be at least 1"):
        EvalConfig(k=0)
    assert main(["--set", "nope"]) == 2
    assert main(["--set", "bundled", "--corpus", str(corpus)]) == 2
    assert "name their own corpus" in capsys.readouterr().err


def test_sets_whose_corpus_is_absent_are_skipped_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "shared" / "corpus"
    gone = (GoldSet("real-dev", absent, tmp_path / "dev.jsonl", "shared-corpus", "dev"),)
    monkeypatch.setattr("eval.sets.SETS", gone)
    monkeypatch.setattr("eval.__main__.SETS", gone)
    assert main(["--all-sets", "--reports", str(tmp_path / "reports")]) == 0
    assert f"skipped real-dev: corpus {absent} not found" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()
    assert main(["--all-sets", "--check-floors"]) == 2  # nothing on the bundled corpus to floor


def test_sets_on_one_corpus_share_a_data_dir(corpus: Path, questions: Path, tmp_path: Path) -> None:
    from contextlib import ExitStack

    from eval.__main__ import jobs, parse_args

    two = (
        GoldSet("one", corpus, questions, "tiny-one", ""),
        GoldSet("two", corpus, questions, "tiny-two", ""),
    )
    with pytest.MonkeyPatch.context() as patch, ExitStack() as stack:
        patch.setattr("eval.sets.SETS", two)
        patch.setattr("eval.__main__.SETS", two)
        found = jobs(parse_args(["--all-sets", "--no-baseline"]), stack)
        assert [name for _, name in found] == ["tiny-one", "tiny-two"]
        shared = found[0][0].data_dir
        assert shared is not None and shared.is_dir() and found[1][0].data_dir == shared
        assert not found[0][0].baseline
