"""People's names in staff questions, found from what surrounds them: a title ("mrs patel"), a cue
("called Tyler"), a relation ("her son Jayden"), a verb ("told Kayleigh"), an age ("Lily-Mae (6)"),
a possession ("Ellie's school"), or a first name from the gazetteer in governance/data.

Names the gazetteer marks as also English words ("Grace", "Will") need more: a capital letter away
from the start of a sentence, or a surname after them. The lists load on first use.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from governance.redact_patterns import DATE, Span
from governance.redact_words import (
    DAYS_AND_MONTHS,
    DETERMINERS,
    EPONYM_FOLLOWERS,
    ORG_WORDS,
    PERSON_DOES,
    PERSON_VERBS,
    PLACE_PREPOSITIONS,
    RANK_TITLES,
    RELATIONS,
    SERVICE_WORDS,
    STOPWORDS,
    TITLES,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
# A lower-case word is taken for a first name on its own only from this length: shorter names
# ("ali", "ana", "eve") are too often something else in lower-case text.
MIN_LOWERCASE_NAME = 4
# Capitalised words after a first name that are taken as part of it (middle names, surname).
MAX_EXTRA_NAME_WORDS = 2

TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# "Jayden, 9, was", "Lily-Mae (6)", "Mason aged 12", "Amelia, age 7".
AGE_AFTER = re.compile(
    r"\s*[,(]\s*(?:aged?:?\s+)?\d{1,2}\s*"
    r"(?:\)|,|\.|;|-|yo\b|y/o|yrs?\b|years?\b|and\b|who\b|is\b|was\b|has\b|had\b|$)"
    r"|\s*,?\s+aged?:?\s+\d{1,2}\b",
    re.IGNORECASE,
)
NAME_CUE = re.compile(
    r"\b(?:called|named|name\s+(?:is|was|as)|name's|names\s+(?:are|were)|known\s+as|goes\s+by"
    r"|calls\s+(?:him|her|them)sel(?:f|ves)|aka|a\.k\.a\.|according\s+to|heard\s+from"
    r"|(?:spoke|speak|speaking|spoken|talked|talk|talking|chatted|chatting)\s+(?:to|with)"
    r"|names?\s*[:=-]|(?:eldest|youngest|oldest|middle\s+one|other\s+one|son|daughter|husband"
    r"|wife|partner|boyfriend|girlfriend|brother|sister|carer|neighbour|mum|dad|grandson"
    r"|granddaughter|nephew|niece|lodger|tenant|occupier|driver|caller|witness|resident|patient"
    r"|victim|occupant|owner|householder|homeowner|landlord|landlady|client|passenger|rider"
    r"|cyclist|pedestrian)\s+(?:is|was|'s))[\s\"'“‘]*$",
    re.IGNORECASE,
)
# "name is", "name:": a whole name follows, so a lower-case surname is taken even when it is also
# a word ("ian tuck").
FULL_NAME_CUE = re.compile(r"\bname(?:\s+(?:is|was)|'s|\s*[:=-])[\s\"'“‘]*$", re.IGNORECASE)
# Cues after which only a capitalised word is taken: "name Morag Fraser" in a list of details, "a
# letter addressed to J Bloggs" ("name and address", "addressed to the council" stay).
CAPITAL_NAME_CUE = re.compile(
    r"\b(?:name|full\s+name|addressed\s+to|in\s+the\s+name\s+of|letters?\s+for|post\s+for)"
    r"[\s\"'“‘]*$",
    re.IGNORECASE,
)
# "Ellie-Mai, she's 7", "Tyler, he is 14": an age said with a pronoun after the name.
AGE_WITH_PRONOUN = re.compile(
    r"\s*,?\s*(?:she|he)(?:['’]s|\s+is|\s+was)\s+(?:only\s+|just\s+|about\s+)?\d{1,2}\b"
    r"(?!\s*(?:%|am\b|pm\b|[:.]\d|percent|per\b|mins?\b|minutes?\b|hours?\b|days?\b|weeks?\b"
    r"|months?\b|miles?\b|stone\b|st\b|kg\b))",
    re.IGNORECASE,
)
# "her grandson dami is 11": after a relation, an age says the word before it was a name.
IS_AGE = re.compile(
    r"\s*(?:,\s*|\s+(?:is|was|who\s+is)\s+)(?:only\s+|just\s+)?\d{1,2}\b"
    r"(?!\s*(?:%|am\b|pm\b|[:.]\d|percent|per\b|mins?\b|minutes?\b|hours?\b|days?\b|weeks?\b"
    r"|months?\b))",
    re.IGNORECASE,
)
# A date straight after a name is that person's date of birth when its year is at least this many
# years back: "Agnes Thorpe (04/07/1936)", but not "Mr Lund 12/03/2025 visit".
DOB_MIN_AGE_YEARS = 4
DATE_AFTER_NAME = re.compile(r"[\s,(]{1,3}(?:dob\s*:?\s*)?(" + DATE + r")", re.IGNORECASE)
NUMBER_AFTER = re.compile(r"\s+\d")
# "Zbigniew (dob 1/3/1950)", "Tadeusz, born 1949": a date of birth straight after says the word
# before it was a person.
DOB_CUE_AFTER = re.compile(r"\s*[,(]\s*(?:dob\b|d\.o\.b\.?|born\b|b\.\s*\d)", re.IGNORECASE)
# "Jan (daughter)", "Dave (her neighbour)": who the person is, in brackets after the name.
RELATION_IN_BRACKETS = re.compile(
    r"\s*\(\s*(?:(?:his|her|their|the)\s+)?(" + "|".join(sorted(RELATIONS)) + r")\s*\)",
    re.IGNORECASE,
)
# "Gaz from number 9", "'Smudge' at 4 Elm Grove", "kel from 12 oak road": a name said with the
# home the person is from.
HOME_AFTER_NAME = re.compile(
    r"['’\"”]?\s+(?:from|at)\s+(?:number\s?\d|no\.?\s?\d|num\.?\s?\d|flat\s+\d"
    # "rose from 6 to 11": a number before a function word or a unit is a quantity, not a house
    r"|\d{1,4}[a-z]?\s+(?!(?:to|and|or|of|per|in|on|at|am|pm|years?|months?|weeks?"
    r"|days?|hours?|mins?|minutes?|percent)\b)[A-Za-z])",
    re.IGNORECASE,
)
# Offices held under a title, named by their holder's title rather than by anyone's name.
OFFICES = RANK_TITLES | frozenset(
    """lieutenant mayor mayoress chancellor chief justice bishop archbishop provost president
    chair chairman chairwoman governor general commissioner speaker secretary minister"""
    .split()
)
# Capitalised words before a first name that belong to it: "Nana Pat", "Uncle Des", "Big Dave".
NAME_PREFIXES = frozenset(
    """nana nan nanna nanny grandad granddad grandpa grandma granny gran auntie aunty aunt uncle
    big little young old""".split()
)
# "Derek & Janice Holroyd", "dawn and mick": two first names joined.
JOINED = re.compile(r"\s+(?:&|and)\s+$")
# "the Patel family", "the Kowalski household".
GROUP_NOUNS = frozenset("family household twins kids children brothers sisters clan".split())
# After a relation or a possessive name, these nouns show the word before was a person.
PERSONAL_NOUNS = RELATIONS | frozenset(
    """school house home flat room bedroom phone number mobile address gp carer family car van
    details bike friends mates nursery teacher class landlord partner boyfriend girlfriend
    behaviour dog cat medication oxygen cigarettes ex vehicle reg registration email dob records
    file notes contact age birthday benefits""".split()
)
STREET_AND_PLACE_WORDS = frozenset(
    """road rd street st avenue ave lane close drive way court crescent grove place terrace
    gardens walk view park square hill row mews rise parade green gate garth fold croft chase
    vale boulevard villas wharf quay bank cottage cottages farm house lodge barn manor bungalow
    villa mill grange rectory vicarage hall estate flats tower towers primary infants juniors
    nursery home centre practice hostel hospice""".split()
)

_TITLES_AND_RELATIONS = TITLES | RANK_TITLES | RELATIONS
# Words that name a building by themselves: after a name they make it the building's ("Martin
# House", "Rose Lodge"), not a surname.
BUILDING_WORDS = frozenset(
    "house lodge cottage farm farmhouse barn manor bungalow villa grange rectory vicarage stables"
    .split()
)
# After a run of capitalised words, these make it an organisation's name: "Castle Hill Hospital".
ORGANISATION_HEADS = (ORG_WORDS - {"the", "a", "an"}) | frozenset(
    "infirmary hospice practice primary nursery academy ward community communities".split()
)


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int  # end of the word less any possessive "'s"
    possessive: bool
    sentence_start: bool

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        """ "Kayleigh", not "NINO" or "kayleigh"."""
        return self.text[0].isupper() and not (len(self.text) > 1 and self.text.isupper())

    @property
    def lower_case(self) -> bool:
        return self.text.islower()


@dataclass(frozen=True)
class Gazetteer:
    """First names and surnames (folded, lower case), each mapped to whether it is also an
    English word; towns, so that "York" or "Beverley" alone is taken for the place; and common
    English words, so that "Unique Property Reference" is not taken for a person."""

    first: dict[str, bool]
    last: dict[str, bool]
    places: frozenset[str]
    common: frozenset[str]


def fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return plain.lower().replace("’", "'")


def _read_names(path: Path) -> dict[str, bool]:
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            # "burton pidsea" is one place; a trailing " *" marks an everyday word.
            marked = line.endswith(" *")
            names[line[:-2] if marked else line] = marked
    return names


@functools.cache
def gazetteer() -> Gazetteer:
    """The kept name lists (scripts/build_name_lists.py), read once per process."""
    return Gazetteer(
        _read_names(DATA_DIR / "first_names.txt"),
        _read_names(DATA_DIR / "last_names.txt"),
        frozenset(_read_names(DATA_DIR / "gb_places.txt")),
        frozenset(_read_names(DATA_DIR / "common_words.txt")),
    )


def words(text: str) -> list[Word]:
    found = []
    for match in TOKEN.finditer(text):
        raw = match.group(0)
        possessive = bool(POSSESSIVE.search(raw)) and len(raw) > 2
        base = raw[:-2] if possessive else raw
        before = text[: match.start()].rstrip(" \"'“‘([")
        found.append(
            Word(base, match.start(), match.start() + len(base), possessive,
                 not before or before[-1] in ".!?:;|\n\t")
        )
    return found


class NameFinder:
    """Applies the rules to one text; `spans()` yields each name found (overlaps allowed)."""

    def __init__(self, text: str, names: Gazetteer) -> None:
        self.text = text
        self.names = names
        self.words = words(text)
        self._rules = (
            self._after_title, self._after_cue, self._after_relation, self._before_age,
            self._possessive, self._before_group, self._known_first_name, self._before_home,
            self._couple, self._subject_of, self._after_name_prefix, self._before_relation,
        )

    def spans(self) -> Iterator[Span]:
        for i, word in enumerate(self.words):
            for rule in self._rules:
                found = rule(i, word)
                if found is not None and rule != self._after_title and self._names_a_place(found):
                    continue
                if found is not None:
                    first, last = found
                    yield Span(self.words[first].start, self.words[last].end, "NAME")
                    yield from self._birth_date_after(self.words[last].end)

    def _birth_date_after(self, end: int) -> Iterator[Span]:
        match = DATE_AFTER_NAME.match(self.text, end)
        year = re.search(r"(\d{4}|\d{2})\D*$", match.group(1)) if match else None
        if match and year:
            this_year = datetime.date.today().year
            full = int(year.group(1))
            full = full if full > 99 else (2000 + full if 2000 + full <= this_year else 1900 + full)
            if 1900 <= full <= this_year - DOB_MIN_AGE_YEARS:
                yield Span(match.start(1), match.end(1), "DOB")

    def _names_a_place(self, found: tuple[int, int]) -> bool:
        """ "tell Castle Hill Hospital", "near Burton Pidsea": the words name an organisation
        (the word after them says what it is) or are a town of two words or more."""
        nxt = self._adjacent(found[1])
        same_sentence = nxt is not None and not self.text[self.words[found[1]].end : nxt.start].strip()
        place_word = BUILDING_WORDS | STREET_AND_PLACE_WORDS
        if nxt is not None and same_sentence and (
                nxt.lower in ORGANISATION_HEADS or (nxt.capitalised and nxt.lower in place_word)):
            return True  # "Castle Hill Hospital", "Martin House", "Frances Street" (a surname
            # such as "Tracey Hill" is part of the name already); not "called Reece Doughty. Watch"
        first, last = self.words[found[0]], self.words[found[1]]
        if nxt is not None and same_sentence and nxt.capitalised and nxt.lower in SERVICE_WORDS and (
                found[0] == found[1] and fold(first.text) in self.names.places):
            return True  # "tell Hessle Town Council": a town, then what is there
        return found[1] > found[0] and fold(self.text[first.start : last.end]) in self.names.places

    # --- what each word is ------------------------------------------------------------------

    def _adjacent(self, i: int) -> Word | None:
        """The next word when only spaces (or an initial's full stop) separate it from word i."""
        if i + 1 >= len(self.words) or self.words[i].possessive:
            return None
        gap = self.text[self.words[i].end : self.words[i + 1].start]
        return self.words[i + 1] if gap.strip(" .") == "" and len(gap) <= 3 else None

    def _is_first_name(self, word: Word) -> bool | None:
        """None: not a first name; otherwise whether it is also an English word ("Grace")."""
        folded = fold(word.text)
        known = self.names.first.get(folded)
        if known is None and "-" in folded:
            return self._hyphenated_first_name(folded)
        return known

    def _hyphenated_first_name(self, folded: str) -> bool | None:
        """ "Ellie-Mai", "Lily-Mae": two first names joined, or one that is no everyday word
        before another part ("Mark-Up" and "Follow-Up" are no names)."""
        parts = folded.split("-")
        kinds = [self.names.first.get(part) for part in parts]
        if len(parts) != 2 or kinds[0] is None or folded in self.names.common:
            return None
        return False if kinds[1] is not None or kinds[0] is False else None

    def _plain(self, word: Word) -> bool:
        """Not a function word, day, month or service word: could be part of a name."""
        lower = word.lower
        return not (lower in STOPWORDS or lower in DAYS_AND_MONTHS or lower in SERVICE_WORDS)

    def _name_like(self, word: Word) -> bool:
        return (
            word.capitalised
            and self._plain(word)
            and word.lower not in _TITLES_AND_RELATIONS
            and word.lower not in STREET_AND_PLACE_WORDS
        )

    def _everyday(self, word: Word) -> bool:
        return fold(word.text) in self.names.common

    def _surname_too(self, word: Word, *, service_ok: bool = True) -> bool:
        """ "Tracey Hill", "Morag Fraser": a place or service word that is also a surname, after a
        first name."""
        lower = word.lower
        if lower in BUILDING_WORDS:
            return False
        place_or_service = lower in STREET_AND_PLACE_WORDS or (service_ok and lower in SERVICE_WORDS)
        return word.capitalised and place_or_service and fold(word.text) in self.names.last

    def _after_saint(self, i: int) -> bool:
        before = self.words[i - 1] if i > 0 else None
        return before is not None and before.lower in ("st", "saint") and before.capitalised

    def _eponym(self, last: int) -> bool:
        """ "Clare's Law", "Gillick competence": the name names a thing."""
        return last + 1 < len(self.words) and self.words[last + 1].lower in EPONYM_FOLLOWERS

    def _extend(self, i: int) -> int:
        """The last word of a name starting at word i: middle names and surname included."""
        last = i
        lower_case = not self.words[i].capitalised
        # "Silver Ford" is a car: a service word as surname only after a name that is no word.
        service_ok = not (self._everyday(self.words[i]) or self._is_first_name(self.words[i]))
        for _ in range(1 if lower_case else MAX_EXTRA_NAME_WORDS):
            nxt = self._adjacent(last)
            if nxt is None:
                break
            if lower_case:
                if not (self._plain(nxt) and self._lower_surname(nxt)):
                    break
            elif len(nxt.text) < 2 or not (
                self._name_like(nxt) or self._surname_too(nxt, service_ok=service_ok)
            ):
                break
            elif self._everyday(nxt) and fold(nxt.text) not in self.names.last:
                break  # "Unique Property Reference"
            last += 1
        return last

    def _lower_surname(self, word: Word) -> bool:
        """ "jacob mensah", "anita kovacs": after a first name in lower case, a known surname or
        a word that is no everyday English word or place."""
        folded = fold(word.text)
        if not word.lower_case or word.lower in _TITLES_AND_RELATIONS | STREET_AND_PLACE_WORDS:
            return False
        return folded in self.names.last or (
            len(word.text) > 2 and not self._common_form(folded)
            and folded not in self.names.places)

    def _common_form(self, folded: str) -> bool:
        """An everyday word or one of its forms: "attends", "moved", "living", "Carers" (a word
        with nothing taken off is not read as one missing its "e": "Gaz" is no form of "gaze")."""
        stems = [folded[: -len(end)] for end in ("s", "es", "ed", "d", "ing")
                 if folded.endswith(end) and len(folded) - len(end) > 2]
        return folded in self.names.common or any(
            stem in self.names.common or stem + "e" in self.names.common for stem in stems)

    def _name_at(self, i: int, *, lower_ok: bool) -> tuple[int, int] | None:
        if i >= len(self.words) or self._after_saint(i):
            return None
        word = self.words[i]
        if word.capitalised:
            ok = self._name_like(word) or self._dated_first_name(i)
        else:
            ok = lower_ok and word.lower_case and self._plain(word)
            ok = ok and self._is_first_name(word) is not None
        if not ok:
            return None
        last = self._extend(i)
        return None if self._eponym(last) else (i, last)

    def _dated_first_name(self, i: int) -> bool:
        """ "Jan Nowak", "May Thompson", "Will Hendry", "Amber Lee": a first name that is also a
        month, a day, a function word or a service word, then a surname: a known one that is no
        everyday word, or a word that is no everyday word or place ("Will Green Watch" stays)."""
        word, nxt = self.words[i], self._adjacent(i)
        if self._plain(word) or self._is_first_name(word) is None or nxt is None:
            return False
        if not word.capitalised or word.lower in DETERMINERS or nxt.lower in ORGANISATION_HEADS:
            return False  # "Hull Royal Infirmary"
        before = self.words[i - 1] if i > 0 and self._adjacent(i - 1) is word else None
        if before is not None and before.capitalised and not before.sentence_start:
            return False  # inside a run of capitals: "the Hull Royal ..."
        folded = fold(nxt.text)
        known = folded in self.names.last and folded not in self.names.common
        if word.lower in SERVICE_WORDS:
            return self._name_like(nxt) and known  # "Amber Lee"; not "North Lincs"
        return self._name_like(nxt) and (known or (
            folded not in self.names.places and folded not in self.names.common))

    def _gap_before(self, i: int) -> str:
        return self.text[self.words[i - 1].end : self.words[i].start] if i > 0 else ""

    # --- the rules ---------------------------------------------------------------------------

    def _after_title(self, i: int, word: Word) -> tuple[int, int] | None:
        title = word.lower
        if title not in TITLES and title not in RANK_TITLES:
            return None
        nxt = self._adjacent(i)
        if nxt is None:
            return None
        if len(nxt.text) == 1 and nxt.text.isupper():  # an initial: "Mr J. Bloggs", "Mrs A Ward"
            after = self._adjacent(i + 1)
            if title in RANK_TITLES and not word.capitalised:
                return None  # "a lady I think"
            if after is None or not after.capitalised or after.lower in ORG_WORDS:
                return None if nxt.text in ("I", "A") else (i + 1, i + 1)
            return (i + 1, self._title_name_end(i + 2))
        initial = self._adjacent(i + 1) if re.match(r"[a-z]\.", self.text[nxt.start:]) else None
        if title in TITLES and initial is not None and self._surname_like(initial):
            return (i + 1, i + 2)  # "mr k. brannigan"
        if nxt.lower in ORG_WORDS or nxt.lower in STOPWORDS or nxt.lower in OFFICES:
            return None  # "the Lord Lieutenant", "the Lord Mayor's office": an office
        if nxt.capitalised or nxt.text.isupper():  # "Mrs Patel", "MRS PATEL"
            return (i + 1, self._title_name_end(i + 1))
        strict = title in ("miss", "dr", "prof")
        known = self._is_first_name(nxt) is not None or fold(nxt.text) in self.names.last
        if title in RANK_TITLES or not nxt.lower_case or (strict and not known):
            return None
        if not self._plain(nxt):
            return None
        last = self._extend(i + 1)
        after = self._adjacent(last) if last == i + 1 else None
        if after is not None and self._is_first_name(nxt) is not None and self._surname_like(after):
            last += 1  # "mrs hilda clarkson": after a title and a first name, a surname
        return (i + 1, last)

    def _surname_like(self, word: Word) -> bool:
        """A lower-case word that can end a name: a known surname, or no everyday word."""
        folded = fold(word.text)
        return word.lower_case and self._plain(word) and len(word.text) > 2 and (
            folded in self.names.last or folded not in self.names.common)

    def _title_name_end(self, i: int) -> int:
        last = i
        shouting = self.words[i].text.isupper() and len(self.words[i].text) > 1
        while (nxt := self._adjacent(last)) and nxt.lower not in ORG_WORDS and (
            nxt.capitalised or (shouting and nxt.text.isupper() and self._plain(nxt))
        ):
            if last - i >= MAX_EXTRA_NAME_WORDS:
                break
            last += 1
        return last

    def _after_cue(self, i: int, word: Word) -> tuple[int, int] | None:
        before = self.text[max(0, word.start - 40) : word.start]
        if i > 0 and word.capitalised and CAPITAL_NAME_CUE.search(before):
            return self._name_at(i, lower_ok=False)
        if i == 0 or not NAME_CUE.search(before):
            return None
        loose_cue = before.rstrip().lower().endswith(("called", "named"))
        if word.lower_case and self._is_first_name(word) is not False and loose_cue:
            return None  # "called back", "named after"; but "spoke to gemma"
        found = self._name_at(i, lower_ok=True) or self._unknown_name_at(i, word)
        if found is None and word.capitalised and word.lower in DAYS_AND_MONTHS and (
                self._is_first_name(word) is not None and not self._in_title_case_run(i)):
            found = (i, i)  # "a woman called April"; not "called Summer Safety Week"
        if found is None or (word.lower in LABEL_WORDS and NUMBER_AFTER.match(self.text, word.end)):
            return None  # "talk to Year 8", "spoke to Ward 7": a label with its number
        town = fold(word.text) in self.names.places and self._is_first_name(word) is None
        if town and found[1] == i:
            return None  # "spoke to Hull Women's Aid": a town, then what is there
        # "called Humberside Police": a service, not a person.
        nxt = self._adjacent(found[1])
        if nxt is not None and nxt.lower in ORG_WORDS:
            return None
        if FULL_NAME_CUE.search(before) and found[0] == found[1] and word.lower_case and (
                nxt is not None and nxt.lower_case and self._plain(nxt) and len(nxt.text) > 2):
            return (i, i + 1)  # "name is ian tuck": a name asked for is given whole
        return found

    def _unknown_name_at(self, i: int, word: Word) -> tuple[int, int] | None:
        """ "driver was aleksandra nowak": after a cue that a name follows, a lower-case word the
        lists do not know and that is no everyday word, then perhaps its surname."""
        if not (word.lower_case and self._plain(word) and self._lower_surname(word)):
            return None
        if fold(word.text) in self.names.last and fold(word.text) in self.names.common:
            return None
        nxt = self._adjacent(i)
        last = i + 1 if nxt is not None and self._plain(nxt) and self._lower_surname(nxt) else i
        return (i, last)

    def _after_relation(self, i: int, word: Word) -> tuple[int, int] | None:
        if i == 0:
            return None
        before = self.words[i - 1]
        gap = self._gap_before(i)
        if gap.strip(" ,") or before.possessive:
            return None
        if before.lower in RELATIONS:
            mid_title_case = before.capitalised and not before.sentence_start
            if mid_title_case and self._is_first_name(word) is None:
                return None
        elif before.lower not in PERSON_VERBS:
            return None
        if word.lower_case:
            kind = self._is_first_name(word)
            wanted = kind is False  # "her son jayden", not "the householder said"
            if not wanted and before.lower in RELATIONS and self._plain(word):
                return self._aged_unknown_name(i, word)
            return self._name_at(i, lower_ok=True) if wanted else None
        if before.lower in RELATIONS and self._is_first_name(word) is not None and (
                not word.sentence_start and (word.lower not in STOPWORDS or len(word.text) > 2)):
            return (i, self._extend(i))  # "his partner Autumn said", "grandson Will": a first name
        if before.lower in PERSON_VERBS:
            if self._is_first_name(word) is None and fold(word.text) not in self.names.last:
                return None
        return self._name_at(i, lower_ok=False)

    def _aged_unknown_name(self, i: int, word: Word) -> tuple[int, int] | None:
        """ "her grandson dami is 11": a word the lists do not know, then an age."""
        if len(word.text) < 3 or (self._everyday(word) and self._is_first_name(word) is None):
            return None
        return (i, i) if IS_AGE.match(self.text, word.end) or AGE_AFTER.match(
            self.text, word.end) else None

    def _before_age(self, i: int, word: Word) -> tuple[int, int] | None:
        if not word.capitalised or not self._name_like(word):
            return None
        known = self._is_first_name(word) is not None
        if self._after_place(i) or (fold(word.text) in self.names.places and not known):
            return None
        last = self._extend(i)
        end = self.words[last].end
        if not (AGE_AFTER.match(self.text, end) or AGE_WITH_PRONOUN.match(self.text, end)
                or DOB_CUE_AFTER.match(self.text, end) or (known and IS_AGE.match(self.text, end))):
            return None  # "Jayden, 9,", "Ellie-Mai, she's 7", "Hope is 15", "Halina (dob ...)"
        return (i, last)

    def _before_relation(self, i: int, word: Word) -> tuple[int, int] | None:
        """ "Contact: Jan (daughter)", "Dave (her neighbour)": a name, then who the person is in
        brackets; a first name that is also a month or word counts here."""
        if not word.capitalised or word.lower in STOPWORDS | _TITLES_AND_RELATIONS:
            return None
        if not (self._name_like(word) or self._is_first_name(word) is not None):
            return None
        last = self._extend(i) if self._name_like(word) else i
        return (i, last) if RELATION_IN_BRACKETS.match(self.text, self.words[last].end) else None

    def _possessive(self, i: int, word: Word) -> tuple[int, int] | None:
        if not word.possessive or self._after_saint(i):
            return None
        nxt = self.words[i + 1] if i + 1 < len(self.words) else None
        if nxt is None or nxt.lower not in PERSONAL_NOUNS:
            return None
        if word.lower_case and self._is_first_name(word) is not None:
            # "pass on mark's phone number"; not "the bill's number", "her son's number"
            return (i, i) if self._could_name(i, word) else None
        if not self._name_like(word):
            return None
        first = i - 1 if i > 0 and self._adjacent(i - 1) is word and self._name_like(
            self.words[i - 1]) else i
        return (first, i)

    def _before_group(self, i: int, word: Word) -> tuple[int, int] | None:
        nxt = self._adjacent(i)
        if nxt is None or nxt.lower not in GROUP_NOUNS or not self._name_like(word):
            return None
        if self._everyday(word) or fold(word.text) in self.names.places:
            return None  # "the Smith family" yes; "the Foster family" no; "the Hull family" no
        after_the = i > 0 and self.words[i - 1].lower == "the"
        if not after_the and fold(word.text) not in self.names.last:
            return None  # "Working Together to Safeguard Children"
        return (i, i)

    def _before_home(self, i: int, word: Word) -> tuple[int, int] | None:
        """ "Gaz from number 9", "kel from 12 oak road": a first name, or a word no list knows,
        said with the home the person is from ("Smoke from number 9" stays)."""
        home = HOME_AFTER_NAME.match(self.text, word.end)
        if home is None or not self._could_name(i, word):
            return None
        kind = self._is_first_name(word)
        from_home = "from" in home.group().lower()
        if kind is None and ((word.capitalised and word.sentence_start) or not from_home
                             or not re.search(r"[aeiouy]", word.lower)):
            return None  # "Hoarder at 22", "hfsv at 7": what happened there, not who
        if kind is True and word.lower_case and not from_home:
            return None  # "hoarding case at flat 6"
        return (i, i)
        return (i, i)

    def _could_name(self, i: int, word: Word) -> bool:
        """Whether a word standing alone may be a name: a first name or a word that is no
        everyday word or place, not after "a" or "the"."""
        if len(word.text) < 3 or not self._plain(word) or self._after_determiner(i):
            return False
        if word.lower in _TITLES_AND_RELATIONS or word.lower in STREET_AND_PLACE_WORDS:
            return False
        if not (word.capitalised or word.lower_case):
            return False
        folded = fold(word.text)
        return self._is_first_name(word) is not None or not (
            self._common_form(folded) or folded in self.names.places)

    def _couple(self, i: int, word: Word) -> tuple[int, int] | None:
        """ "Derek & Janice Holroyd", "dawn & mick at 3 the green": a first name joined to a
        partner's whole name, or two first names said with their home."""
        if self._is_first_name(word) is None or word.possessive:
            return None
        if word.lower in STOPWORDS | SERVICE_WORDS | _TITLES_AND_RELATIONS:
            return None  # a month or season may be a first name here: "Summer and Jack Reilly"
        j = i + 2 if i + 1 < len(self.words) and self.words[i + 1].lower == "and" else i + 1
        partner = self.words[j] if j < len(self.words) else None
        if partner is None or not JOINED.search(self.text, word.end, partner.start):
            return None
        if partner.capitalised != word.capitalised:
            return None
        known = self._is_first_name(partner) is not None
        if known and word.capitalised and self._name_like(partner):
            last = self._extend(j)
            if last > j:
                return (i, last)  # "Jim and Maureen Peart": one name for the couple
        home = HOME_AFTER_NAME.match(self.text, partner.end)
        if home and self._could_name(i, word) and (known or self._could_name(j, partner)):
            return (i, j)
        return None

    def _after_name_prefix(self, i: int, word: Word) -> tuple[int, int] | None:
        """ "Nana Pat", "Big Dave": a family title or a nickname's adjective, capitalised, before a
        word that may be a name ("the Big Issue", "Little Weighton", "Young Carers" stay)."""
        nxt = self._adjacent(i)
        if word.lower not in NAME_PREFIXES or not word.capitalised or nxt is None:
            return None
        if not nxt.capitalised or self._after_determiner(i):
            return None  # "the Big Issue"
        kin = self._after_relation(i + 1, nxt) if word.lower in RELATIONS else None
        if kin is not None:
            return (i, kin[1])  # "Uncle Des": whatever a relation before it makes a name
        if not self._could_name(i + 1, nxt):
            return None  # "Young Carers", "Little Weighton"
        last = self._extend(i + 1)
        return None if self._eponym(last) else (i, last)  # "Old Bailey guidance"

    def _subject_of(self, i: int, word: Word) -> tuple[int, int] | None:
        """ "Sue rang", "Will rang", "Rose says": a first name that is also a word, opening a
        sentence, doing what a person does."""
        nxt = self._adjacent(i)
        if not word.sentence_start or not word.capitalised or nxt is None:
            return None
        if self._is_first_name(word) is None or word.possessive or nxt.lower not in PERSON_DOES:
            return None
        if word.lower in _TITLES_AND_RELATIONS:
            return None  # "Lady called Sarah-Jane Holt"
        return None if word.lower in DAYS_AND_MONTHS or len(word.text) < 3 else (i, i)

    def _known_first_name(self, i: int, word: Word) -> tuple[int, int] | None:
        also_word = self._is_first_name(word)
        if also_word is None or self._after_saint(i):
            return None
        if not self._plain(word) and not (word.capitalised and self._dated_first_name(i)):
            return None
        if not word.capitalised:
            if not word.lower_case or len(word.text) < 3 or self._after_place(i):
                return None
            if self._after_determiner(i):
                return None  # "a robin nested", "the bill's number": a thing
            if word.lower in _TITLES_AND_RELATIONS:
                return None  # "her son attends": a relation, not "Son"
            found = self._name_at(i, lower_ok=True)
            alone = found is not None and found[1] == i
            if alone and (also_word or len(word.text) < MIN_LOWERCASE_NAME):
                return None  # "grace", "mark" or "ian" alone may be a word; "ian barker" a name
            last = fold(self.words[found[1]].text) if found is not None else ""
            if found is not None and also_word and self.names.last.get(last) is not False:
                # "young lad": two everyday words that are also names; "case incl": an everyday
                # word before one no list knows (an abbreviation, a typo) rather than a surname
                return None
            return found
        found = self._name_at(i, lower_ok=False)
        if found is None:
            return None
        with_surname = found[1] > i
        place = self._after_place(i) or fold(word.text) in self.names.places or (
            self._ends_a_place_name(i))
        if place and not with_surname:
            return None
        if also_word and found[1] == i and self._in_title_case_run(i):
            return None  # "General Data Protection Regulation", "the Summer Safety Campaign"
        if also_word and found[1] == i and NUMBER_AFTER.match(self.text, word.end):
            return None  # "Ward 40", "Bay 3": a label with its number
        if also_word and found[1] == i and self._after_determiner(i):
            return None  # "the Queen's Centre", "a Jack up the priority": a thing, not a person
        if also_word and found[1] == i and self._after_calendar_word(i):
            return None  # "Christmas Eve", "New Year's Eve": a day, not a person
        if also_word and word.sentence_start:
            # "Grace Okafor said", not "Silver Ford Focus" or "Hope this is right".
            surname = self.words[i + 1] if found[1] == i + 1 else None
            if surname is None or (fold(surname.text) not in self.names.last
                                   and not self._dated_first_name(i)):
                return None
        return found

    def _in_title_case_run(self, i: int) -> bool:
        nxt = self._adjacent(i)
        before = self.words[i - 1] if i > 0 and self._adjacent(i - 1) is self.words[i] else None
        capital_before = before is not None and before.capitalised and not before.sentence_start
        return (nxt is not None and nxt.capitalised) or (
            capital_before and before is not None and before.lower not in _TITLES_AND_RELATIONS)

    def _ends_a_place_name(self, i: int) -> bool:
        """ "at Malet Lambert": a first name after a capitalised word that is none, right after
        "at" or "in", ends the name of a place."""
        before = self.words[i - 1] if i > 1 and self._adjacent(i - 1) is self.words[i] else None
        if before is None or not before.capitalised or before.sentence_start:
            return False
        if self._is_first_name(before) is not None or before.lower in _TITLES_AND_RELATIONS:
            return False
        return self._after_place(i - 1)

    def _after_calendar_word(self, i: int) -> bool:
        before = self.words[i - 1] if i > 0 and self._adjacent(i - 1) is self.words[i] else None
        return before is not None and before.capitalised and before.lower in DAYS_AND_MONTHS | {
            "year", "years"}

    def _after_determiner(self, i: int) -> bool:
        return i > 0 and self.words[i - 1].lower in DETERMINERS and not self._gap_before(i).strip()

    def _after_place(self, i: int) -> bool:
        """ "lives in Beverley"; not "just come in: jayden mcbride"."""
        return i > 0 and self.words[i - 1].lower in PLACE_PREPOSITIONS and not self._gap_before(i).strip()


# "Harold 'Harry' Clegg", "Pauline (Polly) Gristwood": a first name, a nickname in quotes or
# brackets, a surname.
NICKNAMED = re.compile(
    r"\b([A-Z][a-z]+)\s+(?:['\"‘“][A-Z][a-z]+['\"’”]|\([A-Z][a-z]+\))\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b"
)


# "A. Ahmed", "J.R. Hartley": initials, each with its full stop, then a surname.
# "D R Hollis": two initials without stops.
INITIALS_SURNAME = re.compile(
    r"(?<![\w.&/])(?:(?:[A-Z]\.\s?){1,2}|[A-Z]\s[A-Z]\s)([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?)(?![\w'’-])"
)
# Words before a capital letter that make it a label: "Appendix A. Housing", "Plan B. Green".
LABEL_BEFORE = re.compile(
    r"\b(?:appendix|annex|annexe|plan|option|part|schedule|section|grade|class|type|category"
    r"|form|table|figure|step|stage|level|tier|priority|group|zone|block|unit|flat|ward|bay|room"
    r"|item|point|para|paragraph|article|art|box|column|row|list|version|v)\s*$",
    re.IGNORECASE,
)
# "kids are Oliwia 6 and Kuba 3", "children: Amelia (4), Noah (2)": names listed after a plural
# relation, each perhaps with an age.
CHILDREN_CUE = re.compile(
    r"\b(?:kids|children|sons|daughters|grandchildren|grandkids|grandsons|granddaughters|twins"
    r"|boys|girls)(?:\s+(?:are|were|called|named))?\s*[:,-]?\s+",
    re.IGNORECASE,
)
LISTED_NAME = re.compile(
    r"([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?)(\s*\(\s*\d{1,2}\s*\)|\s+\d{1,2}\b(?![:./-]?\d)"
    r"|,?\s+aged?\s+\d{1,2}\b)?"
)
LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+")


# "the Naylors", "the Patels": a family by its surname in the plural. A surname the list does not
# know counts when the family's home or children follow ("the Whitfields' house"), since "the
# Cotswolds" and "the Samaritans" are plurals too.
FAMILY_PLURAL = re.compile(r"\b[Tt]he\s+([A-Z][a-z'’]+s)\b")
FAMILY_THINGS_AFTER = re.compile(
    r"['’]?\s+(?:house|home|flat|bungalow|garden|kids|children|family|dog|car|next\s+door"
    r"|across\s+the\s+road)\b"
)


# "the Khans, the Mensahs and the Petrovs": families listed together.
FAMILY_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+)")


