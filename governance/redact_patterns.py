"""Personal data with a fixed shape: phones, e-mails, postcodes, NHS and NI numbers, dates of birth,
vehicle registrations. Each finder yields `Span`s; none needs a model or the network."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def groups(pattern: re.Pattern[str], kind: str, text: str, group: int = 0) -> Iterator[Span]:
    for match in pattern.finditer(text):
        if match.group(group):
            yield Span(match.start(group), match.end(group), kind)


_PHONE_PREFIX = r"(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)"
# Personal numbers only: mobiles (07) and geographic numbers (01, 02). 03/08 numbers belong to
# organisations and helplines; 999, 101 and 111 are too short to match.
UK_PHONE = re.compile(
    r"(?<![\w+])" + _PHONE_PREFIX + r"(?:"
    r"7\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}"
    r"|2\d\)?[\s-]?\d{4}[\s-]?\d{4}"
    r"|1\d1\)?[\s-]?\d{3}[\s-]?\d{4}"
    r"|11\d\)?[\s-]?\d{3}[\s-]?\d{4}"
    r"|1\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}"
    r"|1\d{3}\)?[\s-]?\d{6}"
    r"|1\d{3}\)?[\s-]?\d{5}"
    r"|1\d{4}\)?[\s-]?\d{4,5}"
    r")(?![\d])"
)
# Any other grouping of a UK number's digits ("07700.900.123", "077 009 00123", "0 7700 900123"):
# a trunk 0 or +44, then ten digits for a mobile or a London number, nine or ten for the rest,
# separated by single spaces, dots or dashes.
UK_PHONE_ANY_GROUPING = re.compile(
    r"(?<![\w+.])" + _PHONE_PREFIX + r"[\s.-]?(?:7(?:[\s.-]?\d){9}|[12](?:[\s.-]?\d){8,9})(?![\d])"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Inward codes never use C, I, K, M, O or V, which also keeps "B4 3PM" from looking like one.
POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
)
NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})([\s-]?)(\d{3})\2(\d{4})(?![\d-])")
NHS_CONTEXT = re.compile(r"\bNHS\b|health\s+(?:service\s+)?number", re.IGNORECASE)

_NI_DIGITS = r"\d{2}[\s-]?\d{2}[\s-]?\d{2}"
# HMRC's rules: first letter never D, F, I, Q, U, V; second never D, F, I, O, Q, U, V; some
# pairs never issued. Numbers written by staff after "NI number" often break those rules (HMRC's
# own example is QQ 12 34 56 C), so after such a cue any two letters and six digits will do.
NI_NUMBER = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][\s-]?"
    + _NI_DIGITS
    + r"[\s-]?[A-D]\b",
    re.IGNORECASE,
)
# Written in capitals in HMRC's own layout ("QQ 87 65 43 A"), any letters will do: staff copy
# numbers that break the rules, and nothing else in a question has this shape.
NI_NUMBER_LAYOUT = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Z]\b")
NI_AFTER_CUE = re.compile(
    r"\b(?:N\.?\s?I\.?|NINO|national\s+insurance)(?:\s+(?:number|no\.?|num))?"
    r"[\s:=,.#-]*(?:(?:is|was|of|as)\s+)?"
    r"([A-Z]{2}[\s-]?(?:" + _NI_DIGITS + r"|\d{3}\s?\d{3})(?:[\s-]?[A-D])?)(?![\w-])",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty)[\s-]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
    r"|nineteenth|twentieth|thirtieth"
)
# "3rd", "14", "twelfth", "twenty-first".
_DAY = r"(?:\d{1,2}(?:st|nd|rd|th)?|" + _ORDINAL_WORDS + r")"
DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{1,2}\s\d{1,2}\s\d{4}"
    rf"|{_DAY}(?:\s+of)?[\s-]+{_MONTH}\.?,?[\s-]+(?:\d{{4}}|'?\d{{2}})"
    rf"|{_MONTH}\.?\s+{_DAY},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH}\b"
    rf"|{_MONTH}\s+(?:of\s+)?(?:19|20)\d{{2}})"
)
# A date at most a few words after "born", "DOB", "date of birth", "birthday": "date of birth,
# 14/02/1952", "DOB on the form is 1 Jan 1949". Words in between may not be digits or end a clause.
DOB_AFTER_CUE = re.compile(
    r"(?:\b(?:born|d\.?\s?o\.?\s?b\.?|date[\s-]+of[\s-]+birth|birth\s?date|birthday)"
    r"(?:[\s,:;=()'\"-]+|\s+(?:[a-z']+\s+){0,4}?)|\bb\.\s?)(?:the\s+)?(" + DATE
    + rf"|\d{{6}}(?!\d)|\d{{8}}(?!\d)|{_MONTH}\.?\s+'?\d{{2}}(?!\d))",
    re.IGNORECASE,
)
# "born in 1941", "DOB 1948", "born in '48".
BORN_IN_YEAR = re.compile(
    r"\b(?:born|d\.?o\.?b\.?)\s*(?:in\s+|:\s*)?((?:19|20)\d{2}|'\d{2})(?![\w'])", re.IGNORECASE
)
# "the DOB we hold is wrong - the right one is 03/02/1961": a date of birth given further on in the
# sentence that speaks of one. Only a whole date, some years back, and not one said as when
# something happened ("moved in on 3/4/2005", "visits since 01/04/2015").
DOB_CUE = re.compile(r"\b(?:d\.?o\.?b\b|date[\s-]+of[\s-]+birth|birth\s?date|birthday|born)",
                     re.IGNORECASE)
WHOLE_DATE = re.compile(r"(?<![\w/.-])(\d{1,2}[/.-]\d{1,2}[/.-](\d{4}))(?![\w/-]|\.\d)")
SENTENCE_END = re.compile(r"[.?!](?:\s|$)|\n")
WHEN_BEFORE = re.compile(r"\b(?:on|since|from|until|till|by|before|after|between|dated)\s*$",
                         re.IGNORECASE)
DOB_FURTHER_ON = 100  # characters after the cue
DOB_MIN_YEARS_BACK = 4
# "born in 1938 (15/08/1938)": the full date given beside the year.
DATE_IN_BRACKETS = re.compile(r"\s*\(\s*(" + DATE + r")\s*\)")
DOB_BEFORE_AGE = re.compile(r"(" + DATE + r")\s*[,(]?\s*(?:aged|age)\s+\d{1,3}\b", re.IGNORECASE)

# Current plates (AB12 CDE), prefix plates (A123 BCD) and suffix plates (ABC 123D). Current plates
# cannot be postcodes (a postcode's last part starts with a digit), so written solid ("ab12 cde")
# they match in any case; spaced out ("YK 21 ABC") and the older shapes only in capitals, since
# "at 12 and" has the same shape in lower case.
VEHICLE_REG = re.compile(
    r"\b(?:(?i:[A-HJ-PR-Y][A-HJ-PR-Y]\d{2}\s?[A-HJ-PR-Z]{3})"
    r"|[A-HJ-PR-Y]{2}\s\d{2}\s[A-HJ-PR-Z]{3}"
    r"|[A-HJ-NP-Y]\s?\d{1,3}\s?[A-HJ-PR-Y]{3}"
    r"|[A-HJ-PR-Y]{3}\s?\d{1,3}\s?[A-HJ-NP-Y])\b"
)
# The same shapes in any case ("p123abc", "Yk19 Abc") where a vehicle is spoken of close by.
VEHICLE_REG_ANY_CASE = re.compile(VEHICLE_REG.pattern, re.IGNORECASE)
VEHICLE_WORD = re.compile(
    r"\b(?:car|cars|van|vans|vehicle|vehicles|motorbike|motorcycle|bike|moped|scooter|lorry"
    r"|truck|taxi|cab|caravan|motorhome|pickup|4x4|reg|registration|plate|plates|parked|driving"
    r"|drives|drove|ford|vauxhall|nissan|toyota|honda|bmw|audi|mercedes|volkswagen|vw|peugeot"
    r"|renault|citroen|kia|hyundai|skoda|fiat|volvo|mazda|suzuki|jaguar|tesla|transit|focus"
    r"|fiesta|corsa|astra|golf|polo|clio|qashqai|escort|micra|berlingo|sprinter)\b",
    re.IGNORECASE,
)
# How far (characters) from a plate the vehicle word may be.
VEHICLE_WORD_REACH = 40
# After "reg", "plate", "registration" any short run of letters and digits is the plate.
VEHICLE_CUE = re.compile(
    r"\b(?:reg(?:istration)?(?:\s+(?:no\.?|number|plate|mark))?|(?:number\s?)?plates?"
    r"(?:\s+(?:no\.?|number))?|vrm)\b[\s:=,.#-]*(?:(?:is|was|of|as|reads|shows)\s+)?"
    r"(?!(?:reg|registration|plate|number|no)\b)"  # "plate, reg ABC 123": the plate is after "reg"
    r"([A-Z0-9]{1,4}(?:\s?[A-Z0-9]{1,4})?)\b",
    re.IGNORECASE,
)


def nhs_checksum_ok(digits: str) -> bool:
    """NHS Modulus 11: weights 10..2 over the first nine digits; 11 - remainder is the check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def phones(text: str) -> Iterator[Span]:
    for span in [*groups(UK_PHONE, "PHONE", text), *groups(UK_PHONE_ANY_GROUPING, "PHONE", text)]:
        found = text[span.start : span.end]
        # "(07700 900412)": the bracket opens an aside, not an area code.
        starts_aside = found.startswith("(") and ")" not in found
        yield Span(span.start + 1, span.end, "PHONE") if starts_aside else span


