"""The Review page's decision records, headless: counts per week by verdict, recipient and lawful
basis, the records as kept, and their export. Records go into the real log database under the
test's temp data dir through the real Redactor; no model, no store."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.settings import Settings
from governance.log import AnswerLog
from governance.redact import Redactor
from governance.samples import sample_answer
from records.model import ClauseCited, DecisionRecord
from records.store import DecisionBook

AppFor = Callable[..., AppTest]
PAGE = "app_pages/review.py"
MONDAY = datetime(2026, 11, 23, 10, 0)  # ISO week 2026-W48
NEXT_MONDAY = datetime(2026, 11, 30, 10, 0)  # 2026-W49


def seed_records() -> None:
    """Four records over two weeks: police twice (public task), ASC once, one not shared."""
    with AnswerLog.open(Settings()) as log:
        answer_id = log.record(sample_answer(1), user_id="crew", role="staff", session_id="s",
                               corpus_version="c")  # fmt: skip
    police = DecisionRecord(
        question="Police asked about Mr Harold Pickering of 27 Wold View Road", verdict="yes_if",
        decision="shared", lawful_basis="public_task",
        clauses=(ClauseCited("police-isa.md", "Police ISA", "8.1", "1.2"),), recipient="Police",
        consent="not_sought", decided_at=MONDAY, decided_by="Sarah Okafor",
        shared_what="Name and date of birth 14/02/1941", answer_id=answer_id,
    )  # fmt: skip
    with DecisionBook.open(Settings(), Redactor()) as book:
        book.keep(police, "crew")
        book.keep(replace(police, decided_at=NEXT_MONDAY), "crew")
        book.keep(replace(police, recipient="Adult Social Care", verdict="yes",
                          lawful_basis="vital_interests", decided_at=NEXT_MONDAY), "crew")  # fmt: skip
        book.keep(replace(police, decision="not_shared", recipient="", verdict="no",
                          lawful_basis="not_stated", decided_at=NEXT_MONDAY), "crew")  # fmt: skip


def open_review(app_for: AppFor) -> AppTest:
    at = app_for("governance", script=PAGE).run()
    assert not at.exception
    return at


def counts(at: AppTest) -> dict[str, dict[str, int]]:
    table = next(d.value for d in at.dataframe if d.value.index.name == "week")
    return {week: {k: int(v) for k, v in row.items() if v} for week, row in table.iterrows()}


def test_counts_by_verdict_recipient_and_lawful_basis_per_week(app_for: AppFor) -> None:
    seed_records()
    at = open_review(app_for)
    assert [m.value for m in at.metric] [-3:] == ["4", "3", "1"]
    assert counts(at) == {
        "2026-W48": {"Yes, if conditions hold": 1},
        "2026-W49": {"Yes, if conditions hold": 1, "Yes": 1, "No": 1},
    }
    at.radio(key="records-count-by").set_value("recipient").run()
    assert counts(at) == {
        "2026-W48": {"Police": 1},
        "2026-W49": {"Police": 1, "Adult Social Care": 1, "": 1},
    }
    at.radio(key="records-count-by").set_value("lawful_basis").run()
    assert counts(at)["2026-W49"] == {
        "Public task (UK GDPR Art. 6(1)(e))": 1, "Vital interests (UK GDPR Art. 6(1)(d))": 1,
        "Not stated": 1,
    }  # fmt: skip


def test_the_records_are_listed_as_kept_and_exported(
    app_for: AppFor, downloads: dict[str, bytes]
) -> None:
    seed_records()
    at = open_review(app_for)
    listed = next(d.value for d in at.dataframe if "Record" in d.value.columns)
    assert len(listed) == 4
    assert all("Pickering" not in q and "Wold View" not in q for q in listed["Question"])
    exported = next(v for k, v in downloads.items() if "decision-records" in k).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["recipient"] for r in rows] == ["Police", "Police", "Adult Social Care", ""]
    assert all("14/02/1941" not in r["shared_what"] for r in rows)


def test_the_date_filter_narrows_the_records(app_for: AppFor) -> None:
    seed_records()
    at = open_review(app_for)
    at.sidebar.date_input(key="f-dates").set_value((NEXT_MONDAY.date(), NEXT_MONDAY.date()))
    next(b for b in at.sidebar.button if b.label == "Apply filters").click().run()
    assert set(counts(at)) == {"2026-W49"}


def test_no_records_says_so(app_for: AppFor) -> None:
    at = open_review(app_for)
    assert "No decision records in this period." in [i.value for i in at.info]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """What each download button serves, by file name (as Streamlit's media manager is given it)."""
    served: dict[str, bytes] = {}
    original = MediaFileManager.add

    def keep(self: MediaFileManager, content: Any, mimetype: str, coordinates: str,
             file_name: str | None = None, **kwargs: Any) -> str:  # fmt: skip
        if file_name and isinstance(content, bytes | str):
            served[file_name] = content.encode() if isinstance(content, str) else content
        return original(self, content, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", keep)
    return served
