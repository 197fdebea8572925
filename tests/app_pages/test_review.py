"""The Review page, headless: gating, filters, verdicts, export, eval items and impact.

The page reads only the answer log and the registry, so these tests need no model and no store:
sample answers go straight into the log under the test's temp data dir.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from accounts.users import Role
from app_pages.review import NO_VERDICT, periods
from core.embedding import HashingEmbedder
from core.registry import DocumentRecord, Registry
from core.settings import Settings
from governance.log import AnswerLog, review_eval_path
from governance.records import DayStats, LogStats, WeekStats
from governance.samples import sample_answer
from governance.verified import VerifiedBank, VerifiedCitation

AppFor = Callable[..., AppTest]
PAGE = "app_pages/review.py"
REFERRAL = "Can I refer a resident to adult social care?"
POLICE = "The police asked about a resident; can I tell them?"
PHOTOS = "Can I send photos of a hoarded house to the council?"


@pytest.fixture
def log() -> Iterator[AnswerLog]:
    with AnswerLog.open(Settings()) as opened:
        yield opened


@pytest.fixture
def answer_ids(log: AnswerLog) -> dict[str, int]:
    """Three logged answers differing in role, mode, abstention and feedback."""
    ids = {
        REFERRAL: _record(log, sample_answer(1, question=REFERRAL), "staff"),
        POLICE: _record(log, sample_answer(2, question=POLICE, mode="llm"), "trainer"),
        PHOTOS: _record(log, sample_answer(3, question=PHOTOS, abstained=True), "staff"),
    }
    log.add_feedback(ids[REFERRAL], user_id="crew-1", rating="down", reason="wrong clause")
    log.add_feedback(ids[POLICE], user_id="crew-2", rating="up")
    return ids


def _record(log: AnswerLog, answer: Any, role: str) -> int:
    return log.record(
        answer, user_id=f"crew-{role}", role=role, session_id="s1", corpus_version="c1"
    )


def open_review(app_for: AppFor, role: Role = "governance") -> AppTest:
    at = app_for(role, script=PAGE).run()
    assert not at.exception
    return at


def listed_questions(at: AppTest) -> list[str]:
    return [q for e in at.expander for q in (REFERRAL, POLICE, PHOTOS) if q in e.label]


def apply_filter(at: AppTest, key: str, value: object) -> AppTest:
    at.sidebar.selectbox(key=key).set_value(value)
    next(b for b in at.sidebar.button if b.label == "Apply filters").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("role", ["staff", "trainer"])
def test_other_roles_are_refused(role: Role, app_for: AppFor) -> None:
    at = app_for(role, script=PAGE).run()
    assert [e.value for e in at.error] == [f"This page is not available to the {role} role."]
    assert not at.title


@pytest.mark.parametrize("role", ["governance", "admin"])
def test_governance_and_admin_see_every_answer_queue_first(
    role: Role, answer_ids: dict[str, int], app_for: AppFor
) -> None:
    at = open_review(app_for, role)
    assert at.title[0].value == "Review"
    # Thumbs-down first, then the abstention, then the rest.
    assert listed_questions(at) == [REFERRAL, PHOTOS, POLICE]
    assert "thumbs down" in at.expander[0].label


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("f-role", "trainer", [POLICE]),
        ("f-mode", "llm", [POLICE]),
        ("f-abstained", True, [PHOTOS]),
        ("f-feedback", "none", [PHOTOS]),
        ("f-reviewed", True, []),
    ],
)
def test_filters_narrow_the_list(
    key: str, value: object, expected: list[str], answer_ids: dict[str, int], app_for: AppFor
) -> None:
    at = apply_filter(open_review(app_for), key, value)
    assert listed_questions(at) == expected


def test_a_date_range_narrows_the_list(answer_ids: dict[str, int], app_for: AppFor) -> None:
    at = open_review(app_for)
    today = date.today()
    at.sidebar.date_input(key="f-dates").set_value(
        (today - timedelta(days=9), today - timedelta(days=2))
    )
    next(b for b in at.sidebar.button if b.label == "Apply filters").click().run()
    assert listed_questions(at) == []
    at.sidebar.date_input(key="f-dates").set_value((today - timedelta(days=1), today))
    next(b for b in at.sidebar.button if b.label == "Apply filters").click().run()
    assert len(listed_questions(at)) == 3


def test_trends_show_the_rates_and_the_charts(answer_ids: dict[str, int], app_for: AppFor) -> None:
    at = open_review(app_for)
    figures = {m.label: m.value for m in at.metric}
    assert figures == {"Questions": "3", "Abstention rate": "33%", "Thumbs-down rate": "50%"}
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2  # questions, and the rates
    # Answers from one day: counted per day, not as one weekly bar.
    headings = [m.value for m in at.markdown if m.value.startswith("**")]
    assert "**Questions per day**" in headings
    documents, clauses = [d.value for d in at.dataframe if "Answers" in d.value.columns]
    assert list(documents["Document"]) == ["police-isa.md"]  # in full, not cut short
    assert (clauses["Document"][0], clauses["Clause"][0]) == ("police-isa.md", "4.2")


def test_charts_count_per_day_under_three_weeks_and_per_week_after() -> None:
    def spanning(*days: str) -> LogStats:
        weeks = sorted({f"{date.fromisoformat(d).isocalendar()[0]}-W{date.fromisoformat(d).isocalendar()[1]:02d}" for d in days})
        return LogStats(
            len(days), 0.0, 0.0, 0, weeks=[WeekStats(w, 1, 0, 0) for w in weeks],
            days=[DayStats(d, 1, 0, 0) for d in days],
        )  # fmt: skip

    period, counts = periods(spanning("2026-11-02", "2026-11-05"))
    assert period == "day" and list(counts["questions"]) == [1, 0, 0, 1]  # quiet days as 0
    period, counts = periods(spanning("2026-11-02", "2026-11-22"))
    assert period == "day" and len(counts) == 21
    period, counts = periods(spanning("2026-11-02", "2026-11-23"))
    assert period == "week" and list(counts.index) == ["2026-W45", "2026-W48"]


def test_marking_an_answer_stores_a_review(
    answer_ids: dict[str, int], log: AnswerLog, app_for: AppFor
) -> None:
    at = open_review(app_for)
    answer_id = answer_ids[POLICE]
    at.radio(key=f"verdict-{answer_id}").set_value("incorrect")
    at.text_area(key=f"note-{answer_id}").set_value("Should say: ask the police for a DP form")
    at.text_input(key=f"clause-{answer_id}").set_value("6.1")
    at.text_area(key=f"evidence-{answer_id}").set_value("a written request")
    at.button(key=f"save-{answer_id}").click().run()
    assert not at.exception
    review = log.get(answer_id).review  # type: ignore[union-attr]
    assert review is not None
    assert (review.verdict, review.reviewer_id, review.expected_clause, review.evidence) == (
        "incorrect", "test-governance", "6.1", "a written request"
    )  # fmt: skip
    assert review.note == "Should say: ask the police for a DP form"


def test_there_is_no_default_verdict_and_saving_without_one_saves_nothing(
    answer_ids: dict[str, int], log: AnswerLog, app_for: AppFor
) -> None:
    at = open_review(app_for)
    answer_id = answer_ids[POLICE]
    assert at.radio(key=f"verdict-{answer_id}").value is None
    at.text_area(key=f"note-{answer_id}").set_value("Looks fine")
    at.button(key=f"save-{answer_id}").click().run()
    assert not at.exception
    assert log.get(answer_id).review is None  # type: ignore[union-attr]
    assert NO_VERDICT in [e.value for e in at.error]
    assert at.text_area(key=f"note-{answer_id}").value == "Looks fine"  # nothing typed is lost


def test_the_reviewer_keeps_their_place_after_saving(
    answer_ids: dict[str, int], log: AnswerLog, app_for: AppFor
) -> None:
    at = open_review(app_for)
    before = listed_questions(at)
    answer_id = answer_ids[PHOTOS]  # second in the queue
    at.radio(key=f"verdict-{answer_id}").set_value("correct")
    at.button(key=f"save-{answer_id}").click().run()
    assert not at.exception
    assert log.get(answer_id).review is not None  # type: ignore[union-attr]
    assert listed_questions(at) == before  # not re-sorted under the reviewer
    saved = next(e for e in at.expander if PHOTOS in e.label)
    assert "Correct" in saved.label and saved.proto.expanded  # still open
    assert [e.proto.expanded for e in at.expander if PHOTOS not in e.label] == [False, False]
    at.run()
    assert listed_questions(at) == before


@pytest.mark.slow  # opens the passage store with the real model
def test_the_cited_passage_text_can_be_read_in_review(
    data_dir: Any, app_for: AppFor
) -> None:
    from core.embedding import MiniLMEmbedder
    from core.vectorstore import PassageStore

    stored = next(iter(PassageStore(Settings(), MiniLMEmbedder()).all_passages()))
    answer = sample_answer(1, question=REFERRAL)
    cited = replace(answer.citations[0], passage=stored)
    with AnswerLog.open(Settings()) as log:
        answer_id = _record(log, replace(answer, citations=[cited]), "staff")
    at = open_review(app_for)
    at.toggle(key=f"passages-{answer_id}").set_value(True).run()
    assert not at.exception
    quoted = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert quoted and stored.text.split()[0] in quoted[0]


def test_export_downloads_the_filtered_view_as_csv(
    answer_ids: dict[str, int], app_for: AppFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads: list[bytes] = []
    original = MediaFileManager.add

    def keep(self: MediaFileManager, content: bytes, *args: Any, **kwargs: Any) -> str:
        downloads.append(content)
        return original(self, content, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", keep)
    apply_filter(open_review(app_for), "f-role", "staff")
    rows = list(csv.DictReader(io.StringIO(downloads[-1].decode("utf-8"))))
    assert {r["question"] for r in rows} == {REFERRAL, PHOTOS}


def test_sources_and_the_csv_give_the_page_staff_were_shown(
    log: AnswerLog, app_for: AppFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = _record(log, sample_answer(1, question=REFERRAL, page=5, page_label="3"), "staff")
    unlabelled = _record(log, sample_answer(2, question=POLICE, page=5), "staff")
    downloads: list[bytes] = []
    original = MediaFileManager.add

    def keep(self: MediaFileManager, content: bytes, *args: Any, **kwargs: Any) -> str:
        downloads.append(content)
        return original(self, content, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", keep)
    at = open_review(app_for)
    sources = [m.value for m in at.markdown if m.value.startswith("**Sources**")]
    assert any("[1] Police Isa, clause 4.2, p. 3 ·" in s for s in sources)
    assert any("[1] Police Isa, clause 4.2, p. 5 ·" in s for s in sources)
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(downloads[-1].decode("utf-8")))}
    assert rows[printed]["citations"] == "[1] Police Isa, clause 4.2, p. 3 (police-isa.md)"
    assert rows[unlabelled]["citations"] == "[1] Police Isa, clause 4.2, p. 5 (police-isa.md)"


def test_add_to_evaluation_set_writes_a_jsonl_line(
    answer_ids: dict[str, int], log: AnswerLog, app_for: AppFor
) -> None:
    answer_id = answer_ids[REFERRAL]
    log.add_review(answer_id, reviewer_id="gov", verdict="correct", expected_clause="4.2")
    at = open_review(app_for)
    assert at.button(key=f"eval-{answer_ids[POLICE]}").disabled  # no review yet
    at.button(key=f"eval-{answer_id}").click().run()
    assert not at.exception
    lines = review_eval_path(Settings()).read_text(encoding="utf-8").splitlines()
    (item,) = [json.loads(line) for line in lines]
    assert (item["id"], item["question"], item["clause"]) == (
        f"review-{answer_id}",
        REFERRAL,
        "4.2",
    )


def _document(doc_hash: str) -> DocumentRecord:
    return DocumentRecord(
        "police-isa.md", "corpus", doc_hash, "m", "Police ISA", "agreement", "v1", "", "", (), 3, ""
    )


def test_impact_lists_answers_citing_a_replaced_version(
    answer_ids: dict[str, int], app_for: AppFor
) -> None:
    registry = Registry(Settings().registry_path)
    registry.save(_document("h1"), {"p1"})  # the sample answers cite police-isa.md at h1
    registry.save(_document("h2"), {"p2"})
    registry.close()
    at = open_review(app_for)
    assert any("Police ISA" in m.value and "3 answer(s)" in m.value for m in at.markdown)
    shown = next(d.value for d in at.dataframe if "Question" in d.value.columns)
    assert set(shown["Question"]) == {REFERRAL, POLICE, PHOTOS}


def test_impact_lists_each_replaced_version_once_and_never_the_current_one(
    answer_ids: dict[str, int], log: AnswerLog
) -> None:
    """Issue 14: a document that went h1 -> h2 -> h1 -> h2 (read again each time) listed the
    current version as replaced, twice. Now h1 is listed once, h2 (current) not at all."""
    from ui.review import impacts

    registry = Registry(Settings().registry_path)
    for doc_hash in ("h1", "h2", "h2", "h1", "h2"):
        registry.save(_document(doc_hash), {"p-" + doc_hash})
    registry.close()
    found = impacts(log, Settings())
    assert [(i.earlier.doc_hash, i.earlier.source, len(i.answers)) for i in found] == [
        ("h1", "police-isa.md", 3)
    ]
    registry = Registry(Settings().registry_path)
    registry.save(_document("h1"), {"p-h1"})
    registry.close()
    assert impacts(log, Settings()) == []  # h1 is current again; the answers cited no h2


def test_with_nothing_logged_the_page_says_so(app_for: AppFor) -> None:
    at = open_review(app_for)
    assert "No logged answers match these filters." in [i.value for i in at.info]


# --- verified answers ---------------------------------------------------------------------------


@pytest.mark.slow  # publishing embeds the question with the real model
def test_publishing_a_corrected_answer_makes_it_a_verified_answer(
    answer_ids: dict[str, int], log: AnswerLog, app_for: AppFor
) -> None:
    at = open_review(app_for)
    answer_id = answer_ids[POLICE]
    at.toggle(key=f"vpublish-{answer_id}").set_value(True).run()
    assert at.text_area(key=f"vbottom-{answer_id}").value == "Yes, under 4.2 [1]."
    at.selectbox(key=f"vverdict-{answer_id}").set_value("not_without")
    at.text_area(key=f"vbottom-{answer_id}").set_value(
        "Not without a written DP request form from the police [1] (4.2)."
    )
    at.button(key=f"publish-{answer_id}").click().run()
    assert not at.exception
    with VerifiedBank.open(Settings()) as bank:
        (published,) = bank.standing()
    logged = log.get(answer_id)
    assert logged is not None
    assert (published.question, published.verdict, published.reviewer_id, published.answer_id) == (
        POLICE, "not_without", "test-governance", answer_id
    )  # fmt: skip
    assert published.bottom_line == "Not without a written DP request form from the police [1] (4.2)."
    (cited,) = published.citations
    assert (cited.source, cited.clause, cited.passage_id, cited.doc_hash) == (
        "police-isa.md", "4.2", logged.citations[0].passage_id, "h1"
    )  # fmt: skip
    assert published.vector.shape == (384,)
    assert logged.review is not None and logged.review.verdict == "incorrect"
    assert logged.review.note.startswith("Published as verified answer V1 (version 1)")


def test_impact_lists_a_withheld_verified_answer_until_it_is_reapproved(
    log: AnswerLog, app_for: AppFor
) -> None:
    passage_id = sample_answer(2, question=POLICE).citations[0].passage.id
    with VerifiedBank.open(Settings()) as bank:
        bank.publish(
            question=POLICE, vector=HashingEmbedder().embed([POLICE])[0], embedder="hashing",
            verdict="no", bottom_line="No: ask for a DP request form [1] (4.2).",
            citations=[VerifiedCitation(1, "police-isa.md", "Police ISA", "4.2", passage_id, "h1")],
            reviewer_id="gov-1",
        )  # fmt: skip
    registry = Registry(Settings().registry_path)
    registry.save(_document("h1"), {passage_id})
    registry.save(_document("h2"), {passage_id})  # the document changed; the passage did not
    registry.close()
    at = open_review(app_for)
    assert any("V1 (version 1)" in m.value and POLICE in m.value for m in at.markdown)
    assert any("police-isa.md changed (checked at h1, now h2)" in c.value for c in at.caption)
    at.button(key="reapprove-1").click().run()
    assert not at.exception
    with VerifiedBank.open(Settings()) as bank:
        renewed = bank.get(1)
    assert renewed is not None
    assert (renewed.version, renewed.citations[0].doc_hash, renewed.reviewer_id) == (
        2, "h2", "test-governance"
    )  # fmt: skip
    assert "No verified answer is withheld." in [i.value for i in at.info]
