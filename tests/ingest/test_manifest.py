"""The manifest is one model read safely: aliases refused with file and line, each entry's
problems reported with line and key, and one bad entry never stops the rest of the folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from core.embedding import HashingEmbedder
from core.errors import ManifestError
from core.registry import Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from ingest.manifest import DocumentEntry, read_manifest
from tests.ingest.helpers import CLAUSES, ingest, outcome, write
from tests.ingest.hostile import billion_laughs_yaml
from ui.uploads import UploadMeta, UploadRefused, save_upload

OTHER = "# Other\n\n1.1 Police may ask for data under schedule 2 of the Act.\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "good.md", CLAUSES)
    write(folder, "other.md", OTHER)
    return folder


def _manifest(folder: Path, text: str) -> Path:
    return write(folder, "manifest.yaml", text)


def test_yaml_aliases_are_refused_naming_the_file_and_line(
    corpus: Path, settings: Settings
) -> None:
    _manifest(corpus, billion_laughs_yaml())
    with pytest.raises(ManifestError) as refused:
        ingest(settings, corpus)
    assert str(refused.value).startswith("corpus/manifest.yaml line 1: YAML anchors and aliases")
    assert refused.value.line == 1
    # Read before anything was changed: the store and registry are as they were (empty).
    assert Registry(settings.registry_path).documents() == []


def test_an_alias_is_refused_where_it_is_used(tmp_path: Path) -> None:
    path = _manifest(tmp_path, "documents:\n  - file: a.md\n    parties: *who\n")
    with pytest.raises(ManifestError, match=r"manifest.yaml line 3: YAML anchors and aliases"):
        read_manifest(path)


def test_a_misspelt_key_is_reported_with_line_and_key_and_the_rest_ingests(
    corpus: Path, settings: Settings
) -> None:
    _manifest(
        corpus,
        "documents:\n"
        "  - file: good.md\n"
        "    kind: agreement\n"
        "    reveiw_date: 2027-01-31\n"
        "  - file: other.md\n"
        "    title: Other agreement\n"
        "    kind: agreement\n",
    )
    report = ingest(settings, corpus)
    status, reason = outcome(report, "good.md")
    assert status == "failed"
    assert reason == (
        "manifest entry not usable (line 4: unknown key 'reveiw_date' (did you mean "
        "'review_date'?)); fix corpus/manifest.yaml and ingest again"
    )
    assert outcome(report, "other.md")[0] == "added"
    titles = {p.title for p in PassageStore(settings, HashingEmbedder()).all_passages()}
    assert titles == {"Other agreement"}


def test_a_bad_kind_fails_only_its_own_file(corpus: Path, settings: Settings) -> None:
    _manifest(
        corpus,
        "documents:\n  - file: good.md\n    kind: agrement\n  - file: other.md\n    kind: policy\n",
    )
    report = ingest(settings, corpus)
    status, reason = outcome(report, "good.md")
    assert status == "failed"
    assert "line 3: kind 'agrement' is not one of charter, agreement, guidance" in reason
    assert outcome(report, "other.md")[0] == "added"
    assert report.exit_code == 0


def test_a_file_whose_entry_breaks_keeps_what_was_stored(corpus: Path, settings: Settings) -> None:
    _manifest(corpus, "documents:\n  - file: good.md\n    kind: agreement\n")
    ingest(settings, corpus)
    _manifest(corpus, "documents:\n  - file: good.md\n    kind: agrement\n")
    report = ingest(settings, corpus)
    assert outcome(report, "good.md")[0] == "failed"
    kinds = {p.kind for p in PassageStore(settings, HashingEmbedder()).all_passages()}
    assert kinds == {"agreement", "other"}  # good.md as stored before, other.md inferred


def test_entries_naming_no_file_or_a_missing_or_outside_file_are_reported(
    corpus: Path, settings: Settings
) -> None:
    _manifest(
        corpus,
        "documents:\n"
        "  - title: An agreement without its file\n"
        "  - file: gone.md\n"
        "  - file: ../../etc/passwd\n"
        "  - file: README.md\n",
    )
    write(corpus, "README.md", "# About this folder\n")
    report = ingest(settings, corpus)
    assert report.problems == [
        "corpus/manifest.yaml line 2: entry: names no file: add 'file: NAME'",
        "corpus/manifest.yaml line 4: entry for ../../etc/passwd: file '../../etc/passwd' is "
        "outside the manifest's folder; name a file inside it",
        "corpus/manifest.yaml: entry for gone.md: no such file in the folder",
        "corpus/manifest.yaml: entry for README.md: that file is not read "
        "(README describes the folder)",
    ]
    assert outcome(report, "good.md")[0] == "added"
    assert outcome(report, "other.md")[0] == "added"


def test_a_file_listed_twice_is_not_guessed_between(corpus: Path, settings: Settings) -> None:
    _manifest(
        corpus,
        "documents:\n  - file: good.md\n    version: '1'\n  - file: good.md\n    version: '2'\n",
    )
    report = ingest(settings, corpus)
    assert outcome(report, "good.md") == (
        "failed",
        "manifest entry not usable (line 4: file is listed twice (first at line 2); keep one "
        "entry); fix corpus/manifest.yaml and ingest again",
    )
    assert outcome(report, "other.md")[0] == "added"


def test_toml_manifests_are_checked_by_the_same_model(corpus: Path, settings: Settings) -> None:
    write(
        corpus,
        "manifest.toml",
        '[[documents]]\nfile = "good.md"\nkind = "policy"\n\n'
        '[[documents]]\nfile = "other.md"\nkinds = "policy"\n',
    )
    report = ingest(settings, corpus)
    assert outcome(report, "good.md")[0] == "added"
    status, reason = outcome(report, "other.md")
    assert (status, "unknown key 'kinds' (did you mean 'kind'?)" in reason) == ("failed", True)


def test_the_bundled_manifest_reads_without_problems() -> None:
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    manifest = read_manifest(corpus / "manifest.yaml")
    assert manifest.problems == []
    assert manifest.entries["police-isa.md"].review_date == "2024-03-31"
    assert manifest.entries["humber-information-sharing-charter.pdf"].version == "3.0"


def test_uploads_write_entries_with_the_same_model(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    with pytest.raises(UploadRefused, match="kind: 'agrement' is not one of charter"):
        save_upload(uploads, "isa.md", b"# ISA", UploadMeta(kind="agrement"))
    save_upload(uploads, "isa.md", b"# ISA", UploadMeta("ISA", "agreement", "2"))
    manifest = read_manifest(uploads / "manifest.yaml")
    assert manifest.problems == []
    assert manifest.entries["isa.md"] == DocumentEntry(
        file="isa.md", title="ISA", kind="agreement", version="2"
    )


def test_uploads_refuse_to_rewrite_a_manifest_with_aliases(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    _manifest(uploads, billion_laughs_yaml())
    with pytest.raises(UploadRefused, match="manifest.yaml line 1: YAML anchors and aliases"):
        save_upload(uploads, "isa.md", b"# ISA", UploadMeta())
    assert not (uploads / "isa.md").exists()
    assert "&a0" in (uploads / "manifest.yaml").read_text()


def test_an_upload_keeps_the_other_entries_as_written(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    _manifest(uploads, "documents:\n  - file: old.md\n    reveiw_date: 2027-01-01\n")
    save_upload(uploads, "new.md", b"# New", UploadMeta())
    rows = yaml.safe_load((uploads / "manifest.yaml").read_text())["documents"]
    assert rows == [
        {"file": "old.md", "reveiw_date": date(2027, 1, 1)},  # reported at ingest, kept as written
        {"file": "new.md", "kind": "other"},
    ]
