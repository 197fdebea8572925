"""The real thing: `streamlit run serve.py` driven by Debian's chromium through Playwright.

Signs in, asks a question, opens a citation and its place in the document, saves screenshots of
the Ask page at desktop and phone widths into test-artifacts/, and reports how long the app took
from `streamlit run` to a usable sign-in form and to its first answer. On a phone-sized page, a
new answer's verdict is on the first screen; a reload and a bookmark keep the person signed in
with their conversation, and signing out ends that. Skips when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from accounts.sessions import COOKIE_NAME
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
    data_dir: Path


@pytest.fixture
def server(bundled_store: Settings, tmp_path: Path) -> Iterator[Server]:
    """streamlit run serve.py on a free port, over a copy of the bundled store, with one account."""
    data_dir = tmp_path / "data"
    shutil.copytree(bundled_store.data_dir, data_dir, ignore=shutil.ignore_patterns("write.lock*"))
    UserStore(data_dir / "users.sqlite", rounds=4).add(USER, "staff", PASSWORD)
    extra = {"SHARECHECK_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
             "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}  # fmt: skip
    started = time.perf_counter()
    with streamlit_run(PROJECT / "serve.py", tmp_path / "streamlit.log", extra, STARTUP_TIMEOUT_S) as url:
        yield Server(url, started, data_dir)


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
            _sign_in(page)

            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill(QUESTION)
            marks["signed_in"] = time.perf_counter() - server.started
            chat.press("Enter")
            expanders = page.get_by_test_id("stExpander")
            expanders.first.wait_for()
            marks["first_answer"] = time.perf_counter() - server.started
            message = page.get_by_test_id("stChatMessage").last
            # The verdict comes first: this question's answer turns on consent.
            assert re.search(r"\b(Yes|No|Not without|It depends)\b", _verdict(message).inner_text())
            _screenshots(page, message, "ask")

            citation = expanders.first
            citation.locator("summary").click()
            citation.get_by_test_id("stExpanderDetails").wait_for()
            shown = [_squeezed(t) for t in citation.get_by_test_id("stMarkdownContainer").all_inner_texts()]
            stored = [_squeezed(p.text) for p in PassageStore(bundled_store, embedder).all_passages()]
            assert any(len(t) > 40 and t[:60] in s for t in shown for s in stored), shown
            _open_in_document(page, citation)
            _screenshots(page, citation, "citation")

            fresh = browser.new_page(viewport=DESKTOP)  # another browser: no session cookie
            fresh.goto(f"{server.url}/training")
            fresh.get_by_label("Name").wait_for()
            assert fresh.get_by_text("Workshop view").count() == 0
            assert fresh.get_by_text("Page not found").count() == 0
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


def _sign_in(page: Any) -> None:
    page.get_by_label("Name").fill(USER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _verdict(message: Any) -> Any:
    """The answer's first paragraph: the verdict in bold, then the bottom line."""
    return message.get_by_test_id("stMarkdownContainer").locator("p").filter(
        has=message.page.locator("strong")
    ).first


def _session_cookie(page: Any) -> dict[str, Any]:
    """The session cookie once the page has collected it from the server."""
    for _ in range(100):
        found = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
        if found:
            return dict(found[0])
        page.wait_for_timeout(100)
    raise AssertionError(f"no {COOKIE_NAME} cookie was set")


def _idle(page: Any) -> None:
    """Wait until the app has finished its run (and the page its scrolling)."""
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    page.wait_for_timeout(1_500)


def test_phone_first_answers_and_staying_signed_in_in_chromium(server: Server) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=PHONE)
            page.set_default_timeout(ANSWER_TIMEOUT_MS)
            page.goto(f"{server.url}/library")  # a bookmark, before signing in: the form
            page.get_by_text(re.compile("Getting answers ready|Answers are ready")).wait_for()
            assert page.get_by_text("Page not found").count() == 0
            _sign_in(page)
            page.get_by_role("heading", name="Library").wait_for()  # where the bookmark led
            cookie = _session_cookie(page)  # collected by the page right after signing in
            page.goto(server.url)  # the Ask page, in a new browser session

            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill(QUESTION)
            chat.press("Enter")
            page.get_by_test_id("stExpander").first.wait_for()
            _idle(page)
            message = page.get_by_test_id("stChatMessage").last
            verdict = _verdict(message).bounding_box()
            input_top = page.get_by_test_id("stChatInput").bounding_box()["y"]
            # The verdict and bottom line on the first screen, above the chat box.
            assert verdict and verdict["y"] >= 0 and verdict["y"] + verdict["height"] <= input_top, (
                verdict, input_top)  # fmt: skip
            page.screenshot(path=str(ARTIFACTS / "new-answer-phone.png"))

            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            stored = "\n".join(sqlite3.connect(server.data_dir / "users.sqlite").iterdump())
            assert cookie["value"] not in stored
            assert hashlib.sha256(cookie["value"].encode()).hexdigest() in stored

            for address in (None, f"{server.url}/library", server.url):  # reload, then bookmarks
                page.reload() if address is None else page.goto(address)
                if address and address.endswith("/library"):
                    page.get_by_role("heading", name="Library").wait_for()
                    continue
                page.get_by_text(QUESTION).wait_for()  # still signed in, conversation kept
                assert page.get_by_label("Password", exact=True).count() == 0

            page.set_viewport_size(DESKTOP)  # the sidebar, with Sign out, is open at this width
            page.get_by_role("button", name="Sign out").click()
            page.get_by_label("Name").wait_for()
            page.reload()
            page.get_by_label("Name").wait_for()
            assert page.get_by_text(QUESTION).count() == 0
            gone = sqlite3.connect(server.data_dir / "users.sqlite").execute(
                "SELECT count(*) FROM sessions WHERE ended_at IS NULL"
            ).fetchone()
            assert gone == (0,)
        finally:
            browser.close()


def _screenshots(page: Any, element: Any, name: str) -> None:
    """`element` at the top of Streamlit's scrolling main area, at desktop then phone width."""
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)  # let the layout settle at the new width
        element.evaluate("node => { document.activeElement.blur(); node.scrollIntoView(); }")
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"))
    page.set_viewport_size(DESKTOP)
