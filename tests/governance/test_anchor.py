"""The anchor file and its key (SQLite): where they live, how they are protected, what an edit to
them looks like, a log from before checkpoints, and the `log verify|anchor|purge` commands.

The attacks on the database itself are in the contract (log_contract.py), run on both back ends.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.migrations import apply_migrations
from core.settings import Settings
from governance import chain, migrations
from governance.anchor import AnchorError, AnchorSettings, LogState
from governance.cli import add_log_commands, run_log_command
from governance.database import create_log_engine, write_transaction
from governance.log import AnswerLog
from governance.samples import sample_answer
from governance.schema import CHAINED, purge_gate
from tests.governance.log_contract import sample_content, stamp


def filled(settings: Settings, count: int = 3) -> AnswerLog:
    log = AnswerLog.open(settings)
    for _ in range(count):
        log.record(sample_answer(), user_id="u", role="staff", session_id="s", corpus_version="c")
    return log


def checkpoint_lines(log: AnswerLog) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.anchors.path.read_text().splitlines()]


def test_checkpoints_and_key_live_under_the_data_dir(tmp_path: Path) -> None:
    with filled(Settings(data_dir=tmp_path)) as log:
        first, second = log.verify(), log.verify()
        lines = checkpoint_lines(log)
    assert log.anchors.path == tmp_path / "anchors" / "checkpoints.jsonl"
    key = tmp_path / "anchors" / "anchor.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (first.anchored_by, first.checkpoint, second.anchored_by, second.checkpoint) == (
        None, 1, 1, 2)  # fmt: skip
    assert [(line["seq"], line["rows"], line["last_id"]) for line in lines] == [(1, 3, 3), (2, 3, 3)]
    assert lines[1]["prev"] == lines[0]["mac"] and lines[0]["head_hash"] == first.head_hash


def test_paths_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARECHECK_LOG_ANCHOR_PATH", str(tmp_path / "elsewhere" / "anchor.jsonl"))
    monkeypatch.setenv("SHARECHECK_LOG_ANCHOR_KEY_PATH", str(tmp_path / "keys" / "log.key"))
    with filled(Settings(data_dir=tmp_path / "data")) as log:
        assert log.verify().ok
    assert (tmp_path / "elsewhere" / "anchor.jsonl").read_text().count("\n") == 1
    assert (tmp_path / "keys" / "log.key").exists()
    assert not (tmp_path / "data" / "anchors").exists()
    explicit = AnchorSettings(path=tmp_path / "a.jsonl", key_path=tmp_path / "a.key")
    with AnswerLog.open(Settings(data_dir=tmp_path / "data"), anchor=explicit) as log:
        assert log.anchors.path == tmp_path / "a.jsonl"


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda lines: [lines[0].replace('"rows":3', '"rows":2'), *lines[1:]],
         "line 1 does not carry a valid signature"),
        (lambda lines: [lines[0], lines[2]], "line 2 (checkpoint 3) does not follow checkpoint 1"),
        (lambda lines: [*lines, "not json"], "line 4 is not a checkpoint"),
    ],
    ids=["edited", "removed", "garbage"],
)  # fmt: skip
def test_an_edited_anchor_file_is_found(tmp_path: Path, edit: object, named: str) -> None:
    with filled(Settings(data_dir=tmp_path)) as log:
        for _ in range(3):
            log.verify()
        lines = log.anchors.path.read_text().splitlines()
        log.anchors.path.write_text("\n".join(edit(lines)) + "\n")  # type: ignore[operator]
        result = log.verify()
        assert not result.ok and result.checkpoint is None
        assert result.reason.startswith(f"anchor file tampered: {named}"), result.problems


def test_a_missing_or_exposed_key_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    key = tmp_path / "anchors" / "anchor.key"
    with filled(settings) as log:
        log.verify()
        key.chmod(0o644)
        with pytest.raises(AnchorError, match="can be read by other users"):
            log.verify()
        key.unlink()  # a new key would make every earlier checkpoint look forged
        with pytest.raises(AnchorError, match="anchor key .* is missing"):
            log.verify()
    assert not key.exists()
    assert run_cli(settings, "log", "verify") == 2


def test_the_count_may_only_shrink_by_authorised_purges(tmp_path: Path) -> None:
    with filled(Settings(data_dir=tmp_path)) as log:
        result = log.verify()
        with log.anchors.session() as anchors:  # a checkpoint that counted more rows
            anchors.append("verify", LogState(10, result.head_id, result.head_hash))
        broken = log.verify()
    assert not broken.ok
    assert broken.reason.startswith("truncated: 3 rows where checkpoint 2 of ")
    assert broken.reason.endswith("counted 10 and authorised purges since removed 0")


def test_a_log_from_before_checkpoints_verifies_and_purges(tmp_path: Path) -> None:
    """Rows and a purge row as m001 wrote them keep their hashes after m002, and the first
    checkpoint takes in the purge row it found."""
    settings = Settings(data_dir=tmp_path)
    _write_m001_log(settings)
    with AnswerLog.open(settings) as log:
        first = log.verify()
        assert first.ok and first.anchored_by is None, first.problems
        assert (first.rows, first.head_id) == (3, 5)
        log.record(sample_answer(), user_id="u", role="staff", session_id="s", corpus_version="c")
        assert log.verify().ok
        assert log.purge(older_than_days=30).deleted == 0
        result = log.verify()
        assert result.ok and result.rows == 5, result.problems


def _write_m001_log(settings: Settings) -> None:
    """Answers 1-3 (old), a purge of 1-2 as m001 did it (row 4), answer 5: a pre-m002 log."""
    engine = create_log_engine(settings.log_database_url)
    with write_transaction(engine) as conn:
        apply_migrations(conn, [migrations.m001_initial], migrations.MIGRATIONS_TABLE)
    with write_transaction(engine) as conn:
        for _ in range(3):
            chain.append(conn, "answer", sample_content())
        answers = CHAINED["answer"]
        removed = conn.execute(answers.select().where(answers.c.id == 2)).one()
        conn.execute(purge_gate.insert().values(opened_at=stamp(0)))
        conn.execute(answers.delete().where(answers.c.id < 3))
        conn.execute(purge_gate.delete())
        chain.append(conn, "purge", {
            "older_than_days": 30, "cutoff": stamp(30), "deleted_count": 2,
            "last_deleted_id": 2, "last_deleted_hash": removed.row_hash,
        })  # fmt: skip
        chain.append(conn, "answer", sample_content())
    engine.dispose()
    with sqlite3.connect(settings.data_dir / "log.sqlite") as raw:
        columns = [row[1] for row in raw.execute("PRAGMA table_info(purges)")]
    assert "checkpoint_seq" not in columns


def run_cli(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="assistant")
    add_log_commands(parser.add_subparsers(dest="command", required=True))
    return run_log_command(parser.parse_args(list(argv)), settings)


def test_cli_verify_and_anchor_write_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path)
    filled(settings).close()
    assert run_cli(settings, "log", "verify") == 0
    out = capsys.readouterr().out
    assert "no earlier checkpoint: wrote the first, checkpoint 1" in out
    assert run_cli(settings, "log", "anchor") == 0
    assert capsys.readouterr().out.startswith("checkpoint 2: 3 rows, head row 3 ")
    assert run_cli(settings, "log", "verify") == 0
    assert "held to checkpoint 2; wrote checkpoint 3" in capsys.readouterr().out
    with AnswerLog.open(settings) as log:
        reasons = [line["reason"] for line in checkpoint_lines(log)]
    assert reasons == ["verify", "anchor", "verify"]


def test_cli_names_truncation_and_refuses_to_purge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path)
    filled(settings).close()
    assert run_cli(settings, "log", "verify") == 0
    with sqlite3.connect(tmp_path / "log.sqlite") as conn:
        for (name,) in list(conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DELETE FROM answers WHERE id = 3")
    capsys.readouterr()
    assert run_cli(settings, "log", "verify") == 1
    out = capsys.readouterr().out
    assert out.startswith("log BROKEN at row 3: truncated: rows after id 2 are missing")
    assert "no checkpoint written" in out
    assert run_cli(settings, "log", "anchor") == 1
    assert run_cli(settings, "log", "purge", "--days", "1") == 1
    assert "nothing was purged" in capsys.readouterr().err


def test_checkpoint_times_are_utc(tmp_path: Path) -> None:
    with filled(Settings(data_dir=tmp_path)) as log:
        log.verify()
        (line,) = checkpoint_lines(log)
    at = datetime.strptime(str(line["at"]), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - at).total_seconds()) < 60


def test_a_purge_that_fails_after_signing_leaves_a_log_that_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The purge checkpoint is signed before the transaction commits; if it then rolls back, the
    unused grant allows nothing and the next purge gets a checkpoint of its own."""
    from governance import purge as retention

    monkeypatch.setattr(chain, "utc_now", lambda: stamp(400))
    with filled(Settings(data_dir=tmp_path)) as log:
        monkeypatch.undo()

        def fail(*_args: object) -> None:
            raise OSError("disk full")

        with monkeypatch.context() as patch:
            patch.setattr(retention, "_delete_through_gate", fail)
            with pytest.raises(OSError):
                log.purge(older_than_days=365)
        assert log.row_count() == 3
        assert [line["reason"] for line in checkpoint_lines(log)] == ["purge"]
        assert log.verify().ok
        result = log.purge(older_than_days=365)
        assert (result.deleted, result.purge_row_id, result.checkpoint) == (3, 4, 3)
        verified = log.verify()
        assert verified.ok and verified.rows == 1, verified.problems
