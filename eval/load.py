"""`python -m eval.load`: how many people asking at once one or two app instances serve.

    python -m eval.load [--users 1 10 25 50] [--instances 1 2] [--seconds 20] [--pg-url URL]

On 127.0.0.1 only: a Chroma server (`chroma run`) holding the bundled corpus, the answer log in
PostgreSQL (a fresh schema in --pg-url, default $SHARECHECK_TEST_PG_URL) or else SQLite, and one
data dir shared by the instances as on one machine (registry, BM25 index). An instance is a
separate process holding the assistant, as `streamlit run serve.py` does, each simulated user a
thread in it (Streamlit runs each session's script on its own thread). Users ask the dev
questions (eval/gold/bundled.jsonl) one after another with no pause, through the service layer
(Assistant.ask, logged), not the websocket: that is the most a closed loop can get out of an
instance, its capacity.

Bounded: each level runs --seconds, users stop starting questions at the deadline, and a worker
that has not reported within the deadline plus --grace is killed. Per level: answers/s
sustained, p50/p95 latency, errors, log rows written against answers given (each answer's log id
exactly once), the chain verified, and the machine's load average (`uptime`) before and after.
Writes eval/reports/load-<date>.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from core.settings import Settings
from eval import stack

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent.parent
QUESTIONS = PROJECT / "eval" / "gold" / "bundled.jsonl"
REPORTS = PROJECT / "eval" / "reports"
# The bundled corpus ingested once (real model, local Chroma) and copied to each run's server.
STORE_CACHE = Path.home() / ".cache" / "sharecheck" / "load-store"
# Seconds a worker may take past a level's deadline to report (its last answers at 50 users on
# a loaded 2-core machine take tens of seconds each) before it is killed.
GRACE_S = 120.0
# Seconds a worker may take to load the model and open the store before the first level.
WORKER_START_S = 300.0
# Between "go" and the first question: every worker must have read the start time by then.
START_DELAY_S = 2.0


@dataclass
class Level:
    """One measured run: `users` asking at once, spread over `instances` processes."""

    users: int
    instances: int
    seconds: float
    answers: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    answers_per_s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    log_rows_written: int = 0
    each_answer_logged_once: bool = False
    chain_ok: bool = False
    # CPU the instances spent per answer: what a loaded machine's wall-clock figures cannot show
    # (Chroma server and PostgreSQL work is not in it).
    cpu_ms_per_answer: float = 0.0
    peak_mb_per_instance: float = 0.0
    load_before: str = ""
    load_after: str = ""


def uptime_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the worker: one app instance -------------------------------------------------------------


def worker(pipe: Connection, settings: Settings, questions: list[str], instance: int) -> None:
    """Build the assistant once, then run each level the parent sends until told to stop."""
    from assistant.compose import build
    from core.embedding import MiniLMEmbedder

    services = build(settings, embedder=MiniLMEmbedder())
    services.assistant.ask(questions[0], log_answer=False)  # warm: model, index, redactor
    pipe.send("ready")
    while (order := pipe.recv()) != "stop":
        users, offset, start, deadline = order
        pipe.send(
            _run_users(services.assistant, questions, users, offset, start, deadline, instance)
        )
    services.close()


def _run_users(
    assistant: Any, questions: list[str], users: int, offset: int, start: float, deadline: float,
    instance: int,
) -> dict[str, Any]:  # fmt: skip
    from assistant.service import Asker

    latencies: list[float] = []
    log_ids: list[int] = []
    errors: Counter[str] = Counter()
    finished: list[float] = []
    lock = threading.Lock()

    def user(n: int) -> None:
        asker = Asker(user_id=f"load-user-{offset + n}", session_id=f"load-{instance}-{n}")
        turn = (offset + n) * 7  # users start at different questions
        time.sleep(max(0.0, start - time.time()))
        while time.time() < deadline:
            question = questions[turn % len(questions)]
            turn += 1
            began = time.perf_counter()
            try:
                answer = assistant.ask(question, asker=asker)
            except Exception as error:  # counted and reported, the user carries on
                with lock:
                    errors[type(error).__name__] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)
                log_ids.append(answer.log_id)
                finished.append(time.time())

    cpu_before = _cpu_s()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    return {
        "latencies": latencies, "log_ids": log_ids, "errors": dict(errors), "finished": finished,
        "peak_mb": peak_mb, "cpu_s": _cpu_s() - cpu_before,
    }  # fmt: skip


def _cpu_s() -> float:
    """CPU seconds this instance has used, all its threads (torch's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the parent: set-up, levels, report -------------------------------------------------------


def cached_store() -> Settings:
    """The bundled corpus ingested into a local store, once (minutes), then reused."""
    settings = Settings(data_dir=STORE_CACHE)
    if settings.registry_path.exists() and settings.chroma_dir.exists():
        return settings
    from core.embedding import MiniLMEmbedder
    from ingest.lock import writer_lock
    from ingest.pipeline import Ingester

    log.info("ingesting the bundled corpus into %s (once)", STORE_CACHE)
    shutil.rmtree(STORE_CACHE, ignore_errors=True)
    with writer_lock(STORE_CACHE):
        ingester = Ingester(settings, MiniLMEmbedder())
        ingester.run([PROJECT / "corpus"])
        ingester.close()
    return settings


@contextmanager
def shared_engines(folder: Path, pg_url: str) -> Iterator[Settings]:
    """A Chroma server with the bundled corpus, the log, and one data dir for the instances."""
    from core.embedding import MiniLMEmbedder

    source = cached_store()
    with ExitStack() as running:
        chroma_url = running.enter_context(stack.chroma_server(folder / "chroma-server"))
        data_dir = folder / "data"
        ignored = shutil.ignore_patterns("chroma", "write.lock*", "log.sqlite*", "users.sqlite*")
        shutil.copytree(source.data_dir, data_dir, ignore=ignored)
        settings = Settings(data_dir=data_dir, chroma_url=chroma_url)
        stack.copy_store(source, settings, MiniLMEmbedder())
        if pg_url:
            settings = settings.model_copy(
                update={"log_url": running.enter_context(stack.postgres_schema(pg_url))}
            )
        yield settings


class Instances:
    """`count` worker processes, each an app instance, started and warmed up together."""

    def __init__(self, count: int, settings: Settings, questions: list[str]) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        for n in range(count):
            mine, theirs = context.Pipe()
            process = context.Process(target=worker, args=(theirs, settings, questions, n))
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)
        for pipe in self.pipes:
            if not pipe.poll(WORKER_START_S) or pipe.recv() != "ready":
                self.close()
                raise RuntimeError(f"an instance did not start within {WORKER_START_S:.0f} s")

    def run(self, users: int, seconds: float, grace: float) -> list[dict[str, Any]]:
        start = time.time() + START_DELAY_S
        deadline = start + seconds
        shares = [
            users // len(self.pipes) + (n < users % len(self.pipes)) for n in range(len(self.pipes))
        ]
        offsets = [sum(shares[:n]) for n in range(len(shares))]
        for pipe, share, offset in zip(self.pipes, shares, offsets, strict=True):
            pipe.send((share, offset, start, deadline))
        results = []
        for pipe in self.pipes:
            left = deadline + grace - time.time()
            if not pipe.poll(max(left, 0.0)):
                self.close()
                raise RuntimeError(
                    f"an instance did not finish within {grace:.0f} s of the deadline"
                )
            results.append(pipe.recv())
        return results

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send("stop")
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()


