"""The chain head anchored outside the database, so that `verify` can prove the log is complete.

A checkpoint records what the log held at one moment (row count, last id, head hash), is signed
with an HMAC key kept outside the database and names the checkpoint before it; checkpoints are
appended, one JSON object a line, to a file outside the database. Someone who can write the
database but neither that file nor the key cannot make `verify` forget a row it has seen: the
anchored head must still be there with the same hash, the count may only grow, and the only rows
that may go are those a purge removed under a checkpoint of its own ("purge" checkpoints carry
the exact purge row they allow). Keep the file and the key on storage the database's
administrators cannot write (another host, a write-once share); the defaults under the data
directory only protect against someone who can reach the database and nothing else.

The first checkpoint trusts the log as it finds it; every later one is held to it.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Connection, func, select

from core.errors import ShareCheckError
from core.settings import Settings
from governance import chain
from governance.chain import VerifyResult
from governance.schema import CHAINED, purge_gate, purge_gate_log, purges

KEY_BYTES = 32  # HMAC-SHA256 key length: the hash's own block of security
NO_CHECKPOINT = "0" * 64  # what the first checkpoint names as the one before it


class AnchorError(ShareCheckError):
    """The anchor file or its key cannot be used; the message says which file and what to do."""


class AnchorSettings(BaseSettings):
    """Where checkpoints and their key live: SHARECHECK_LOG_ANCHOR_PATH, ..._KEY_PATH.

    Read on its own until core.settings carries the same two fields (the names would not change).
    """

    model_config = SettingsConfigDict(env_prefix="SHARECHECK_LOG_ANCHOR_", extra="ignore")

    path: Path | None = None
    key_path: Path | None = None


@dataclass(frozen=True)
class LogState:
    """What a checkpoint says the log held: how many rows, and the last one's id and hash."""

    rows: int
    last_id: int
    head_hash: str


@dataclass(frozen=True)
class PurgeGrant:
    """What one purge may do: append exactly this row, having deleted rows up to last_deleted_id."""

    row_id: int
    row_hash: str
    deleted_count: int
    last_deleted_id: int | None


@dataclass(frozen=True)
class Checkpoint:
    """One signed line of the anchor file."""

    seq: int
    reason: str  # verify, anchor, purge (signed before the purge) or purged (after it)
    at: str
    state: LogState
    grant: PurgeGrant | None
    prev: str
    mac: str = ""

    def body(self) -> dict[str, Any]:
        """Everything the signature covers: the whole line but the signature."""
        grant = None if self.grant is None else vars(self.grant).copy()
        return {"seq": self.seq, "reason": self.reason, "at": self.at, "rows": self.state.rows,
                "last_id": self.state.last_id, "head_hash": self.state.head_hash,
                "grant": grant, "prev": self.prev}  # fmt: skip

    @property
    def label(self) -> str:
        return f"checkpoint {self.seq} of {self.at}"


def _sign(key: bytes, body: dict[str, Any]) -> str:
    blob = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, blob, hashlib.sha256).hexdigest()


def _parse(line: bytes) -> Checkpoint:
    """A checkpoint from one line; ValueError, KeyError or TypeError when it is not one."""
    raw = json.loads(line)
    grant = raw["grant"]
    return Checkpoint(
        seq=int(raw["seq"]),
        reason=str(raw["reason"]),
        at=str(raw["at"]),
        state=LogState(int(raw["rows"]), int(raw["last_id"]), str(raw["head_hash"])),
        grant=None if grant is None else PurgeGrant(
            int(grant["row_id"]), str(grant["row_hash"]), int(grant["deleted_count"]),
            None if grant["last_deleted_id"] is None else int(grant["last_deleted_id"])),
        prev=str(raw["prev"]),
        mac=str(raw["mac"]),
    )  # fmt: skip


@dataclass
class AnchorReading:
    """What the anchor file says, read and checked once under its lock."""

    first: Checkpoint | None = None
    latest: Checkpoint | None = None
    grants: dict[int, Checkpoint] = field(default_factory=dict)  # purge checkpoints by seq
    granted_rows: set[int] = field(default_factory=set)  # purge row ids some grant names
    problems: list[str] = field(default_factory=list)

    def add(self, checkpoint: Checkpoint) -> None:
        self.first = self.first or checkpoint
        self.latest = checkpoint
        if checkpoint.grant is not None:
            self.grants[checkpoint.seq] = checkpoint
            self.granted_rows.add(checkpoint.grant.row_id)

    def predates_anchoring(self, row_id: int) -> bool:
        """True for a row the first checkpoint took in as it found it (or when there is none)."""
        return self.first is None or row_id <= self.first.state.last_id

    def authorises(self, row_id: int, row_hash: str, checkpoint_seq: int | None) -> bool:
        """Whether a purge row is one a signed purge checkpoint allowed, byte for byte."""
        if self.predates_anchoring(row_id):
            return True
        granted = self.grants.get(checkpoint_seq) if checkpoint_seq is not None else None
        grant = granted.grant if granted is not None else None
        return grant is not None and (grant.row_id, grant.row_hash) == (row_id, row_hash)


