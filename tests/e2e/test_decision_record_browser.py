"""Decision records in a real browser: `streamlit run app.py` driven by Debian's chromium.

A crew member asks about a named resident, opens "Record this decision" under the answer, fills
in the personal details the case system needs, makes the record and downloads the PDF and the
DOCX. Their text is read back (clauses, verdict, recipient, the personal details: it is their
copy), and the log database is read back too: none of the names, addresses, dates of birth or
phone numbers may be in it. The PDF is kept in test-artifacts/ with a picture of its first page
(the README's image). Skips when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from accounts.users import UserStore
from core.settings import Settings
from governance.redact import Redactor
from records.model import VERDICT_NAMES
from records.store import DecisionBook, StoredRecord
from tests.app_pages.streamlit_server import streamlit_run

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
USER, PASSWORD = "crew.member", "correct horse battery"
QUESTION = (
    "Harold Pickering, 27 Wold View Road, Cottingham HU16 4JT, born 14/02/1941, has said no to "
    "a referral but his hallway is blocked. Can I refer him to adult social care without his "
    "consent?"
)
SHARED = (
    "Name Harold Pickering, DOB 14/02/1941, 27 Wold View Road, Cottingham HU16 4JT, mobile "
    "07700 900461; daughter Joan Whitaker (DOB 03/07/1952), 01482 496118. Hoarding blocks the "
    "hallway and the back door."
)
MANAGER = "Watch Manager Sarah Okafor, 07700 900987"
CONSENT_WHY = "Mr Pickering refused; risk of serious harm from fire outweighs it"
# Everything personal typed on the page; none of it may reach the database.
PERSONAL = (
    "Harold", "Pickering", "27 Wold View Road", "Wold View", "HU16 4JT", "14/02/1941",
    "07700 900461", "Joan Whitaker", "Whitaker", "03/07/1952", "01482 496118", "Sarah Okafor",
    "Okafor", "07700 900987",
)  # fmt: skip
STARTUP_TIMEOUT_S = 90
ANSWER_TIMEOUT_MS = 120_000


@pytest.fixture
def server(bundled_store: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """streamlit run app.py over a copy of the bundled store, with one staff account."""
    data_dir = tmp_path / "data"
    shutil.copytree(bundled_store.data_dir, data_dir, ignore=shutil.ignore_patterns("write.lock*"))
    UserStore(data_dir / "users.sqlite", rounds=4).add(USER, "staff", PASSWORD)
    extra = {"SHARECHECK_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
             "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}  # fmt: skip
    with streamlit_run(PROJECT / "app.py", tmp_path / "streamlit.log", extra, STARTUP_TIMEOUT_S) as url:
        yield url, data_dir


def test_an_answer_becomes_a_record_downloaded_as_pdf_and_docx_and_kept_redacted(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    url, data_dir = server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(ANSWER_TIMEOUT_MS)
            sign_in_and_ask(page, url)
            fill_the_record(page)
            pdf = download(page, "Download PDF", tmp_path)
            docx = download(page, "Download Word (DOCX)", tmp_path)
        finally:
            browser.close()
    kept = the_kept_record(data_dir)
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    docx_text = " ".join(c.text for t in Document(io.BytesIO(docx)).tables for r in t.rows for c in r.cells)
    for text in (pdf_text, " ".join(docx_text.split())):
        assert all(c.label() in text for c in kept.record.clauses), kept.record.clauses
        assert VERDICT_NAMES[kept.record.verdict] in text
        assert "Recipient organisation Adult Social Care" in text.replace(":", "")
        assert "Harold Pickering" in text and "07700 900461" in text  # the person's own copy
    found = [detail for detail in PERSONAL if detail.casefold() in database_text(data_dir).casefold()]
    assert found == []
    (ARTIFACTS / "decision-record.pdf").write_bytes(pdf)
    first_page_png(pdf, ARTIFACTS / "decision-record.png")


def sign_in_and_ask(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_label("Name").fill(USER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(QUESTION)
    chat.press("Enter")
    page.get_by_test_id("stExpander").first.wait_for()  # the answer's sources


def fill_the_record(page: Any) -> None:
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    page.get_by_text("Record this decision").click()
    form = page.get_by_test_id("stForm")
    form.wait_for()
    form.get_by_label("Consent: why").fill(CONSENT_WHY)
    form.get_by_label("What was shared").fill(SHARED)
    form.get_by_label("Manager consulted").fill(MANAGER)
    form.screenshot(path=str(ARTIFACTS / "decision-record-form.png"))
    form.get_by_role("button", name="Make the record").click()
    page.get_by_text("ShareCheck kept only a copy with personal details removed").wait_for()


def download(page: Any, label: str, folder: Path) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("button", name=label).click()
    target = folder / started.value.suggested_filename
    started.value.save_as(str(target))
    return target.read_bytes()


def the_kept_record(data_dir: Path) -> StoredRecord:
    settings = Settings(data_dir=data_dir)
    with DecisionBook.open(settings, Redactor(use_presidio=False, use_ner=False)) as book:
        (kept,) = book.records()
    assert kept.record.answer_id is not None and kept.redacted
    return kept


def database_text(data_dir: Path) -> str:
    """Every value in every table of the log database, and its raw file pages (WAL included)."""
    path = data_dir / "log.sqlite"
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        values = [str(v) for t in tables for row in db.execute(f"SELECT * FROM {t}") for v in row]
    raw = b"".join(p.read_bytes() for p in data_dir.glob("log.sqlite*"))
    return "\n".join(values) + raw.decode("utf-8", errors="replace")


def first_page_png(pdf: bytes, target: Path) -> None:
    """The PDF's first page as a PNG (pypdfium2), as the README shows it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=1.5).to_pil().save(target)
    finally:
        document.close()
