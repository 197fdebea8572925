"""Verified answers: storage (SQLite, and PostgreSQL when SHARECHECK_TEST_PG_URL is set), the
same-question guard, withholding after a document change, re-approval, export, and serving
through the ask service on the bundled corpus with the real model."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.compose import build
from core.embedding import HashingEmbedder, MiniLMEmbedder
from core.passage import Passage
from core.registry import DocumentRecord, Registry
from core.settings import Settings
from eval.paraphrases import SETS, load, score
from governance.export import VERIFIED_CSV_COLUMNS, export_verified
from governance.migrations import MIGRATIONS
from governance.same_question import SERVE_AT_OR_ABOVE, difference
from governance.verified import (
    ILLUSTRATIVE_BANK,
    VerifiedBank,
    VerifiedCitation,
    VerifiedError,
    withheld_reasons,
)
from governance.verified_lookup import VerifiedLookup, question_vector

QUESTION = "Can the police share with us the names of people at risk of arson?"
PASSAGE = Passage(
    text="The Police may share with HFRS details of people who have received threats of arson.",
    source="police-isa.md", title="Police ISA", kind="agreement", clause="3.2", doc_hash="h1",
)  # fmt: skip
CITATION = VerifiedCitation(1, "police-isa.md", "Police ISA", "3.2", PASSAGE.id, "h1")
BOTTOM_LINE = "Yes. The Police may share details of people at risk of arson [1] (3.2)."


def publish(bank: VerifiedBank, question: str = QUESTION, embedder: object = None) -> int:
    model = embedder or HashingEmbedder()
    return bank.publish(
        question=question, vector=question_vector(model, question),  # type: ignore[arg-type]
        embedder=model.name, verdict="yes", bottom_line=BOTTOM_LINE,  # type: ignore[attr-defined]
        citations=[CITATION], reviewer_id="gov-1", answer_id=7,
    ).verified_id  # fmt: skip


@pytest.fixture
def bank() -> Iterator[VerifiedBank]:
    with VerifiedBank.open(Settings()) as opened:
        yield opened


# --- the same-question guard -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verified", "asked", "why"),
    [
        ("Can I tell the police about the fire?", "Can the police tell us about the fire?", "who acts"),
        ("Can I share without consent?", "Can I share with consent?", "negation"),
        ("Can I send photos to the police?", "Can I send photos to the council?", "party"),
        ("Does the charter allow this?", "Does the police ISA allow this?", "document"),
        ("Can I share this with the police?", "Do I have to share this with the police?", "modality"),
        ("Can I send it by WhatsApp?", "Can I send it by secure email?", "channel"),
        ("She withdrew consent after the referral.", "She withdrew consent before the referral.", "order"),
        ("Report within 24 hours?", "Report within 72 hours?", "number"),
        (
            "Can I refer an adult to Adult Social Care without their consent if their hoarding blocks the only way out?",
            "Can I refer someone to adult social care without their consent?",
            "condition",
        ),
    ],
)
def test_the_guard_names_what_makes_a_different_question(verified: str, asked: str, why: str) -> None:
    assert difference(verified, asked).startswith(why)


@pytest.mark.parametrize(
    ("verified", "asked"),
    [
        (QUESTION, "Are the police allowed to give us names of people at risk of arson?"),
        ("Can I send a Safe and Well referral by WhatsApp?", "Can I use WhatsApp to send a safe and well referral?"),
        ("Within how many hours must a breach be reported to the ICO?", "How quickly does a breach have to be reported to the ICO?"),
    ],
)  # fmt: skip
def test_the_guard_lets_a_paraphrase_through(verified: str, asked: str) -> None:
    assert difference(verified, asked) == ""


def test_no_trap_of_the_paraphrase_sets_is_served(embedder: MiniLMEmbedder) -> None:
    """The serving threshold's origin: precision 1.0 on both paraphrase sets."""
    for path in SETS:
        found = score(load(path, embedder), SERVE_AT_OR_ABOVE)
        assert found.traps_served == 0, path.name
        assert found.recall >= 0.3, (path.name, found.recall)  # measured 0.38 and 0.30


# --- storage -----------------------------------------------------------------------------------


def test_the_migration_is_numbered_after_the_others() -> None:
    """Numbered in order without gaps, so a database at m002 gets m003 and everything after it."""
    names = [m.__name__ for m in MIGRATIONS]
    assert names.index("m003_verified_answers") == 2
    assert [int(name[1:4]) for name in names] == list(range(1, len(names) + 1))


def test_publish_stores_the_question_citations_hashes_reviewer_and_date(bank: VerifiedBank) -> None:
    verified_id = publish(bank)
    (stored,) = bank.standing()
    assert (stored.verified_id, stored.version, stored.action) == (verified_id, 1, "published")
    assert (stored.question, stored.reviewer_id, stored.answer_id) == (QUESTION, "gov-1", 7)
    assert stored.citations == (CITATION,)
    assert stored.vector.dtype == np.float32 and stored.vector.shape == (384,)
    assert stored.sealed


