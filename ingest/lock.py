"""One writer at a time on a data dir: a second ingest fails (or waits) with the holder's PID."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from core.errors import StoreLocked


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
