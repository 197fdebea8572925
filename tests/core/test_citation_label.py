"""One citation label, one [n] marker, one section separator: every place that names a citation
says the same thing as the page staff were shown."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from assistant.extractive import cite
from assistant.llm import format_passages
from core.answer import MARKER, Answer, Citation, marker
from core.passage import SECTION_SEPARATOR, Passage, citation_label, clause_shown, page_shown
from governance.export import export
from governance.records import CitedPassage, LoggedAnswer, citations_json
from ui.citations import citation_label as expander_label
from ui.citations import section_path, with_chips

LABELLED = Passage(
    text="Share the minimum.", source="isa.pdf", title="Police ISA", clause="5.2", page=5,
    page_label="3", section=f"Police ISA{SECTION_SEPARATOR}5. Sharing{SECTION_SEPARATOR}5.2 How",
)  # fmt: skip


@pytest.mark.parametrize(
    ("page", "page_label", "shown"),
    [(5, "3", "3"), (5, "iii", "iii"), (5, "", "5"), (0, "", "")],
)
def test_the_page_shown_is_the_printed_label_else_the_physical_page(
    page: int, page_label: str, shown: str
) -> None:
    assert page_shown(page, page_label) == shown


@pytest.mark.parametrize(
    ("clause", "shown"),
    [("5.2", "clause 5.2"), ("5.2(b)", "clause 5.2(b)"), ("(3)", "clause (3)"),
     ("Article 6(1)", "Article 6(1)"), ("Schedule 2", "Schedule 2")],
)  # fmt: skip
def test_a_numbered_clause_is_called_a_clause_and_a_named_one_keeps_its_name(
    clause: str, shown: str
) -> None:
    assert clause_shown(clause) == shown


def test_the_label_leaves_out_what_a_passage_does_not_have() -> None:
    assert citation_label("Charter", "", "") == "Charter"
    assert citation_label("Charter", "4", "") == "Charter, clause 4"
    assert citation_label("Charter", "", "ii") == "Charter, p. ii"


def test_every_place_a_citation_is_named_uses_the_one_label() -> None:
    label = "Police ISA, clause 5.2, p. 3"
    citation = Citation(2, LABELLED, 0.8)
    answer = Answer("Can I?", f"Yes {marker(2)}.", [citation], abstained=False, mode="extractive")
    assert LABELLED.citation_label() == citation.label() == label
    assert citation.to_json()["page_label"] == "3"
    assert format_passages([citation]).startswith(f"[2] {label}\n")
    assert expander_label(citation) == f":blue-badge[2] {label}"
    logged = CitedPassage.from_json(json.loads(citations_json(answer))[0])
    assert logged.label() == label


def test_one_marker_pattern_reads_and_writes_the_markers() -> None:
    citation = Citation(12, LABELLED, 0.8)
    assert marker(12) == "[12]" and MARKER.fullmatch(marker(12))
    assert cite(citation) == "[12] (5.2)"
    answer = Answer("q", f"a {marker(1)} b {marker(12)}", [citation], False, "extractive")
    assert answer.cited_numbers() == {1, 12}
    assert with_chips(answer.text, {12}) == r"a \[1\] b :blue-badge[12]"


def test_the_section_separator_joins_and_splits_the_headings() -> None:
    assert LABELLED.heading == SECTION_SEPARATOR.join(["Police ISA", LABELLED.section])
    assert section_path(LABELLED) == "5. Sharing › 5.2 How"


def test_a_csv_cell_names_the_citation_and_its_file() -> None:
    cited = CitedPassage(1, "p", "isa.pdf", "Police ISA", "5.2", 5, "h", "v1", 0.8, True, "3")
    row = LoggedAnswer(1, datetime.now(UTC), "u", "staff", "s", "q", "a [1]", "extractive",
                       False, False, (cited,), "c", "h", "v", 1.0, "x")  # fmt: skip
    out = io.StringIO()
    export([row], "csv", out)
    (written,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert written["citations"] == "[1] Police ISA, clause 5.2, p. 3 (isa.pdf)"
