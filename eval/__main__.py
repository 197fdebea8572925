"""`python -m eval [--set NAME ... | --all-sets | --corpus DIR --questions FILE] [--k 5]`: gold
questions through ShareCheck and the LangChain tutorial pipeline, figures side by side, reports
written."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console

from core.embedding import BACKENDS
from core.errors import ShareCheckError
from eval.run import BUNDLED_CORPUS, BUNDLED_QUESTIONS, REPO, EvalConfig, EvalRun, run_eval
from eval.sets import SETS, GoldSet, find_set, store_folder

REPORTS = REPO / "eval" / "reports"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    names = ", ".join(f"{s.name} ({s.about})" for s in SETS)
    parser.add_argument(
        "--set", dest="sets", action="append", default=[], metavar="NAME",
        help=f"a named gold set on its corpus (repeatable): {names}",
    )  # fmt: skip
    parser.add_argument(
        "--all-sets", action="store_true",
        help="every named set; those whose corpus or questions are absent are skipped",
    )  # fmt: skip
    parser.add_argument("--corpus", type=Path, help="default: corpus/")
    parser.add_argument(
        "--questions", type=Path, help="gold set (JSON lines); default eval/gold/bundled.jsonl "
        "for the bundled corpus, required for any other",
    )  # fmt: skip
    parser.add_argument(
        "--verdicts", type=Path, help="side file of gold verdicts ({id, verdict} lines); default "
        "<questions stem>-verdicts.jsonl beside the questions or in eval/gold/",
    )  # fmt: skip
    parser.add_argument("--k", type=int, default=5, help="citations judged per question")
    parser.add_argument(
        "--data-dir", type=Path, help="keep the ingested store here and reuse it next time "
        "(with sets on two corpora, one folder per corpus inside it)",
    )  # fmt: skip
    parser.add_argument("--no-baseline", action="store_true", help="ShareCheck only")
    parser.add_argument(
        "--backend", choices=BACKENDS, help="ShareCheck's embedding backend (default: the "
        "settings', SHARECHECK_EMBEDDING_BACKEND); the tutorial baseline always runs on torch",
    )  # fmt: skip
    parser.add_argument("--reports", type=Path, default=REPORTS, help="where reports go")
    parser.add_argument("--name", help="report name (default: the set's, or the corpus folder's)")
    parser.add_argument(
        "--check-floors", action="store_true", help="exit 1 when a figure breaks eval/floors.json"
    )
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> EvalConfig:
    corpus = args.corpus or BUNDLED_CORPUS
    questions = args.questions
    if questions is None:
        if corpus.resolve() != BUNDLED_CORPUS:
            raise ValueError("--questions is needed for a corpus other than the bundled one")
        questions = BUNDLED_QUESTIONS
    return EvalConfig(corpus, questions, args.k, args.data_dir, not args.no_baseline, args.verdicts)


def chosen_sets(args: argparse.Namespace) -> list[GoldSet]:
    """The named sets asked for, in the registry's order; ValueError for a mix with --corpus."""
    if not (args.sets or args.all_sets):
        return []
    if args.corpus or args.questions or args.verdicts or args.name:
        raise ValueError("--set/--all-sets name their own corpus, questions and report")
    wanted = {find_set(name).name for name in args.sets}
    return [s for s in SETS if args.all_sets or s.name in wanted]


def _set_configs(
    sets: list[GoldSet], args: argparse.Namespace, stack: ExitStack
) -> list[EvalConfig]:
    """One config per set; sets on the same corpus share a data dir, so it is ingested once."""
    corpora = sorted({s.corpus for s in sets})
    folders: dict[Path, Path] = {}
    for corpus in corpora:
        if args.data_dir is None:
            temporary = tempfile.TemporaryDirectory(prefix="sharecheck-eval-")
            folders[corpus] = Path(stack.enter_context(temporary))
        else:
            one = len(corpora) == 1
            folders[corpus] = args.data_dir if one else store_folder(args.data_dir, corpus)
    return [
        EvalConfig(s.corpus, s.questions, args.k, folders[s.corpus], not args.no_baseline)
        for s in sets
    ]


def jobs(args: argparse.Namespace, stack: ExitStack) -> list[tuple[EvalConfig, str | None]]:
    """(config, report name) per run; a named set whose files are absent is skipped, said so."""
    sets = chosen_sets(args)
    if not sets:
        return [(config_from(args), args.name)]
    present = []
    for gold_set in sets:
        reason = gold_set.missing()
        if reason:
            print(f"skipped {gold_set.name}: {reason}", file=sys.stderr)
        else:
            present.append(gold_set)
    configs = _set_configs(present, args, stack)
    return [(config, s.report) for s, config in zip(present, configs, strict=True)]


def _show(console: Console, run: EvalRun, folder: Path, name: str | None) -> None:
    from eval.report import (
        answers_table,
        documents_table,
        kinds_table,
        terminal_table,
        write_reports,
    )

    for table in (terminal_table(run), answers_table(run), documents_table(run), kinds_table(run)):
        console.print(table)
    report, chart = write_reports(run, folder, name)
    console.print(f"report: {report}\nchart:  {chart}")


def _floored(config: EvalConfig) -> bool:
    return config.corpus.resolve() == BUNDLED_CORPUS


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from core.embedding import make_embedder
    from core.settings import Settings
    from eval.floors import breaches, load_floors

    console = Console()
    floors = load_floors()
    problems: list[str] = []
    try:
        with ExitStack() as stack:
            runs = jobs(args, stack)
            if args.check_floors and (args.k != floors.k or not any(_floored(c) for c, _ in runs)):
                print(
                    f"error: floors hold for the bundled corpus at k={floors.k} only",
                    file=sys.stderr,
                )
                return 2
            backend = args.backend or Settings().embedding_backend
            embedder = make_embedder(backend) if runs else None
            for config, name in runs:
                run = run_eval(config, embedder)
                _show(console, run, args.reports, name)
                if args.check_floors and _floored(config):
                    problems += breaches(run.ours.figures, floors)
    except (ValueError, ShareCheckError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"floor broken: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
