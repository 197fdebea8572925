"""Earlier reports of the same gold set, read back so a report can set today's figures beside
the last ones the repository kept (eval/reports/<name>-<date>.md)."""

from __future__ import annotations

import re
from pathlib import Path

# Reports are named `<name>-<YYYY-MM-DD>.md`; the date must follow the name directly, so
# "shared-corpus" does not pick up "shared-corpus-blind-...".
_DATE = r"(\d{4}-\d{2}-\d{2})"
OURS = "ShareCheck"


def earlier_report(folder: Path, name: str, date: str) -> Path | None:
    """The newest report named `name` dated before `date` (YYYY-MM-DD), or None."""
    pattern = re.compile(re.escape(name) + "-" + _DATE + r"\.md")
    found = []
    for path in folder.glob(f"{name}-*.md"):
        match = pattern.fullmatch(path.name)
        if match and match.group(1) < date:
            found.append((match.group(1), path))
    return max(found)[1] if found else None


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def report_tables(text: str) -> dict[str, dict[str, str]]:
    """ShareCheck's column of every Markdown table that has one: {first header: {row: cell}}."""
    tables: dict[str, dict[str, str]] = {}
    column: int | None = None
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = _cells(line)
        if column is None:
            column = cells.index(OURS) if OURS in cells else -1
            current = tables.setdefault(cells[0], {}) if column > 0 else {}
        elif column > 0 and not set(cells[0]) <= set("-: ") and len(cells) > column:
            current[cells[0]] = cells[column]
    return tables


def earlier_figures(
    folder: Path, name: str, date: str
) -> tuple[Path | None, dict[str, dict[str, str]]]:
    """The earlier report (if any) and ShareCheck's figures in it, by table and row."""
    path = earlier_report(folder, name, date)
    if path is None:
        return None, {}
    return path, report_tables(path.read_text(encoding="utf-8"))
