""""Record this decision": a short form prefilled from an answer, then the record to download.

The full record lives only in this browser session and the files downloaded from it; what
ShareCheck keeps (records.store) has personal details removed.
"""

from __future__ import annotations

import logging
from datetime import datetime

import streamlit as st

from core.answer import Answer
from core.errors import ShareCheckError
from core.passage import Passage
from records.model import (
    CONSENT_NAMES,
    CONSENTS,
    DECISION_NAMES,
    DECISIONS,
    LAWFUL_BASES,
    LAWFUL_BASIS_NAMES,
    SHARING_VERDICTS,
    VERDICT_NAMES,
    ClauseCited,
    DecisionRecord,
    RecordError,
)
from records.prefill import RECIPIENTS, Draft, documents_question, guess_recipient, prefill
from records.render import file_stem, to_docx, to_pdf, to_text
from records.store import StoredRecord
from ui import services
from ui.auth import SignedIn
from ui.conversation import Exchange

log = logging.getLogger(__name__)

KEPT_NOTICE = (
    "Download the record and attach it to the case system. ShareCheck kept only a copy with "
    "personal details removed{which}."
)


def _made_key(key: str) -> str:
    return f"record-made-{key}"


def render_decision_record(user: SignedIn, exchange: Exchange, key: str) -> None:
    """Under an answer that decides about sharing: a switch opening the record form, then the
    record to download."""
    answer = exchange.answer
    if answer.abstained or answer.verdict not in SHARING_VERDICTS:
        return
    if not st.toggle("Record this decision", key=f"record-{key}", help=(
        "A record of what you decided, why, with whom and how, for the case system's notes."
    )):  # fmt: skip
        return
    made = st.session_state.get(_made_key(key))
    if isinstance(made, DecisionRecord):
        show_record(made, key)
    else:
        record_form(user, exchange, key)


def _draft(user: SignedIn, exchange: Exchange, key: str) -> DecisionRecord:
    """The draft, made once per form: widget defaults that changed between reruns (the time)
    would make Streamlit treat them as new widgets and drop what was typed."""
    drafts: dict[str, Draft] = st.session_state.setdefault("record-drafts", {})
    if key not in drafts:
        more = documents_on(exchange)
        drafts[key] = prefill(exchange.answer, exchange.question, user.name, datetime.now(), more)
    return drafts[key].record


def documents_on(exchange: Exchange) -> list[Passage]:
    """The documents' passages on the lawful basis and the secure route for this recipient, for
    what the answer itself does not say; none when the search cannot run."""
    recipient = guess_recipient(exchange.question, exchange.answer)
    try:
        assistant = services.assistant()
        return [hit.passage for q in documents_question(recipient) for hit in assistant.retrieve(q)]
    except ShareCheckError as error:
        log.warning("drafting a record without the documents' basis and route: %s", error)
        return []


def _clause_options(answer: Answer, draft: DecisionRecord) -> list[ClauseCited]:
    every = [ClauseCited(c.passage.source, c.passage.title, c.passage.clause,
                         c.passage.doc_version, c.passage.page_shown) for c in answer.citations]  # fmt: skip
    return list(dict.fromkeys([*draft.clauses, *every]))


def record_form(user: SignedIn, exchange: Exchange, key: str) -> None:
    """The form, each field drafted from the answer; submitting makes the record."""
    draft = _draft(user, exchange, key)
    clauses = _clause_options(exchange.answer, draft)
    recipients = list(dict.fromkeys([draft.recipient, *RECIPIENTS]))
    error = st.session_state.get(f"record-error-{key}")
    if error:
        st.error(error)
    with st.form(f"record-form-{key}"):
        st.caption(f"ShareCheck's answer: **{VERDICT_NAMES[draft.verdict]}**. Check every field: "
                   "these are drafted from the answer and your question.")  # fmt: skip
        st.text_area("Question, in brief", draft.question, key=f"rec-question-{key}", height=68)
        st.radio("Decision", DECISIONS, DECISIONS.index(draft.decision),
                 format_func=DECISION_NAMES.__getitem__, horizontal=True, key=f"rec-decision-{key}")  # fmt: skip
        st.selectbox("Lawful basis", LAWFUL_BASES, LAWFUL_BASES.index(draft.lawful_basis),
                     format_func=LAWFUL_BASIS_NAMES.__getitem__, key=f"rec-basis-{key}")  # fmt: skip
        st.text_input("Other conditions or powers", draft.legal_gateway, key=f"rec-gateway-{key}",
                      help="e.g. Article 9(2)(g) UK GDPR for health information")  # fmt: skip
        st.multiselect("Clauses relied on", clauses, default=list(draft.clauses),
                       format_func=ClauseCited.label, key=f"rec-clauses-{key}")  # fmt: skip
        st.selectbox("Recipient organisation", recipients, 0, accept_new_options=True,
                     key=f"rec-recipient-{key}", help="Pick one, or type the organisation and team.")  # fmt: skip
        st.radio("Consent", CONSENTS, CONSENTS.index(draft.consent),
                 format_func=CONSENT_NAMES.__getitem__, horizontal=True, key=f"rec-consent-{key}")  # fmt: skip
        st.text_input("Consent: why", key=f"rec-consent-why-{key}",
                      placeholder="e.g. refused; risk of serious harm outweighs it")  # fmt: skip
        st.text_area("What was shared", key=f"rec-shared-{key}", height=68,
                     placeholder="Only what the recipient needs")  # fmt: skip
        st.text_input("How it was sent", draft.sent_by, key=f"rec-sent-{key}")
        when, at = st.columns(2)
        when.date_input("Date", draft.decided_at.date(), format="DD/MM/YYYY", key=f"rec-date-{key}")
        at.time_input("Time", draft.decided_at.time(), key=f"rec-time-{key}")
        st.text_input("Decided by", draft.decided_by, key=f"rec-by-{key}")
        st.text_input("Manager consulted", key=f"rec-manager-{key}", placeholder="Name and role")
        st.form_submit_button("Make the record", type="primary", on_click=_make,
                              args=(user, exchange, key))  # fmt: skip


