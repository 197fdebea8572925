"""Only regular files inside a folder are read; every other file found is named with why, and a
document name belongs to one file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.console import Console

from core.embedding import HashingEmbedder
from core.settings import Settings
from core.vectorstore import PassageStore
from ingest.discovery import survey
from ingest.report import skipped_table, summary_table
from tests.ingest.helpers import CLAUSES, ingest, outcome, write

OTHER = "# Other\n\n1.1 Police may ask for data under schedule 2 of the Act.\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "good.md", CLAUSES)
    return folder


def _texts(settings: Settings) -> str:
    return "\n".join(p.text for p in PassageStore(settings, HashingEmbedder()).all_passages())


def test_a_link_to_etc_passwd_is_refused_and_named(corpus: Path, settings: Settings) -> None:
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "elsewhere").symlink_to("/etc", target_is_directory=True)
    report = ingest(settings, corpus)
    status, reason = outcome(report, "passwd.txt")
    assert status == "skipped"
    assert reason.startswith("symbolic link (to /etc/passwd); links are not followed")
    assert outcome(report, "elsewhere/")[0] == "skipped"
    assert outcome(report, "good.md")[0] == "added"
    assert "root:" not in _texts(settings)
    assert {o.source for o in report.outcomes} == {"passwd.txt", "elsewhere/", "good.md"}


def test_a_stored_file_replaced_by_a_link_leaves_the_store(corpus: Path, settings: Settings) -> None:
    other = write(corpus, "other.md", OTHER)
    ingest(settings, corpus)
    other.unlink()
    other.symlink_to(corpus / "good.md")
    report = ingest(settings, corpus)
    assert outcome(report, "other.md")[0] in {"removed", "skipped"}
    assert [o.status for o in report.outcomes if o.source == "other.md"] == ["skipped", "removed"]
    assert "Police may ask" not in _texts(settings)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (".secret.md", "hidden file"),
        (".git/config.md", "hidden folder"),
        ("README.md", "README describes the folder"),
        ("sub/LICENSE.txt", "LICENSE describes the folder"),
        ("setup.exe", "unsupported type .exe"),
        ("Makefile", "unsupported type (no extension)"),
    ],
)
def test_each_skipped_file_is_named_with_why(
    corpus: Path, settings: Settings, name: str, reason: str
) -> None:
    write(corpus, name, "1.1 Not a document to ingest.\n")
    report = ingest(settings, corpus)
    shown = ".git/" if name.startswith(".git/") else name
    assert outcome(report, shown) == ("skipped", reason)
    assert outcome(report, "good.md")[0] == "added"
    assert report.exit_code == 0
    console = Console(record=True, width=200)
    console.print(summary_table(report), skipped_table(report))
    printed = console.export_text()
    assert shown in printed and reason in printed


def test_a_fifo_is_skipped_rather_than_read_forever(corpus: Path, settings: Settings) -> None:
    os.mkfifo(corpus / "pipe.txt")
    report = ingest(settings, corpus)
    assert outcome(report, "pipe.txt") == ("skipped", "not a regular file")
    assert outcome(report, "good.md")[0] == "added"


def test_the_manifest_in_use_is_not_listed_as_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "manifest.yaml", "documents: []\n")
    write(folder, "manifest-old.yaml", "documents: []\n")
    write(folder, "a.md", CLAUSES)
    found = survey([folder])
    assert [f.source for f in found.files] == ["a.md"]
    assert [(s.source, s.reason) for s in found.skipped] == [
        ("manifest-old.yaml", "MANIFEST describes the folder")
    ]


def test_two_folders_with_one_file_name_do_not_overwrite_each_other(
    tmp_path: Path, settings: Settings
) -> None:
    first, second = tmp_path / "charter", tmp_path / "uploads"
    write(first, "isa.md", CLAUSES)
    write(second, "isa.md", OTHER)
    report = ingest(settings, first, second)
    assert outcome(report, "isa.md")[0] == "added"
    assert outcome(report, str(second / "isa.md")) == (
        "failed",
        f"{first.resolve()} already holds a document named isa.md; rename this file "
        "(each document needs its own name) or give it that document's id to make it a new version",
    )
    assert "Police may ask" not in _texts(settings)
    # Ingested on its own later, the second folder still does not replace the first's document.
    again = ingest(settings, second)
    assert outcome(again, str(second / "isa.md"))[0] == "failed"
    assert "secure email" in _texts(settings) and "Police may ask" not in _texts(settings)


def test_a_moved_folder_keeps_its_document_names(tmp_path: Path, settings: Settings) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write(old, "isa.md", CLAUSES)
    ingest(settings, old)
    old.rename(new)
    report = ingest(settings, new)
    assert outcome(report, "isa.md")[0] == "updated"


def test_a_folder_named_twice_is_read_once(corpus: Path, settings: Settings) -> None:
    report = ingest(settings, corpus, corpus / ".." / corpus.name)
    assert [o.source for o in report.outcomes] == ["good.md"]