def families_by_surname(text: str, names: Gazetteer) -> Iterator[Span]:
    """A family by its surname in the plural; in a list of "the ...s", every one once one of them
    is a family by itself (a surname the lists do not know then counts)."""
    plurals = [m for m in FAMILY_PLURAL.finditer(text)
               if m.group(1).lower() not in SERVICE_WORDS | STREET_AND_PLACE_WORDS]
    runs: list[list[re.Match[str]]] = []
    for match in plurals:
        if runs and FAMILY_LIST_GAP.fullmatch(text, runs[-1][-1].end(), match.start()):
            runs[-1].append(match)
        else:
            runs.append([match])
    for run in runs:
        alone = [m for m in run if _a_family(text, m, names, listed=False)]
        for match in run if alone and len(run) > 1 else alone:
            if match in alone or _a_family(text, match, names, listed=True):
                yield Span(match.start(1), match.end(1), "NAME")


def _a_family(text: str, match: re.Match[str], names: Gazetteer, *, listed: bool) -> bool:
    plural = match.group(1)
    homely = listed or FAMILY_THINGS_AFTER.match(text, match.end(1)) is not None
    for surname in (plural[:-1], plural[:-2] if plural.endswith("es") else ""):
        folded = fold(surname)
        if folded in names.common or folded in names.places or len(folded) < 3:
            continue
        if folded in names.last or (homely and (listed or folded not in names.first)):
            return True
    return False


