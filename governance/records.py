"""What the log hands back: plain, typed records with no database objects inside."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from core.answer import Answer
from core.passage import citation_label

Rating = Literal["up", "down"]
Verdict = Literal["correct", "incorrect", "needs_follow_up"]
RATINGS: tuple[str, ...] = ("up", "down")
VERDICTS: tuple[str, ...] = ("correct", "incorrect", "needs_follow_up")


@dataclass(frozen=True)
class CitedPassage:
    """One passage shown with a logged answer, enough to find it again in its document version."""

    n: int
    passage_id: str
    source: str
    title: str
    clause: str
    page: int
    doc_hash: str
    doc_version: str
    score: float
    cited: bool  # its [n] marker appears in the answer text
    # The page staff were shown (the printed label, else the physical page), as the CLI JSON's
    # page_label; answers logged before it was recorded read the physical page.
    page_label: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CitedPassage:
        found = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        found.setdefault("page_label", str(data["page"]) if data.get("page") else "")
        return cls(**found)

    def label(self) -> str:
        """The label the app showed when the answer was given: "Title, clause 5.2, p. iii"."""
        return citation_label(self.title, self.clause, self.page_label)


def citations_json(answer: Answer) -> str:
    """The answer's citations as canonical JSON, in rank order."""
    cited = answer.cited_numbers()
    items = [
        {
            "n": c.n,
            "passage_id": c.passage.id,
            "source": c.passage.source,
            "title": c.passage.title,
            "clause": c.passage.clause,
            "page": c.passage.page,
            "page_label": c.passage.page_shown,
            "doc_hash": c.passage.doc_hash,
            "doc_version": c.passage.doc_version,
            "score": round(float(c.score), 6),
            "cited": c.n in cited,
        }
        for c in answer.citations
    ]
    return json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    answer_id: int
    created_at: datetime
    user_id: str
    rating: str
    reason: str


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    answer_id: int
    created_at: datetime
    reviewer_id: str
    verdict: str
    note: str
    expected_clause: str
    evidence: str


@dataclass(frozen=True)
class LoggedAnswer:
    """One logged answer with its latest feedback and every review of it, oldest first."""

    id: int
    created_at: datetime
    user_id: str
    role: str
    session_id: str
    question: str
    answer_text: str
    mode: str
    abstained: bool
    redacted: bool
    citations: tuple[CitedPassage, ...]
    corpus_version: str
    settings_hash: str
    prompt_id: str
    elapsed_ms: float
    row_hash: str
    feedback: FeedbackRecord | None = None
    reviews: tuple[ReviewRecord, ...] = ()

    @property
    def rating(self) -> str | None:
        return self.feedback.rating if self.feedback else None

    @property
    def review(self) -> ReviewRecord | None:
        """The latest review, which is the one that stands."""
        return self.reviews[-1] if self.reviews else None

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(c.source for c in self.citations))


@dataclass(frozen=True)
class AnswerFilters:
    """What the review page narrows the log by; None means "any". Dates are UTC and inclusive."""

    start: date | None = None
    end: date | None = None
    role: str | None = None
    feedback: Literal["up", "down", "none"] | None = None
    abstained: bool | None = None
    mode: str | None = None
    source: str | None = None
    reviewed: bool | None = None
    limit: int | None = 500

    def __post_init__(self) -> None:
        if self.feedback not in (None, "up", "down", "none"):
            raise ValueError(f"feedback filter must be up, down or none, not {self.feedback!r}")


@dataclass(frozen=True)
class WeekStats:
    week: str  # ISO week, e.g. "2025-W07"
    questions: int
    abstained: int
    thumbs_down: int


@dataclass(frozen=True)
class DayStats:
    day: str  # ISO date (UTC), e.g. "2025-02-14"
    questions: int
    abstained: int
    thumbs_down: int


@dataclass(frozen=True)
class LogStats:
    """Figures for the review page's charts, over the answers a filter selects."""

    questions: int
    abstention_rate: float  # abstained answers / answers
    thumbs_down_rate: float  # answers whose latest feedback is "down" / answers with feedback
    rated: int
    weeks: list[WeekStats] = field(default_factory=list)
    days: list[DayStats] = field(default_factory=list)  # days with answers, oldest first
    top_documents: list[tuple[str, int]] = field(default_factory=list)  # (source, answers)
    top_clauses: list[tuple[str, str, int]] = field(default_factory=list)  # (source, clause, n)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)