def nhs_numbers(text: str) -> Iterator[Span]:
    for match in NHS_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        near = text[max(0, match.start() - 40) : match.start()]
        if nhs_checksum_ok(digits) or NHS_CONTEXT.search(near):
            yield Span(match.start(), match.end(), "NHS_NUMBER")


def dates_of_birth(text: str) -> Iterator[Span]:
    found = [
        *groups(DOB_AFTER_CUE, "DOB", text, 1),
        *groups(BORN_IN_YEAR, "DOB", text, 1),
        *groups(DOB_BEFORE_AGE, "DOB", text, 1),
    ]
    for span in found:
        yield span
        beside = DATE_IN_BRACKETS.match(text, span.end)
        if beside:
            yield Span(span.start, beside.end(), "DOB")
    yield from _dates_of_birth_further_on(text)


def _dates_of_birth_further_on(text: str) -> Iterator[Span]:
    latest = datetime.date.today().year - DOB_MIN_YEARS_BACK
    for cue in DOB_CUE.finditer(text):
        end = min(len(text), cue.end() + DOB_FURTHER_ON)
        stop = SENTENCE_END.search(text, cue.end(), end)
        for date in WHOLE_DATE.finditer(text, cue.end(), stop.start() if stop else end):
            when = WHEN_BEFORE.search(text, max(0, date.start() - 10), date.start())
            if when is None and 1900 <= int(date.group(2)) <= latest:
                yield Span(date.start(1), date.end(1), "DOB")


