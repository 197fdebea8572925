"""`python -m assistant log verify|purge|export`: the governance log from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from core.settings import Settings
from governance.log import AnswerFilters, AnswerLog, LogError


def add_log_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `log` and its subcommands to a CLI's subparsers."""
    log_parser = subparsers.add_parser("log", help="check, purge or export the governance log")
    commands = log_parser.add_subparsers(dest="log_command", required=True)
    commands.add_parser("verify", help="re-check the hash chain; exit 1 naming the first bad row")
    purge = commands.add_parser("purge", help="delete rows past the retention period")
    purge.add_argument("--days", type=int, default=None,
                       help="delete rows older than this many days (default: retention_days)")
    export = commands.add_parser("export", help="write logged answers as CSV or JSON Lines")
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    export.add_argument("--since", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    export.add_argument("--until", type=date.fromisoformat, default=None, help="YYYY-MM-DD")


def run_log_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the parsed `log` subcommand; return the process exit code."""
    try:
        with AnswerLog.open(settings) as log:
            if args.log_command == "verify":
                return _verify(log)
            if args.log_command == "purge":
                return _purge(log, args.days)
            if args.log_command == "export":
                return _export(log, args)
    except (LogError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"error: unknown log command {args.log_command!r}", file=sys.stderr)
    return 2


def _verify(log: AnswerLog) -> int:
    result = log.verify()
    if result.ok:
        print(f"log ok: {result.rows_checked} rows checked; head {result.head_hash}")
        return 0
    print(f"log BROKEN at row {result.first_bad_id}: {result.reason}")
    print(f"({result.rows_checked} rows before it verified)")
    return 1


def _purge(log: AnswerLog, days: int | None) -> int:
    result = log.purge(days)
    kept = days if days is not None else log.retention_days
    print(
        f"purged {result.deleted} rows older than {kept} days (before {result.cutoff}); "
        f"recorded as row {result.purge_row_id}"
    )
    return 0


def _export(log: AnswerLog, args: argparse.Namespace) -> int:
    rows = log.answers(AnswerFilters(start=args.since, end=args.until, limit=None))
    if args.out is None:
        count = log.export(rows, args.format, sys.stdout)
    else:
        with args.out.open("w", encoding="utf-8", newline="") as stream:
            count = log.export(rows, args.format, stream)
    print(f"exported {count} answers", file=sys.stderr)
    return 0
