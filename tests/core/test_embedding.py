"""The embedding backends: choosing one, refusing to mix them in a store, and the int8 path
agreeing with fp32 (built from the bundled files only; the autouse fixture blocks the network)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from core import embedding
from core.embedding import (
    EmbedderMismatch,
    HashingEmbedder,
    MiniLMEmbedder,
    OnnxEmbedder,
    bundled_model_path,
    check_built_by,
    make_embedder,
    onnx_model,
)
from core.settings import Settings

TEXTS = [
    "Can I tell adult social care about a hoarding concern without the person's consent?",
    "4.2 The receiving organisation must delete the information once the referral is closed.",
    "Special category data may only be shared where a condition in Article 9 is met.",
    "",
]


def test_settings_choose_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().embedding_backend == "onnx-fp32"
    monkeypatch.setenv("SHARECHECK_EMBEDDING_BACKEND", "onnx-int8")
    assert Settings().embedding_backend == "onnx-int8"
    monkeypatch.setenv("SHARECHECK_EMBEDDING_BACKEND", "fp16")
    with pytest.raises(ValueError):
        Settings()


def test_an_unknown_backend_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="torch, onnx-fp32, onnx-int8"):
        make_embedder("fp16")


def test_a_store_built_by_the_same_embedder_or_by_none_recorded_is_accepted() -> None:
    check_built_by(None, HashingEmbedder(), "data (passages)")
    check_built_by(HashingEmbedder.name, HashingEmbedder(), "data (passages)")


def test_a_store_built_by_another_backend_is_refused_with_what_to_do() -> None:
    with pytest.raises(EmbedderMismatch) as caught:
        check_built_by("all-MiniLM-L6-v2+onnx-int8", HashingEmbedder(), "data (passages)")
    message = str(caught.value)
    assert "SHARECHECK_EMBEDDING_BACKEND=onnx-int8" in message and "new data dir" in message
    with pytest.raises(EmbedderMismatch, match="SHARECHECK_EMBEDDING_BACKEND=torch"):
        check_built_by("all-MiniLM-L6-v2", HashingEmbedder(), "data (passages)")
    with pytest.raises(EmbedderMismatch, match="SHARECHECK_EMBEDDING_BACKEND=onnx-fp32"):
        check_built_by("all-MiniLM-L6-v2+onnx-fp32", HashingEmbedder(), "data (passages)")


class Named(HashingEmbedder):
    def __init__(self, name: str) -> None:
        self.name = name


def test_torch_and_onnx_fp32_serve_each_others_stores_and_int8_is_kept_apart() -> None:
    torch, fp32, int8 = "all-MiniLM-L6-v2", "all-MiniLM-L6-v2+onnx-fp32", "all-MiniLM-L6-v2+onnx-int8"
    check_built_by(torch, Named(fp32), "data (passages)")
    check_built_by(fp32, Named(torch), "data (passages)")
    with pytest.raises(EmbedderMismatch) as caught:
        check_built_by(int8, Named(fp32), "data (passages)")
    message = str(caught.value)
    assert "(backend onnx-int8)" in message and "(backend onnx-fp32)" in message
    with pytest.raises(EmbedderMismatch, match=r"\(backend torch\).*\(backend onnx-int8\)"):
        check_built_by(torch, Named(int8), "data (passages)")


@pytest.mark.slow
def test_int8_vectors_agree_with_fp32_and_count_the_same_tokens(embedder: MiniLMEmbedder) -> None:
    int8 = OnnxEmbedder("int8")
    assert int8.name != embedder.name
    fp32_vectors, int8_vectors = embedder.embed(TEXTS), int8.embed(TEXTS)
    assert int8_vectors.shape == fp32_vectors.shape and int8_vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(int8_vectors, axis=1), 1.0, atol=1e-5)
    assert (fp32_vectors * int8_vectors).sum(axis=1).min() > 0.97
    long_text = "the controller must record the lawful basis " * 60  # past 256 word pieces
    for text in [*TEXTS, long_text]:
        assert int8.count_tokens(text) == embedder.count_tokens(text)
    assert int8.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_the_onnx_models_are_built_once_from_the_bundled_files(tmp_path: Path) -> None:
    first = OnnxEmbedder("int8", cache_dir=tmp_path)
    built = sorted(tmp_path.glob("*.onnx"))  # the fp32 export, kept, and its int8 quantisation
    assert [p.name.split("-")[4] for p in built] == ["fp32", "int8"]
    assert not list(tmp_path.glob(".build-*"))
    stamps = [p.stat().st_mtime_ns for p in built]
    second = OnnxEmbedder("int8", cache_dir=tmp_path)
    fp32 = OnnxEmbedder("fp32", cache_dir=tmp_path)  # the kept export: nothing is rebuilt
    assert [p.stat().st_mtime_ns for p in built] == stamps
    assert np.allclose(first.embed(TEXTS[:2]), second.embed(TEXTS[:2]))
    assert fp32.name == "all-MiniLM-L6-v2+onnx-fp32"


def test_starts_at_once_on_a_new_install_export_the_model_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports: list[Path] = []

    def slow_export(folder: Path, target: Path) -> None:
        exports.append(target)
        time.sleep(0.5)  # long enough for the other start to arrive while this one exports
        target.write_bytes(b"exported")

    monkeypatch.setattr(embedding, "export_onnx", slow_export)
    with ThreadPoolExecutor(2) as starts:
        built = list(starts.map(
            lambda _: onnx_model(bundled_model_path(), tmp_path, "fp32"), range(2)
        ))  # fmt: skip
    assert len(exports) == 1
    assert built[0] == built[1] and built[0].read_bytes() == b"exported"
    assert not list(tmp_path.glob(".build-*"))


@pytest.mark.slow
def test_fp32_onnx_vectors_match_torch_and_count_the_same_tokens(embedder: MiniLMEmbedder) -> None:
    fp32 = OnnxEmbedder("fp32")
    torch_vectors, onnx_vectors = embedder.embed(TEXTS), fp32.embed(TEXTS)
    assert onnx_vectors.shape == torch_vectors.shape and onnx_vectors.dtype == np.float32
    assert (torch_vectors * onnx_vectors).sum(axis=1).min() > 0.9999
    assert np.abs(torch_vectors - onnx_vectors).max() < 1e-3
    long_text = "the controller must record the lawful basis " * 60  # past 256 word pieces
    for text in [*TEXTS, long_text]:
        assert fp32.count_tokens(text) == embedder.count_tokens(text)
