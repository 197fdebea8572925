"""What every ShareCheck command takes, spelt and meaning the same in each: `--data-dir DIR`.

It may stand before or after any subcommand (`python -m assistant log --data-dir D verify` and
`python -m assistant log verify --data-dir D` are one command), and it means what
SHARECHECK_DATA_DIR means: the folder holding the store, the log and the accounts.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.settings import Settings

DATA_DIR_HELP = "the data folder: store, log and accounts (default: $SHARECHECK_DATA_DIR, else ./data)"


def data_dir_option() -> argparse.ArgumentParser:
    """A parent parser adding --data-dir; pass it in `parents=` to every parser and subparser.

    Its default is left unset (SUPPRESS), so a subcommand's own default never overwrites a
    value given before the subcommand's name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=DATA_DIR_HELP
    )
    return parent


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings from the environment, with --data-dir over SHARECHECK_DATA_DIR when given."""
    data_dir = getattr(args, "data_dir", None)
    return Settings(**({"data_dir": data_dir} if data_dir else {}))
