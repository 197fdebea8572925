"""Fit the fusion weights of retrieval/search.py by cross-validation, folds by document.

    python -m eval.fusion --data-dir /tmp/evfinal [--folds 5] [--trials 1500] [--maxsim]

Every answerable question of the fitting sets (bundled, real-dev, shared-authored by default) is
searched once; each candidate's raw signals and whether it holds an evidence phrase are kept, so
any weighting is scored without searching again. The documents are split into folds: weights are
fitted on the questions about the other documents and judged on the held-out ones, so a figure
never comes from the questions the weights were chosen on. The report sets (frontline-blind by
default) are only measured, never fitted on. Figures are search-level hit@k and MRR@k (the app's
fusion and near-copy skipping, before the answerer picks its citations).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.embedding import MiniLMEmbedder
from core.lexical import STOPWORDS, tokens
from eval.metrics import contains_evidence
from eval.questions import GoldQuestion, load_questions
from eval.run import eval_settings, ingest_corpus
from eval.sets import GoldSet, find_set
from retrieval.query import build_query
from retrieval.search import NEAR_COPY, HybridSearch, _standardised

FIT_SETS = ("bundled", "real-dev", "shared-authored")
REPORT_SETS = ("frontline-blind",)
# The signals fitted, in a fixed order; dense is held at 1 (only the ratios matter).
SIGNALS = ("dense", "context", "lexical", "parts", "prose")
SEED = 20261130


@dataclass(frozen=True)
class Case:
    """One question's candidate pool: standardised signals, evidence labels, near-copy words."""

    set_name: str
    question: GoldQuestion
    signals: np.ndarray  # candidates x signals, each column standardised over the pool
    relevant: np.ndarray  # bool per candidate
    words: list[frozenset[str]]

    @property
    def document(self) -> str:
        return f"{self.set_name}:{self.question.source}"


def ranks(case: Case, weights: np.ndarray, k: int) -> int | None:
    """1-based rank of the first relevant passage in the top k after near-copy skipping."""
    order = np.argsort(-(case.signals @ weights), kind="stable")
    seen: list[frozenset[str]] = []
    for index in order:
        words = case.words[index]
        if any(len(words & o) >= NEAR_COPY * max(1, min(len(words), len(o))) for o in seen):
            continue
        seen.append(words)
        if case.relevant[index]:
            return len(seen)
        if len(seen) == k:
            return None
    return None


def score(cases: list[Case], weights: np.ndarray, k: int) -> tuple[float, float]:
    """hit@k and MRR@k over the cases."""
    found = [ranks(case, weights, k) for case in cases]
    hits = [r is not None for r in found]
    return float(np.mean(hits)), float(np.mean([1 / r if r else 0.0 for r in found]))


def fit(cases: list[Case], candidates: np.ndarray, k: int) -> np.ndarray:
    """The candidate weighting with the best hit@k on the cases (MRR breaks ties)."""
    best, best_key = candidates[0], (-1.0, -1.0)
    for weights in candidates:
        key = score(cases, weights, k)
        if key > best_key:
            best, best_key = weights, key
    return best


def weight_grid(current: np.ndarray, trials: int) -> np.ndarray:
    """Today's weights first, then random ones (dense fixed at 1), seeded so runs repeat."""
    rng = np.random.default_rng(SEED)
    grid = rng.uniform(0.0, 2.0, size=(trials, len(current)))
    grid[:, 0] = 1.0
    return np.vstack([current, grid])


def folds_by_document(cases: list[Case], folds: int) -> list[set[str]]:
    """Documents dealt into folds, largest first, each to the fold with fewest questions."""
    sizes: dict[str, int] = defaultdict(int)
    for case in cases:
        sizes[case.document] += 1
    bins: list[tuple[int, set[str]]] = [(0, set()) for _ in range(folds)]
    for document in sorted(sizes, key=lambda d: (-sizes[d], d)):
        i = min(range(folds), key=lambda j: bins[j][0])
        bins[i] = (bins[i][0] + sizes[document], bins[i][1] | {document})
    return [documents for _, documents in bins]


def collect(gold: GoldSet, data_dir: Path, embedder: MiniLMEmbedder, maxsim: bool) -> list[Case]:
    """Search every answerable question of a set once and keep its pool's signals."""
    from assistant.compose import build

    settings = eval_settings(data_dir, 5)
    ingest_corpus(gold.corpus, settings, embedder)
    questions = [q for q in load_questions(gold.questions) if q.answerable and q.evidence]
    cases = []
    with build(settings, embedder, with_log=False) as services:
        search = services.search
        for question in questions:
            retrieval = settings.retrieval
            query = build_query(
                question.question, [], retrieval.history_turns, retrieval.vocabulary
            )
            pool = search.candidates(query)
            if pool is None:
                continue
            columns = [pool.signals[name] for name in SIGNALS]
            texts = [pool.passages[pid].text for pid in pool.ids]
            if maxsim:
                columns.append(late_interaction(embedder, question.question, texts))
            cases.append(
                Case(
                    gold.name,
                    question,
                    np.column_stack([_standardised(c) for c in columns]),
                    np.asarray([contains_evidence(t, question.evidence) for t in texts]),
                    [frozenset(tokens(t)) for t in texts],
                )
            )
    return cases


_TOKEN_CACHE: dict[str, np.ndarray] = {}


