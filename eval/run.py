"""One evaluation run: ingest the corpus, ask every gold question of each pipeline, sum up."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from langchain_core.embeddings import Embeddings

from core.embedding import Embedder, MiniLMEmbedder
from core.settings import Settings
from eval.metrics import Figures, QuestionResult, summarise
from eval.pipelines import Pipeline, ShareCheckPipeline
from eval.questions import GoldQuestion, load_questions, verdicts_beside
from eval.sets import BUNDLED_CORPUS, GOLD, REPO
from eval.validity import SourceTexts
from ingest.lock import writer_lock
from ingest.pipeline import Ingester, IngestReport

log = logging.getLogger(__name__)

BUNDLED_QUESTIONS = GOLD / "bundled.jsonl"
# Where a kept data dir holds the baseline's own Chroma index, beside ShareCheck's store.
BASELINE_FOLDER = "eval-baseline"


@dataclass(frozen=True)
class EvalConfig:
    """What to evaluate and how deep."""

    corpus: Path = BUNDLED_CORPUS
    questions: Path = BUNDLED_QUESTIONS
    k: int = 5
    data_dir: Path | None = None  # kept between runs when given; a temporary one otherwise
    baseline: bool = True
    verdicts: Path | None = None  # side file of gold verdicts; None: `<set>-verdicts.jsonl` if any

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")
        if not self.corpus.is_dir():
            raise ValueError(f"corpus folder {self.corpus} does not exist")
        if not self.questions.is_file():
            raise ValueError(f"questions file {self.questions} does not exist")
        if self.verdicts is not None and not self.verdicts.is_file():
            raise ValueError(f"verdicts file {self.verdicts} does not exist")

    @property
    def verdict_file(self) -> Path | None:
        """The side file the gold verdicts come from, given or found beside the questions."""
        return self.verdicts or verdicts_beside(self.questions)


@dataclass
class PipelineRun:
    """One pipeline's results on every question."""

    name: str
    results: list[QuestionResult]
    figures: Figures
    setup_s: float
    notes: list[str] = field(default_factory=list)


@dataclass
class EvalRun:
    """Everything a report needs."""

    config: EvalConfig
    runs: list[PipelineRun]
    fingerprint: dict[str, str]
    ingest: IngestReport
    started: datetime

    @property
    def ours(self) -> PipelineRun:
        return self.runs[0]


def eval_settings(data_dir: Path, k: int) -> Settings:
    """The app's settings (environment included) on the eval's data dir, at depth k."""
    base = Settings()
    retrieval = base.retrieval.model_copy(update={"top_k": k})
    return base.model_copy(update={"data_dir": data_dir, "retrieval": retrieval})


def ingest_corpus(corpus: Path, settings: Settings, embedder: Embedder) -> IngestReport:
    """Bring the store in line with the corpus; unchanged documents are skipped."""
    with writer_lock(settings.data_dir, settings.lock_timeout_s):
        ingester = Ingester(settings, embedder)
        try:
            return ingester.run([corpus])
        finally:
            ingester.close()


def ask_all(pipeline: Pipeline, questions: list[GoldQuestion], k: int) -> list[QuestionResult]:
    results = []
    for question in questions:
        results.append(QuestionResult(question, pipeline.run(question.question), k))
        log.debug("%s %s done", pipeline.name, question.id)
    return results


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{'+dirty' if dirty else ''}"


def fingerprint(
    settings: Settings, config: EvalConfig, embedder: Embedder, corpus_version: str
) -> dict[str, str]:
    """What produced the figures, so two reports can be told apart."""
    questions_hash = _sha(config.questions)
    labels = config.verdict_file
    return {
        "settings_hash": settings.fingerprint(),
        "retrieval": settings.retrieval.model_dump_json(),
        "passage_tokens": f"{settings.passage_tokens} (overlap {settings.passage_overlap_tokens})",
        "answerer": "llm" if settings.llm.enabled else "extractive",
        "embedder": embedder.name,
        "k": str(config.k),
        "corpus": str(config.corpus),
        "corpus_version": corpus_version,
        "questions": f"{config.questions} (sha256 {questions_hash})",
        "verdicts": f"{labels} (sha256 {_sha(labels)})" if labels else "in the questions file",
        "git": git_commit(),
    }


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@contextmanager
def _data_dir(kept: Path | None) -> Iterator[Path]:
    if kept is not None:
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="sharecheck-eval-") as tmp:
        yield Path(tmp)


def run_eval(config: EvalConfig, embedder: Embedder | None = None) -> EvalRun:
    """Ingest, then run ShareCheck (and the tutorial baseline) over every question."""
    from assistant.compose import build

    started = datetime.now()
    questions = load_questions(config.questions, config.verdict_file)
    embedder = embedder or MiniLMEmbedder()
    texts = SourceTexts(config.corpus)
    with _data_dir(config.data_dir) as data_dir:
        settings = eval_settings(data_dir, config.k)
        clock = time.perf_counter()
        report = ingest_corpus(config.corpus, settings, embedder)
        with build(settings, embedder, with_log=False) as parts:
            ours = _run(ShareCheckPipeline(parts, texts), questions, config.k, clock)
            ours.notes = [f"{o.source}: {o.reason}" for o in report.failed]
            ours.notes.append(f"{parts.store.count()} passages")
            runs = [ours]
            if config.baseline:
                runs.append(_baseline(config, embedder, texts, data_dir, questions))
            prints = fingerprint(settings, config, embedder, parts.assistant.corpus_version())
    return EvalRun(config, runs, prints, report, started)


def _run(pipeline: Pipeline, questions: list[GoldQuestion], k: int, clock: float) -> PipelineRun:
    pipeline.warm_up()
    setup = time.perf_counter() - clock
    results = ask_all(pipeline, questions, k)
    return PipelineRun(pipeline.name, results, summarise(results), setup)


def _tutorial_embeddings(embedder: Embedder) -> Embeddings:
    """The baseline's embeddings: the model ShareCheck loaded, or the same model loaded anew."""
    from eval.baseline import SentenceTransformerEmbeddings, load_model

    model = embedder.model if isinstance(embedder, MiniLMEmbedder) else load_model()
    return SentenceTransformerEmbeddings(model)


def _baseline(
    config: EvalConfig, embedder: Embedder, texts: SourceTexts, data_dir: Path,
    questions: list[GoldQuestion],
) -> PipelineRun:  # fmt: skip
    from eval.baseline import TutorialPipeline

    clock = time.perf_counter()
    keep = data_dir / BASELINE_FOLDER if config.data_dir is not None else None
    pipeline = TutorialPipeline(
        config.corpus, _tutorial_embeddings(embedder), texts, config.k, keep
    )
    run = _run(pipeline, questions, config.k, clock)
    run.notes = [*pipeline.skipped, f"{pipeline.chunks} chunks"]
    return run