def ni_numbers(text: str) -> Iterator[Span]:
    yield from groups(NI_NUMBER, "NI_NUMBER", text)
    yield from groups(NI_NUMBER_LAYOUT, "NI_NUMBER", text)
    yield from groups(NI_AFTER_CUE, "NI_NUMBER", text, 1)


def _one_case(plate: str) -> bool:
    """ "YK19 ABC" or "yk19abc", not "DN31 for": a plate is typed in one case throughout."""
    letters = [c for c in plate if c.isalpha()]
    return all(c.isupper() for c in letters) or all(c.islower() for c in letters)


def _words_in(plate: str) -> bool:
    """ "a 12 and", "van 12 the": a plate's shape made of everyday words and a number."""
    from governance.redact_names import gazetteer

    common = gazetteer().common
    return any(len(part) > 1 and part.lower() in common or part.lower() in ("a", "i")
               for part in re.findall(r"[A-Za-z]+", plate))


def vehicle_registrations(text: str) -> Iterator[Span]:
    for span in groups(VEHICLE_REG, "VEHICLE_REG", text):
        if _one_case(text[span.start : span.end]):
            yield span
    for span in groups(VEHICLE_REG_ANY_CASE, "VEHICLE_REG", text):
        near = text[max(0, span.start - VEHICLE_WORD_REACH) : span.end + VEHICLE_WORD_REACH]
        if VEHICLE_WORD.search(near) and not _words_in(text[span.start : span.end]):
            yield span  # "the old escort p123abc", "silver Focus, Yk19 Abc"
    for match in VEHICLE_CUE.finditer(text):
        plate = match.group(1)
        has_both = any(c.isdigit() for c in plate) and any(c.isalpha() for c in plate)
        # A UK plate has at most seven characters: "ICO registration number Z5683421" is no plate.
        if has_both and 4 <= len(plate.replace(" ", "")) <= 7:
            yield Span(match.start(1), match.end(1), "VEHICLE_REG")


