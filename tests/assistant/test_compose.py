"""The composition root builds from one Settings object: the embedder they name, and no other."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import compose
from core.embedding import Embedder, EmbedderMismatch, HashingEmbedder
from core.passage import Passage
from core.settings import Settings
from core.vectorstore import PassageStore


class Int8Named(HashingEmbedder):
    """Vectors as the hashing embedder's, under the int8 backend's name."""

    name = "all-MiniLM-L6-v2+onnx-int8"


def test_the_embedder_is_the_one_the_settings_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_backend="onnx-int8")
    asked: list[str] = []

    def load(given: Settings) -> Embedder:
        asked.append(given.embedding_backend)
        return Int8Named()

    monkeypatch.setattr(compose, "load_embedder", load)
    with compose.build(settings, with_log=False) as parts:
        assert parts.embedder.name == Int8Named.name
    assert asked == ["onnx-int8"]


def test_a_store_another_embedder_built_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    PassageStore(settings, Int8Named()).upsert([Passage("Crews may share.", "isa.md", "ISA")])
    with pytest.raises(EmbedderMismatch, match="SHARECHECK_EMBEDDING_BACKEND=onnx-int8"):
        compose.build(settings, HashingEmbedder(), with_log=False)