def test_rows_are_append_only(bank: VerifiedBank) -> None:
    publish(bank)
    path = Settings().log_database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        for sql in ("UPDATE verified_answers SET verdict = 'no'", "DELETE FROM verified_answers"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"verdict": "maybe"}, "verdict must be one of"),
        ({"bottom_line": " ".join(["word"] * 61)}, "61 words"),
        ({"bottom_line": "Yes [2]."}, r"cites \[2\]"),
        ({"citations": []}, "at least one passage"),
    ],
)
def test_publish_refuses_what_would_mislead(bank: VerifiedBank, change: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "question": QUESTION, "vector": np.ones(384, np.float32), "embedder": "e",
        "verdict": "yes", "bottom_line": BOTTOM_LINE, "citations": [CITATION], "reviewer_id": "g",
    }  # fmt: skip
    with pytest.raises(VerifiedError, match=message):
        bank.publish(**(arguments | change))  # type: ignore[arg-type]


def test_a_changed_or_removed_document_withholds_and_reapproval_pins_the_new_hash(
    bank: VerifiedBank,
) -> None:
    verified_id = publish(bank)
    answer = bank.get(verified_id)
    assert answer is not None
    assert withheld_reasons(answer, {"police-isa.md": "h1"}, {PASSAGE.id}) == []
    assert withheld_reasons(answer, {"police-isa.md": "h2"}, {PASSAGE.id}) == [
        "police-isa.md changed (checked at h1, now h2)"
    ]
    assert withheld_reasons(answer, {}, set()) == ["police-isa.md was removed"]
    assert "no longer in police-isa.md" in withheld_reasons(answer, {"police-isa.md": "h1"}, set())[0]
    with pytest.raises(VerifiedError, match="no longer in"):
        bank.reapprove(verified_id, {"police-isa.md": "h2"}, set(), "gov-2")
    renewed = bank.reapprove(verified_id, {"police-isa.md": "h2"}, {PASSAGE.id}, "gov-2")
    assert (renewed.version, renewed.action, renewed.reviewer_id) == (2, "reapproved", "gov-2")
    assert renewed.citations[0].doc_hash == "h2"
    assert withheld_reasons(renewed, {"police-isa.md": "h2"}, {PASSAGE.id}) == []
    assert [v.version for v in bank.history(verified_id)] == [1, 2]


def test_a_row_edited_in_the_database_is_withheld(bank: VerifiedBank) -> None:
    answer = bank.get(publish(bank))
    assert answer is not None
    edited = replace(answer, bottom_line="Yes, always.")
    assert not edited.sealed
    assert withheld_reasons(edited, {"police-isa.md": "h1"}, {PASSAGE.id})[0].startswith(
        "its stored row"
    )


def test_withdrawn_answers_stop_standing(bank: VerifiedBank) -> None:
    verified_id = publish(bank)
    bank.withdraw(verified_id, "gov-2")
    assert bank.standing() == []
    assert bank.standing(include_withdrawn=True)[0].action == "withdrawn"
    with pytest.raises(VerifiedError, match="withdrawn"):
        bank.reapprove(verified_id, {"police-isa.md": "h1"}, {PASSAGE.id}, "gov-2")


