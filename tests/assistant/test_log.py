"""The answer log on SQLite: the shared contract, plus what only SQLite has (file, WAL, triggers)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.governance.testing import AnswerLogContract
from assistant.log import AnswerLog, LogUnavailable
from core.settings import Settings


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
    assert migrations == ["m001_initial"]


def test_an_unopenable_log_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    settings = Settings(data_dir=tmp_path, log_url=f"sqlite:///{blocker}/log.sqlite")
    with pytest.raises(LogUnavailable, match="cannot be opened"):
        AnswerLog.open(settings)
