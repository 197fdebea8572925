"""`python -m assistant ask|users|log ...`: the command line other tools depend on."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator

from core.answer import Answer, marker
from core.cli import data_dir_option, settings_for
from core.errors import ShareCheckError
from core.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="ShareCheck", parents=[data_dir_option()]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser(
        "ask", help="answer a question ('-' reads one per line from stdin)", parents=[data_dir_option()]
    )
    ask.add_argument("question", help="the question, or - for stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--no-log", action="store_true", help="do not write the governance log")
    users = sub.add_parser("users", help="local accounts", parents=[data_dir_option()])
    from accounts.cli import add_user_commands
    from governance.cli import add_log_commands

    add_user_commands(users)
    add_log_commands(sub)
    return parser


def _questions(arg: str) -> Iterator[str]:
    if arg != "-":
        yield arg
        return
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def _readable(answer: Answer) -> str:
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("Sources:")
    for c in answer.citations:
        lines.append(f"{marker(c.n)} {c.label()} ({c.passage.source})")
        if c.warning:
            lines.append(f"    warning: {c.warning}")
    return "\n".join(lines)


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.compose import build
    from governance.redact import Redactor

    redactor = Redactor.from_settings(settings)
    redactor.start_loading()  # its libraries load while the model loads and the store opens
    with build(settings, with_log=not args.no_log, redactor=redactor) as parts:
        for question in _questions(args.question):
            answer = parts.assistant.ask(question, log_answer=not args.no_log)
            print(json.dumps(answer.to_json()) if args.json else _readable(answer), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    settings = settings_for(args)
    try:
        if args.command == "ask":
            return run_ask(args, settings)
        if args.command == "users":
            from accounts.cli import run_user_command

            return run_user_command(args, settings)
        if getattr(args, "records", False):  # log export --records: the decision records
            from records.export import run_export

            return run_export(args, settings)
        from governance.cli import run_log_command

        return run_log_command(args, settings)
    except ShareCheckError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