def read_checkpoints(lines: Iterator[bytes], key: bytes) -> AnchorReading:
    """Check each line's signature and link; stop at the first line that fails, naming it."""
    reading = AnchorReading()
    for number, line in enumerate(lines, start=1):
        try:
            checkpoint = _parse(line)
        except (ValueError, KeyError, TypeError):
            reading.problems.append(
                f"anchor file tampered: line {number} is not a checkpoint")
            break
        expected = reading.latest.seq + 1 if reading.latest else 1
        prev = reading.latest.mac if reading.latest else NO_CHECKPOINT
        if not hmac.compare_digest(_sign(key, checkpoint.body()), checkpoint.mac):
            reading.problems.append(
                f"anchor file tampered: line {number} does not carry a valid signature (edited, "
                "or signed with another key)")
            break
        if checkpoint.seq != expected or checkpoint.prev != prev:
            reading.problems.append(
                f"anchor file tampered: line {number} (checkpoint {checkpoint.seq}) does not "
                f"follow checkpoint {expected - 1} (a checkpoint was removed or reordered)")
            break
        reading.add(checkpoint)
    return reading


class AnchorSession:
    """The anchor file, held under an exclusive lock: read once, appended to in order."""

    def __init__(self, stream: IO[bytes], key: bytes, path: Path) -> None:
        self._stream = stream
        self._key = key
        self.path = path
        stream.seek(0)
        self.reading = read_checkpoints(iter(stream.readline, b""), key)

    @property
    def next_seq(self) -> int:
        latest = self.reading.latest
        return latest.seq + 1 if latest else 1

    def append(self, reason: str, state: LogState, grant: PurgeGrant | None = None) -> Checkpoint:
        """Sign and write one checkpoint after the latest; flushed to disk before returning."""
        if self.reading.problems:
            raise AnchorError(
                f"the anchor file {self.path} does not check out ({self.reading.problems[0]}); "
                "no checkpoint can follow it")
        latest = self.reading.latest
        unsigned = Checkpoint(
            seq=self.next_seq,
            reason=reason,
            at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            state=state,
            grant=grant,
            prev=latest.mac if latest else NO_CHECKPOINT,
        )
        checkpoint = Checkpoint(**{**vars(unsigned), "mac": _sign(self._key, unsigned.body())})
        line = {**checkpoint.body(), "mac": checkpoint.mac}
        self._stream.write(json.dumps(line, sort_keys=True, separators=(",", ":")).encode() + b"\n")
        self._stream.flush()
        os.fsync(self._stream.fileno())
        self.reading.add(checkpoint)
        return checkpoint


