"""The Ask page's "Record this decision", headless: the form drafted from a real answer (real
model, real store, real log), the record to download, and the redacted copy kept."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.settings import Settings
from governance.log import AnswerLog
from governance.redact import Redactor
from records.store import DecisionBook

pytestmark = pytest.mark.slow
AppFor = Callable[..., AppTest]
QUESTION = "Can I refer someone to adult social care without their consent?"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """What each download button serves, by file name."""
    served: dict[str, bytes] = {}
    original = MediaFileManager.add

    def keep(self: MediaFileManager, content: Any, mimetype: str, coordinates: str,
             file_name: str | None = None, **kwargs: Any) -> str:  # fmt: skip
        if file_name and isinstance(content, bytes):
            served[file_name] = content
        return original(self, content, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", keep)
    return served


def asked(app_for: AppFor) -> AppTest:
    at = app_for("staff").run()
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    return at


def test_the_form_is_drafted_from_the_answer_and_makes_the_record(
    data_dir: Path, app_for: AppFor, downloads: dict[str, bytes]
) -> None:
    at = asked(app_for)
    (toggle,) = [t for t in at.toggle if t.label == "Record this decision"]
    assert not at.text_area  # the form opens only when asked for
    toggle.set_value(True).run()
    key = toggle.key.removeprefix("record-")
    assert at.text_area(key=f"rec-question-{key}").value == QUESTION
    assert at.selectbox(key=f"rec-recipient-{key}").value == "Adult Social Care"
    clauses = at.multiselect(key=f"rec-clauses-{key}").value
    assert clauses and all(c.doc_version for c in clauses)
    at.text_area(key=f"rec-shared-{key}").set_value("Name Harold Pickering, 07700 900461")
    at.text_input(key=f"rec-manager-{key}").set_value("Watch Manager Joan Whitaker")
    at.form_submit_button[-1].click().run()
    assert not at.exception
    assert any("decision record #1" in s.value for s in at.success)
    pdf = next(v for k, v in downloads.items() if k.endswith(".pdf"))
    docx = next(v for k, v in downloads.items() if k.endswith(".docx"))
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    docx_text = "\n".join(c.text for t in Document(io.BytesIO(docx)).tables for r in t.rows for c in r.cells)
    for text in (pdf_text, docx_text, at.code[0].value):
        assert "Harold Pickering" in text and "Adult Social Care" in text
        assert clauses[0].label() in " ".join(text.split())
    with AnswerLog.open(Settings()) as log, DecisionBook.open(Settings(), Redactor()) as book:
        (answer,) = log.answers()
        (kept,) = book.for_answer(answer.id)
    assert "Pickering" not in kept.record.shared_what and "900461" not in kept.record.shared_what
    assert "Whitaker" not in kept.record.manager_consulted


def test_no_record_is_offered_for_a_question_of_fact(data_dir: Path, app_for: AppFor) -> None:
    at = app_for("staff").run()
    at.chat_input[0].set_value("What is the weather like in Hull today?").run()
    assert not at.exception
    assert not [t for t in at.toggle if t.label == "Record this decision"]
