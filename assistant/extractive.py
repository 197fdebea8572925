"""The default answerer, no LLM: a verdict read from the evidence, then the deciding sentence.

The answer is built, in this order, from the sentences of every retrieved passage that is prose
or a list (forms, tables, contact blocks and contents stay citable sources, never the answer):
1. the verdict (assistant.verdict) and a bottom line of at most BOTTOM_LINE_WORDS words quoting
   the deciding sentence with its citation and clause;
2. conditions: other sentences that limit the act (consent, necessity, security);
3. what to record, from the documents' own recording clauses, for a sharing decision only;
4. who to ask: the role the deciding clause names, then the service's configured contacts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.verdict import (
    Stance,
    actions_of,
    asks_obligation,
    checks_a_claim,
    decide,
    is_decision,
    speaks_of,
    stance,
    verdict_of,
)
from core.answer import (
    NEGATIVE,
    NOT_LEGAL_ADVICE,
    POSITIVE,
    Answer,
    Citation,
    Mode,
    Turn,
    Verdict,
    marker,
)
from core.contact_details import carries_contact_details
from core.instructions import addresses_a_system
from core.lexical import tokens
from core.passage import Passage
from core.sentences import split_sentences
from core.settings import Contacts
from retrieval.query import expand

# The bottom line fits a phone screen: at most this many words, citation and clause included.
BOTTOM_LINE_WORDS = 60
CONDITION_SENTENCES = 2
RECORD_SENTENCES = 1
# A unit shorter than this many words is a heading or fragment, not something to quote.
MIN_UNIT_WORDS = 6
# Relevance a deciding sentence needs before a plain yes or no is given (set-cosine of stemmed
# words, see _relevance): below it the verdict is "depends". Chosen on the development sets
# (bundled gold, real-dev) only; the blind sets measure it.
STRONG_MATCH = 0.22
# How many of the best sentences a verdict is read from; a claim check reads a few more.
DECIDING_UNITS = 8
CLAIM_UNITS = 12
# A passage's rank adds at most this to each of its sentences: retrieval's order is evidence too.
RANK_WEIGHT = 0.08
# A list lead-in and its items are quoted together when they fit in this many words.
LIST_UNIT_WORDS = 60
# A fact, or what a decision depends on, often takes two sentences ("that is a subject access
# request. Pass it to ... the same day"): the runner-up is quoted after the deciding sentence when
# both fit whole and it is at least this share as relevant. On the development sets every ratio
# from 0 to 0.6 quotes the same runner-ups (fitting whole is what limits it); 0.3 is mid-way.
SUPPORT_RATIO = 0.3
SUPPORTED: frozenset[Verdict] = frozenset({"info", "depends"})
# Passage types whose sentences may be quoted as the answer (ingest/passage_types.py).
QUOTABLE_TYPES = frozenset({"prose", "list"})

VERDICT_LEAD: dict[Verdict, str] = {
    "yes": "Yes",
    "yes_if": "Yes, if the conditions hold",
    "no": "No",
    "not_without": "Not without consent",
    "depends": "It depends",
    "act_now": "Call 999 now if anyone is in immediate danger",
    "info": "",
    "not_covered": "Not covered",
}

_BULLET = re.compile(r"^\s*(?:[•\-–*▪◦·]|\(?[a-z0-9]{1,3}[.)]|\d+(?:\.\d+)*\.?)\s+", re.I)
_ROLES = re.compile(
    r"\b(?:the\s+)?((?:requesting|investigating|designated|named|lead)\s+officer|"
    r"(?:meeting\s+)?chair(?:person)?|data\s+protection\s+officer|caldicott\s+guardian|"
    r"information\s+governance\s+(?:team|lead|manager)|safeguarding\s+(?:lead|team|manager|officer)|"
    r"senior\s+information\s+risk\s+owner|single\s+point\s+of\s+contact|"
    r"(?:partner|agency|organisation)\s+(?:that|which|who)\s+(?:provided|supplied|owns)\s+[\w ]{3,30}|"
    r"data\s+controller|information\s+commissioner(?:'s office)?|line\s+manager|"
    r"(?:watch|station|crew|group)\s+manager|incident\s+commander)\b",
    re.I,
)


@dataclass(frozen=True)
class Unit:
    """A quotable sentence (or list lead-in with its items) of one cited passage."""

    text: str
    citation: Citation
    relevance: float

    @property
    def n(self) -> int:
        return self.citation.n


def quotable(passage: Passage) -> bool:
    return passage.passage_type in QUOTABLE_TYPES


def units_of(text: str) -> list[str]:
    """A passage's text as quotable units: sentences, list items, a list lead-in with its items.

    Headings (short lines without a stop) are dropped rather than glued onto the next sentence,
    and list numbers are taken off the items they mark."""
    found: list[str] = []
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.endswith(":") and i + 1 < len(lines) and _BULLET.match(lines[i + 1]):
            items = []
            j = i + 1
            while j < len(lines) and _BULLET.match(lines[j]):
                items.append(_BULLET.sub("", lines[j]).rstrip(";,. "))
                j += 1
            joined = f"{line} {'; '.join(items)}."
            found.extend(
                [joined]
                if len(joined.split()) <= LIST_UNIT_WORDS
                else [_BULLET.sub("", it) for it in items]
            )
            i = j
            continue
        if _is_heading(line):
            i += 1
            continue
        found.extend(
            s for s in (_BULLET.sub("", s) for s in split_sentences(line)) if not s.endswith(":")
        )
        i += 1
    return [u for u in found if len(u.split()) >= MIN_UNIT_WORDS]


def _is_heading(line: str) -> bool:
    return len(line.split()) <= 12 and not re.search(r"[.;:?!)]$", line)


def _relevance(asked: set[str], words: set[str], idf: dict[str, float]) -> float:
    """Cosine of stemmed word sets, each word weighted by its rarity among the retrieved
    sentences: length-normalised, and "share", which every sentence says, counts for little."""
    if not asked or not words:
        return 0.0
    weight = sum(idf.get(w, 0.0) for w in asked & words)
    return weight / math.sqrt(sum(idf.get(w, 0.0) for w in asked) * sum(idf[w] for w in words))


def _rarity(sentences: list[set[str]], asked: set[str]) -> dict[str, float]:
    """Inverse document frequency over this answer's sentences (+1: a word in every sentence
    still counts a little; a question word no sentence has, the most)."""
    frequency: dict[str, int] = {}
    for words in sentences:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    total = len(sentences) + 1
    return {w: math.log(1 + total / (1 + frequency.get(w, 0))) for w in set(frequency) | asked}


def _sample_wording(text: str) -> bool:
    """A script to read out or a form's wording ("I'd like to pass your details..."): citable,
    never a rule that decides anything."""
    return bool(re.match(r"^[“\"‘']|^(?:I|I'd|I'm|I've|We'd|We'll)\b", text))


def rank_units(question: str, citations: list[Citation]) -> list[Unit]:
    """Every quotable unit of every citation, best answer to the question first."""
    asked = set(tokens(expand(question)))
    last = len(citations) or 1
    drafts: list[tuple[str, Citation, set[str]]] = []
    seen: set[str] = set()
    for citation in citations:
        if not quotable(citation.passage):
            continue
        for text in units_of(citation.passage.text):
            key = " ".join(text.lower().split())
            if key in seen or _sample_wording(text) or addresses_a_system(text) or carries_contact_details(text):
                continue
            seen.add(key)
            drafts.append((text, citation, set(tokens(text))))
    idf = _rarity([words for _, _, words in drafts], asked)
    found = [
        Unit(text, citation, _relevance(asked, words, idf) + RANK_WEIGHT * (1 - (citation.n - 1) / last))
        for text, citation, words in drafts
    ]
    return sorted(found, key=lambda u: -u.relevance)


def cite(citation: Citation) -> str:
    """'[n] (clause 8.3)': the marker the UI turns into a chip, and the clause a person can find."""
    clause = citation.passage.clause
    return f"{marker(citation.n)} ({clause})" if clause else marker(citation.n)


def _quote(unit: Unit, words: int) -> str:
    text = " ".join(unit.text.split())
    tokens_ = text.split()
    if len(tokens_) > words:
        text = " ".join(tokens_[:words]).rstrip(",;:") + " …"
    elif not re.search(r"[.!?]$", text):
        text = text.rstrip(";:,") + "."
    return f"“{text}” {cite(unit.citation)}"


def bottom_line(
    verdict: Verdict, deciding: Unit | None, read: Stance | None, support: Unit | None = None
) -> tuple[str, str]:
    """The verdict in plain words and the deciding sentence after it, together within
    BOTTOM_LINE_WORDS: (lead, rest). A supporting sentence follows when both fit whole."""
    lead = VERDICT_LEAD[verdict]
    if verdict == "not_without" and read is not None and read.who:
        lead = f"Not without the agreement of {read.who}"
    if verdict == "depends" and read is not None and read.condition:
        lead = f"It depends on the condition the clause sets ({read.condition})"
    if deciding is None:
        return lead, "The passages found do not decide this; check the sources below."
    opener = "The documents say:"
    room = BOTTOM_LINE_WORDS - len(f"{lead}. {opener}".split())
    if support is not None:
        both = f"{opener} {_quote(deciding, room)} {_quote(support, room)}"
        if "…" not in both and len(joined(lead, both).split()) <= BOTTOM_LINE_WORDS:
            return lead, both
    rest = f"{opener} {_quote(deciding, room)}"
    while len(joined(lead, rest).split()) > BOTTOM_LINE_WORDS and room > 8:
        room -= 1
        rest = f"{opener} {_quote(deciding, room)}"
    return lead, rest


def _quoted_in(unit: Unit, text: str) -> bool:
    return " ".join(unit.text.split()[:MIN_UNIT_WORDS]) in text


def joined(lead: str, rest: str) -> str:
    """The bottom line as one text: "No. The documents say: ..."."""
    return f"{lead}. {rest}" if lead else rest


class ExtractiveAnswerer:
    """Verdict and bottom line, conditions, what to record, who to ask: each quote cited."""

    mode: Mode = "extractive"

    def __init__(self, contacts: Contacts) -> None:
        self.contacts = contacts

    def answer(self, question: str, citations: list[Citation], history: list[Turn]) -> Answer:
        units = rank_units(question, citations)
        verdict, read, deciding = self.decide(question, units)
        support = self._support(units, deciding, verdict)
        lead, rest = bottom_line(verdict, deciding, read, support)
        used = {u.text for u in (deciding, support) if u is not None and _quoted_in(u, rest)}
        conditions = self._conditions(units, used, verdict)
        used |= {u.text for u in conditions}
        parts = [f"**{lead}.** {rest}" if lead else rest]
        if conditions:
            parts += ["**Conditions**", " ".join(_quote(u, 45) for u in conditions)]
        if verdict != "info":
            parts += ["**Record**", self._record(units, used)]
        parts += ["**Ask**", self._ask(deciding), "_" + NOT_LEGAL_ADVICE + "_"]
        return Answer(
            question=question,
            text="\n\n".join(parts),
            citations=citations,
            abstained=False,
            mode="extractive",
            verdict=verdict,
            bottom_line=joined(lead, rest),
        )

    def decide(
        self, question: str, units: list[Unit]
    ) -> tuple[Verdict, Stance | None, Unit | None]:
        """The verdict, the stance that gave it and the unit that says it."""
        # A claim is refuted only by wording as plain as "does not make ... unlawful", which may sit
        # a few sentences further down than the sentences a yes or no is read from.
        read_units = units[: CLAIM_UNITS if checks_a_claim(question) else DECIDING_UNITS]
        verdict, read = decide(question, [(u.text, u.relevance) for u in read_units], STRONG_MATCH)
        if read is None:
            return verdict, None, units[0] if units else None
        deciding = next((u for u in read_units if u.text == read.sentence), units[0])
        # A refuted claim is answered by the refuting sentence alone, whatever else its clause says.
        if (
            verdict in POSITIVE | NEGATIVE
            and not checks_a_claim(question)
            and self._clause_pulls_both_ways(question, deciding, verdict)
        ):
            return "depends", read, deciding
        return verdict, read, deciding

    @staticmethod
    def _support(units: list[Unit], deciding: Unit | None, verdict: Verdict) -> Unit | None:
        """The runner-up sentence, quoted after the deciding one when it is nearly as relevant."""
        if deciding is None or verdict not in SUPPORTED:
            return None
        others = [u for u in units if u.text != deciding.text]
        if others and others[0].relevance >= SUPPORT_RATIO * deciding.relevance:
            return others[0]
        return None

    @staticmethod
    def _clause_pulls_both_ways(question: str, deciding: Unit, verdict: Verdict) -> bool:
        """A clause that says "not under this agreement" and "must report it elsewhere" in one
        breath is not a plain yes or no, whichever sentence matched the question better."""
        actions = actions_of(question)
        obligation = asks_obligation(question)
        for text in units_of(deciding.citation.passage.text):
            if text == deciding.text or not speaks_of(text, actions):
                continue
            other = verdict_of(stance(text).force, asks_obligation=obligation)
            if (verdict in POSITIVE and other in NEGATIVE) or (verdict in NEGATIVE and other in POSITIVE):
                return True
        return False

    def _conditions(self, units: list[Unit], used: set[str], verdict: Verdict) -> list[Unit]:
        if verdict in {"no", "info"}:
            return []
        limiting = [
            u for u in units
            if u.text not in used and stance(u.text).force in {"condition", "consent"} and u.relevance > RANK_WEIGHT
        ]  # fmt: skip
        return limiting[:CONDITION_SENTENCES]

    def _record(self, units: list[Unit], used: set[str]) -> str:
        """The documents' own recording clause ("the reason ... must be recorded"), else the
        service's template; never a sentence that merely mentions records."""
        clauses = [u for u in units if u.text not in used and speaks_of(u.text, {"record"})]
        if clauses:
            return " ".join(_quote(u, 45) for u in clauses[:RECORD_SENTENCES])
        return (
            "Note what you shared, with whom, when and why, the lawful basis you relied on and "
            "whether the person agreed, as your service's procedure requires."
        )

    def _ask(self, deciding: Unit | None) -> str:
        c = self.contacts
        generic = (
            f"If unsure, ask {c.line_manager}. For a safeguarding concern, "
            f"{c.safeguarding_lead}. For data protection questions, {c.data_protection_officer}."
        )
        if deciding is None:
            return generic
        named = _ROLES.search(deciding.citation.passage.text)
        if named is None:
            return generic
        return f"The clause names {named.group(0).strip()} {cite(deciding.citation)}: start there. {generic}"

    def abstain(self, question: str, reason: str) -> Answer:
        """Say plainly that the documents do not cover this, cite nothing, and say who to ask."""
        lead = VERDICT_LEAD["not_covered"]
        rest = f"The documents I have do not cover this question ({reason})."
        parts = [f"**{lead}.** {rest}", "**Ask**", self._ask(None), "_" + NOT_LEGAL_ADVICE + "_"]
        return Answer(
            question=question, text="\n\n".join(parts), citations=[], abstained=True,
            mode="extractive", verdict="not_covered", bottom_line=joined(lead, rest),
        )  # fmt: skip


__all__ = ["ExtractiveAnswerer", "bottom_line", "is_decision", "rank_units", "units_of"]
