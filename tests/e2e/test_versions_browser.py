"""Document versions and the cited region, in Debian's chromium through Playwright (issue 14).

An administrator asks a question answered from the police ISA (v1.2, bundled), opens a charter
citation "in document" at phone width, uploads v1.3 of the ISA as a new version of it, uploads
and removes an unrelated document, re-reads everything, and opens Review > Impact. The newest
version stays current throughout, the bundled v1.2 is never read again, Impact lists v1.2 once,
and the document view is the cited region of the PDF page, holding the passage, readable at
390 px. Reuses the `streamlit run serve.py` server fixture of tests/e2e/test_browser.py (conftest.py).
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from accounts.users import UserStore
from core.registry import Registry
from core.settings import Settings
from tests.e2e.test_browser import (
    ANSWER_TIMEOUT_MS,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PASSWORD,
    PHONE,
    Server,
    _idle,
    _squeezed,
)
from ui.document_view import READABLE_PX_PER_PT

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
CHARTER = PROJECT / "corpus" / "humber-information-sharing-charter.pdf"
ADMIN = "library.admin"
POLICE_QUESTION = "The police have asked for a resident's details after a fire; can I give them?"
CHARTER_QUESTION = "Is there a risk to life exception for sharing without consent?"
V13 = (
    (PROJECT / "corpus" / "police-isa.md").read_text(encoding="utf-8")
    .replace("| Version | 1.2 |", "| Version | 1.3 |")
    .replace("Effective date | 1 April 2021", "Effective date | 1 October 2026")
)  # fmt: skip
# The first answer waits for the model to load on a machine shared with other work.
FIRST_ANSWER_TIMEOUT_MS = 240_000
VISITORS = b"# Station visitors protocol\n\n1.1 Staff must not tell visitors who was seen on a visit.\n"


def _police(data_dir: Path) -> tuple[str, str, str]:
    """The police ISA's current version: folder name, file, version."""
    registry = Registry(data_dir / "registry.sqlite")
    try:
        doc = registry.document_by_id("police-isa")
        assert doc is not None
        return Path(doc.root).name, doc.source, doc.version
    finally:
        registry.close()


def _until(check: Any, what: str, timeout_s: float = 240.0) -> None:
    """Wait until `check()` holds (the ingest the page started has written the registry)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def _tab(page: Any, name: str) -> Any:
    """The page's one tab of that name, once a rerun has replaced the stale copy it may still show
    (a loaded machine showed two "Remove" tabs for a moment after an upload's rerun)."""
    tab = page.get_by_role("tab", name=name)
    _until(lambda: tab.count() == 1, f"one {name!r} tab", timeout_s=60.0)
    return tab


def _stored(data_dir: Path, source: str) -> bool:
    registry = Registry(data_dir / "registry.sqlite")
    try:
        return registry.document(source) is not None
    finally:
        registry.close()


def _sign_in_admin(page: Any) -> None:
    page.get_by_label("Name").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _ask(page: Any, question: str) -> Any:
    before = page.get_by_test_id("stChatMessage").count()
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(question)
    chat.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(before + 1)
    answer.get_by_test_id("stExpander").first.wait_for(timeout=FIRST_ANSWER_TIMEOUT_MS)
    _idle(page)
    return page.get_by_test_id("stChatMessage").nth(before + 1)


def _choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the Streamlit select box labelled `label`."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    _idle(page)


def _upload(page: Any, name: str, content: bytes, version: str = "") -> None:
    """Fill in the Add tab's form with one file and submit it; wait for the ingest to finish."""
    _idle(page)
    form = page.get_by_test_id("stForm").first
    form.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "text/markdown", "buffer": content}]
    )
    form.get_by_text(name).wait_for()
    if version:
        form.get_by_label("Version").fill(version)
    form.get_by_role("button", name="Add and read").click()


def _library(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/library")
    page.get_by_role("heading", name="Manage documents").wait_for()
    _idle(page)


def _cited_region(page: Any, message: Any) -> dict[str, Any]:
    """Open the charter citation's document view; return the region image's attributes, its
    size on screen and the cited passage text shown in the citation."""
    citation = message.get_by_test_id("stExpander").filter(has_text="Charter").first
    citation.locator("summary").click()
    citation.get_by_test_id("stExpanderDetails").wait_for()
    shown = citation.get_by_test_id("stMarkdownContainer").all_inner_texts()
    citation.get_by_text("View in document").click()
    image = citation.locator("img[data-crop]")
    image.wait_for(timeout=60_000)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(500)
    image.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "cited-region-phone.png"))
    found = image.evaluate(
        "img => ({crop: img.dataset.crop, page: img.dataset.page, width: img.getBoundingClientRect().width,"
        " box: img.parentElement.getBoundingClientRect().width, alt: img.alt})"
    )
    page.set_viewport_size(DESKTOP)
    return {**found, "shown": shown}


