"""Clause detection, page furniture removal and passage sizing on small made-up documents."""

from __future__ import annotations

from core.embedding import HashingEmbedder
from ingest.chunking import Chunker, DocumentMeta
from ingest.cleaning import clean_blocks
from ingest.readers import Block
from ingest.structure import StructureParser


def _pages(*pages: list[str]) -> list[Block]:
    return [Block(line, page=n, page_label=str(n)) for n, lines in enumerate(pages, 1) for line in lines]


def _parse(blocks: list[Block], paged: bool = True) -> list:
    paragraphs = StructureParser("Doc", wrapped=True).parse(clean_blocks(blocks, paged))
    return Chunker(HashingEmbedder().count_tokens, budget=120, overlap=20).passages(
        paragraphs, DocumentMeta(source="doc.pdf", title="Doc")
    )


def test_numbered_clauses_and_sub_items_get_their_ids() -> None:
    blocks = _pages(
        ["6 Conditions of use", "6.1 Information must be kept secure at all times by every partner.",
         "6.2 Information may be used only for the purpose for which it was shared:",
         "(a) safeguarding adults at risk of harm from abuse or neglect;",
         "(b) preventing fires in the homes of vulnerable people."],
    )
    passages = _parse(blocks, paged=False)
    clauses = [p.clause for p in passages]
    assert any(c.startswith("6.1") for c in clauses)
    six_two = next(p for p in passages if "6.2" in p.clause)
    assert "(b) preventing fires" in six_two.text
    assert six_two.section.startswith("6 Conditions of use")


def test_articles_number_their_paragraphs() -> None:
    blocks = _pages(
        ["Article 6", "Lawfulness of processing",
         "1. Processing shall be lawful only if at least one of the following applies:",
         "(d) processing is necessary in order to protect the vital interests of the data subject;",
         "2. Member States may maintain more specific provisions to adapt the rules."],
    )
    passages = _parse(blocks, paged=False)
    assert passages[0].clause.startswith("Article 6(1)")
    assert "Lawfulness of processing" in passages[0].section
    assert any(p.clause.endswith("Article 6(2)") or "Article 6(2)" in p.clause for p in passages)


def test_repeated_headers_footers_page_numbers_and_contents_are_dropped() -> None:
    header, footer = "Example Charter - OFFICIAL", "Version 3.0"
    pages = [
        [header, "Contents", "1 Introduction ........ 3", "2 Scope ........ 4", footer, "Page 1 of 4"],
    ] + [
        [header, f"{n}.1 Clause text number {n} says something about sharing information.", footer, f"Page {n} of 4"]
        for n in range(2, 5)
    ]
    passages = _parse(_pages(*pages))
    text = " ".join(p.text for p in passages)
    assert header not in text and footer not in text
    assert "Page 2 of 4" not in text and "........" not in text
    assert [p.page for p in passages][:1] == [2]


def test_a_stray_number_at_a_line_start_is_not_a_clause() -> None:
    blocks = _pages(["3.1 The partners met in",  "2014 and agreed the terms of this agreement."])
    passages = _parse(blocks, paged=False)
    assert [p.clause for p in passages] == ["3.1"]


def test_a_long_clause_is_split_into_parts_that_fit_and_keep_the_clause_id() -> None:
    sentence = "Partners must share only the minimum information necessary for the purpose. "
    blocks = _pages(["4.2 " + sentence * 40])
    passages = _parse(blocks, paged=False)
    counter = HashingEmbedder().count_tokens
    assert len(passages) > 1
    assert all(p.clause == "4.2" for p in passages)
    assert all(counter(p.embedding_text()) <= 256 for p in passages)


def _sections(blocks: list[Block], wrapped: bool) -> dict[str, str]:
    """Each paragraph's first words -> its heading path."""
    paragraphs = StructureParser("Agreement", wrapped=wrapped).parse(blocks)
    return {" ".join(p.text.split()[:2]): p.section for p in paragraphs if not p.heading_only}


def test_a_short_numbered_line_under_a_markdown_heading_does_not_replace_it() -> None:
    # "12.3. For the Ministry: Name: Jo Bloggs" looks like a heading; it must not head clause 13.
    blocks = [
        Block("Data sharing agreement between the parties", level=2),
        Block("12. Authorised representatives", level=3),
        Block("12.1. Each party will appoint an authorised representative as the point of contact."),
        Block("12.3. For the Ministry: Name: Jo Bloggs"),
        Block("13. Products and publications", level=3),
        Block("13.1. The data could identify persons, so outputs are checked before release."),
    ]
    sections = _sections(blocks, wrapped=False)
    assert "Jo Bloggs" not in sections["13.1. The"]
    assert sections["13.1. The"].endswith("13. Products and publications")
    assert sections["13.1. The"].startswith("Data sharing agreement between the parties")


def test_numbered_items_after_a_lead_in_are_a_list_not_headings() -> None:
    lines = [
        "Why?",
        "Reasons to expect sharing:",
        "1. Provides broader understanding of the patient (9 votes)",
        "2. Promotes informed decisions by doctors (9 votes)",
        "3. Improves timeliness of treatments and interventions, avoiding repetition and",
        "unnecessary treatments (5 votes)",
    ]
    paragraphs = StructureParser("Report", wrapped=True).parse(_pages(lines))
    assert not any(p.heading_only for p in paragraphs)
    assert all(p.section == "" for p in paragraphs)
    assert any(p.text.startswith("3. Improves") and p.text.endswith("(5 votes)") for p in paragraphs)
