"""Footnotes, imprint lines and clauses running over a page break, on small PDFs made here."""

from __future__ import annotations

from pathlib import Path

from core.embedding import HashingEmbedder
from core.passage import Passage
from eval.validity import SourceTexts
from ingest.chunking import Chunker, DocumentMeta
from ingest.cleaning import Footnote, clean_blocks
from ingest.readers import Block, read_document
from ingest.structure import StructureParser
from tests.ingest.helpers import HEADING, NOTE, PdfLine, pdf, write


def _header(page: int) -> str:
    """The Official Journal's running header, which pypdf reads at the foot, above the notes."""
    return f"4.5.2016 L 119/{page} Official Journal of the European Union EN"


def _passages(folder: Path, *pages: list[PdfLine]) -> list[Passage]:
    path = write(folder, "doc.pdf", pdf(*pages))
    raw = read_document(path, "doc.pdf")
    paragraphs = StructureParser("Doc", wrapped=True).parse(clean_blocks(raw.blocks, raw.paged))
    chunker = Chunker(HashingEmbedder().count_tokens, budget=120, overlap=20)
    return chunker.passages(paragraphs, DocumentMeta(source="doc.pdf", title="Doc"))


def _not_verbatim(folder: Path, passages: list[Passage]) -> list[Passage]:
    """Passages the eval's citation check would not find in the PDF."""
    texts = SourceTexts(folder)
    return [p for p in passages if not texts.is_verbatim(p.text, p.source, p.page)]


def _holding(passages: list[Passage], phrase: str) -> Passage:
    return next(p for p in passages if phrase in p.text)


ARTICLES: tuple[list[PdfLine], ...] = (
    [
        "Article 4",
        "Definitions",
        "(25) ‘information society service’ means a service as defined in point (b)",
        "of Article 1(1) of Directive (EU) 2015/1535 of the European Parliament and",
        "of the Council (1);",
        "Article 5",
        "Principles relating to processing of personal data",
        "1. Personal data shall be:",
        "(a) processed lawfully, fairly and in a transparent manner;",
        "(b) accurate and, where necessary, kept up to date; every reasonable step",
        "must be taken to ensure that personal data that are inaccurate, having",
        "regard to the purposes for which they are processed, are erased or",
        _header(35),
        (NOTE, "(1) Directive (EU) 2015/1535 of the European Parliament and of the Council"),
        (NOTE, "of 9 September 2015 laying down a procedure (OJ L 241, 17.9.2015, p. 1)."),
    ],
    [
        "rectified without delay (‘accuracy’);",
        "(c) kept in a form which permits identification of data subjects for no",
        "longer than is necessary.",
        "2. The controller shall be responsible for, and be able to demonstrate",
        "compliance with, paragraph 1.",
        "Article 6",
        "Lawfulness of processing",
        "1. Processing shall be lawful only if and to the extent that at least one",
        "of the following applies:",
        "(a) the data subject has given consent to the processing;",
        _header(36),
    ],
    [
        "2. Member States may maintain or introduce more specific provisions to",
        "adapt the application of the rules of this Regulation.",
        _header(37),
    ],
)


def test_an_article_footnote_is_its_own_passage_and_the_point_runs_on(tmp_path: Path) -> None:
    passages = _passages(tmp_path, *ARTICLES)
    assert _not_verbatim(tmp_path, passages) == []
    point = _holding(passages, "rectified without delay")
    assert point.clause.startswith("Article 5(1)")
    assert "are erased or rectified without delay" in point.text
    assert "of 9 September 2015" not in point.text
    note = _holding(passages, "(1) Directive (EU) 2015/1535")
    assert (note.clause, note.page) == ("Footnote 1", 1)
    assert note.text.endswith("(OJ L 241, 17.9.2015, p. 1).")


RECITALS: tuple[list[PdfLine], ...] = (
    [
        "Whereas:",
        "(17) Regulation (EC) No 45/2001 of the European Parliament and of the",
        "Council (1) applies to the processing of personal data by the Union",
        "institutions, bodies, offices and agencies. Regulation (EC) No 45/2001",
        "and other Union legal acts applicable to such processing should be adapted.",
        "(18) This Regulation does not apply to the processing of personal data by",
        "a natural person in the course of a purely personal or household activity",
        "and thus with no connection to a professional or commercial activity.",
        "Personal or",
        _header(3),
        (NOTE, "(1) Regulation (EC) No 45/2001 of the European Parliament and of the"),
        (NOTE, "Council of 18 December 2000 on the protection of individuals (OJ L 8)."),
    ],
    [
        "household activities could include correspondence and the holding of",
        "addresses, or social networking and online activity undertaken within",
        "the context of such activities.",
        "(19) The protection of natural persons with regard to the processing of",
        "personal data by competent authorities for the purposes of the prevention",
        "of criminal offences is the subject of a specific Union legal act.",
        _header(4),
    ],
    [
        "(20) While this Regulation applies, inter alia, to the activities of courts",
        "and other judicial authorities, Union or Member State law could specify",
        "the processing operations and processing procedures of the courts.",
        _header(5),
    ],
)


def test_a_recital_running_over_a_page_keeps_its_number_not_the_footnotes(tmp_path: Path) -> None:
    passages = _passages(tmp_path, *RECITALS)
    assert _not_verbatim(tmp_path, passages) == []
    recital = _holding(passages, "household activities could include correspondence")
    assert recital.clause == "Recital 18"
    assert "commercial activity. Personal or household activities could" in recital.text
    assert "Recital 1" not in {p.clause for p in passages}
    assert _holding(passages, "(1) Regulation (EC) No 45/2001").clause == "Footnote 1"


