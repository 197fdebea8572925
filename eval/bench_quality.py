"""`python -m eval.bench_quality`: retrieval quality of each embedding backend (torch fp32, ONNX
fp32, ONNX int8) on every gold set, in one run, through the app's own code path
(eval.run.run_eval).

A backend may replace the first one named (the reference, torch) as the default only if, on every
set, its hit@5 and MRR@5 are no more than TOLERANCE below the reference's. frontline-blind is
measured and reported like the others but is never used to tune anything (eval/README.md)."""

from __future__ import annotations

import argparse
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
from eval.sets import REPO, SETS, GoldSet, store_folder

log = logging.getLogger(__name__)

REPORTS = REPO / "eval" / "reports"
# Issue 18: another backend becomes the default only if hit@5 and MRR hold within 0.01 of torch's
# on every set.
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


def verdict(rows: list[SetFigures], backend: str, reference: str) -> tuple[bool, list[str]]:
    """Whether `backend` holds within TOLERANCE of `reference` on hit@5 and MRR on every set, and
    where not."""
    by = {(r.gold_set, r.backend): r for r in rows}
    failures = []
    for name in dict.fromkeys(r.gold_set for r in rows):
        ref, got = by.get((name, reference)), by.get((name, backend))
        if ref is None or got is None:
            continue
        for metric in ("hit_at_5", "mrr"):
            a, b = getattr(ref, metric), getattr(got, metric)
            if a is not None and b is not None and b < a - TOLERANCE:
                failures.append(
                    f"{name} {metric}: {reference} {a:.3f}, {backend} {b:.3f} ({b - a:+.3f})"
                )
    return not failures, failures


def markdown(
    rows: list[SetFigures], backends: list[str], machine: dict[str, str], seconds: float
) -> str:
    by = {(r.gold_set, r.backend): r for r in rows}
    names = " / ".join(backends)
    lines = [
        f"# Embedding backends, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"`python -m eval.bench_quality --backends {','.join(backends)}`, code `{git_commit()}`, "
        f"load average at start {machine['load_at_start']}, {seconds:.0f} s. k = 5, ShareCheck "
        "only, app settings.",
        "",
        f"| set | answerable | hit@5 {names} | MRR@5 {names} | OOS declined | wrongly declined |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in dict.fromkeys(r.gold_set for r in rows):
        found = [by[(name, b)] for b in backends if (name, b) in by]
        if len(found) < len(backends):
            continue
        lines.append(
            f"| {name} | {found[0].answerable} "
            f"| {' / '.join(f'{r.hit_at_5:.3f}' for r in found)} "
            f"| {' / '.join(f'{r.mrr:.3f}' for r in found)} "
            f"| {' / '.join(_f(r.oos_declined) for r in found)} "
            f"| {' / '.join(_f(r.wrongly_declined) for r in found)} |"
        )
    reference = backends[0]
    for backend in backends[1:]:
        held, failures = verdict(rows, backend, reference)
        lines += [
            "",
            f"{backend} within {TOLERANCE} of {reference} on hit@5 and MRR on every set: "
            f"**{'yes' if held else 'no'}**",
            *(f"- {failure}" for failure in failures),
        ]
    return "\n".join([*lines, ""])


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_quality", description=__doc__)
    parser.add_argument("--set", dest="sets", action="append", help="default: every set present")
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="the first is the reference (default %(default)s)",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="keep each backend's stores in DIR/<backend>/ and reuse them "
        "(the layout of `python -m eval --data-dir DIR/<backend>` with sets on two corpora)",
    )  # fmt: skip
    parser.add_argument("--reports", type=Path, default=REPORTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    backends = [b for b in args.backends.split(",") if b]
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown or not backends:
        parser.error(f"unknown backends {unknown}; use some of {', '.join(BACKENDS)}")
    machine = machine_info()
    chosen = [s for s in SETS if not args.sets or s.name in args.sets]
    present = [s for s in chosen if not s.missing()]
    for absent in set(chosen) - set(present):
        print(f"skipped {absent.name}: {absent.missing()}", file=sys.stderr)
    clock = datetime.now()
    with tempfile.TemporaryDirectory(prefix="sharecheck-backends-") as tmp:
        rows = run_backends(backends, present, args.data_dir or Path(tmp))
    text = markdown(rows, backends, machine, (datetime.now() - clock).total_seconds())
    args.reports.mkdir(parents=True, exist_ok=True)
    stem = args.reports / f"embedding-backends-{datetime.now():%Y-%m-%d}"
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    stem.with_suffix(".json").write_text(
        json.dumps({"machine": machine, "rows": [asdict(r) for r in rows]}, indent=2),
        encoding="utf-8",
    )
    print(text)
    return 0


def run_backends(backends: list[str], sets: list[GoldSet], root: Path) -> list[SetFigures]:
    """Every set with every backend; sets on one corpus share that backend's store of it."""
    rows: list[SetFigures] = []
    for backend in backends:
        embedder = make_embedder(backend)
        for gold_set in sets:
            data_dir = store_folder(root / backend, gold_set.corpus)
            rows.append(run_set(gold_set, backend, embedder, data_dir))
        del embedder
    return rows


if __name__ == "__main__":
    sys.exit(main())
