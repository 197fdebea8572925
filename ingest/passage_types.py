"""Passage text -> what kind of passage it is (one of core.passage.PASSAGE_TYPES), by its shape.

A pure function of the passage's text and heading path, so the same passage always gets the same
type. Checked in this order, the first that fits wins:

instruction       text addressing a reader as a system ("ignore previous instructions", "you are
                  an AI"), core/instructions.py: never quoted as guidance, shown to admins.

contents          contents lines (dotted leaders or a tab before a page number, "3 Partners 5"),
                  or a section headed "Contents".
document_control  three or more version / owner / author / status / approved-by / review-date
                  labels opening its lines or table cells, or a "Version history" heading.
form              a section headed as a form ("Appendix 2 - ... Request", "... request form",
                  "... template"), or field labels waiting for an answer ("Name:", "Signed: ....",
                  "Date of birth:", "[ ]", "____", "Tick", capitalised labels in an empty table).
contact           three or more e-mail addresses, phone numbers, postcodes, "Tel:" / "E-mail:"
                  labels or "[telephone number]" placeholders, densely (not one line of a page).
definitions       '"X" means ...' glossary entries (two, or one under a Definitions heading).
table             pipe-table residue ("| |", "|---"), tab-separated cells, or rows read from a
                  document table (the readers mark those; their tabs are gone from the text).
list              mostly bulleted or unmarked item lines, a lead-in ending in ':' included. Lettered
                  and numbered points ("(a) ...;", "1. ...") are clause drafting and stay prose, so
                  GDPR Article 6(1) "(a) ... (f)" is prose.
prose             everything else.
"""

from __future__ import annotations

import re

from core.contact_details import EMAIL, PHONE
from core.instructions import addresses_a_system
from core.passage import SECTION_SEPARATOR

# -- contents ---------------------------------------------------------------------------------
# Lines ending in a page number after a dotted leader or a tab, or "2 Information Sharing 5".
_LEADER = re.compile(r"(\.\s?){4,}\s*\d{1,4}\s*$|…{2,}\s*\d{1,4}\s*$|\t\s*\d{1,4}\s*$")
_NUMBERED_ENTRY = re.compile(
    r"^((\d{1,2}(\.\d{1,2})*\.?)|((Appendix|Annex|Annexe|Schedule|Part|Section)\s+\w{1,4}))"
    r"\s+[^.!?]{3,90}?\s+\d{1,3}$"
)
_CONTENTS_HEADING = re.compile(r"^\s*(table\s+of\s+)?contents\s*$", re.I)
# At least this many lines, and this share of them, must look like contents entries.
CONTENTS_MIN_LINES = 3
CONTENTS_MIN_SHARE = 0.5

# -- document control -------------------------------------------------------------------------
_CONTROL_LABEL = re.compile(
    r"^(document\s+)?(version(\s+(history|number|no\.?|control))?|revision(\s+history)?|"
    r"change\s+history|reason\s+for\s+change|description\s+of\s+changes?|status|"
    r"owners?|author(iser|ised\s+by)?|(document\s+)?author\s+and\s+enquiry\s+point|"
    r"approved(\s+by)?|approval(\s+date)?|sign[- ]off|date\s+(issued|of\s+issue|approved)|"
    r"issue\s+date|issued|effective(\s+date|\s+from)?|(next\s+)?(document\s+)?review"
    r"(\s+date|\s+due)?(\s+of\s+document)?|classification|protective\s+marking|distribution|"
    r"(document\s+)?retention\s+period|made\s+under|supersedes)\b",
    re.I,
)
_CONTROL_HEADING = re.compile(
    r"\b(version|revision|change|amendment)\s+(history|control|record)\b|"
    r"^document\s+(control|status|history)\b",
    re.I,
)
# A document-control block names at least this many different labels, on this share of its
# lines or cells (the rest are their values: "0.1 FINAL", "Andy Thomas").
CONTROL_MIN_LABELS = 3
CONTROL_MIN_SHARE = 0.3

