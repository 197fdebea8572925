"""The contract every AnswerLog back end must pass, written once (haystack's testing pattern).

A test module subclasses `AnswerLogContract` as `Test...`, provides a `settings` fixture pointing
at a fresh, empty log, and implements the raw-access hooks that go around the log to tamper with
it the way an attacker with database access would. Imported only by tests (it needs pytest).
"""

from __future__ import annotations

import io
import json
import multiprocessing
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, delete, select, update

from core.settings import Settings
from governance import chain
from governance.database import create_log_engine, read_transaction, write_transaction
from governance.log import AnswerFilters, AnswerLog, LoggedAnswer, PurgeRefused, UnknownAnswer
from governance.redact import Redactor, redact_answer
from governance.samples import sample_answer, write_sample_answers
from governance.schema import CHAINED, answers, purges

RAW_QUESTION = (
    "Mrs Ellison at 14 Beverley Road, HU5 3QT, mobile 07700 900412, is hoarding. "
    "Can I tell the council?"
)
RAW_PIECES = (b"Ellison", b"Beverley", b"HU5 3QT", b"900412")


def stamp(days_ago: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- what an attacker with the database does, on a connection with the triggers out of the way --


def chain_only(settings: Settings) -> chain.VerifyResult:
    """The hash chain checked on its own, as `verify` did before checkpoints."""
    engine = create_log_engine(settings.log_database_url)
    try:
        with read_transaction(engine) as conn:
            return chain.verify(conn)
    finally:
        engine.dispose()


def delete_rows(conn: Connection, above: int) -> None:
    for table in CHAINED.values():
        conn.execute(delete(table).where(table.c.id > above))


def rehash_from(conn: Connection, start_id: int) -> None:
    """Re-link and re-seal every row from `start_id` on, so the chain checks out again."""
    prev: str | None = None
    for row in list(chain.chain_rows(conn)):
        if row.id >= start_id:
            content = row.content | {"prev_hash": prev or row.content["prev_hash"]}
            content["row_hash"] = chain.compute_hash(row.kind, content)
            table = CHAINED[row.kind]
            conn.execute(update(table).where(table.c.id == row.id).values(
                prev_hash=content["prev_hash"], row_hash=content["row_hash"]))
            prev = content["row_hash"]
        else:
            prev = row.content["row_hash"]


def delete_and_renumber(conn: Connection, victim: int) -> None:
    """Remove one row, close the gap in the ids and rehash, as if it had never been."""
    for table in CHAINED.values():
        conn.execute(delete(table).where(table.c.id == victim))
    for row in [r for r in chain.chain_rows(conn) if r.id > victim]:
        table = CHAINED[row.kind]
        conn.execute(update(table).where(table.c.id == row.id).values(id=row.id - 1))
    rehash_from(conn, victim)


def sample_content() -> dict[str, Any]:
    return {"user_id": "u", "role": "staff", "session_id": "s", "question": "Can I share?",
            "answer_text": "Yes.", "mode": "extractive", "abstained": False, "redacted": False,
            "citations_json": "[]", "corpus_version": "c", "settings_hash": "abc",
            "prompt_id": "v1", "elapsed_ms": 1.0}  # fmt: skip


def insert_sql(table: str, row: dict[str, Any]) -> str:
    """An INSERT with the values written out, for the raw driver connection."""

    def literal(value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, int | float):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    values = ", ".join(literal(v) for v in row.values())
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({values})"


class AnswerLogContract:
    """Behaviour shared by the SQLite and PostgreSQL logs."""

    # --- hooks a back end provides ------------------------------------------------------------

    @pytest.fixture
    def settings(self) -> Settings:
        raise NotImplementedError

    def raw_execute(self, settings: Settings, sql: str) -> None:
        """Run SQL with the driver directly, as the triggers see it (must raise when refused)."""
        raise NotImplementedError

    def tamper(self, settings: Settings, sql: str) -> None:
        """Run SQL with the append-only triggers out of the way (an attacker with DBA rights)."""
        raise NotImplementedError

    def tampered(self, settings: Settings) -> AbstractContextManager[Connection]:
        """A SQLAlchemy connection with every trigger out of the way, committed on exit."""
        raise NotImplementedError

    def stored_bytes(self, settings: Settings) -> bytes:
        """Everything the database holds about the log, as bytes, to search for leaked text."""
        raise NotImplementedError

    # --- shared fixtures ----------------------------------------------------------------------

    @pytest.fixture
    def log(self, settings: Settings) -> Iterator[AnswerLog]:
        with AnswerLog.open(settings) as opened:
            yield opened

    def fill(self, log: AnswerLog, count: int = 5) -> list[int]:
        ids = [
            log.record(sample_answer(i), user_id="u1", role="staff", session_id="s1",
                       corpus_version="c1")
            for i in range(count)
        ]
        log.add_feedback(ids[0], user_id="u1", rating="down", reason="wrong clause")
        log.add_review(ids[0], reviewer_id="g1", verdict="incorrect", note="see 5.1")
        return ids

    # --- recording ----------------------------------------------------------------------------

    def test_record_keeps_every_field(self, log: AnswerLog) -> None:
        answer = sample_answer(1)
        answer_id = log.record(answer, user_id="u1", role="trainer", session_id="s9",
                               corpus_version="corpus-7")
        logged = log.get(answer_id)
        assert logged is not None
        assert (logged.user_id, logged.role, logged.session_id) == ("u1", "trainer", "s9")
        assert logged.question == answer.question and logged.answer_text == answer.text
        assert (logged.mode, logged.abstained, logged.redacted) == ("extractive", False, False)
        assert (logged.corpus_version, logged.settings_hash, logged.prompt_id) == (
            "corpus-7", "abc123def456", "answer_v1")
        assert logged.elapsed_ms == 12.5
        assert logged.created_at.tzinfo is not None
        assert abs(datetime.now(UTC) - logged.created_at) < timedelta(minutes=1)
        cited = logged.citations[0]
        passage = answer.citations[0].passage
        assert (cited.passage_id, cited.source, cited.clause, cited.page) == (
            passage.id, passage.source, "4.2", 2)
        assert (cited.doc_hash, cited.doc_version, cited.title, cited.cited) == (
            "h1", "v1", passage.title, True)
        assert cited.page_label == "2"  # no printed label: the physical page

    def test_feedback_and_reviews_are_rows_of_their_own(self, log: AnswerLog) -> None:
        answer_id = self.fill(log, 2)[0]
        log.add_feedback(answer_id, user_id="u2", rating="up")
        logged = log.get(answer_id)
        assert logged is not None and logged.rating == "up"  # the latest feedback stands
        assert [r.verdict for r in logged.reviews] == ["incorrect"]
        assert logged.review is not None and logged.review.note == "see 5.1"
        assert log.row_count() == 5

    def test_feedback_and_review_arguments_are_checked(self, log: AnswerLog) -> None:
        answer_id = self.fill(log, 1)[0]
        with pytest.raises(ValueError, match="rating"):
            log.add_feedback(answer_id, user_id="u", rating="meh")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="verdict"):
            log.add_review(answer_id, reviewer_id="g", verdict="fine")  # type: ignore[arg-type]
        with pytest.raises(UnknownAnswer):
            log.add_feedback(999, user_id="u", rating="up")
        assert log.verify().ok

    def test_reopening_applies_no_migration_twice(self, settings: Settings) -> None:
        for _ in range(2):
            with AnswerLog.open(settings) as log:
                log.record(sample_answer(), user_id="u", role="staff", session_id="s",
                           corpus_version="c")
        with AnswerLog.open(settings) as log:
            assert log.verify().rows_checked == 2

    # --- the chain ----------------------------------------------------------------------------

    def test_chain_verifies(self, log: AnswerLog) -> None:
        self.fill(log, 6)
        result = log.verify()
        assert result.ok, result.reason
        assert result.rows_checked == 8
        assert result.first_bad_id is None and len(result.head_hash) == 64

    def test_empty_log_verifies(self, log: AnswerLog) -> None:
        assert log.verify().ok and log.verify().rows_checked == 0

    def test_update_and_delete_are_refused(self, log: AnswerLog, settings: Settings) -> None:
        self.fill(log, 2)
        for sql in (
            "UPDATE answers SET question = 'rewritten' WHERE id = 1",
            "DELETE FROM answers WHERE id = 1",
            "UPDATE feedback SET rating = 'up'",
            "DELETE FROM reviews",
        ):
            with pytest.raises(Exception, match="append-only"):
                self.raw_execute(settings, sql)
        assert log.verify().ok and log.row_count() == 4

    def test_altered_row_is_found_and_named(self, log: AnswerLog, settings: Settings) -> None:
        self.fill(log, 5)
        self.tamper(settings, "UPDATE answers SET answer_text = 'No.' WHERE id = 3")
        result = log.verify()
        assert not result.ok
        assert result.first_bad_id == 3
        assert "row 3 (answer)" in result.reason and "altered" in result.reason
        assert result.rows_checked == 2

    def test_altered_feedback_is_found(self, log: AnswerLog, settings: Settings) -> None:
        self.fill(log, 3)  # feedback is row 4
        self.tamper(settings, "UPDATE feedback SET rating = 'up' WHERE id = 4")
        result = log.verify()
        assert (result.ok, result.first_bad_id) == (False, 4)

    def test_removed_row_is_found(self, log: AnswerLog, settings: Settings) -> None:
        self.fill(log, 5)
        self.tamper(settings, "DELETE FROM answers WHERE id = 2")
        result = log.verify()
        assert (result.ok, result.first_bad_id) == (False, 2)
        assert "missing" in result.reason

    def test_rehashed_row_still_breaks_the_next_link(
        self, log: AnswerLog, settings: Settings
    ) -> None:
        self.fill(log, 4)
        engine = create_log_engine(settings.log_database_url)
        with engine.connect() as conn:
            row = dict(conn.execute(select(answers).where(answers.c.id == 2)).one()._mapping)
        engine.dispose()
        forged = chain.compute_hash("answer", row | {"answer_text": "No."})
        self.tamper(
            settings, f"UPDATE answers SET answer_text = 'No.', row_hash = '{forged}' WHERE id = 2"
        )
        result = log.verify()
        assert (result.ok, result.first_bad_id) == (False, 3)
        assert "prev_hash" in result.reason

    def test_verify_pages_through_a_long_mixed_chain(
        self, log: AnswerLog, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "VERIFY_PAGE", 3)
        ids = self.fill(log, 7)
        for answer_id in ids[2:5]:
            log.add_feedback(answer_id, user_id="u", rating="up")
            log.add_review(answer_id, reviewer_id="g", verdict="correct")
        result = log.verify()
        assert result.ok and result.rows_checked == 15
        self.tamper(settings, "UPDATE reviews SET note = 'changed' WHERE id = 13")
        result = log.verify()
        assert (result.ok, result.first_bad_id, result.rows_checked) == (False, 13, 12)

    # --- retention ----------------------------------------------------------------------------

    def test_purge_keeps_the_chain_valid(
        self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(400))
        old = self.fill(log, 4)  # rows 1-6, 400 days old
        monkeypatch.undo()
        new = [log.record(sample_answer(9), user_id="u", role="staff", session_id="s",
                          corpus_version="c") for _ in range(3)]
        log.add_feedback(old[1], user_id="u", rating="up")  # recent feedback on an old answer
        result = log.purge(older_than_days=365)
        assert result.deleted == 6
        assert log.get(old[0]) is None and log.get(new[0]) is not None
        verified = log.verify()
        assert verified.ok, verified.reason
        assert verified.rows_checked == 5  # 3 answers, 1 feedback, the purge row

    def test_repeated_and_total_purges_verify(
        self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(50))
        self.fill(log, 3)
        assert log.purge(older_than_days=100).deleted == 0
        assert log.purge(older_than_days=10).deleted == 6  # includes the first purge row
        assert log.verify().ok
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(20))
        log.record(sample_answer(), user_id="u", role="staff", session_id="s", corpus_version="c")
        monkeypatch.undo()
        assert log.purge(older_than_days=5).deleted == 2  # the anchor row and the answer
        result = log.verify()
        assert result.ok and result.rows_checked == 1

    def test_purge_uses_retention_days_by_default(
        self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(log.retention_days - 1))
        self.fill(log, 2)
        monkeypatch.undo()
        assert log.purge().deleted == 0
        with pytest.raises(ValueError):
            log.purge(older_than_days=0)

    def test_tampering_after_a_purge_is_found(
        self, log: AnswerLog, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(40))
        self.fill(log, 3)
        monkeypatch.undo()
        kept = [log.record(sample_answer(), user_id="u", role="staff", session_id="s",
                           corpus_version="c") for _ in range(3)]
        log.purge(older_than_days=30)
        self.tamper(settings, f"DELETE FROM answers WHERE id = {kept[0]}")
        result = log.verify()
        assert (result.ok, result.first_bad_id) == (False, kept[0])

    # --- completeness: the log held to checkpoints outside the database -----------------------
    # Each attack is one a probe got past `verify` before checkpoints existed. The attacker has
    # the database (triggers out of the way where the attack needs it) but neither the anchor
    # file nor its key.

    def anchored(self, log: AnswerLog, count: int = 5) -> chain.VerifyResult:
        """A filled log and the checkpoint a verify wrote for it."""
        self.fill(log, count)
        result = log.verify()
        assert result.ok and result.checkpoint is not None, result.problems
        return result

    def assert_broken(self, log: AnswerLog, named: str) -> chain.VerifyResult:
        """verify names the attack, writes no checkpoint, and keeps saying so."""
        for _ in range(2):
            result = log.verify()
            assert not result.ok and result.checkpoint is None
            assert any(named in problem for problem in result.problems), result.problems
        return result

    def test_truncating_the_last_rows_is_found(self, log: AnswerLog, settings: Settings) -> None:
        self.anchored(log)  # rows 1-7
        with self.tampered(settings) as conn:
            delete_rows(conn, above=4)
        assert chain_only(settings).ok  # what the chain alone cannot see
        result = self.assert_broken(log, "truncated: rows after id 4 are missing")
        assert result.first_bad_id == 5 and "checkpoint 1" in result.reason

    def test_deleting_every_row_is_found(self, log: AnswerLog, settings: Settings) -> None:
        self.anchored(log)
        with self.tampered(settings) as conn:
            delete_rows(conn, above=0)
        assert log.row_count() == 0 and chain_only(settings).ok
        self.assert_broken(log, "truncated: rows after id 0 are missing")

    def test_rewriting_a_row_and_rehashing_after_it_is_found(
        self, log: AnswerLog, settings: Settings
    ) -> None:
        self.anchored(log)
        with self.tampered(settings) as conn:
            conn.execute(update(answers).where(answers.c.id == 2).values(answer_text="No."))
            rehash_from(conn, 2)
        assert chain_only(settings).ok
        result = self.assert_broken(log, "rewritten: row 7's hash differs from the anchored head")
        assert result.first_bad_id == 7

    def test_deleting_renumbering_and_rehashing_is_found(
        self, log: AnswerLog, settings: Settings
    ) -> None:
        self.anchored(log)
        with self.tampered(settings) as conn:
            delete_and_renumber(conn, victim=2)
        assert chain_only(settings).ok and log.row_count() == 6
        self.assert_broken(log, "truncated: rows after id 6 are missing")
        with self.tampered(settings) as conn:  # one made-up row puts the count and head id back
            chain.append(conn, "answer", sample_content())
        assert chain_only(settings).ok and log.row_count() == 7
        self.assert_broken(log, "rewritten: row 7's hash differs from the anchored head")

    def test_deleting_recent_rows_under_a_forged_purge_row_is_found(
        self, log: AnswerLog, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(400))
        self.fill(log, 3)  # rows 1-5, old
        monkeypatch.undo()
        self.fill(log, 3)  # rows 6-10, recent
        real = log.purge(older_than_days=365)  # row 11, authorised by checkpoint 1
        log.verify()
        with self.tampered(settings) as conn:  # lose the recent rows, claim a purge did it
            last = chain.head(conn)
            delete_rows(conn, above=0)
            forged = chain.seal("purge", {
                "older_than_days": 1, "cutoff": stamp(0), "deleted_count": 6,
                "last_deleted_id": last[0], "last_deleted_hash": last[1],
                "checkpoint_seq": real.checkpoint,  # a real checkpoint's number, copied
            }, after=last)  # fmt: skip
            chain.insert(conn, "purge", forged)
        assert chain_only(settings).ok and log.row_count() == 1
        result = self.assert_broken(log, "forged purge row 12: not authorised by any checkpoint")
        assert result.first_bad_id == 12

    def test_purge_rows_name_the_checkpoint_that_allowed_them(
        self, log: AnswerLog, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(400))
        self.fill(log, 3)
        monkeypatch.undo()
        result = log.purge(older_than_days=365)
        assert (result.deleted, result.purge_row_id, result.checkpoint) == (5, 6, 1)
        engine = create_log_engine(settings.log_database_url)
        with engine.connect() as conn:
            row = conn.execute(select(purges).where(purges.c.id == 6)).one()
        engine.dispose()
        assert row.checkpoint_seq == 1
        lines = [json.loads(line) for line in log.anchors.path.read_text().splitlines()]
        assert [line["reason"] for line in lines] == ["purge", "purged"]
        assert lines[0]["grant"] == {"row_id": 6, "row_hash": row.row_hash, "deleted_count": 5,
                                     "last_deleted_id": 5}
        assert (lines[0]["last_id"], lines[1]["last_id"], lines[1]["rows"]) == (5, 6, 1)
        verified = log.verify()
        assert verified.ok and verified.anchored_by == 2, verified.problems

    def test_a_log_that_does_not_verify_is_not_purged(
        self, log: AnswerLog, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(400))
        self.anchored(log)
        monkeypatch.undo()
        with self.tampered(settings) as conn:
            delete_rows(conn, above=5)
        with pytest.raises(PurgeRefused, match="truncated"):
            log.purge(older_than_days=365)
        assert log.row_count() == 5
        self.assert_broken(log, "truncated: rows after id 5 are missing")

    def test_purge_gate_refuses_direct_inserts(
        self, log: AnswerLog, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(400))
        self.fill(log, 1)  # rows 1-3, old
        monkeypatch.undo()
        log.purge(older_than_days=365)  # row 4 opened the gate: purge_gate_log has a row
        self.fill(log, 1)  # rows 5-7
        for sql in (
            "INSERT INTO purge_gate (opened_at) VALUES ('now')",
            "INSERT INTO purge_gate (opened_at, purge_id) VALUES ('now', 7)",  # not a purge row
            "INSERT INTO purge_gate (opened_at, purge_id) VALUES ('now', 4)",  # not the head
            "INSERT INTO purge_gate (opened_at, purge_id) VALUES ('now', 99)",
        ):
            with pytest.raises(Exception, match="purge_gate opens only inside a purge"):
                self.raw_execute(settings, sql)
        for sql in ("UPDATE purge_gate_log SET purge_id = 1", "DELETE FROM purge_gate_log"):
            with pytest.raises(Exception, match="append-only"):
                self.raw_execute(settings, sql)
        with pytest.raises(Exception, match="append-only"):
            self.raw_execute(settings, "DELETE FROM answers WHERE id = 5")
        assert log.verify().ok and log.row_count() == 4

    def test_a_gate_opened_with_a_forged_purge_row_is_found(
        self, log: AnswerLog, settings: Settings
    ) -> None:
        """An attacker who may insert and delete rows but not touch triggers (no DDL)."""
        self.anchored(log, 3)  # rows 1-5
        engine = create_log_engine(settings.log_database_url)
        with engine.connect() as conn:
            last = chain.head(conn)
        engine.dispose()
        forged = chain.seal("purge", {
            "older_than_days": 1, "cutoff": stamp(0), "deleted_count": 1, "last_deleted_id": 2,
            "last_deleted_hash": "0" * 64, "checkpoint_seq": None,
        }, after=last)  # fmt: skip
        self.raw_execute(settings, insert_sql("purges", forged))  # appending is allowed
        self.raw_execute(settings, "INSERT INTO purge_gate (opened_at, purge_id) VALUES ('x', 6)")
        self.raw_execute(settings, "DELETE FROM answers WHERE id = 2")
        with pytest.raises(Exception, match="append-only"):
            self.raw_execute(settings, "DELETE FROM purges WHERE id = 6")  # not before the row
        self.raw_execute(settings, "DELETE FROM purge_gate")
        with pytest.raises(Exception, match="purge_gate opens only inside a purge"):
            self.raw_execute(settings, "INSERT INTO purge_gate (opened_at, purge_id) VALUES "
                                       "('x', 6)")  # once per purge row
        result = self.assert_broken(log, "forged purge row 6: not authorised by any checkpoint")
        assert ("purge_gate opened outside a purge: opened for row 6, which no checkpoint "
                "authorised") in result.problems

    def test_a_gate_left_open_is_found(self, log: AnswerLog, settings: Settings) -> None:
        self.anchored(log, 2)
        self.tamper(settings, "INSERT INTO purge_gate (opened_at) VALUES ('now')")
        result = self.assert_broken(log, "purge_gate opened outside a purge: 1 row(s) hold it")
        assert result.first_bad_id is None and chain_only(settings).ok

    def test_purges_keep_verifying_against_their_checkpoints(
        self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(chain, "utc_now", lambda: stamp(50))
        self.anchored(log, 3)
        log.purge(older_than_days=10)  # everything, including the head the checkpoint anchored
        for _ in range(2):
            log.record(sample_answer(), user_id="u", role="staff", session_id="s",
                       corpus_version="c")
            log.purge(older_than_days=5)
            result = log.verify()
            assert result.ok, result.problems
        monkeypatch.undo()
        assert log.purge(older_than_days=400).deleted == 0
        assert log.verify().ok

    # --- personal data ------------------------------------------------------------------------

    def test_raw_text_is_never_stored_when_the_caller_redacts(
        self, log: AnswerLog, settings: Settings
    ) -> None:
        redactor = Redactor(settings.data_dir / "cache", use_presidio=False)
        answer = redact_answer(sample_answer(question=RAW_QUESTION), redactor)
        answer_id = log.record(answer, user_id="u", role="staff", session_id="s",
                               corpus_version="c")
        logged = log.get(answer_id)
        assert logged is not None and logged.redacted
        assert "[NAME]" in logged.question and "[PHONE]" in logged.question
        stored = self.stored_bytes(settings)
        assert b"[PHONE]" in stored
        assert not [piece for piece in RAW_PIECES if piece in stored]

    def test_a_log_with_a_redactor_redacts_raw_questions(self, settings: Settings) -> None:
        redactor = Redactor(settings.data_dir / "cache", use_presidio=False)
        with AnswerLog.open(settings, redactor=redactor) as log:
            answer_id = log.record(sample_answer(question=RAW_QUESTION), user_id="u",
                                   role="staff", session_id="s", corpus_version="c")
            logged = log.get(answer_id)
        assert logged is not None and logged.redacted
        assert logged.question.startswith("[NAME] at [ADDRESS], [POSTCODE], mobile [PHONE]")
        assert not [piece for piece in RAW_PIECES if piece in self.stored_bytes(settings)]

    # --- queries for the review page ----------------------------------------------------------

    def seed_review_data(self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
        ids: dict[str, int] = {}

        def record(name: str, days_ago: float, role: str = "staff", **kwargs: Any) -> None:
            monkeypatch.setattr(chain, "utc_now", lambda: stamp(days_ago))
            answer = sample_answer(**kwargs)
            ids[name] = log.record(answer, user_id=f"user-{name}", role=role, session_id="s",
                                   corpus_version="c")

        record("old_up", 20, source="police-isa.md", clause="4.2")
        record("old_abstain", 15, abstained=True, source="charter.pdf", clause="")
        record("llm_down", 8, role="trainer", mode="llm", source="charter.pdf", clause="3")
        record("new_none", 1, source="police-isa.md", clause="5.1", doc_hash="h2")
        record("new_down", 0, source="safe_well%isa.docx", clause="7")
        monkeypatch.undo()
        log.add_feedback(ids["old_up"], user_id="u", rating="up")
        log.add_feedback(ids["llm_down"], user_id="u", rating="down", reason="made up")
        log.add_feedback(ids["new_down"], user_id="u", rating="down")
        log.add_review(ids["old_up"], reviewer_id="g", verdict="correct")
        return ids

    def names(self, rows: list[LoggedAnswer], ids: dict[str, int]) -> set[str]:
        by_id = {v: k for k, v in ids.items()}
        return {by_id[r.id] for r in rows}

    def test_filters(self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch) -> None:
        ids = self.seed_review_data(log, monkeypatch)
        today = datetime.now(UTC).date()

        def pick(**kwargs: Any) -> set[str]:
            return self.names(log.answers(AnswerFilters(**kwargs)), ids)

        assert pick() == set(ids)
        assert [r.id for r in log.answers()] == sorted(ids.values(), reverse=True)
        assert pick(start=today - timedelta(days=10)) == {"llm_down", "new_none", "new_down"}
        assert pick(end=today - timedelta(days=10)) == {"old_up", "old_abstain"}
        assert pick(start=today - timedelta(days=16), end=today - timedelta(days=14)) == {
            "old_abstain"}
        assert pick(role="trainer") == {"llm_down"}
        assert pick(feedback="down") == {"llm_down", "new_down"}
        assert pick(feedback="up") == {"old_up"}
        assert pick(feedback="none") == {"old_abstain", "new_none"}
        assert pick(abstained=True) == {"old_abstain"}
        assert pick(abstained=False, mode="llm") == {"llm_down"}
        assert pick(source="charter.pdf") == {"old_abstain", "llm_down"}
        assert pick(source="safe_well%isa.docx") == {"new_down"}
        assert pick(source="safe_wellXisa.docx") == set()  # LIKE wildcards are escaped
        assert pick(reviewed=True) == {"old_up"}
        assert pick(reviewed=False, feedback="down") == {"llm_down", "new_down"}
        assert len(log.answers(AnswerFilters(limit=2))) == 2

    def test_stats(self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seed_review_data(log, monkeypatch)
        stats = log.stats()
        assert stats.questions == 5 and stats.rated == 3
        assert stats.abstention_rate == pytest.approx(0.2)
        assert stats.thumbs_down_rate == pytest.approx(2 / 3)
        assert sum(w.questions for w in stats.weeks) == 5
        assert all(w.week[:4].isdigit() and "-W" in w.week for w in stats.weeks)
        assert stats.weeks == sorted(stats.weeks, key=lambda w: w.week)
        # The abstained answer shows a passage but cites nothing, so it is not counted.
        assert dict(stats.top_documents) == {"police-isa.md": 2, "charter.pdf": 1,
                                             "safe_well%isa.docx": 1}
        assert ("police-isa.md", "4.2", 1) in stats.top_clauses
        assert log.stats(AnswerFilters(role="trainer")).questions == 1

    def test_impacted_by_a_document_version(
        self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ids = self.seed_review_data(log, monkeypatch)
        assert [r.id for r in log.impacted_by("police-isa.md", "h1")] == [ids["old_up"]]
        assert [r.id for r in log.impacted_by("police-isa.md", "h2")] == [ids["new_none"]]
        assert log.impacted_by("charter.pdf", "h9") == []

    def test_export_csv_and_jsonl(self, log: AnswerLog, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seed_review_data(log, monkeypatch)
        rows = log.answers()
        out = io.StringIO()
        assert log.export(rows, "csv", out) == 5
        lines = out.getvalue().splitlines()
        assert lines[0].startswith("id,created_at,user_id,role") and len(lines) == 6
        assert "[1] Police Isa, clause 4.2, p. 2 (police-isa.md)" in out.getvalue()
        out = io.StringIO()
        assert log.export(rows, "jsonl", out) == 5
        first = json.loads(out.getvalue().splitlines()[0])
        assert first["id"] == rows[0].id and first["citations"][0]["source"] == "safe_well%isa.docx"
        with pytest.raises(ValueError):
            log.export(rows, "xml", out)  # type: ignore[arg-type]

    def test_reviewed_answer_becomes_an_eval_item(
        self, log: AnswerLog, settings: Settings
    ) -> None:
        answer_id = log.record(sample_answer(), user_id="u", role="staff", session_id="s",
                               corpus_version="c")
        log.add_review(answer_id, reviewer_id="g", verdict="incorrect", note="Only with consent.",
                       expected_clause="4.2", evidence="share with consent\nrecord the reason")
        logged = log.get(answer_id)
        assert logged is not None and logged.review is not None
        path = settings.data_dir / "eval" / "gold" / "from-review.jsonl"
        item = log.to_eval_item(logged, logged.review, path)
        log.to_eval_item(logged, logged.review, path)  # the same review is not added twice
        written = [json.loads(line) for line in path.read_text().splitlines()]
        assert written == [item]
        assert set(item) >= {"id", "question", "answerable", "source", "pages", "evidence",
                             "answer", "kind"}
        assert item["answerable"] is True and item["source"] == "police-isa.md"
        assert item["pages"] == [2] and item["clause"] == "4.2"
        assert item["evidence"] == ["share with consent", "record the reason"]
        assert item["answer"] == "Only with consent."

    # --- the page staff saw -------------------------------------------------------------------

    def test_the_printed_page_label_is_logged_shown_and_exported(self, log: AnswerLog) -> None:
        answer_id = log.record(sample_answer(page=5, page_label="3"), user_id="u", role="staff",
                               session_id="s", corpus_version="c")
        logged = log.get(answer_id)
        assert logged is not None
        (cited,) = logged.citations
        assert (cited.page, cited.page_label) == (5, "3")
        assert cited.label() == "Police Isa, clause 4.2, p. 3"
        out = io.StringIO()
        log.export([logged], "csv", out)
        assert "[1] Police Isa, clause 4.2, p. 3 (police-isa.md)" in out.getvalue()
        out = io.StringIO()
        log.export([logged], "jsonl", out)
        exported = json.loads(out.getvalue())["citations"][0]
        assert (exported["page"], exported["page_label"]) == (5, "3")

    def test_answers_logged_before_page_labels_still_verify_and_show_their_page(
        self, settings: Settings
    ) -> None:
        with AnswerLog.open(settings) as log:
            old_id = self.record_as_before_page_labels(settings, page=5)
            log.add_feedback(old_id, user_id="u", rating="up")
        with AnswerLog.open(settings) as log:  # opened again, as after an upgrade
            new_id = log.record(sample_answer(page=5, page_label="iii"), user_id="u",
                                role="staff", session_id="s", corpus_version="c")
            result = log.verify()
            assert result.ok, result.reason
            assert result.rows_checked == 3
            old, new = log.get(old_id), log.get(new_id)
        assert old is not None and new is not None
        assert [c.label() for c in old.citations] == ["Police Isa, clause 4.2, p. 5"]
        assert [c.label() for c in new.citations] == ["Police Isa, clause 4.2, p. iii"]

    def record_as_before_page_labels(self, settings: Settings, page: int) -> int:
        """An answer row exactly as the log wrote it before citations carried page_label."""
        cited = {"n": 1, "passage_id": "p1", "source": "police-isa.md", "title": "Police Isa",
                 "clause": "4.2", "page": page, "doc_hash": "h1", "doc_version": "v1",
                 "score": 0.71, "cited": True}  # fmt: skip
        content = {
            "user_id": "u", "role": "staff", "session_id": "s", "question": "Can I share?",
            "answer_text": "Yes, under 4.2 [1].", "mode": "extractive", "abstained": False,
            "redacted": False, "corpus_version": "c", "settings_hash": "abc", "prompt_id": "v1",
            "elapsed_ms": 12.5,
            "citations_json": json.dumps([cited], sort_keys=True, separators=(",", ":")),
        }  # fmt: skip
        engine = create_log_engine(settings.log_database_url)
        try:
            with write_transaction(engine) as conn:
                return chain.append(conn, "answer", content)
        finally:
            engine.dispose()

    # --- concurrency --------------------------------------------------------------------------

    @pytest.mark.slow
    def test_concurrent_writers_share_one_chain(self, settings: Settings) -> None:
        AnswerLog.open(settings).close()
        workers, each = 8, 250
        context = multiprocessing.get_context("spawn")
        jobs = [(str(settings.data_dir), settings.log_url, each, w) for w in range(workers)]
        with context.Pool(workers) as pool:
            pool.starmap(write_sample_answers, jobs)
        with AnswerLog.open(settings) as log:
            rows = log.answers(AnswerFilters(limit=None))
            result = log.verify()
        assert len(rows) == workers * each
        expected = {f"worker {w} question {i}" for w in range(workers) for i in range(each)}
        assert {r.question for r in rows} == expected
        assert sorted(r.id for r in rows) == list(range(1, workers * each + 1))
        assert result.ok, result.reason
        assert result.rows_checked == workers * each

