"""The browser tests share one server fixture: `streamlit run serve.py` over a copy of the
bundled store (tests/e2e/test_browser.py)."""

from tests.e2e.test_browser import server  # noqa: F401
