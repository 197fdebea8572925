"""The Ask page, headless: questions in, cited answers out, feedback into the governance log."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.ask import BLANK, MAX_QUESTION_CHARS, SHORTEN_SENT_KEY, too_long
from core.settings import Settings
from governance.log import AnswerLog
from ui.answer_view import REDACTED_NOTICE

pytestmark = pytest.mark.slow
AppFor = Callable[..., AppTest]

REFERRAL = "Can I refer someone to adult social care without their consent?"
RISK_TO_LIFE = "Is there a risk to life exception for sharing without consent?"
FELL_BACK = "this answer was built from the documents without it."


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def assistant_text(at: AppTest, index: int = -1) -> str:
    message = [m for m in at.chat_message if m.name == "assistant"][index]
    return "\n".join(m.value for m in message.markdown)


def test_an_answer_shows_citation_chips_and_each_cited_clause(data_dir: Path, app_for: AppFor) -> None:
    at = ask(app_for("staff").run(), REFERRAL)
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert re.search(r":blue-badge\[\d\]", assistant_text(at))
    labels = [e.label for e in at.expander]
    assert labels and labels[0].startswith(":blue-badge[")  # the cited sources, in rank order
    assert any("clause 5." in label for label in labels)
    assert "Safe and Well" in labels[0]


def test_a_starter_question_is_asked_with_one_tap(data_dir: Path, app_for: AppFor) -> None:
    at = app_for("staff").run()
    at.button(key="starter-0").click().run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert at.chat_message[0].markdown[0].value.startswith("Can I refer someone")


def test_follow_ups_carry_the_conversation_and_new_conversation_clears_it(
    data_dir: Path, app_for: AppFor
) -> None:
    at = ask(app_for("staff").run(), REFERRAL)
    ask(at, "What if she changes her mind afterwards?")
    assert len(at.chat_message) == 4
    next(b for b in at.button if b.label == "New conversation").click().run()
    assert not at.chat_message
    assert at.button(key="starter-0")


def test_thumbs_down_and_a_reason_are_stored_against_the_logged_answer(
    data_dir: Path, app_for: AppFor
) -> None:
    at = ask(app_for("staff").run(), REFERRAL)
    at.feedback[0].set_value(0).run()
    with AnswerLog.open(Settings()) as log:
        (row,) = log.answers()
        assert row.feedback is not None and row.feedback.rating == "down"
        assert row.user_id == "test-staff" and row.role == "staff"
    at.text_input[0].set_value("It cited the wrong agreement")
    at.form_submit_button[0].click().run()
    assert not at.exception
    with AnswerLog.open(Settings()) as log:
        feedback = log.answers()[0].feedback
    assert feedback is not None and feedback.reason == "It cited the wrong agreement"
    assert any("feedback was recorded" in c.value for c in at.caption)


def test_personal_details_are_removed_and_the_person_is_told(data_dir: Path, app_for: AppFor) -> None:
    question = "Mrs Ellison at 14 Beverley Road, HU5 3QT wants help. Can I refer her to ASC?"
    at = ask(app_for("staff").run(), question)
    assert REDACTED_NOTICE in [i.value for i in at.info]
    assert at.chat_message[0].markdown[0].value == question  # their own words, on their screen
    with AnswerLog.open(Settings()) as log:
        logged = log.answers()[0].question
    assert "Ellison" not in logged and "HU5 3QT" not in logged


def test_view_in_document_shows_the_pdf_page(data_dir: Path, app_for: AppFor) -> None:
    at = ask(app_for("staff").run(), RISK_TO_LIFE)
    pdf = next(i for i, e in enumerate(at.expander) if "Charter" in e.label)
    at.expander[pdf].toggle[0].set_value(True).run()
    assert not at.exception
    (region,) = at.get("html")  # the cited region, cropped and zoomed (ui/document_view.py)
    assert 'data-crop="' in region.proto.body and "highlighted" in at.expander[pdf].caption[-1].value


def test_view_in_document_shows_neighbouring_passages_for_other_formats(
    data_dir: Path, app_for: AppFor
) -> None:
    at = ask(app_for("staff").run(), REFERRAL)
    docx = next(i for i, e in enumerate(at.expander) if "Safe and Well" in e.label)
    at.expander[docx].toggle[0].set_value(True).run()
    shown = [m.value for m in at.expander[docx].markdown]
    assert any(m.startswith(":orange-badge[cited passage]") for m in shown)
    assert len(at.expander[docx].caption) >= 2  # where it sits, and at least one neighbour


def test_an_llm_failure_shows_the_fallback_notice(
    data_dir: Path, app_for: AppFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The LLM option pointed at a server that is not there: a real client, a refused connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SHARECHECK_LLM__ENABLED", "true")
    monkeypatch.setenv("SHARECHECK_LLM__PROVIDER", "openai")
    monkeypatch.setenv("SHARECHECK_LLM__MODEL", "nothing-listening")
    monkeypatch.setenv("SHARECHECK_LLM__BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("SHARECHECK_LLM__TIMEOUT_S", "20")
    at = ask(app_for("staff").run(), REFERRAL)
    notices = [w.value for w in at.warning]
    assert any(n.startswith("The LLM answerer failed (") and n.endswith(FELL_BACK) for n in notices), notices
    assert re.search(r":blue-badge\[\d+\]", assistant_text(at))


# --- what the box takes ------------------------------------------------------------------------


def logged_questions() -> list[str]:
    with AnswerLog.open(Settings()) as log:
        return [row.question for row in log.answers()]


def test_a_blank_question_is_refused_with_a_message_and_not_logged(data_dir: Path, app_for: AppFor) -> None:
    at = ask(app_for("staff").run(), "   \n  ")
    assert [e.value for e in at.error] == [BLANK]
    assert not at.chat_message
    assert logged_questions() == []


def test_the_length_limit_is_shown_and_a_longer_paste_is_kept_and_refused(
    data_dir: Path, app_for: AppFor
) -> None:
    at = app_for("staff").run()
    assert f"{MAX_QUESTION_CHARS:,} characters" in at.chat_input[0].placeholder
    pasted = REFERRAL + " " + "The resident said a lot more. " * 200
    ask(at, pasted)
    assert [e.value for e in at.error] == [too_long(len(pasted))]
    assert f"at most {MAX_QUESTION_CHARS:,} characters" in at.error[0].value
    assert at.text_area[0].value == pasted  # kept, to shorten
    assert not at.chat_message and logged_questions() == []
    at.text_area[0].set_value(REFERRAL)
    at.button(key=SHORTEN_SENT_KEY).click().run()
    assert not at.exception and not at.error
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert not at.text_area
    assert len(logged_questions()) == 1


def test_a_question_in_welsh_is_told_answers_are_in_english(data_dir: Path, app_for: AppFor) -> None:
    at = ask(app_for("staff").run(), "A gaf i rannu manylion rhywun gyda'r heddlu heb eu caniatâd?")
    assert "ShareCheck answers questions in English" in assistant_text(at)
    with AnswerLog.open(Settings()) as log:
        (row,) = log.answers()
    assert row.abstained and "ShareCheck answers questions in English" in row.answer_text
