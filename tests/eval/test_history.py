"""Earlier reports found by name and date, and ShareCheck's figures read back from them."""

from __future__ import annotations

from pathlib import Path

from eval.history import earlier_figures, earlier_report, report_tables

OLD_REPORT = """# Evaluation

| metric | ShareCheck | LangChain tutorial |
|---|---|---|
| hit@5 | 0.61 | 0.39 |
| MRR@5 | 0.37 | 0.25 |

| kind | answerable / unanswerable | ShareCheck hit@5 / declined |
|---|---|---|
| frontline | 27 / 5 | 0.48 / 0.60 |

| document | answerable | ShareCheck | LangChain tutorial | ShareCheck before |
|---|---|---|---|---|
| `a.pdf` | 3 | 0.67 | 1.00 **below** | – |
"""


def test_earlier_report_is_the_newest_before_the_date_with_exactly_that_name(
    tmp_path: Path,
) -> None:
    for name in ("shared-corpus-2026-11-25.md", "shared-corpus-2026-11-26.md",
                 "shared-corpus-blind-2026-11-27.md", "shared-corpus-2026-11-30.md",
                 "shared-corpus-2026-11-26.png"):  # fmt: skip
        (tmp_path / name).write_text("x")
    found = earlier_report(tmp_path, "shared-corpus", "2026-11-30")
    assert found is not None and found.name == "shared-corpus-2026-11-26.md"
    assert earlier_report(tmp_path, "shared-corpus", "2026-11-25") is None
    blind = earlier_report(tmp_path, "shared-corpus-blind", "2026-12-01")
    assert blind is not None and blind.name == "shared-corpus-blind-2026-11-27.md"
    assert earlier_report(tmp_path, "bundled", "2026-12-01") is None


def test_report_tables_read_sharecheck_column_by_first_header() -> None:
    tables = report_tables(OLD_REPORT)
    assert tables["metric"] == {"hit@5": "0.61", "MRR@5": "0.37"}
    assert tables["document"] == {"`a.pdf`": "0.67"}
    assert "kind" not in tables  # no column called exactly ShareCheck


def test_earlier_figures_when_there_is_none(tmp_path: Path) -> None:
    assert earlier_figures(tmp_path, "bundled", "2026-11-30") == (None, {})
    (tmp_path / "bundled-2026-11-26.md").write_text(OLD_REPORT, encoding="utf-8")
    path, tables = earlier_figures(tmp_path, "bundled", "2026-11-30")
    assert path is not None and tables["metric"]["hit@5"] == "0.61"