def _from_form(exchange: Exchange, key: str) -> DecisionRecord:
    state = st.session_state
    answer = exchange.answer
    return DecisionRecord(
        question=state[f"rec-question-{key}"].strip(), verdict=answer.verdict,
        decision=state[f"rec-decision-{key}"], lawful_basis=state[f"rec-basis-{key}"],
        clauses=tuple(state[f"rec-clauses-{key}"]),
        recipient=(state[f"rec-recipient-{key}"] or "").strip(),
        consent=state[f"rec-consent-{key}"],
        decided_at=datetime.combine(state[f"rec-date-{key}"], state[f"rec-time-{key}"]),
        decided_by=state[f"rec-by-{key}"].strip(),
        legal_gateway=state[f"rec-gateway-{key}"].strip(),
        consent_reason=state[f"rec-consent-why-{key}"].strip(),
        shared_what=state[f"rec-shared-{key}"].strip(), sent_by=state[f"rec-sent-{key}"].strip(),
        manager_consulted=state[f"rec-manager-{key}"].strip(),
        bottom_line=answer.bottom_line, answer_id=exchange.log_id,
    )  # fmt: skip


def _make(user: SignedIn, exchange: Exchange, key: str) -> None:
    try:
        record = _from_form(exchange, key)
    except RecordError as error:
        st.session_state[f"record-error-{key}"] = str(error)
        return
    st.session_state.pop(f"record-error-{key}", None)
    st.session_state[f"record-kept-{key}"] = keep(record, user)
    st.session_state[_made_key(key)] = record


def keep(record: DecisionRecord, user: SignedIn) -> StoredRecord | None:
    """Keep the redacted copy, linked to the logged answer; None when there is no log to keep
    it in (the record is still the person's to download)."""
    book = services.current().decisions
    if book is None or record.answer_id is None:
        return None
    try:
        return book.keep(record, user.name)
    except Exception:  # the person's own record must never be lost to a storage error
        log.exception("could not keep the redacted copy of a decision record")
        return None


def show_record(record: DecisionRecord, key: str) -> None:
    """The record made: PDF and DOCX to download, the text to copy, and a way to start again."""
    kept = st.session_state.get(f"record-kept-{key}")
    which = f" (decision record #{kept.id}, linked to answer #{record.answer_id})" if kept else ""
    if kept is None:
        st.warning("ShareCheck could not keep its copy of this record; download yours now.")
    st.success(KEPT_NOTICE.format(which=which), icon=":material/task:")
    stem = file_stem(record)
    pdf, docx = st.columns(2)
    pdf.download_button("Download PDF", to_pdf(record), file_name=f"{stem}.pdf",
                        mime="application/pdf", icon=":material/download:", on_click="ignore",
                        key=f"record-pdf-{key}")  # fmt: skip
    docx.download_button(
        "Download Word (DOCX)", to_docx(record), file_name=f"{stem}.docx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon=":material/download:", key=f"record-docx-{key}",
    )  # fmt: skip
    st.caption("As text, to paste into the case notes:")
    st.code(to_text(record), language=None, wrap_lines=True)
    st.button("Make another record", key=f"record-again-{key}", on_click=_start_again, args=(key,))


def _start_again(key: str) -> None:
    st.session_state.pop(_made_key(key), None)
    st.session_state.pop(f"record-kept-{key}", None)
