"""What an answer is: text with [n] markers, the citations they point at, and how it was made."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from core.passage import Passage

Mode = Literal["extractive", "llm"]

# How an answer's text points at citation n: "[n]". Every reader of answer text (cited numbers,
# the LLM reply check, the UI's chips) matches this one pattern; `marker` writes it.
MARKER = re.compile(r"\[(\d+)\]")


def marker(n: int) -> str:
    """The [n] an answer's text cites passage n with."""
    return f"[{n}]"


# The answer status every answer carries, shown first (the CLI JSON's `verdict`):
# yes; yes_if (yes, when named conditions hold); no; not_without (not without the consent or
# permission of someone named); depends (left to judgement: the bottom line says on what);
# act_now (immediate risk: 999 first); info (a factual question, no sharing decision);
# not_covered (declined: the bottom line says what is missing).
Verdict = Literal["yes", "yes_if", "no", "not_without", "depends", "act_now", "info", "not_covered"]
VERDICTS: tuple[Verdict, ...] = (
    "yes", "yes_if", "no", "not_without", "depends", "act_now", "info", "not_covered",
)  # fmt: skip
# Verdicts that tell someone to go ahead, and those that tell them not to: a gold "yes" answered
# "no" (or the reverse) is the worst error the product can make, counted by the eval.
POSITIVE: frozenset[Verdict] = frozenset({"yes", "yes_if"})
NEGATIVE: frozenset[Verdict] = frozenset({"no", "not_without"})

DANGER_LINE = "If someone is in immediate danger call 999."
NOT_LEGAL_ADVICE = (
    "This is guidance drawn from the documents listed, not legal advice; "
    "if in doubt, ask before you share."
)


@dataclass(frozen=True)
class Citation:
    """One retrieved passage an answer may point at with its number n."""

    n: int
    passage: Passage
    score: float
    warning: str = ""

    def to_json(self) -> dict[str, Any]:
        """The CLI contract's citation object."""
        p = self.passage
        return {
            "n": self.n,
            "source": p.source,
            "title": p.title,
            "kind": p.kind,
            "clause": p.clause,
            "section": p.section,
            "page": p.page,
            "page_label": p.page_shown,
            "text": p.text,
            "warning": self.warning,
        }

    def label(self) -> str:
        """How a person sees the citation: "Title, clause 5.2, p. iii"."""
        return self.passage.citation_label()


@dataclass(frozen=True)
class Turn:
    """One earlier exchange in a conversation, used to read follow-up questions."""

    question: str
    answer: str = ""


@dataclass
class Answer:
    """The whole reply to one question, ready to show, print as JSON, or log."""

    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    mode: Mode
    elapsed_ms: float = 0.0
    danger: bool = False
    notices: list[str] = field(default_factory=list)  # e.g. "LLM failed: fell back"
    prompt_id: str = ""
    settings_hash: str = ""
    redacted: bool = False
    log_id: int | None = None  # the governance log row, once recorded
    verdict: Verdict = "depends"
    bottom_line: str = ""  # at most BOTTOM_LINE_WORDS words, every sentence citing its clause

    def to_json(self) -> dict[str, Any]:
        """The CLI contract: exactly these keys, citations in rank order."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "mode": self.mode,
            "verdict": self.verdict,
            "bottom_line": self.bottom_line,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "citations": [c.to_json() for c in self.citations],
        }

    def cited_numbers(self) -> set[int]:
        return {int(m) for m in MARKER.findall(self.text)}

    def summary(self) -> dict[str, Any]:
        return asdict(self)
