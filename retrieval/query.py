"""What staff type -> what the documents say: abbreviations, colloquialisms, follow-up context."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.vocabulary import legal_terms

# Abbreviations and words staff use, with the wording the documents use. The expansion is added
# beside the original, never in place of it, so an exact match still counts.
EXPANSIONS: dict[str, str] = {
    "hfsv": "home fire safety visit",
    "hfsvs": "home fire safety visits",
    "hsv": "home safety visit",
    "saw": "safe and well visit",
    "s&w": "safe and well visit",
    "asc": "adult social care",
    "csc": "children's social care",
    "mash": "multi-agency safeguarding hub",
    "dpo": "data protection officer",
    "isa": "information sharing agreement",
    "isp": "information sharing protocol",
    "dsa": "data sharing agreement",
    "sar": "subject access request",
    "dpa": "data protection act",
    "gdpr": "general data protection regulation",
    "ukgdpr": "general data protection regulation",
    "ico": "information commissioner supervisory authority",
    "foi": "freedom of information",
    "rtc": "road traffic collision",
    "gp": "general practitioner doctor",
    "marac": "multi-agency risk assessment conference",
    "la": "local authority",
    "wm": "watch manager",
    "nok": "next of kin",
    "dob": "date of birth",
    "ni": "national insurance",
}
# Abbreviations that are also ordinary words: expanded only when typed in capitals.
AMBIGUOUS = frozenset({"saw", "la", "ni", "wm", "isa", "sar", "gp"})
# Everyday words for the subject itself (people, agencies, harms, the act of telling): added
# to the search and counted by the scope check, so "can I tell the cops?" is about sharing.
SUBJECT: dict[str, str] = {
    r"\b(bloke|chap|fella|fellow|geezer|lad|guy)s?\b": "man person",
    r"\b(lass|lady)\b": "woman person",
    r"\b(mum|mam|mom)\b": "mother parent",
    r"\b(dad)\b": "father parent",
    r"\b(kid|kids|kiddie|kiddies|nipper)s?\b": "child children",
    r"\b(teenager|teen|youngster)s?\b": "child young person",
    r"\b(cops?|coppers?|old bill|plod|detective|dc|ds|bobby)\b": "police",
    r"\b(the council)\b": "local authority council",
    r"\b(social services|social workers?|socials)\b": "social care safeguarding",
    r"\b(hoard|hoarding|hoarder|rammed|cluttered|clutter)\b": "hoarding self-neglect",
    r"\b(tell|pass on|share)\b(?! (me|us)\b)": "share disclose",
    r"\b(trafficking|trafficked|slaves?|slavery)\b": "modern slavery trafficking",
    r"\b(knocked about|beaten|hit|hurt|abused)\b": "abuse harm",
    r"\b(copy of everything|everything we hold|information we hold on)\b": "subject access right of access",
    r"\b(pc|pcso|constable|officer)\b": "police",
}
# Everyday ways of saying what the documents say formally (deadlines, mistakes, methods,
# health details, who we are): added to the search only. They are not evidence that a question
# is about sharing: "on Saturday" or "fire service" appear in questions about anything.
PHRASING: dict[str, str] = {
    r"\b(pass|give|hand over|let \w+ have)\b": "share disclose",
    r"\b(telly|phone|rang|ring|phoned|called)\b": "telephone",
    r"\b(e-?mailed|e-?mail)\b": "email sent",
    r"\b(changed (his|her|their) mind|withdr[ae]w)\w*\b": "withdraw consent",
    r"\b(says? no|refus\w+|won't agree|doesn't want)\b": "refuses consent",
    r"\b(confused|dementia|forgetful|muddled)\b": "mental capacity",
    r"\b(lost|left|misplaced|wrong person|wrong address|by mistake)\b": "breach loss unauthorised disclosure",
    r"\b(how long|deadline|how fast|how quickly|time limit)\b": "within time limit days hours",
    r"\b(allowed|can i|am i able|is it ok|ok to)\b": "lawful permitted",
    r"\b(record|write down|note down|log)\b": "record",
    r"\b(money|cash|pension|bank)\b": "financial abuse",
    r"\b(cloud|supplier|contractor|provider)\b": "processor",
    r"\b(out cold|unconscious|collapsed)\b": "physically incapable vital interests",
    # Domain facts staff know but do not say: health details are special category data, and a
    # fire service, council, NHS body or police force is a public authority.
    r"\b(diabet\w*|insulin|medication|medical|illness|condition|disabilit\w*|mental health|"
    r"dementia|pregnan\w*|gp|hospital|health)\b": "health data special category",
    r"\b(fire and rescue|fire service|frs|hfrs|we are a|council|police|nhs)\b": "public authority",
    r"\b(ethnicity|religio\w*|sexual\w*|criminal record|prison|convictions?)\b": "special category",
    r"\b(1[0-7]|[1-9]) ?(year|yr)s?[- ]old\b": "child young person parental responsibility",
    r"\b(whatsapp|text(ed)?|sms|messenger|snapchat|personal email|gmail|hotmail)\b": "secure transfer method email",
    r"\b(out of hours|weekend|saturday|sunday|night|\d+ ?pm|evening|bank holiday)\b": "outside office hours emergency duty team",
    r"\b(on purpose|deliberate\w*|set fire|fire setting|firesetting|arsonist)\b": "arson deliberate fire",
    r"\b(in date|out of date|expired|still valid|still current)\b": "review date",
    r"\b(what (do|should) i (put|include|send)|what details|what info\w*)\b": "information to be shared minimum",
    r"\b(forward|pass it on|onward)\w*\b": "third party disclosure",
    r"\b(muddled|doesn't understand|didn't understand|not understand|lacks? capacity)\b": "mental capacity",
    r"\b(ring|call|phone) (who|whom)|who (do|should) i (ring|call|phone|contact|tell)\b": "contact report",
}

_TOKEN = re.compile(r"[A-Za-z&]+")
# Short replies that only make sense with the earlier question ("what if she says no?").
_FOLLOW_UP = re.compile(
    r"^(and|but|what if|what about|how about|so|then|also|ok|okay|does that|is that|can i still)\b"
    r"|\b(she|he|they|them|it|that|this|those|her|him)\b",
    re.I,
)
FOLLOW_UP_MAX_WORDS = 12


# A part of a question worth searching on its own has at least this many words.
PART_MIN_WORDS = 3
# Sentence ends, and a spaced dash ("... back of the house - who do I tell?"), split a question.
_PART_BREAK = re.compile(r"(?<=[.?!])\s+|\s+[-–—]\s+")


@dataclass(frozen=True)
class SearchQuery:
    """The question as asked, the text BM25 searches (with the documents' wording added), its
    parts, and `plain`: the searched words without additions, which the whole-question dense
    signals read (RetrievalSettings.dense_query; "" means `text`)."""

    asked: str
    text: str
    used_history: bool = False
    parts: tuple[str, ...] = ()
    plain: str = ""

    def dense_text(self, as_asked: bool = True) -> str:
        """What the whole-question vector embeds: the words as asked, or the expanded text."""
        return self.plain if as_asked and self.plain else self.text


def expand(question: str, phrasing: bool = True, vocabulary: bool = False) -> str:
    """The question plus the documents' wording for the abbreviations and slang in it; with
    `phrasing=False` only the words for the subject, which is what the scope check reads; with
    `vocabulary` also the legal terms for everyday wording (retrieval/vocabulary.py)."""
    extra: list[str] = []
    for word in _TOKEN.findall(question):
        key = word.lower()
        if key in EXPANSIONS and (word.isupper() or key not in AMBIGUOUS):
            extra.append(EXPANSIONS[key])
    lowered = question.lower()
    patterns = SUBJECT | PHRASING if phrasing else SUBJECT
    for pattern, wording in patterns.items():
        if re.search(pattern, lowered):
            extra.append(wording)
    if vocabulary:
        extra.extend(legal_terms(question))
    return f"{question} {' '.join(dict.fromkeys(extra))}".strip()


def is_follow_up(question: str) -> bool:
    return len(question.split()) <= FOLLOW_UP_MAX_WORDS and bool(_FOLLOW_UP.search(question))


def parts(text: str, vocabulary: bool = False) -> tuple[str, ...]:
    """The sentences of a question, each with its own expansions. Staff describe the situation
    first and ask last; embedded whole, the story can drown the question, so each part is also
    compared with the passages on its own (see HybridSearch). One part for a one-line question."""
    found = [p.strip() for p in _PART_BREAK.split(text) if len(p.split()) >= PART_MIN_WORDS]
    return tuple(expand(p, vocabulary=vocabulary) for p in found) or (
        expand(text, vocabulary=vocabulary),
    )


def build_query(
    question: str, earlier: list[str], turns: int = 2, vocabulary: bool = False
) -> SearchQuery:
    """A follow-up is searched together with the earlier question(s) of the conversation."""
    follow_up = bool(earlier and turns and is_follow_up(question))
    searched = f"{' '.join(earlier[-turns:])} {question}" if follow_up else question
    return SearchQuery(
        question,
        expand(searched, vocabulary=vocabulary),
        used_history=follow_up,
        parts=parts(searched, vocabulary),
        plain=searched,
    )
