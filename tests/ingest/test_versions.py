"""Document identity and versions (issue 14): a new version replaces the current one, a re-read
never brings an older one back, a removal restores none, a failed write changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.embedding import HashingEmbedder
from core.registry import Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from tests.ingest.helpers import ingest, outcome, write

V12 = """# Police ISA

## 1. Requests
1.1 Police requests for data must be made on form A and answered within 10 days.

1.2 Requests are logged by the station manager.
"""
V13 = V12.replace("form A and answered within 10 days", "the secure portal and answered within 5 days")
OTHER = "# Visitors\n\n1.1 Staff must not tell visitors who was seen on a Home Fire Safety Visit.\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def manifest(folder: Path, *entries: dict[str, object]) -> None:
    write(folder, "manifest.yaml", yaml.safe_dump({"documents": list(entries)}))


def texts(settings: Settings) -> str:
    return "\n".join(p.text for p in PassageStore(settings, HashingEmbedder()).all_passages())


def registry(settings: Settings) -> Registry:
    return Registry(settings.registry_path)


def bundled(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    write(corpus, "police-isa.md", V12)
    manifest(corpus, {"file": "police-isa.md", "id": "police-isa", "version": "1.2",
                      "effective_date": "2021-04-01", "kind": "agreement"})  # fmt: skip
    return corpus


def upload_v13(tmp_path: Path, name: str = "police-isa.md", **extra: object) -> Path:
    uploads = tmp_path / "uploads"
    write(uploads, name, V13)
    manifest(uploads, {"file": name, "id": "police-isa", "version": "1.3", "kind": "agreement",
                       "effective_date": "2026-10-01", "uploaded_by": "admin", **extra})  # fmt: skip
    return uploads


def current(settings: Settings) -> tuple[str, str, str]:
    with_id = registry(settings).document_by_id("police-isa")
    assert with_id is not None
    return with_id.root, with_id.source, with_id.version


def test_an_upload_of_a_new_version_replaces_it_and_a_re_read_never_brings_the_old_back(
    settings: Settings, tmp_path: Path
) -> None:
    """The sequence of issue 14: the bundled v1.2, an uploaded v1.3 of the same file name, then
    re-reading everything and removing an unrelated upload, keep v1.3."""
    corpus = bundled(tmp_path)
    ingest(settings, corpus)
    uploads = upload_v13(tmp_path)
    assert outcome(ingest(settings, uploads), "police-isa.md")[0] == "updated"
    assert current(settings) == (str(uploads.resolve()), "police-isa.md", "1.3")
    assert "secure portal" in texts(settings) and "form A" not in texts(settings)

    reread = ingest(settings, corpus, uploads)
    assert outcome(reread, str(corpus.resolve() / "police-isa.md"))[0] == "superseded"
    assert "version 1.3 is police-isa.md" in outcome(reread, str(corpus.resolve() / "police-isa.md"))[1]
    assert outcome(reread, "police-isa.md")[0] == "unchanged"

    write(uploads, "visitors.md", OTHER)
    ingest(settings, uploads)
    (uploads / "visitors.md").unlink()
    ingest(settings, uploads)
    ingest(settings, corpus, uploads)
    assert current(settings) == (str(uploads.resolve()), "police-isa.md", "1.3")
    assert "secure portal" in texts(settings) and "form A" not in texts(settings)
    versions = registry(settings).versions("police-isa")
    assert [(v.version, v.ended, v.uploaded_by) for v in versions] == [
        ("1.3", "", "admin"), ("1.2", "replaced", "")
    ]
    assert [v.version for v in registry(settings).replaced_versions("police-isa")] == ["1.2"]


def test_a_new_version_under_another_name_takes_the_old_ones_place(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = bundled(tmp_path)
    ingest(settings, corpus)
    uploads = upload_v13(tmp_path, "Police ISA v1.3.md")
    ingest(settings, uploads)
    assert [d.source for d in registry(settings).documents()] == ["Police ISA v1.3.md"]
    passages = PassageStore(settings, HashingEmbedder()).all_passages()
    # Clauses the versions share are the new version's now, not left under the old file.
    assert {(p.source, p.doc_version) for p in passages} == {("Police ISA v1.3.md", "1.3")}
    assert registry(settings).ids_of("police-isa.md") == set()
    assert "form A" not in texts(settings)


def test_removing_the_current_version_brings_no_earlier_one_back(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = bundled(tmp_path)
    ingest(settings, corpus)
    uploads = upload_v13(tmp_path)
    ingest(settings, uploads)
    (uploads / "police-isa.md").unlink()
    manifest(uploads)
    report = ingest(settings, corpus, uploads)
    assert outcome(report, "police-isa.md")[0] == "removed"
    assert outcome(report, str(corpus.resolve() / "police-isa.md"))[0] == "superseded"
    assert registry(settings).document_by_id("police-isa") is None
    assert "form A" not in texts(settings)


def test_a_file_dated_before_the_current_version_does_not_replace_it(
    settings: Settings, tmp_path: Path
) -> None:
    """The bundled corpus never overrides a newer upload: an older-dated file of the same
    document found later is recorded as an earlier version and not read."""
    uploads = upload_v13(tmp_path)
    ingest(settings, uploads)
    corpus = bundled(tmp_path)
    report = ingest(settings, corpus, uploads)
    assert outcome(report, str(corpus.resolve() / "police-isa.md"))[0] == "superseded"
    assert current(settings)[2] == "1.3"
    assert [v.version for v in registry(settings).versions("police-isa")] == ["1.3", "1.2"]


def test_two_versions_in_one_folder_keep_the_newest(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder, "isa-2021.md", V12)
    write(folder, "isa-2026.md", V13)
    manifest(folder,
             {"file": "isa-2021.md", "id": "police-isa", "version": "1.2", "effective_date": "2021-04-01"},
             {"file": "isa-2026.md", "id": "police-isa", "version": "1.3", "effective_date": "2026-10-01"})  # fmt: skip
    report = ingest(settings, folder)
    assert outcome(report, "isa-2026.md")[0] == "added"
    assert outcome(report, str(folder.resolve() / "isa-2021.md"))[0] == "superseded"
    assert current(settings)[1:] == ("isa-2026.md", "1.3")
    assert outcome(ingest(settings, folder), str(folder.resolve() / "isa-2021.md"))[0] == "superseded"


def test_files_without_an_id_get_one_from_their_name_kept_across_edits(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    path = write(folder, "Police ISA.md", V12)
    ingest(settings, folder)
    path.write_text(V13, encoding="utf-8")
    assert outcome(ingest(settings, folder), "Police ISA.md")[0] == "updated"
    (doc,) = registry(settings).documents()
    assert doc.doc_id == "police-isa"
    assert [v.ended for v in registry(settings).versions("police-isa")] == ["", "replaced"]


def power_cut(*args: object, **kwargs: object) -> None:
    """Stands in for a step of the write: the process stops there."""
    raise RuntimeError("power cut")


def test_a_write_that_fails_part_way_leaves_the_old_version_and_the_next_run_finishes(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = bundled(tmp_path)
    ingest(settings, corpus)
    uploads = upload_v13(tmp_path, "police-isa-1.3.md")

    with monkeypatch.context() as patched:
        patched.setattr(Registry, "save", power_cut)
        with pytest.raises(RuntimeError):
            ingest(settings, uploads)
    assert current(settings)[1:] == ("police-isa.md", "1.2")  # the registry did not change
    referenced = registry(settings).referenced_ids()
    stored = PassageStore(settings, HashingEmbedder()).get(sorted(referenced))
    assert {(p.source, p.doc_version) for p in stored} == {("police-isa.md", "1.2")}  # nor its passages
    report = ingest(settings, corpus, uploads)
    assert outcome(report, "police-isa-1.3.md")[0] == "updated"
    assert current(settings)[1:] == ("police-isa-1.3.md", "1.3")
    store = PassageStore(settings, HashingEmbedder())
    assert store.ids() == registry(settings).referenced_ids()
    assert {p.source for p in store.all_passages()} == {"police-isa-1.3.md"}


def test_a_crash_after_the_registry_is_written_is_finished_by_the_next_run(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped after the registry names the new version but before the clauses both versions
    share are rewritten as the new one's: the document is left marked unread, and the next run
    reads it again."""
    from ingest.pipeline import Ingester

    corpus = bundled(tmp_path)
    ingest(settings, corpus)
    uploads = upload_v13(tmp_path, "police-isa-1.3.md")

    with monkeypatch.context() as patched:
        patched.setattr(Ingester, "_note_shared", power_cut)
        with pytest.raises(RuntimeError):
            ingest(settings, uploads)
    assert registry(settings).document("police-isa-1.3.md").meta_hash == ""  # type: ignore[union-attr]
    report = ingest(settings, corpus, uploads)
    assert outcome(report, "police-isa-1.3.md")[0] == "updated"
    store = PassageStore(settings, HashingEmbedder())
    assert store.ids() == registry(settings).referenced_ids()
    assert {(p.source, p.doc_version) for p in store.all_passages()} == {("police-isa-1.3.md", "1.3")}
