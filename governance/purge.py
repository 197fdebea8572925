"""Retention: delete the oldest rows of the chain and append a purge row anchoring what remains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, select

from governance import chain
from governance.schema import CHAINED, purge_gate


@dataclass(frozen=True)
class PurgeResult:
    """What one purge removed, and the id of the row that records it."""

    deleted: int
    cutoff: str
    purge_row_id: int


def purge(conn: Connection, older_than_days: int) -> PurgeResult:
    """Delete the longest prefix of the chain older than the cutoff; the caller holds the lock.

    Only a prefix is removed, so the rows kept still link up, and the purge row records the hash
    of the last one removed for `verify()` to start from.
    """
    if older_than_days < 1:
        raise ValueError(f"older_than_days must be at least 1, not {older_than_days}")
    cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"
    )
    last = chain.head(conn)
    boundary = _first_id_kept(conn, cutoff, default=last[0] + 1)
    deleted, last_deleted_id, last_deleted_hash = _delete_before(conn, boundary)
    row_id = chain.append(
        conn,
        "purge",
        {
            "older_than_days": older_than_days,
            "cutoff": cutoff,
            "deleted_count": deleted,
            "last_deleted_id": last_deleted_id,
            "last_deleted_hash": last_deleted_hash,
        },
        after=last,
    )
    return PurgeResult(deleted=deleted, cutoff=cutoff, purge_row_id=row_id)


def _first_id_kept(conn: Connection, cutoff: str, default: int) -> int:
    """The smallest id of any row at or after the cutoff: everything before it may go."""
    kept = [
        conn.scalar(select(func.min(t.c.id)).where(t.c.created_at >= cutoff))
        for t in CHAINED.values()
    ]
    return min((k for k in kept if k is not None), default=default)


def _delete_before(conn: Connection, boundary: int) -> tuple[int, int | None, str]:
    """Delete rows with id < boundary through the purge gate; (count, last id, last hash)."""
    last: tuple[int | None, str] = (None, "")
    for table in CHAINED.values():
        row = conn.execute(
            select(table.c.id, table.c.row_hash)
            .where(table.c.id < boundary)
            .order_by(table.c.id.desc())
            .limit(1)
        ).first()
        if row is not None and (last[0] is None or row.id > last[0]):
            last = (row.id, row.row_hash)
    if last[0] is None:
        return 0, None, ""
    conn.execute(purge_gate.insert().values(opened_at=chain.utc_now()))
    deleted = sum(
        conn.execute(delete(t).where(t.c.id < boundary)).rowcount for t in CHAINED.values()
    )
    conn.execute(delete(purge_gate))
    return deleted, last[0], last[1]
