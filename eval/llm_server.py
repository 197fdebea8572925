"""`python -m eval.llm_server --base-url http://127.0.0.1:PORT/v1 --model NAME [--set real-dev]`:
the gold set's questions through ShareCheck with the LLM answerer pointed at a running
OpenAI-compatible server; prints LLM-mode latency (time to first token, whole reply), the
fallback rate with its reasons, and how often the model's citations pass the check.

Start a server first, e.g. the llama.cpp one that scripts/llama_server.sh builds:
`$DIR/venv-*/bin/python -m llama_cpp.server --model $DIR/model/gemma-3-270m-q4_k_m.gguf
--model_alias gemma-3-270m --host 127.0.0.1 --port 8080 --n_ctx 8192 --n_threads 2`
with DIR=~/.cache/sharecheck/llama-server.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from assistant.compose import build
from assistant.llm import Reply
from core.embedding import Embedder, MiniLMEmbedder
from core.settings import LLMSettings, Settings
from eval.questions import load_questions
from eval.run import eval_settings, ingest_corpus
from eval.sets import find_set

log = logging.getLogger(__name__)


class LLMRecords(logging.Handler):
    """What the answerer logged: each reply's timings and each fallback's reason."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.replies: list[Reply] = []
        self.fallbacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(reply := getattr(record, "llm_reply", None), Reply):
            self.replies.append(reply)
        if isinstance(reason := getattr(record, "llm_fallback", None), str):
            self.fallbacks.append(reason)


def reason_kind(reason: str) -> str:
    """A fallback reason grouped: what the checks refused apart from what the transport lost."""
    for key, kind in (
        ("timeout", "timeout"), ("cited none", "cited nothing retrieved"),
        ("verdict", "verdict not the evidence's"), ("cut off", "cut off at the token limit"),
    ):  # fmt: skip
        if key in reason:
            return kind
    return "error: " + reason.split(":", 1)[0]


def run(settings: Settings, embedder: Embedder, questions: list[str]) -> dict[str, object]:
    """Ask each question once; sum up what the answerer logged."""
    records = LLMRecords()
    answerer_log = logging.getLogger("assistant.llm")
    answerer_log.addHandler(records)
    answerer_log.setLevel(logging.INFO)
    modes: Counter[str] = Counter()
    removed_markers = 0
    try:
        with build(settings, embedder, with_log=False) as parts:
            for number, question in enumerate(questions, start=1):
                answer = parts.assistant.ask(question, log_answer=False)
                modes["declined" if answer.abstained else answer.mode] += 1
                removed_markers += any(n.startswith("Removed citation") for n in answer.notices)
                log.info("%d/%d %s", number, len(questions), answer.mode)
    finally:
        answerer_log.removeHandler(records)
    return summary(records, modes, removed_markers)


def summary(records: LLMRecords, modes: Counter[str], removed_markers: int) -> dict[str, object]:
    asked = modes["llm"] + modes["extractive"]
    kinds = Counter(reason_kind(r) for r in records.fallbacks)
    replies = [r for r in records.replies if r.first_token_s is not None]
    checked = len(records.replies) - kinds["cut off at the token limit"]
    return {
        "questions": sum(modes.values()),
        "declined_before_the_model": modes["declined"],
        "sent_to_the_model": asked,
        "llm_answers_shown": modes["llm"],
        "fallbacks": modes["extractive"],
        "fallback_rate": round(modes["extractive"] / asked, 3) if asked else None,
        "fallback_reasons": dict(kinds),
        "replies_received": len(records.replies),
        "replies_whose_citations_pass": checked - kinds["cited nothing retrieved"],
        "replies_checked": checked,
        "llm_answers_with_a_marker_removed": removed_markers,
        "first_token_s": _spread([r.first_token_s for r in replies if r.first_token_s]),
        "whole_reply_s": _spread([r.total_s for r in records.replies]),
    }


def _spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 2),
        "max": round(ordered[-1], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.llm_server", description=__doc__)
    parser.add_argument("--base-url", required=True, help="the server's /v1 address")
    parser.add_argument("--model", required=True, help="the model name the server serves")
    parser.add_argument("--set", default="real-dev", help="a named gold set (default real-dev)")
    parser.add_argument("--timeout", type=float, default=120.0, help="SHARECHECK_LLM__TIMEOUT_S")
    parser.add_argument("--data-dir", type=Path, help="keep the ingested store here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    gold = find_set(args.set)
    if gold.missing():
        parser.error(f"set {gold.name}: {gold.missing()}")
    llm = LLMSettings(enabled=True, provider="openai", model=args.model, base_url=args.base_url,
                      timeout_s=args.timeout)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sharecheck-llm-") as tmp:
        settings = eval_settings(args.data_dir or Path(tmp), 5).model_copy(update={"llm": llm})
        embedder = MiniLMEmbedder()
        ingest_corpus(gold.corpus, settings, embedder)
        questions = [q.question for q in load_questions(gold.questions)]
        figures = run(settings, embedder, questions)
    print(json.dumps({"set": gold.name, "model": args.model, **figures}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
