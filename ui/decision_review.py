"""Decision records on the Review page: counts per week by verdict, recipient or lawful basis, the
records as kept (personal details removed), and their export."""

from __future__ import annotations

import io
from datetime import date
from typing import Protocol

import pandas as pd
import streamlit as st

from core.settings import Settings
from records.counts import COUNT_BY_NAMES, CountBy, shown_value, totals, weekly_counts
from records.export import export_decision_records
from records.model import CONSENT_NAMES, DECISION_NAMES, VERDICT_NAMES
from records.store import DecisionBook, StoredRecord

# What governance counts by on the page; the export carries every field.
SHOWN_COUNTS: tuple[CountBy, ...] = ("verdict", "recipient", "lawful_basis")


class DateRange(Protocol):
    """The Review page's filters: only their dates apply to decision records."""

    start: date | None
    end: date | None


@st.cache_resource(show_spinner=False)
def _book(url: str, _settings: Settings) -> DecisionBook:
    from ui import services

    # Reading never redacts, so the redactor's layers are never started here.
    return DecisionBook.open(_settings, services.redactor(_settings))


def decision_book(settings: Settings) -> DecisionBook:
    """The kept decision records, opened without the model (as the Review page's log is)."""
    return _book(settings.log_database_url, settings)


def render_decision_review(settings: Settings, filters: DateRange) -> None:
    """The decision records section: figures, weekly counts, the records and their export."""
    st.subheader("Decision records")
    st.caption("Records staff made of their sharing decisions, as ShareCheck keeps them: "
               "personal details removed, each linked to the answer it was made from.")  # fmt: skip
    stored = decision_book(settings).records(filters.start, filters.end)
    if not stored:
        st.info("No decision records in this period.")
        return
    figures(stored)
    by = st.radio("Count by", SHOWN_COUNTS, format_func=COUNT_BY_NAMES.__getitem__,
                  horizontal=True, key="records-count-by")  # fmt: skip
    weekly = counts_table(stored, by)
    st.markdown(f"**Decision records per week, by {COUNT_BY_NAMES[by].lower()}**")
    st.bar_chart(weekly)
    st.dataframe(weekly, key="records-counts")
    records_table(stored)


def figures(stored: list[StoredRecord]) -> None:
    count, shared, not_shared = st.columns(3)
    decisions = dict(totals(stored, "decision"))
    count.metric("Decision records", len(stored))
    shared.metric("Shared", decisions.get(DECISION_NAMES["shared"], 0))
    not_shared.metric("Not shared", decisions.get(DECISION_NAMES["not_shared"], 0))


def counts_table(stored: list[StoredRecord], by: CountBy) -> pd.DataFrame:
    """Weeks down, values across, how many records in each cell."""
    rows = [{"week": c.week, "value": c.value, "records": c.records} for c in weekly_counts(stored, by)]
    table = pd.DataFrame(rows).pivot_table(
        index="week", columns="value", values="records", fill_value=0, aggfunc="sum"
    )
    table.columns.name = None
    return table.astype(int)


def records_table(stored: list[StoredRecord]) -> None:
    st.markdown("**The records**")
    st.dataframe(
        [{"Record": s.id, "Answer": s.record.answer_id, "Decided": f"{s.record.decided_at:%Y-%m-%d %H:%M}",
          "Verdict": VERDICT_NAMES[s.record.verdict], "Decision": DECISION_NAMES[s.record.decision],
          "Recipient": s.record.recipient, "Lawful basis": shown_value(s, "lawful_basis"),
          "Consent": CONSENT_NAMES[s.record.consent], "Question": s.record.question}
         for s in reversed(stored)],
        hide_index=True, width="stretch", key="records-table",
    )  # fmt: skip
    out = io.StringIO()
    export_decision_records(stored, "csv", out)
    st.download_button(
        "Download these decision records (CSV)", out.getvalue(),
        file_name=f"sharecheck-decision-records-{date.today():%Y-%m-%d}.csv", mime="text/csv",
        icon=":material/download:", key="export-records",
    )  # fmt: skip
