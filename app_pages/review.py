"""Review (governance and admin): check logged answers, record verdicts, publish verified answers,
watch trends and impact."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Literal

import pandas as pd
import streamlit as st

from accounts.users import ROLES
from core.answer import VERDICTS, Mode, marker
from core.settings import Settings
from governance.log import (
    AnswerFilters,
    AnswerLog,
    LogError,
    LoggedAnswer,
    LogStats,
    review_eval_path,
)
from governance.verified import VerifiedBank, VerifiedError
from ui import review, services
from ui.auth import require_page
from ui.citations import escape_markdown, inline_code
from ui.decision_review import render_decision_review

# Expanders drawn at once: enough for a review sitting, few enough to keep the page quick.
SHOWN = 50
MODES: tuple[Mode, ...] = ("extractive", "llm")
VERDICT_LABELS = {
    "correct": "Correct",
    "incorrect": "Incorrect",
    "needs_follow_up": "Needs follow-up",
}
FEEDBACK_LABELS = {"up": "Thumbs up", "down": "Thumbs down", "none": "No feedback"}
YES_NO = (None, True, False)
FeedbackFilter = Literal["up", "down", "none"]
# Fewer than three weeks of answers give too few weekly bars to read: count them per day then.
DAILY_BELOW_DAYS = 21
# The order the answers were listed in when the reviewer started, per filter: kept while they
# review, so a saved answer does not jump to the end of the list.
ORDER_KEY = "review-order"
# The answer whose review was saved last: its expander stays open.
OPEN_KEY = "review-open"
NO_VERDICT = "Choose a verdict first: nothing was saved."
FEEDBACK_CHOICES: tuple[FeedbackFilter | None, ...] = (None, "up", "down", "none")


def _any(label: str) -> str:
    return "Any" if label is None else str(label)


def _yes_no(value: bool | None) -> str:
    return "Any" if value is None else ("Yes" if value else "No")


def _date_range(picked: object) -> tuple[date | None, date | None]:
    dates = [d for d in (picked if isinstance(picked, tuple | list) else (picked,)) if d]
    return (dates[0], dates[-1]) if dates else (None, None)


def filter_form(sources: list[str]) -> AnswerFilters:
    """The sidebar filters, as last applied (a form's widgets keep their submitted values)."""
    with st.sidebar.form("review-filters"):
        st.markdown("**Filter answers**")
        picked = st.date_input("Asked between", value=[], format="DD/MM/YYYY", key="f-dates")
        role = st.selectbox("Role", (None, *ROLES), format_func=_any, key="f-role")
        feedback = st.selectbox(
            "Feedback", FEEDBACK_CHOICES, key="f-feedback",
            format_func=lambda v: _any(v and FEEDBACK_LABELS[v]),
        )  # fmt: skip
        abstained = st.selectbox("Abstained", YES_NO, format_func=_yes_no, key="f-abstained")
        mode = st.selectbox("Mode", (None, *MODES), format_func=_any, key="f-mode")
        source = st.selectbox("Cited document", (None, *sources), format_func=_any, key="f-source")
        reviewed = st.selectbox("Reviewed", YES_NO, format_func=_yes_no, key="f-reviewed")
        st.form_submit_button("Apply filters", type="primary")
    start, end = _date_range(picked)
    return AnswerFilters(start, end, role, feedback, abstained, mode, source, reviewed)


def cited_sources(log: AnswerLog, settings: Settings) -> list[str]:
    """Documents to filter by: those in the registry and those answers cited most."""
    known = {d.source for d in review.documents(settings)}
    known |= {source for source, _ in log.stats().top_documents}
    return sorted(known)


# --- one answer -------------------------------------------------------------------------------


def answer_label(row: LoggedAnswer) -> str:
    badges = []
    if row.review:
        badges.append(f":green-badge[{VERDICT_LABELS.get(row.review.verdict, row.review.verdict)}]")
    else:
        badges.append(":gray-badge[unreviewed]")
    if row.rating == "down":
        badges.append(":red-badge[thumbs down]")
    if row.abstained:
        badges.append(":orange-badge[abstained]")
    asked = row.created_at.strftime("%d %b %Y %H:%M")
    return f"#{row.id} · {asked} · {escape_markdown(row.question[:90])} " + " ".join(badges)


def citation_lines(row: LoggedAnswer) -> str:
    lines = []
    for c in row.citations:
        shown = "" if c.cited else " (shown, not cited)"
        version = f" v{escape_markdown(c.doc_version)}" if c.doc_version else ""
        source = inline_code(c.source)
        lines.append(f"- {marker(c.n)} {escape_markdown(c.label())} · {source}{version}{shown}")
    return "\n".join(lines) or "_No passages were shown._"


def answer_body(row: LoggedAnswer) -> None:
    st.caption(
        f"{row.role} · {row.mode} · prompt {row.prompt_id or '–'} · corpus {row.corpus_version}"
    )
    st.markdown(
        f"**Question** (as logged, personal details removed)\n\n> {escape_markdown(row.question)}"
    )
    st.markdown(f"**Answer**\n\n{escape_markdown(row.answer_text)}")
    st.markdown(f"**Sources**\n\n{citation_lines(row)}")
    if row.citations and st.toggle("Read the cited passages", key=f"passages-{row.id}"):
        cited_passages(row)
    if row.feedback:
        reason = f": {escape_markdown(row.feedback.reason)}" if row.feedback.reason else ""
        st.markdown(f"**Feedback** thumbs {row.feedback.rating}{reason}")
    for r in row.reviews:
        st.caption(
            f"Reviewed {r.created_at:%d %b %Y} by {escape_markdown(r.reviewer_id)}: "
            f"{VERDICT_LABELS.get(r.verdict)}"
            + (f" · expected clause {escape_markdown(r.expected_clause)}" if r.expected_clause else "")
            + (f" · {escape_markdown(r.note)}" if r.note else "")
        )


def cited_passages(row: LoggedAnswer) -> None:
    """The text of each passage the answer cited, as stored now (opens the passage store)."""
    cited = [c for c in row.citations if c.cited] or list(row.citations)
    with st.spinner("Opening the document store…"):
        stored = {p.id: p for p in services.current().store.get([c.passage_id for c in cited])}
    for c in cited:
        passage = stored.get(c.passage_id)
        st.markdown(f"{marker(c.n)} **{escape_markdown(c.label())}**")
        if passage is None:
            st.caption("No longer stored: the document has changed since this answer was given.")
        else:
            st.markdown("> " + escape_markdown(passage.text).replace("\n", "\n> "))


def _save_review(log: AnswerLog, answer_id: int, reviewer: str) -> None:
    state = st.session_state
    state[OPEN_KEY] = answer_id
    if state.get(f"verdict-{answer_id}") is None:
        st.toast(NO_VERDICT, icon=":material/error:")
        state[f"unsaved-{answer_id}"] = True
        return
    state.pop(f"unsaved-{answer_id}", None)
    try:
        log.add_review(
            answer_id, reviewer_id=reviewer, verdict=state[f"verdict-{answer_id}"],
            note=state[f"note-{answer_id}"].strip(),
            expected_clause=state[f"clause-{answer_id}"].strip(),
            evidence=state[f"evidence-{answer_id}"].strip(),
        )  # fmt: skip
    except LogError as error:
        st.toast(str(error), icon=":material/error:")
        return
    st.toast(f"Review of answer #{answer_id} saved.", icon=":material/check:")


def _add_to_eval(log: AnswerLog, answer_id: int, settings: Settings) -> None:
    row = log.get(answer_id)
    if row is None or row.review is None:
        st.toast(f"Answer #{answer_id} needs a review first.", icon=":material/error:")
        return
    path = review_eval_path(settings)
    item = log.to_eval_item(row, row.review, path)
    st.toast(f"Added {item['id']} to the evaluation set ({path.name}).", icon=":material/add_task:")


def review_form(log: AnswerLog, row: LoggedAnswer, reviewer: str, settings: Settings) -> None:
    if st.session_state.get(f"unsaved-{row.id}"):
        st.error(NO_VERDICT, icon=":material/error:")
    with st.form(f"review-{row.id}", border=False):
        # No verdict until the reviewer picks one: saving must never approve by default.
        st.radio(
            "Verdict", tuple(VERDICT_LABELS), format_func=VERDICT_LABELS.__getitem__,
            horizontal=True, key=f"verdict-{row.id}", index=None,
        )  # fmt: skip
        st.text_area("Note", key=f"note-{row.id}", height=68)
        st.text_input("Expected clause", key=f"clause-{row.id}", placeholder="e.g. 5.2")
        st.text_area(
            "Evidence phrase", key=f"evidence-{row.id}", height=68,
            help="Words from the document that answer the question; one phrase a line.",
        )  # fmt: skip
        st.form_submit_button(
            "Save review", key=f"save-{row.id}", on_click=_save_review,
            args=(log, row.id, reviewer),
        )  # fmt: skip
    st.button(
        "Add to evaluation set", key=f"eval-{row.id}", icon=":material/playlist_add:",
        disabled=row.review is None, on_click=_add_to_eval, args=(log, row.id, settings),
        help="Appends this question, with the latest review, to the evaluation questions.",
    )  # fmt: skip


VERDICT_NAMES = {
    "yes": "Yes", "yes_if": "Yes, if conditions hold", "no": "No",
    "not_without": "Not without consent or permission", "depends": "It depends",
    "act_now": "Act now (999)", "info": "Information", "not_covered": "Not covered",
}  # fmt: skip


def _publish(bank: VerifiedBank, log: AnswerLog, row: LoggedAnswer, reviewer: str) -> None:
    state = st.session_state
    kept = [c for c in row.citations if c.n in state[f"vcite-{row.id}"]]
    try:
        published = review.publish(
            bank, log, row, verdict=state[f"vverdict-{row.id}"],
            bottom_line=state[f"vbottom-{row.id}"], kept=kept, reviewer=reviewer,
        )  # fmt: skip
    except (VerifiedError, LogError) as error:
        st.toast(str(error), icon=":material/error:")
        return
    st.toast(f"Published as verified answer {published.label()}.", icon=":material/verified:")


def publish_form(bank: VerifiedBank, log: AnswerLog, row: LoggedAnswer, reviewer: str) -> None:
    """Correct the verdict and bottom line and publish them as the verified answer to this
    question: new questions that mean the same get it first, until a cited document changes."""
    if row.abstained or not row.citations:
        return
    drafted = review.drafted_bottom_line(row.answer_text)
    if st.toggle("Publish as a verified answer", key=f"vpublish-{row.id}"):
        with st.form(f"publish-form-{row.id}"):
            st.selectbox(
                "Verdict", VERDICTS, index=VERDICTS.index(review.guessed_verdict(drafted)),
                format_func=VERDICT_NAMES.__getitem__, key=f"vverdict-{row.id}",
            )  # fmt: skip
            st.text_area(
                "Bottom line", value=drafted, key=f"vbottom-{row.id}", height=100,
                help="At most 60 words; cite sources with their [n] as listed below.",
            )  # fmt: skip
            st.multiselect(
                "Sources it rests on", [c.n for c in row.citations],
                default=[c.n for c in row.citations if c.cited] or [row.citations[0].n],
                format_func=lambda n: f"{marker(n)} {next(c.label() for c in row.citations if c.n == n)}",
                key=f"vcite-{row.id}",
            )  # fmt: skip
            st.form_submit_button(
                "Publish", key=f"publish-{row.id}", on_click=_publish,
                args=(bank, log, row, reviewer),
            )  # fmt: skip


def kept_order(queue: list[LoggedAnswer]) -> list[LoggedAnswer]:
    """The queue in the order first shown under these filters, answers logged since at the end."""
    filters = repr(sorted((k, repr(v)) for k, v in st.session_state.items() if str(k).startswith("f-")))
    remembered = st.session_state.get(ORDER_KEY)
    if not (isinstance(remembered, tuple) and remembered[0] == filters):
        remembered = (filters, [r.id for r in queue])
    place = {answer_id: i for i, answer_id in enumerate(remembered[1])}
    ordered = sorted(queue, key=lambda r: place.get(r.id, len(place)))
    st.session_state[ORDER_KEY] = (filters, [r.id for r in ordered])
    return ordered


def answer_list(
    log: AnswerLog, rows: list[LoggedAnswer], reviewer: str, settings: Settings,
    bank: VerifiedBank | None = None,
) -> None:
    if not rows:
        st.info("No logged answers match these filters.")
        return
    queue = kept_order(review.queue_first(rows))
    waiting = sum(1 for r in rows if r.review is None)
    st.caption(f"{len(rows)} answers match, {waiting} not yet reviewed; unreviewed and "
               "thumbs-down answers first." + (f" Showing the first {SHOWN}." if len(rows) > SHOWN else ""))  # fmt: skip
    for row in queue[:SHOWN]:
        opened = st.session_state.get(OPEN_KEY) == row.id
        with st.expander(answer_label(row), expanded=opened, key=f"answer-{row.id}"):
            answer_body(row)
            review_form(log, row, reviewer, settings)
            if bank is not None:
                publish_form(bank, log, row, reviewer)


# --- trends, export, impact -------------------------------------------------------------------


def periods(stats: LogStats) -> tuple[str, pd.DataFrame]:
    """Questions, abstentions and thumbs-down per day when the answers span under three weeks
    (every day shown, quiet ones as 0), else per ISO week."""
    days = pd.DataFrame([vars(d) for d in stats.days])
    days["day"] = pd.to_datetime(days["day"])
    days = days.set_index("day")
    if (days.index.max() - days.index.min()).days < DAILY_BELOW_DAYS:
        every_day = pd.date_range(days.index.min(), days.index.max(), freq="D", name="day")
        return "day", days.reindex(every_day, fill_value=0)
    return "week", pd.DataFrame([vars(w) for w in stats.weeks]).set_index("week")


def ranked_table(rows: list[tuple[str | int, ...]], columns: list[str], key: str) -> None:
    """Most-cited documents or clauses as a table: labels in full, the count as a bar."""
    table = pd.DataFrame(rows, columns=[*columns, "Answers"])
    st.dataframe(
        table, hide_index=True, width="stretch", key=key,
        column_config={"Answers": st.column_config.ProgressColumn(
            "Answers", format="%d", min_value=0, max_value=int(table["Answers"].max()),
        )},
    )  # fmt: skip


def charts(stats: LogStats) -> None:
    questions, abstention, down = st.columns(3)
    questions.metric("Questions", stats.questions)
    abstention.metric("Abstention rate", f"{stats.abstention_rate:.0%}")
    down.metric("Thumbs-down rate", f"{stats.thumbs_down_rate:.0%}", help=f"of {stats.rated} rated")
    if not stats.days:
        return
    period, counts = periods(stats)
    st.markdown(f"**Questions per {period}**")
    st.bar_chart(counts[["questions"]], x_label=period, y_label="questions")
    asked = counts["questions"].where(counts["questions"] > 0)
    rates = pd.DataFrame(
        {"abstained": counts["abstained"] / asked, "thumbs down": counts["thumbs_down"] / asked}
    ).fillna(0)
    st.markdown(f"**Share of each {period}'s answers abstained or given a thumbs down**")
    st.bar_chart(rates, x_label=period, y_label="share of answers", stack=False)
    if stats.top_documents:
        st.markdown("**Most-cited documents**")
        ranked_table([(s, n) for s, n in stats.top_documents], ["Document"], "top-documents")
    if stats.top_clauses:
        st.markdown("**Most-cited clauses**")
        ranked_table(list(stats.top_clauses), ["Document", "Clause"], "top-clauses")


def export_button(log: AnswerLog, rows: list[LoggedAnswer]) -> None:
    st.download_button(
        "Download these answers (CSV)", review.csv_text(log, rows),
        file_name=f"sharecheck-answers-{date.today():%Y-%m-%d}.csv", mime="text/csv",
        icon=":material/download:", disabled=not rows, key="export-csv",
    )  # fmt: skip


def impact_section(log: AnswerLog, settings: Settings) -> None:
    st.caption("Answers that cited a version of a document since replaced: check they still hold.")
    found = review.impacts(log, settings)
    if not found:
        st.info("No logged answer cites a replaced document version.")
        return
    for impact in found:
        doc, earlier = impact.document, impact.earlier
        shown = f"version {earlier.version}" if earlier.version else "earlier version"
        now = f"now version {doc.version}" if doc.version else "since replaced"
        st.markdown(f"**{escape_markdown(doc.title)}** ({inline_code(earlier.source)}, "
                    f"{escape_markdown(shown)} `{earlier.doc_hash[:12]}`, {escape_markdown(now)}): "
                    f"{len(impact.answers)} answer(s)")  # fmt: skip
        st.dataframe(
            [{"Answer": a.id, "Asked": a.created_at.strftime("%Y-%m-%d"), "Question": a.question,
              "Clauses": ", ".join(c.clause for c in a.citations if c.source == earlier.source and c.clause),
              "Verdict": a.review.verdict if a.review else ""} for a in impact.answers],
            hide_index=True, width="stretch",
        )  # fmt: skip


def _reapprove(bank: VerifiedBank, settings: Settings, verified_id: int, reviewer: str) -> None:
    hashes, passage_ids = review.stored_state(settings)
    try:
        renewed = bank.reapprove(verified_id, hashes, passage_ids, reviewer)
    except VerifiedError as error:
        st.toast(str(error), icon=":material/error:")
        return
    st.toast(f"Re-approved {renewed.label()} against the current documents.", icon=":material/check:")


def _withdraw(bank: VerifiedBank, verified_id: int, reviewer: str) -> None:
    try:
        gone = bank.withdraw(verified_id, reviewer)
    except VerifiedError as error:
        st.toast(str(error), icon=":material/error:")
        return
    st.toast(f"Withdrew {gone.label()}; it is no longer served.", icon=":material/block:")


def verified_impact_section(bank: VerifiedBank, settings: Settings, reviewer: str) -> None:
    """Verified answers withheld because a cited document changed, with re-approval."""
    st.markdown("**Verified answers withheld**")
    st.caption("A verified answer is not served while a document it cites differs from the "
               "version it was checked on. Check it still holds, then re-approve it against the "
               "current documents, or withdraw it.")  # fmt: skip
    found = review.withheld(bank, settings)
    if not found:
        st.info("No verified answer is withheld.")
    for item in found:
        answer = item.answer
        tag = " :gray-badge[illustrative]" if answer.illustrative else ""
        with st.container(border=True):
            st.markdown(f"**{answer.label()}**{tag} · {escape_markdown(answer.question)}")
            st.markdown(f"{VERDICT_NAMES.get(answer.verdict, answer.verdict)}: "
                        f"{escape_markdown(answer.bottom_line)}")  # fmt: skip
            st.caption("Withheld: " + escape_markdown("; ".join(item.reasons)))
            approve, withdraw = st.columns(2)
            approve.button(
                "Re-approve", key=f"reapprove-{answer.verified_id}", icon=":material/verified:",
                disabled=not item.reapprovable, on_click=_reapprove,
                args=(bank, settings, answer.verified_id, reviewer),
                help="It still holds on the current documents: serve it again.",
            )  # fmt: skip
            withdraw.button(
                "Withdraw", key=f"withdraw-{answer.verified_id}", icon=":material/block:",
                on_click=_withdraw, args=(bank, answer.verified_id, reviewer),
            )  # fmt: skip
    standing = bank.standing()
    if standing:
        st.markdown("**Verified answers**")
        st.dataframe(
            [{"Verified": a.label(), "Question": a.question, "Verdict": a.verdict,
              "Reviewed": a.reviewed_on.isoformat(), "By": a.reviewer_id,
              "Illustrative": a.illustrative} for a in standing],
            hide_index=True, width="stretch", key="verified-table",
        )  # fmt: skip
        st.download_button(
            "Download verified answers, every version (CSV)", review.verified_csv(bank),
            file_name=f"sharecheck-verified-{date.today():%Y-%m-%d}.csv", mime="text/csv",
            icon=":material/download:", key="export-verified",
        )  # fmt: skip


def main() -> None:
    user = require_page("review")
    settings = services.settings()
    st.title("Review")
    try:
        log = review.answer_log(settings)
    except LogError as error:
        st.error(str(error))
        st.stop()
    bank = review.verified_bank(settings)
    filters = filter_form(cited_sources(log, settings))
    rows = log.answers(filters)
    answers, trends, impact = st.tabs(["Answers", "Trends", "Impact"])
    with answers:
        export_button(log, rows)
        answer_list(log, rows, user.name, settings, bank)
    with trends:
        charts(log.stats(replace(filters, limit=None)))
        render_decision_review(settings, filters)
    with impact:
        impact_section(log, settings)
        verified_impact_section(bank, settings, user.name)


if __name__ == "__main__":
    main()