def _could_be_a_name(word: str, names: Gazetteer) -> bool:
    lower, folded = word.lower(), fold(word)
    if lower in STOPWORDS or lower in SERVICE_WORDS or lower in DAYS_AND_MONTHS:
        return False
    if lower in _TITLES_AND_RELATIONS or lower in STREET_AND_PLACE_WORDS:
        return False
    return folded in names.first or folded in names.last or (
        folded not in names.common and folded not in names.places)


def initialled_names(text: str, names: Gazetteer) -> Iterator[Span]:
    for match in INITIALS_SURNAME.finditer(text):
        surname = POSSESSIVE.sub("", match.group(1))
        if surname.lower() in STOPWORDS or LABEL_BEFORE.search(text, max(0, match.start() - 12), match.start()):
            continue
        known = fold(surname) in names.last and surname.lower() not in SERVICE_WORDS
        if known or (_could_be_a_name(surname, names) and len(surname) > 2):
            yield Span(match.start(), match.end(), "NAME")


def listed_children(text: str, names: Gazetteer) -> Iterator[Span]:
    for cue in CHILDREN_CUE.finditer(text):
        found: list[tuple[Span, bool]] = []
        at = cue.end()
        while (item := LISTED_NAME.match(text, at)) and _could_be_a_name(item.group(1), names):
            found.append((Span(item.start(1), item.end(1), "NAME"), item.group(2) is not None))
            separator = LIST_SEPARATOR.match(text, item.end())
            if separator is None:
                break
            at = separator.end()
        if len(found) >= 2 or any(aged for _, aged in found):
            yield from (span for span, _ in found)


