"""Workshop scenario cards from training/scenarios.yaml, and which clauses an answer cited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from core.answer import Answer
from records.exercise import ModelRecord

SCENARIOS_PATH = Path(__file__).resolve().parent.parent / "training" / "scenarios.yaml"


@dataclass(frozen=True)
class ClauseRef:
    source: str
    clause: str


@dataclass(frozen=True)
class Scenario:
    """One card: the situation read out, the question as a crew would ask it, the model answer."""

    id: str
    title: str
    scenario: str
    question: str
    model_answer: str
    clauses: tuple[ClauseRef, ...]
    discussion: tuple[str, ...]
    record: ModelRecord | None = None  # the decision record the model answer implies, if any

    def asked(self) -> str:
        """What ShareCheck is asked: the situation as the crew found it, then their question, as
        someone on scene would type it (the danger is in the situation, not the question)."""
        return f"{self.scenario} {self.question}"


def load_scenarios(path: Path = SCENARIOS_PATH) -> list[Scenario]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Scenario(
            id=str(card["id"]),
            title=str(card["title"]),
            scenario=str(card["scenario"]).strip(),
            question=str(card["question"]).strip(),
            model_answer=str(card["model_answer"]).strip(),
            clauses=tuple(ClauseRef(str(c["source"]), str(c["clause"])) for c in card.get("clauses") or ()),
            discussion=tuple(str(d) for d in card.get("discussion") or ()),
            record=ModelRecord.from_yaml(card["record"]) if card.get("record") else None,
        )
        for card in data.get("scenarios") or []
    ]


def cited_clauses(answer: Answer) -> set[ClauseRef]:
    """The (document, clause) pairs the answer's text points at; a range counts each end."""
    cited = answer.cited_numbers()
    found: set[ClauseRef] = set()
    for citation in answer.citations:
        if citation.n in cited and citation.passage.clause:
            for part in citation.passage.clause.replace("–", "-").split("-"):
                found.add(ClauseRef(citation.passage.source, part.strip()))
    return found
