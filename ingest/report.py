"""The ingest command's face: a progress bar while it works, a summary table when done."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.embedding import load_embedder
from core.settings import Settings
from ingest.lock import ingest_lock
from ingest.pipeline import FileOutcome, Ingester, IngestReport, Status
from ingest.sandbox import ReaderProcess

SUMMARY_STATUSES: tuple[Status, ...] = (
    "added", "updated", "unchanged", "duplicate", "superseded", "removed", "skipped", "failed",
)  # fmt: skip


def summary_table(report: IngestReport) -> Table:
    table = Table(title="Ingest summary")
    for column in (*SUMMARY_STATUSES, "passages written", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(
        *(str(report.count(s)) for s in SUMMARY_STATUSES),
        str(report.passages_written),
        f"{report.seconds:.1f}",
    )
    return table


def duplicates_table(report: IngestReport) -> Table:
    """Files stored once: each duplicate with the document kept in its place."""
    table = Table(title="Stored once (the same document in another format)")
    table.add_column("file")
    table.add_column("reason")
    for outcome in report.duplicates:
        table.add_row(outcome.source, outcome.reason)
    return table


def failures_table(report: IngestReport) -> Table:
    return _reasons("Files not ingested", report.failed)


def skipped_table(report: IngestReport) -> Table:
    """Files found but not read on purpose: links, hidden files, folder notes, other types."""
    return _reasons("Files skipped", report.skipped)


def problems_table(report: IngestReport) -> Table:
    table = Table(title="Manifest problems")
    table.add_column("problem")
    for problem in report.problems:
        table.add_row(problem)
    return table


def _reasons(title: str, outcomes: list[FileOutcome]) -> Table:
    table = Table(title=title)
    table.add_column("file")
    table.add_column("reason")
    for outcome in outcomes:
        table.add_row(outcome.source, outcome.reason)
    return table


def run_with_progress(
    settings: Settings, roots: list[Path], rebuild: bool, if_empty: bool, quiet: bool
) -> int:
    console = Console(stderr=True)
    with ingest_lock(settings):
        reader = ReaderProcess(settings.ingest)
        reader.start()  # starts while the model loads
        try:
            ingester = Ingester(settings, load_embedder(settings), reader=reader)
        except BaseException:
            reader.close()
            raise
        try:
            ingester.store.check_embedder()
            if if_empty and ingester.store.count() > 0:
                ingester.collect_laws()
                ingester.refresh_lexical()
                console.print(f"store in {settings.data_dir} already holds passages; nothing to do")
                return 0
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=console, disable=quiet, transient=True,
            ) as bar:  # fmt: skip
                task = bar.add_task("ingesting", total=None)

                def tick(done: int, total: int, source: str) -> None:
                    bar.update(task, completed=done, total=total, description=source[-40:] or "done")

                report = ingester.run(roots, rebuild=rebuild, progress=tick)
        finally:
            ingester.close()
    out = Console()
    out.print(summary_table(report))
    if report.duplicates:
        out.print(duplicates_table(report))
    if report.superseded:
        out.print(_reasons("Earlier versions, not read", report.superseded))
    if report.skipped:
        out.print(skipped_table(report))
    if report.problems:
        out.print(problems_table(report))
    if report.failed:
        out.print(failures_table(report))
    return report.exit_code