# "Woman at the drop-in, Gosia, gave her phone": a name set between commas after the person it is.
APPOSITIVE = re.compile(
    r"\b(?i:woman|man|lady|gentleman|bloke|chap|fella|lad|lass|girl|boy|guy|resident|tenant"
    r"|neighbour|caller|driver|witness|patient|occupier|occupant|owner|householder|carer|mum|dad"
    r"|mother|father|son|daughter|husband|wife|partner|client|student|pupil|apprentice|lodger"
    r"|person|child|kid|teenager|teen|youngster|toddler|year\s?\d{1,2}s)"
    r"\b[^.,;:!?\n]{0,30}?,\s+([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?(?:\s+[A-Z][a-z'’]+"
    r"(?:-[A-Z][a-z'’]+)?)?)\s*[,()]"
)
# "bob from the council's ASB team", "a call from Jan at Westfield care home": a first name said
# with where the person works, at the start of a sentence or after "from", "by", "to", "with".
NAME_AT_ORGANISATION = re.compile(
    r"(?:^|[.!?]\s+|\b(?:from|by|to|with)\s+)([A-Za-z][a-z]+)\s+(?:from|at)\s+(?:the\s+)?"
    r"(?:[A-Z]|(?:council|police|housing|social|ss|nhs|asb)\b)",
)
MODALS = frozenset("will may can must shall might".split())
# Words that label a thing by the number after them: "Year 8", "Ward 7", "Bay 3".
LABEL_WORDS = frozenset(
    "year yr ward bay room bed flat unit block section form class group level stage step".split()
)


