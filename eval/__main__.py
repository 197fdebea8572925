"""`python -m eval [--corpus DIR] [--questions FILE] [--k 5] [--data-dir DIR]`: gold questions
through ShareCheck and the LangChain tutorial pipeline, figures side by side, report written."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rich.console import Console

from core.errors import ShareCheckError
from eval.run import BUNDLED_CORPUS, BUNDLED_QUESTIONS, REPO, EvalConfig, run_eval

REPORTS = REPO / "eval" / "reports"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS, help="default: corpus/")
    parser.add_argument(
        "--questions", type=Path, help="gold set (JSON lines); default eval/gold/bundled.jsonl "
        "for the bundled corpus, required for any other",
    )  # fmt: skip
    parser.add_argument("--k", type=int, default=5, help="citations judged per question")
    parser.add_argument(
        "--data-dir", type=Path, help="keep the ingested store here and reuse it next time"
    )
    parser.add_argument("--no-baseline", action="store_true", help="ShareCheck only")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="where reports go")
    parser.add_argument("--name", help="report name (default: from the corpus folder)")
    parser.add_argument(
        "--check-floors", action="store_true", help="exit 1 when a figure breaks eval/floors.json"
    )
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> EvalConfig:
    questions = args.questions
    if questions is None:
        if args.corpus.resolve() != BUNDLED_CORPUS:
            raise ValueError("--questions is needed for a corpus other than the bundled one")
        questions = BUNDLED_QUESTIONS
    return EvalConfig(args.corpus, questions, args.k, args.data_dir, not args.no_baseline)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from eval.floors import breaches, load_floors
    from eval.report import kinds_table, terminal_table, write_reports

    console = Console()
    floors = load_floors()
    if args.check_floors and (args.k != floors.k or args.corpus.resolve() != BUNDLED_CORPUS):
        print(f"error: floors hold for the bundled corpus at k={floors.k} only", file=sys.stderr)
        return 2
    try:
        run = run_eval(config_from(args))
    except (ValueError, ShareCheckError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    console.print(terminal_table(run))
    console.print(kinds_table(run))
    report, chart = write_reports(run, args.reports, args.name)
    console.print(f"report: {report}\nchart:  {chart}")
    if not args.check_floors:
        return 0
    problems = breaches(run.ours.figures, floors)
    for problem in problems:
        print(f"floor broken: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
