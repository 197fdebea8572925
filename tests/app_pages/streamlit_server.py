"""`streamlit run` on a free loopback port for the tests that need the real server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eval.stack import free_port, stop

PROJECT = Path(__file__).resolve().parents[2]
# A bare script starts in a few seconds; allow for a busy two-core machine.
STARTUP_TIMEOUT_S = 60


def status(url: str) -> int:
    """The HTTP status of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@contextmanager
def streamlit_run(
    script: Path, log: Path, env: dict[str, str] | None = None, startup_timeout_s: float = STARTUP_TIMEOUT_S
) -> Iterator[str]:
    """Run `streamlit run script` from the project folder (so .streamlit/config.toml applies);
    yield its base URL once /_stcore/health answers."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT, env={**os.environ, **(env or {})}, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log, startup_timeout_s)
        yield url
    finally:
        stop(process)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if status(f"{url}/_stcore/health") == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not answer within {timeout_s} s")
