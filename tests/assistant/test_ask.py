"""Ask on the real store: cited answers hold the evidence, abstention, 999 first, follow-ups."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.compose import build
from assistant.service import Assistant
from core.answer import DANGER_LINE, MARKER, NOT_LEGAL_ADVICE, Turn
from core.embedding import MiniLMEmbedder, make_embedder
from core.settings import Settings
from eval.metrics import evidence_rank
from eval.questions import load_questions
from tests.conftest import PROJECT, SHARED_DEV

AUTHORED = PROJECT / "eval" / "gold" / "shared-authored.jsonl"

pytestmark = pytest.mark.slow


def _cited_text(answer: object) -> str:
    return " ".join(" ".join(c.passage.text.split()) for c in answer.citations)  # type: ignore[attr-defined]


def test_in_scope_question_gets_a_cited_answer_with_the_evidence(bundled: Assistant) -> None:
    answer = bundled.ask("I've emailed a referral to the wrong person at the council by mistake. Who do I tell and how fast?", log_answer=False)
    assert not answer.abstained
    assert answer.citations and MARKER.search(answer.text)
    assert answer.cited_numbers() <= {c.n for c in answer.citations}
    assert "breach" in _cited_text(answer).lower()
    assert answer.text.rstrip("_ \n").endswith(NOT_LEGAL_ADVICE.rstrip("."))  or NOT_LEGAL_ADVICE in answer.text


def test_quoted_sentences_come_from_the_cited_passage(bundled: Assistant) -> None:
    answer = bundled.ask("can I send a referral by WhatsApp?", log_answer=False)
    passages = {c.n: " ".join(c.passage.text.split()) for c in answer.citations}
    for sentence, n in re.findall(r"([^\]\n]+?) \[(\d+)\]", answer.text.split("**Ask**")[0]):
        # “quoted words” [n], possibly cut short with … to fit the bottom line
        quoted = sentence.split(": ", 1)[-1].strip().strip("“”").rstrip(" .…")
        assert quoted[:40] in passages[int(n)] and quoted[-30:] in passages[int(n)], (quoted, n)


@pytest.mark.parametrize(
    "question",
    ["how many days annual leave do I get in my first year?", "what's the weather doing in Hull tomorrow?"],
)
def test_out_of_scope_question_abstains_and_cites_nothing(bundled: Assistant, question: str) -> None:
    answer = bundled.ask(question, log_answer=False)
    assert answer.abstained
    assert answer.citations == []
    assert "do not cover" in answer.text


def test_immediate_danger_leads_with_999(bundled: Assistant) -> None:
    answer = bundled.ask("he's threatening her with a knife right now, can I tell the police what I know?", log_answer=False)
    assert answer.text.startswith(f"**{DANGER_LINE}**")
    assert answer.danger


def test_follow_up_is_searched_with_the_earlier_question(bundled: Assistant) -> None:
    first = "An older man on a safe and well visit agreed to a referral to adult social care."
    alone = bundled.retrieve("what if he changes his mind?")
    followed = bundled.retrieve("what if he changes his mind?", [Turn(first)])
    assert [h.passage.id for h in alone] != [h.passage.id for h in followed]
    assert any("consent" in h.passage.text.lower() for h in followed)


def test_past_review_agreement_carries_a_warning(bundled: Assistant) -> None:
    answer = bundled.ask("the police want details of a deliberate fire we attended - what form do they need to use?", log_answer=False)
    police = [c for c in answer.citations if c.passage.source == "police-isa.md"]
    assert police and all("passed its review date" in c.warning for c in police)


def test_cli_json_contract_reads_questions_from_stdin(bundled_store: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", "--no-log", "--data-dir", str(bundled_store.data_dir), "-"],
        input="who do I tell about a data breach?\nwhat's the weather tomorrow?\n",
        capture_output=True, text=True, cwd=PROJECT, timeout=300,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 2
    assert set(rows[0]) == {
        "question", "answer", "abstained", "mode", "verdict", "bottom_line", "elapsed_ms", "citations",
    }  # fmt: skip
    assert rows[0]["mode"] == "extractive" and rows[0]["abstained"] is False
    assert set(rows[0]["citations"][0]) == {"n", "source", "title", "kind", "clause", "section", "page", "page_label", "text", "warning"}
    assert [c["n"] for c in rows[0]["citations"]] == list(range(1, len(rows[0]["citations"]) + 1))
    assert rows[1]["abstained"] is True and rows[1]["citations"] == []


# Run the CLI in-process and say which of torch's family were imported by the time it answered.
_TORCH_PROBE = """
import json, runpy, sys
sys.argv = ["assistant", *sys.argv[1:]]
try:
    runpy.run_module("assistant", run_name="__main__")
except SystemExit as done:
    assert not done.code, done.code
names = ("torch", "transformers", "sentence_transformers", "onnx", "spacy", "presidio_analyzer")
print(json.dumps(sorted(n for n in names if sys.modules.get(n) is not None)))
"""


def test_the_cli_answers_from_an_onnx_store_without_importing_torch(tmp_path: Path) -> None:
    from ingest.lock import writer_lock
    from ingest.pipeline import Ingester

    settings = Settings(data_dir=tmp_path / "data", embedding_backend="onnx-fp32")
    with writer_lock(settings.data_dir):
        ingester = Ingester(settings, make_embedder("onnx-fp32"))
        assert ingester.run([PROJECT / "corpus" / "frontline-sharing-guide.md"]).failed == []
        ingester.close()
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "SHARECHECK_EMBEDDING_BACKEND": "onnx-fp32"}
    done = subprocess.run(
        [sys.executable, "-c", _TORCH_PROBE, "ask", "--json", "--data-dir", str(settings.data_dir), "who do I tell about a data breach?"],
        capture_output=True, text=True, cwd=PROJECT, timeout=300, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer, loaded = done.stdout.splitlines()
    assert json.loads(answer)["citations"]
    # The redactor's spaCy and presidio load (the log is written); torch, transformers and onnx
    # (the export's, not needed to run it) do not.
    assert json.loads(loaded) == ["presidio_analyzer", "spacy"]


def _hit_rate(assistant: Assistant, path: Path) -> float:
    """Share of answerable questions citing a passage that holds an evidence phrase: the eval's
    own check (eval.metrics.evidence_rank), so the test and `python -m eval` cannot drift apart."""
    answerable = [q for q in load_questions(path) if q.answerable]
    hits = 0
    for q in answerable:
        answer = assistant.ask(q.question, log_answer=False)
        hits += evidence_rank([c.passage.text for c in answer.citations], q.evidence) is not None
    return hits / len(answerable)


def test_real_dev_questions_find_their_evidence(shared_store: Settings, embedder: MiniLMEmbedder) -> None:
    """Most answerable dev questions cite a passage holding an evidence phrase (see eval/)."""
    # Measured 0.67 (the tutorial pipeline: 0.50 on the same store); a floor about 0.05 below
    # what was measured, not a target.
    with build(shared_store, embedder, with_log=False) as parts:
        assert _hit_rate(parts.assistant, SHARED_DEV) >= 0.60


def test_blind_questions_on_the_shared_corpus_find_their_evidence(
    shared_store: Settings, embedder: MiniLMEmbedder
) -> None:
    """eval/gold/shared-authored.jsonl was written from the documents without running the
    retriever, so it stands in for questions nobody has tuned against (see eval/README.md)."""
    # Measured 0.61 (0.52 before score fusion with question parts); a floor about 0.05 below
    # what was measured, not a target.
    with build(shared_store, embedder, with_log=False) as parts:
        assert _hit_rate(parts.assistant, AUTHORED) >= 0.55
