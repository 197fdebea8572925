"""Escaped text in Streamlit's real Markdown renderer (chromium): nothing is fetched, nothing links.

A tiny page shows hostile text through escape_markdown in every way ShareCheck shows text (answer
with chips, passage, expander label, caption, warning), plus one unescaped control image and link
that prove the check would see a fetch or a link. Skips where chromium or Playwright is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.app_pages.streamlit_server import streamlit_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

PAGE = """
import streamlit as st
from ui.citations import escape_markdown, with_chips

T = "{tracker}"
hostile = (
    f"![pixel]({{T}}/image.png) [link]({{T}}/link) <{{T}}/autolink> {{T}}/bare "
    f'<img src="{{T}}/html.png"> dpo@hfrs.example'
)
st.markdown(with_chips("Yes [1]. " + hostile, {{1}}))
st.markdown(escape_markdown(hostile))
with st.expander(escape_markdown(f"![label]({{T}}/label.png) Title")):
    st.caption(escape_markdown(hostile))
st.warning(escape_markdown(hostile))
st.markdown(f"![control]({{T}}/control.png) [control link]({{T}}/control-link)")
st.markdown("page-drawn")
"""


class Tracker(BaseHTTPRequestHandler):
    """Records every path a browser asks for."""

    requested: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).requested.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@pytest.fixture
def tracker() -> Iterator[str]:
    Tracker.requested = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Tracker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_escaped_text_fetches_nothing_and_links_nowhere_in_chromium(
    tracker: str, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    script = tmp_path / "hostile_page.py"
    script.write_text(PAGE.format(tracker=tracker))
    with streamlit_run(script, tmp_path / "streamlit.log") as url, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("page-drawn").wait_for(timeout=60_000)
            page.get_by_test_id("stExpander").locator("summary").click()
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            hrefs = page.locator("[data-testid=stMarkdownContainer] a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            shown = page.locator("[data-testid=stMain]").inner_text()
            badges = (
                page.locator("[data-testid=stMarkdownContainer] span").filter(has_text="1").count()
            )
        finally:
            browser.close()
    assert Tracker.requested == ["/control.png"], Tracker.requested
    assert [h for h in hrefs if h and tracker in h] == [f"{tracker}/control-link"], hrefs
    assert f"{tracker}/bare" in shown and f"![pixel]({tracker}/image.png)" in shown
    assert "dpo@hfrs.example" in shown and f'<img src="{tracker}/html.png">' in shown
    assert "[1]" not in shown.split("Yes", 1)[1][:5] and badges >= 1  # the chip is a badge