def appositive_names(text: str, names: Gazetteer) -> Iterator[Span]:
    for match in APPOSITIVE.finditer(text):
        found = match.group(1).split()
        town = [fold(w) in names.places and fold(w) not in names.first for w in found]
        if all(_could_be_a_name(POSSESSIVE.sub("", w), names) for w in found) and not any(
                town[k] or w.lower() in ORG_WORDS for k, w in enumerate(found)):
            yield Span(match.start(1), match.end(1), "NAME")


def names_at_organisations(text: str, names: Gazetteer) -> Iterator[Span]:
    for match in NAME_AT_ORGANISATION.finditer(text):
        word = match.group(1)
        lower = word.lower()
        if fold(word) in names.first and lower not in STOPWORDS | MODALS | _TITLES_AND_RELATIONS:
            yield Span(match.start(1), match.end(1), "NAME")


def name_spans(text: str) -> Iterator[Span]:
    """Every NAME span the rules find in `text`, overlapping or not."""
    names = gazetteer()
    yield from NameFinder(text, names).spans()
    for match in NICKNAMED.finditer(text):
        if fold(match.group(1)) in names.first:
            yield Span(match.start(), match.end(), "NAME")
    yield from initialled_names(text, names)
    yield from listed_children(text, names)
    yield from families_by_surname(text, names)
    yield from appositive_names(text, names)
    yield from names_at_organisations(text, names)


