"""What the Review page reads: the answer log (opened once per process), queue order, impact."""

from __future__ import annotations

import io
from contextlib import closing
from dataclasses import dataclass

import streamlit as st

from core.registry import DocumentRecord, Registry
from core.settings import Settings
from governance.log import AnswerLog, LoggedAnswer


@st.cache_resource(show_spinner=False)
def _answer_log(url: str, _settings: Settings) -> AnswerLog:
    from governance.redact import Redactor

    # Review notes are free text typed by people: redacted like every other stored field.
    return AnswerLog.open(_settings, redactor=Redactor.from_settings(_settings))


def answer_log(settings: Settings) -> AnswerLog:
    """The governance log for these settings, shared by every session (its engine is pooled).

    Opened on its own rather than through the Assistant, so reviewing never loads the model.
    """
    return _answer_log(settings.log_database_url, settings)


def documents(settings: Settings) -> list[DocumentRecord]:
    """The documents in the registry, read on a connection of this script thread's own."""
    with closing(Registry(settings.registry_path)) as registry:
        return registry.documents()


def previous_hashes(settings: Settings, sources: list[str]) -> dict[str, list[str]]:
    """Each source's earlier document hashes, oldest first; sources never replaced are left out."""
    with closing(Registry(settings.registry_path)) as registry:
        found = {source: registry.previous_hashes(source) for source in sources}
    return {source: hashes for source, hashes in found.items() if hashes}


def queue_first(rows: list[LoggedAnswer]) -> list[LoggedAnswer]:
    """Unreviewed before reviewed; within each, thumbs-down, then abstentions, then newest."""
    return sorted(
        rows, key=lambda r: (r.review is not None, r.rating != "down", not r.abstained, -r.id)
    )


@dataclass(frozen=True)
class Impact:
    """Logged answers that cited a document at a version since replaced."""

    document: DocumentRecord
    old_hash: str
    answers: list[LoggedAnswer]


def impacts(log: AnswerLog, settings: Settings) -> list[Impact]:
    """For every replaced document version that answers cited, those answers."""
    docs = {d.source: d for d in documents(settings)}
    found = []
    for source, hashes in previous_hashes(settings, list(docs)).items():
        for old_hash in hashes:
            answers = log.impacted_by(source, old_hash)
            if answers:
                found.append(Impact(docs[source], old_hash, answers))
    return found


def csv_text(log: AnswerLog, rows: list[LoggedAnswer]) -> str:
    """The rows as the log's CSV export."""
    out = io.StringIO()
    log.export(rows, "csv", out)
    return out.getvalue()
