"""An evaluation run as a terminal table, a Markdown report with the misses, and a bar chart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from eval.history import earlier_figures
from eval.metrics import Figures, QuestionResult, confusion, polarity_errors
from eval.run import EvalRun, PipelineRun

# How much of a retrieved passage a reader needs to see what it is about.
SNIPPET_CHARS = 80


@dataclass(frozen=True)
class Metric:
    """A figure as shown: its key in Figures, its label and how it is formatted."""

    key: str
    label: str
    unit: str  # "rate" (0..1), "chars", "ms", "count" or "words"
    answer_level: bool = False  # "n/a" for a pipeline that gives no verdict or bottom line

    def title(self, k: int) -> str:
        return self.label.replace("{k}", str(k))


METRICS = (
    Metric("hit_at_k", "hit@{k}", "rate"),
    Metric("mrr", "MRR@{k}", "rate"),
    Metric("source_hit", "source hit@{k}", "rate"),
    Metric("wrongly_declined", "answerable wrongly declined", "rate"),
    Metric("oos_declined", "out-of-scope correctly declined", "rate"),
    Metric("citation_validity", "citation validity", "rate"),
    Metric("mean_passage_chars", "mean cited passage (chars)", "chars"),
    Metric("latency_p50_ms", "latency p50 (ms)", "ms"),
    Metric("latency_p95_ms", "latency p95 (ms)", "ms"),
)
ANSWER_METRICS = (
    Metric("bottom_line_present", "bottom line present (answerable)", "rate", True),
    Metric("verdict_agreement", "verdict agreement (all labelled)", "rate", True),
    Metric("verdict_agreement_answerable", "verdict agreement (answerable)", "rate", True),
    Metric("wrong_polarity", "wrong polarity (count; must be 0)", "count", True),
    Metric("evidence_in_bottom_line", "evidence phrase in bottom line", "rate", True),
    Metric("non_prose_bottom_lines", "bottom lines with form/table/contact text", "count", True),
    Metric("bottom_line_words_mean", "bottom-line words, mean", "words", True),
    Metric("bottom_line_words_max", "bottom-line words, max", "count", True),
)
# First header cells of the report's tables, by which an earlier report's figures are looked up.
METRIC_HEADER = "metric"
ANSWER_HEADER = "answer-level figure"
DOCUMENT_HEADER = "document"


def value(figures: Figures, metric: Metric) -> float | None:
    found = getattr(figures, metric.key)
    return None if found is None else float(found)


def shown(figures: Figures, metric: Metric) -> str:
    if metric.answer_level and not figures.judges_answers:
        return "n/a"
    number = value(figures, metric)
    if number is None:
        return "–"
    if metric.unit == "rate":
        return f"{number:.2f}"
    return f"{number:.1f}" if metric.unit == "words" else f"{number:.0f}"


def report_name(run: EvalRun, name: str | None = None) -> str:
    """`<corpus-name>-<date>`; two corpora both called 'corpus' are told apart by their parent."""
    from eval.run import BUNDLED_CORPUS

    corpus = run.config.corpus.resolve()
    if name is None:
        name = "bundled" if corpus == BUNDLED_CORPUS else corpus.name
        if name == "corpus":
            name = f"{corpus.parent.name}-corpus"
    return f"{name}-{run.started:%Y-%m-%d}"


def terminal_table(run: EvalRun) -> Table:
    first = run.ours.figures
    table = Table(
        title=f"{run.config.questions.name}: {first.answerable} answerable, "
        f"{first.unanswerable} unanswerable, k={run.config.k}"
    )
    table.add_column("metric")
    for pipeline in run.runs:
        table.add_column(pipeline.name, justify="right")
    for metric in METRICS:
        table.add_row(metric.title(run.config.k), *(shown(p.figures, metric) for p in run.runs))
    return table


def answers_table(run: EvalRun) -> Table:
    table = Table(title="answer level: bottom line and verdict against the gold labels")
    table.add_column(ANSWER_HEADER)
    for pipeline in run.runs:
        table.add_column(pipeline.name, justify="right")
    for metric in ANSWER_METRICS:
        table.add_row(metric.title(run.config.k), *(shown(p.figures, metric) for p in run.runs))
    return table


def documents_table(run: EvalRun) -> Table:
    k = run.config.k
    table = Table(title=f"hit@{k} by document (gold source of answerable questions)")
    table.add_column(DOCUMENT_HEADER)
    table.add_column("answerable", justify="right")
    for pipeline in run.runs:
        table.add_column(pipeline.name, justify="right")
    for source, figures in run.ours.figures.by_source.items():
        cells = [_rate(_document(p, source).hit_at_k) for p in run.runs]
        table.add_row(source, str(figures.answerable), *cells)
    return table


def _document(pipeline: PipelineRun, source: str) -> Figures:
    return pipeline.figures.by_source[source]


def below_baseline(run: EvalRun) -> list[str]:
    """Documents where ShareCheck's hit@k is under the tutorial's (the open issue's rule)."""
    if len(run.runs) < 2:
        return []
    ours, theirs = run.runs[0], run.runs[1]
    return [
        source for source in ours.figures.by_source
        if (_document(ours, source).hit_at_k or 0.0) < (_document(theirs, source).hit_at_k or 0.0)
    ]  # fmt: skip


def kinds_table(run: EvalRun) -> Table:
    table = Table(title=f"hit@{run.config.k} / out-of-scope declined, by kind of question")
    table.add_column("kind")
    table.add_column("answerable / unanswerable", justify="right")
    for pipeline in run.runs:
        table.add_column(pipeline.name, justify="right")
    for kind, figures in run.ours.figures.by_kind.items():
        cells = []
        for pipeline in run.runs:
            theirs = pipeline.figures.by_kind[kind]
            cells.append(f"{_rate(theirs.hit_at_k)} / {_rate(theirs.oos_declined)}")
        table.add_row(kind, f"{figures.answerable} / {figures.unanswerable}", *cells)
    return table


def _shown_path(path: Path) -> str:
    from eval.run import REPO

    resolved = path.resolve()
    return str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else str(resolved)


def _rate(number: float | None) -> str:
    return "–" if number is None else f"{number:.2f}"


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat[:SNIPPET_CHARS] + ("…" if len(flat) > SNIPPET_CHARS else "")


def _retrieved_lines(result: QuestionResult) -> list[str]:
    if result.outcome.abstained:
        return [f"  - declined: {_snippet(result.outcome.note)}"]
    lines = []
    for rank, item in enumerate(result.cited, start=1):
        where = " ".join(
            part for part in (item.clause, f"p. {item.page}" if item.page else "") if part
        )
        lines.append(f"  - {rank}. `{item.source}` {where} — “{_snippet(item.text)}”")
    return lines or ["  - nothing retrieved"]


def _expected(result: QuestionResult) -> str:
    question = result.question
    pages = f" p. {', '.join(map(str, question.pages))}" if question.pages else ""
    sources = " or ".join(f"`{s}`" for s in question.sources)
    return f"  - expected: {sources}{pages} — “{_snippet(question.evidence[0])}”"


def misses_section(run: PipelineRun) -> list[str]:
    """Every answerable question whose evidence was not cited, with what was cited instead."""
    misses = [r for r in run.results if r.question.answerable and not r.hit]
    lines = [f"## {run.name}: answerable questions missed ({len(misses)})", ""]
    for result in misses:
        lines.append(
            f"- **{result.question.id}** ({result.question.kind}): {result.question.question}"
        )
        lines.append(_expected(result))
        lines.extend(_retrieved_lines(result))
    answered = [r for r in run.results if not r.question.answerable and not r.outcome.abstained]
    lines += ["", f"## {run.name}: out-of-scope questions answered ({len(answered)})", ""]
    for result in answered:
        lines.append(
            f"- **{result.question.id}** ({result.question.oos_type}): {result.question.question}"
        )
        lines.extend(_retrieved_lines(result)[:1])
    return lines


def invalid_section(run: PipelineRun) -> list[str]:
    seen: dict[tuple[str, str, str], int] = {}
    for result in run.results:
        for item in result.cited:
            if not item.valid:
                key = (item.source, item.clause or f"p. {item.page}", _snippet(item.text))
                seen[key] = seen.get(key, 0) + 1
    lines = [f"## {run.name}: citations not verbatim in their document ({len(seen)} distinct)", ""]
    lines += [f"- `{s}` {c} (cited {n}×) — “{t}”" for (s, c, t), n in seen.items()]
    return lines


def _figures_table(
    run: EvalRun, header: str, metrics: tuple[Metric, ...], before: dict[str, str] | None
) -> list[str]:
    """One row per metric, a column per pipeline, and ShareCheck's earlier figure when known."""
    k = run.config.k
    names = [p.name for p in run.runs] + (["ShareCheck before"] if before is not None else [])
    rows = [f"| {' | '.join([header, *names])} |", "|" + "---|" * (len(names) + 1)]
    for metric in metrics:
        cells = [shown(p.figures, metric) for p in run.runs]
        if before is not None:
            cells.append(before.get(metric.title(k), "–"))
        rows.append(f"| {metric.title(k)} | {' | '.join(cells)} |")
    return rows


def _before_note(earlier: Path | None, tables: dict[str, dict[str, str]]) -> list[str]:
    if earlier is None:
        return ["No earlier report of this set in the reports folder: no “before” column.", ""]
    lines = [
        f"“ShareCheck before” is from `{earlier.name}`, the newest earlier report of this set."
    ]
    if ANSWER_HEADER not in tables:
        lines.append(
            "It predates verdicts and bottom lines: answers then had neither, so bottom line "
            "present, verdict agreement, wrong polarity and evidence in bottom line were 0 by "
            "construction (eval/README.md records the last commit before the verdict answerer, "
            "measured)."
        )
    return [" ".join(lines), ""]


def _answers_before(
    earlier: Path | None, tables: dict[str, dict[str, str]]
) -> dict[str, str] | None:
    """ShareCheck's earlier answer-level figures; for a report from before verdicts and bottom
    lines existed, the zeros that held by construction (no bottom line, no verdict to agree)."""
    if earlier is None:
        return None
    if ANSWER_HEADER in tables:
        return tables[ANSWER_HEADER]
    return {m.label: _zero(m) for m in ANSWER_METRICS}


def _zero(metric: Metric) -> str:
    if metric.key.startswith("bottom_line_words"):
        return "–"  # no bottom line to count
    return "0.00" if metric.unit == "rate" else "0"


def answers_section(run: EvalRun, before: dict[str, str] | None) -> list[str]:
    """Answer-level figures, the verdict confusion, and every wrong-polarity or non-prose line."""
    lines = ["## Answer level: bottom line and verdict", ""]
    lines += _figures_table(run, ANSWER_HEADER, ANSWER_METRICS, before) + [""]
    ours = run.ours
    if not ours.figures.judges_answers:
        return lines
    lines += _confusion_markdown(ours) + [""]
    wrong = polarity_errors(ours.results)
    lines += [f"### {ours.name}: wrong polarity ({len(wrong)})", ""]
    lines += [
        f"- **{r.question.id}** gold `{r.question.verdict}`, got `{r.outcome.verdict}`: "
        f"{r.outcome.bottom_line}"
        for r in wrong
    ] or ["none"]
    residue = [r for r in ours.results if r.non_prose]
    lines += [
        "",
        f"### {ours.name}: bottom lines with form/table/contact text ({len(residue)})",
        "",
    ]
    lines += [
        f"- **{r.question.id}** ({', '.join(r.non_prose)}): {r.outcome.bottom_line}"
        for r in residue
    ] or ["none"]
    return lines + [""]


def _confusion_markdown(run: PipelineRun) -> list[str]:
    from core.answer import VERDICTS

    counts = confusion(run.results)
    gold = [v for v in VERDICTS if any(g == v for g, _ in counts)]
    got = [v for v in VERDICTS if any(a == v for _, a in counts)]
    lines = [f"Verdicts, gold (rows) against {run.name}'s (columns):", ""]
    lines += [f"| gold \\ got | {' | '.join(got)} |", "|" + "---|" * (len(got) + 1)]
    for g in gold:
        cells = [str(counts.get((g, a), "")) for a in got]
        lines.append(f"| {g} | {' | '.join(cells)} |")
    return lines


def documents_section(run: EvalRun, before: dict[str, str] | None) -> list[str]:
    """hit@k per gold source, side by side; documents where ShareCheck is below are flagged."""
    k = run.config.k
    below = below_baseline(run)
    names = [p.name for p in run.runs] + (["ShareCheck before"] if before is not None else [])
    lines = [
        f"## hit@{k} by document"
        + (f" ({len(below)} below the tutorial)" if len(run.runs) > 1 else ""),
        "",
        f"| {' | '.join([DOCUMENT_HEADER, 'answerable', *names])} |",
        "|" + "---|" * (len(names) + 2),
    ]
    for source, figures in run.ours.figures.by_source.items():
        cells = [_rate(_document(p, source).hit_at_k) for p in run.runs]
        if before is not None:
            cells.append(before.get(f"`{source}`", "–"))
        flag = " **below**" if source in below else ""
        lines.append(f"| `{source}` | {figures.answerable} | {' | '.join(cells)}{flag} |")
    return lines + [""]


def markdown(run: EvalRun, chart: Path | None = None, earlier: Path | None = None,
             tables: dict[str, dict[str, str]] | None = None) -> str:  # fmt: skip
    """The committed report: figures (beside an earlier report's), what produced them, every miss."""
    k = run.config.k
    tables = tables or {}
    rows = _figures_table(
        run, METRIC_HEADER, METRICS, tables.get(METRIC_HEADER, {}) if earlier else None
    )
    first = run.ours.figures
    lines = [
        f"# Evaluation: `{_shown_path(run.config.corpus)}` with `{_shown_path(run.config.questions)}`, "
        f"{run.started:%Y-%m-%d %H:%M}",
        "",
        f"{first.answerable} answerable and {first.unanswerable} unanswerable questions; k = {k}. "
        "Produced by `python -m eval`; see eval/README.md for what each figure means.",
        "",
        *rows,
        "",
        *_before_note(earlier, tables),
    ]
    if chart is not None:
        lines += [f"![figures]({chart.name}) (chart not committed; re-run to draw it)", ""]
    lines += answers_section(run, _answers_before(earlier, tables))
    lines += documents_section(run, tables.get(DOCUMENT_HEADER))
    lines += ["## By kind of question", "", _kinds_markdown(run), "", "## Fingerprint", ""]
    lines += [f"- {key}: `{val}`" for key, val in run.fingerprint.items()]
    for pipeline in run.runs:
        notes = "; ".join(pipeline.notes) or "none"
        lines.append(f"- {pipeline.name}: setup {pipeline.setup_s:.1f} s; notes: {notes}")
    lines.append("")
    lines += misses_section(run.ours) + [""] + invalid_section(run.ours) + [""]
    for other in run.runs[1:]:
        missed = [r.question.id for r in other.results if r.question.answerable and not r.hit]
        lines += [
            f"## {other.name}: answerable questions missed ({len(missed)})",
            "",
            ", ".join(missed) or "none",
            "",
        ]
    return "\n".join(lines)


def _kinds_markdown(run: EvalRun) -> str:
    names = " | ".join(f"{p.name} hit@{run.config.k} / declined" for p in run.runs)
    rows = [f"| kind | answerable / unanswerable | {names} |", "|" + "---|" * (len(run.runs) + 2)]
    for kind, figures in run.ours.figures.by_kind.items():
        cells = " | ".join(
            f"{_rate(p.figures.by_kind[kind].hit_at_k)} / {_rate(p.figures.by_kind[kind].oos_declined)}"
            for p in run.runs
        )
        rows.append(f"| {kind} | {figures.answerable} / {figures.unanswerable} | {cells} |")
    return "\n".join(rows)


def bar_chart(run: EvalRun, path: Path) -> None:
    """Rates side by side (left) and latency (right), one bar per pipeline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rates = [m for m in METRICS if m.unit == "rate"]
    timings = [m for m in METRICS if m.unit == "ms"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.8 / len(run.runs)
    for i, pipeline in enumerate(run.runs):
        for axis, metrics in ((left, rates), (right, timings)):
            heights = [value(pipeline.figures, m) or 0.0 for m in metrics]
            bars = axis.bar(
                np.arange(len(metrics)) + i * width, heights, width, label=pipeline.name
            )
            axis.bar_label(bars, fmt="%.2f" if axis is left else "%.0f", fontsize=7)
    k = run.config.k
    left.set_xticks(np.arange(len(rates)) + width * (len(run.runs) - 1) / 2)
    left.set_xticklabels([m.title(k).replace(" ", "\n", 1) for m in rates], fontsize=8)
    left.set_ylim(0, 1.25)
    left.legend(loc="upper center", ncol=len(run.runs), fontsize=8)
    right.set_xticks(np.arange(len(timings)) + width * (len(run.runs) - 1) / 2)
    right.set_xticklabels([m.title(k) for m in timings], fontsize=8)
    right.set_ylabel("ms")
    fig.suptitle(
        f"{_shown_path(run.config.corpus)} / {run.config.questions.name} ({run.started:%Y-%m-%d})"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(run: EvalRun, folder: Path, name: str | None = None) -> tuple[Path, Path]:
    """The Markdown report and the chart beside it; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = report_name(run, name)
    chart = folder / f"{stem}.png"
    bar_chart(run, chart)
    report = folder / f"{stem}.md"
    date = f"{run.started:%Y-%m-%d}"
    earlier, tables = earlier_figures(folder, stem.removesuffix(f"-{date}"), date)
    report.write_text(markdown(run, chart, earlier, tables), encoding="utf-8")
    return report, chart
