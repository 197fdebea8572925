"""The answer log on PostgreSQL: the same contract as SQLite, when SHARECHECK_TEST_PG_URL is set.

Each test gets a schema of its own in that database (dropped afterwards), so the URL may point at
any database the role can create schemas in. `scripts/start_postgres.sh` prints a suitable URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Connection

from core.settings import Settings
from governance.database import create_log_engine
from tests.governance.log_contract import AnswerLogContract

PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)"
)


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


TRIGGERED = ("answers", "feedback", "reviews", "purges", "purge_gate", "purge_gate_log")
DISABLE_TRIGGERS = tuple(f"ALTER TABLE {t} DISABLE TRIGGER USER" for t in TRIGGERED)


class TestPostgresAnswerLog(AnswerLogContract):
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Iterator[Settings]:
        import psycopg

        schema = f"sharecheck_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(libpq_url(PG_URL), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            yield Settings(data_dir=tmp_path, log_url=with_schema(PG_URL, schema))
        finally:
            with psycopg.connect(libpq_url(PG_URL), autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")

    def _run(self, settings: Settings, *statements: str) -> None:
        import psycopg

        assert settings.log_url is not None
        with psycopg.connect(libpq_url(settings.log_url)) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]

    def raw_execute(self, settings: Settings, sql: str) -> None:
        self._run(settings, sql)

    def tamper(self, settings: Settings, sql: str) -> None:
        self._run(settings, *DISABLE_TRIGGERS, sql)

    @contextmanager
    def tampered(self, settings: Settings) -> Iterator[Connection]:
        engine = create_log_engine(settings.log_database_url)
        try:
            with engine.begin() as conn:
                for statement in DISABLE_TRIGGERS:
                    conn.exec_driver_sql(statement)
                yield conn
        finally:
            engine.dispose()

    def stored_bytes(self, settings: Settings) -> bytes:
        import psycopg

        assert settings.log_url is not None
        dumped = []
        with psycopg.connect(libpq_url(settings.log_url)) as conn:
            for table in ("answers", "feedback", "reviews", "purges"):
                rows = conn.execute(f"SELECT t::text FROM {table} t").fetchall()  # type: ignore[arg-type]
                dumped += [row[0] for row in rows]
        return "\n".join(dumped).encode()
