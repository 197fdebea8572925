"""Files are read in a separate process held to a time and a memory limit.

A hostile or broken file (a decompression bomb, a PDF whose pages share one huge content stream,
HTML nested a hundred thousand deep) is stopped there and reported by name, and the ingest goes
on. The ingest process, which holds the model and is the store's one writer, never parses a file:
it sends a path to `ingest.worker` and gets back text blocks (or the reason there are none).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from core.errors import ReadLimitExceeded, UnreadableDocument
from core.settings import IngestSettings
from ingest.readers import RawDocument
from ingest.worker import MB, OUT_OF_MEMORY, READY, UNREADABLE

PROJECT = Path(__file__).resolve().parent.parent
# Seconds a reader is given to leave when asked, before it is killed.
STOP_GRACE_S = 2.0
# Seconds a new reader may take to start (import the format libraries) before the first file's
# time limit starts; well over the half second it takes on 2 busy cores.
START_TIMEOUT_S = 60.0


class DocumentReader(Protocol):
    """Turns one file into text blocks, or raises UnreadableDocument saying why it cannot."""

    def read(self, path: Path, source: str) -> RawDocument: ...

    def close(self) -> None: ...


class ReaderProcess:
    """One reading process, started on first use (or by `start`), reused across files and
    replaced after a file stops it."""

    def __init__(self, limits: IngestSettings) -> None:
        self.limits = limits
        self._process: subprocess.Popen[bytes] | None = None
        self._connection: Connection | None = None
        self._ready = False

    def start(self) -> None:
        """Start the reading process now, so its start-up overlaps other work (loading the model)."""
        if self._process is not None and self._process.poll() is None:
            return
        self._stop()
        ours, theirs = socket.socketpair()
        command = [
            sys.executable, "-m", "ingest.worker", str(theirs.fileno()),
            str(self.limits.read_memory_mb), str(int(self.limits.max_text_mb * MB)),
        ]  # fmt: skip
        path = os.pathsep.join(p for p in (str(PROJECT), os.environ.get("PYTHONPATH")) if p)
        with theirs:
            self._process = subprocess.Popen(
                command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": path},
                process_group=0,  # its own group, so stopping it stops what it started (antiword)
            )  # fmt: skip
        self._connection = Connection(ours.detach())
        self._ready = False

    def read(self, path: Path, source: str) -> RawDocument:
        self.start()
        self._wait_ready(source)
        assert self._connection is not None
        try:
            self._connection.send((str(path), source))
            finished = self._connection.poll(self.limits.read_timeout_s)
        except OSError:  # the reader had already gone; recv says so
            finished = True
        if not finished:
            self._stop()
            raise ReadLimitExceeded(
                source,
                f"took longer than {self.limits.read_timeout_s:g} s to read, so it was stopped "
                "(SHARECHECK_INGEST__READ_TIMEOUT_S)",
            )
        return self._reply(source)

    def _wait_ready(self, source: str) -> None:
        """Wait for the reader to have started, so a file's time limit counts only its reading."""
        assert self._connection is not None
        if self._ready:
            return
        try:
            if self._connection.poll(START_TIMEOUT_S) and self._connection.recv()[0] == READY:
                self._ready = True
                return
        except (EOFError, OSError):
            pass
        ended = self._stop()
        raise UnreadableDocument(source, f"the reading process did not start ({ended})")

    def _reply(self, source: str) -> RawDocument:
        assert self._connection is not None
        try:
            status, payload = self._connection.recv()
        except (EOFError, OSError):
            ended = self._stop()
            raise UnreadableDocument(
                source, f"the reader stopped while reading it ({ended}); the file may be damaged"
            ) from None
        if status == OUT_OF_MEMORY:
            self._stop()
            raise ReadLimitExceeded(
                source,
                f"needed more than {self.limits.read_memory_mb} MB to read, so it was stopped "
                "(SHARECHECK_INGEST__READ_MEMORY_MB)",
            )
        if status == UNREADABLE:
            raise UnreadableDocument(source, str(payload))
        assert isinstance(payload, RawDocument)
        return payload

    def close(self) -> None:
        """Ask the reader to leave; kill it if it does not."""
        if self._connection is not None and self._process is not None:
            try:
                self._connection.send(None)
                self._process.wait(STOP_GRACE_S)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._stop()

    def _stop(self) -> str:
        """End the reading process and anything it started; say how it ended."""
        process, self._process = self._process, None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if process is None:
            return "not running"
        try:  # before it is reaped, so its group id cannot have been reused
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return _how_it_ended(process.wait())


def _how_it_ended(code: int) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"
