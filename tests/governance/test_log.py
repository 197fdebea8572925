"""The answer log on SQLite: the shared contract, plus what only SQLite has (file, WAL, triggers)."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection

from core.settings import Settings
from governance.cli import add_log_commands, run_log_command
from governance.database import create_log_engine
from governance.log import AnswerLog, LogUnavailable
from governance.samples import sample_answer
from tests.governance.log_contract import AnswerLogContract


def log_path(settings: Settings) -> Path:
    return settings.data_dir / "log.sqlite"


class TestSqliteAnswerLog(AnswerLogContract):
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return Settings(data_dir=tmp_path)

    def raw_execute(self, settings: Settings, sql: str) -> None:
        with sqlite3.connect(log_path(settings)) as conn:
            conn.execute(sql)

    def tamper(self, settings: Settings, sql: str) -> None:
        with sqlite3.connect(log_path(settings)) as conn:
            triggers = [name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")]
            for name in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            conn.execute(sql)

    @contextmanager
    def tampered(self, settings: Settings) -> Iterator[Connection]:
        self.tamper(settings, "SELECT 1")  # drops every trigger
        engine = create_log_engine(settings.log_database_url)
        try:
            with engine.begin() as conn:
                yield conn
        finally:
            engine.dispose()

    def stored_bytes(self, settings: Settings) -> bytes:
        files = [log_path(settings), log_path(settings).with_name("log.sqlite-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())


def test_log_lives_under_the_data_dir_in_wal_mode(tmp_path: Path) -> None:
    with AnswerLog.open(Settings(data_dir=tmp_path / "nested")) as log:
        assert log.dialect == "sqlite"
    assert (tmp_path / "nested" / "log.sqlite").exists()
    with sqlite3.connect(tmp_path / "nested" / "log.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        migrations = [n for (n,) in conn.execute("SELECT name FROM log_migrations")]
    assert migrations == [
        "m001_initial", "m002_anchored_purges", "m003_verified_answers", "m004_decision_records"
    ]


def test_an_unopenable_log_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    settings = Settings(data_dir=tmp_path, log_url=f"sqlite:///{blocker}/log.sqlite")
    with pytest.raises(LogUnavailable, match="cannot be opened"):
        AnswerLog.open(settings)


def run_cli(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="assistant")
    add_log_commands(parser.add_subparsers(dest="command", required=True))
    return run_log_command(parser.parse_args(list(argv)), settings)


def test_cli_verify_export_and_purge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(data_dir=tmp_path)
    with AnswerLog.open(settings) as log:
        for _ in range(3):
            log.record(sample_answer(), user_id="u", role="staff", session_id="s",
                       corpus_version="c")
    assert run_cli(settings, "log", "verify") == 0
    assert capsys.readouterr().out.startswith("log ok: 3 rows checked")
    out = tmp_path / "export.csv"
    assert run_cli(settings, "log", "export", "--format", "csv", "--out", str(out)) == 0
    assert len(out.read_text().splitlines()) == 4
    assert run_cli(settings, "log", "export", "--format", "jsonl") == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert run_cli(settings, "log", "purge", "--days", "30") == 0
    assert "purged 0 rows older than 30 days" in capsys.readouterr().out
    assert run_cli(settings, "log", "purge", "--days", "0") == 2


def test_cli_verify_names_the_first_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path)
    with AnswerLog.open(settings) as log:
        for _ in range(3):
            log.record(sample_answer(), user_id="u", role="staff", session_id="s",
                       corpus_version="c")
    TestSqliteAnswerLog().tamper(settings, "UPDATE answers SET question = 'x' WHERE id = 2")
    assert run_cli(settings, "log", "verify") == 1
    assert capsys.readouterr().out.startswith("log BROKEN at row 2: row 2 (answer)")