# -- forms ------------------------------------------------------------------------------------
_FORM_HEADING = re.compile(
    r"^(Appendix|Annex|Annexe|Schedule)\b.*\b(forms?|requests?|template|pro[ -]?forma|"
    r"checklist|decision\s+record|referral\s+record)\b|\b(forms?|template)$",
    re.I,
)
_FIELD_LABEL = re.compile(
    r"\b(name|full\s+name|print\s+name(\s+and\s+position)?|date(\s+of\s+birth)?|dob|signed|"
    r"signature|position|job\s+title|title|reference|ref|agency)\s*:",
    re.I,
)
_BLANK = re.compile(r"_{4,}|…{3,}|\.{8,}(?!\s*\d)|\[\s?\]|[☐□❑]|\btick\b|\bsignature\b", re.I)
_CAPS_LABEL = re.compile(r"^[A-Z][A-Z &/'’-]{3,40}$")
# Field labels or blanks needed for a passage to be a form (a signature block has six).
FORM_MIN_FIELDS = 3
# ...and the share of its words they must not be drowned by: a clause that ends with one
# "Name: Title:" line is still a clause.
FORM_MAX_PROSE_SHARE = 0.6

# -- contacts ---------------------------------------------------------------------------------
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
_CONTACT_LABEL = re.compile(
    r"\b(tel|telephone(\s+number)?|phone|mobile|fax|e-?mail(\s+address)?|postal\s+address)"
    r"\s*[:.]|\[(name|e-?mail(\s+address)?|telephone(\s+number)?|phone(\s+number)?|address)\]",
    re.I,
)
# Contact details needed, the share of lines or cells that must carry one, and at most this many
# words per detail: a case study opening with "Contact: ... Tel: ... Email: ..." is prose.
CONTACT_MIN_SIGNALS = 3
CONTACT_MIN_SHARE = 0.3
CONTACT_MAX_WORDS_PER_SIGNAL = 25

# -- definitions ------------------------------------------------------------------------------
_QUOTED_MEANS = re.compile(
    r"[“\"‘']([^”\"’']{1,60})[”\"’']\s*(\([^)]{1,40}\)\s*)?(of\s+the\s+data\s+subject\s+)?"
    r"(means|includes|refers\s+to|has\s+the\s+meaning)\b"
)
_PLAIN_MEANS = re.compile(r"\b[A-Z][\w-]*(\s[\w-]+){0,4}\s+means\b|following\s+meanings?\b")
_DEFINITIONS_HEADING = re.compile(r"\b(definitions?|glossary|interpretation|abbreviations)\b", re.I)
# Quoted '"X" means' entries that make a glossary anywhere; one is enough under its heading.
DEFINITIONS_MIN_ENTRIES = 2

# -- tables -----------------------------------------------------------------------------------
_PIPE_RESIDUE = re.compile(r"\|\s*\||\|\s*:?-{3,}")
# Non-empty pipe- or tab-separated cells that make a passage a table.
TABLE_MIN_CELLS = 6
# Share of lines that came from (or look like) table rows.
TABLE_MIN_ROW_SHARE = 0.5

# -- lists ------------------------------------------------------------------------------------
_BULLET = re.compile(r"^([•▪◦●■□‣⁃·]\s*|[-–—*]\s+)")
_CLAUSE_LABEL = re.compile(
    r"^(\(?([a-z]{1,2}|[ivxl]{1,5}|\d{1,3})\)|\d{1,2}(\.\d{1,2})*\.?\s|[A-Z]\.\s|"
    r"(Article|Section|Clause|Recital)\s+\d)"
)
_LEAD_IN = re.compile(r"[:：]\s*-?$|—$")
# An unmarked line this short (in words) without a full stop is an item ("Mental Capacity Act").
LIST_ITEM_MAX_WORDS = 12
# Items needed, and their share of the words outside lead-ins: a paragraph followed by two
# bullets is still a paragraph.
LIST_MIN_ITEMS = 2
LIST_MIN_SHARE = 0.5


