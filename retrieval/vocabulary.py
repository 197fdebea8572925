"""Everyday words for the terms of data protection, so plain questions meet legal clauses.

Written from the field's glossaries, not from any question set: the definitions of UK GDPR
Article 4, the principles of Article 5, the rights of Articles 12-22, the ICO's "Key definitions"
and "Guide to data protection" headings, and the defined terms the corpus's agreements use
(disclosure, retention, personal data breach, indemnity, special category data). Each entry maps a
pattern of lay wording to the documents' term; the term is added beside the question (BM25 and
the dense query both read it), never in place of it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# (lay wording, the documents' term, where the term is defined)
TERMS: tuple[tuple[str, str, str], ...] = (
    (
        r"pass(ing|ed)? (it |this |that )?on|hand(ing|ed)? over|let \w+ (see|have)|send (it|them)",
        "disclosure disclose third party",
        "Art 4(2) processing: disclosure by transmission",
    ),
    (
        r"\bkeep|\bkept\b|hold on to|hang on to|how long|store[ds]?\b|\bbin\b|shred",
        "retention retained storage limitation destroyed",
        "Art 5(1)(e) storage limitation",
    ),
    (
        r"delete|wipe|erase|get rid of|remove (it|them|everything|my)|forgotten",
        "erasure right to erasure",
        "Art 17 right to erasure",
    ),
    (
        r"\blost\b|leak|wrong (person|address|email|house)|stolen|hack|left (it|them|a|the) |"
        r"by mistake|mix-?up|went astray",
        "personal data breach unauthorised disclosure loss",
        "Art 4(12) personal data breach",
    ),
    (
        r"blame|sued|sue us|liable|compensation|our fault|who pays|pay for|responsible if",
        "indemnity liability damages",
        "agreements' indemnity clauses; Art 82 liability",
    ),
    (
        r"sensitive|medical|health|religio|ethnic|sexual|disab|mental health|genetic|biometric",
        "special category data health",
        "Art 9 special categories of personal data",
    ),
    (
        r"criminal record|conviction|arrest|offence|offending|charged with",
        "criminal offence data convictions",
        "Art 10 criminal convictions and offences",
    ),
    (
        r"\bagree[ds]?\b|permission|say yes|said yes|happy for|okay with|ok with|not asked",
        "consent",
        "Art 4(11) consent",
    ),
    (
        r"change[ds]? (his|her|their) mind|take (it )?back|no longer wants?",
        "withdraw consent",
        "Art 7(3) withdrawal of consent",
    ),
    (
        r"\bwho (is|'s) in charge|who owns|whose data|responsible for the data",
        "controller joint controllers",
        "Art 4(7) controller; Art 26 joint controllers",
    ),
    (
        r"contractor|supplier|company (that|who) (does|runs)|outsourc|third[- ]party (company|firm)",
        "processor",
        "Art 4(8) processor; Art 28",
    ),
    (
        r"life or death|danger to life|about to die|unconscious|emergency|immediate danger",
        "vital interests",
        "Art 6(1)(d) vital interests",
    ),
    (
        r"what (you|we) (hold|have|keep) (on|about)|copy of (my|his|her|their|the) (file|records?)|"
        r"see (my|his|her|their) (file|records?)",
        "right of access subject access request",
        "Art 15 right of access",
    ),
    (
        r"wrong details|incorrect|out of date details|correct (it|the|my|his|her)|fix (the|a) mistake",
        "rectification accuracy",
        "Art 16 rectification; Art 5(1)(d) accuracy",
    ),
    (
        r"object(s|ed|ing)?\b|stop (using|sharing)|doesn'?t want (us|you) to",
        "right to object restriction",
        "Art 21 right to object; Art 18 restriction",
    ),
    (
        r"how much|only what|just enough|everything about|the whole file|all (his|her|their) details",
        "data minimisation adequate relevant limited necessary",
        "Art 5(1)(c) data minimisation",
    ),
    (
        r"keep (it|them|this) safe|password|encrypt|lock(ed)? (away|up)|secure (email|way|route)|"
        r"\bsafely\b",
        "security integrity confidentiality secure transfer",
        "Art 5(1)(f) integrity and confidentiality; Art 32",
    ),
    (
        r"abroad|overseas|outside the uk|another country",
        "international transfer third country",
        "Chapter V transfers",
    ),
    (
        r"tell (them|him|her|people) what we do|leaflet|privacy notice|let (them|him|her) know why",
        "right to be informed privacy notice transparency",
        "Arts 12-14 transparency",
    ),
    (
        r"new (system|project|app|database)|risk assessment",
        "data protection impact assessment",
        "Art 35 DPIA",
    ),
    (
        r"without (the |their )?names?|take (the )?names? out|anonymi|can'?t be identified",
        "anonymisation pseudonymisation",
        "Art 4(5) pseudonymisation; Recital 26",
    ),
    (
        r"worried about|at risk|concern(s|ed)?\b|vulnerable|neglect|exploit|groom",
        "safeguarding adult at risk child at risk",
        "Care Act 2014 s42; Children Act 1989 s47",
    ),
    (
        r"in confidence|keep (it )?(a )?secret|private|confidential",
        "duty of confidentiality confidential information",
        "common law duty of confidence",
    ),
    (
        r"complain|unhappy|not happy|regulator|watchdog",
        "complaint supervisory authority information commissioner",
        "Art 77 right to complain",
    ),
    (
        r"(our|the) job|statutory|duty to|we have to|legally required|by law",
        "public task legal obligation lawful basis",
        "Art 6(1)(c),(e)",
    ),
    (
        r"prevent(ing)? crime|catch|investigat|prosecut|the police asked|police want",
        "prevention detection of crime law enforcement exemption",
        "DPA 2018 Sch 2 para 2; Part 3",
    ),
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern, re.I), term) for pattern, term, _ in TERMS)


def legal_terms(question: str) -> list[str]:
    """The documents' terms for the everyday wording in a question, in glossary order."""
    return [term for pattern, term in _compiled() if pattern.search(question)]
