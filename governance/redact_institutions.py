"""Institutions that say where a particular person is: the hospital and ward a patient is on, the
school a child goes to, a practice or care home written in lower case.

A hospital or ward is a partner organisation until a person is spoken of beside it ("Can I ring
Bridlington Hospital about Mr Pexton?"); a school named after "goes to" or "is at" needs a child
or pronoun before it. Public services named as recipients, and towns alone, stay.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from governance.redact_patterns import Span
from governance.redact_places import _CAP, _LOWER_HEAD, KIN, PUBLIC_BODY_WORDS, _only_a_town
from governance.redact_words import DAYS_AND_MONTHS, SERVICE_WORDS, STOPWORDS, TITLES

KIND = "SCHOOL_OR_INSTITUTION"

# "Castle Hill Hospital", "Hull Royal Infirmary", "St Catherine's Hospice".
NAMED_HOSPITAL = re.compile(
    rf"\b((?:(?:St\.?|Saint)\s+)?(?:{_CAP}\s+(?:(?:and|of|upon|on)\s+)?){{1,4}}"
    r"(?:Hospital|Infirmary|Hospice))\b"
)
# Words that alone do not name one hospital: "the General Hospital", "a Community Hospital".
GENERIC_HOSPITAL_WORDS = frozenset(
    "the a an nhs our your their local general community district royal county city children's "
    "women's maternity mental psychiatric private teaching acute cottage university".split()
)
# "Ward 110", "Ward 9B", "Johnson Ward": a hospital ward by its number or its name.
NAMED_WARD = re.compile(
    rf"\b((?i:ward)\s+\d{{1,3}}[A-Za-z]?|(?:{_CAP}\s+){{1,2}}Ward)\b(?!['’]?s?\s*\d)"
)
# "Ward 9 at Hull Royal", "ward 40 at HRI", "Jubilee ward at Westwood": a ward and its hospital
# are one place.
HOSPITAL_AFTER_WARD = re.compile(
    r"\s+(?:at|in)\s+(?:the\s+)?((?:[A-Z][A-Za-z'’]*)(?:\s+[A-Z][A-Za-z'’]*){0,3})"
    r"(?:\s+(?i:hospital|infirmary))?(?![\w'’-])"
)
NAMED_WARD_LOWER = re.compile(rf"\b((?:{_CAP}\s+){{1,2}}ward)(?=\s+(?:at|in)\s+[A-Z])")
# "taken to Grimsby hospital": a town's hospital written in lower case.
LOWER_HOSPITAL = re.compile(rf"\b((?:{_CAP}\s+){{1,3}}(?:hospital|infirmary|hospice))\b")
# "in Hull Royal on ward 70": the place a person is, said by the ward or unit after it.
# "in Castle Hill now, ward 30": or with the ward after a comma.
HOSPITAL_BEFORE_WARD = re.compile(
    rf"\b(?:in|at)\s+(?:the\s+)?({_CAP}(?:\s+{_CAP}){{0,2}})(?:\s+on\s+(?:the\s+)?"
    r"(?:[a-z]+\s+)?(?i:ward|unit)\b|(?:\s+now)?\s*,\s*(?:on\s+)?(?i:ward|bay)\s+\d)"
)
# A particular person in the text: a title before a word, or a pronoun that is not the generic
# "his or her". Questions about "a patient" or "someone" name no one.
# "If a patient says she...": a pronoun standing for someone introduced as anyone at all.
ANYONE = re.compile(
    r"\b(?:a|an|any|every|someone|somebody|anyone|anybody)\s+(?:[a-z]+\s+)?(?:patient|resident"
    r"|woman|man|person|child|lady|gentleman|tenant|occupier|householder|client|adult|parent"
    r"|mother|father|carer|pupil|student|boy|girl|user|member|victim|caller)s?\b|\b(?:someone"
    r"|somebody|anyone|anybody)\b",
    re.IGNORECASE,
)
PARTICULAR_PERSON = re.compile(
    r"\b(?:mr|mrs|ms|miss|mx|dr)\.?\s+[A-Za-z]|\b(?:he|she|him|his|her|hers)\b", re.IGNORECASE
)
GENERIC_PRONOUNS = re.compile(
    r"\b(?:he|she|him|his|her|s)\s*(?:or|/)\s*(?:he|she|him|his|her|hers)\b", re.IGNORECASE
)
# "on the burns unit at Pinderfields", "admitted to Scunthorpe General", "discharged from Castle
# Hill", "took him to Diana Princess of Wales", "taken to HRI": where a person is cared for, said by
# the care, with or without the word "Hospital", or by the hospital's initials.
CARED_FOR_AT = re.compile(
    r"\b(?:(?i:unit|ward|icu|hdu|a\s?&\s?e|a\s+and\s+e|intensive\s+care|resus|maternity"
    rf"|theatres?|inpatient|patient|day\s+centre|respite|ward\s+\d{{1,3}}[a-z]?|{_CAP}\s+ward)\s+(?i:at|in)"
    r"|(?i:admitted|transferred|taken|conveyed|blue[- ]?lighted|(?:took|rushed)\s+(?:him|her))"
    r"\s+(?:to|into)|(?i:discharged)\s+from)\s+"
    rf"(?:(?i:the\s+)?((?:(?:St\.?|Saint)\s+)?{_CAP}(?:\s+(?:of\s+|upon\s+)?{_CAP}){{0,3}})"
    r"|([A-Z]{2,5}))(?![\w&-]|['’][a-z])"
)
# Initials of a ward or department, not of a hospital: "taken to ICU".
DEPARTMENT_INITIALS = frozenset(
    "ICU HDU ITU CCU ED AAU MAU SAU CDU AMU NICU PICU SCBU EAU GP HQ MIU UTC".split()
)
# "goes to Malet Lambert", "started at Kelvin Hall", "in year 9 at Hymers": a school named by
# what a child does there; the child is spoken of earlier in the sentence (PERSON_BEFORE).
SCHOOL_CUE = re.compile(
    r"\b(?:(?:goes|go|going|went|gone)\s+to|(?:started|starts|starting|moved|moving)\s+(?:at|to)"
    r"|(?:in\s+)?(?:year|yr)\s*\d{1,2}\s+at|in\s+(?:reception|nursery|the\s+sixth\s+form)\s+at"
    r"|(?:pupil|student)s?\s+at|(?:changed|moved)\s+schools?\s+to"
    r"|(?:he|she|they|who|lad|son|daughter|girl|boy|kid|kids|child|grandson|granddaughter)"
    r"(?:['’]s|\s+is|\s+was|\s+are)?\s+(?:now\s+|still\s+)?at)"
    r"\s+(?:the\s+)?"
    rf"((?:(?:St\.?|Saint)\s+)?{_CAP}(?:\s+{_CAP}){{0,2}})(?![\w'’-])"
)
PERSON_BEFORE = re.compile(
    r"\b(?:he|she|they|his|her|their|son|daughter|lad|lass|boy|girl|kid|kids|child|children"
    r"|grandson|granddaughter|grandchild|nephew|niece|brother|sister|teenager|youngster|pupil|twins"
    r"|aged?\s+\d{1,2}|mr|mrs|ms|miss)\b|,\s*\d{1,2}\s*,|\(\d{1,2}\)",
    re.IGNORECASE,
)
# "her GP surgery is Haxby Group", "registered with Park Lane": the practice a patient is with.
GP_PRACTICE_CUE = re.compile(
    r"\b(?:(?i:gp|gp['’]?s|gp\s+surgery|gp\s+practice|doctors|doctor['’]?s|surgery|practice)"
    r"\s+(?:is|was|:|-)\s+(?:at\s+|with\s+)?|(?i:registered)\s+(?:with|at)\s+)(?:the\s+)?"
    rf"({_CAP}(?:\s+{_CAP}){{0,3}})(?![\w'’-])"
)
# A school or practice written in lower case after "at", "attends": "at kingswood academy". The
# name's first word may be a place but no everyday word ("at the local primary school" stays).
LOWER_INSTITUTION = re.compile(
    r"\b(?:at|to|attends|attending|from|into)\s+(?:the\s+)?"
    rf"((?:st\s+)?(?:[a-z][a-z'’-]{{2,}}\s+){{1,2}}{_LOWER_HEAD})\b"
)
# Heads a town has one of, so that the town's name before them names one place ("hull college").
ONE_PER_TOWN = re.compile(r"\b(?:college|uni|university|sixth\s+form\s+college)$")
# "Cherry Tree (the LA children's home in Cottingham)": a name, then what it is in brackets.
NAMED_IN_BRACKETS = re.compile(
    rf"\b((?:(?:St\.?|Saint)\s+)?{_CAP}(?:\s+{_CAP}){{0,3}})\s+\((?i:the|a|an|our)\s+"
    rf"(?:[\w'’-]+\s+){{0,4}}?{_LOWER_HEAD}\b"
)
# "The Avenues Medical Centre": a capital "The" is part of the name.
THE_BEFORE = re.compile(r"(?:The|THE)\s+$")


def _names_one_place(found: str, generic: frozenset[str]) -> bool:
    words = [w.lower().strip(".,") for w in found.split()[:-1]]
    return bool(words) and not all(w in generic for w in words)


@functools.lru_cache(maxsize=8)
def _names_in(text: str) -> tuple[Span, ...]:
    """The names in a text, found once however many institution finders ask (the last few texts
    only: a redaction asks about one text several times in a row)."""
    from governance.redact_names import name_spans, names_a_thing

    # "the Amy Johnson statue area on Prospect Street": a statue's name is no one in the case
    return tuple(s for s in name_spans(text) if s.kind == "NAME" and not names_a_thing(text, s))


def particular_person(text: str, places: list[Span]) -> bool:
    """A title, a pronoun or a name outside the places found ("tell Castle Hill" is no name)."""
    blanked = GENERIC_PRONOUNS.sub(lambda m: " " * len(m.group()), text)  # same offsets
    found = list(PARTICULAR_PERSON.finditer(blanked))
    if any(not match.group().isalpha() for match in found):
        return True  # a title before a name
    anyone = ANYONE.search(text)
    if found and (anyone is None or found[0].start() < anyone.start()):
        return True  # a pronoun for someone not introduced first as anyone at all ("She is a ...")
    return any(
        not any(name.start < place.end and place.start < name.end for place in places)
        for name in _names_in(text)
    )


# "the lad", "the resident", "YP": a particular person spoken of by what they are.
DEFINITE_PERSON = re.compile(
    r"\b(?i:(?:her|his|their)\s+(?:kids|children|twins)(?![\w'’]))"
    r"|\b(?i:the\s+(?:lad|lass|boy|girl|kid|child|pupil|student|resident|patient|man|woman|lady"
    r"|bloke|chap|fella|gentleman|tenant|occupier|teenager|toddler|baby|young\s+person|driver"
    r"|caller|victim))\b|\bYP\b|[,(]\s*\d{1,2}\s*[,)]"
    r"|\b(?i:resident|patient|tenant|occupier|pupil|student|client)\s+(?i:is|was|has|keeps|said)\b"
    r"|\b(?i:a|an)\s+(?i:child|boy|girl|lad|lass|pupil|resident|patient|woman|man|lady)\s+who\s+"
    r"(?i:said|told|has|had|is|was|keeps|lives)\b"
    r"|\b(?i:goes\s+to|attends|attending|lives\s+(?:at|in)|living\s+(?:at|in)|stays\s+at"
    r"|staying\s+at|moved\s+into|residential\s+at|registered\s+(?:at|with)|resident\s+(?:of|at))\b"
)
# "HMP Hull", "HMYOI Wetherby": a prison someone is in.
PRISON = re.compile(rf"\b((?:HMP|HMYOI|HMP\s*&\s*YOI)\s+{_CAP}(?:\s+{_CAP})?)\b")


def about_someone(text: str, places: list[Span]) -> bool:
    """The text speaks of a particular person, so a named school, home or prison in it says where
    that person is; in a question about a policy or an organisation it is no one's data."""
    return bool(particular_person(text, places) or KIN.search(text)
                or DEFINITE_PERSON.search(text))


