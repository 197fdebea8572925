"""`python -m eval.llm_server --start-server [--set bundled] [--limit N]`, or
`python -m eval.llm_server --base-url http://127.0.0.1:PORT/v1 --model NAME`: the gold set's
questions through ShareCheck with the LLM answerer pointed at an OpenAI-compatible server; prints
and writes (eval/reports/llm-<set>-<date>.{md,json}) LLM-mode latency (time to first token, whole
reply, whole answer; p50/p95/max), the fallback rate with its reasons, and how often the model's
citations pass the check, with the machine's load average during the run.

`--start-server` starts the tested configuration itself (the llama.cpp server and Gemma 3 270M
that scripts/llama_server.sh builds, as tests/llm_server start it: loopback, one thread). To run
one by hand, as the README shows:
`$DIR/venv-*/bin/python -m llama_cpp.server --model $DIR/model/gemma-3-270m-q4_k_m.gguf
--model_alias gemma-3-270m --host 127.0.0.1 --port 8080 --n_ctx 8192 --n_threads 1
--n_threads_batch 1 --chat_format hf-tokenizer-config
--hf_tokenizer_config_path tests/llm_server/gemma3_tokenizer_config.json`
with DIR=~/.cache/sharecheck/llama-server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shlex
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.compose import build
from assistant.llm import LLMFailed, Reply, check_citations, echoes
from core.answer import Answer
from core.embedding import Embedder, MiniLMEmbedder
from core.settings import LLMSettings, Settings
from eval.metrics import percentile
from eval.questions import GoldQuestion, load_questions
from eval.run import eval_settings, git_commit, ingest_corpus
from eval.sets import REPO, find_set

log = logging.getLogger(__name__)

REPORTS = REPO / "eval" / "reports"
FAILED_PREFIX = "The LLM answerer failed ("
REPLY_START_CHARS = 300


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


@dataclass
class Outcome:
    """One question: what the user was shown, and what the model replied (when it did)."""

    id: str
    mode: str  # llm | extractive (a fallback) | declined (never sent to the model)
    answer_s: float  # the whole ask: retrieval, the model, the checks
    first_token_s: float | None = None
    reply_s: float | None = None
    finish: str | None = None
    reply_chars: int = 0
    reply_start: str = ""  # the reply's first REPLY_START_CHARS characters, to see what it wrote
    fallback: str | None = None
    # The citation check on the reply as the model wrote it, whatever else refused it:
    # None (no complete reply), "pass" (every marker a retrieved passage), "pass, markers removed"
    # (at least one retrieved passage cited, others pointing nowhere), "fail" (none retrieved).
    citations: str | None = None
    repeats_prompt: bool | None = None  # the reply (as far as it was read) repeats the prompt


def reason_kind(reason: str) -> str:
    """A fallback reason grouped: what the checks refused apart from what the transport lost."""
    for key, kind in (
        ("timeout", "timeout"), ("cited none", "cited nothing retrieved"),
        ("its verdict", "verdict not the evidence's"), ("cut off", "cut off at the token limit"),
        ("repeated the prompt", "repeated the prompt"), ("no Short answer", "no Short answer"),
        ("no passages", "nothing retrieved"),
    ):  # fmt: skip
        if key in reason:
            return kind
    return "error: " + reason.split(":", 1)[0]


def citation_check(reply: Reply, answer: Answer) -> str | None:
    """The citation check (assistant.llm.check_citations) on a complete reply."""
    if reply.finish_reason in ("length", "refused"):
        return None  # cut off or refused mid-stream: not an answer to check
    try:
        _, removed = check_citations(reply.text, {c.n for c in answer.citations})
    except LLMFailed:
        return "fail"
    return "pass, markers removed" if removed else "pass"


def run(
    settings: Settings, embedder: Embedder, questions: list[GoldQuestion]
) -> tuple[list[Outcome], list[float]]:
    """Ask each question once; what each gave and the 1-minute load average after each."""
    records = LLMRecords()
    answerer_log = logging.getLogger("assistant.llm")
    answerer_log.addHandler(records)
    answerer_log.setLevel(logging.INFO)
    outcomes: list[Outcome] = []
    load = [os.getloadavg()[0]]
    try:
        with build(settings, embedder, with_log=False) as parts:
            prompt = getattr(parts.assistant.answerer, "prompt", None)
            parts.assistant.ask("Can I share information?", log_answer=False)  # warm up
            records.replies.clear()
            for number, gold in enumerate(questions, start=1):
                replies_before, fallbacks_before = len(records.replies), len(records.fallbacks)
                started = time.monotonic()
                answer = parts.assistant.ask(gold.question, log_answer=False)
                fell_back = len(records.fallbacks) > fallbacks_before
                outcome = Outcome(
                    gold.id, _mode(answer, fell_back), round(time.monotonic() - started, 2)
                )
                outcome.fallback = next(
                    (n[len(FAILED_PREFIX):].split("); this answer", 1)[0]
                     for n in answer.notices if n.startswith(FAILED_PREFIX)), None,
                )  # fmt: skip
                if len(records.replies) > replies_before:
                    reply = records.replies[-1]
                    outcome.first_token_s = reply.first_token_s
                    outcome.reply_s = round(reply.total_s, 2)
                    outcome.finish = reply.finish_reason
                    outcome.reply_chars = len(reply.text)
                    outcome.reply_start = reply.text[:REPLY_START_CHARS]
                    outcome.citations = citation_check(reply, answer)
                    if prompt is not None:
                        outcome.repeats_prompt = echoes(reply.text, prompt)
                outcomes.append(outcome)
                load.append(os.getloadavg()[0])
                log.info(
                    "%d/%d %s %s %.1f s%s", number, len(questions), gold.id, outcome.mode,
                    outcome.answer_s, f" ({outcome.fallback})" if outcome.fallback else "",
                )  # fmt: skip
    finally:
        answerer_log.removeHandler(records)
    return outcomes, load


def _mode(answer: Answer, fell_back: bool) -> str:
    """llm, extractive (the LLM answerer fell back), or why the model was never asked."""
    if answer.mode == "llm" or fell_back:
        return "llm" if answer.mode == "llm" else "extractive"
    return "declined" if answer.abstained else f"not sent ({answer.mode})"


def summary(outcomes: list[Outcome], load: list[float]) -> dict[str, object]:
    sent = [o for o in outcomes if o.mode in ("llm", "extractive")]
    fallbacks = [o for o in sent if o.mode != "llm"]
    replies = [o for o in sent if o.reply_s is not None]
    checked = [o for o in replies if o.citations is not None]
    passed = [o for o in checked if o.citations != "fail"]
    return {
        "questions": len(outcomes),
        "not_sent_to_the_model": dict(
            Counter(o.mode for o in outcomes if o.mode not in ("llm", "extractive"))
        ),
        "sent_to_the_model": len(sent),
        "llm_answers_shown": len(sent) - len(fallbacks),
        "fallbacks": len(fallbacks),
        "fallback_rate": round(len(fallbacks) / len(sent), 3) if sent else None,
        "fallback_reasons": dict(Counter(reason_kind(o.fallback or "?") for o in fallbacks)),
        "replies_received": len(replies),
        "replies_citation_checked": len(checked),
        "replies_whose_citations_pass": len(passed),
        "citation_pass_rate": round(len(passed) / len(checked), 3) if checked else None,
        "replies_passing_with_markers_removed": sum(
            o.citations == "pass, markers removed" for o in checked
        ),
        "replies_repeating_the_prompt": sum(bool(o.repeats_prompt) for o in replies),
        "checked_replies_not_repeating_the_prompt": sum(not o.repeats_prompt for o in checked),
        "of_which_citations_pass": sum(not o.repeats_prompt for o in passed),
        "first_token_s": spread([o.first_token_s for o in replies if o.first_token_s]),
        "whole_reply_s": spread([o.reply_s for o in replies if o.reply_s is not None]),
        "whole_answer_s": spread([o.answer_s for o in sent]),
        "load_average_1min": {
            "min": round(min(load), 2),
            "mean": round(sum(load) / len(load), 2),
            "max": round(max(load), 2),
        },  # fmt: skip
    }


def spread(values: list[float]) -> dict[str, float] | None:
    """p50, p95 (nearest rank) and the largest; None for no values."""
    if not values:
        return None
    return {
        "n": len(values), "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2), "max": round(max(values), 2),
    }  # fmt: skip


def spaced(questions: list[GoldQuestion], limit: int | None) -> list[GoldQuestion]:
    """At most `limit` questions, evenly spaced through the set (answerable and out-of-scope
    alike, in the set's proportions); all of them without a limit."""
    if not limit or limit >= len(questions):
        return questions
    return [questions[int(i * len(questions) / limit)] for i in range(limit)]


@contextlib.contextmanager
def started_server(log_path: Path) -> Iterator[str]:
    """The tested configuration (tests/llm_server/llama.py) on loopback; its base URL."""
    sys.path.insert(0, str(REPO))
    from tests.llm_server.llama import LlamaServer, NotBuilt, find_install

    try:
        install = find_install()
    except NotBuilt as reason:
        raise SystemExit(f"cannot start the server: {reason}") from None
    server = LlamaServer.start(install, log_path)
    try:
        yield f"{server.url}/v1"
    finally:
        server.stop()


def read_whole_replies() -> None:
    """The answerer reads each reply to its end instead of stopping at the first sentence of the
    prompt it repeats; check_form still refuses such a reply afterwards."""
    import assistant.llm

    stream = assistant.llm.stream_reply

    def to_the_end(model: Any, messages: Any, timeout_s: float, refuse: Any = None) -> Reply:
        return stream(model, messages, timeout_s)

    assistant.llm.stream_reply = to_the_end  # type: ignore[assignment]


def write_report(result: dict[str, object], outcomes: list[Outcome], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"llm-{result['set']}-{str(result['started'])[:10]}"
    stem.with_suffix(".json").write_text(
        json.dumps({**result, "per_question": [asdict(o) for o in outcomes]}, indent=1) + "\n",
        encoding="utf-8",
    )
    stem.with_suffix(".md").write_text(markdown(result, outcomes), encoding="utf-8")
    return stem.with_suffix(".md")


def markdown(result: dict[str, object], outcomes: list[Outcome]) -> str:
    def row(name: str, key: str) -> str:
        s = result[key]
        if not isinstance(s, dict):
            return f"| {name} | - | - | - | 0 |"
        return f"| {name} | {s['p50']} | {s['p95']} | {s['max']} | {s['n']} |"

    load = result["load_average_1min"]
    assert isinstance(load, dict)
    lines = [
        f"# LLM answerer against a real server: {result['set']}, {str(result['started'])[:16]} UTC",
        "",
        f"`{result['command']}`",
        "",
        f"Model `{result['model']}` at `{result['base_url']}`; {result['note']}",
        f"Machine: {result['cpus']} CPUs, 1-minute load average during the run "
        f"{load['min']}-{load['max']} (mean {load['mean']}): other work shared the cores, so the "
        "times are those of a loaded machine. Git {git}.".format(git=result["git"]),
        "",
        f"{result['limit_note']}"
        + (
            " Diagnostic run (--read-whole-replies): every reply was read to its end, even one "
            "repeating the prompt, so its citations could be checked; times are not the app's."
            if result.get("read_whole_replies")
            else ""
        ),
        "",
        "| seconds | p50 | p95 | max | n |",
        "|---|---|---|---|---|",
        row(
            "time to first token (request to first text; includes reading the prompt)",
            "first_token_s",
        ),
        row("whole reply (request to the stream's end or refusal)", "whole_reply_s"),
        row(
            "whole answer (retrieval + model + checks), questions sent to the model",
            "whole_answer_s",
        ),
        "",
        f"- Questions: {result['questions']}; never sent to the model (declined as out of scope, "
        f"or a verified answer): {json.dumps(result['not_sent_to_the_model'])}; sent to the "
        f"model: {result['sent_to_the_model']}.",
        f"- LLM answers shown: {result['llm_answers_shown']}; fallbacks to the extractive answer "
        f"with the notice: {result['fallbacks']} (rate {result['fallback_rate']}).",
        f"- Fallback reasons: {json.dumps(result['fallback_reasons'])}.",
        f"- Citation check on the complete replies (markers pointing at retrieved passages; "
        f"a reply cut off at the token limit or stopped for repeating the prompt is not counted): "
        f"{result['replies_whose_citations_pass']} of {result['replies_citation_checked']} pass "
        f"(rate {result['citation_pass_rate']}), {result['replies_passing_with_markers_removed']} "
        "of them only after markers pointing at no retrieved passage were removed. Replies that "
        f"repeat the prompt: {result.get('replies_repeating_the_prompt', '?')} of "
        f"{result['replies_received']} (its example markers [1] and [2][3] pass the citation "
        f"check); of the checked replies that do not, {result.get('of_which_citations_pass', '?')} "
        f"of {result.get('checked_replies_not_repeating_the_prompt', '?')} pass.",
        "",
        "| id | shown | first token s | reply s | answer s | finish | citations | fallback |",
        "|---|---|---|---|---|---|---|---|",
    ]
    starts = Counter(o.reply_start for o in outcomes if o.reply_start)
    if starts:
        lines[-2:-2] = [
            "How the replies began (the most common openings, as the model wrote them):",
            "",
            *(f"- {n} x `{start!r}`" for start, n in starts.most_common(5)),
            "",
        ]
    for o in outcomes:
        lines.append(
            f"| {o.id} | {o.mode} | {_s(o.first_token_s)} | {_s(o.reply_s)} | {_s(o.answer_s)} | "
            f"{o.finish or '-'} | "
            f"{o.citations or '-'} | {o.fallback or ''} |"
        )
    return "\n".join(lines) + "\n"


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.llm_server", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--base-url", help="a running server's /v1 address")
    where.add_argument("--start-server", action="store_true",
                       help="start the tested llama.cpp configuration on loopback for the run")  # fmt: skip
    parser.add_argument("--model", default="gemma-3-270m", help="the model name the server serves")
    parser.add_argument("--set", default="real-dev", help="a named gold set (default real-dev)")
    parser.add_argument("--limit", type=int, help="at most N questions, evenly spaced in the set")
    parser.add_argument("--timeout", type=float, default=120.0, help="SHARECHECK_LLM__TIMEOUT_S")
    parser.add_argument("--data-dir", type=Path, help="keep the ingested store here")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="where the report goes")
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument(
        "--read-whole-replies", action="store_true",
        help="diagnostic: read every reply to its end, even one that repeats the prompt (the app "
        "stops reading it there), so the citations of every reply can be checked; what is shown "
        "is still checked as in the app, but the times are not the app's",
    )  # fmt: skip
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    gold = find_set(args.set)
    if gold.missing():
        parser.error(f"set {gold.name}: {gold.missing()}")
    if args.read_whole_replies:
        read_whole_replies()
    every = load_questions(gold.questions)
    questions = spaced(every, args.limit)
    started = datetime.now(UTC)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sharecheck-llm-")))
        if args.start_server:
            base_url = stack.enter_context(started_server(tmp / "llama-server.log"))
            note = "started by --start-server as tests/llm_server start it (tests/llm_server/llama.py)."
        else:
            base_url, note = args.base_url, "a server started by hand."
        llm = LLMSettings(enabled=True, provider="openai", model=args.model, base_url=base_url,
                          timeout_s=args.timeout)  # fmt: skip
        settings = eval_settings(args.data_dir or tmp / "data", 5).model_copy(update={"llm": llm})
        embedder = MiniLMEmbedder()
        ingest_corpus(gold.corpus, settings, embedder)
        outcomes, load = run(settings, embedder, questions)
    result: dict[str, object] = {
        "set": gold.name, "model": args.model,
        "base_url": "loopback (started by --start-server)" if args.start_server else base_url,
        "note": note, "started": started.isoformat(timespec="seconds"),
        "command": "python -m eval.llm_server " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "cpus": os.cpu_count(), "git": git_commit(), "timeout_s": args.timeout,
        "read_whole_replies": args.read_whole_replies,
        "limit_note": (
            f"{len(questions)} of the set's {len(every)} questions, evenly spaced (--limit)."
            if len(questions) < len(every) else f"All {len(every)} questions of the set."
        ),
        **summary(outcomes, load),
    }  # fmt: skip
    print(json.dumps(result, indent=1))
    if not args.no_report:
        print(f"report: {write_report(result, outcomes, args.reports)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