# After a name, words that make it the name of a place or a thing: "Victoria Dock", "Princes Quay",
# "the Amy Johnson statue", "Wilberforce House museum".
THING_AFTER = re.compile(
    r"\s+(?i:docks?|quay|marina|bridge|statue|museum|gallery|theatre|stadium|arena|library"
    r"|memorial|monument|pier|shopping\s+centre|institute|hospices?|charity|building|wing|block"
    # "Marie Curie nurses", "DLA Piper solicitors": staff of an organisation named after someone
    r"|nurses|solicitors|lawyers|volunteers|shops|stores|branches)\b"
    # in capitals, an organisation or event named after someone: "the Amy Johnson Festival",
    # "Joseph Rowntree Foundation", "Bob's Garage" ("Mrs Shaw's garage" is hers)
    r"|(?:['’]s)?\s+(?:Festival|Foundation|Trust|Fund|Appeal|Awards?|Prize|Lecture|Society"
    r"|Housing|Garage|Motors|Solicitors|Associates|Ltd|Limited|Line|Lines|Bridge|Centre|Institute"
    r"|Hospice|Hospital|House|Building|Wing|Unit|Ward|College|School|Academy|University|Church"
    r"|Chapel|Cathedral|Minster|Abbey|Mosque|Temple|Ambulance|Racecourse|Airport|Stadium|Museum"
    r"|Gallery|Theatre|Library|Club|Association|Partnership|Commission|Company)\b"
)
# Words inside a capitalised name that may come between a person's name and the word that makes
# it a thing's: "the Duke of Edinburgh Award", "Queen Elizabeth II Bridge", "Ellerman Wilson Line".
NAME_RUN_WORD = re.compile(r"\s+(?:of|and|&|[IVX]{1,4}|[A-Z][\w'’-]*)(?=\s|$)")
# A report or inquiry named after the peer or judge who led it: "Lord Laming's report".
LED_BY_TITLE = re.compile(r"(?:Lord|Lady|Baroness|Baron|Sir|Dame|Judge|Justice)\s")
WORD_AFTER = re.compile(r"(?:['’]s)?\s+(\w+)")
RIVER_BEFORE = re.compile(r"\b(?:River|river|Lake|lake|Mount|Port)\s+$")
RIVER_FIRST = re.compile(r"(?:River|Lake|Mount|Port)\s")
# "the Grace period", "the Victoria flood plan": after "the", a name used as a word before a noun.
ARTICLE_BEFORE = re.compile(r"\b[Tt]he\s+$")
NOUN_AFTER = re.compile(r"\s+([a-z]{3,})\b")
# "Brigg, Barton and Epworth": towns listed together.
TOWN_LIST_GAP = re.compile(r"\s*(?:,|\band\b|\bor\b|&)\s*")


