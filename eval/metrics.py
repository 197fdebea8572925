"""Retrieval and answer figures over gold questions: pure functions, no model, no store."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from core.answer import NEGATIVE, POSITIVE
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


# Residue of forms, tables and contact blocks: a bottom line is a sentence someone would say, so
# any of these in one means a form, table or contact block was quoted as the answer.
_NON_PROSE: dict[str, re.Pattern[str]] = {
    "pipe": re.compile(r"\|"),  # a Markdown or text table's cell border
    "tab": re.compile(r"\t"),
    # UK numbers: 0 or +44, then 9-10 more digits in groups ("01332 613801", "(0300) 123 4567");
    # "999", "101", years and "2016/679" are not phone numbers.
    "phone": re.compile(
        r"(?<![\d/])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\d/])"
    ),
    "e-mail": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # "...." or ". . . ." (a leader to a page number or a blank); "..." is an ellipsis.
    "dotted leader": re.compile(r"(?:\.\s?){4,}|…\s?…"),
    "underscores": re.compile(r"_{3,}"),  # a form's blank to fill in
    "Tel:": re.compile(r"\btel\s*[:.]", re.IGNORECASE),
    "Signature": re.compile(r"\bsignature\b", re.IGNORECASE),
}


def non_prose(text: str) -> list[str]:
    """The kinds of form, table or contact residue in a text (empty for plain prose)."""
    return [kind for kind, pattern in _NON_PROSE.items() if pattern.search(text)]


def wrong_polarity(gold: str, got: str | None) -> bool:
    """True when the gold verdict says go ahead and the answer says don't, or the reverse."""
    return (gold in POSITIVE and got in NEGATIVE) or (gold in NEGATIVE and got in POSITIVE)


def words(text: str) -> int:
    return len(text.split())


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
    verdict: str | None = None  # None: the pipeline gives no verdict (the baseline)
    bottom_line: str | None = None

    @property
    def has_bottom_line(self) -> bool:
        """A bottom line that answers: not empty and not a decline."""
        declined = self.abstained or self.verdict == "not_covered"
        return bool(self.bottom_line and self.bottom_line.strip()) and not declined


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

    @property
    def verdict_agrees(self) -> bool:
        return bool(self.question.verdict) and self.outcome.verdict == self.question.verdict

    @property
    def wrong_polarity(self) -> bool:
        return wrong_polarity(self.question.verdict, self.outcome.verdict)

    @property
    def evidence_in_bottom_line(self) -> bool:
        return contains_evidence(self.outcome.bottom_line or "", self.question.evidence)

    @property
    def non_prose(self) -> list[str]:
        return non_prose(self.outcome.bottom_line or "")


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
    # Answer level: None throughout for a pipeline that gives no verdict (shown "n/a").
    bottom_line_present: float | None = None
    verdict_agreement: float | None = None  # over every question with a gold verdict
    verdict_agreement_answerable: float | None = None
    wrong_polarity: int | None = None  # a count, not a share: it must be 0
    evidence_in_bottom_line: float | None = None
    non_prose_bottom_lines: int | None = None  # a count, over every bottom line
    bottom_line_words_mean: float | None = None  # over every non-empty bottom line
    bottom_line_words_max: int | None = None
    by_kind: dict[str, Figures] = field(default_factory=dict)
    by_source: dict[str, Figures] = field(default_factory=dict)  # answerable, by gold `source`

    @property
    def judges_answers(self) -> bool:
        """Whether the pipeline gave verdicts at all (the tutorial baseline does not)."""
        return self.wrong_polarity is not None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def answer_figures(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    """The answer-level fields of Figures: bottom lines and verdicts against the gold labels."""
    if not any(r.outcome.verdict is not None for r in results):
        return {}
    answerable = [r for r in results if r.question.answerable]
    labelled = [r for r in results if r.question.verdict]
    lines = [r.outcome.bottom_line for r in results if r.outcome.bottom_line]
    lengths = [words(line) for line in lines]
    return {
        "bottom_line_present": _share([r.outcome.has_bottom_line for r in answerable]),
        "verdict_agreement": _share([r.verdict_agrees for r in labelled]),
        "verdict_agreement_answerable": _share(
            [r.verdict_agrees for r in labelled if r.question.answerable]
        ),
        "wrong_polarity": sum(r.wrong_polarity for r in labelled),
        "evidence_in_bottom_line": _share([r.evidence_in_bottom_line for r in answerable]),
        "non_prose_bottom_lines": sum(bool(non_prose(line)) for line in lines),
        "bottom_line_words_mean": _mean([float(n) for n in lengths]),
        "bottom_line_words_max": max(lengths) if lengths else None,
    }


def summarise(results: Sequence[QuestionResult], with_groups: bool = True) -> Figures:
    """Figures over the results: retrieval over answerable questions, declining over the rest,
    bottom lines and verdicts against the gold labels."""
    answerable = [r for r in results if r.question.answerable]
    unanswerable = [r for r in results if not r.question.answerable]
    cited = [c for r in results for c in r.cited]
    latencies = [r.outcome.elapsed_ms for r in results]
    kinds = sorted({r.question.kind for r in results}) if with_groups else []
    sources = sorted({r.question.source for r in answerable}) if with_groups else []
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
        **answer_figures(results),  # type: ignore[arg-type]
        by_kind={
            kind: summarise([r for r in results if r.question.kind == kind], with_groups=False)
            for kind in kinds
        },
        by_source={
            source: summarise([r for r in answerable if r.question.source == source], False)
            for source in sources
        },
    )


def confusion(results: Sequence[QuestionResult]) -> dict[tuple[str, str], int]:
    """(gold verdict, answer's verdict) -> how many questions, over those with both."""
    counts: dict[tuple[str, str], int] = {}
    for r in results:
        if r.question.verdict and r.outcome.verdict is not None:
            pair = (r.question.verdict, r.outcome.verdict)
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def polarity_errors(results: Sequence[QuestionResult]) -> list[QuestionResult]:
    """Every answer that says go ahead where the gold says don't, or the reverse."""
    return [r for r in results if r.wrong_polarity]
