"""The pipelines under evaluation, each turning a question into an Outcome the metrics can judge."""

from __future__ import annotations

from typing import Protocol

from assistant.compose import Services
from eval.metrics import Outcome, Retrieved
from eval.validity import SourceTexts

NAME = "ShareCheck"
# Asked once before timing starts: the first question loads lazy parts (the redactor's
# pipeline, sentence vectors), which a long-running app pays once, not per question.
WARM_UP_QUESTION = "Can I share a resident's details with the police?"


class Pipeline(Protocol):
    """Anything that answers a question with ranked passages (and may decline)."""

    name: str

    def run(self, question: str) -> Outcome: ...

    def warm_up(self) -> None: ...


class ShareCheckPipeline:
    """The app's own code path: `Assistant.ask`, unlogged, citations as the user sees them."""

    name = NAME

    def __init__(self, parts: Services, texts: SourceTexts) -> None:
        self.assistant = parts.assistant
        self.store = parts.store
        self.texts = texts

    def warm_up(self) -> None:
        self.assistant.ask(WARM_UP_QUESTION, log_answer=False)

    def run(self, question: str) -> Outcome:
        answer = self.assistant.ask(question, log_answer=False)
        passages = [c.passage for c in answer.citations]
        stored = {p.id for p in self.store.get([p.id for p in passages])}
        retrieved = [
            Retrieved(
                text=p.text,
                source=p.source,
                clause=p.clause,
                page=p.page,
                valid=p.id in stored and self.texts.is_verbatim(p.text, p.source, p.page),
            )
            for p in passages
        ]
        note = answer.text.split("\n", 1)[0] if answer.abstained else ""
        return Outcome(
            retrieved, answer.abstained, answer.elapsed_ms, note, answer.verdict, answer.bottom_line
        )
