"""`python -m ingest PATH... [--data-dir DIR] [--rebuild]`: documents in, passages in the store."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.cli import data_dir_option, settings_for
from core.errors import ShareCheckError

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ingest", description="Ingest policy documents into the ShareCheck store.",
        parents=[data_dir_option()],
    )  # fmt: skip
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    parser.add_argument("--rebuild", action="store_true", help="empty the store first")
    parser.add_argument(
        "--if-empty", action="store_true", help="only ingest when the store holds no passages"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = settings_for(args)
    from ingest.report import run_with_progress

    try:
        return run_with_progress(
            settings, args.paths or [BUNDLED_CORPUS], args.rebuild, args.if_empty, args.quiet
        )
    except ShareCheckError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