def late_interaction(embedder: MiniLMEmbedder, question: str, texts: list[str]) -> np.ndarray:
    """MaxSim (ColBERT-style) of the question's content tokens over each passage's tokens, with
    the model's own token embeddings; an experiment here, not part of the app."""
    query = _token_vectors(embedder, [question], content_only=True)[0]
    missing = [t for t in texts if _key(t) not in _TOKEN_CACHE]
    for text, vectors in zip(missing, _token_vectors(embedder, missing), strict=True):
        _TOKEN_CACHE[_key(text)] = vectors
    return np.asarray([(query @ _TOKEN_CACHE[_key(t)].T).max(axis=1).mean() for t in texts])


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _token_vectors(
    embedder: MiniLMEmbedder, texts: list[str], content_only: bool = False
) -> list[np.ndarray]:
    if not texts:
        return []
    model = embedder.model
    out = model.encode(texts, output_value="token_embeddings", batch_size=32)
    vectors = []
    for text, matrix in zip(texts, out, strict=True):
        m = np.asarray(matrix, dtype=np.float32)
        ids = model.tokenizer(text, truncation=True, max_length=256)["input_ids"]
        pieces = model.tokenizer.convert_ids_to_tokens(ids)
        keep = [
            i for i, piece in enumerate(pieces[: len(m)])
            if piece not in ("[CLS]", "[SEP]")
            and not (content_only and (piece in STOPWORDS or not piece.isalnum()))
        ]  # fmt: skip
        m = m[keep] if keep else m
        vectors.append(m / np.linalg.norm(m, axis=1, keepdims=True).clip(1e-9))
    return vectors


def cross_validate(
    cases: list[Case], grid: np.ndarray, folds: int, k: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per fold: today's and the fitted weights on the held-out documents."""
    lines, today, fitted = [], [], []
    for i, documents in enumerate(folds_by_document(cases, folds), start=1):
        held = [c for c in cases if c.document in documents]
        train = [c for c in cases if c.document not in documents]
        weights = fit(train, grid, k)
        before, after = score(held, grid[0], k), score(held, weights, k)
        today.append(np.array(before) * len(held))
        fitted.append(np.array(after) * len(held))
        lines.append(
            f"fold {i}: {len(held)} questions on {len(documents)} documents; today hit "
            f"{before[0]:.2f} MRR {before[1]:.2f}; fitted hit {after[0]:.2f} MRR {after[1]:.2f}; "
            f"weights {_shown(weights)}"
        )
    n = len(cases)
    return lines, np.sum(today, axis=0) / n, np.sum(fitted, axis=0) / n


def _shown(weights: np.ndarray) -> str:
    names = [*SIGNALS, "maxsim"][: len(weights)]
    return " ".join(f"{name}={w:.2f}" for name, w in zip(names, weights, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.fusion", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="kept eval data dir")
    parser.add_argument("--fit", nargs="*", default=list(FIT_SETS), help="sets to fit on")
    parser.add_argument("--report", nargs="*", default=list(REPORT_SETS), help="sets only measured")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=1500)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--maxsim", action="store_true", help="add late interaction as a signal")
    parser.add_argument("--cases", type=Path, help="pickle of the searched pools: reused if there")
    args = parser.parse_args(argv)
    cases = _cached_cases(args)
    settings = eval_settings(args.data_dir, args.k).retrieval
    search_weights = HybridSearch.weights_of(settings)
    current = np.asarray(
        [search_weights[name] for name in SIGNALS] + ([0.0] if args.maxsim else [])
    )
    grid = weight_grid(current, args.trials)
    if args.maxsim:
        grid[1:, -1] = np.random.default_rng(SEED + 1).uniform(0.0, 2.0, size=args.trials)
    fitting = [c for name in args.fit for c in cases.get(name, [])]
    lines, today, fitted = cross_validate(fitting, grid, args.folds, args.k)
    print("\n".join(lines))
    print(
        f"cross-validated over {len(fitting)} questions: today hit@{args.k} {today[0]:.3f} "
        f"MRR {today[1]:.3f}; fitted hit@{args.k} {fitted[0]:.3f} MRR {fitted[1]:.3f}"
    )
    final = fit(fitting, grid, args.k)
    print(f"fitted on all fitting sets: {_shown(final)}")
    for name, set_cases in cases.items():
        before, after = score(set_cases, grid[0], args.k), score(set_cases, final, args.k)
        role = "fitted on" if name in args.fit else "report only"
        print(
            f"{name} ({role}, {len(set_cases)} q): today hit {before[0]:.3f} MRR {before[1]:.3f}"
            f" | fitted hit {after[0]:.3f} MRR {after[1]:.3f}"
        )
    return 0


def _cached_cases(args: argparse.Namespace) -> dict[str, list[Case]]:
    """Search every set once; with --cases, keep the pools so later fits skip the searching."""
    if args.cases is not None and args.cases.exists():
        return dict(pickle.loads(args.cases.read_bytes()))
    embedder = MiniLMEmbedder()
    cases: dict[str, list[Case]] = {}
    for name in [*args.fit, *args.report]:
        gold = find_set(name)
        if gold.missing():
            print(f"skipped {name}: {gold.missing()}", file=sys.stderr)
            continue
        cases[name] = collect(gold, _folder(args.data_dir, gold.corpus), embedder, args.maxsim)
    if args.cases is not None:
        args.cases.write_bytes(pickle.dumps(cases))
    return cases


def _folder(data_dir: Path, corpus: Path) -> Path:
    """The data dir `python -m eval --all-sets --data-dir` uses for this corpus."""
    return (
        data_dir / f"{corpus.name}-{hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:8]}"
    )


if __name__ == "__main__":
    sys.exit(main())