def measure(instances: Instances, level: Level, settings: Settings, grace: float) -> Level:
    from governance.log import AnswerLog

    with AnswerLog.open(settings) as answer_log:
        before = {a.id for a in answer_log.answers()}
    level.load_before = uptime_load()
    began = time.time() + START_DELAY_S
    results = instances.run(level.users, level.seconds, grace)
    level.load_after = uptime_load()
    latencies = [ms for r in results for ms in r["latencies"]]
    log_ids = [i for r in results for i in r["log_ids"]]
    finished = [t for r in results for t in r["finished"]]
    errors: Counter[str] = Counter()
    for r in results:
        errors.update(r["errors"])
    with AnswerLog.open(settings) as answer_log:
        written = sorted(a.id for a in answer_log.answers() if a.id not in before)
        level.chain_ok = answer_log.verify().ok
    level.answers, level.errors = len(latencies), dict(errors)
    level.answers_per_s = len(finished) / max(max(finished, default=began) - began, 1e-9)
    level.p50_ms, level.p95_ms = percentile(latencies, 0.50), percentile(latencies, 0.95)
    level.peak_mb_per_instance = max(r["peak_mb"] for r in results)
    level.cpu_ms_per_answer = 1000 * sum(r["cpu_s"] for r in results) / max(len(latencies), 1)
    level.log_rows_written = len(written)
    level.each_answer_logged_once = sorted(log_ids) == written
    return level


