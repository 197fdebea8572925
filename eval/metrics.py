"""Retrieval and answer figures over gold questions: pure functions, no model, no store."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from eval.questions import GoldQuestion

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
# A soft hyphen marks where a word may break; a hyphen then a line break is such a break in a PDF.
_SOFT_HYPHEN = re.compile(r"\xad\s*")
_BROKEN_WORD = re.compile(r"(?<=\w)-\s+(?=\w)")


def normalise(text: str) -> str:
    """Text as compared for evidence: lower case, one space, plain quotes, broken words joined."""
    text = _SOFT_HYPHEN.sub("", text.translate(_QUOTES))
    text = " ".join(text.lower().split())
    return _BROKEN_WORD.sub("", text)


def contains_evidence(text: str, evidence: Iterable[str]) -> bool:
    """True when any evidence phrase appears in the text, both normalised."""
    haystack = normalise(text)
    return any(normalise(phrase) in haystack for phrase in evidence if phrase.strip())


def evidence_rank(texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first text holding an evidence phrase; None when none does."""
    for rank, text in enumerate(texts, start=1):
        if contains_evidence(text, evidence):
            return rank
    return None


def source_matches(source: str, expected: Iterable[str]) -> bool:
    """Same file, or inside an expected folder (a gold source ending in '/')."""
    for gold in expected:
        if source == gold or (gold.endswith("/") and source.startswith(gold)):
            return True
    return False


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (the smallest value with pct% of values at or below it)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[index]


@dataclass(frozen=True)
class Retrieved:
    """One passage a pipeline put in front of the user for a question, in rank order."""

    text: str
    source: str
    clause: str = ""
    page: int = 0
    valid: bool = True  # in the store and verbatim in its document


@dataclass(frozen=True)
class Outcome:
    """What a pipeline did with one question."""

    retrieved: list[Retrieved]
    abstained: bool
    elapsed_ms: float
    note: str = ""  # e.g. why it abstained


@dataclass(frozen=True)
class QuestionResult:
    """A gold question with a pipeline's outcome, judged at depth k."""

    question: GoldQuestion
    outcome: Outcome
    k: int

    @property
    def cited(self) -> list[Retrieved]:
        return self.outcome.retrieved[: self.k]

    @property
    def rank(self) -> int | None:
        return evidence_rank([r.text for r in self.cited], self.question.evidence)

    @property
    def hit(self) -> bool:
        return self.rank is not None

    @property
    def source_hit(self) -> bool:
        return any(source_matches(r.source, self.question.sources) for r in self.cited)


@dataclass(frozen=True)
class Figures:
    """A pipeline's figures over a set of questions; None where no question applies."""

    answerable: int
    unanswerable: int
    hit_at_k: float | None
    mrr: float | None
    source_hit: float | None
    wrongly_declined: float | None
    oos_declined: float | None
    citation_validity: float | None
    mean_passage_chars: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    by_kind: dict[str, Figures] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(results: Sequence[QuestionResult], with_kinds: bool = True) -> Figures:
    """Figures over the results: retrieval over answerable questions, declining over the rest."""
    answerable = [r for r in results if r.question.answerable]
    unanswerable = [r for r in results if not r.question.answerable]
    cited = [c for r in results for c in r.cited]
    latencies = [r.outcome.elapsed_ms for r in results]
    kinds = sorted({r.question.kind for r in results}) if with_kinds else []
    return Figures(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        hit_at_k=_share([r.hit for r in answerable]),
        mrr=_mean([1.0 / r.rank if r.rank else 0.0 for r in answerable]),
        source_hit=_share([r.source_hit for r in answerable]),
        wrongly_declined=_share([r.outcome.abstained for r in answerable]),
        oos_declined=_share([r.outcome.abstained for r in unanswerable]),
        citation_validity=_share([c.valid for c in cited]),
        mean_passage_chars=_mean([float(len(c.text)) for c in cited]),
        latency_p50_ms=percentile(latencies, 50) if latencies else None,
        latency_p95_ms=percentile(latencies, 95) if latencies else None,
        by_kind={
            kind: summarise([r for r in results if r.question.kind == kind], with_kinds=False)
            for kind in kinds
        },
    )
