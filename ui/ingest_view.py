"""Ingest from the app: one writer at a time, a progress bar while it reads, a summary after."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.service import Assistant
from core.errors import ShareCheckError, StoreLocked
from ingest.lock import ingest_lock
from ingest.pipeline import FileOutcome, Ingester, IngestReport, Status
from ui import services


def ingest_with_progress(
    assistant: Assistant, roots: list[Path], summary: bool = True
) -> IngestReport | None:
    """Bring the store in line with `roots`, showing progress; None if it could not run."""
    parts = services.current()
    settings = parts.settings
    bar = st.progress(0.0, text="Starting…")

    def tick(done: int, total: int, source: str) -> None:
        fraction = done / total if total else 1.0
        label = f"Reading {source} ({done + 1} of {total})" if source else "Indexing…"
        bar.progress(min(fraction, 1.0), text=label)

    try:
        with ingest_lock(settings):
            ingester = Ingester(settings, parts.embedder, store=parts.store)
            try:
                report = ingester.run(roots, progress=tick)
            finally:
                ingester.close()
    except StoreLocked as error:
        bar.empty()
        st.warning(f"Documents are being updated elsewhere: {error}")
        return None
    except ShareCheckError as error:
        bar.empty()
        st.error(f"The documents could not be read: {error}")
        return None
    parts.reload()
    bar.progress(1.0, text=f"Done in {report.seconds:.0f} s")
    if summary:
        show_report(report)
    return report


def show_report(report: IngestReport) -> None:
    """What changed; which files were not read and why; what is wrong in a manifest."""
    statuses: tuple[Status, ...] = (
        "added", "updated", "unchanged", "superseded", "removed", "skipped", "failed",
    )  # fmt: skip
    counts = {s: report.count(s) for s in statuses}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    st.caption(f"{summary or 'nothing to do'}; {report.passages_written} passages written.")
    _listed(f"{len(report.failed)} file(s) not ingested", report.failed)
    _listed(f"{len(report.superseded)} earlier version(s) not read", report.superseded)
    _listed(f"{len(report.skipped)} file(s) skipped", report.skipped)
    if report.problems:
        with st.expander(f"{len(report.problems)} manifest problem(s)"):
            for problem in report.problems:
                st.markdown(f"- {problem}")


def _listed(title: str, outcomes: list[FileOutcome]) -> None:
    if outcomes:
        with st.expander(title):
            for outcome in outcomes:
                st.markdown(f"- `{outcome.source}`: {outcome.reason}")


def ensure_corpus(assistant: Assistant, corpus: Path) -> bool:
    """On a first start (empty store) ingest `corpus`; True when there are passages to search."""
    if assistant.passage_count() > 0:
        return True
    st.info(
        "First start: reading the documents ShareCheck answers from. "
        "This takes a minute and only happens once."
    )
    ingest_with_progress(assistant, [corpus])
    return assistant.passage_count() > 0