def report(levels: list[Level], command: str) -> str:
    lines = [
        f"# Load: simulated users through the service layer ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"`{command}`; {os.cpu_count()} cores; the load average is the machine's (`uptime`), "
        "other work included.",
        "",
        "| instances | users | answers | answers/s | p50 ms | p95 ms | errors | log rows | "
        "each once | chain | CPU ms/answer | peak MB/instance | load before | load after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for v in levels:
        errors = ", ".join(f"{k} {n}" for k, n in v.errors.items()) or "0"
        lines.append(
            f"| {v.instances} | {v.users} | {v.answers} | {v.answers_per_s:.2f} | {v.p50_ms:.0f} | "
            f"{v.p95_ms:.0f} | {errors} | {v.log_rows_written} | "
            f"{'yes' if v.each_answer_logged_once else 'NO'} | {'ok' if v.chain_ok else 'BROKEN'} | "
            f"{v.cpu_ms_per_answer:.0f} | {v.peak_mb_per_instance:.0f} | "
            f"{v.load_before} | {v.load_after} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 25, 50])
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each level")
    parser.add_argument("--grace", type=float, default=GRACE_S)
    parser.add_argument("--pg-url", default=os.environ.get("SHARECHECK_TEST_PG_URL", ""),
                        help="PostgreSQL for the log (a schema is made and dropped); else SQLite")  # fmt: skip
    parser.add_argument("--no-report", action="store_true", help="print only, write no files")
    args = parser.parse_args(argv)
    if max(args.users) > 200 or max(args.instances) > 8 or args.seconds > 300:
        parser.error("at most 200 users, 8 instances and 300 s a level")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per Chroma request otherwise
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per Chroma request otherwise
    from eval.questions import load_questions

    questions = [q.question for q in load_questions(QUESTIONS)]
    levels: list[Level] = []
    with tempfile.TemporaryDirectory() as tmp, shared_engines(Path(tmp), args.pg_url) as settings:
        for count in args.instances:
            instances = Instances(count, settings, questions)
            try:
                for users in args.users:
                    level = measure(
                        instances, Level(users, count, args.seconds), settings, args.grace
                    )
                    log.info("%s", asdict(level))
                    levels.append(level)
            finally:
                instances.close()
    command = "python -m eval.load " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report(levels, command.strip())
    print(text)
    if not args.no_report:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        REPORTS.mkdir(exist_ok=True)
        (REPORTS / f"load-{stamp}.md").write_text(text)
        (REPORTS / f"load-{stamp}.json").write_text(
            json.dumps([asdict(v) for v in levels], indent=2)
        )
    good = all(v.chain_ok and v.each_answer_logged_once for v in levels)
    return 0 if good else 1


if __name__ == "__main__":
    raise SystemExit(main())
