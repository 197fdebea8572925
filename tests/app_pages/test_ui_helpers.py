"""The UI's pure helpers: citation chips, PDF passage location, uploads, settings display."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import yaml

from core.answer import Answer, Citation
from core.passage import Passage
from core.settings import LLMSettings, Settings
from ui.citations import citation_label, shown_citations, with_chips, words
from ui.navigation import visible_pages
from ui.pdf_page import passage_span
from ui.scenarios import ClauseRef, cited_clauses, load_scenarios
from ui.settings_view import HIDDEN, setting_rows
from ui.uploads import UploadMeta, UploadRefused, remove_upload, safe_name, save_upload

CHARTER = Path(__file__).resolve().parents[2] / "corpus" / "humber-information-sharing-charter.pdf"


def citation(n: int, clause: str = "5.3", warning: str = "") -> Citation:
    passage = Passage(text="Share the minimum.", source="isa.md", title="ISA", clause=clause)
    return Citation(n, passage, 0.5, warning)


def answer(text: str, citations: list[Citation]) -> Answer:
    return Answer("q", text, citations, abstained=False, mode="extractive")


def test_markers_of_known_citations_become_chips_and_dollars_stay_text() -> None:
    text = "Share it [1] but not [7]; it costs $5 [2]."
    assert with_chips(text, {1, 2}) == r"Share it :blue-badge[1] but not \[7\]; it costs \$5 :blue-badge[2]."


def test_streamed_words_rebuild_the_text_exactly() -> None:
    text = "**Short answer**\n\nYes [1].\n\n- a\n- b "
    assert "".join(words(text)) == text


def test_only_cited_passages_are_listed_unless_none_are() -> None:
    both = [citation(1), citation(2)]
    assert [c.n for c in shown_citations(answer("See [2].", both))] == [2]
    assert [c.n for c in shown_citations(answer("No markers.", both))] == [1, 2]


def test_a_citation_label_flags_a_past_review_date() -> None:
    label = citation_label(citation(3, warning="passed its review date"))
    assert label.startswith(":blue-badge[3] ISA, clause 5.3")
    assert label.endswith(":orange-badge[past review date]")


def test_a_passage_is_found_on_its_page_whatever_the_line_breaks() -> None:
    page = "7.3 Withdrawal.\r\n7.4 Even where consent is not\r\nthe lawful basis, staff should\r\nseek views.\r\n7.5 Next."
    passage = "7.4 Even where consent is not the lawful basis, staff should seek views."
    start, end = passage_span(page, passage) or (0, 0)
    assert page[start:end] == "7.4 Even where consent is not\r\nthe lawful basis, staff should\r\nseek views."
    assert passage_span(page, "Nothing like this is on the page at all, not even close.") is None


def test_the_charter_page_is_rendered_with_the_passage_marked() -> None:
    import pypdfium2 as pdfium
    from PIL import Image

    from ui.pdf_page import page_with_highlight

    passage = "7.4 Even where consent is not the lawful basis, staff should normally seek"
    view = page_with_highlight(CHARTER, 6, passage)
    assert view.found and view.png.startswith(b"\x89PNG")
    # Cropped to the passage: the image is the region at its scale, and the page's text inside
    # that region holds the passage.
    left, bottom, right, top = view.box
    size = Image.open(io.BytesIO(view.png)).size
    expected = ((right - left) * view.scale, (top - bottom) * view.scale)
    assert all(abs(got - want) < 2 for got, want in zip(size, expected, strict=True))
    assert top - bottom < 120 and right - left < 500  # a few lines, not the page
    page = pdfium.PdfDocument(str(CHARTER))[5]
    inside = page.get_textpage().get_text_bounded(left, bottom, right, top)
    assert "".join(passage.split()) in "".join(inside.split())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/passwd.md", None),
        (".hidden.md", "not a usable file name"),
        ("notes.exe", "ShareCheck reads"),
        ("README.md", "are skipped"),
    ],
)
def test_upload_names_are_made_safe_or_refused(name: str, reason: str | None) -> None:
    if reason is None:
        assert safe_name(name) == "passwd.md"
    else:
        with pytest.raises(UploadRefused, match=reason):
            safe_name(name)


def test_uploads_keep_their_details_in_the_manifest_and_removal_drops_them(tmp_path: Path) -> None:
    meta = UploadMeta("Visitors protocol", "policy", "2", date(2027, 1, 31))
    save_upload(tmp_path, "visitors.md", b"# V", meta)
    save_upload(tmp_path, "visitors.md", b"# V2", meta)  # replacing keeps one entry
    save_upload(tmp_path, "other.txt", b"text", UploadMeta())
    entries = yaml.safe_load((tmp_path / "manifest.yaml").read_text())["documents"]
    assert entries == [
        {"file": "visitors.md", "kind": "policy", "title": "Visitors protocol", "version": "2",
         "review_date": "2027-01-31"},
        {"file": "other.txt", "kind": "other"},
    ]  # fmt: skip
    remove_upload(tmp_path, "visitors.md")
    assert not (tmp_path / "visitors.md").exists()
    assert [e["file"] for e in yaml.safe_load((tmp_path / "manifest.yaml").read_text())["documents"]] == ["other.txt"]


def test_settings_rows_name_every_variable_and_hide_secrets(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        log_url="postgresql://app:pw123@db:5432/log",
        llm=LLMSettings(api_key="sk-secret", enabled=True),
    )
    rows = {r.variable: r.value for r in setting_rows(settings)}
    assert rows["SHARECHECK_LLM__API_KEY"] == HIDDEN
    assert rows["SHARECHECK_LOG_URL"] == "postgresql://app:••••••@db:5432/log"
    assert rows["SHARECHECK_CONTACTS__DATA_PROTECTION_OFFICER"].startswith("the Data Protection")
    assert rows["SHARECHECK_DATA_DIR"] == str(tmp_path)


def test_clause_ranges_count_each_end_as_cited() -> None:
    cited = cited_clauses(answer("See [1].", [citation(1, clause="8.1–8.2"), citation(2)]))
    assert cited == {ClauseRef("isa.md", "8.1"), ClauseRef("isa.md", "8.2")}


def test_the_bundled_scenario_cards_load() -> None:
    cards = load_scenarios()
    assert len(cards) >= 10
    assert all(card.question and card.model_answer and card.clauses for card in cards)


def test_roles_see_pages_in_menu_order() -> None:
    assert [p.name for p in visible_pages("staff")] == ["ask", "library"]
    assert [p.name for p in visible_pages("admin")] == ["ask", "library", "training", "review", "settings"]
    assert [p.name for p in visible_pages("nobody")] == []


def test_the_app_shares_one_redactor_between_asking_and_the_review_pages(tmp_path: Path) -> None:
    from ui import decision_review, review, services

    settings = Settings(data_dir=tmp_path / "data")
    shared = services.redactor(settings)
    log, book = review.answer_log(settings), decision_review.decision_book(settings)
    try:
        assert services.redactor(Settings(data_dir=tmp_path / "data")) is shared
        assert log._redactor is shared and book._redactor is shared
        assert services.redactor(Settings(data_dir=tmp_path / "other")) is not shared
    finally:
        log.close()
        book.close()
        for cached in (services._redactor, review._answer_log, decision_review._book):
            cached.clear()