REPORT: tuple[list[PdfLine], ...] = (
    [
        "Introduction",
        "The need for effective multi-agency working and information sharing in",
        "order to secure improved safeguarding outcomes is clearly stated in",
        "reviews, policy documentation and statutory guidance.1 We do not wish to",
        "repeat those arguments here, but instead we will explore some of the",
        "models that are being set up and provide local views on",
        (NOTE, "1 Working Together to Safeguard Children, 2013; Munroe Review, 2011"),
    ],
    [
        "the benefits of such approaches and the challenges which leaders face.",
        "The project team carried out interviews with 37 areas 2",
        "to look at broad issues surrounding the safeguarding of adults.",
        (NOTE, "2 Bath & Northeast Somerset, Birmingham, Bristol, Cambridgeshire."),
    ],
    [
        "ISBN: 978-1-78246-460-0",
        "Published by Home Office",
        "© Crown Copyright 2014",
    ],
)


def test_numbered_report_footnotes_are_not_clauses_and_the_imprint_goes(tmp_path: Path) -> None:
    passages = _passages(tmp_path, *REPORT)
    assert _not_verbatim(tmp_path, passages) == []
    body = _holding(passages, "the benefits of such approaches")
    assert body.clause == "" and "will explore some of the models" in body.text
    assert "Working Together" not in body.text
    assert {p.clause for p in passages if p.clause} == {"Footnote 1", "Footnote 2"}
    assert _holding(passages, "2 Bath & Northeast Somerset").page == 2
    assert not any("ISBN" in p.text or "Crown Copyright" in p.text for p in passages)


FOOTER = "Example Agreement - OFFICIAL"
SECURITY = [
    "Shared records are kept in a locked cabinet or on an encrypted system.",
    "Only named officers may open a shared record, and each opening is logged.",
    "Records are never sent by personal email, messaging apps or memory sticks.",
    "A partner who loses a record tells the other partners at once.",
    "Paper copies are shredded on site once the referral has been closed.",
    "Each partner checks its access log every quarter and reports anything odd.",
    "Staff who handle shared records complete the data protection course first.",
    "A partner leaving the agreement returns or destroys every shared record.",
    "Laptops holding shared records lock after five minutes without use.",
    "Visitors are never left alone in a room where shared records are open.",
    "Printed referrals are collected from the printer as soon as they print.",
    "Passwords for shared systems are never written down or shared.",
]


def test_a_clause_continuing_on_the_next_page_keeps_its_number_and_that_page(
    tmp_path: Path,
) -> None:
    pages: tuple[list[PdfLine], ...] = (
        ["4 Security", "4.1 Partners protect shared records as set out in this clause.",
         "4.2 " + SECURITY[0], *SECURITY[1:6], FOOTER],
        [*SECURITY[6:], "4.3 Breaches are reported to the lead partner within one day.", FOOTER],
        ["4.4 This clause is reviewed with the rest of the agreement every year.", FOOTER],
    )  # fmt: skip
    passages = _passages(tmp_path, *pages)
    assert _not_verbatim(tmp_path, passages) == []
    starting_on_page_two = [p for p in passages if any(p.text.startswith(s) for s in SECURITY[6:])]
    assert starting_on_page_two, [p.text[:40] for p in passages]
    assert all(p.clause.startswith("4.2") and p.page == 2 for p in starting_on_page_two)
    assert all(p.page == 1 for p in passages if p.text.startswith("4.2 "))


def test_a_title_page_does_not_run_on_into_the_contents_and_a_repeated_title(
    tmp_path: Path,
) -> None:
    title = "Multi Agency Working Final report"
    pages: tuple[list[PdfLine], ...] = (
        [(HEADING, title), "July 2014"],
        [(HEADING, "Contents"), "Introduction ........ 3", "ANNEXES", "Annex A: Links ........ 5"],
        [f"3 {title}", (HEADING, "Introduction"), "The purpose of this report is to share findings."],
        ["4", "The models aim to improve the safeguarding response for children and adults."],
        ["5", (HEADING, "Annex A: Links"), "Links to other policy areas are set out here."],
    )  # fmt: skip
    passages = _passages(tmp_path, *pages)
    assert _not_verbatim(tmp_path, passages) == []
    assert _holding(passages, "July 2014").text == "July 2014"
    assert not any("ANNEXES" in p.text or title in p.text for p in passages)


def _lines(*pages: list[str]) -> list[Block]:
    return [Block(text, n, str(n)) for n, lines in enumerate(pages, 1) for text in lines]


def test_numbered_headings_and_clauses_at_a_page_foot_are_not_footnotes() -> None:
    called = "Incidents must be reported to the lead partner within 1 week of the event."
    next_page = ["1.1 This agreement lets the fire service refer adults at risk to social care."]
    heading = _lines([called, "1 Introduction"], next_page)
    after_version = _lines(
        ["Information Sharing Agreement", "Version 1",
         "1 The parties are the fire service and the county council, named below."],
        next_page,
    )  # fmt: skip
    clause_below = _lines(
        [called, "1 Reporting incidents to partners and to the data protection officer",
         "1.1 Reports go to the lead partner first, by secure email."],
    )  # fmt: skip
    numbered_on = _lines(
        ["Breaches must be reported within 3 days of discovery by the partner concerned.",
         "3 The lead partner keeps a register of every breach reported to it."],
    )  # fmt: skip
    for blocks in (heading, after_version, clause_below, numbered_on):
        assert not any(isinstance(b, Footnote) for b in clean_blocks(blocks, paged=True))
