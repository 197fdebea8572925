"""One document in two formats is stored once; the other file is reported as its duplicate."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from core.embedding import HashingEmbedder
from core.registry import Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from ingest import duplicates
from ingest.duplicates import (
    DUPLICATE_MIN_JACCARD,
    Fingerprint,
    fingerprint_of,
    keep_order,
    similarity,
)
from ingest.report import duplicates_table, summary_table
from tests.ingest.helpers import CLAUSES, ingest, outcome, write

PARTIES = ["the fire service", "the police", "adult social care", "the council", "the NHS trust"]
ACTS = ["may share", "must record", "will review", "must not disclose", "should confirm"]
THINGS = ["referral details", "risk information", "incident reports", "contact numbers",
          "safeguarding concerns", "visit records", "consent decisions"]  # fmt: skip
WHEN = ["within 24 hours", "on the same working day", "before each joint visit",
        "after a serious incident", "at every annual review"]  # fmt: skip


def clauses(seed: int, count: int = 30) -> list[str]:
    """Numbered clauses of an agreement, different for each seed."""
    pick = random.Random(seed).choice
    return [
        f"{n}.1 {pick(PARTIES).capitalize()} {pick(ACTS)} {pick(THINGS)} with {pick(PARTIES)} "
        f"{pick(WHEN)}, and {pick(PARTIES)} {pick(ACTS)} {pick(THINGS)} {pick(WHEN)}."
        for n in range(1, count + 1)
    ]


def as_markdown(title: str, body: list[str]) -> str:
    return f"# {title}\n\n" + "\n\n".join(body) + "\n"


def as_text(title: str, body: list[str]) -> str:
    return f"{title}\n\n" + "\n\n".join(body) + "\n"


def as_html(title: str, body: list[str]) -> str:
    paragraphs = "".join(f"<p>{clause}</p>" for clause in body)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{paragraphs}</body></html>"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def sources(settings: Settings) -> set[str]:
    """Every file named by a stored passage, as its home or in `also_in`."""
    passages = PassageStore(settings, HashingEmbedder()).all_passages()
    return {s for p in passages for s in (p.source, *p.also_in)}


# -- fingerprints -------------------------------------------------------------------------------
def test_the_same_text_scores_one_and_different_texts_near_zero() -> None:
    text = as_text("Agreement", clauses(1))
    assert similarity(fingerprint_of(text), fingerprint_of(text.upper())) == 1.0
    assert similarity(fingerprint_of(text), fingerprint_of(CLAUSES)) < 0.05
    # Clauses written from one template share phrases, yet stay well apart.
    assert similarity(fingerprint_of(text), fingerprint_of(as_text("Other", clauses(2)))) < 0.5


def test_a_sampled_fingerprint_estimates_the_exact_similarity() -> None:
    base = " ".join(clauses(3, count=400))
    edited = base.replace("within 24 hours", "within two days")
    sampled = similarity(fingerprint_of(base), fingerprint_of(edited))
    exact = similarity(
        Fingerprint(1, frozenset(duplicates._hash(s) for s in _shingles(base))),
        Fingerprint(1, frozenset(duplicates._hash(s) for s in _shingles(edited))),
    )
    assert fingerprint_of(base).sample == duplicates.SAMPLE_EVERY
    assert abs(sampled - exact) < 0.05


def _shingles(text: str) -> list[str]:
    words = duplicates._WORD.findall(text.lower())
    return [" ".join(words[i : i + duplicates.SHINGLE_WORDS]) for i in range(len(words) - 4)]


def test_fingerprints_survive_storage() -> None:
    stored = fingerprint_of(" ".join(clauses(4, count=300)))
    assert Fingerprint.from_bytes(stored.to_bytes()) == stored


def test_originals_are_kept_before_derived_text_then_by_name() -> None:
    names = ["notes.txt", "b.md", "z.pdf", "a.docx", "m.html", "a.doc"]
    assert sorted(names, key=keep_order) == ["a.doc", "a.docx", "m.html", "z.pdf", "b.md", "notes.txt"]


# -- ingest -------------------------------------------------------------------------------------
def test_a_text_and_markdown_copy_is_stored_once(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    body = clauses(5)
    write(folder, "agreement.md", as_markdown("Referral Agreement", body))
    write(folder, "agreement.txt", as_text("Referral Agreement", body))
    report = ingest(settings, folder)
    assert outcome(report, "agreement.md")[0] == "added"
    status, reason = outcome(report, "agreement.txt")
    assert status == "duplicate" and reason.startswith("duplicate of agreement.md (similarity ")
    assert sources(settings) == {"agreement.md"}
    noted = Registry(settings.registry_path).duplicates()
    assert [(d.source, d.duplicate_of) for d in noted] == [("agreement.txt", "agreement.md")]
    assert noted[0].similarity >= DUPLICATE_MIN_JACCARD
    assert [d.source for d in Registry(settings.registry_path).documents()] == ["agreement.md"]


def test_the_original_format_is_kept_before_a_text_extract_that_sorts_first(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    body = clauses(6)
    write(folder, "a-extract.txt", as_text("Police Agreement", body))
    write(folder, "police-agreement.html", as_html("Police Agreement", body))
    report = ingest(settings, folder)
    assert outcome(report, "police-agreement.html")[0] == "added"
    status, reason = outcome(report, "a-extract.txt")
    assert status == "duplicate" and reason.startswith("duplicate of police-agreement.html")
    assert sources(settings) == {"police-agreement.html"}


def test_two_different_documents_are_both_kept(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "charter.md", as_markdown("Charter", clauses(7)))
    write(folder, "police.txt", as_text("Police Agreement", clauses(8)))
    report = ingest(settings, folder)
    assert {o.status for o in report.outcomes} == {"added"}
    assert sources(settings) == {"charter.md", "police.txt"}
    assert Registry(settings.registry_path).duplicates() == []


def test_a_rerun_skips_both_and_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    body = clauses(9)
    write(folder, "isa.html", as_html("ISA", body))
    write(folder, "isa.txt", as_text("ISA", body))
    ingest(settings, folder)
    report = ingest(settings, folder)
    assert outcome(report, "isa.html")[0] == "unchanged"
    assert outcome(report, "isa.txt")[0] == "duplicate"
    assert report.passages_written == 0
    assert sources(settings) == {"isa.html"}


def test_when_the_kept_copy_goes_the_duplicate_is_ingested(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    body = clauses(10)
    kept = write(folder, "isa.html", as_html("ISA", body))
    write(folder, "isa.txt", as_text("ISA", body))
    ingest(settings, folder)
    kept.unlink()
    report = ingest(settings, folder)
    assert outcome(report, "isa.html")[0] == "removed"
    assert outcome(report, "isa.txt")[0] == "added"
    assert sources(settings) == {"isa.txt"}
    assert Registry(settings.registry_path).duplicates() == []


def test_a_removed_duplicate_is_forgotten(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    body = clauses(11)
    write(folder, "isa.html", as_html("ISA", body))
    copy = write(folder, "isa.txt", as_text("ISA", body))
    ingest(settings, folder)
    copy.unlink()
    report = ingest(settings, folder)
    assert outcome(report, "isa.txt") == ("removed", "")
    assert outcome(report, "isa.html")[0] == "unchanged"
    assert Registry(settings.registry_path).duplicates() == []


def test_an_original_added_later_replaces_its_stored_extract(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    body = clauses(12)
    write(folder, "isa.txt", as_text("ISA", body))
    ingest(settings, folder)
    write(folder, "isa.html", as_html("ISA", body))
    report = ingest(settings, folder)
    assert outcome(report, "isa.html")[0] == "added"
    assert outcome(report, "isa.txt")[0] == "duplicate"
    assert sources(settings) == {"isa.html"}
    assert [d.source for d in Registry(settings.registry_path).documents()] == ["isa.html"]


def test_a_store_from_before_duplicates_loses_the_extract_on_reingest(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older store holds both copies and no fingerprints; the next ingest reads both again
    and drops the extract's passages, those it shared with the original included."""
    folder = tmp_path / "docs"
    body = clauses(13)
    write(folder, "isa.md", as_markdown("ISA", body))
    write(folder, "isa.txt", as_text("ISA", body))
    with monkeypatch.context() as before:
        before.setattr(duplicates.KeptDocuments, "matches", lambda *_: [])
        ingest(settings, folder)
    registry = Registry(settings.registry_path)
    registry.db.execute("DELETE FROM fingerprints")
    assert sources(settings) == {"isa.md", "isa.txt"}
    report = ingest(settings, folder)
    assert outcome(report, "isa.md")[0] == "updated"
    assert outcome(report, "isa.txt")[0] == "duplicate"
    assert sources(settings) == {"isa.md"}
    assert registry.ids_of("isa.txt") == set()
    assert PassageStore(settings, HashingEmbedder()).ids() == registry.referenced_ids()


def test_the_summary_counts_duplicates_and_names_their_kept_copy(
    settings: Settings, tmp_path: Path
) -> None:
    from rich.console import Console

    folder = tmp_path / "docs"
    body = clauses(14)
    write(folder, "isa.html", as_html("ISA", body))
    write(folder, "isa.txt", as_text("ISA", body))
    report = ingest(settings, folder)
    console = Console(width=200, record=True)
    console.print(summary_table(report))
    console.print(duplicates_table(report))
    shown = console.export_text()
    assert "duplicate" in shown
    assert "isa.txt" in shown and "duplicate of isa.html" in shown
    assert report.exit_code == 0
