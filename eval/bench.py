"""`python -m eval.bench`: ingest throughput, answer latency at 1k/10k/100k passages, start-up
time, peak memory and store size. Writes eval/reports/bench-<date>.{md,json} and prints the tables.

Two kinds of scale point. Real text (eval.bench_scale): passages recombined from the real
corpus's own sentences, embedded with the real model once and cached, stored with the app's HNSW
settings, with the recall@10 of the index and the tutorial's retrieval on the same store.
Random vectors (the older points): varied sentences from a vocabulary with random unit vectors and
a narrower index, cheap to build at any size. Questions are embedded with the real model."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from core.embedding import BACKENDS, DIMENSIONS, Embedder, make_embedder
from core.lexical import LexicalIndex
from core.passage import Passage
from core.settings import Settings
from core.vectorstore import PassageStore
from eval.bench_scale import ScaleFigure, bench_real_scale, default_cache
from eval.metrics import percentile
from eval.questions import load_questions
from eval.run import (
    BUNDLED_CORPUS,
    BUNDLED_QUESTIONS,
    REPO,
    eval_settings,
    git_commit,
    ingest_corpus,
)
from eval.sets import SETS

log = logging.getLogger(__name__)

SHARED_CORPUS = REPO.parent / "shared" / "corpus"
REPORTS = REPO / "eval" / "reports"
SCALES = (1_000, 10_000, 100_000)
# Real-text points: embedding 100k passages takes about 20-40 min on 2 quiet cores (once; cached).
REAL_SCALES = (10_000, 100_000)
# Questions asked at each scale: once to warm up, then TIMED_PASSES more times timed; 30 x 2
# timings give a p95 that is not just the maximum.
TIMED_QUESTIONS = 30
TIMED_PASSES = 2
# Cold starts of the CLI measured; the second shows the OS file cache warm.
CLI_RUNS = 2
SEED = 7
# HNSW build breadth of the synthetic stores (settings.store.ef_construction). The app's 200 makes
# large stores of random vectors slow to insert on 2 cores; query cost is set by ef_search and
# max_neighbors, which stay the app's, so the figures still show its search.
SYNTHETIC_EF_CONSTRUCTION = 16


@dataclass
class IngestFigure:
    corpus: str
    run: str  # "cold" (empty store) or "unchanged" (second run)
    seconds: float
    passages_written: int
    passages_in_store: int

    @property
    def per_second(self) -> float | None:
        return (
            self.passages_written / self.seconds if self.passages_written and self.seconds else None
        )


@dataclass
class LatencyFigure:
    passages: int
    load_seconds: float  # writing the synthetic store and its BM25 index
    p50_ms: float
    p95_ms: float
    store_mb: float


@dataclass
class BenchResult:
    started: str
    machine: dict[str, str]
    ingest: list[IngestFigure] = field(default_factory=list)
    latency: list[LatencyFigure] = field(default_factory=list)
    real_text: list[ScaleFigure] = field(default_factory=list)
    embedder: str = ""
    first_answer_s: list[float] = field(default_factory=list)
    store_mb: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    git: str = ""


# -- machine and disk ---------------------------------------------------------------------------
def machine_info() -> dict[str, str]:
    """nproc, RAM and CPU model, for reading the figures in context."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )  # fmt: skip
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "unknown"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "nproc": str(os.cpu_count()), "ram": ram, "cpu": cpu, "python": platform.python_version(),
        "platform": platform.platform(), "load_at_start": load,
    }  # fmt: skip


def disk_mb(folder: Path) -> float:
    """Space a folder takes on disk, as `du` counts it (allocated blocks)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
    return total / 1024 / 1024


def peak_rss_mb() -> float:
    """This process's peak resident memory."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


# -- ingest -------------------------------------------------------------------------------------
def bench_ingest(name: str, corpus: Path, data_dir: Path, embedder: Embedder) -> list[IngestFigure]:
    """A cold ingest into an empty store, then the same again with nothing changed."""
    settings = eval_settings(data_dir, 5)
    figures = []
    for run in ("cold", "unchanged"):
        report = ingest_corpus(corpus, settings, embedder)
        count = PassageStore(settings, embedder).count()
        figures.append(IngestFigure(name, run, report.seconds, report.passages_written, count))
        print(f"  ingest {name} {run}: {report.seconds:.1f} s, {count} passages", flush=True)
    return figures


