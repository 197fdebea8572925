"""Read-side queries for the review page: filtered answers, the review queue, stats, impact."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, exists, select

from governance.records import (
    AnswerFilters,
    CitedPassage,
    DayStats,
    FeedbackRecord,
    LoggedAnswer,
    LogStats,
    ReviewRecord,
    WeekStats,
    parse_time,
)
from governance.schema import answers, feedback, reviews

# SQL parameter lists stay well under SQLite's default limit on bound variables.
ID_CHUNK = 500
# How many documents and clauses the "most cited" charts show.
TOP_N = 10


def _latest_rating() -> Any:
    return (
        select(feedback.c.rating)
        .where(feedback.c.answer_id == answers.c.id)
        .order_by(feedback.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _day_start(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000000Z"


def _conditions(filters: AnswerFilters) -> list[ColumnElement[bool]]:
    rating = _latest_rating()
    reviewed = exists().where(reviews.c.answer_id == answers.c.id)
    wanted: list[ColumnElement[bool]] = []
    if filters.start:
        wanted.append(answers.c.created_at >= _day_start(filters.start))
    if filters.end:
        wanted.append(answers.c.created_at < _day_start(filters.end + timedelta(days=1)))
    if filters.role:
        wanted.append(answers.c.role == filters.role)
    if filters.mode:
        wanted.append(answers.c.mode == filters.mode)
    if filters.abstained is not None:
        wanted.append(answers.c.abstained == filters.abstained)
    if filters.feedback == "none":
        wanted.append(rating.is_(None))
    elif filters.feedback:
        wanted.append(rating == filters.feedback)
    if filters.reviewed is not None:
        wanted.append(reviewed if filters.reviewed else ~reviewed)
    if filters.source:
        wanted.append(answers.c.citations_json.like(_source_pattern(filters.source), escape="\\"))
    return wanted


def _source_pattern(source: str) -> str:
    """A LIKE pattern for `"source":"<source>"` in the canonical citations JSON."""
    needle = '"source":' + json.dumps(source, ensure_ascii=False)
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def select_answers(filters: AnswerFilters) -> Select[Any]:
    query = select(answers).where(*_conditions(filters)).order_by(answers.c.id.desc())
    return query.limit(filters.limit) if filters.limit else query


def fetch_answers(conn: Connection, query: Select[Any]) -> list[LoggedAnswer]:
    """Run an answers query and attach each answer's latest feedback and its reviews."""
    rows = [dict(r._mapping) for r in conn.execute(query)]
    ids = [r["id"] for r in rows]
    latest = _latest_feedback(conn, ids)
    reviewed = _reviews(conn, ids)
    return [_logged(r, latest.get(r["id"]), tuple(reviewed.get(r["id"], ()))) for r in rows]


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), ID_CHUNK):
        yield ids[i : i + ID_CHUNK]


def _latest_feedback(conn: Connection, ids: Sequence[int]) -> dict[int, FeedbackRecord]:
    latest: dict[int, FeedbackRecord] = {}
    for chunk in _chunks(ids):
        query = select(feedback).where(feedback.c.answer_id.in_(chunk)).order_by(feedback.c.id)
        for r in conn.execute(query):
            latest[r.answer_id] = FeedbackRecord(
                r.id, r.answer_id, parse_time(r.created_at), r.user_id, r.rating, r.reason
            )
    return latest


def _reviews(conn: Connection, ids: Sequence[int]) -> dict[int, list[ReviewRecord]]:
    found: dict[int, list[ReviewRecord]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = select(reviews).where(reviews.c.answer_id.in_(chunk)).order_by(reviews.c.id)
        for r in conn.execute(query):
            found[r.answer_id].append(review_record(dict(r._mapping)))
    return found


def review_record(row: dict[str, Any]) -> ReviewRecord:
    return ReviewRecord(
        id=row["id"],
        answer_id=row["answer_id"],
        created_at=parse_time(row["created_at"]),
        reviewer_id=row["reviewer_id"],
        verdict=row["verdict"],
        note=row["note"],
        expected_clause=row["expected_clause"],
        evidence=row["evidence"],
    )


def _logged(
    row: dict[str, Any], latest: FeedbackRecord | None, reviewed: tuple[ReviewRecord, ...]
) -> LoggedAnswer:
    return LoggedAnswer(
        id=row["id"],
        created_at=parse_time(row["created_at"]),
        user_id=row["user_id"],
        role=row["role"],
        session_id=row["session_id"],
        question=row["question"],
        answer_text=row["answer_text"],
        mode=row["mode"],
        abstained=bool(row["abstained"]),
        redacted=bool(row["redacted"]),
        citations=tuple(CitedPassage.from_json(c) for c in json.loads(row["citations_json"])),
        corpus_version=row["corpus_version"],
        settings_hash=row["settings_hash"],
        prompt_id=row["prompt_id"],
        elapsed_ms=float(row["elapsed_ms"]),
        row_hash=row["row_hash"],
        feedback=latest,
        reviews=reviewed,
    )


def stats(conn: Connection, filters: AnswerFilters) -> LogStats:
    """Weekly and daily counts, abstention and thumbs-down rates, the most-cited documents and
    clauses."""
    rating = _latest_rating().label("rating")
    query = select(
        answers.c.created_at, answers.c.abstained, answers.c.citations_json, rating
    ).where(*_conditions(filters))
    weeks: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    days: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    documents: Counter[str] = Counter()
    clauses: Counter[tuple[str, str]] = Counter()
    total = abstained = rated = down = 0
    for row in conn.execute(query):
        asked = parse_time(row.created_at)
        year, week, _ = asked.isocalendar()
        for tally in (weeks[f"{year}-W{week:02d}"], days[asked.date().isoformat()]):
            tally[0] += 1
            tally[1] += int(bool(row.abstained))
            tally[2] += int(row.rating == "down")
        total += 1
        abstained += int(bool(row.abstained))
        rated += int(row.rating is not None)
        down += int(row.rating == "down")
        cited = [c for c in json.loads(row.citations_json) if c["cited"]]
        documents.update({c["source"] for c in cited})
        clauses.update({(c["source"], c["clause"]) for c in cited if c["clause"]})
    return LogStats(
        questions=total,
        abstention_rate=abstained / total if total else 0.0,
        thumbs_down_rate=down / rated if rated else 0.0,
        rated=rated,
        weeks=[WeekStats(w, *weeks[w]) for w in sorted(weeks)],
        days=[DayStats(d, *days[d]) for d in sorted(days)],
        top_documents=documents.most_common(TOP_N),
        top_clauses=[(s, c, n) for (s, c), n in clauses.most_common(TOP_N)],
    )


def impacted_by(conn: Connection, source: str, old_doc_hash: str) -> list[LoggedAnswer]:
    """Answers that showed a passage of `source` from the version whose hash was `old_doc_hash`."""
    query = select_answers(AnswerFilters(source=source, limit=None))
    return [
        answer
        for answer in fetch_answers(conn, query)
        if any(c.source == source and c.doc_hash == old_doc_hash for c in answer.citations)
    ]
