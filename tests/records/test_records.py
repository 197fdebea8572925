"""Decision records: drafted from an answer, rendered as text, PDF and DOCX, kept redacted in the
real log database (SQLite under tmp_path) through the real Redactor, exported with the log."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from assistant.__main__ import main as cli
from core.answer import Answer, Citation
from core.passage import Passage
from core.settings import Settings
from governance.log import AnswerLog
from governance.redact import Redactor
from records.counts import weekly_counts
from records.model import DecisionRecord, RecordError
from records.prefill import prefill
from records.render import to_docx, to_pdf, to_text
from records.store import DecisionBook

NOW = datetime(2026, 11, 30, 21, 50)
QUESTION = (
    "Harold Pickering, 27 Wold View Road, Cottingham HU16 4JT, born 14/02/1941, said no to a "
    "referral. The police want his details. Can I tell them?"
)
# Personal details typed into the form; none of them may reach the database.
PERSONAL = (
    "Harold Pickering", "Pickering", "27 Wold View Road", "Wold View", "HU16 4JT", "14/02/1941",
    "07700 900461", "Sarah Okafor", "Okafor", "Joan Whitaker", "03/07/1952", "01482 496118",
)  # fmt: skip


def passage(clause: str, text: str) -> Passage:
    return Passage(
        text=text, source="police-isa.md", title="Police ISA", kind="agreement", clause=clause,
        doc_version="1.2", doc_hash="h1",
    )  # fmt: skip


def police_answer(log_id: int | None = None) -> Answer:
    basis = passage("4.1", "Both parties rely on Article 6(1)(e) UK GDPR (public task) for "
                    "sharing under this agreement. HFRS relies on Article 9(2)(g) UK GDPR too.")  # fmt: skip
    route = passage("8.1", "Personal information is sent by secure email between approved "
                    "police.uk and HFRS accounts, with OFFICIAL-SENSITIVE in the subject line.")  # fmt: skip
    return Answer(
        question="[NAME] said no. The police want his details. Can I tell them?",
        text="Yes, if the request comes on the form [1]. Send it securely [2].",
        citations=[Citation(1, basis, 0.8), Citation(2, route, 0.7)], abstained=False,
        mode="extractive", verdict="yes_if", bottom_line="Yes, if the form is signed [1].",
        log_id=log_id,
    )  # fmt: skip


def filled(record: DecisionRecord) -> DecisionRecord:
    """The draft as a person completes it, personal details and all."""
    return replace(
        record,
        consent_reason="Mr Harold Pickering does not want the police involved; son on 07700 900461",
        shared_what="Name Harold Pickering, DOB 14/02/1941, 27 Wold View Road, Cottingham "
        "HU16 4JT, mobile 07700 900461; daughter Joan Whitaker (DOB 03/07/1952), 01482 496118",
        decided_by="Firefighter Sarah Okafor",
        manager_consulted="Watch Manager Joan Whitaker, 01482 496118",
    )


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


@pytest.fixture
def log() -> Iterator[AnswerLog]:
    with AnswerLog.open(Settings()) as opened:
        yield opened


@pytest.fixture
def book(log: AnswerLog, redactor: Redactor) -> Iterator[DecisionBook]:
    with DecisionBook.open(Settings(), redactor) as opened:
        yield opened


def logged(log: AnswerLog) -> int:
    return log.record(police_answer(), user_id="crew", role="staff", session_id="s", corpus_version="c")


def test_the_draft_is_read_from_the_answer_and_the_question() -> None:
    record = prefill(police_answer(7), QUESTION, "crew.member", NOW).record
    assert record.verdict == "yes_if" and record.decision == "shared"
    assert record.lawful_basis == "public_task"
    assert record.legal_gateway == "Article 9(2)(g) UK GDPR"
    assert [c.label() for c in record.clauses] == [
        "Police ISA, clause 4.1 (version 1.2)", "Police ISA, clause 8.1 (version 1.2)",
    ]  # fmt: skip
    assert record.recipient == "Police" and record.consent == "refused"
    assert record.sent_by.startswith("Personal information is sent by secure email")
    assert record.sent_by.endswith("(Police ISA, clause 8.1)")
    assert record.answer_id == 7 and record.decided_by == "crew.member"


def test_a_basis_and_route_the_answer_lacks_come_from_the_documents_with_their_clause() -> None:
    # Searched passages, unlike cited ones, are read usual basis first (public task before a
    # vital-interests clause ranked above it), and only from cited agreements or general documents.
    referral = Passage(text="Where crews decide not to make a referral, they must record why.",
                       source="isa.docx", title="ASC ISA", kind="agreement", clause="8.2")  # fmt: skip
    answer = Answer(question="q", text="Record why [1].", citations=[Citation(1, referral, 0.8)],
                    abstained=False, mode="extractive", verdict="depends")  # fmt: skip
    guide = "frontline-sharing-guide.md"
    more = [
        passage("4.1", "Both parties rely on Article 6(1)(e) UK GDPR (public task)."),  # another ISA
        Passage(text="Where life is at risk either party may share (vital interests).",
                source="isa.docx", title="ASC ISA", kind="agreement", clause="3.3"),
        Passage(text="4.1 Public task: most of our sharing is part of our job.", source=guide,
                title="Frontline guide", kind="guidance", clause="4.1"),
        Passage(text="(a) use the secure referral portal, or secure email from your work account;",
                source=guide, title="Frontline guide", kind="guidance", clause="7.1"),
    ]  # fmt: skip
    record = prefill(answer, "Can I refer him to ASC?", "crew", NOW, more).record
    assert record.lawful_basis == "public_task"
    assert record.sent_by == (
        "Use the secure referral portal, or secure email from your work account "
        "(Frontline guide, clause 7.1)"
    )
    assert [(c.source, c.clause) for c in record.clauses] == [
        ("isa.docx", "8.2"), (guide, "4.1"), (guide, "7.1"),
    ]  # fmt: skip


def test_danger_now_drafts_vital_interests_and_999() -> None:
    answer = replace(police_answer(), verdict="act_now")
    record = prefill(answer, "He is trapped upstairs", "crew", NOW).record
    assert record.lawful_basis == "vital_interests" and "999" in record.sent_by


def test_a_record_refuses_what_it_cannot_be() -> None:
    record = prefill(police_answer(), QUESTION, "crew", NOW).record
    with pytest.raises(RecordError, match="which organisation"):
        replace(record, recipient=" ")
    with pytest.raises(RecordError, match="lawful_basis"):
        replace(record, lawful_basis="because")  # type: ignore[arg-type]
    assert replace(record, decision="not_shared", recipient="").recipient == ""


def test_text_pdf_and_docx_say_the_same_record() -> None:
    record = filled(prefill(police_answer(3), QUESTION, "crew", NOW).record)
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(to_pdf(record))).pages)
    document = Document(io.BytesIO(to_docx(record)))
    docx_text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    for text in (to_text(record), " ".join(pdf_text.split()), docx_text):
        assert "Police ISA, clause 4.1 (version 1.2)" in text
        assert "Yes, if conditions hold" in text
        assert "Public task (UK GDPR Art. 6(1)(e))" in text
        assert "Police" in text and "Harold Pickering" in text  # the person's own copy: all of it
        assert "answer #3 in the ShareCheck log" in text


def test_the_kept_copy_holds_no_personal_details(
    log: AnswerLog, book: DecisionBook, tmp_path: Path
) -> None:
    answer_id = logged(log)
    record = filled(prefill(police_answer(answer_id), QUESTION, "Sarah Okafor", NOW).record)
    kept = book.keep(record, "crew.member")
    assert kept.redacted and kept.sealed and kept.record.answer_id == answer_id
    assert "[NAME]" in kept.record.shared_what and "[PHONE]" in kept.record.shared_what
    assert kept.record.recipient == "Police" and kept.record.lawful_basis == "public_task"
    dump = database_text(tmp_path / "data" / "log.sqlite")
    found = [detail for detail in PERSONAL if detail.casefold() in dump.casefold()]
    assert found == []
    assert book.for_answer(answer_id) == [kept]


def database_text(path: Path) -> str:
    """Every value in every table of the SQLite file, and its raw pages (WAL included)."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        values = [str(v) for t in tables for row in db.execute(f"SELECT * FROM {t}") for v in row]
    raw = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
    return "\n".join(values) + raw.decode("utf-8", errors="replace")


