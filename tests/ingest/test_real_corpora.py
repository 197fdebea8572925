"""The real model and real Chroma on the bundled corpus and the real documents in ../shared."""

from __future__ import annotations

import re

import pytest

from core.embedding import MiniLMEmbedder
from core.passage import Passage
from core.registry import Registry
from core.settings import MODEL_MAX_TOKENS, Settings
from core.vectorstore import PassageStore

pytestmark = pytest.mark.slow


def _passages(settings: Settings, embedder: MiniLMEmbedder) -> list[Passage]:
    return list(PassageStore(settings, embedder).all_passages())


def _find(passages: list[Passage], source: str, phrase: str) -> Passage:
    return next(p for p in passages if p.source.startswith(source) and phrase in " ".join(p.text.split()))


def test_bundled_charter_clauses_pages_and_labels(bundled_store: Settings, embedder: MiniLMEmbedder) -> None:
    passages = _passages(bundled_store, embedder)
    charter = "humber-information-sharing-charter.pdf"
    six_three = _find(passages, charter, "6.3 Information received under this Charter")
    assert six_three.clause.startswith("6.3")
    assert six_three.section.startswith("6 ")
    assert (six_three.page, six_three.page_label) == (5, "3")
    assert six_three.kind == "charter" and six_three.title.startswith("Humber Information Sharing Charter")


def test_bundled_police_agreement_is_marked_past_review(bundled_store: Settings, embedder: MiniLMEmbedder) -> None:
    police = [p for p in _passages(bundled_store, embedder) if p.source == "police-isa.md"]
    assert police and all(p.past_review() for p in police)


def test_no_header_footer_or_contents_passages_in_the_bundled_pdf(
    bundled_store: Settings, embedder: MiniLMEmbedder
) -> None:
    charter = [p for p in _passages(bundled_store, embedder) if p.source.endswith(".pdf")]
    for passage in charter:
        assert "ILLUSTRATIVE EXAMPLE" not in passage.text.split("\n", 1)[-1] or passage.page <= 1
        assert not re.search(r"Page \d+ of \d+", passage.text)
        assert "....." not in passage.text


def test_every_passage_fits_the_model_window(bundled_store: Settings, embedder: MiniLMEmbedder) -> None:
    for passage in _passages(bundled_store, embedder):
        assert embedder.count_tokens(passage.embedding_text()) <= MODEL_MAX_TOKENS


def test_shared_gdpr_articles_paragraphs_and_pages(shared_store: Settings, embedder: MiniLMEmbedder) -> None:
    passages = _passages(shared_store, embedder)
    gdpr = "eu-gdpr_regulation-2016-679_OJ-L119_2016.pdf"
    art6 = _find(passages, gdpr, "Point (f) of the first subparagraph shall not apply")
    assert art6.clause.startswith("Article 6(1)")
    assert "Lawfulness of processing" in art6.section
    assert art6.page == 36
    sar = _find(passages, gdpr, "within one month of receipt of the request")
    assert sar.clause.startswith("Article 12(3)") and sar.page == 40


def test_shared_agreements_keep_their_clause_numbers(shared_store: Settings, embedder: MiniLMEmbedder) -> None:
    passages = _passages(shared_store, embedder)
    core = _find(passages, "mhclg_CORE", "used for research and analytical purposes only")
    assert core.clause == "7.1"
    # The .doc where antiword reads it, else its text extract: the two are stored once.
    isa = _find(passages, "derbyshire-modern-slavery-partnership_ISA_v0.1_2018.",
                "within 24 hours of the applicable agency being aware")  # fmt: skip
    assert isa.clause.startswith("10.1")


def test_shared_pdfs_have_no_running_headers_or_page_numbers(
    shared_store: Settings, embedder: MiniLMEmbedder
) -> None:
    gdpr = [p for p in _passages(shared_store, embedder) if p.source.startswith("eu-gdpr")]
    # The Official Journal prints "4.5.2016 L 119/36 Official Journal of the European Union EN"
    # at the top of every page.
    assert not any(re.search(r"L 119/\d+ Official Journal", p.text) for p in gdpr)
    home_office = [p for p in _passages(shared_store, embedder) if p.source.startswith("home-office")]
    assert not any(re.fullmatch(r"\d{1,3}", line.strip()) for p in home_office for line in p.text.split("\n"))
    assert not any("......" in p.text for p in home_office)


def test_unchanged_shared_corpus_is_skipped(shared_store: Settings, embedder: MiniLMEmbedder) -> None:
    from ingest.lock import writer_lock
    from ingest.pipeline import Ingester
    from tests.conftest import SHARED_CORPUS

    with writer_lock(shared_store.data_dir):
        ingester = Ingester(shared_store, embedder)
        report = ingester.run([SHARED_CORPUS])
        ingester.close()
    assert report.passages_written == 0
    assert {o.status for o in report.outcomes} <= {"unchanged", "duplicate", "failed", "skipped"}
    assert all(o.reason for o in report.skipped)  # SOURCES.md, named with why
    assert Registry(shared_store.registry_path).corpus_version()


def test_unnumbered_report_gets_its_headings_from_font_sizes(
    shared_store: Settings, embedder: MiniLMEmbedder
) -> None:
    passages = _passages(shared_store, embedder)
    haringey = _find(passages, "home-office", "interpreted by colleagues across agencies as prohibiting")
    assert haringey.section.startswith("Key barriers to effective multi agency models")


def test_shared_footnotes_stand_apart_and_clauses_run_on_over_page_breaks(
    shared_store: Settings, embedder: MiniLMEmbedder
) -> None:
    passages = _passages(shared_store, embedder)
    gdpr, home_office = "eu-gdpr_regulation-2016-679", "home-office_multi-agency"
    accuracy = _find(passages, gdpr, "are erased or rectified without delay (‘accuracy’)")
    assert accuracy.clause.startswith("Article 5(1)") and "Directive (EU) 2015/1535" not in accuracy.text
    household = _find(passages, gdpr, "household activities could include correspondence")
    assert (household.clause, household.page) == ("Recital 18", 3)
    assert _find(passages, gdpr, "(1) Directive (EU) 2015/1535").clause == "Footnote 1"
    statutory = next(p for p in passages if p.text.startswith("These findings must be read"))
    assert (statutory.source.startswith(home_office), statutory.clause, statutory.page) == (True, "", 4)
    westminster = _find(passages, home_office, "St Giles Trust; Girls and Gangs")
    assert westminster.page == 43 and "ISBN" not in westminster.text
