"""The Training page's exercise, headless: trainees fill the decision record for a card, then see
it beside the record the model answer implies. Nothing is logged or kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import Settings
from governance.log import AnswerLog
from governance.redact import Redactor
from records.store import DecisionBook
from ui.scenarios import load_scenarios

pytestmark = pytest.mark.slow
AppFor = Callable[..., AppTest]
CARD = next(c for c in load_scenarios() if c.id == "hoarding-no-consent")


def exercise(app_for: AppFor) -> AppTest:
    at = app_for("trainer").run()
    at.switch_page("app_pages/training.py").run()
    at.selectbox(key="scenario").set_value(CARD).run()
    at.toggle(key=f"exercise-{CARD.id}").set_value(True).run()
    assert not at.exception
    return at


def comparison(at: AppTest) -> dict[str, tuple[str, str, str]]:
    table = at.dataframe[0].value
    return {r["Field"]: (r["Your record"], r["Model answer"], r[""]) for _, r in table.iterrows()}


def test_a_trainee_fills_the_record_and_compares_it_with_the_model_answer(
    data_dir: Path, app_for: AppFor
) -> None:
    at = exercise(app_for)
    assert "Model answer" not in [m.value for m in at.markdown]  # not before they have tried
    key = CARD.id
    at.radio(key=f"ex-verdict-{key}").set_value("yes_if")
    at.radio(key=f"ex-decision-{key}").set_value("shared")
    at.selectbox(key=f"ex-recipient-{key}").set_value("Adult Social Care")
    at.selectbox(key=f"ex-basis-{key}").set_value("vital_interests")
    at.radio(key=f"ex-consent-{key}").set_value("refused")
    at.text_input(key=f"ex-clauses-{key}").set_value("5.3 and 8.1 of the Charter")
    at.text_input(key=f"ex-sent-{key}").set_value("secure portal")
    at.form_submit_button[0].click().run()
    assert not at.exception
    rows = comparison(at)
    assert rows["Verdict"] == ("Yes, if conditions hold", "Yes, if conditions hold", "Agrees")
    assert rows["Recipient organisation"][2] == "Agrees"
    assert rows["Lawful basis"] == (
        "Vital interests (UK GDPR Art. 6(1)(d))", "Public task (UK GDPR Art. 6(1)(e))", "Differs",
    )  # fmt: skip
    assert rows["How it was sent"] == ("secure portal", "Secure referral portal", "Not marked")
    assert at.metric[0].value == "6 of 9"  # 4 of 5 fields, 2 of the card's 4 clauses
    summary = next(m.value for m in at.markdown if m.value.startswith("**Clauses the model"))
    assert "clause 5.3 :green-badge[you named it]" in summary
    assert "clause 2.2 :orange-badge[missed]" in summary
    assert "**Model answer**" in [m.value for m in at.markdown]
    with AnswerLog.open(Settings()) as log, DecisionBook.open(Settings(), Redactor()) as book:
        assert log.answers() == [] and book.records() == []  # a rehearsal keeps nothing


def test_try_again_clears_the_comparison(data_dir: Path, app_for: AppFor) -> None:
    at = exercise(app_for)
    at.form_submit_button[0].click().run()
    assert at.metric[0].value == "0 of 9"
    at.button(key=f"exercise-again-{CARD.id}").click().run()
    assert not at.metric and at.form_submit_button
