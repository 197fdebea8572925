"""`python -m eval.bench_embed`: embedding throughput (passages/s) of each backend at each thread
count, on passages recombined from the real corpus's sentences (eval.bench_scale).

On a shared machine absolute speed drifts from minute to minute, so every setting is timed in
turn within each round (A B C D, A B C D, ...) and compared round by round: the ratios hold when
the machine's speed does not. `--once` embeds once and exits, for timing a whole process.
`--agreement` compares the vectors instead: each backend's against the first's, on the corpus's
own passages as ingest cuts them (up to --passages of them) and the gold questions."""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from core.embedding import BACKENDS, Embedder, HashingEmbedder, make_embedder
from core.vectorstore import PassageStore
from eval.bench_scale import corpus_sentences, default_cache, real_text_passages
from eval.questions import load_questions
from eval.run import eval_settings, ingest_corpus
from eval.sets import SETS, SHARED_CORPUS

log = logging.getLogger(__name__)

PASSAGES = 256
ROUNDS = 5


class _TorchAtThreads:
    """The torch embedder at a thread count: torch's is one per process, so set per call."""

    def __init__(self, embedder: Embedder, threads: int) -> None:
        self.embedder, self.threads, self.name = embedder, threads, embedder.name

    def embed(self, texts: list[str]) -> np.ndarray:
        import torch

        torch.set_num_threads(self.threads)
        return self.embedder.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.embedder.count_tokens(text)


def passage_texts(corpus: Path, count: int) -> list[str]:
    """The texts the store would embed for `count` real-text passages."""
    sentences = corpus_sentences(corpus, default_cache())
    return [p.embedding_text() for p in real_text_passages(sentences, count, start=900_000)]


def corpus_texts(corpus: Path, count: int) -> list[str]:
    """The texts ingest would embed for the corpus's first `count` passages (cut by the real
    ingest with the hashing embedder: no model), then every gold question asked of it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sharecheck-agreement-") as tmp:
        settings = eval_settings(Path(tmp), 5)
        ingest_corpus(corpus, settings, HashingEmbedder())
        passages = list(PassageStore(settings, HashingEmbedder()).all_passages())
    texts = [p.embedding_text() for p in passages[:count]]
    for gold_set in SETS:
        if gold_set.corpus.resolve() == corpus.resolve() and not gold_set.missing():
            texts += [q.question for q in load_questions(gold_set.questions)]
    return texts


def agreement(backends: list[str], texts: list[str]) -> str:
    """Max absolute difference and cosine of each backend's vectors to the first backend's."""
    reference = make_embedder(backends[0]).embed(texts)
    lines = [
        f"{len(texts)} texts; against {backends[0]}",
        "",
        "| backend | max abs difference | cosine min | 1 - cosine, max | 1 - cosine, mean |",
        "|---|---:|---:|---:|---:|",
    ]
    for backend in backends[1:]:
        vectors = make_embedder(backend).embed(texts)
        cosines = (reference * vectors).sum(axis=1)
        lines.append(
            f"| {backend} | {np.abs(reference - vectors).max():.1e} | {cosines.min():.6f} "
            f"| {1 - cosines.min():.1e} | {1 - cosines.mean():.1e} |"
        )
    return "\n".join(lines)


def paired_rates(
    embedders: dict[str, Embedder], texts: list[str], rounds: int
) -> dict[str, list[float]]:
    """Passages per second of each embedder, all timed in turn within each round."""
    for embedder in embedders.values():
        embedder.embed(texts[:32])  # warm-up: first-call allocations
    rates: dict[str, list[float]] = {name: [] for name in embedders}
    for _ in range(rounds):
        for name, embedder in embedders.items():
            clock = time.perf_counter()
            embedder.embed(texts)
            rates[name].append(len(texts) / (time.perf_counter() - clock))
    return rates


def report(rates: dict[str, list[float]]) -> str:
    names = list(rates)
    lines = [f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", ""]
    lines += ["| setting | passages/s median | min | max |", "|---|---:|---:|---:|"]
    for name in names:
        values = rates[name]
        lines.append(
            f"| {name} | {statistics.median(values):.1f} | {min(values):.1f} | {max(values):.1f} |"
        )
    lines += ["", "| ratio (round by round) | median | min | max |", "|---|---:|---:|---:|"]
    base = names[0]
    for name in names[1:]:
        ratios = [b / a for a, b in zip(rates[base], rates[name], strict=True)]
        lines.append(
            f"| {name} / {base} | {statistics.median(ratios):.2f} | {min(ratios):.2f} "
            f"| {max(ratios):.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_embed", description=__doc__)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--threads", default="1,2", help="thread counts to compare")
    parser.add_argument("--passages", type=int, default=PASSAGES)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS)
    parser.add_argument("--once", action="store_true", help="embed once with the first setting")
    parser.add_argument(
        "--agreement", action="store_true", help="compare each backend's vectors to the first's"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.corpus.is_dir():
        print(f"corpus {args.corpus} not found: nothing to measure", file=sys.stderr)
        return 0
    backends = [b for b in args.backends.split(",") if b]
    if args.agreement:
        print(agreement(backends, corpus_texts(args.corpus, args.passages)))
        return 0
    texts = passage_texts(args.corpus, args.passages)
    threads = [int(t) for t in args.threads.split(",") if t]
    if args.once:
        make_embedder(backends[0], threads=threads[0]).embed(texts)
        return 0
    embedders: dict[str, Embedder] = {}
    for backend in backends:
        model = make_embedder(backend) if backend == "torch" else None
        for count in threads:
            name = f"{backend}, {count} thread(s)"
            embedders[name] = (
                _TorchAtThreads(model, count) if model else make_embedder(backend, threads=count)
            )
    print(report(paired_rates(embedders, texts, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
