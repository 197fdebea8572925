"""`python -m eval.bench_quality`: retrieval quality of each embedding backend (fp32 torch, int8
ONNX) on every gold set, in one run, through the app's own code path (eval.run.run_eval).

The int8 backend may become the default only if, on every set, its hit@5 and MRR@5 are no more
than TOLERANCE below fp32's. frontline-blind is measured and reported like the others but is
never used to tune anything (eval/README.md)."""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from core.embedding import BACKENDS, Embedder, make_embedder
from eval.bench import machine_info
from eval.run import EvalConfig, git_commit, run_eval
from eval.sets import REPO, SETS, GoldSet

log = logging.getLogger(__name__)

REPORTS = REPO / "eval" / "reports"
# Issue 18: int8 becomes the default only if hit@5 and MRR hold within 0.01 on every set.
TOLERANCE = 0.01


@dataclass
class SetFigures:
    gold_set: str
    backend: str
    embedder: str
    answerable: int
    hit_at_5: float | None
    mrr: float | None
    oos_declined: float | None
    wrongly_declined: float | None
    passages: str


def run_set(gold_set: GoldSet, backend: str, embedder: Embedder, data_dir: Path) -> SetFigures:
    """One gold set through ShareCheck with this embedder (no tutorial baseline)."""
    config = EvalConfig(gold_set.corpus, gold_set.questions, 5, data_dir, baseline=False)
    figures = run_eval(config, embedder).ours
    passages = next((n for n in figures.notes if n.endswith(" passages")), "")
    f = figures.figures
    print(f"  {gold_set.name} {backend}: hit@5 {f.hit_at_k:.3f} MRR {f.mrr:.3f}", flush=True)
    return SetFigures(
        gold_set.name, backend, embedder.name, f.answerable, f.hit_at_k, f.mrr,
        f.oos_declined, f.wrongly_declined, passages,
    )  # fmt: skip


def verdict(rows: list[SetFigures]) -> tuple[bool, list[str]]:
    """Whether int8 holds within TOLERANCE of fp32 on hit@5 and MRR on every set, and where not."""
    by = {(r.gold_set, r.backend): r for r in rows}
    failures = []
    for name in dict.fromkeys(r.gold_set for r in rows):
        fp32, int8 = by.get((name, "torch")), by.get((name, "onnx-int8"))
        if fp32 is None or int8 is None:
            continue
        for metric in ("hit_at_5", "mrr"):
            a, b = getattr(fp32, metric), getattr(int8, metric)
            if a is not None and b is not None and b < a - TOLERANCE:
                failures.append(f"{name} {metric}: fp32 {a:.3f}, int8 {b:.3f} ({b - a:+.3f})")
    return not failures, failures


def markdown(rows: list[SetFigures], machine: dict[str, str], seconds: float) -> str:
    held, failures = verdict(rows)
    by = {(r.gold_set, r.backend): r for r in rows}
    lines = [
        f"# Embedding backends, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"`python -m eval.bench_quality`, code `{git_commit()}`, load average at start "
        f"{machine['load_at_start']}, {seconds:.0f} s. k = 5, ShareCheck only, app settings.",
        "",
        "| set | answerable | hit@5 fp32 | hit@5 int8 | MRR fp32 | MRR int8 | OOS declined fp32 / int8 "
        "| wrongly declined fp32 / int8 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in dict.fromkeys(r.gold_set for r in rows):
        a, b = by.get((name, "torch")), by.get((name, "onnx-int8"))
        if a is None or b is None:
            continue
        lines.append(
            f"| {name} | {a.answerable} | {a.hit_at_5:.3f} | {b.hit_at_5:.3f} | {a.mrr:.3f} "
            f"| {b.mrr:.3f} | {_f(a.oos_declined)} / {_f(b.oos_declined)} "
            f"| {_f(a.wrongly_declined)} / {_f(b.wrongly_declined)} |"
        )
    lines += [
        "",
        f"int8 within {TOLERANCE} of fp32 on hit@5 and MRR on every set: "
        f"**{'yes' if held else 'no'}**",
        *(f"- {failure}" for failure in failures),
        "",
    ]
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_quality", description=__doc__)
    parser.add_argument("--set", dest="sets", action="append", help="default: every set present")
    parser.add_argument("--reports", type=Path, default=REPORTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    machine = machine_info()
    chosen = [s for s in SETS if not args.sets or s.name in args.sets]
    present = [s for s in chosen if not s.missing()]
    for absent in set(chosen) - set(present):
        print(f"skipped {absent.name}: {absent.missing()}", file=sys.stderr)
    rows: list[SetFigures] = []
    clock = datetime.now()
    with tempfile.TemporaryDirectory(prefix="sharecheck-backends-") as tmp:
        for backend in BACKENDS:
            embedder = make_embedder(backend)
            for gold_set in present:  # sets on one corpus share its store: ingested once
                # By the corpus's full path: the bundled and shared folders are both "corpus".
                corpus_key = hashlib.sha256(str(gold_set.corpus.resolve()).encode()).hexdigest()
                data_dir = Path(tmp) / backend / corpus_key[:12]
                rows.append(run_set(gold_set, backend, embedder, data_dir))
            del embedder
    text = markdown(rows, machine, (datetime.now() - clock).total_seconds())
    args.reports.mkdir(parents=True, exist_ok=True)
    stem = args.reports / f"embedding-backends-{datetime.now():%Y-%m-%d}"
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    stem.with_suffix(".json").write_text(
        json.dumps({"machine": machine, "rows": [asdict(r) for r in rows]}, indent=2),
        encoding="utf-8",
    )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
