"""The hash chain: one sequence over every logged row, each row sealing the one before it.

`row_hash` = sha256 of the canonical JSON of the row's kind, content and `prev_hash`. Ids are
global and consecutive (appends are serialised), so a missing, inserted or altered row shows up
as a break. A purge removes a prefix of the chain and appends a row naming the last row removed,
which is where verification then starts.

The chain alone cannot tell a log that lost its last rows, or was rewritten and rehashed from
some row on, from an honest one: `governance.anchor` holds it to checkpoints kept outside the
database for that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from governance.schema import ADDED_LATER, CHAINED, purges

GENESIS = "0" * 64
# Rows fetched per table per step while verifying; bounds memory on a large log.
VERIFY_PAGE = 2000


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of re-checking the log; `first_bad_id` and `reason` name the first break,
    `problems` every break found (the first being `reason`)."""

    ok: bool
    rows_checked: int
    first_bad_id: int | None = None
    reason: str = ""
    head_hash: str = GENESIS
    head_id: int = 0
    rows: int = 0
    problems: tuple[str, ...] = ()
    anchored_by: int | None = None  # the checkpoint the log was held to; None: there was none
    checkpoint: int | None = None  # the checkpoint this verify wrote; None when broken


@dataclass(frozen=True)
class ChainRow:
    kind: str
    content: dict[str, Any]

    @property
    def id(self) -> int:
        return int(self.content["id"])


def utc_now() -> str:
    """Fixed-width UTC time, so text order is time order on every back end."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(kind: str, content: Mapping[str, Any]) -> str:
    """sha256 over the canonical JSON of a row without its own row_hash (prev_hash included).

    A column added after a row was written is sealed only when set, so older rows keep their hash.
    """
    sealed = {
        key: value
        for key, value in content.items()
        if key != "row_hash" and not (key in ADDED_LATER and value is None)
    }
    sealed["kind"] = kind
    blob = json.dumps(sealed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def head(conn: Connection) -> tuple[int, str]:
    """The last row's id and hash, or (0, GENESIS) for an empty log."""
    best = (0, GENESIS)
    for table in CHAINED.values():
        row = conn.execute(
            select(table.c.id, table.c.row_hash).order_by(table.c.id.desc()).limit(1)
        ).first()
        if row is not None and row.id > best[0]:
            best = (row.id, row.row_hash)
    return best


def append(conn: Connection, kind: str, content: Mapping[str, Any]) -> int:
    """Add one row at the end of the chain; the caller holds the writer lock (write_transaction)."""
    row = seal(kind, content, head(conn))
    insert(conn, kind, row)
    return int(row["id"])


def seal(kind: str, content: Mapping[str, Any], after: tuple[int, str]) -> dict[str, Any]:
    """The row that follows `after` (id, hash): its id, time, link and own hash, not yet written."""
    last_id, last_hash = after
    row = {"id": last_id + 1, "created_at": utc_now(), **content, "prev_hash": last_hash}
    row["row_hash"] = compute_hash(kind, row)
    return row


def insert(conn: Connection, kind: str, row: Mapping[str, Any]) -> None:
    conn.execute(CHAINED[kind].insert().values(**row))


def chain_rows(conn: Connection, start_id: int = 0) -> Iterator[ChainRow]:
    """Every chained row with id >= start_id in id order, merged across the tables, page by page."""
    low = start_id
    while True:
        page: list[ChainRow] = []
        for kind, table in CHAINED.items():
            query = (
                select(table).where(table.c.id >= low).order_by(table.c.id).limit(VERIFY_PAGE)
            )
            page.extend(ChainRow(kind, dict(r._mapping)) for r in conn.execute(query))
        if not page:
            return
        page.sort(key=lambda r: r.id)
        # Only ids below the smallest "last fetched" id of a full page are complete in this step.
        high = min(
            (max(r.id for r in page if r.kind == kind) for kind in CHAINED if _full(page, kind)),
            default=None,
        )
        for row in page:
            if high is not None and row.id > high:
                break
            yield row
        if high is None:
            return
        low = high + 1


def _full(page: list[ChainRow], kind: str) -> bool:
    return sum(1 for r in page if r.kind == kind) >= VERIFY_PAGE


def purge_anchor(conn: Connection) -> tuple[int, str]:
    """(last deleted id, its hash) of the purge that removed the most; (0, GENESIS) if none did."""
    row = conn.execute(
        select(purges.c.last_deleted_id, purges.c.last_deleted_hash)
        .where(purges.c.deleted_count > 0)
        .order_by(purges.c.last_deleted_id.desc())
        .limit(1)
    ).first()
    if row is None or row.last_deleted_id is None:
        return 0, GENESIS
    return int(row.last_deleted_id), str(row.last_deleted_hash)


def verify(conn: Connection) -> VerifyResult:
    """Re-check every link and hash from the genesis (or the latest purge anchor) to the head.

    The chain only: `governance.anchor.verify_log` adds what it cannot see on its own.
    """
    expected_id, expected_prev = purge_anchor(conn)
    expected_id += 1
    checked = 0
    for row in chain_rows(conn):
        problem = _check(row, expected_id, expected_prev)
        if problem:
            bad_id, reason = problem
            return VerifyResult(False, checked, bad_id, reason, expected_prev)
        checked += 1
        expected_id, expected_prev = row.id + 1, row.content["row_hash"]
    return VerifyResult(True, checked, None, "", expected_prev)


def _check(row: ChainRow, expected_id: int, expected_prev: str) -> tuple[int, str] | None:
    """(first bad id, reason) when `row` does not continue the chain, else None."""
    where = f"row {row.id} ({row.kind})"
    if row.id < expected_id:
        return row.id, f"{where}: id appears twice, or before the purge anchor"
    if row.id > expected_id:
        return expected_id, f"rows {expected_id}..{row.id - 1} are missing before {where}"
    if row.content["prev_hash"] != expected_prev:
        return row.id, f"{where}: prev_hash does not match the row before it"
    if compute_hash(row.kind, row.content) != row.content["row_hash"]:
        return row.id, f"{where}: content does not match its row_hash (the row was altered)"
    return None


def count_rows(conn: Connection) -> int:
    return sum(conn.scalar(select(func.count()).select_from(t)) or 0 for t in CHAINED.values())
