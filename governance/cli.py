"""`python -m assistant log verify|anchor|purge|export`: the governance log from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from core.cli import data_dir_option
from core.settings import Settings
from governance.chain import VerifyResult
from governance.export import write_out
from governance.log import AnchorError, AnswerFilters, AnswerLog, LogError, PurgeRefused


def add_log_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `log` and its subcommands to a CLI's subparsers."""
    log_parser = subparsers.add_parser(
        "log", help="check, purge or export the governance log", parents=[data_dir_option()]
    )
    commands = log_parser.add_subparsers(dest="log_command", required=True)
    commands.add_parser(
        "verify",
        help="re-check the chain against its latest checkpoint, then write a new one; exit 1 "
        "naming every problem",
        parents=[data_dir_option()],
    )
    commands.add_parser(
        "anchor",
        help="the same check, printing one line: for a schedule (cron), e.g. every hour",
        parents=[data_dir_option()],
    )
    purge = commands.add_parser(
        "purge", help="delete rows past the retention period", parents=[data_dir_option()]
    )
    purge.add_argument("--days", type=int, default=None,
                       help="delete rows older than this many days (default: retention_days)")
    export = commands.add_parser(
        "export", help="write logged answers as CSV or JSON Lines", parents=[data_dir_option()]
    )
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    export.add_argument("--since", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    export.add_argument("--until", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    export.add_argument(
        "--verified", action="store_true",
        help="write every version of the verified answers instead of the logged answers",
    )  # fmt: skip
    export.add_argument(
        "--records", action="store_true",
        help="write the decision records (as kept: personal details removed) instead of the "
        "logged answers; --since/--until select by the date of the decision",
    )  # fmt: skip


def run_log_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the parsed `log` subcommand; return the process exit code."""
    try:
        with AnswerLog.open(settings) as log:
            if args.log_command in ("verify", "anchor"):
                return _verify(log, quiet=args.log_command == "anchor")
            if args.log_command == "purge":
                return _purge(log, args.days)
            if args.log_command == "export":
                return _export(log, args, settings)
    except PurgeRefused as refused:
        _print_broken(refused.result)
        print(f"error: {refused}", file=sys.stderr)
        return 1
    except (LogError, AnchorError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"error: unknown log command {args.log_command!r}", file=sys.stderr)
    return 2


def _verify(log: AnswerLog, *, quiet: bool) -> int:
    result = log.verify("anchor" if quiet else "verify")
    if not result.ok:
        _print_broken(result)
        print(f"no checkpoint written; the latest stays in {log.anchors.path}")
        return 1
    if quiet:
        print(f"checkpoint {result.checkpoint}: {result.rows} rows, head row {result.head_id} "
              f"{result.head_hash}")
        return 0
    print(f"log ok: {result.rows_checked} rows checked; head {result.head_hash}")
    if result.anchored_by is None:
        print(f"no earlier checkpoint: wrote the first, checkpoint {result.checkpoint}, to "
              f"{log.anchors.path}; later checks hold the log to what it holds now")
    else:
        print(f"held to checkpoint {result.anchored_by}; wrote checkpoint {result.checkpoint} "
              f"to {log.anchors.path}")
    return 0


def _print_broken(result: VerifyResult) -> None:
    where = f" at row {result.first_bad_id}" if result.first_bad_id is not None else ""
    print(f"log BROKEN{where}: {result.reason}")
    for problem in result.problems[1:]:
        print(f"  also: {problem}")
    print(f"(hash chain: {result.rows_checked} of {result.rows} rows link up)")


def _purge(log: AnswerLog, days: int | None) -> int:
    result = log.purge(days)
    kept = days if days is not None else log.retention_days
    print(
        f"purged {result.deleted} rows older than {kept} days (before {result.cutoff}); "
        f"recorded as row {result.purge_row_id}, authorised by checkpoint {result.checkpoint}"
    )
    return 0


def _export(log: AnswerLog, args: argparse.Namespace, settings: Settings) -> int:
    if args.verified:
        return _export_verified(args, settings)
    rows = log.answers(AnswerFilters(start=args.since, end=args.until, limit=None))
    count = write_out(args.out, lambda stream: log.export(rows, args.format, stream))
    print(f"exported {count} answers", file=sys.stderr)
    return 0


def _export_verified(args: argparse.Namespace, settings: Settings) -> int:
    """Verified answers, every version, as governance publishes them alongside the log."""
    from governance.export import export_verified
    from governance.verified import VerifiedBank

    bank = VerifiedBank.open(settings)
    try:
        count = write_out(args.out, lambda out: export_verified(bank.versions(), args.format, out))
    finally:
        bank.close()
    print(f"exported {count} verified answer versions", file=sys.stderr)
    return 0
