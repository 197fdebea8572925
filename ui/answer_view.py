"""How one answer appears: notices, the text with citation chips, its sources, and feedback."""

from __future__ import annotations

import time
from collections.abc import Iterator

import streamlit as st

from assistant.service import Assistant
from core.answer import Answer, Citation
from ui.auth import SignedIn
from ui.citations import (
    answer_markdown,
    citation_label,
    escape_markdown,
    render_citation_body,
    shown_citations,
    words,
)
from ui.conversation import Exchange, record_feedback
from ui.decision_record import render_decision_record
from ui.document_view import show_in_document

# Pause between streamed words: fast enough to read along, short enough not to hold anyone up.
STREAM_DELAY_S = 0.005
REDACTED_NOTICE = (
    "Personal details were removed from your question before it was searched and logged."
)
THUMBS = ("down", "up")  # st.feedback("thumbs") returns 0 for down, 1 for up


def _streamed(markdown: str) -> Iterator[str]:
    for word in words(markdown):
        yield word
        time.sleep(STREAM_DELAY_S)


def render_notices(answer: Answer) -> None:
    for notice in answer.notices:
        # A notice can quote a model's reply or a client's error, so it is shown as text.
        st.warning(escape_markdown(notice), icon=":material/info:")
    if answer.redacted:
        st.info(REDACTED_NOTICE, icon=":material/visibility_off:")


def render_sources(assistant: Assistant, answer: Answer, key: str) -> None:
    """Each cited passage in an expander, with a switch to see it in its document."""
    citations = shown_citations(answer)
    if citations:
        st.caption("Sources")
    for citation in citations:
        with st.expander(citation_label(citation)):
            render_source(assistant, citation, f"{key}-{citation.n}")


def render_source(assistant: Assistant, citation: Citation, key: str) -> None:
    render_citation_body(citation)
    if st.toggle("View in document", key=f"doc-{key}"):
        show_in_document(assistant, citation.passage)


def render_answer(
    assistant: Assistant, user: SignedIn, exchange: Exchange, key: str, stream: bool = False
) -> None:
    """The whole assistant message for one exchange."""
    answer = exchange.answer
    render_notices(answer)
    markdown = answer_markdown(answer)
    if stream:
        st.write_stream(_streamed(markdown))
    else:
        st.markdown(markdown)
    render_sources(assistant, answer, key)
    render_feedback(assistant, user, exchange, key)
    render_decision_record(user, exchange, key)


def render_feedback(assistant: Assistant, user: SignedIn, exchange: Exchange, key: str) -> None:
    """Thumbs up or down, stored at once; then an optional reason stored with it."""
    if exchange.log_id is None:
        return
    st.feedback(
        "thumbs", key=f"feedback-{key}", on_change=_rate,
        args=(assistant, user, exchange, f"feedback-{key}"),
    )  # fmt: skip
    if not exchange.rating or exchange.reason_sent:
        if exchange.reason_sent:
            st.caption("Thank you: your feedback was recorded.")
        return
    prompt = "What was wrong or missing?" if exchange.rating == "down" else "Anything to add?"
    with st.form(f"reason-{key}", border=False):
        reason = st.text_input(f"{prompt} (optional)", key=f"reason-text-{key}")
        if st.form_submit_button("Send"):
            exchange.reason_sent = record_feedback(
                assistant, user, exchange, exchange.rating, reason.strip()
            )
            if not exchange.reason_sent:
                st.error("Your comment could not be saved; please tell your line manager.")
                return
            st.rerun()  # swap the form for the thank-you


def _rate(assistant: Assistant, user: SignedIn, exchange: Exchange, widget_key: str) -> None:
    value = st.session_state.get(widget_key)
    if value is None:
        return
    if not record_feedback(assistant, user, exchange, THUMBS[value]):
        st.toast("Your rating could not be saved.", icon=":material/error:")