# UK bank details: a sort code (three pairs of digits) and an account number (eight digits), each
# taken only right after a word that says what it is ("sort code 20-45-77", "sort 09-01-29", "account no. 41236698",
# "bank details: 30 94 57 00871243"), so a date or a reference number stays.
SORT_CODE = re.compile(r"(?<![\d-])(\d{2}([- ]?)\d{2}\2\d{2})(?![\d-])")
ACCOUNT_NUMBER = re.compile(r"(?<![\d-])(\d{8})(?![\d-])")
# Seven, nine and ten digits are account numbers too at some banks and building societies, taken
# only straight after a banking word ("acct no. 7123456").
OTHER_ACCOUNT_NUMBER = re.compile(r"(?<![\d-])(\d{7}|\d{9,10})(?![\d-])")
# "roll number 1234/567890": a building society's account reference.
ROLL_NUMBER = re.compile(
    r"\broll\s+(?:no\.?|number|num)\s*[:#=]?\s*(?:is\s+)?((?=[A-Z/.-]*\d)[A-Z0-9][A-Z0-9/.-]{5,17}[A-Z0-9])\b",
    re.IGNORECASE,
)
BANK_CUE = re.compile(
    r"(?:sort(?:\s*code)?|s/c|account|acc|acct|a/c|bank\s+details|bank\s+account)"
    r"(?:\s*(?:is|was|are|were|no\.?|number|num|details|code|[:#.,-]))*\s*$",
    re.IGNORECASE,
)
# How far (characters) before a number its cue may end.
BANK_CUE_REACH = 30


def bank_details(text: str) -> Iterator[Span]:
    """Sort codes and account numbers right after a banking word, or an account number right
    after a sort code so taken."""
    after_sort_code = -1
    numbers = [*SORT_CODE.finditer(text), *ACCOUNT_NUMBER.finditer(text)]
    for match in sorted([*numbers, *OTHER_ACCOUNT_NUMBER.finditer(text)], key=lambda m: m.start()):
        before = text[max(0, match.start() - BANK_CUE_REACH) : match.start()]
        follows = after_sort_code >= 0 and not text[after_sort_code : match.start()].strip(" ,/-")
        if match.re is OTHER_ACCOUNT_NUMBER:
            follows = follows or bool(BANK_CUE.search(text[max(0, match.start() - 12) : match.start()]))
            if follows:
                yield Span(match.start(1), match.end(1), "BANK_ACCOUNT")
            continue
        if BANK_CUE.search(before) or follows:
            yield Span(match.start(1), match.end(1), "BANK_ACCOUNT")
            after_sort_code = match.end(1)


# A payment card number (13-19 digits, in groups or not) after a word that says it is one: "card
# number 4929 1234 5678 9012", "his debit card is 5355-...", "visa ending ..." is not one (four
# digits). Presidio's recogniser takes only numbers that pass the Luhn check; a number typed wrong,
# or made up in training, is still someone's card as far as the log is concerned.
CARD_AFTER_CUE = re.compile(
    r"\b(?:card|visa|mastercard|master\s+card|amex|maestro|debit|credit)\b"
    r"(?:\s+(?:card|number|no\.?|num|details|long\s+number))*\s*(?:[:#=,-]\s*)?"
    r"(?:(?:is|was|reads|of)\s+)?((?:\d[ -]?){12,18}\d)(?![\d-])",
    re.IGNORECASE,
)


# "read out 5412 7534 9821 0046 exp 09/27": sixteen digits in four fours is a card's own layout,
# and so are American Express's 4-6-5 and sixteen digits written solid from a card issuer's range.
CARD_LAYOUT = re.compile(
    r"(?<![\d-])(\d{4}([ -])\d{4}\2\d{4}\2\d{4}|3[47]\d{2}([ -])\d{6}\3\d{5}|[3-6]\d{15})(?![\d-])"
)
# "Old one 40-47-84 / 71203345", "standing order to 40-11-62 71584433": a sort code and an
# account number written as a pair.
SORT_THEN_ACCOUNT = re.compile(
    r"(?<![\d-])(\d{2}-\d{2}-\d{2})(?:\s*[/,]\s*|\s+)(\d{8})(?![\d-])")
