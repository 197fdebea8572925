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
# "3.2 The Police may share", "14.3 Humberside Police": the number after a clause number's dot
# (or a time's colon) is no house number.
_NOT_A_CLAUSE = r"(?<!\d[.:])"
_STREET_WORDS = r"(?:" + _NOT_STREET_WORD + r"[A-Za-z][A-Za-z'-]*\s+){1,3}"
# "14 Beverley Road", "flat 3, 22 Spring Bank West", "12 The Crescent", "Flat 12, Gibson Court".
NUMBERED_ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit|room)\s+\d+[A-Za-z]?,?\s+)?"
    r"(?:" + _NOT_A_CLAUSE + r"\d{1,4}[A-Za-z]?,?\s+(?:" + _STREET_WORDS + r"|the\s+)" + _STREET + r"|"
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
    r"|Square|Villas|Wharf|Quay|View)(?:\s+(?:North|South|East|West))?)\b"
)
# "Golden Sands Holiday Park", "Sandy Lane caravan site": a site people live on.
NAMED_SITE = re.compile(
    rf"\b((?:{_CAP}\s+){{1,3}}(?i:caravan|holiday|mobile\s+home|residential|park\s+home"
    r"|travellers'?|gypsy\s+and\s+traveller)\s+(?i:park|site|village|estate))\b"
)
# "on the Sutton Park estate", "Bransholme Estate": a named housing estate.
NAMED_ESTATE = re.compile(rf"\b((?:{_CAP}\s+){{1,3}}(?:[Ee]state))\b")
NOT_ESTATE_NAMES = frozenset("real crown housing council industrial business trading the".split())
# An estate is where someone lives only when a person is spoken of just before it.
PERSON_BEFORE_ESTATE = re.compile(
    r"\b(?:lives?|living|lived|moved|stays?|staying|he|she|his|her|hers|mum'?s|dad'?s|nan'?s"
    r"|resident|tenant|family|occupier)\b[^.?!]*$",
    re.IGNORECASE,
)
# "Mrs Dimitrova on Newland Park", "the family on Orchard Park": a person placed "on" a named
# park, green or estate (where people live, as "on" says; "in" a park is a visit).
PERSON_ON_AREA = re.compile(
    r"(?:\b(?i:he|she|they|family|tenant|resident|occupier|man|woman|lady|lad|bloke|couple"
    r"|lives|living|moved)|\b(?i:mr|mrs|ms|miss)\.?\s+[A-Za-z'’-]+)"
    rf"\s+on\s+((?:{_CAP}\s+){{1,2}}(?:Park|Green|Estate|Fields|Gate|Side|Heights|Rise))\b"
    r"(?!\s+[A-Z])"
)
# "the lady at The Old Forge, Ellerker": a house named with "The", then its village.
THE_HOUSE_THEN_PLACE = re.compile(
    rf"\b(?:at|from|of|to|in)\s+(The\s+{_CAP}(?:\s+{_CAP}){{0,2}})(?=,\s*[A-Z][a-z])"
)
# "at Holly Bank, Skirlaugh": a named place, then the village or town it is in (checked against
# the town list, so "in Hull, Beverley" and "at Tesco, Hessle" stay).
NAMED_THEN_TOWN = re.compile(
    rf"\b(?:at|from|to|lives\s+in)\s+({_CAP}(?:\s+{_CAP}){{1,2}}),\s*({_CAP}(?:\s+{_CAP})?)\b"
)
# "westbourne ave", "anlaby road": a street written in lower case; its name must be no
# everyday word ("the main road", "down the lane" stay).
LOWER_STREET = re.compile(
    r"\b((?:[a-z][a-z'’-]{3,}\s+){1,2}(?:road|rd|street|avenue|ave|lane|close|drive|crescent"
    r"|grove|terrace|gardens|gdns|mews|garth|croft))\b"
)
# A house name before a numbered address: "Hillcrest, 4 Church View".
HOUSE_NAME_BEFORE = re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}}),\s*$")
# "number 12 on Holderness Road", "the end house on Orchard Park", "the flats on Preston Road": a
# home placed on a street named without a number (estates and parks count here).
HOME_ON_STREET = re.compile(
    r"\b((?i:(?:(?:end|corner|last|first|top|bottom|middle|big|old)\s+)?(?:house|houses|flats?"
    r"|bungalows?|cottages?|terrace|block|maisonettes?|property|caravan)"
    r"(?:\s+(?:above|over|behind|next\s+to|opposite|beside)\s+(?:the\s+|a\s+)?(?:[a-z'’]+\s+){0,3}?"
    r"[a-z'’]+)?"
    r"|(?:number|no\.?|num\.?)\s?\d{1,4}[a-z]?)(?:\s+(?:on|in|off|along|down|up)\s+(?:the\s+)?"
    r"|,\s*))"
    rf"((?:{_CAP}\s+){{1,3}}"
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Grove|Place|Terrace"
    r"|Gardens|Walk|Mews|Rise|Parade|Row|Garth|Fold|Croft|Chase|Vale|Boulevard|Square|Villas"
    r"|Wharf|Quay|Park|Estate|Green|Hill|View|Bank))\b"
)
# "the lad at the bottom flat", "the family in the ground floor flat": a home placed in its building
# beside the person who lives there.
HOME_IN_BUILDING = re.compile(
    r"\b(?i:lad|lass|man|woman|lady|gent|bloke|family|couple|tenant|resident|occupier|girl|boy"
    r"|kids|he|she|they|lives|living)\s+(?i:at|in|from)\s+the\s+"
    r"((?i:top|bottom|ground[- ]floor|first[- ]floor|second[- ]floor|upstairs|downstairs|basement"
    r"|middle|end|corner|back)\s+(?i:flat|house|bungalow|cottage|maisonette))\b"
)
# What may follow an address and belong to it: ", Skidby", " near Routh", ", Main Street",
# " caravan site". A capitalised run after a comma or "near"; hyphenated and "upon" names whole.
_PLACE_RUN = r"[A-Z][a-z'’]+(?:(?:-[a-z]+)*-[A-Z][a-z'’]+|\s+(?:upon|on|le|under)\s+[A-Z][a-z]+)*"
ADDRESS_TAIL = re.compile(
    r"(?:\s+(?:caravan|mobile\s+home|holiday)\s+(?:site|park)"
    rf"|(?:,\s*|\s+(?:near|nr\.?)\s+)({_PLACE_RUN}(?:\s+{_PLACE_RUN}){{0,2}}))"
)
NOT_ADDRESS_TAIL = frozenset(
    "mr mrs ms miss dr can could should would will is are was i we he she they it this that "
    "the a an and or but if so yes no not please thanks".split()
)
# "our station is on Clough Road": where the service itself is, not where someone lives.
SERVICE_PREMISES_BEFORE = re.compile(
    r"\b(?:(?:station|stations|headquarters|hq|depot|office|offices|training\s+centre)\s+"
    r"(?:(?:is|are|was)\s+)?(?:on|in|at|off)"
    r"|(?:(?:station|watch|crew|group)\s+(?:manager|commander|officer)s?|wm|sm|cm|gm)"
    r"\s+(?:at|from|of))"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
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
# "Dove House want to co-badge", "Hope House and Age UK want", "Rose Lodge Group", "Brook House
# care home": a house name that is an organisation's, by what follows it (a home wants nothing).
ORGANISATION_AFTER_HOUSE = re.compile(
    r"\s+(?:(?:and|&)\s+(?:[A-Z][\w'’]*\s+){1,4})?(?:want|wants|would\s+like|(?:have|has)\s+"
    r"(?:asked|requested)|asked\s+(?:us|for|if|whether)|(?:are|is)\s+asking)\b"
    r"|\s+(?i:group|trust|ltd|limited|charity|foundation|association|housing|hospice"
    r"|care\s+home|nursing\s+home|residential\s+home)\b"
)
PUBLIC_BUILDING_AFTER = re.compile(
    r"\s+(?i:museum|gallery|library|theatre|hotel|church|chapel|hospice|pub|inn|restaurant|cafe)\b"
)
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
# "the man at 14a": a house number with its letter is a home even without the street.
HOUSE_NUMBER_LETTER = re.compile(
    r"\b(?:at|from|lives\s+at|living\s+at|outside|opposite|next\s+door\s+to)\s+(\d{1,4}[a-hA-H])\b"
    r"(?![.'’-]?\w)"
)
# A hospital is a partner organisation, except where it says where a person is: "a patient at
# Castle Hill Hospital", "discharged from Hull Royal Infirmary".
HOSPITAL_FOR_A_PERSON = re.compile(
    r"\b(?:patient|inpatient|admitted|discharged|staying|works?|worked|working)"
    r"(?:\s+(?:[a-z]+|Ward|Bay|Bed|\d{1,3}[A-Za-z]?)){0,3}?\s+(?:at|to|in|from)\s+(?:the\s+)?"
    rf"((?:{_CAP}\s+){{1,3}}(?:Hospital|Infirmary|Hospice|Clinic))\b"
)
# "lives at The Willows", "the house is called Meadowside": a home named after a cue.
HOME_AFTER_CUE = re.compile(
    r"\b(?:lives|living|lived|moved|staying|stays|address\s+is|(?:house|home|property|bungalow"
    r"|cottage|farm)\s+(?:is\s+)?called)\s+(?:(?:at|in|to|on|into)\s+)?"
    rf"((?:The\s+)?{_CAP}(?:\s+{_CAP}){{0,3}})"
    # "her house, Fairview, in Sproatley": a home's name set between commas after it
    r"|\b(?i:her|his|their|my|your)\s+(?i:house|home|bungalow|cottage|farm|farmhouse|place),\s+"
    rf"((?:The\s+)?{_CAP}(?:\s+{_CAP}){{0,3}}),"
)
# "flat 6", "Flat 14b", "plot 34" on a caravan site, "caravan 42": a home by its number, wherever
# it is written; "flat 6 kingston house": with the building it is in.
FLAT_ALONE = re.compile(
    r"\b((?:flat|apartment|apt|plot|pitch|caravan|chalet)\s+(?:no\.?\s?)?\d{1,4}[a-z]?"
    r"(?:,?\s+" + _NOT_STREET_WORD + r"[a-z][a-z'’-]+\s+(?:house|court|towers|heights|mansions"
    r"|lodge|buildings))?)\b"
    r"(?![%./:-]?\d|\s*(?:%|per\b|percent|times?\b|hours?\b|mins?\b|minutes?\b|days?\b|weeks?\b"
    r"|months?\b|years?\b|pounds?\b|quid\b))",
    re.IGNORECASE,
)
# "van 23 Kingfisher caravan park", "caravan 8 at Sand le Mere holiday park", "room B14 in
# Courtyard halls", "room 14 at Brookfield care home": a home by its number on a named site.
HOME_ON_SITE = re.compile(
    r"\b((?i:static\s+)?(?i:caravan|van|chalet|lodge|pitch|plot|room|berth|mooring)\s+[A-Z]?\d{1,4}[A-Za-z]?"
    r"(?:\s*,?\s*(?i:at|in|on)?\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+(?:(?:le|on|upon|de)\s+)?){1,4}"
    r"(?i:caravan\s+park|holiday\s+park|leisure\s+park|holiday\s+village|caravan\s+site|park|halls"
    r"|hall|marina)))\b"
)
# "room 14 at Brookfield care home": the room, where the home's name is taken as an institution.
ROOM_IN_HOME = re.compile(
    r"\b((?i:room|flat|apartment)\s+[A-Z]?\d{1,4}[A-Za-z]?)(?=\s*,?\s*(?:(?i:at|in)\s+|,\s*)(?:the\s+)?"
    r"(?:[A-Z][\w'’-]*\s+){1,3}(?i:care\s+home|nursing\s+home|residential\s+home|house|court|lodge"
    r"|hostel|halls|supported\s+living|sheltered\s+housing))"
)
# "the lodgers in room 3 and room 7", "tenant of room 12": rooms let as homes, said by who lives there.
ROOMS_LET = re.compile(
    r"\b(?i:tenants?|lodgers?|residents?|occupants?|occupiers?|lives|living|lived|staying|stays)"
    r"\s+(?i:in|of|at)\s+(?:the\s+)?((?i:rooms?|bedsits?)\s+\d{1,3}[A-Za-z]?"
    r"(?:\s*(?:,|and|&|or)\s*(?i:room\s+)?\d{1,3}[A-Za-z]?\b)*)"
)
ROOM_NUMBER = re.compile(r"(?i:(?:rooms?|bedsits?)\s+)?\d{1,3}[A-Za-z]?\b")

# "11 The Paddocks", "47 Westgate": a number, then a house row or a one-word street that names a
# street by its ending.
_ONE_WORD_STREET = (
    r"[A-Z][a-z]+(?:gate|side|field|fields|dale|wood|mead|holme|garth|croft|moor|well|ings|brook"
    r"|lea|leigh|thorpe|ton|way|gardens|bank|hill|green|lands|stones|meadows)"
)
NUMBER_THEN_NAME = re.compile(
    rf"\b{_NOT_A_CLAUSE}\d{{1,4}}[A-Za-z]?,?\s+(?:The\s+{_CAP}|{_ONE_WORD_STREET})"
    r"(?:\s+(?:North|South|East|West|Upper|Lower))?(?![\w'’-])"
)
# "they live in the bungalow at the end of Westgate", "lives on Kingsway": a one-word street
# named without a number, said as where a home is, by an ending only streets have ("lives on
# Bransholme" is an estate, as most "-holme", "-field" and "-ton" names are without a number).
ONE_WORD_STREET_OF_A_HOME = re.compile(
    r"\b(?i:lives?|living|lived|house|bungalow|flat|home|cottage|maisonette)\b[^.?!]{0,30}?"
    r"\b(?i:on|off|end\s+of)\s+([A-Z][a-z]+(?:gate|way|garth|croft))\b(?![\w'’-]|\s+[A-Z])"
)

_INSTITUTION_HEAD = (
    r"(?:(?:Primary|Junior|Infants?|Secondary|High|Grammar|Community|Special|Nursery|Free"
    r"|Church|Catholic|Methodist|CE|C\s?of\s?E|RC|Sixth\s+Form)\s+)*"
    r"(?:School|Academy|College|Primary|Infants|Juniors|Nursery|Pre-?[Ss]chool|Playgroup"
    r"|Children's\s+Centre|Care\s+Home|Nursing\s+Home|Residential\s+Home|Rest\s+Home"
    r"|Care\s+Centre|Day\s+Centre|Surgery|Medical\s+Centre|Health\s+Centre|Medical\s+Practice"
    r"|Group\s+Practice|Practice|Hostel|UTC|Sixth\s+Form(?:\s+College)?|6th\s+Form|University"
    r"|Uni|Institute|PRU|Supported\s+Living|Sheltered\s+Housing|Children['’]s\s+Home|Refuge)"
    r"(?:\s+for\s+(?:Girls|Boys))?(?:\s+(?:North|South|East|West))?"
)
# The same place words in lower case, after a capitalised name: "Busy Bees nursery".
_LOWER_HEAD = (
    r"(?:(?:primary|junior|infant|secondary|high|grammar|community|special|nursery)\s+)*"
    r"(?:school|academy|college|primary|nursery|infants|juniors|pre-?school|playgroup|care\s+home"
    r"|nursing\s+home|residential\s+home|surgery|medical\s+centre|health\s+centre"
    r"|group\s+practice|medical\s+practice|sixth\s+form|6th\s+form|uni|university|institute"
    r"|day\s+centre|supported\s+living|sheltered\s+housing|children['’]s\s+home|hostel|refuge)"
    r"(?:\s+(?:north|south|east|west))?"
)
# "Greatfield Primary School", "St Mary's Catholic Primary", "Oakwood Care Home".
INSTITUTION = re.compile(
    rf"\b((?:(?:St\.?|Saint)\s+)?(?:{_CAP}\s+(?:(?:and|on|upon|in|the|of)\s+)?){{1,4}}"
    + rf"(?:{_INSTITUTION_HEAD}|{_LOWER_HEAD}))(?![\w-])"
)
# A workplace after "works at" is kept unless it is one of the public services themselves.
NOT_WORKPLACE_NAMES = frozenset(
    "the a fire police service services council nhs ambulance rescue army navy watch crew station "
    "team".split()
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
    rf"((?:(?:St\.?|Saint)\s+)?{_CAP}(?:\s+{_CAP}){{0,2}})(?![\w'’-])"
    r"|\b(?:attends|attending)\s+"
    rf"((?:(?:St\.?|Saint)\s+)?{_CAP}(?:\s+{_CAP}){{0,2}})(?![\w'’-])"
)

# A named organisation word may be written in capitals: "BAE Systems", "ASDA".
_ORG = r"[A-Z][A-Za-z'’&]*"
_ORG_NAME = (
    rf"(?:(?:St\.?|Saint)\s+)?{_ORG}(?:\s+(?:&\s+)?{_ORG}){{0,2}}"
    r"(?:\s+(?:site|depot|factory|plant|warehouse|branch|store|yard|offices?)"
    r"(?:\s+(?:in|at|near)\s+[A-Z][a-z]+(?:-[A-Za-z]+)*)?)?"
)
# Where someone is employed, cared for or taught, said by who they deal with there: "his employer,
# Hull Trains", "a payslip from Arco", "the carer, Michelle from Premier Care", "the school nurse
# at Malet Lambert", "works nights at the BAE Systems site in Brough".
ORG_AFTER_PERSON_CUE = re.compile(
    r"\b(?:(?:employer|employers|agency)(?:\s+(?:is|was))?\s*[,:]?\s+(?:(?:at|is)\s+)?"
    r"|(?i:payslips?|wages|carers?|care\s+workers?|support\s+workers?|nurse|teacher|headteacher"
    r"|tutor|senco|boss|manager|supervisor|head|deputy\s+head|head\s+of\s+year|form\s+tutor"
    r"|teaching\s+assistant)(?:,?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?,?)?"
    r"\s+(?:from|at|with)\s+"
    r"|(?:works?|working|worked|employed|job|shifts?)(?:\s+[a-z]+){0,3}?\s+(?:at|for|by)\s+)"
    rf"(?:the\s+)?({_ORG_NAME})(?![\w'’-])"
)
# Public services and the words that name them: never a private employer or care provider here.
PUBLIC_BODY_WORDS = frozenset(
    """the a an fire police service services council nhs ambulance rescue army navy social adult
    adults children's children safeguarding housing mash early help team hospital trust gp
    authority government department dwp hmrc dvla ico humberside yorkshire age uk mind victim
    support prevent probation court courts school college university home office control
    station watch crew board icb ccg i we he she they""".split()
)


def _clean_words(found: str, banned: frozenset[str], skip_last: int = 1) -> bool:
    words = [w.lower().strip(".,") for w in found.split()]
    return not any(w in banned for w in words[: len(words) - skip_last])


def _only_a_town(name: str) -> bool:
    from governance.redact_names import fold, gazetteer

    return fold(name.strip()) in gazetteer().places


def _high_street(text: str, start: int, words: list[str]) -> frozenset[str]:
    """ "High Street, Patrington" is an address; "the High Street" and "High Court" are not."""
    the_before = text[max(0, start - 4) : start].lower() == "the "
    if len(words) == 2 and words[0] == "High" and words[1] != "Court" and not the_before:
        return frozenset({"high"})
    return frozenset()


# A street with no number is where someone lives only when the text says so: a home before it
# ("the house on Hessle Road", "she lives on ..."), an incident or a person right before it ("the
# fire on Clough Road", "an elderly man on Westbourne Avenue"), or a particular person in the text
# ("Mrs Hall on Clough Road").
# "Hessle Road patch", "hydrants on Holderness Road", "based at HQ or Clough Road" name a place.
HOME_BEFORE = re.compile(
    r"\b(?:house|(?<!care\s)(?<!nursing\s)(?<!residential\s)homes?|flat|flats|bungalow|maisonette|property|address|lives?|living|lived"
    r"|moved|staying|stays|family|household|neighbours?|next\s+door|door|resident|tenant|occupier"
    r"|room|bedsit)\b[^.?!]{0,40}$"
    r"|\b(?:fire|blaze|incident|shout|job|visit|call-?out|collapse|fall|man|woman|lady|gent|fella"
    r"|bloke|couple|family|tenant|resident|occupier|someone|somebody|person|people|kids?|child"
    r"|children|girl|boy|lad|lass)\s+(?:(?:who|that)\s+(?:lives?|lived|is|was|stays?)\s+)?"
    r"(?:at|on|in|off|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# Someone in a case told by who they are to others: "mum at the Co-op", "the child is at ...",
# "the gent at number 3". Not "the kids" of a school talk or "a resident" in general.
KIN = re.compile(
    r"\b(?:mum|mam|dad|nan|nana|gran|granny|grandad|grandma|grandson|granddaughter|husband|wife"
    r"|son|daughter|brother|sister|stepdad|stepmum|the\s+(?:child|boy|girl|lad|lass|gent"
    r"|gentleman|lady|old\s+(?:man|lady|woman|fella|boy)|youngest|eldest|baby|toddler|farmer"
    r"|occupant|householder|homeowner))\b",
    re.IGNORECASE,
)


def someones(text: str, span: Span) -> bool:
    """Whether a street named without a number is tied to a person: a home, an incident or a
    person just before it, or someone in the case (a title, pronoun, name or kin word)."""
    from governance.redact_institutions import particular_person

    if HOME_BEFORE.search(text, max(0, span.start - 60), span.start):
        return True
    return bool(KIN.search(text)) or particular_person(text, [span])


# "Marfleet Lane station has a new watch manager": a station named by its road.
STATION_AFTER = re.compile(r"\s+(?i:fire\s+)?(?i:station|stations|depot)\b")


def streets(text: str) -> Iterator[Span]:
    for match in STREET_NAME.finditer(text):
        if SERVICE_PREMISES_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            continue
        if STATION_AFTER.match(text, match.end(1)):
            continue
        if not someones(text, Span(match.start(1), match.end(1), "ADDRESS")):
            continue
        start = _after_opening_words(text, match.start(1), match.end(1))
        words = text[start : match.end(1)].split()
        kept = words
        banned = NOT_STREET_NAMES - _high_street(text, start, words)
        while kept and kept[0].lower() in banned | {"the"}:
            kept = kept[1:]
        if len(kept) >= 2 and _clean_words(" ".join(kept), banned):
            start = match.end(1) - len(" ".join(kept))
            if text[start : match.end(1)] == " ".join(kept):
                yield Span(start, match.end(1), "ADDRESS")


def _after_opening_words(text: str, start: int, end: int) -> int:
    """Where a capitalised run's name starts once the function words opening a sentence are left
    out: "Is Orchard Park ..." names "Orchard Park", "Can Hessle Road ..." "Hessle Road"."""
    from governance.redact_words import STOPWORDS

    opening = STOPWORDS - {"the"}  # "The Old Forge" is a house's whole name
    while (word := re.match(r"([A-Za-z]+)\s+", text[start:end])) and word.group(1).lower() in opening:
        start += word.end()
    return start


def house_names(text: str) -> Iterator[Span]:
    for match in HOUSE_NAME.finditer(text):
        if PUBLIC_BUILDING_AFTER.match(text, match.end(1)):
            continue  # "Wilberforce House museum": a public building, no one's home
        if ORGANISATION_AFTER_HOUSE.match(text, match.end(1)):
            continue  # an organisation's name; a care home is weighed as an institution
        start = _after_opening_words(text, match.start(1), match.end(1))
        if " " not in text[start : match.end(1)]:
            continue  # "Is Orchard": a function word, then a house word alone
        house = Span(start, match.end(1), "ADDRESS")
        if _clean_words(text[start : match.end(1)], NOT_HOUSE_NAMES) and (
                _a_home_by_its_name(text, house) or someones(text, house)):
            yield house


# Houses with these names are as often an organisation's or a public building ("Wilberforce Lodge",
# "Martin House", "Burton Constable Hall"): someone's home only when the text says so.
SHARED_BUILDING_WORDS = frozenset("house lodge hall manor grange mill orchard".split())


def _a_home_by_its_name(text: str, house: Span) -> bool:
    """ "Rose Cottage", "The Old School House", "Willow Farm, Back Lane": a home by its name, by
    a former use ("Old ..."), or written as a postal address with its street or village after."""
    words = text[house.start : house.end].lower().split()
    former = words[0] == "old" or words[:2] == ["the", "old"]
    postal = ADDRESS_TAIL.match(text, house.end) is not None
    return former or postal or words[-1] not in SHARED_BUILDING_WORDS


def institutions(text: str) -> Iterator[Span]:
    yield from named_institutions(text)
    for match in PLACE_AFTER_CUE.finditer(text):
        group = 1 if match.group(1) else 2
        if _clean_words(match.group(group), NOT_WORKPLACE_NAMES, skip_last=0):
            yield Span(match.start(group), match.end(group), "SCHOOL_OR_INSTITUTION")
    yield from organisations_after_cue(text)


def named_institutions(text: str) -> Iterator[Span]:
    """Schools, homes and practices named by what they are, when the text speaks of someone: in a
    question about a policy or an organisation ("a talk at Wolds Academy") they are no one's data."""
    from governance.redact_institutions import about_someone

    found = list(_named_institutions(text))
    if found and about_someone(text, found):
        yield from found


def _named_institutions(text: str) -> Iterator[Span]:
    for match in INSTITUTION.finditer(text):
        found = match.group(1)
        start = match.start(1)
        if found.startswith("The "):  # "The Lawns care home": the name is checked without "The"
            found, start = found[4:], start + 4
        head_at = re.search(rf"(?:{_INSTITUTION_HEAD}|{_LOWER_HEAD})$", found)
        name = found[: head_at.start()] if head_at else found
        if head_at and head_at.group(0).islower():
            possessive = re.fullmatch(r"\s*\S+['’]s\s*", name) is not None
            if possessive or _only_a_town(name):
                continue  # "Ellie's school" (her name is found as a name), "a Hull school"
        if name.strip() and _clean_words(name, NOT_INSTITUTION_NAMES, skip_last=0):
            yield Span(start, match.end(1), "SCHOOL_OR_INSTITUTION")


# Staff who speak for where they work: "the head teacher at Malet Lambert has asked for our
# policy" names no one's school until a pupil or patient is spoken of.
STAFF_ROLE = re.compile(
    r"(?i:nurse|teacher|headteacher|tutor|senco|head|deputy\s+head|head\s+of\s+year|form\s+tutor"
    r"|teaching\s+assistant|manager|supervisor)\b"
)


def organisations_after_cue(text: str) -> Iterator[Span]:
    from governance.redact_institutions import about_someone
    from governance.redact_words import TITLES

    for match in ORG_AFTER_PERSON_CUE.finditer(text):
        found = match.group(1)
        place = Span(match.start(1), match.end(1), "SCHOOL_OR_INSTITUTION")
        if STAFF_ROLE.match(match.group(0)) and not about_someone(text, [place]):
            continue
        if SERVICE_PREMISES_BEFORE.search(text, max(0, match.start(1) - 40), match.start(1)):
            continue  # "our Station Manager at Calvert Lane": the service's own station
        first = found.split()[0].lower().strip(".")
        if first in TITLES or not _clean_words(found, PUBLIC_BODY_WORDS, skip_last=0):
            continue
        if _only_a_town(found) or found.isupper():
            continue  # "a carer from Hull": a town; "works for HFRS": most often a public body
        yield place


def rooms_let(text: str) -> Iterator[Span]:
    """Each room in "the lodgers in room 3 and room 7": its own address."""
    for match in ROOMS_LET.finditer(text):
        for room in ROOM_NUMBER.finditer(text, match.start(1), match.end(1)):
            yield Span(room.start(), room.end(), "ADDRESS")


def homes_after_cue(text: str) -> Iterator[Span]:
    from governance.redact_names import fold, gazetteer

    for match in HOME_AFTER_CUE.finditer(text):
        group = 1 if match.group(1) else 2
        found = match.group(group)
        words = found.split()
        if any(w.lower() in NOT_HOUSE_NAMES | {"fire", "police", "council"} for w in words):
            continue
        if fold(found) in gazetteer().places or fold(words[-1]) in gazetteer().places:
            continue  # "lives in Bridlington": a town, not an address
        if len(words) == 1 and fold(found) in gazetteer().first:
            continue  # "moved in Kayleigh"? leave names to the name rules
        yield Span(match.start(group), match.end(group), "ADDRESS")


def one_word_streets_of_homes(text: str) -> Iterator[Span]:
    for match in ONE_WORD_STREET_OF_A_HOME.finditer(text):
        if not _only_a_town(match.group(1)):
            yield Span(match.start(1), match.end(1), "ADDRESS")


def homes_on_streets(text: str) -> Iterator[Span]:
    for match in HOME_ON_STREET.finditer(text):
        street = match.group(2).split()
        if street[0].lower() not in NOT_STREET_NAMES and _clean_words(match.group(2),
                                                                      NOT_STREET_NAMES):
            yield Span(match.start(1), match.end(2), "ADDRESS")


def with_tail(text: str, span: Span) -> Span:
    """An address widened over the town, street or site written after it: "Rose Cottage, Skidby"."""
    from governance.redact_words import SERVICE_WORDS, TITLES

    end = span.end
    for _ in range(3):
        match = ADDRESS_TAIL.match(text, end)
        if match is None:
            break
        place = (match.group(1) or "").lower().split()
        if place and (place[0] in NOT_ADDRESS_TAIL | TITLES or set(place) & SERVICE_WORDS):
            break
        end = match.end()
    return Span(span.start, end, span.kind) if end > span.end else span


def with_head(text: str, span: Span) -> Span:
    """An address widened over the house name written before it: "Hillcrest, 4 Church View",
    "Old Post Office, High Street" (a house named for what it was may hold a service word)."""
    from governance.redact_words import SERVICE_WORDS, STOPWORDS, TITLES

    match = HOUSE_NAME_BEFORE.search(text, max(0, span.start - 40), span.start)
    if match is None:
        return span
    words = match.group(1).lower().split()
    former = words[:1] == ["old"] or words[:2] == ["the", "old"]
    if not former and set(words) & (STOPWORDS | SERVICE_WORDS | TITLES | NOT_HOUSE_NAMES):
        return span
    return Span(match.start(1), span.end, span.kind)


def named_places(text: str) -> Iterator[Span]:
    """Estates, sites and "The ..." houses named without a street word."""
    from governance.redact_words import SERVICE_WORDS

    yield from groups(NAMED_SITE, "ADDRESS", text)
    for match in NAMED_ESTATE.finditer(text):
        words = match.group(1).lower().split()
        person = PERSON_BEFORE_ESTATE.search(text, max(0, match.start() - 60), match.start())
        if person and not set(words) & (NOT_ESTATE_NAMES | SERVICE_WORDS):
            yield Span(match.start(1), match.end(1), "ADDRESS")
    for match in NAMED_THEN_TOWN.finditer(text):
        if _named_home_in_town(match.group(1), match.group(2)):
            yield Span(match.start(1), match.end(2), "ADDRESS")
    for match in PERSON_ON_AREA.finditer(text):
        words = match.group(1).lower().split()[:-1]
        if not set(words) & (NOT_ESTATE_NAMES | SERVICE_WORDS) and not _only_a_town(
                " ".join(words)):
            yield Span(match.start(1), match.end(1), "ADDRESS")
    for match in THE_HOUSE_THEN_PLACE.finditer(text):
        words = match.group(1).lower().split()[1:]
        if not set(words) & (SERVICE_WORDS | NOT_HOUSE_NAMES):
            yield Span(match.start(1), match.end(1), "ADDRESS")


def _named_home_in_town(name: str, town: str) -> bool:
    from governance.redact_names import fold, gazetteer
    from governance.redact_words import SERVICE_WORDS, STOPWORDS, TITLES

    words = set(name.lower().split())
    places = gazetteer().places
    if words & (SERVICE_WORDS | STOPWORDS | TITLES | NOT_HOUSE_NAMES | PUBLIC_BODY_WORDS):
        return False
    return fold(town) in places and fold(name) not in places


def lower_case_streets(text: str) -> Iterator[Span]:
    from governance.redact_names import fold, gazetteer
    from governance.redact_words import STOPWORDS

    common = gazetteer().common
    for match in LOWER_STREET.finditer(text):
        words = match.group(1).split()[:-1]
        while words and (fold(words[0]) in common or words[0] in STOPWORDS):
            words = words[1:]
        if words and not any(fold(w) in common or w in STOPWORDS for w in words):
            start = match.end(1) - len(" ".join(words)) - len(match.group(1).split()[-1]) - 1
            yield Span(start, match.end(1), "ADDRESS")


def addresses(text: str) -> Iterator[Span]:
    for span in groups(NUMBERED_ADDRESS, "ADDRESS", text):
        yield with_head(text, span)
    yield from named_places(text)
    yield from lower_case_streets(text)
    yield from groups(NUMBER_THEN_NAME, "ADDRESS", text)
    for span in streets(text):
        yield with_head(text, span)
    yield from homes_on_streets(text)
    yield from one_word_streets_of_homes(text)
    yield from house_names(text)
    yield from groups(HOUSE_NUMBER, "ADDRESS", text, 1)
    yield from groups(HOUSE_NUMBER_LETTER, "ADDRESS", text, 1)
    yield from groups(FLAT_ALONE, "ADDRESS", text, 1)


def place_spans(text: str) -> Iterator[Span]:
    """Every address and institution span, overlapping or not."""
    for span in addresses(text):
        yield with_tail(text, span)
    yield from groups(HOME_IN_BUILDING, "ADDRESS", text, 1)  # "the bottom flat, Jayden": no tail
    yield from groups(HOME_ON_SITE, "ADDRESS", text, 1)
    yield from groups(ROOM_IN_HOME, "ADDRESS", text, 1)
    yield from rooms_let(text)
    yield from groups(HOSPITAL_FOR_A_PERSON, "SCHOOL_OR_INSTITUTION", text, 1)
    yield from homes_after_cue(text)
    yield from institutions(text)
