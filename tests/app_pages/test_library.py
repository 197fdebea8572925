"""The Library page: everyone sees the documents; administrators add, remove and re-read them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from core.registry import Registry
from core.settings import Settings
from eval import stack
from tests.app_pages.conftest import PROJECT

pytestmark = pytest.mark.slow
PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")
AppFor = Callable[..., AppTest]

UPLOAD = b"""# Station visitors protocol

## 1 Visitors

1.1 Staff must not tell visitors to the station who was seen on a Home Fire Safety Visit.
"""


def library(app_for: AppFor, role: str) -> AppTest:
    at = app_for(role).run()
    at.switch_page("app_pages/library.py").run()
    assert not at.exception
    return at


def sources() -> list[str]:
    return [d.source for d in Registry(Settings().registry_path).documents()]


def test_everyone_sees_the_documents_and_which_are_past_review(
    data_dir: Path, app_for: AppFor
) -> None:
    at = library(app_for, "staff")
    table = at.dataframe[0].value
    assert len(table) == 4
    police = table[table["File"] == "police-isa.md"].iloc[0]
    assert bool(police["Past review"]) and police["Review date"] == "2024-03-31"
    assert any("passed their review date" in w.value for w in at.warning)
    assert not at.tabs  # no document management for staff


def test_an_admin_uploads_a_document_with_its_details_and_it_is_read(
    data_dir: Path, app_for: AppFor
) -> None:
    at = library(app_for, "admin")
    at.file_uploader[0].set_value(("visitors.md", UPLOAD, "text/markdown"))
    at.text_input[0].set_value("Station visitors protocol")
    at.selectbox[1].set_value("policy")  # [0]: a new document or a new version of one
    at.text_input[1].set_value("1.0")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert any(s.value == "Documents updated." for s in at.success)
    assert len(at.dataframe[0].value) == 5
    assert "visitors.md" in sources()
    manifest = yaml.safe_load((data_dir / "uploads" / "manifest.yaml").read_text())
    assert manifest["documents"] == [
        {"file": "visitors.md", "kind": "policy", "title": "Station visitors protocol",
         "version": "1.0", "uploaded_by": "test-admin"}
    ]  # fmt: skip


def test_an_admin_removes_an_uploaded_document_and_its_passages(
    data_dir: Path, app_for: AppFor
) -> None:
    at = library(app_for, "admin")
    at.file_uploader[0].set_value(("visitors.md", UPLOAD, "text/markdown"))
    at.form_submit_button[0].click().run()
    assert "visitors.md" in sources()
    remove = at.tabs[1]
    remove.selectbox[0].set_value("visitors.md")
    remove.checkbox[0].check()
    remove.button[0].click().run()
    assert not at.exception
    assert "visitors.md" not in sources()
    assert not (data_dir / "uploads" / "visitors.md").exists()
    assert len(at.dataframe[0].value) == 4


def test_an_admin_re_reads_every_document(data_dir: Path, app_for: AppFor) -> None:
    at = library(app_for, "admin")
    next(b for b in at.button if b.label == "Re-read all documents").click().run()
    assert not at.exception
    assert any("4 unchanged" in c.value for c in at.caption)


def test_an_admin_uploads_a_new_version_and_a_re_read_keeps_it(
    data_dir: Path, app_for: AppFor
) -> None:
    """The form's "a new version of" makes the upload that document's current version, under the
    same file name as the bundled one; re-reading everything keeps it; the versions are listed."""
    at = library(app_for, "admin")
    at.selectbox(key="upload_of").set_value("police-isa").run()
    assert at.text_input[0].value.startswith("Information Sharing Agreement between")
    v13 = (PROJECT / "corpus" / "police-isa.md").read_text().replace("1.2", "1.3")
    at.file_uploader[0].set_value(("police-isa.md", v13.encode(), "text/markdown"))
    at.text_input[1].set_value("1.3")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    police = table[table["Id"] == "police-isa"].iloc[0]
    assert (police["Version"], len(table)) == ("1.3", 4)
    next(b for b in at.button if b.label == "Re-read all documents").click().run()
    assert not at.exception
    assert any("1 superseded" in c.value for c in at.caption)
    assert at.selectbox(key="upload_of").value == ""  # the next upload is a new document
    table = at.dataframe[0].value
    assert table[table["Id"] == "police-isa"].iloc[0]["Version"] == "1.3"
    versions = at.dataframe[1].value
    police = versions[versions["Id"] == "police-isa"]
    assert list(police["Version"]) == ["1.3", "1.2"]
    assert list(police["Status"].str.split().str[0]) == ["current", "replaced"]
    assert list(police["Uploaded by"]) == ["test-admin", "folder corpus"]


@pytest.mark.skipif(not PG_URL, reason="SHARECHECK_TEST_PG_URL is not set")
def test_with_the_registry_shared_an_upload_is_kept_there_restored_and_removed(
    data_dir: Path, app_for: AppFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SHARECHECK_REGISTRY_URL: "Add and read" keeps the file in the registry; a re-read where
    the uploads folder has gone (another machine's data dir at the same path) restores it and
    keeps the document; "Remove" takes the bytes out of the registry."""
    with stack.postgres_schema(PG_URL) as url:
        stack.copy_registry(Settings(data_dir=data_dir), Settings(data_dir=data_dir, registry_url=url))
        monkeypatch.setenv("SHARECHECK_REGISTRY_URL", url)
        at = library(app_for, "admin")
        at.file_uploader[0].set_value(("visitors.md", UPLOAD, "text/markdown"))
        at.form_submit_button[0].click().run()
        assert not at.exception
        with closing(Registry.open(Settings())) as registry:
            assert [(u.name, u.held) for u in registry.uploads()] == [("visitors.md", True)]
            assert registry.upload_content("visitors.md") == UPLOAD
        shutil.rmtree(data_dir / "uploads")
        next(b for b in at.button if b.label == "Re-read all documents").click().run()
        assert not at.exception
        assert any("5 unchanged" in c.value for c in at.caption), [c.value for c in at.caption]
        assert (data_dir / "uploads" / "visitors.md").read_bytes() == UPLOAD
        remove = at.tabs[1]
        remove.selectbox[0].set_value("visitors.md")
        remove.checkbox[0].check()
        remove.button[0].click().run()
        assert not at.exception
        with closing(Registry.open(Settings())) as registry:
            assert [(u.name, u.held) for u in registry.uploads()] == [("visitors.md", False)]
            assert "visitors.md" not in [d.source for d in registry.documents()]
        assert len(at.dataframe[0].value) == 4