# "account 41-23-45-67", "account number 1234 5678": an account number written in pairs or
# fours after its cue.
ACCOUNT_IN_PAIRS = re.compile(
    r"\b(?:account|acc|acct|a/c)(?:\s*(?:is|was|no\.?|number|num|[:#.]))*\s*"
    r"(\d{2}([- ])\d{2}\2\d{2}\2\d{2}|\d{4}[- ]\d{4})(?![\d-])",
    re.IGNORECASE,
)


def fixed_shape_spans(text: str) -> Iterator[Span]:
    """Every span of a fixed-shape kind, overlapping or not."""
    yield from groups(EMAIL, "EMAIL", text)
    yield from phones(text)
    yield from groups(POSTCODE, "POSTCODE", text)
    yield from nhs_numbers(text)
    yield from ni_numbers(text)
    yield from dates_of_birth(text)
    yield from vehicle_registrations(text)
    yield from bank_details(text)
    yield from groups(SORT_THEN_ACCOUNT, "BANK_ACCOUNT", text, 1)
    yield from groups(SORT_THEN_ACCOUNT, "BANK_ACCOUNT", text, 2)
    yield from groups(ACCOUNT_IN_PAIRS, "BANK_ACCOUNT", text, 1)
    yield from groups(ROLL_NUMBER, "BANK_ACCOUNT", text, 1)
    yield from groups(CARD_AFTER_CUE, "CARD_NUMBER", text, 1)
    yield from groups(CARD_LAYOUT, "CARD_NUMBER", text, 1)


# A public body's role mailbox ("informationgovernance@...gov.uk", "safeguarding.referrals@...nhs.net")
# names no person: its part before the @ is made only of these words, at a public-sector domain. A
# business's ("info@smith-lettings.co.uk") may be a sole trader's, a landlord's: it stays redacted.
ROLE_MAILBOX_WORDS = frozenset(
    """info information enquiries enquiry contact contactus hello admin administration office
    reception help helpdesk support service services customer customers team referrals referral
    safeguarding mash dpo data protection governance ig foi privacy complaints complaint feedback
    compliments hr payroll finance accounts records request requests sar subject access media
    press comms communications general business fire safety prevention protection community
    safe well home station control duty housing council police social care adult adults
    children childrens early help legal legals noreply no reply postmaster webmaster secure
    mailbox inbox central main head quarters hq north south east west""".split()
)
# "Switchboard on 01482 565333", "the main number is ...", "the Early Help team (01482 ...)": the
# organisation's line, not a person's.
ORGANISATION_LINE_BEFORE = re.compile(
    r"\b(?:switchboard|reception|helpline|help\s+line|main\s+(?:number|line)|office\s+(?:number"
    r"|line)|control\s+room|front\s+desk|enquiries\s+line|duty\s+line|our\s+(?:number|line)"
    r"|(?-i:[A-Z][a-z]+)\s+(?:team|unit|hub|service|department))"
    r"(?:\s*(?:is|on|number|no\.?|:|-|,|\())*\s*$",
    re.IGNORECASE,
)


def _made_of(token: str, vocabulary: frozenset[str]) -> bool:
    """Whether `token` splits wholly into words of `vocabulary` ("informationgovernance")."""
    reachable = [True] + [False] * len(token)
    for end in range(1, len(token) + 1):
        reachable[end] = any(
            reachable[start] and token[start:end] in vocabulary for start in range(end)
        )
    return reachable[-1]


PUBLIC_SECTOR_DOMAIN = re.compile(
    r"(?:\.gov\.uk|\.police\.uk|\.nhs\.uk|@nhs\.net|\.nhs\.net|\.sch\.uk|\.ac\.uk|\.mod\.uk"
    r"|\.parliament\.uk)$",
    re.IGNORECASE,
)


def role_mailbox(email: str) -> bool:
    if not PUBLIC_SECTOR_DOMAIN.search(email):
        return False
    local = email.partition("@")[0].lower()
    tokens = [t for t in re.split(r"[._+-]+", local) if t]
    return bool(tokens) and all(_made_of(t, ROLE_MAILBOX_WORDS) for t in tokens)


def organisation_line(text: str, start: int) -> bool:
    """A phone number written just after the name of an organisation's line."""
    return ORGANISATION_LINE_BEFORE.search(text, max(0, start - 30), start) is not None