def names_a_thing(text: str, span: Span) -> bool:
    """A NAME span that is part of a place's or a thing's name, or a town in a list of towns."""
    found = text[span.start : span.end]
    names = gazetteer()
    if _ends_in_a_thing_word(text, span, names):
        return True
    if _inside_a_things_name(text, span.end) or RIVER_BEFORE.search(
            text, max(0, span.start - 8), span.start) or RIVER_FIRST.match(found):
        return True
    noun = NOUN_AFTER.match(text, span.end)
    plural_or_possessive = found.endswith("s") or POSSESSIVE.search(found)
    only_a_name = names.first.get(fold(found.split()[0])) is False  # "the Kayleigh referral"
    if ARTICLE_BEFORE.search(text, max(0, span.start - 5), span.start) and noun and not (
            plural_or_possessive or only_a_name
            or noun.group(1) in GROUP_NOUNS | PERSONAL_NOUNS | STOPWORDS):
        return True
    led = LED_BY_TITLE.match(found) and WORD_AFTER.match(text, span.end)
    if led and led.group(1).lower() in EPONYM_FOLLOWERS:
        return True  # "Lord Laming's report"
    if names.first.get(fold(found)) is True and _closes_a_title(text, span.start):
        return True
    towns = _towns_beside(text, span, names)
    return towns == 2 or (towns == 1 and fold(found) in names.places)