class AnchorBook:
    """Where one log's checkpoints and key live; opening a session locks and reads the file."""

    def __init__(self, path: Path, key_path: Path) -> None:
        self.path = path
        self.key_path = key_path

    @classmethod
    def for_log(cls, settings: Settings, anchor: AnchorSettings | None = None) -> AnchorBook:
        """The book named by the anchor settings, else data_dir/anchors/."""
        anchor = anchor or AnchorSettings()
        folder = settings.anchors_dir
        return cls(anchor.path or folder / "checkpoints.jsonl",
                   anchor.key_path or folder / "anchor.key")

    @contextmanager
    def session(self) -> Iterator[AnchorSession]:
        """Lock the anchor file (one verifier or purger at a time) and read every checkpoint."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as error:
            raise AnchorError(f"the anchor file {self.path} cannot be opened ({error}); check "
                              "SHARECHECK_LOG_ANCHOR_PATH") from error
        with os.fdopen(descriptor, "a+b") as stream:
            fcntl.flock(stream, fcntl.LOCK_EX)
            empty = os.fstat(descriptor).st_size == 0
            yield AnchorSession(stream, self._key(create=empty), self.path)

    def _key(self, *, create: bool) -> bytes:
        """The signing key; made (0600) only while no checkpoint exists that an old key signed."""
        if not self.key_path.exists():
            if not create:
                raise AnchorError(
                    f"the anchor key {self.key_path} is missing, so the checkpoints in "
                    f"{self.path} cannot be checked; restore it (SHARECHECK_LOG_ANCHOR_KEY_PATH)")
            self._create_key()
        mode = stat.S_IMODE(self.key_path.stat().st_mode)
        if mode & 0o077:
            raise AnchorError(f"the anchor key {self.key_path} can be read by other users "
                              f"(mode {mode:o}); run chmod 600 {self.key_path}")
        try:
            key = bytes.fromhex(self.key_path.read_text().strip())
        except ValueError as error:
            raise AnchorError(f"the anchor key {self.key_path} is not a hex key") from error
        if len(key) != KEY_BYTES:
            raise AnchorError(f"the anchor key {self.key_path} is not {KEY_BYTES} bytes long")
        return key

    def _create_key(self) -> None:
        self.key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_hex(KEY_BYTES) + "\n")


# --- the log held to its checkpoints -----------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """One thing wrong with the log, and the row it concerns where there is one."""

    row_id: int | None
    reason: str


@dataclass(frozen=True)
class PurgeRow:
    id: int
    row_hash: str
    checkpoint_seq: int | None
    deleted_count: int
    last_deleted_id: int | None


def verify_log(conn: Connection, reading: AnchorReading) -> VerifyResult:
    """The whole chain, then the log against the latest checkpoint, its purges and purge_gate."""
    chained = chain.verify(conn)
    breaks = [] if chained.ok else [Break(chained.first_bad_id, chained.reason)]
    breaks += [Break(None, problem) for problem in reading.problems]
    authorised: list[PurgeRow] = []
    for row in _purge_rows(conn):
        if reading.authorises(row.id, row.row_hash, row.checkpoint_seq):
            authorised.append(row)
        else:
            breaks.append(Break(row.id, f"forged purge row {row.id}: not authorised by any "
                                        "checkpoint"))
    breaks += check_head(conn, reading.latest, authorised)
    breaks += check_gate(conn, reading)
    head_id, head_hash = chain.head(conn)
    first = breaks[0] if breaks else Break(None, "")
    return VerifyResult(
        ok=not breaks,
        rows_checked=chained.rows_checked,
        first_bad_id=first.row_id,
        reason=first.reason,
        head_hash=chained.head_hash if breaks else head_hash,
        head_id=head_id,
        rows=chain.count_rows(conn),
        problems=tuple(b.reason for b in breaks),
        anchored_by=reading.latest.seq if reading.latest else None,
    )


def _purge_rows(conn: Connection) -> list[PurgeRow]:
    query = select(purges.c.id, purges.c.row_hash, purges.c.checkpoint_seq,
                   purges.c.deleted_count, purges.c.last_deleted_id).order_by(purges.c.id)
    return [PurgeRow(*row) for row in conn.execute(query)]


def check_head(
    conn: Connection, latest: Checkpoint | None, authorised: list[PurgeRow]
) -> list[Break]:
    """The anchored head must still be there, unchanged, unless an authorised purge removed it;
    and the count may only have shrunk by what authorised purges since then deleted."""
    if latest is None or latest.state.last_id == 0:
        return []
    anchored = latest.state.last_id
    since = [row for row in authorised if row.id > anchored]
    found = _row_hash(conn, anchored)
    if found is None and not any((row.last_deleted_id or 0) >= anchored for row in since):
        last_id = chain.head(conn)[0]
        if last_id < anchored:
            return [Break(last_id + 1, f"truncated: rows after id {last_id} are missing "
                                       f"({latest.label} anchored row {anchored})")]
        return [Break(anchored, f"truncated: row {anchored}, the head {latest.label} "
                                "anchored, is missing")]
    if found is not None and found != latest.state.head_hash:
        return [Break(anchored, f"rewritten: row {anchored}'s hash differs from the anchored "
                                f"head ({latest.label})")]
    rows = chain.count_rows(conn)
    allowed = latest.state.rows - sum(row.deleted_count for row in since)
    if rows < allowed:
        return [Break(None, f"truncated: {rows} rows where {latest.label} counted "
                            f"{latest.state.rows} and authorised purges since removed "
                            f"{latest.state.rows - allowed}")]
    return []


def _row_hash(conn: Connection, row_id: int) -> str | None:
    for table in CHAINED.values():
        found = conn.scalar(select(table.c.row_hash).where(table.c.id == row_id))
        if found is not None:
            return str(found)
    return None


def check_gate(conn: Connection, reading: AnchorReading) -> list[Break]:
    """purge_gate is closed outside a purge, and every time it opened was for a signed purge."""
    breaks = []
    still_open = conn.scalar(select(func.count()).select_from(purge_gate)) or 0
    if still_open:
        breaks.append(Break(None, f"purge_gate opened outside a purge: {still_open} row(s) hold "
                                  "it open, so the append-only triggers accept deletes"))
    for (purge_id,) in conn.execute(select(purge_gate_log.c.purge_id)):
        if purge_id not in reading.granted_rows and not reading.predates_anchoring(purge_id):
            breaks.append(Break(purge_id, f"purge_gate opened outside a purge: opened for row "
                                          f"{purge_id}, which no checkpoint authorised"))
    return breaks
