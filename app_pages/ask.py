"""Ask: a chat about whether and how to share, answered with citations from the documents."""

from __future__ import annotations

import streamlit as st

from core.errors import ShareCheckError
from ui import conversation, services
from ui.answer_view import render_answer
from ui.auth import SignedIn, require_page
from ui.citations import escape_markdown

# Common situations, phrased the way crews ask them; a tap asks the question.
STARTERS = (
    "Can I refer someone to Adult Social Care if they have said no?",
    "The police rang the station asking about a resident. Can I tell them?",
    "Can I send photos of a hoarded house to the council?",
    "A neighbour asked if the person we visited is OK. What can I say?",
)
PENDING_KEY = "pending_question"


def _choose(question: str) -> None:
    st.session_state[PENDING_KEY] = question


def starter_buttons() -> None:
    st.caption("Not sure where to start? Try one of these:")
    for i, question in enumerate(STARTERS):
        st.button(question, key=f"starter-{i}", on_click=_choose, args=(question,), width="stretch")


def header(chat: conversation.Conversation) -> None:
    st.title("Can I share this?")
    if chat.exchanges:
        st.button(
            "New conversation", icon=":material/add_comment:", on_click=conversation.start_new
        )
    else:
        st.caption(
            "Ask about sharing someone's information. Answers quote the Charter and the "
            "agreements, with numbered sources you can open. Leave out names and addresses."
        )


def answer_new(user: SignedIn, chat: conversation.Conversation, question: str) -> None:
    assistant = services.assistant()
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        try:
            with st.spinner("Searching the documents…"):
                exchange = conversation.ask(assistant, user, chat, question)
        except ShareCheckError as error:
            st.error(str(error))
            return
        render_answer(assistant, user, exchange, f"{chat.id}-{len(chat.exchanges) - 1}", stream=True)


def main() -> None:
    user = require_page("ask")
    chat = conversation.current()
    header(chat)
    asked = st.chat_input("Ask about sharing information…", max_chars=2000)
    question = asked or st.session_state.pop(PENDING_KEY, None)
    if not chat.exchanges and not question:
        starter_buttons()
    assistant = services.assistant()
    for i, exchange in enumerate(chat.exchanges):
        with st.chat_message("user"):
            st.markdown(escape_markdown(exchange.question))
        with st.chat_message("assistant"):
            render_answer(assistant, user, exchange, f"{chat.id}-{i}")
    if question:
        answer_new(user, chat, question)


if __name__ == "__main__":
    main()