def prisons(text: str) -> Iterator[Span]:
    found = [Span(m.start(1), m.end(1), KIND) for m in PRISON.finditer(text)]
    if found and about_someone(text, found):
        yield from found


def hospitals_beside_a_person(text: str) -> Iterator[Span]:
    """Named hospitals and wards, when the text speaks of a particular person."""
    found = [
        Span(m.start(1), m.end(1), KIND) for m in NAMED_HOSPITAL.finditer(text)
        if _names_one_place(m.group(1), GENERIC_HOSPITAL_WORDS)
    ]
    found += [
        Span(m.start(1), m.end(1), KIND) for m in NAMED_WARD.finditer(text)
        if m.group(1).lower().startswith("ward") or (
            _names_one_place(m.group(1), GENERIC_HOSPITAL_WORDS | SERVICE_WORDS)
            and not _a_persons_name(text, m.start(1), m.group(1)))
    ]
    found += [
        Span(m.start(1), m.end(1), KIND) for m in NAMED_WARD_LOWER.finditer(text)
        if _names_one_place(m.group(1), GENERIC_HOSPITAL_WORDS | SERVICE_WORDS)
    ]
    found += [
        Span(m.start(1), m.end(1), KIND) for m in HOSPITAL_BEFORE_WARD.finditer(text)
        if _a_place_name(m.group(1))
    ]
    found += [
        Span(m.start(1), m.end(1), KIND) for m in LOWER_HOSPITAL.finditer(text)
        if _names_one_place(m.group(1), GENERIC_HOSPITAL_WORDS)
        and m.group(1).split()[0].lower() not in STOPWORDS | TITLES
    ]
    if found and particular_person(text, found):
        yield from (_with_hospital(text, span) for span in found)


