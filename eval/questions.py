"""Gold questions: what staff ask, whether the documents answer it, and the evidence that does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

KINDS = ("frontline", "trainer", "governance")
_REQUIRED = ("id", "question", "answerable", "kind")


@dataclass(frozen=True)
class GoldQuestion:
    """One line of a gold set; sources are paths relative to the corpus root."""

    id: str
    question: str
    answerable: bool
    kind: str
    source: str = ""
    alt_source: str = ""
    pages: tuple[int, ...] = ()
    evidence: tuple[str, ...] = ()
    answer: str = ""
    oos_type: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source a correct citation may come from (a folder ends in '/')."""
        return tuple(s for s in (self.source, self.alt_source) if s)


def parse_question(raw: dict[str, object], where: str) -> GoldQuestion:
    """One gold question from its JSON object, or ValueError naming the line and what is wrong."""
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    question = GoldQuestion(
        id=str(raw["id"]),
        question=str(raw["question"]),
        answerable=bool(raw["answerable"]),
        kind=str(raw["kind"]),
        source=str(raw.get("source") or ""),
        alt_source=str(raw.get("alt_source") or ""),
        pages=tuple(int(p) for p in raw.get("pages") or []),  # type: ignore[attr-defined]
        evidence=tuple(str(e) for e in raw.get("evidence") or []),  # type: ignore[attr-defined]
        answer=str(raw.get("answer") or ""),
        oos_type=str(raw.get("oos_type") or ""),
    )
    if question.answerable and not (question.evidence and question.source):
        raise ValueError(f"{where}: an answerable question needs 'source' and 'evidence'")
    return question


def load_questions(path: Path) -> list[GoldQuestion]:
    """Every question in a JSON-lines gold set; ids must be unique."""
    questions: list[GoldQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{number}: not JSON ({err.msg})") from err
        questions.append(parse_question(raw, f"{path}:{number}"))
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise ValueError(f"{path}: question id {question.id!r} appears twice")
        seen.add(question.id)
    return questions