def _inside_a_things_name(text: str, end: int) -> bool:
    """Whether a thing's word follows the name, directly or after a few more capitalised words."""
    at = end
    for _ in range(3):
        if THING_AFTER.match(text, at):
            return True
        word = NAME_RUN_WORD.match(text, at)
        if word is None:
            return False
        at = word.end()
    return THING_AFTER.match(text, at) is not None


def _ends_in_a_thing_word(text: str, span: Span, names: Gazetteer) -> bool:
    """ "Victoria Dock", "Jill Dando Institute": the span's last word (or the span itself, one
    word after a capitalised one) names a place or a thing; a surname does not ("Mr John Bridge")."""
    found = text[span.start : span.end]
    if " " in found.strip():
        at = span.start + found.rstrip().rindex(" ")
    elif re.search(r"[A-Z][\w'’-]*\s$", text[max(0, span.start - 30) : span.start]):
        at = span.start - 1
    else:
        return False
    last = found.split()[-1] if found.split() else ""
    return fold(last) not in names.last and THING_AFTER.match(text, at) is not None


# "the Renters (Reform) Bill", "the Data (Use and Access) Bill": a capitalised bracket before.
BRACKETED_TITLE_BEFORE = re.compile(r"\([A-Z][^()]{0,40}\)\s+$")
CAPITAL_BEFORE = re.compile(r"(?:^|([.!?:;]\s+)|\s)([A-Z][a-z]+)\s+$")


def _closes_a_title(text: str, start: int) -> bool:
    """A word that is also a name ends a title in capitals ("Living Will", "Renters (Reform)
    Bill"), unless the capital before it is a title, a relation or a sentence's first word."""
    before = text[max(0, start - 50) : start]
    if BRACKETED_TITLE_BEFORE.search(before):
        return True
    capital = CAPITAL_BEFORE.search(before)
    if capital is None or capital.group(1) is not None or capital.start(2) == 0 and start <= 50:
        return False
    return capital.group(2).lower() not in _TITLES_AND_RELATIONS


def _towns_beside(text: str, span: Span, names: Gazetteer) -> int:
    """How many of the words listed on either side of the span are towns (0, 1 or 2)."""
    after = TOWN_LIST_GAP.match(text, span.end)
    nxt = re.match(r"[A-Z][a-z]+(?:-[A-Za-z]+)*", text[after.end() :]) if after else None
    before = re.search(
        r"([A-Z][a-z]+(?:-[A-Za-z]+)*)" + TOWN_LIST_GAP.pattern + r"$", text[: span.start])
    return sum(bool(m and fold(m.group(1) if m is before else m.group()) in names.places)
               for m in (before, nxt))


# The title before a name belongs to the name: "Mrs Ellison" is one span, and so is "mr and mrs
# singh". Rank titles count only with a capital ("Sgt Iqbal", not "the nurse Precious").
_TITLE_WORD = (
    r"(?:(?i:mr|mrs|ms|miss|mx|dr|prof|master)|Sir|Dame|Lord|Lady|Cllr|Councillor|PCSO|PC|DC|DS|DI"
    r"|DCI|Sgt|Sergeant|Inspector|Constable|Rev|Revd|Reverend|Father|Sister|Nurse"
    r"|Pani|Herr|Frau|Madame|Mme|Monsieur|Signora|Signor|Señora|Señor|Senhora|Senhor|Sheikh)\.?"
)
# A quote may open just before the title ("'Mrs J Cartwright, 07700...'"); an apostrophe inside
# a word may not.
TITLES_BEFORE = re.compile(
    rf"(?<![\w-])(?<!\w['’]){_TITLE_WORD}\s+(?:(?i:and|&)\s+{_TITLE_WORD}\s+)?$"
)


def with_titles(text: str, spans: list[Span]) -> list[Span]:
    """Each NAME span widened to take in the title (or "Mr and Mrs") written just before it."""
    widened = []
    for span in spans:
        match = TITLES_BEFORE.search(text, max(0, span.start - 30), span.start)
        if span.kind == "NAME" and match:
            span = Span(match.start(), span.end, span.kind)
        widened.append(span)
    return widened
