"""Training: workshop scenario cards, ShareCheck's answer beside the model answer."""

from __future__ import annotations

import streamlit as st

from core.answer import Answer
from core.errors import ShareCheckError
from ui import services
from ui.answer_view import render_notices, render_sources
from ui.auth import require_page
from ui.citations import answer_markdown, escape_markdown
from ui.record_exercise import run_exercise
from ui.scenarios import Scenario, cited_clauses, load_scenarios

ANSWERS_KEY = "training_answers"
# Workshop view: text large enough to read on a projector; only font sizes change.
WORKSHOP_CSS = """<style>
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.45rem; }
[data-testid="stMarkdownContainer"] h3 { font-size: 2.1rem; }
</style>"""


@st.cache_data(show_spinner=False)
def scenarios() -> list[Scenario]:
    return load_scenarios()


def assistant_answer(card: Scenario) -> Answer | None:
    """ShareCheck's answer to the card's question, asked once per session and kept.

    Not written to the governance log: these are rehearsals, not decisions about real people.
    """
    answers: dict[str, Answer] = st.session_state.setdefault(ANSWERS_KEY, {})
    if card.id not in answers:
        try:
            with st.spinner("Asking ShareCheck…"):
                answers[card.id] = services.assistant().ask(card.asked(), log_answer=False)
        except ShareCheckError as error:
            st.error(str(error))
            return None
    return answers[card.id]


def model_answer_column(card: Scenario, answer: Answer) -> None:
    st.markdown("**Model answer**")
    st.markdown(escape_markdown(card.model_answer))
    cited = cited_clauses(answer)
    st.markdown("**Clauses it relies on**")
    for ref in card.clauses:
        mark = ":green-badge[cited by ShareCheck]" if ref in cited else ":gray-badge[not cited]"
        st.markdown(f"- `{ref.source}` clause {ref.clause} {mark}")


def reveal(card: Scenario) -> None:
    answer = assistant_answer(card)
    if answer is None:
        return
    ours, model = st.columns(2, gap="medium")
    with ours:
        st.markdown("**ShareCheck's answer**")
        render_notices(answer)
        st.markdown(answer_markdown(answer))
        render_sources(services.assistant(), answer, f"training-{card.id}")
    with model:
        model_answer_column(card, answer)


def show_card(card: Scenario) -> None:
    st.subheader(card.title)
    st.markdown(escape_markdown(card.scenario))
    st.markdown(f"> {escape_markdown(card.question)}")
    run_exercise(card)
    if st.toggle("Reveal the answers", key=f"reveal-{card.id}"):
        reveal(card)
        st.markdown("**For discussion**")
        st.markdown("\n".join(f"- {escape_markdown(q)}" for q in card.discussion))


def main() -> None:
    require_page("training")
    st.title("Training")
    cards = scenarios()
    if st.toggle("Workshop view (large text)", key="workshop"):
        st.markdown(WORKSHOP_CSS, unsafe_allow_html=True)
    card = st.selectbox(
        "Scenario", cards, format_func=lambda c: c.title, key="scenario",
        placeholder="Choose a scenario card",
    )  # fmt: skip
    if card is not None:
        show_card(card)


if __name__ == "__main__":
    main()
