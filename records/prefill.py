"""A first draft of a decision record read from an answer: the person checks and completes it.

Every guess comes from the answer itself (its verdict, the passages it cites, the question as
typed); nothing is looked up elsewhere. A field the answer says nothing about is left empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.answer import Answer, Citation
from core.passage import Passage
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
# A list item's or clause's own numbering at the start of a sentence: "(a) ", "7.1 ".
LIST_MARK = re.compile(r"^(?:\(?[a-z0-9]{1,3}\)\s+|\d+(?:\.\d+)+\s+)")
# Passages a draft may quote a basis or a route from: forms and contact blocks never.
QUOTABLE = ("prose", "list")
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
    return tuple(dict.fromkeys(clause_of(c.passage) for c in relied_on(answer)))


def _searched(answer: Answer, more: Sequence[Passage]) -> list[Passage]:
    """Where a guess is looked for: the relied-on passages, the rest retrieved, then `more`."""
    return [*(c.passage for c in relied_on(answer)), *(c.passage for c in answer.citations), *more]


def basis_passage(
    passages: Sequence[Passage], by_basis: bool = False
) -> tuple[LawfulBasis, Passage] | None:
    """The first Article 6 basis a passage (prose or list) names, with the passage naming it:
    passages in order, or with `by_basis` bases in BASIS_WORDS order (public task first), for
    passages found by searching rather than cited, whose order says less."""
    quotable = [p for p in passages if p.passage_type in QUOTABLE]
    # A searched clause on vital interests describes danger to life, which only the answer's own
    # verdict (act_now) or its cited passages may bring into a draft.
    usual = [w for w in BASIS_WORDS if w[1] != "vital_interests"]
    pairs = (
        [(p, w) for w in usual for p in quotable] if by_basis
        else [(p, w) for p in quotable for w in BASIS_WORDS]
    )  # fmt: skip
    for p, (pattern, basis) in pairs:
        if re.search(pattern, p.text, re.IGNORECASE):
            return basis, p
    return None


def route_passage(passages: Sequence[Passage]) -> tuple[str, Passage] | None:
    """The first sentence about sending securely (prose or list), with the passage saying it."""
    for p in passages:
        if p.passage_type not in QUOTABLE:
            continue
        for sentence in split_sentences(p.text):
            if SECURE_ROUTE.search(sentence):
                plain = LIST_MARK.sub("", " ".join(sentence.split())).rstrip(";,: ")
                return plain[:1].upper() + plain[1:ROUTE_CHARS], p
    return None


def guess_lawful_basis(answer: Answer, more: Sequence[Passage] = ()) -> LawfulBasis:
    """Vital interests for danger now; else the first Article 6 basis the answer's passages
    name, then the most usual one `more` names (the documents' passages on the basis for this
    recipient); else not stated."""
    if answer.verdict == "act_now":
        return "vital_interests"
    found = basis_passage(_searched(answer, ())) or basis_passage(more, by_basis=True)
    return found[0] if found else "not_stated"


def guess_gateway(answer: Answer) -> str:
    """Other conditions and powers the relied-on passages name, in order, each once."""
    found = list(dict.fromkeys(
        m.group(0) for c in relied_on(answer) for m in GATEWAY.finditer(c.passage.text)
    ))  # fmt: skip
    # "Article 9" says nothing that "Article 9(2)(g)" beside it does not.
    return "; ".join(f for f in found if not any(o != f and o.startswith(f) for o in found))


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


def guess_route(answer: Answer, more: Sequence[Passage] = ()) -> str:
    """The documents' own secure route: the first sentence about sending securely in the
    answer's passages, then in `more`, with where it says so."""
    if answer.verdict == "act_now":
        return DANGER_ROUTE
    found = route_passage(_searched(answer, more))
    if found is None:
        return ""
    sentence, p = found
    return f"{sentence} ({p.citation_label()})"


def guess_decision(answer: Answer) -> Decision:
    return "not_shared" if answer.verdict in ("no", "not_without") else "shared"


def clause_of(p: Passage) -> ClauseCited:
    return ClauseCited(p.source, p.title, p.clause, p.doc_version, p.page_shown)


# Documents whose general rules may fill a gap in a draft; an agreement only when the answer cites
# it (another agreement's basis or route belongs to other partners).
GENERAL_KINDS = frozenset({"charter", "guidance", "legislation", "policy"})


def applicable(answer: Answer, passages: Sequence[Passage]) -> list[Passage]:
    """The passages that can speak to this answer's decision: from a document it cites, or from
    a charter, guidance, legislation or policy."""
    cited = {c.passage.source for c in answer.citations}
    return [p for p in passages if p.source in cited or p.kind in GENERAL_KINDS]


def documents_question(recipient: str) -> tuple[str, str]:
    """What the documents are asked for a basis and a route the answer does not give."""
    to = recipient or "a partner organisation"
    return (f"What is the lawful basis under UK GDPR Article 6 for the fire and rescue service "
            f"sharing personal data with {to}?",
            f"How must personal information be sent securely to {to}?")  # fmt: skip


def prefill(
    answer: Answer, question: str, decided_by: str, now: datetime, more: Sequence[Passage] = ()
) -> Draft:
    """A draft record of the decision this answer informs; `question` as the person typed it,
    `more` the documents' passages on the basis and the secure route (documents_question)."""
    recipient = guess_recipient(question, answer)
    more = applicable(answer, more)
    own = _searched(answer, ())
    # A basis or route the answer does not give, found in `more`, brings its clause with it.
    found_elsewhere = [] if answer.verdict == "act_now" else [
        found[1] for found, has in ((basis_passage(more, by_basis=True), basis_passage(own)),
                                    (route_passage(more), route_passage(own)))
        if found and not has
    ]  # fmt: skip
    clauses = [*clauses_cited(answer), *(clause_of(p) for p in found_elsewhere)]
    record = DecisionRecord(
        question=" ".join(question.split()), verdict=answer.verdict,
        decision=guess_decision(answer), lawful_basis=guess_lawful_basis(answer, more),
        clauses=tuple(dict.fromkeys(clauses)), recipient=recipient or RECIPIENTS[0],
        consent=guess_consent(question), decided_at=now.replace(second=0, microsecond=0),
        decided_by=decided_by, legal_gateway=guess_gateway(answer),
        sent_by=guess_route(answer, more), bottom_line=answer.bottom_line,
        answer_id=answer.log_id,
    )  # fmt: skip
    return Draft(record, recipient_guessed=bool(recipient))
