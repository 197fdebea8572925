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


class TorchNamed(HashingEmbedder):
    name = "all-MiniLM-L6-v2"


class Fp32Named(HashingEmbedder):
    name = "all-MiniLM-L6-v2+onnx-fp32"


def test_a_store_built_by_torch_is_served_by_onnx_fp32(tmp_path: Path) -> None:
    """A store from before onnx-fp32 became the default opens as it is: the same vectors."""
    settings = Settings(data_dir=tmp_path / "data")
    PassageStore(settings, TorchNamed()).upsert([Passage("Crews may share.", "isa.md", "ISA")])
    with compose.build(settings, Fp32Named(), with_log=False) as parts:
        assert parts.store.count() == 1
