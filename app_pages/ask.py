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
# The page scrolls in Streamlit's main container; the header bar covers its top 3.75rem.
SCROLL_TO_LAST_ANSWER = """
const toLastAnswer = () => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  const answer = messages[messages.length - 1];
  if (!answer) return;
  answer.style.scrollMarginTop = "4rem";
  answer.scrollIntoView({block: "start"});
};
// Again after Streamlit has laid out the rest of the run (sources, feedback).
[0, 300, 1000].forEach((ms) => setTimeout(toLastAnswer, ms));
"""
# A situation described in full fits easily (the longest gold question is 280 characters); a
# paste past this is usually a whole e-mail or case note, which should not be sent to be logged.
MAX_QUESTION_CHARS = 2000
TOO_LONG_KEY = "too_long_question"
TOO_LONG_TEXT_KEY = "too_long_text"
SHORTEN_SENT_KEY = "too_long_ask"
BLANK = "Type a question first: there is nothing to answer in a blank one."
# Short enough for one line at phone width (390 px), so the box stays one line high.
PLACEHOLDER = f"Your question, up to {MAX_QUESTION_CHARS:,} characters"


def _choose(question: str) -> None:
    st.session_state[PENDING_KEY] = question


def starter_buttons() -> None:
    st.caption("Not sure where to start? Try one of these:")
    for i, question in enumerate(STARTERS):
        st.button(question, key=f"starter-{i}", on_click=_choose, args=(question,), width="stretch")


def too_long(length: int) -> str:
    return (
        f"Questions can be at most {MAX_QUESTION_CHARS:,} characters; yours has {length:,}. "
        "It is kept below: shorten it (leave out names and addresses) and ask again."
    )


def checked(question: str | None) -> str | None:
    """The question to answer, or None with the reason shown: blank ones are refused, and one
    over the limit is kept in an editable box instead of being lost."""
    if question is None:
        return None
    if not question.strip():
        st.error(BLANK, icon=":material/edit_note:")
        return None
    if len(question) > MAX_QUESTION_CHARS:
        st.session_state[TOO_LONG_KEY] = question
        st.session_state[TOO_LONG_TEXT_KEY] = question
        return None
    return question.strip()


def shorten_form() -> str | None:
    """The kept over-long question, to shorten and ask; the shortened question once sent."""
    if not isinstance(st.session_state.get(TOO_LONG_KEY), str):
        return None
    edited = str(st.session_state.get(TOO_LONG_TEXT_KEY, ""))
    if st.session_state.get(SHORTEN_SENT_KEY) and 0 < len(edited.strip()) <= MAX_QUESTION_CHARS:
        del st.session_state[TOO_LONG_KEY]
        return edited.strip()
    st.error(too_long(len(edited)) if edited.strip() else BLANK, icon=":material/content_cut:")
    with st.form("shorten", border=False):
        st.text_area("Your question", key=TOO_LONG_TEXT_KEY, height=200)
        st.form_submit_button("Ask", type="primary", key=SHORTEN_SENT_KEY)
    return None


def header(user: SignedIn, chat: conversation.Conversation) -> None:
    st.title("Can I share this?")
    if chat.exchanges:
        st.button(
            "New conversation", icon=":material/add_comment:", on_click=conversation.start_new,
            args=(user,),
        )  # fmt: skip
    else:
        st.caption(
            "Ask about sharing someone's information. Answers quote the Charter and the "
            "agreements, with numbered sources you can open. Leave out names and addresses; "
            f"up to {MAX_QUESTION_CHARS:,} characters."
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
    scroll_to_new_answer()


def scroll_to_new_answer() -> None:
    """Bring the new answer's top (its verdict and bottom line) into view: a phone would
    otherwise be left at the end of it, below the sources."""
    st.html(f"<script>{SCROLL_TO_LAST_ANSWER}</script>", unsafe_allow_javascript=True)


def main() -> None:
    user = require_page("ask")
    chat = conversation.current(user)
    header(user, chat)
    # The assistant first: what stops it from starting is said before a question can be typed.
    assistant = services.assistant()
    # No max_chars: the box would cut a long paste off silently; the length is checked below.
    asked = st.chat_input(PLACEHOLDER)
    question = asked if asked is not None else st.session_state.pop(PENDING_KEY, None)
    if not chat.exchanges and not question and TOO_LONG_KEY not in st.session_state:
        starter_buttons()
    for i, exchange in enumerate(chat.exchanges):
        with st.chat_message("user"):
            st.markdown(escape_markdown(exchange.question))
        with st.chat_message("assistant"):
            render_answer(assistant, user, exchange, f"{chat.id}-{i}")
    question = checked(question)
    if question:
        st.session_state.pop(TOO_LONG_KEY, None)  # a new question replaces the one kept
    question = shorten_form() or question
    if question:
        answer_new(user, chat, question)


if __name__ == "__main__":
    main()