def test_export_writes_every_version(bank: VerifiedBank) -> None:
    verified_id = publish(bank)
    bank.reapprove(verified_id, {"police-isa.md": "h2"}, {PASSAGE.id}, "gov-2")
    out = io.StringIO()
    assert export_verified(bank.versions(), "csv", out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(VERIFIED_CSV_COLUMNS)
    assert [r["action"] for r in rows] == ["published", "reapproved"]
    assert rows[0]["citations"].startswith("[1] Police ISA, clause 3.2 (police-isa.md, passage")
    lines = io.StringIO()
    export_verified(bank.versions(), "jsonl", lines)
    first = json.loads(lines.getvalue().splitlines()[0])
    assert first["citations"][0]["doc_hash"] == "h1" and "vector" not in first


# --- the lookup, with the test embedder ----------------------------------------------------------


def _lookup(bank: VerifiedBank, documents: dict[str, str]) -> VerifiedLookup:
    records = [
        DocumentRecord(s, "corpus", h, "m", s, "agreement", "", "", "", (), 1, "")
        for s, h in documents.items()
    ]  # fmt: skip
    return VerifiedLookup(
        bank, HashingEmbedder(), lambda: records,
        lambda ids: [PASSAGE] if PASSAGE.id in ids else [], bank_file=None,
    )  # fmt: skip


def test_the_lookup_serves_the_same_question_and_withholds_after_a_change(bank: VerifiedBank) -> None:
    publish(bank)
    assert _lookup(bank, {"police-isa.md": "h1"}).find(QUESTION) is not None
    assert _lookup(bank, {"police-isa.md": "h1"}).find(
        "Can we share with the police the names of people at risk of arson?"
    ) is None  # fmt: skip
    assert _lookup(bank, {"police-isa.md": "h2"}).find(QUESTION) is None


# --- PostgreSQL --------------------------------------------------------------------------------

PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")


@pytest.mark.skipif(not PG_URL, reason="SHARECHECK_TEST_PG_URL is not set")
def test_the_migration_and_bank_work_on_postgres(tmp_path: Path) -> None:
    import psycopg

    from tests.governance.test_log_postgres import libpq_url, with_schema

    schema = f"sharecheck_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(PG_URL), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    try:
        settings = Settings(data_dir=tmp_path, log_url=with_schema(PG_URL, schema))
        with VerifiedBank.open(settings) as bank:
            verified_id = publish(bank)
            bank.reapprove(verified_id, {"police-isa.md": "h2"}, {PASSAGE.id}, "gov-2")
            (standing,) = bank.standing()
            assert (standing.version, standing.citations[0].doc_hash) == (2, "h2")
            assert standing.sealed and standing.vector.shape == (384,)
        with psycopg.connect(libpq_url(settings.log_url or "")) as conn:
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute("UPDATE verified_answers SET verdict = 'no'")
    finally:
        with psycopg.connect(libpq_url(PG_URL), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]


# --- served through the ask service: the bundled corpus, its illustrative bank, the real model --


@pytest.fixture
def bundled_copy(bundled_store: Settings, tmp_path: Path) -> Settings:
    target = tmp_path / "bundled"
    shutil.copytree(bundled_store.data_dir, target,
                    ignore=shutil.ignore_patterns("write.lock*", "log.sqlite*", "users.sqlite*"))  # fmt: skip
    return Settings(data_dir=target)


def test_a_paraphrase_gets_the_verified_answer_and_a_trap_does_not(
    bundled_copy: Settings, embedder: MiniLMEmbedder
) -> None:
    with build(bundled_copy, embedder) as parts:
        served = parts.assistant.ask("Is it OK to send a safe and well referral over WhatsApp?")
        trap = parts.assistant.ask("Can I send a Safe and Well referral by secure email?")
        assert parts.verified is not None
        assert len(parts.verified.standing()) == 4  # the illustrative bank, loaded on first ask
        logged = parts.log.get(served.log_id) if parts.log and served.log_id else None
    assert served.text.startswith("_Reviewed by governance on 1 December 2026 (illustrative")
    assert (served.verdict, served.prompt_id) == ("no", "verified:V2.1")
    assert served.bottom_line.startswith("No. Referrals and photographs must never be sent")
    assert [(c.passage.source, c.passage.clause) for c in served.citations] == [
        ("safe-and-well-referral-isa.docx", "6.4")
    ]
    assert "Referrals and photographs must never" in served.citations[0].passage.text
    assert list(served.to_json()) == [
        "question", "answer", "abstained", "mode", "verdict", "bottom_line", "elapsed_ms",
        "citations",
    ]  # fmt: skip
    assert logged is not None and logged.prompt_id == "verified:V2.1"
    assert not trap.prompt_id.startswith("verified:")


def test_a_changed_document_withholds_until_reapproved(
    bundled_copy: Settings, embedder: MiniLMEmbedder
) -> None:
    question = "Can I use WhatsApp to send a safe and well referral?"
    source = "safe-and-well-referral-isa.docx"
    with build(bundled_copy, embedder) as parts:
        assert parts.assistant.ask(question).prompt_id.startswith("verified:")
        registry = Registry(bundled_copy.registry_path)
        document = registry.document(source)
        assert document is not None
        registry.save(replace(document, doc_hash="edited"), registry.ids_of(source))
        withheld = parts.assistant.ask(question)
        assert not withheld.prompt_id.startswith("verified:")
        from ui.review import withheld as listed

        impact = listed(parts.verified, bundled_copy)  # type: ignore[arg-type]
        assert {w.answer.bank_key for w in impact} == {
            "illustrative-whatsapp-referral", "illustrative-wrong-address",
            "illustrative-refused-hoarding",
        }  # fmt: skip
        whatsapp = next(w for w in impact if w.answer.bank_key == "illustrative-whatsapp-referral")
        assert whatsapp.reapprovable
        hashes = {d.source: d.doc_hash for d in registry.documents()}
        assert parts.verified is not None
        parts.verified.reapprove(whatsapp.answer.verified_id, hashes, registry.referenced_ids(), "gov")
        registry.close()
        again = parts.assistant.ask(question)
    assert again.prompt_id == f"verified:V{whatsapp.answer.verified_id}.2"
    assert again.text.startswith("_Reviewed by governance on ")


def test_the_bank_is_not_loaded_where_its_documents_are_not(bank: VerifiedBank) -> None:
    assert bank.load_bank(ILLUSTRATIVE_BANK, {"police-isa.md": "other"}, lambda q: (np.ones(3), "e")) == []


def test_the_log_cli_exports_verified_answers(bank: VerifiedBank, tmp_path: Path) -> None:
    from governance.cli import run_log_command

    publish(bank)
    out = tmp_path / "verified.jsonl"
    args = argparse.Namespace(
        log_command="export", format="jsonl", out=out, since=None, until=None, verified=True
    )
    assert run_log_command(args, Settings()) == 0
    assert json.loads(out.read_text().splitlines()[0])["action"] == "published"
