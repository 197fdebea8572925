"""Retention: delete the oldest rows of the chain, under a signed checkpoint that allows exactly it.

A purge first holds the whole log to its anchor (a log that does not verify is never purged, so a
purge cannot hide a break), then signs a "purge" checkpoint naming the purge row it is about to
write, appends that row (which names the checkpoint), and only then opens purge_gate for that row
and deletes. A purge row no checkpoint signed is reported by `verify` as forged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, select

from core.errors import ShareCheckError
from governance import chain
from governance.anchor import AnchorSession, LogState, PurgeGrant, verify_log
from governance.chain import VerifyResult
from governance.schema import CHAINED, purge_gate


class PurgeRefused(ShareCheckError):
    """The log does not verify, so it is not purged: a purge would hide what is wrong."""

    def __init__(self, result: VerifyResult) -> None:
        super().__init__(
            f"the log does not verify ({result.reason}), so nothing was purged; "
            "run `log verify` to see every problem"
        )
        self.result = result


@dataclass(frozen=True)
class PurgeResult:
    """What one purge removed, the row that records it, and the checkpoint that allowed it."""

    deleted: int
    cutoff: str
    purge_row_id: int
    checkpoint: int
    after: LogState  # the log once the purge is committed, for the checkpoint that follows


def purge(conn: Connection, older_than_days: int, anchors: AnchorSession) -> PurgeResult:
    """Delete the longest prefix of the chain older than the cutoff; the caller holds the writer
    lock and the anchor session, and commits.

    Only a prefix is removed, so the rows kept still link up, and the purge row records the hash
    of the last one removed for `verify()` to start from.
    """
    if older_than_days < 1:
        raise ValueError(f"older_than_days must be at least 1, not {older_than_days}")
    verified = verify_log(conn, anchors.reading)
    if not verified.ok:
        raise PurgeRefused(verified)
    cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"
    )
    before = LogState(verified.rows, verified.head_id, verified.head_hash)
    boundary = _first_id_kept(conn, cutoff, default=before.last_id + 1)
    deleted, last_deleted_id, last_deleted_hash = _doomed(conn, boundary)
    row = chain.seal(
        "purge",
        {
            "older_than_days": older_than_days,
            "cutoff": cutoff,
            "deleted_count": deleted,
            "last_deleted_id": last_deleted_id,
            "last_deleted_hash": last_deleted_hash,
            "checkpoint_seq": anchors.next_seq,
        },
        after=(before.last_id, before.head_hash),
    )
    grant = PurgeGrant(row["id"], row["row_hash"], deleted, last_deleted_id)
    checkpoint = anchors.append("purge", before, grant)  # signed before anything changes
    chain.insert(conn, "purge", row)
    if deleted:
        _delete_through_gate(conn, row["id"], boundary, deleted)
    after = LogState(before.rows - deleted + 1, row["id"], row["row_hash"])
    return PurgeResult(deleted, cutoff, row["id"], checkpoint.seq, after)


def _first_id_kept(conn: Connection, cutoff: str, default: int) -> int:
    """The smallest id of any row at or after the cutoff: everything before it may go."""
    kept = [
        conn.scalar(select(func.min(t.c.id)).where(t.c.created_at >= cutoff))
        for t in CHAINED.values()
    ]
    return min((k for k in kept if k is not None), default=default)


def _doomed(conn: Connection, boundary: int) -> tuple[int, int | None, str]:
    """How many rows have id < boundary, and the last one's id and hash ((0, None, "") if none)."""
    count = 0
    last: tuple[int | None, str] = (None, "")
    for table in CHAINED.values():
        count += conn.scalar(
            select(func.count()).select_from(table).where(table.c.id < boundary)
        ) or 0
        row = conn.execute(
            select(table.c.id, table.c.row_hash)
            .where(table.c.id < boundary)
            .order_by(table.c.id.desc())
            .limit(1)
        ).first()
        if row is not None and (last[0] is None or row.id > last[0]):
            last = (row.id, row.row_hash)
    return count, last[0], last[1]


def _delete_through_gate(conn: Connection, purge_id: int, boundary: int, expected: int) -> None:
    """Open purge_gate for purge row `purge_id`, delete rows with id < boundary, close it."""
    conn.execute(purge_gate.insert().values(opened_at=chain.utc_now(), purge_id=purge_id))
    deleted = sum(
        conn.execute(delete(t).where(t.c.id < boundary)).rowcount for t in CHAINED.values()
    )
    conn.execute(delete(purge_gate))
    if deleted != expected:  # the writer lock makes this impossible; never commit if it happens
        raise RuntimeError(f"purge deleted {deleted} rows where it counted {expected}")
