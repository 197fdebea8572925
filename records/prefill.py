"""A first draft of a decision record read from an answer: the person checks and completes it.

Every guess comes from the answer itself (its verdict, the passages it cites, the question as
typed); nothing is looked up elsewhere. A field the answer says nothing about is left empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.answer import Answer, Citation
from core.passage import clause_shown
from core.sentences import split_sentences
from records.model import (
    ClauseCited,
    Consent,
    Decision,
    DecisionRecord,
    LawfulBasis,
)

# Kinds of recipient most sharing decisions name; a record may name any other organisation.
RECIPIENTS: tuple[str, ...] = (
    "Adult Social Care", "Children's Social Care", "Police", "NHS / GP", "Ambulance service",
    "Local council (housing, environmental health)", "Probation Service",
)  # fmt: skip
# Words in the question or the answer that name each kind, checked in this order.
RECIPIENT_WORDS: tuple[tuple[str, str], ...] = (
    (r"\b(children'?s (social care|services)|child protection|MASH)\b", "Children's Social Care"),
    (r"\b(adult social care|ASC|social services|the social)\b", "Adult Social Care"),
    (r"\b(police|officer|cops?|PCSO)\b", "Police"),
    (r"\b(GP|NHS|hospital|doctor|nurse)\b", "NHS / GP"),
    (r"\b(ambulance|paramedic)\b", "Ambulance service"),
    (r"\b(council|housing|landlord|environmental health)\b",
     "Local council (housing, environmental health)"),
    (r"\bprobation\b", "Probation Service"),
)  # fmt: skip
# Article 6(1) bases as the documents write them, checked in this order in each passage.
BASIS_WORDS: tuple[tuple[str, LawfulBasis], ...] = (
    (r"6\(1\)\(e\)|\bpublic task\b", "public_task"),
    (r"6\(1\)\(d\)|\bvital interests?\b", "vital_interests"),
    (r"6\(1\)\(c\)|\blegal obligation\b", "legal_obligation"),
    (r"6\(1\)\(a\)", "consent"),
    (r"6\(1\)\(f\)|\blegitimate interests?\b", "legitimate_interests"),
)
# Conditions and powers beyond Article 6: Article 9/10 conditions, sections of Acts, Schedules.
GATEWAY = re.compile(
    r"Article (?:9|10)(?:\(\d\)\([a-z]\))?(?: UK GDPR)?"
    r"|(?:section|s\.) ?\d+[A-Z]? of the (?:[A-Z][a-z]+ )+(?:and (?:[A-Z][a-z]+ )+)?Act \d{4}"
    r"|Schedule \d+(?: Part \d+)?(?: (?:paragraph|para\.?) \d+)? (?:to the |of the )?"
    r"(?:DPA 2018|Data Protection Act 2018)"
)
SECURE_ROUTE = re.compile(r"\b(secure|encrypted|egress|portal|nhs\.net|cjsm)\b", re.IGNORECASE)
REFUSED = re.compile(
    r"\b(said no|refus\w*|declin\w*|(does ?n[o']t|do ?n[o']t|won'?t) (want|agree)|objects?)\b",
    re.IGNORECASE,
)
GIVEN = re.compile(
    r"\b(agreed|consented|gave (her |his |their )?consent|is happy for|with (her|his|their) consent)\b",
    re.IGNORECASE,
)
# The danger route is not a document's secure route but the one the answer tells them to take.
DANGER_ROUTE = "By telephone, 999 (immediate danger)"
# How much of a document's sentence about sending securely is offered as the "how sent" draft.
ROUTE_CHARS = 220


@dataclass(frozen=True)
class Draft:
    """What the form starts from: the record's fields as guessed, each one editable."""

    record: DecisionRecord
    recipient_guessed: bool


def relied_on(answer: Answer) -> list[Citation]:
    """The citations the answer's text points at, else all it retrieved (in rank order)."""
    cited = answer.cited_numbers()
    return [c for c in answer.citations if c.n in cited] or list(answer.citations)


def clauses_cited(answer: Answer) -> tuple[ClauseCited, ...]:
    found = []
    for c in relied_on(answer):
        p = c.passage
        found.append(ClauseCited(p.source, p.title, p.clause, p.doc_version, p.page_shown))
    return tuple(dict.fromkeys(found))


def guess_lawful_basis(answer: Answer) -> LawfulBasis:
    """Vital interests for danger now; else the first Article 6 basis a relied-on passage names,
    then any retrieved passage; else not stated."""
    if answer.verdict == "act_now":
        return "vital_interests"
    for citations in (relied_on(answer), answer.citations):
        for c in citations:
            for pattern, basis in BASIS_WORDS:
                if re.search(pattern, c.passage.text, re.IGNORECASE):
                    return basis
    return "not_stated"


def guess_gateway(answer: Answer) -> str:
    """Other conditions and powers the relied-on passages name, in order, each once."""
    found = [m.group(0) for c in relied_on(answer) for m in GATEWAY.finditer(c.passage.text)]
    return "; ".join(dict.fromkeys(found))


def guess_recipient(question: str, answer: Answer) -> str:
    """The kind of organisation the question names, else the one the answer names first."""
    for text in (question, answer.bottom_line, answer.text):
        for pattern, recipient in RECIPIENT_WORDS:
            if re.search(pattern, text, re.IGNORECASE):
                return recipient
    return ""


def guess_consent(question: str) -> Consent:
    if REFUSED.search(question):
        return "refused"
    if GIVEN.search(question):
        return "given"
    return "not_sought"


def guess_route(answer: Answer) -> str:
    """The documents' own secure route: the first retrieved sentence about sending securely."""
    if answer.verdict == "act_now":
        return DANGER_ROUTE
    for c in [*relied_on(answer), *answer.citations]:
        for sentence in split_sentences(c.passage.text):
            if SECURE_ROUTE.search(sentence):
                where = f" ({clause_shown(c.passage.clause)})" if c.passage.clause else ""
                return " ".join(sentence.split())[:ROUTE_CHARS] + where
    return ""


def guess_decision(answer: Answer) -> Decision:
    return "not_shared" if answer.verdict in ("no", "not_without") else "shared"


def prefill(answer: Answer, question: str, decided_by: str, now: datetime) -> Draft:
    """A draft record of the decision this answer informs; `question` as the person typed it."""
    recipient = guess_recipient(question, answer)
    record = DecisionRecord(
        question=" ".join(question.split()), verdict=answer.verdict,
        decision=guess_decision(answer), lawful_basis=guess_lawful_basis(answer),
        clauses=clauses_cited(answer), recipient=recipient or RECIPIENTS[0],
        consent=guess_consent(question), decided_at=now.replace(second=0, microsecond=0),
        decided_by=decided_by, legal_gateway=guess_gateway(answer), sent_by=guess_route(answer),
        bottom_line=answer.bottom_line, answer_id=answer.log_id,
    )  # fmt: skip
    return Draft(record, recipient_guessed=bool(recipient))
