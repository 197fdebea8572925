"""The Review page shows logged questions, answers, feedback and notes as text: no image is
fetched and no link is live, whatever a person typed."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from core.settings import Settings
from governance.log import AnswerLog
from governance.samples import sample_answer
from tests.app_pages.markdown_check import live_parts
from ui.citations import escape_markdown

AppFor = Callable[..., AppTest]
QUESTION = "Can I share this? ![x](https://evil.example/q.png) <https://evil.example/q>"
REASON = "See [this](https://evil.example/feedback) and www.evil.example <img src=x>"
NOTE = "Checked against https://evil.example/note ![n](https://evil.example/n.png)"


def test_questions_feedback_and_notes_are_shown_inert(app_for: AppFor) -> None:
    with AnswerLog.open(Settings()) as log:
        answer_id = log.record(
            sample_answer(1, question=QUESTION), user_id="crew-1", role="staff",
            session_id="s1", corpus_version="c1",
        )  # fmt: skip
        log.add_feedback(answer_id, user_id="crew-1", rating="down", reason=REASON)
        log.add_review(answer_id, reviewer_id="gov-1", verdict="incorrect", note=NOTE)
    at = app_for("governance", script="app_pages/review.py").run()
    assert not at.exception
    label = at.expander[0].label
    shown = [m.value for m in at.expander[0].markdown] + [c.value for c in at.expander[0].caption]
    assert escape_markdown(QUESTION) in label and live_parts(label) == []
    assert any(escape_markdown(REASON) in s for s in shown)
    assert any(escape_markdown(NOTE) in s for s in shown)
    assert [p for s in shown for p in live_parts(s)] == []
