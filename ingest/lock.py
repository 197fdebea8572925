"""One ingest at a time. With the registry in PostgreSQL (SHARECHECK_REGISTRY_URL) on every
instance that shares it: a PostgreSQL advisory lock, the loser told which host and PID holds it
and since when. Otherwise on the data dir: a file lock, the loser told the holder's PID."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from core.database import PostgresDatabase
from core.errors import StoreLocked
from core.registry import IngestHolder, Registry
from core.settings import Settings

# pg_try_advisory_lock key for ingests: any constant unique within the database (the registry's
# writers use 0x5265676973 per transaction; this one is held for a whole ingest).
PG_INGEST_LOCK_KEY = 0x496E676573  # "Inges"


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """Hold the ingest lock the settings call for, waiting up to `lock_timeout_s`; raise
    StoreLocked naming who has it."""
    if settings.registry_url:
        with shared_ingest_lock(settings):
            yield
    else:
        with writer_lock(settings.data_dir, settings.lock_timeout_s):
            yield


@contextmanager
def shared_ingest_lock(settings: Settings) -> Iterator[None]:
    """The advisory lock in the registry's PostgreSQL, held on a connection of its own for the
    whole ingest (PostgreSQL frees it if this process dies), with this host and PID noted."""
    with closing(Registry.open(settings)) as registry:
        database = registry.file
        if not isinstance(database, PostgresDatabase):  # registry_url names PostgreSQL only
            raise TypeError(f"the registry is not in PostgreSQL: {database!r}")
        with database.session_lock(PG_INGEST_LOCK_KEY, settings.lock_timeout_s) as held:
            if not held:
                time.sleep(0.05)  # let the holder finish noting itself
                holder = registry.ingest_holder()
                if holder is None:
                    raise StoreLocked(None, "the shared registry")
                raise StoreLocked(holder.pid, "the shared registry", holder.host, holder.since)
            me = IngestHolder(
                socket.gethostname(), os.getpid(), datetime.now(UTC).isoformat(timespec="seconds")
            )
            registry.note_ingest_holder(me)
            try:
                yield
            finally:
                registry.forget_ingest_holder(me)


def _holder(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


@contextmanager
def writer_lock(data_dir: Path, timeout_s: float = 0.0) -> Iterator[None]:
    """Hold the data dir's write lock; raise StoreLocked naming the PID that has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock_path = data_dir / "write.lock"
    pid_file = data_dir / "write.lock.pid"
    lock = FileLock(str(lock_path), is_singleton=False)
    try:
        lock.acquire(timeout=timeout_s if timeout_s > 0 else 0.05)
    except Timeout:
        time.sleep(0.05)  # let the holder finish writing its PID
        raise StoreLocked(_holder(pid_file), str(data_dir)) from None
    try:
        pid_file.write_text(str(os.getpid()))
        yield
    finally:
        pid_file.unlink(missing_ok=True)
        lock.release()
