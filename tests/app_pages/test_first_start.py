"""First start on an empty store: the documents are read with a progress bar, then answered from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.registry import Registry
from core.settings import Settings
from ui.services import CORPUS_DIR_ENV

pytestmark = pytest.mark.slow
AppFor = Callable[..., AppTest]

TINY_AGREEMENT = """# Tiny information sharing agreement

## 1 Consent

1.1 Crews must ask an adult for consent before referring them to Adult Social Care.

1.2 Where an adult refuses but there is a risk of serious harm, the referral is made without
consent and the reason is recorded.

## 2 Security

2.1 Referrals are sent by secure email only, never by personal email or messaging apps.
"""


@pytest.fixture
def tiny_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "tiny-isa.md").write_text(TINY_AGREEMENT, encoding="utf-8")
    monkeypatch.setenv(CORPUS_DIR_ENV, str(folder))
    return folder


def test_an_empty_store_is_filled_from_the_corpus_with_progress(
    tiny_corpus: Path, app_for: AppFor
) -> None:
    at = app_for("staff").run()
    assert not at.exception
    assert any("First start" in i.value for i in at.info)
    assert [p.value for p in at.progress] == [100]
    assert [d.source for d in Registry(Settings().registry_path).documents()] == ["tiny-isa.md"]

    at.chat_input[0].set_value("Can I refer an adult to social care if they refuse?").run()
    assert not at.exception
    assert any("tiny-isa.md" in c.value for c in at.caption)  # a cited passage's file
    assert not at.progress  # read once, not on every rerun


def test_a_missing_corpus_folder_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_for: AppFor
) -> None:
    monkeypatch.setenv(CORPUS_DIR_ENV, str(tmp_path / "nowhere"))
    at = app_for("staff").run()
    assert not at.exception
    assert any("could not be read" in e.value for e in at.error)
    assert any("no documents" in w.value for w in at.warning)