def test_new_version_reread_remove_keep_the_newest_and_the_cited_region_in_chromium(
    server: Server, bundled_store: Settings
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    pdfium = pytest.importorskip("pypdfium2")
    ARTIFACTS.mkdir(exist_ok=True)
    UserStore(server.data_dir / "users.sqlite", rounds=4).add(ADMIN, "admin", PASSWORD)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=DESKTOP)
            page.set_default_timeout(ANSWER_TIMEOUT_MS)
            page.goto(server.url)
            _sign_in_admin(page)

            # An answer from the bundled v1.2 of the police ISA, logged with that version's hash.
            _ask(page, POLICE_QUESTION)
            logged = sqlite3.connect(server.data_dir / "log.sqlite").execute(
                "SELECT count(*) FROM answers WHERE citations_json LIKE '%police-isa.md%'"
            ).fetchone()
            assert logged == (1,), "the police question's answer should cite police-isa.md"

            # The cited region of a PDF page: holds the passage, readable at 390 px.
            region = _cited_region(page, _ask(page, CHARTER_QUESTION))
            left, bottom, right, top = (float(v) for v in region["crop"].split(","))
            number = int(region["page"])
            text_page = pdfium.PdfDocument(str(CHARTER))[number - 1].get_textpage()
            inside = _squeezed(text_page.get_text_bounded(left, bottom, right, top))
            passage = max((_squeezed(t) for t in region["shown"]), key=len)
            assert len(passage) > 40 and passage[:80] in inside, (passage[:80], inside[:300])
            page_height = pdfium.PdfDocument(str(CHARTER))[number - 1].get_height()
            assert top - bottom < page_height / 2  # cropped to the passage, not the whole page
            assert region["width"] / (right - left) >= READABLE_PX_PER_PT  # 10 pt text >= 12 px
            assert "highlighted" in region["alt"]

            # v1.3 uploaded as a new version of the police ISA, under the bundled file's name.
            _library(page, server)
            _choose(page, "This upload is", "a new version of Information Sharing Agreement between")
            _upload(page, "police-isa.md", V13.encode(), version="1.3")
            _until(lambda: _police(server.data_dir)[0] == "uploads", "v1.3 to be stored")
            _idle(page)
            assert _police(server.data_dir) == ("uploads", "police-isa.md", "1.3")

            # An unrelated document added, then removed: the police ISA stays at v1.3. The form
            # is back to "a new document" after the upload.
            page.get_by_text("Documents updated.").first.wait_for()  # the rerun after the ingest
            _idle(page)
            upload_of = page.get_by_test_id("stSelectbox").filter(has_text="This upload is")
            shown = upload_of.evaluate(
                "box => [box.textContent, ...Array.from(box.querySelectorAll('input'),"
                " i => i.value + ' ' + (i.getAttribute('aria-label') || '') + ' ' + i.placeholder)].join(' ')"
            )
            assert "a new document" in shown and "new version" not in shown, shown
            _upload(page, "visitors.md", VISITORS)
            _until(lambda: _stored(server.data_dir, "visitors.md"), "visitors.md to be stored")
            _idle(page)
            _tab(page, "Remove").click()
            _choose(page, "Uploaded document", "visitors.md")
            page.get_by_text("Yes, remove it and its passages").click()
            page.get_by_role("button", name="Remove", exact=True).click()
            _until(lambda: not _stored(server.data_dir, "visitors.md"), "visitors.md to go")
            _idle(page)
            assert _police(server.data_dir) == ("uploads", "police-isa.md", "1.3")

            # Re-read all documents: the bundled v1.2 is an earlier version, not read again.
            _tab(page, "Re-read").click()
            page.get_by_role("button", name=re.compile("Re-read all documents")).click()
            page.get_by_text(re.compile(r"\b1 superseded")).first.wait_for(timeout=240_000)
            _idle(page)
            assert _police(server.data_dir) == ("uploads", "police-isa.md", "1.3")
            registry = Registry(server.data_dir / "registry.sqlite")
            versions = [(v.version, v.ended) for v in registry.versions("police-isa")]
            registry.close()
            assert versions == [("1.3", ""), ("1.2", "replaced")]

            # Review > Impact: the answer that cited v1.2, listed once; v1.3 not at all.
            page.goto(f"{server.url}/review")
            page.get_by_role("tab", name="Impact").click()
            notes = page.get_by_test_id("stMarkdownContainer")
            listed = notes.filter(has_text=re.compile(r"Police.*version 1\.2 [0-9a-f]{12}, now version 1\.3"))
            listed.first.wait_for()
            assert listed.count() == 1
            assert notes.filter(has_text=re.compile(r"version 1\.3 [0-9a-f]{12}")).count() == 0
            page.screenshot(path=str(ARTIFACTS / "impact-after-new-version.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "versions-browser-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
