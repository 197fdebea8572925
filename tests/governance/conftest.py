"""The governance tests keep their anchor files in the test's data dir, whatever the shell says."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _anchor_in_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHARECHECK_LOG_ANCHOR_PATH", raising=False)
    monkeypatch.delenv("SHARECHECK_LOG_ANCHOR_KEY_PATH", raising=False)
