"""What the Review page reads: the answer log and verified answers (opened once per process),
queue order, impact, publishing."""

from __future__ import annotations

import io
import re
from contextlib import closing
from dataclasses import dataclass

import streamlit as st

from core.answer import MARKER, Verdict, marker
from core.registry import DocumentRecord, Registry, VersionRecord
from core.settings import Settings
from governance.export import export_verified
from governance.log import AnswerLog, CitedPassage, LoggedAnswer
from governance.verified import (
    VerifiedAnswer,
    VerifiedBank,
    VerifiedCitation,
    VerifiedError,
    withheld_reasons,
)


@st.cache_resource(show_spinner=False)
def _answer_log(url: str, _settings: Settings) -> AnswerLog:
    from ui import services

    # Review notes are free text typed by people: redacted like every other stored field.
    return AnswerLog.open(_settings, redactor=services.redactor(_settings))


def answer_log(settings: Settings) -> AnswerLog:
    """The governance log for these settings, shared by every session (its engine is pooled).

    Opened on its own rather than through the Assistant, so reviewing never loads the model.
    """
    return _answer_log(settings.log_database_url, settings)


def documents(settings: Settings) -> list[DocumentRecord]:
    """The documents in the registry, read on a connection of this script thread's own."""
    with closing(Registry.open(settings)) as registry:
        return registry.documents()


def queue_first(rows: list[LoggedAnswer]) -> list[LoggedAnswer]:
    """Unreviewed before reviewed; within each, thumbs-down, then abstentions, then newest."""
    return sorted(
        rows, key=lambda r: (r.review is not None, r.rating != "down", not r.abstained, -r.id)
    )


@dataclass(frozen=True)
class Impact:
    """Logged answers that cited a document at a version since replaced."""

    document: DocumentRecord  # the document as it is now
    earlier: VersionRecord  # the version the answers cited
    answers: list[LoggedAnswer]


def impacts(log: AnswerLog, settings: Settings) -> list[Impact]:
    """For every replaced version of a stored document that answers cited, those answers: each
    version once, never the current one (core/registry.Registry.replaced_versions)."""
    with closing(Registry.open(settings)) as registry:
        docs = registry.documents()
        earlier = {d.doc_id: registry.replaced_versions(d.doc_id) for d in docs}
    found = []
    for doc in docs:
        for version in earlier[doc.doc_id]:
            answers = log.impacted_by(version.source, version.doc_hash)
            if answers:
                found.append(Impact(doc, version, answers))
    return found


def csv_text(log: AnswerLog, rows: list[LoggedAnswer]) -> str:
    """The rows as the log's CSV export."""
    out = io.StringIO()
    log.export(rows, "csv", out)
    return out.getvalue()


# --- verified answers -------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _verified_bank(url: str, _settings: Settings) -> VerifiedBank:
    return VerifiedBank.open(_settings)


def verified_bank(settings: Settings) -> VerifiedBank:
    """The verified answers in the log database for these settings, shared by every session."""
    return _verified_bank(settings.log_database_url, settings)


def stored_state(settings: Settings) -> tuple[dict[str, str], set[str]]:
    """Each stored document's current hash, and every passage id the registry holds."""
    with closing(Registry.open(settings)) as registry:
        hashes = {d.source: d.doc_hash for d in registry.documents()}
        return hashes, registry.referenced_ids()


@dataclass(frozen=True)
class Withheld:
    """A verified answer not served, and why (a cited document changed or went)."""

    answer: VerifiedAnswer
    reasons: list[str]
    reapprovable: bool  # every cited document and passage is still stored


def withheld(bank: VerifiedBank, settings: Settings) -> list[Withheld]:
    """Verified answers withheld until re-approved, newest first."""
    hashes, passage_ids = stored_state(settings)
    found = []
    for answer in bank.standing():
        reasons = withheld_reasons(answer, hashes, passage_ids)
        if reasons:
            gone = any(c.source not in hashes or c.passage_id not in passage_ids for c in answer.citations)
            found.append(Withheld(answer, reasons, reapprovable=not gone and answer.sealed))
    return found


# How the bottom line of a logged answer opens, for each verdict (assistant.extractive's leads).
_LEADS: tuple[tuple[str, Verdict], ...] = (
    ("yes, if", "yes_if"), ("yes", "yes"), ("not without", "not_without"),
    ("not covered", "not_covered"), ("no", "no"), ("it depends", "depends"),
    ("call 999", "act_now"), ("if someone is in immediate danger", "act_now"),
)  # fmt: skip


def drafted_bottom_line(answer_text: str) -> str:
    """The logged answer's bottom line (its first paragraph), for the reviewer to correct."""
    first = answer_text.strip().split("\n\n", 1)[0]
    return " ".join(first.replace("**", "").split())


def guessed_verdict(bottom_line: str) -> Verdict:
    lowered = bottom_line.lower()
    return next((v for lead, v in _LEADS if lowered.startswith(lead)), "info")


def renumbered(
    bottom_line: str, kept: list[CitedPassage]
) -> tuple[str, list[VerifiedCitation]]:
    """The kept citations numbered 1..k, and the bottom line's [n] markers moved to match;
    VerifiedError when the bottom line cites a passage left out."""
    numbers = {c.n: new for new, c in enumerate(kept, start=1)}

    def moved(found: re.Match[str]) -> str:
        old = int(found.group(1))
        if old not in numbers:
            raise VerifiedError(f"the bottom line cites {marker(old)}, which you left out of the sources")
        return marker(numbers[old])

    citations = [
        VerifiedCitation(numbers[c.n], c.source, c.title, c.clause, c.passage_id, c.doc_hash, c.page_label)
        for c in kept
    ]  # fmt: skip
    return MARKER.sub(moved, bottom_line), citations


def publish(
    bank: VerifiedBank,
    log: AnswerLog,
    row: LoggedAnswer,
    *,
    verdict: Verdict,
    bottom_line: str,
    kept: list[CitedPassage],
    reviewer: str,
) -> VerifiedAnswer:
    """Publish a corrected logged answer as a verified answer, and record that as a review of
    the logged answer in the hash chain (correct when nothing was changed)."""
    from governance.verified_lookup import question_vector
    from ui import services

    text, citations = renumbered(bottom_line, kept)
    embedder = services.embedder()
    published = bank.publish(
        question=row.question, vector=question_vector(embedder, row.question),
        embedder=embedder.name, verdict=verdict, bottom_line=text, citations=citations,
        reviewer_id=reviewer, answer_id=row.id,
    )  # fmt: skip
    unchanged = " ".join(bottom_line.split()) == drafted_bottom_line(row.answer_text)
    log.add_review(
        row.id, reviewer_id=reviewer, verdict="correct" if unchanged else "incorrect",
        note=f"Published as verified answer {published.label()}: {published.verdict}. "
        f"{published.bottom_line}",
        expected_clause=", ".join(c.clause for c in citations if c.clause),
    )  # fmt: skip
    return published


def verified_csv(bank: VerifiedBank) -> str:
    """Every version of every verified answer, as the export's CSV."""
    out = io.StringIO()
    export_verified(bank.versions(), "csv", out)
    return out.getvalue()
