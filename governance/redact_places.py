"""Where a person lives, learns, is cared for or works: addresses with or without a house number,
house names, "at number 12", and schools, care homes, surgeries, nurseries and workplaces."""

from __future__ import annotations

import re
from collections.abc import Iterator

from governance.redact_patterns import Span, groups

_STREET = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|grove"
    r"|place|pl|terrace|gardens|gdns|walk|view|park|square|sq|hill|row|mews|rise|parade|green"
    r"|gate|garth|fold|croft|chase|vale|approach|boulevard|villas|wharf|quay|bank|cottages)"
    r"(?:\s+(?:north|south|east|west))?"
)
_NOT_STREET_WORD = (
    r"(?!(?:of|the|and|in|on|to|for|a|an|at|by|from|under|with|or|per|hours?|days?)\b)"
)
_STREET_WORDS = r"(?:" + _NOT_STREET_WORD + r"[A-Za-z][A-Za-z'-]*\s+){1,3}"
# "14 Beverley Road", "flat 3, 22 Spring Bank West", "12 The Crescent", "Flat 12, Gibson Court".
NUMBERED_ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit|room)\s+\d+[A-Za-z]?,?\s+)?"
    r"(?:\d{1,4}[A-Za-z]?,?\s+(?:" + _STREET_WORDS + r"|the\s+)" + _STREET + r"|"
    r"(?:flat|apartment|apt)\s+\d+[A-Za-z]?,?\s+" + _STREET_WORDS + _STREET + r")\b",
    re.IGNORECASE,
)
_CAP = r"[A-Z][a-z'’]*(?:-[A-Z]?[a-z]+)*"
# A street named without a number, in capitals: "on Holderness Road", "High St,". "St" followed
# by a capitalised word is "Saint", not "Street".
STREET_NAME = re.compile(
    rf"\b((?:{_CAP}\s+){{1,3}}"
    r"(?:Road|Rd|Street|St(?!\.?\s+[A-Z])|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Grove"
    r"|Place|Terrace|Gardens|Walk|Mews|Rise|Parade|Row|Garth|Fold|Croft|Chase|Vale|Boulevard"
    r"|Square|Villas|Wharf|Quay)(?:\s+(?:North|South|East|West))?)\b"
)
# Capitalised words that make "X Court", "X Way", "X Walk" something other than a street.
NOT_STREET_NAMES = frozenset(
    "crown magistrates magistrates' county family youth high supreme coroner's coroners appeal "
    "royal combined the fire police council nhs service safe well data protection".split()
)
_HOUSE = (
    r"(?:Cottage|Farm|Farmhouse|House|Lodge|Barn|Manor|Bungalow|Villa|Mill|Grange|Rectory"
    r"|Vicarage|Hall|Stables|Orchard|Nook|Coach\s+House)"
)
HOUSE_NAME = re.compile(rf"\b((?:The\s+)?(?:{_CAP}\s+){{1,3}}{_HOUSE})\b")
NOT_HOUSE_NAMES = frozenset(
    "town city village county guild parliament companies open safe public guest health care "
    "halfway council police fire station court crown civic community church sports leisure "
    "kelvin white opera concert dance music bingo royal mansion custom customs government "
    "trinity senate student students academy college university".split()
)
# "the lady at number 14", "at no. 27", "from No 9".
HOUSE_NUMBER = re.compile(
    r"\b(?:at|from|to|of|in|outside|opposite|near|into|lives|living|next\s+door\s+to)\s+"
    r"(?:the\s+)?(?:(?:house|home|property|flat)\s+(?:at\s+)?)?"
    r"((?:number|no\.?|num\.?|#)\s?\d{1,4}[a-z]?)\b(?![./-]\d)",
    re.IGNORECASE,
)
# A hospital is a partner organisation, except where it says where a person is: "a patient at
# Castle Hill Hospital", "discharged from Hull Royal Infirmary".
HOSPITAL_FOR_A_PERSON = re.compile(
    r"\b(?:patient|inpatient|admitted|discharged|staying|ward|works?|worked|working)"
    r"(?:\s+[a-z]+)?\s+(?:at|to|in|from)\s+(?:the\s+)?"
    rf"((?:{_CAP}\s+){{1,3}}(?:Hospital|Infirmary|Hospice|Clinic))\b"
)
# "lives at The Willows", "the house is called Meadowside": a home named after a cue.
HOME_AFTER_CUE = re.compile(
    r"\b(?:lives|living|lived|moved|staying|stays|address\s+is|(?:house|home|property|bungalow"
    r"|cottage|farm)\s+(?:is\s+)?called)\s+(?:(?:at|in|to|on|into)\s+)?"
    rf"((?:The\s+)?{_CAP}(?:\s+{_CAP}){{0,3}})"
)
FLAT_ALONE = re.compile(
    r"\b(?:at|from|to|in|outside|into|lives\s+in|living\s+in)\s+(?:the\s+)?"
    r"((?:flat|apartment|apt)\s+\d{1,4}[a-z]?)\b",
    re.IGNORECASE,
)

