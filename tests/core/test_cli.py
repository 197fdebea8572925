"""--data-dir on every command and subcommand, before or after its name, meaning one thing."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from assistant.__main__ import build_parser, main
from core.cli import settings_for

# Every leaf command, and the arguments it needs.
NEEDS = {
    ("ask",): ["Can I tell the police?"], ("users", "add"): ["jo"], ("users", "list"): [],
    ("users", "remove"): ["jo"], ("users", "set-password"): ["jo"], ("users", "unlock"): ["jo"],
    ("users", "sign-ins"): [], ("users", "ensure-admin"): [], ("log", "verify"): [],
    ("log", "anchor"): [], ("log", "purge"): [], ("log", "export"): [],
}  # fmt: skip
COMMANDS = [[*path, *needs] for path, needs in NEEDS.items()]


def leaf_commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= leaf_commands(sub, (*path, name))
    return found or {path}


def test_the_list_covers_every_command() -> None:
    assert leaf_commands(build_parser()) == set(NEEDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_takes_data_dir_wherever_it_stands(command: list[str], tmp_path: Path) -> None:
    wanted = tmp_path / "elsewhere"
    spellings = [
        ["--data-dir", str(wanted), *command],  # before the command
        [*command, "--data-dir", str(wanted)],  # after it
        [command[0], "--data-dir", str(wanted), *command[1:]],  # between group and subcommand
    ]
    for argv in spellings:
        assert settings_for(build_parser().parse_args(argv)).data_dir == wanted, argv


def test_without_it_the_environment_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARECHECK_DATA_DIR", str(tmp_path / "from-env"))
    assert settings_for(build_parser().parse_args(["log", "verify"])).data_dir == tmp_path / "from-env"


def test_users_and_log_commands_use_the_folder_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "given"
    assert main(["users", "ensure-admin", "--data-dir", str(data)]) == 0
    assert (data / "users.sqlite").exists()
    assert main(["users", "list", "--data-dir", str(data)]) == 0
    assert "admin" in capsys.readouterr().out
    assert main(["log", "verify", "--data-dir", str(data)]) == 0
    assert (data / "log.sqlite").exists()


def test_ingest_takes_the_same_data_dir_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.__main__ import parse_args

    monkeypatch.setenv("SHARECHECK_DATA_DIR", str(tmp_path / "from-env"))
    assert settings_for(parse_args(["docs"])).data_dir == tmp_path / "from-env"
    given = parse_args(["docs", "--data-dir", str(tmp_path / "given")])
    assert settings_for(given).data_dir == tmp_path / "given" and given.paths == [Path("docs")]
