"""Free text that staff and reviewers type into the log is redacted like questions, and exported
CSV cannot smuggle a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from governance.export import neutralise
from governance.log import AnswerLog
from governance.redact import Redactor
from governance.samples import sample_answer
from tests.governance.test_log import log_path

REASON = "Wrong - Mrs Ellison at 14 Beverley Road (07700 900412) is not a hoarder"
RAW_PIECES = (b"Ellison", b"Beverley", b"900412")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
def log(settings: Settings) -> Iterator[AnswerLog]:
    redactor = Redactor(settings.data_dir / "cache", use_presidio=False, use_ner=False)
    with AnswerLog.open(settings, redactor=redactor) as opened:
        yield opened


def stored_bytes(settings: Settings) -> bytes:
    files = [log_path(settings), log_path(settings).with_name("log.sqlite-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def record(log: AnswerLog, question: str = "Can I share this?") -> int:
    return log.record(sample_answer(question=question), user_id="u", role="staff",
                      session_id="s", corpus_version="c")


def test_a_feedback_reason_is_redacted_before_it_is_stored(
    log: AnswerLog, settings: Settings
) -> None:
    answer_id = record(log)
    log.add_feedback(answer_id, user_id="u", rating="down", reason=REASON)
    logged = log.get(answer_id)
    assert logged is not None and logged.feedback is not None
    assert logged.feedback.reason == "Wrong - [NAME] at [ADDRESS] ([PHONE]) is not a hoarder"
    assert not [piece for piece in RAW_PIECES if piece in stored_bytes(settings)]
    assert log.verify().ok


def test_a_review_note_is_redacted_before_it_is_stored(log: AnswerLog, settings: Settings) -> None:
    answer_id = record(log)
    log.add_review(answer_id, reviewer_id="g", verdict="incorrect", note=REASON,
                   expected_clause="4.2")
    logged = log.get(answer_id)
    assert logged is not None and logged.review is not None
    assert logged.review.note.startswith("Wrong - [NAME] at [ADDRESS]")
    assert logged.review.expected_clause == "4.2"
    assert not [piece for piece in RAW_PIECES if piece in stored_bytes(settings)]


def test_without_a_redactor_free_text_is_stored_as_given(settings: Settings) -> None:
    with AnswerLog.open(settings) as plain:
        answer_id = record(plain)
        plain.add_feedback(answer_id, user_id="u", rating="down", reason="wrong clause")
        logged = plain.get(answer_id)
    assert logged is not None and logged.feedback is not None
    assert logged.feedback.reason == "wrong clause"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x.example","go")', '\'=HYPERLINK("http://x.example","go")'),
        ("+44 sum", "'+44 sum"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Can I share?", "Can I share?"),
        ("", ""),
        (12, 12),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: object, written: object) -> None:
    assert neutralise(cell) == written


def test_exported_csv_carries_no_formula(log: AnswerLog) -> None:
    answer_id = record(log, question="=cmd|' /C calc'!A0 can I share?")
    log.add_feedback(answer_id, user_id="u", rating="down", reason="@SUM(1+1)")
    out = io.StringIO()
    assert log.export(log.answers(), "csv", out) == 1
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["question"] == "'=cmd|' /C calc'!A0 can I share?"
    assert row["feedback_reason"] == "'@SUM(1+1)"
    assert all(not value.startswith(("=", "+", "-", "@")) for value in row.values())