_INSTITUTION_HEAD = (
    r"(?:(?:Primary|Junior|Infants?|Secondary|High|Grammar|Community|Special|Nursery|Free"
    r"|Church|Catholic|Methodist|CE|C\s?of\s?E|RC|Sixth\s+Form)\s+)*"
    r"(?:School|Academy|College|Primary|Infants|Juniors|Nursery|Pre-?[Ss]chool|Playgroup"
    r"|Children's\s+Centre|Care\s+Home|Nursing\s+Home|Residential\s+Home|Rest\s+Home"
    r"|Care\s+Centre|Day\s+Centre|Surgery|Medical\s+Centre|Health\s+Centre|Medical\s+Practice"
    r"|Group\s+Practice|Practice|Hostel|Hospice|UTC)(?:\s+(?:North|South|East|West))?"
)
# The same place words in lower case, after a capitalised name: "Busy Bees nursery".
_LOWER_HEAD = (
    r"(?:(?:primary|junior|infant|secondary|high|grammar|community|special|nursery)\s+)*"
    r"(?:school|academy|college|primary|nursery|pre-?school|playgroup|care\s+home"
    r"|nursing\s+home|residential\s+home|surgery|medical\s+centre|health\s+centre)"
)
# "Greatfield Primary School", "St Mary's Catholic Primary", "Oakwood Care Home".
INSTITUTION = re.compile(
    rf"\b((?:(?:St\.?|Saint)\s+)?(?:{_CAP}\s+(?:(?:and|on|upon|in|the)\s+)?){{1,4}}"
    + rf"(?:{_INSTITUTION_HEAD}|{_LOWER_HEAD}))(?![\w-])"
)
# A workplace after "works at" is kept unless it is one of the public services themselves.
NOT_WORKPLACE_NAMES = frozenset(
    "the a fire police service services council nhs ambulance rescue army navy".split()
)
NOT_INSTITUTION_NAMES = frozenset(
    "the a fire police service services council nhs gp ambulance royal code good best our your "
    "their his her local national county city borough safe and well data protection rescue "
    "army navy training police's fire's her majesty's".split()
)
# "works at Tesco Extra", "a pupil at Hymers", "attends St Anne's": a named place a person goes.
PLACE_AFTER_CUE = re.compile(
    r"\b(?:works?|working|worked|employed|job|shifts?|pupil|student|studies|attends|attending"
    r"|year\s+\d{1,2})(?:\s+[a-z]+){0,3}?\s+(?:at|for|by)\s+(?:the\s+)?"
    rf"((?:(?:St\.?|Saint)\s+)?{_CAP}(?:\s+{_CAP}){{0,2}})"
    r"|\b(?:attends|attending)\s+"
    rf"((?:(?:St\.?|Saint)\s+)?{_CAP}(?:\s+{_CAP}){{0,2}})"
)


def _clean_words(found: str, banned: frozenset[str], skip_last: int = 1) -> bool:
    words = [w.lower().strip(".,") for w in found.split()]
    return not any(w in banned for w in words[: len(words) - skip_last])


def _only_a_town(name: str) -> bool:
    from governance.redact_names import fold, gazetteer

    return fold(name.strip()) in gazetteer().places


def streets(text: str) -> Iterator[Span]:
    for match in STREET_NAME.finditer(text):
        words = match.group(1).split()
        kept = words
        while kept and kept[0].lower() in NOT_STREET_NAMES | {"the"}:
            kept = kept[1:]
        if len(kept) >= 2 and _clean_words(" ".join(kept), NOT_STREET_NAMES):
            start = match.end(1) - len(" ".join(kept))
            if text[start : match.end(1)] == " ".join(kept):
                yield Span(start, match.end(1), "ADDRESS")


def house_names(text: str) -> Iterator[Span]:
    for match in HOUSE_NAME.finditer(text):
        if _clean_words(match.group(1), NOT_HOUSE_NAMES):
            yield Span(match.start(1), match.end(1), "ADDRESS")


def institutions(text: str) -> Iterator[Span]:
    for match in INSTITUTION.finditer(text):
        found = match.group(1)
        head_at = re.search(rf"(?:{_INSTITUTION_HEAD}|{_LOWER_HEAD})$", found)
        name = found[: head_at.start()] if head_at else found
        if head_at and head_at.group(0).islower():
            possessive = re.fullmatch(r"\s*\S+['’]s\s*", name) is not None
            if possessive or _only_a_town(name):
                continue  # "Ellie's school" (her name is found as a name), "a Hull school"
        if name.strip() and _clean_words(name, NOT_INSTITUTION_NAMES, skip_last=0):
            yield Span(match.start(1), match.end(1), "SCHOOL_OR_INSTITUTION")
    for match in PLACE_AFTER_CUE.finditer(text):
        group = 1 if match.group(1) else 2
        if _clean_words(match.group(group), NOT_WORKPLACE_NAMES, skip_last=0):
            yield Span(match.start(group), match.end(group), "SCHOOL_OR_INSTITUTION")


def homes_after_cue(text: str) -> Iterator[Span]:
    from governance.redact_names import fold, gazetteer

    for match in HOME_AFTER_CUE.finditer(text):
        found = match.group(1)
        words = found.split()
        if any(w.lower() in NOT_HOUSE_NAMES | {"fire", "police", "council"} for w in words):
            continue
        if fold(found) in gazetteer().places or fold(words[-1]) in gazetteer().places:
            continue  # "lives in Bridlington": a town, not an address
        if len(words) == 1 and fold(found) in gazetteer().first:
            continue  # "moved in Kayleigh"? leave names to the name rules
        yield Span(match.start(1), match.end(1), "ADDRESS")


def place_spans(text: str) -> Iterator[Span]:
    """Every address and institution span, overlapping or not."""
    yield from groups(NUMBERED_ADDRESS, "ADDRESS", text)
    yield from streets(text)
    yield from house_names(text)
    yield from groups(HOUSE_NUMBER, "ADDRESS", text, 1)
    yield from groups(FLAT_ALONE, "ADDRESS", text, 1)
    yield from groups(HOSPITAL_FOR_A_PERSON, "SCHOOL_OR_INSTITUTION", text, 1)
    yield from homes_after_cue(text)
    yield from institutions(text)