def classify(text: str, section: str = "", *, table_rows: int = 0) -> str:
    """The passage's type; `table_rows` counts its lines the reader found in a document table."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "prose"
    if addresses_a_system(text):
        return "instruction"
    units = _units(lines)
    checks = (
        ("contents", lambda: _is_contents(lines, section)),
        ("document_control", lambda: _is_document_control(units, section)),
        ("form", lambda: _is_form(lines, units, section)),
        ("contact", lambda: _is_contact(units)),
        ("definitions", lambda: _is_definitions(text, section)),
        ("table", lambda: _is_table(text, lines, table_rows)),
        ("list", lambda: _is_list(lines)),
    )
    return next((name for name, fits in checks if fits()), "prose")


def _units(lines: list[str]) -> list[str]:
    """Table cells where lines hold cells (pipes, tabs), else the lines themselves."""
    units: list[str] = []
    for line in lines:
        cells = [c.strip() for c in re.split(r"[|\t]", line) if c.strip()]
        units.extend(cells or [line])
    return units


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _is_contents(lines: list[str], section: str) -> bool:
    last = section.rsplit(SECTION_SEPARATOR, 1)[-1]
    if _CONTENTS_HEADING.match(last) or _CONTENTS_HEADING.match(lines[0]):
        return True
    entries = sum(1 for line in lines if _LEADER.search(line) or _NUMBERED_ENTRY.match(line))
    return entries >= CONTENTS_MIN_LINES and _share(entries, len(lines)) >= CONTENTS_MIN_SHARE


def _is_document_control(units: list[str], section: str) -> bool:
    if _CONTROL_HEADING.search(section.rsplit(SECTION_SEPARATOR, 1)[-1]):
        return True
    labels = [m.group(0).lower() for u in units if (m := _CONTROL_LABEL.match(u))]
    return (
        len(set(labels)) >= CONTROL_MIN_LABELS
        and _share(len(labels), len(units)) >= CONTROL_MIN_SHARE
    )


def _is_form(lines: list[str], units: list[str], section: str) -> bool:
    if any(_FORM_HEADING.match(part.strip()) for part in section.split(SECTION_SEPARATOR)):
        return True
    fields = sum(len(_FIELD_LABEL.findall(u)) + len(_BLANK.findall(u)) for u in units)
    fields += sum(1 for u in units if _CAPS_LABEL.match(u) and len(u.split()) >= 2)
    if fields < FORM_MIN_FIELDS:
        return False
    prose_words = sum(len(line.split()) for line in lines if _sentence(line))
    return _share(prose_words, sum(len(line.split()) for line in lines)) <= FORM_MAX_PROSE_SHARE


def _sentence(line: str) -> bool:
    """A line of running text: long, ends like a sentence, and asks nothing to be filled in."""
    return (
        len(line.split()) >= LIST_ITEM_MAX_WORDS
        and bool(re.search(r"[.;:!?)”\"]$", line))
        and not _FIELD_LABEL.search(line)
        and not _BLANK.search(line)
    )


def _contact_signals(unit: str) -> int:
    return sum(
        len(pattern.findall(unit)) for pattern in (EMAIL, PHONE, _POSTCODE, _CONTACT_LABEL)
    )


def _is_contact(units: list[str]) -> bool:
    signals = [_contact_signals(u) for u in units]
    carrying = sum(1 for n in signals if n)
    words = sum(len(u.split()) for u in units)
    return (
        sum(signals) >= CONTACT_MIN_SIGNALS
        and _share(carrying, len(units)) >= CONTACT_MIN_SHARE
        and words <= CONTACT_MAX_WORDS_PER_SIGNAL * sum(signals)
    )


def _is_definitions(text: str, section: str) -> bool:
    entries = len(_QUOTED_MEANS.findall(text))
    if entries >= DEFINITIONS_MIN_ENTRIES:
        return True
    under_heading = bool(_DEFINITIONS_HEADING.search(section))
    return under_heading and (entries > 0 or bool(_PLAIN_MEANS.search(text)))


def _is_table(text: str, lines: list[str], table_rows: int) -> bool:
    if _PIPE_RESIDUE.search(text):
        return True
    pipe_cells = sum(len([c for c in line.split("|") if c.strip()]) for line in lines if "|" in line)
    if pipe_cells >= TABLE_MIN_CELLS and text.count("|") >= TABLE_MIN_CELLS:
        return True
    tabbed = sum(1 for line in lines if len([c for c in line.split("\t") if c.strip()]) >= 2)
    rows = max(table_rows, tabbed)
    return rows >= 2 and _share(rows, len(lines)) >= TABLE_MIN_ROW_SHARE


def _is_list(lines: list[str]) -> bool:
    body = [line for line in lines if not _LEAD_IN.search(line)]
    items = [line for line in body if _item(line)]
    words = sum(len(line.split()) for line in items)
    return len(items) >= LIST_MIN_ITEMS and _share(
        words, sum(len(line.split()) for line in body)
    ) >= LIST_MIN_SHARE


def _item(line: str) -> bool:
    """A list item: bulleted, or an unmarked line that starts lower-case, ends in ';' or ',', or
    is short with no full stop. Lettered and numbered points are clause drafting, not items."""
    if _BULLET.match(line):
        return True
    if _CLAUSE_LABEL.match(line):
        return False
    if line[0].islower() or re.search(r"[;,]\s*(and|or)?$", line):
        return True
    return len(line.split()) <= LIST_ITEM_MAX_WORDS and not line.endswith(".")