# -- synthetic passages -------------------------------------------------------------------------
_WHO = (
    "The referring officer",
    "Adult social care",
    "The police",
    "The data protection officer",
    "Each partner",
    "The crew manager",
    "The safeguarding lead",
    "The receiving organisation",
    "A watch manager",
    "The controller",
    "Health partners",
    "The local authority",
)
_DO = (
    "must record",
    "may share",
    "should confirm",
    "will review",
    "must not disclose",
    "is expected to pass on",
    "may request",
    "must delete",
    "should check",
    "will notify",
)
_WHAT = (
    "the person's address",
    "details of the referral",
    "the outcome of the visit",
    "any concern about self-neglect",
    "information about hoarding",
    "the lawful basis",
    "a record of consent",
    "the reason for sharing",
    "contact details of the next of kin",
    "special category data",
    "the date of the home fire safety visit",
    "the risk assessment",
)
_HOW = (
    "within 24 hours",
    "by secure email",
    "on the case management system",
    "where it is necessary and proportionate",
    "unless the adult refuses",
    "only for the purpose agreed",
    "after checking the caller's identity",
    "before the agreement is reviewed",
    "in line with the retention schedule",
    "where there is a risk of serious harm",
    "in writing",
    "as soon as practicable",
)


def synthetic_passages(count: int, start: int = 0, seed: int = SEED) -> list[Passage]:
    """Varied clause-like passages of two to four sentences, unique by their clause number."""
    rng = random.Random(seed + start)
    passages = []
    for i in range(start, start + count):
        sentences = [
            f"{rng.choice(_WHO)} {rng.choice(_DO)} {rng.choice(_WHAT)} {rng.choice(_HOW)}."
            for _ in range(rng.randint(2, 4))
        ]
        clause = f"{i // 10 + 1}.{i % 10 + 1}"
        passages.append(
            Passage(
                text=f"{clause} " + " ".join(sentences),
                source=f"synthetic/agreement-{i // 200:04d}.md",
                title=f"Synthetic information sharing agreement {i // 200}",
                kind="agreement",
                clause=clause,
                section=f"{i // 10 + 1}. Part {i // 10 + 1}",
            )
        )
    return passages


def unit_vectors(rows: int, rng: np.random.Generator) -> np.ndarray:
    vectors = rng.standard_normal((rows, DIMENSIONS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def synthetic_settings(data_dir: Path) -> Settings:
    """The app's settings on a synthetic store's data dir, building its index narrower."""
    settings = eval_settings(data_dir, 5)
    store = settings.store.model_copy(update={"ef_construction": SYNTHETIC_EF_CONSTRUCTION})
    return settings.model_copy(update={"store": store})


def add_synthetic(store: PassageStore, passages: list[Passage], rng: np.random.Generator) -> None:
    """Passages with random unit vectors (no model: the scale points time search, not ingest)."""
    store.upsert(passages, unit_vectors(len(passages), rng))


def time_answers(settings: Settings, embedder: Embedder, questions: list[str]) -> list[float]:
    """Answer.elapsed_ms of each question, asked warm through the app's code path."""
    from assistant.compose import build

    with build(settings, embedder, with_log=False) as parts:
        asked = questions[:TIMED_QUESTIONS]
        for question in asked:
            parts.assistant.ask(question, log_answer=False)
        return [
            parts.assistant.ask(q, log_answer=False).elapsed_ms
            for _ in range(TIMED_PASSES)
            for q in asked
        ]


def bench_scale(
    data_dir: Path, embedder: Embedder, questions: list[str], scales: tuple[int, ...]
) -> list[LatencyFigure]:
    """Grow one synthetic store through the scale points, timing answers at each."""
    settings = synthetic_settings(data_dir)
    store = PassageStore(settings, embedder)
    rng = np.random.default_rng(SEED)
    figures: list[LatencyFigure] = []
    held = 0
    for scale in sorted(scales):
        clock = time.perf_counter()
        for start in range(held, scale, 10_000):
            add_synthetic(store, synthetic_passages(min(10_000, scale - start), start), rng)
        held = scale
        LexicalIndex.build(store.all_passages(), f"bench-{scale}").save(settings.lexical_dir)
        load = time.perf_counter() - clock
        timings = time_answers(settings, embedder, questions)
        figures.append(
            LatencyFigure(
                scale,
                load,
                percentile(timings, 50),
                percentile(timings, 95),
                disk_mb(data_dir),
            )
        )
        print(f"  {scale} passages: loaded in {load:.0f} s, p50 {figures[-1].p50_ms:.0f} ms, "
              f"p95 {figures[-1].p95_ms:.0f} ms", flush=True)  # fmt: skip
    return figures


# -- start-up -----------------------------------------------------------------------------------
# A child's peak RSS as Linux reports it includes the memory of the process that forked it, so
# the CLI is started from this small launcher, which times it and reports its peak on stdout.
_LAUNCHER = """
import resource, subprocess, sys, time
clock = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - clock
sys.stderr.write(done.stderr)
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(done.returncode)
"""


def time_first_answer(data_dir: Path, question: str) -> tuple[float, float]:
    """Wall time (s) of `python -m assistant ask --no-log` from process start to its answer,
    and its peak RSS (MB)."""
    command = [sys.executable, "-m", "assistant", "ask", "--no-log", "--data-dir", str(data_dir)]
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command, question],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"`python -m assistant ask` failed ({done.returncode}): {last[0]}")
    seconds, rss_kb = done.stdout.split()
    return float(seconds), float(rss_kb) / 1024