def _with_hospital(text: str, span: Span) -> Span:
    """A ward widened over the hospital named after it: "Ward 9 at Hull Royal"."""
    if not re.search(r"(?i:ward)(?:\s+\d{1,3}[A-Za-z]?)?$", text[span.start : span.end]):
        return span
    match = HOSPITAL_AFTER_WARD.match(text, span.end)
    if match is None or set(match.group(1).lower().split()) & (DAYS_AND_MONTHS | STOPWORDS):
        return span
    return Span(span.start, match.end(), span.kind)


# "Mrs A Ward", "Stephen Ward": Ward as a surname, after a title, an initial or a first name.
TITLE_BEFORE = re.compile(r"\b(?:mr|mrs|ms|miss|mx|dr|[A-Z])\.?\s+$", re.IGNORECASE)


def _a_persons_name(text: str, start: int, found: str) -> bool:
    from governance.redact_names import fold, gazetteer

    words = [fold(word).strip(".") for word in found.split()[:-1]]
    return any(len(w) < 2 or w in TITLES or w in gazetteer().first for w in words) or bool(
        TITLE_BEFORE.search(text, max(0, start - 6), start))


# Where a child or student learns: words a school's own name may hold.
LEARNING_WORDS = frozenset("school college university academy".split())


def _a_place_name(found: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Not a town alone, a public body, a day, or a function word."""
    words = [w.lower() for w in found.split()]
    words = [words[0]] + [w for w in words[1:] if w not in ("of", "upon")]  # "Princess of Wales"
    if set(words) & ((PUBLIC_BODY_WORDS - allowed) | DAYS_AND_MONTHS | STOPWORDS | TITLES):
        return False
    if len(words) == 1 and words[0] in SERVICE_WORDS:
        return False
    return not _only_a_town(found)


# Cues that name a department as well as a stay: "the stroke unit at Hull Royal want training".
DEPARTMENT_CUES = frozenset(
    "unit ward icu hdu a&e resus maternity theatre theatres inpatient day respite".split()
)


def cared_for_at(text: str) -> Iterator[Span]:
    for match in CARED_FOR_AT.finditer(text):
        group = 1 if match.group(1) else 2
        if group == 2 and match.group(2) in DEPARTMENT_INITIALS:
            continue
        place = Span(match.start(group), match.end(group), KIND)
        anyone = re.search(r"\b(?:a|an|any)\s+(?:in)?patient\s+\w+\s*$", text[: match.start(1)],
                           re.IGNORECASE)
        department = match.group(0).split()[0].lower() in DEPARTMENT_CUES
        if _a_place_name(match.group(group)) and (
            particular_person(text, [place]) or KIN.search(text)
            or (anyone is None and not department)
        ):
            # "the burns unit at Pinderfields": the unit is part of where the person is
            yield _with_department(text, match.start(), place) if department else place


def _with_department(text: str, cue_start: int, place: Span) -> Span:
    """ "the burns unit at Pinderfields": the unit (and the word naming it) is part of the place."""
    before = re.search(r"\b([A-Za-z]+)\s+$", text[:cue_start])
    if before and before.group(1).lower() not in STOPWORDS:
        return Span(before.start(), place.end, KIND)
    return Span(cue_start, place.end, KIND)


def schools_after_cue(text: str) -> Iterator[Span]:
    for match in SCHOOL_CUE.finditer(text):
        sentence_start = max(text.rfind(mark, 0, match.start()) for mark in ".?!\n") + 1
        person = PERSON_BEFORE.search(text, sentence_start, match.start(1))
        if person and _a_place_name(match.group(1), LEARNING_WORDS):
            yield Span(match.start(1), match.end(1), KIND)


def gp_practices(text: str) -> Iterator[Span]:
    for match in GP_PRACTICE_CUE.finditer(text):
        words = match.group(1).split()
        if words[0].lower().strip(".") not in TITLES and _a_place_name(match.group(1)):
            yield Span(match.start(1), match.end(1), KIND)


def lower_case_institutions(text: str) -> Iterator[Span]:
    from governance.redact_names import fold, gazetteer

    common = gazetteer().common
    for match in LOWER_INSTITUTION.finditer(text):
        name = match.group(1)
        first = name.split()[1] if name.startswith("st ") else name.split()[0]
        place = Span(match.start(1), match.end(1), KIND)
        towns_own = _only_a_town(first) and ONE_PER_TOWN.search(name) is not None
        everyday = fold(first) in common and not towns_own  # "at bath uni": a town's one college
        if first not in STOPWORDS and not everyday and about_someone(text, [place]):
            yield place


def named_in_brackets(text: str) -> Iterator[Span]:
    for match in NAMED_IN_BRACKETS.finditer(text):
        place = Span(match.start(1), match.end(1), KIND)
        if _a_place_name(match.group(1)) and about_someone(text, [place]):
            yield place


def with_the(text: str, span: Span) -> Span:
    match = THE_BEFORE.search(text, max(0, span.start - 4), span.start)
    return Span(match.start(), span.end, span.kind) if match else span


def institution_spans(text: str) -> Iterator[Span]:
    """Institutions found from the person beside them, overlapping or not."""
    for finder in (hospitals_beside_a_person, cared_for_at, schools_after_cue, gp_practices,
                   lower_case_institutions, prisons, named_in_brackets):
        yield from finder(text)
