"""A PostgreSQL schema of its own for one accounts test (SHARECHECK_TEST_PG_URL), dropped after."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from eval import stack

PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")
needs_postgres = pytest.mark.skipif(
    not PG_URL, reason="SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)"
)


def postgres_settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings whose accounts live in a fresh schema (the data dir is left empty)."""
    with stack.postgres_schema(PG_URL) as url:
        yield Settings(data_dir=tmp_path / "data", accounts_url=url)
