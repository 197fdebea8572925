"""One chat conversation in session state: questions asked, answers given, feedback on them.

The conversation is also kept in server memory under the sign-in session's id, so a reload or a
bookmark (a new browser session, signed in again from its cookie) finds it; it is not written to
disk (the answer log keeps the redacted record) and goes with the server or the session.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

import streamlit as st

from assistant.service import Asker, Assistant
from core.answer import Answer, Turn
from ui.auth import SignedIn

log = logging.getLogger(__name__)

STATE_KEY = "conversation"
# Conversations kept for reloads: one per signed-in session, the least recently used dropped
# first. A shift's conversations on one server are far fewer; this only caps memory.
KEPT_SESSIONS = 1000


@dataclass
class Exchange:
    """A question as typed, the answer to it, its id in the governance log and any feedback."""

    question: str
    answer: Answer
    log_id: int | None
    rating: str = ""
    reason_sent: bool = False


@dataclass
class Conversation:
    """The exchanges since the last "New conversation"; its id is the log's session id."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    exchanges: list[Exchange] = field(default_factory=list)

    def history(self) -> list[Turn]:
        return [Turn(e.question, e.answer.text) for e in self.exchanges]


class KeptConversations:
    """The latest conversation of each sign-in session, in this server process's memory."""

    def __init__(self, limit: int = KEPT_SESSIONS) -> None:
        self.limit = limit
        self._by_session: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session_id: str) -> Conversation | None:
        with self._lock:
            found = self._by_session.get(session_id)
            if found is not None:
                self._by_session.move_to_end(session_id)
            return found

    def keep(self, session_id: str, chat: Conversation) -> None:
        with self._lock:
            self._by_session[session_id] = chat
            self._by_session.move_to_end(session_id)
            while len(self._by_session) > self.limit:
                self._by_session.popitem(last=False)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._by_session.pop(session_id, None)


@st.cache_resource(show_spinner=False)
def kept() -> KeptConversations:
    return KeptConversations()


def current(user: SignedIn) -> Conversation:
    """This tab's conversation; after a reload, the one kept for the user's session."""
    found = st.session_state.get(STATE_KEY)
    if not isinstance(found, Conversation):
        found = kept().get(user.session_id) or Conversation()
        st.session_state[STATE_KEY] = found
    kept().keep(user.session_id, found)
    return found


def start_new(user: SignedIn) -> None:
    chat = st.session_state[STATE_KEY] = Conversation()
    kept().keep(user.session_id, chat)


def ask(assistant: Assistant, user: SignedIn, conversation: Conversation, question: str) -> Exchange:
    """Answer `question` in context, log it, and add the exchange to the conversation."""
    asker = Asker(user_id=user.name, role=user.role, session_id=conversation.id)
    history = conversation.history()
    answer = assistant.ask(question, history, asker)
    exchange = Exchange(question, answer, answer.log_id)
    conversation.exchanges.append(exchange)
    return exchange



def record_feedback(
    assistant: Assistant, user: SignedIn, exchange: Exchange, rating: str, reason: str = ""
) -> bool:
    """Store a thumbs up/down (and reason) against the logged answer; False if it could not be."""
    recorder = assistant.recorder
    if exchange.log_id is None or recorder is None:
        return False
    try:
        recorder.add_feedback(exchange.log_id, user_id=user.name, rating=rating, reason=reason)
    except Exception:  # feedback must never break the chat; the log's own errors say why
        log.exception("could not store feedback on answer %s", exchange.log_id)
        return False
    exchange.rating = rating
    return True
