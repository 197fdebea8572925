"""One chat conversation in session state: questions asked, answers given, feedback on them."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import streamlit as st

from assistant.service import Asker, Assistant
from core.answer import Answer, Turn
from ui.auth import SignedIn

log = logging.getLogger(__name__)

STATE_KEY = "conversation"


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


def current() -> Conversation:
    found = st.session_state.get(STATE_KEY)
    if not isinstance(found, Conversation):
        found = st.session_state[STATE_KEY] = Conversation()
    return found


def start_new() -> None:
    st.session_state[STATE_KEY] = Conversation()


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
