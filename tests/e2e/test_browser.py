"""The real thing: `streamlit run app.py` driven by Debian's chromium through Playwright.

Signs in, asks a question, opens a citation and its place in the document, saves screenshots of
the Ask page at desktop and phone widths into test-artifacts/, and reports how long the app took
from `streamlit run` to its first answer. Skips when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from accounts.users import UserStore
from core.embedding import Embedder
from core.settings import Settings
from core.vectorstore import PassageStore
from tests.app_pages.streamlit_server import streamlit_run

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
USER, PASSWORD = "crew.member", "correct horse battery"
QUESTION = "Can I refer someone to adult social care without their consent?"
# The server loads the model and opens the store before its first answer; allow for a slow box.
STARTUP_TIMEOUT_S = 90
ANSWER_TIMEOUT_MS = 90_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class Server:
    url: str
    started: float  # perf_counter when `streamlit run` was launched


@pytest.fixture
def server(bundled_store: Settings, tmp_path: Path) -> Iterator[Server]:
    """streamlit run app.py on a free port, over a copy of the bundled store, with one account."""
    data_dir = tmp_path / "data"
    shutil.copytree(bundled_store.data_dir, data_dir, ignore=shutil.ignore_patterns("write.lock*"))
    UserStore(data_dir / "users.sqlite", rounds=4).add(USER, "staff", PASSWORD)
    extra = {"SHARECHECK_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
             "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}  # fmt: skip
    started = time.perf_counter()
    with streamlit_run(PROJECT / "app.py", tmp_path / "streamlit.log", extra, STARTUP_TIMEOUT_S) as url:
        yield Server(url, started)


def _open_in_document(page: Any, citation: Any) -> None:
    """Turn on "View in document" once the app is idle; a click landing while the answer's run
    is still finishing can be replaced by that run, so check and try again (three times)."""
    shown = citation.get_by_text("cited passage").or_(citation.get_by_role("img")).first
    for _ in range(3):
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
        if not shown.is_visible():
            citation.get_by_text("View in document").click()
        try:
            shown.wait_for(timeout=30_000)
            return
        except Exception:  # playwright TimeoutError: the view did not appear yet
            continue
    shown.wait_for(timeout=1_000)


def _squeezed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def test_sign_in_ask_and_open_a_citation_in_chromium(
    server: Server, bundled_store: Settings, embedder: Embedder
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    test_started = time.perf_counter()
    ARTIFACTS.mkdir(exist_ok=True)
    marks = {"healthy": test_started - server.started}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=DESKTOP)
            page.set_default_timeout(ANSWER_TIMEOUT_MS)
            page.goto(server.url)
            page.get_by_label("Name").fill(USER)
            marks["sign_in_form"] = time.perf_counter() - server.started
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in", exact=True).click()

            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill(QUESTION)
            marks["signed_in"] = time.perf_counter() - server.started
            chat.press("Enter")
            expanders = page.get_by_test_id("stExpander")
            expanders.first.wait_for()
            marks["first_answer"] = time.perf_counter() - server.started
            message = page.get_by_test_id("stChatMessage").last
            # The verdict comes first: this question's answer turns on consent.
            assert re.search(r"\b(Yes|No|Not without|It depends)\b", message.inner_text().split("\n\n")[1])
            _screenshots(page, message, "ask")

            citation = expanders.first
            citation.locator("summary").click()
            citation.get_by_test_id("stExpanderDetails").wait_for()
            shown = [_squeezed(t) for t in citation.get_by_test_id("stMarkdownContainer").all_inner_texts()]
            stored = [_squeezed(p.text) for p in PassageStore(bundled_store, embedder).all_passages()]
            assert any(len(t) > 40 and t[:60] in s for t in shown for s in stored), shown
            _open_in_document(page, citation)
            _screenshots(page, citation, "citation")

            page.goto(f"{server.url}/training")  # a new session: signed out, page not open to it
            page.get_by_text(re.compile("Please sign in first|Sign in")).first.wait_for()
            assert page.get_by_text("Workshop view").count() == 0
        finally:
            browser.close()
    marks["browser_test"] = time.perf_counter() - test_started
    timings = {f"{name}_s": round(seconds, 1) for name, seconds in marks.items()}
    (ARTIFACTS / "browser-timings.json").write_text(json.dumps(timings, indent=2))
    print(
        f"\nstreamlit run -> first answer: {marks['first_answer']:.1f} s "
        f"(healthy {marks['healthy']:.1f} s, sign-in form {marks['sign_in_form']:.1f} s, "
        f"signed in {marks['signed_in']:.1f} s); browser test: {marks['browser_test']:.1f} s"
    )


def _screenshots(page: Any, element: Any, name: str) -> None:
    """`element` at the top of Streamlit's scrolling main area, at desktop then phone width."""
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)  # let the layout settle at the new width
        element.evaluate("node => { document.activeElement.blur(); node.scrollIntoView(); }")
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"))
    page.set_viewport_size(DESKTOP)
