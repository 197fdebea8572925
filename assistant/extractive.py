"""The default answerer, no LLM: the answer is built from sentences of the retrieved passages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer import NOT_LEGAL_ADVICE, Answer, Citation, Mode, Turn
from core.lexical import tokens
from core.sentences import split_sentences
from core.settings import Contacts

# How many source sentences each part of the answer may quote; short enough for a phone screen.
SHORT_ANSWER_SENTENCES = 2
CONDITION_SENTENCES = 2
RECORD_SENTENCES = 1
# A sentence shorter than this (characters) is a heading or fragment, not something to quote.
MIN_SENTENCE_CHARS = 30

_CONDITION = re.compile(
    r"\b(consent|lawful|legal basis|basis|necessary|proportionate|proportionality|minimum|"
    r"secure|securely|encrypt\w*|only|must not|unless|where|provided that|condition\w*)\b",
    re.I,
)
_RECORD = re.compile(r"\b(record\w*|document\w*|log|logged|write|written|note|notes)\b", re.I)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a cited passage, with the citation number it must carry."""

    text: str
    n: int
    relevance: float


def _sentences(question: str, citations: list[Citation]) -> list[Sentence]:
    """Every quotable sentence of the citations, scored by shared words with the question."""
    asked = set(tokens(question))
    found: list[Sentence] = []
    for citation in citations:
        rank_bonus = 1.0 / (1 + citation.n)
        for sentence in split_sentences(citation.passage.text.replace("\n", " ")):
            sentence = sentence.strip()
            if len(sentence) < MIN_SENTENCE_CHARS:
                continue
            words = set(tokens(sentence))
            overlap = len(asked & words) / (1 + len(asked))
            found.append(Sentence(sentence, citation.n, overlap + rank_bonus))
    return sorted(found, key=lambda s: -s.relevance)


def _quote(sentence: Sentence) -> str:
    text = sentence.text.rstrip()
    if not re.search(r"[.!?;:]$", text):
        text += "."
    return f"{text} [{sentence.n}]"


class ExtractiveAnswerer:
    """Short answer, conditions, what to record, who to ask: each quoted sentence cited."""

    mode: Mode = "extractive"

    def __init__(self, contacts: Contacts) -> None:
        self.contacts = contacts

    def answer(self, question: str, citations: list[Citation], history: list[Turn]) -> Answer:
        pool = _sentences(question, citations)
        lead = [s for s in pool if s.n == citations[0].n][:1] if citations else []
        short = lead + [s for s in pool if s not in lead][: SHORT_ANSWER_SENTENCES - len(lead)]
        used = {s.text for s in short}
        conditions = [s for s in pool if s.text not in used and _CONDITION.search(s.text)]
        conditions = conditions[:CONDITION_SENTENCES]
        used |= {s.text for s in conditions}
        record = [s for s in pool if s.text not in used and _RECORD.search(s.text)][:RECORD_SENTENCES]
        parts = [
            "**Short answer**",
            "What the documents say about this: " + " ".join(_quote(s) for s in short),
            "**Conditions**",
            " ".join(_quote(s) for s in conditions)
            or "The passages found set no further conditions; check the cited clauses in full.",
            "**Record**",
            " ".join(_quote(s) for s in record)
            or "The passages found do not say what to record; note what you shared, with whom, "
            "when and why, as your service's procedure requires.",
            "**Ask**",
            self._ask(),
            "_" + NOT_LEGAL_ADVICE + "_",
        ]
        return Answer(
            question=question,
            text="\n\n".join(parts),
            citations=citations,
            abstained=False,
            mode="extractive",
        )

    def _ask(self) -> str:
        c = self.contacts
        return (
            f"If unsure, ask {c.line_manager}. For a safeguarding concern, "
            f"{c.safeguarding_lead}. For data protection questions, {c.data_protection_officer}."
        )

    def abstain(self, question: str, reason: str) -> Answer:
        """Say plainly that the documents do not cover this, cite nothing, and say who to ask."""
        text = "\n\n".join(
            [
                f"The documents I have do not cover this question ({reason}), so I cannot "
                "answer it from them.",
                "**Ask**",
                self._ask(),
                "_" + NOT_LEGAL_ADVICE + "_",
            ]
        )
        return Answer(question=question, text=text, citations=[], abstained=True, mode="extractive")
