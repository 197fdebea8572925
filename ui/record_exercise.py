"""Training: a scenario card run as an exercise. Trainees fill the decision record for it, then
compare it with the record the model answer implies. Nothing is logged or kept."""

from __future__ import annotations

import streamlit as st

from records.exercise import ClauseCheck, FieldCheck, check_clauses, compare, score
from records.model import (
    CONSENT_NAMES,
    CONSENTS,
    DECISION_NAMES,
    DECISIONS,
    LAWFUL_BASES,
    LAWFUL_BASIS_NAMES,
    SHARING_VERDICTS,
    VERDICT_NAMES,
)
from records.prefill import RECIPIENTS
from ui.citations import escape_markdown
from ui.scenarios import Scenario

VERDICT_CHOICES = tuple(v for v in VERDICT_NAMES if v in SHARING_VERDICTS)
MARKS = {True: "Agrees", False: "Differs", None: "Not marked"}


def _done_key(card: Scenario) -> str:
    return f"exercise-done-{card.id}"


def run_exercise(card: Scenario) -> None:
    """A switch that turns the card into an exercise: the record form, then the comparison."""
    if not st.toggle("Run as an exercise: fill in the decision record", key=f"exercise-{card.id}"):
        return
    done = st.session_state.get(_done_key(card))
    if isinstance(done, dict):
        show_comparison(card, done)
        st.button("Try again", key=f"exercise-again-{card.id}", on_click=_again, args=(card,))
    else:
        exercise_form(card)


def exercise_form(card: Scenario) -> None:
    key = card.id
    with st.form(f"exercise-form-{key}"):
        st.caption("Fill in the record as you would for the case notes, then compare it with the "
                   "model answer. Nothing is saved.")  # fmt: skip
        st.radio("What do the documents say?", VERDICT_CHOICES, index=None,
                 format_func=VERDICT_NAMES.__getitem__, key=f"ex-verdict-{key}")  # fmt: skip
        st.radio("Decision", DECISIONS, index=None, format_func=DECISION_NAMES.__getitem__,
                 horizontal=True, key=f"ex-decision-{key}")  # fmt: skip
        st.selectbox("Recipient organisation", RECIPIENTS, index=None, accept_new_options=True,
                     key=f"ex-recipient-{key}", placeholder="None if not shared")  # fmt: skip
        st.selectbox("Lawful basis", LAWFUL_BASES, index=None,
                     format_func=LAWFUL_BASIS_NAMES.__getitem__, key=f"ex-basis-{key}")  # fmt: skip
        st.radio("Consent", CONSENTS, index=None, format_func=CONSENT_NAMES.__getitem__,
                 horizontal=True, key=f"ex-consent-{key}")  # fmt: skip
        st.text_input("Consent: why", key=f"ex-consent-why-{key}")
        st.text_input("Clauses relied on", key=f"ex-clauses-{key}",
                      placeholder="Clause numbers, e.g. 5.3, 8.1")  # fmt: skip
        st.text_area("What would you share?", key=f"ex-shared-{key}", height=68)
        st.text_input("How would you send it?", key=f"ex-sent-{key}")
        st.form_submit_button("Compare with the model answer", type="primary",
                              on_click=_submit, args=(card,))  # fmt: skip


def _submit(card: Scenario) -> None:
    state, key = st.session_state, card.id
    fields = {"verdict": "verdict", "decision": "decision", "recipient": "recipient",
              "lawful_basis": "basis", "consent": "consent", "consent_reason": "consent-why",
              "clauses": "clauses", "shared_what": "shared", "sent_by": "sent"}  # fmt: skip
    st.session_state[_done_key(card)] = {
        name: str(state.get(f"ex-{widget}-{key}") or "").strip() for name, widget in fields.items()
    }


def _again(card: Scenario) -> None:
    st.session_state.pop(_done_key(card), None)


def show_comparison(card: Scenario, trainee: dict[str, str]) -> None:
    """The trainee's record beside the model's, field by field, then the clauses and the answer."""
    clauses = check_clauses(trainee["clauses"], [ref.clause for ref in card.clauses])
    checks = compare(trainee, card.record) if card.record else []
    agreeing, marked = score(checks, clauses)
    st.metric("Your record against the model answer", f"{agreeing} of {marked}")
    if checks:
        st.dataframe(comparison_rows(checks), hide_index=True, width="stretch",
                     key=f"exercise-table-{card.id}")  # fmt: skip
    else:
        st.caption("This card is not about a decision to share: compare the clauses and the answer.")
    st.markdown(clause_summary(clauses))
    st.markdown("**Model answer**")
    st.markdown(escape_markdown(card.model_answer))


def comparison_rows(checks: list[FieldCheck]) -> list[dict[str, str]]:
    return [{"Field": c.label, "Your record": c.trainee, "Model answer": c.model,
             "": MARKS[c.agrees]} for c in checks]  # fmt: skip


def clause_summary(clauses: ClauseCheck) -> str:
    lines = ["**Clauses the model answer relies on**"]
    lines += [f"- clause {c} :green-badge[you named it]" for c in clauses.named]
    lines += [f"- clause {c} :orange-badge[missed]" for c in clauses.missed]
    if clauses.other:
        lines.append(f"- You also named {', '.join(clauses.other)}: check what they say.")
    return "\n".join(lines)
