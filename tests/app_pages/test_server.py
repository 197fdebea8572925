"""serve.py: the app as it should be run, with Streamlit's unauthenticated /_stcore/metrics closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from serve import CLOSED_PATHS, ClosedPaths
from tests.app_pages.streamlit_server import PROJECT, status, streamlit_run


@pytest.mark.parametrize(
    "path",
    ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore//metrics", "/sharecheck/_stcore/metrics",
     "/_STCORE/Metrics", "/_stcore/./metrics"],
)  # fmt: skip
def test_the_metrics_path_is_refused_however_it_is_spelt(path: str) -> None:
    assert ClosedPaths(app=None, closed=CLOSED_PATHS).refuses(path)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path", ["/", "/_stcore/health", "/_stcore/host-config", "/review", "/_stcore/stream"]
)
def test_everything_else_is_passed_on(path: str) -> None:
    assert not ClosedPaths(app=None).refuses(path)  # type: ignore[arg-type]


@pytest.mark.slow
def test_streamlit_run_serve_py_refuses_metrics_and_serves_the_app(tmp_path: Path) -> None:
    env = {"SHARECHECK_DATA_DIR": str(tmp_path / "data")}
    with streamlit_run(PROJECT / "serve.py", tmp_path / "serve.log", env) as url:
        assert status(f"{url}/_stcore/metrics") == 404
        assert status(f"{url}/_stcore/metrics?families=session_events") == 404
        assert status(f"{url}/_stcore/health") == 200
        assert status(f"{url}/") == 200


@pytest.mark.slow
def test_plain_streamlit_run_app_py_still_publishes_metrics(tmp_path: Path) -> None:
    """Why serve.py exists: Streamlit 1.67 has no setting that closes the endpoint. When this
    fails, a Streamlit upgrade has closed it and serve.py may no longer be needed."""
    env = {"SHARECHECK_DATA_DIR": str(tmp_path / "data")}
    with streamlit_run(PROJECT / "app.py", tmp_path / "app.log", env) as url:
        assert status(f"{url}/_stcore/metrics") == 200