def bench_start_up(result: BenchResult, data_dir: Path, question: str) -> None:
    """Cold starts of the CLI; a failing CLI is noted, not fatal, so the other figures survive."""
    for _ in range(CLI_RUNS):
        try:
            seconds, rss_mb = time_first_answer(data_dir, question)
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            result.notes.append(f"start-up not measured: {err}")
            return
        result.first_answer_s.append(seconds)
        key = "`python -m assistant ask`, bundled store"
        result.peak_rss_mb[key] = max(rss_mb, result.peak_rss_mb.get(key, 0.0))
        print(f"  first answer: {seconds:.1f} s, peak RSS {rss_mb:.0f} MB", flush=True)


# -- report -------------------------------------------------------------------------------------
def _n(number: float | None, digits: int = 0) -> str:
    return "–" if number is None else f"{number:,.{digits}f}"


def markdown(result: BenchResult) -> str:
    m = result.machine
    lines = [
        f"# ShareCheck bench, {result.started}",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, Python {m['python']}; "
        f"load average at start {m['load_at_start']}. Whole bench: {result.seconds:.0f} s. "
        f"Code: `{result.git}`.",
        "",
        "## Ingest",
        "",
        "| corpus | run | seconds | passages written | passages/s | passages in store | store on disk (MB) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for f in result.ingest:
        size = result.store_mb.get(f.corpus)
        lines.append(
            f"| {f.corpus} | {f.run} | {f.seconds:.2f} | {f.passages_written} | {_n(f.per_second, 1)} "
            f"| {f.passages_in_store} | {_n(size, 1)} |"
        )
    lines += [
        "",
        f"## Answer latency, warm ({TIMED_QUESTIONS} questions asked once to warm up, "
        f"then {TIMED_PASSES} times timed)",
        "",
        "| passages | p50 (ms) | p95 (ms) | store on disk (MB) | load (s) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for point in result.latency:
        lines.append(
            f"| {point.passages:,} | {point.p50_ms:.0f} | {point.p95_ms:.0f} "
            f"| {point.store_mb:.0f} | {point.load_seconds:.0f} |"
        )
    lines += _real_text_lines(result)
    starts = ", ".join(f"{s:.1f} s" for s in result.first_answer_s) or "–"
    lines += [
        "",
        "## Start-up and memory",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| process start to first answer (`python -m assistant ask`, bundled store) | {starts} |",
        *(f"| peak RSS, {who} (MB) | {mb:,.0f} |" for who, mb in result.peak_rss_mb.items()),
        "",
    ]
    if result.notes:
        lines += ["Notes:", "", *(f"- {note}" for note in result.notes), ""]
    return "\n".join(lines)


def _real_text_lines(result: BenchResult) -> list[str]:
    if not result.real_text:
        return []
    lines = [
        "",
        f"## Real text at scale ({result.embedder}; the app's HNSW settings; "
        f"{TIMED_QUESTIONS} questions x {TIMED_PASSES} timed)",
        "",
        "| passages | recall@10 vs exact | p50 (ms) | p95 (ms) | tutorial p50 (ms) "
        "| tutorial p95 (ms) | p50 ratio | store (MB) | load (s) | embedded now (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in result.real_text:
        ratio = f.p50_ms / f.tutorial_p50_ms if f.tutorial_p50_ms else None
        lines.append(
            f"| {f.passages:,} | {f.recall_at_10:.3f} | {f.p50_ms:.0f} | {f.p95_ms:.0f} "
            f"| {f.tutorial_p50_ms:.0f} | {f.tutorial_p95_ms:.0f} | {_n(ratio, 1)}x "
            f"| {f.store_mb:.0f} | {f.load_seconds:.0f} | {f.embed_seconds:.0f} |"
        )
    return lines


def to_json(result: BenchResult) -> str:
    raw = asdict(result)
    for item, figure in zip(raw["ingest"], result.ingest, strict=True):
        item["passages_per_second"] = figure.per_second
    return json.dumps(raw, indent=2)


# -- main ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.add_argument("--scales", default=",".join(map(str, SCALES)), help="passage counts")
    parser.add_argument("--skip-shared", action="store_true", help="bundled corpus only")
    parser.add_argument("--shared-corpus", type=Path, default=SHARED_CORPUS)
    parser.add_argument("--reports", type=Path, default=REPORTS)
    parser.add_argument(
        "--real-scales", default=",".join(map(str, REAL_SCALES)),
        help="real-text passage counts (empty: none); needs the shared corpus",
    )  # fmt: skip
    parser.add_argument("--cache", type=Path, default=default_cache(), help="embedded passages")
    parser.add_argument(
        "--backend", choices=BACKENDS, default=None, help="default: the settings' embedding_backend"
    )
    parser.add_argument(
        "--only-real", action="store_true", help="real-text scale points only (no ingest, "
        "random-vector points or start-up)",
    )  # fmt: skip
    return parser.parse_args(argv)


def bench_real(
    result: BenchResult, args: argparse.Namespace, tmp: Path, embedder: Embedder,
    questions: list[str], scales: tuple[int, ...],
) -> list[ScaleFigure]:  # fmt: skip
    """The real-text points, each in its own store; skipped with a note without the corpus."""
    if not scales:
        return []
    if not args.shared_corpus.is_dir():
        result.notes.append(f"real-text points skipped: {args.shared_corpus} absent")
        return []
    # The development sets' questions on the real corpus (the blind sets stay unseen).
    real = [
        q.question
        for gold in SETS
        if gold.name in ("real-dev", "shared-authored") and not gold.missing()
        for q in load_questions(gold.questions)
    ]
    figures = []
    for scale in sorted(scales):
        data_dir = tmp / f"real-{scale}"
        figures.append(
            bench_real_scale(
                data_dir,
                embedder,
                args.shared_corpus,
                real or questions,
                scale,
                args.cache,
                time_answers,
                disk_mb,
            )  # fmt: skip
        )
        shutil.rmtree(data_dir, ignore_errors=True)
    return figures


def run_bench(args: argparse.Namespace) -> BenchResult:
    clock = time.perf_counter()
    result = BenchResult(
        datetime.now().strftime("%Y-%m-%d %H:%M"), machine_info(), git=git_commit()
    )
    embedder = make_embedder(args.backend or Settings().embedding_backend)
    result.embedder = embedder.name
    questions = [q.question for q in load_questions(BUNDLED_QUESTIONS)]
    corpora = [("bundled", BUNDLED_CORPUS)]
    if args.skip_shared:
        result.notes.append("shared corpus skipped (--skip-shared)")
    elif args.shared_corpus.is_dir():
        corpora.append(("shared", args.shared_corpus))
    else:
        result.notes.append(f"shared corpus {args.shared_corpus} absent: skipped")
    scales = tuple(int(s) for s in args.scales.split(",") if s.strip())
    result.notes.append(
        "latency points: synthetic passages with random unit vectors, HNSW ef_construction "
        f"{SYNTHETIC_EF_CONSTRUCTION} (the app builds with {Settings().store.ef_construction}); "
        "ef_search, max_neighbors, BM25 and the answer path are the app's; questions embedded "
        "with the real model"
    )
    real_scales = tuple(int(s) for s in args.real_scales.split(",") if s.strip())
    with tempfile.TemporaryDirectory(prefix="sharecheck-bench-") as tmp:
        result.real_text = bench_real(result, args, Path(tmp), embedder, questions, real_scales)
        if args.only_real:
            result.notes = ["--only-real: ingest, random-vector points and start-up not run"]
            result.seconds = time.perf_counter() - clock
            return result
        # Scale points first, while the process holds nothing else.
        result.latency = bench_scale(Path(tmp) / "synthetic", embedder, questions, scales)
        for name, corpus in corpora:
            data_dir = Path(tmp) / name
            result.ingest += bench_ingest(name, corpus, data_dir, embedder)
            result.store_mb[name] = disk_mb(data_dir)
        bench_start_up(result, Path(tmp) / "bundled", questions[0])
    largest = f"{max(scales):,}-passage store" if scales else "corpora"
    result.peak_rss_mb[f"bench process (model, {largest})"] = peak_rss_mb()
    result.seconds = time.perf_counter() - clock
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = run_bench(args)
    text = markdown(result)
    args.reports.mkdir(parents=True, exist_ok=True)
    stem = args.reports / f"bench-{result.started[:10]}"
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    stem.with_suffix(".json").write_text(to_json(result), encoding="utf-8")
    print(text)
    print(f"written: {stem}.md, {stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
