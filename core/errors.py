"""Errors a user can act on: each message says what happened and what to do."""

from __future__ import annotations


class ShareCheckError(Exception):
    """Base of every error ShareCheck reports to a person rather than as a traceback."""


class IngestError(ShareCheckError):
    """A document or folder could not be ingested."""


class UnreadableDocument(IngestError):
    """One file could not be read; the rest of an ingest goes on without it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ReadLimitExceeded(UnreadableDocument):
    """Reading one file took longer or needed more memory than allowed; the reader was stopped."""


class ManifestError(IngestError):
    """A manifest as a whole cannot be used (unreadable, not YAML, or using aliases); nothing from
    its folder is ingested until it is fixed."""

    def __init__(self, manifest: str, problem: str, line: int | None = None) -> None:
        where = f"{manifest} line {line}" if line else manifest
        super().__init__(f"{where}: {problem}")
        self.manifest = manifest
        self.line = line
        self.problem = problem


class StoreLocked(ShareCheckError):
    """Another process is writing the store."""

    def __init__(
        self, pid: int | None, path: str, host: str | None = None, since: str | None = None
    ) -> None:
        """`host` and `since` name an ingest on any instance sharing the registry."""
        who = f"PID {pid}" if pid else "another process"
        if host:
            message = f"ingest in progress on {host} ({who}) since {since}"
        else:
            message = f"store is locked by {who} ({path})"
        super().__init__(f"{message}; wait for that ingest to finish and try again")
        self.pid = pid
        self.host = host
        self.since = since


class StoreEmpty(ShareCheckError):
    """Nothing has been ingested yet."""

    def __init__(self, data_dir: str) -> None:
        super().__init__(
            f"the store in {data_dir} holds no passages; run `python -m ingest` first"
        )
