"""Sample answers for the log's tests and benchmark: `write_sample_answers` is the worker the
concurrency test and `eval.log_bench` spawn."""

from __future__ import annotations

import time
from pathlib import Path

from core.answer import Answer, Citation, Mode
from core.passage import Passage


def sample_answer(
    n: int = 1,
    *,
    question: str = "Can I share a hoarding concern with the council?",
    source: str = "police-isa.md",
    clause: str = "4.2",
    doc_hash: str = "h1",
    page: int = 2,
    page_label: str = "",
    abstained: bool = False,
    mode: Mode = "extractive",
) -> Answer:
    """A small, realistic Answer citing one passage, numbered `n` in its text."""
    passage = Passage(
        text=f"Partners may share personal data where necessary ({n}).",
        source=source,
        title=source.rsplit(".", 1)[0].replace("-", " ").title(),
        kind="agreement",
        clause=clause,
        page=page,
        page_label=page_label,
        doc_version="v1",
        doc_hash=doc_hash,
    )
    text = "The documents do not cover this." if abstained else f"Yes, under {clause} [1]."
    return Answer(
        question=question,
        text=text,
        citations=[Citation(n=1, passage=passage, score=0.71)],
        abstained=abstained,
        mode=mode,
        elapsed_ms=12.5,
        prompt_id="answer_v1",
        settings_hash="abc123def456",
    )


def write_sample_answers(
    data_dir: str, log_url: str | None, count: int, worker: int
) -> tuple[float, float]:
    """Open the log in this process and record `count` answers; a spawn-safe worker.

    Returns the wall-clock (time.time) start and end of the writes, for throughput figures.
    """
    from core.settings import Settings
    from governance.log import AnswerLog

    settings = Settings(data_dir=Path(data_dir), log_url=log_url)
    with AnswerLog.open(settings) as log:
        started = time.time()
        for i in range(count):
            log.record(
                sample_answer(i, question=f"worker {worker} question {i}"),
                user_id=f"user-{worker}",
                role="staff",
                session_id=f"session-{worker}",
                corpus_version="corpus-1",
            )
        return started, time.time()
