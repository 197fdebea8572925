"""What an answer is: text with [n] markers, the citations they point at, and how it was made."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from core.passage import Passage

Mode = Literal["extractive", "llm"]

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
            "text": p.text,
            "warning": self.warning,
        }

    def label(self) -> str:
        """How a person sees the citation: title, clause, page."""
        p = self.passage
        parts = [p.title]
        if p.clause:
            parts.append(p.clause)
        if p.page:
            parts.append(f"p. {p.page_label or p.page}")
        return ", ".join(parts)


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

    def to_json(self) -> dict[str, Any]:
        """The CLI contract: exactly these keys, citations in rank order."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "mode": self.mode,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "citations": [c.to_json() for c in self.citations],
        }

    def cited_numbers(self) -> set[int]:
        import re

        return {int(m) for m in re.findall(r"\[(\d+)\]", self.text)}

    def summary(self) -> dict[str, Any]:
        return asdict(self)