def test_a_record_must_point_at_a_logged_answer(book: DecisionBook) -> None:
    record = prefill(police_answer(999), QUESTION, "crew", NOW).record
    with pytest.raises(RecordError, match="no logged answer has id 999"):
        book.keep(record, "crew")


def test_kept_records_are_append_only(log: AnswerLog, book: DecisionBook, tmp_path: Path) -> None:
    book.keep(prefill(police_answer(logged(log)), QUESTION, "crew", NOW).record, "crew")
    with sqlite3.connect(tmp_path / "data" / "log.sqlite") as db:
        for statement in ("UPDATE decision_records SET recipient = 'x'", "DELETE FROM decision_records"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)


def test_weekly_counts_by_recipient_and_basis(log: AnswerLog, book: DecisionBook) -> None:
    draft = prefill(police_answer(logged(log)), QUESTION, "crew", NOW).record
    book.keep(draft, "crew")
    book.keep(replace(draft, recipient="Adult Social Care", decided_at=datetime(2026, 11, 23, 9)), "crew")
    book.keep(replace(draft, lawful_basis="vital_interests"), "crew")
    by_recipient = [(c.week, c.value, c.records) for c in weekly_counts(book.records(), "recipient")]
    assert by_recipient == [("2026-W48", "Adult Social Care", 1), ("2026-W49", "Police", 2)]
    by_basis = {(c.week, c.value): c.records for c in weekly_counts(book.records(), "lawful_basis")}
    assert by_basis[("2026-W49", "Vital interests (UK GDPR Art. 6(1)(d))")] == 1
    assert len(book.records(start=NOW.date())) == 2


def test_log_export_records_writes_the_kept_copies(
    log: AnswerLog, book: DecisionBook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer_id = logged(log)
    book.keep(filled(prefill(police_answer(answer_id), QUESTION, "crew", NOW).record), "crew")
    out = tmp_path / "records.csv"
    assert cli(["log", "export", "--records", "--out", str(out)]) == 0
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["answer_id"] == str(answer_id) and row["recipient"] == "Police"
    assert "Police ISA, clause 8.1" in row["clauses"] and "Pickering" not in row["shared_what"]
    assert cli(["log", "export", "--records", "--format", "jsonl"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["clauses"][0]["clause"] == "4.1"
