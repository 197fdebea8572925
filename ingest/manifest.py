"""Document metadata from an optional manifest.yaml (or .toml) beside the files."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from core.errors import IngestError
from core.passage import KINDS

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.toml")


@dataclass(frozen=True)
class DocumentEntry:
    """One manifest row: what a file is, by whom it was agreed, and when it must be reviewed."""

    file: str
    title: str = ""
    kind: str = "other"
    version: str = ""
    effective_date: str = ""
    review_date: str = ""
    parties: tuple[str, ...] = ()


def _iso(value: Any, field: str, file: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as err:
        raise IngestError(f"manifest entry {file}: {field} '{value}' is not a YYYY-MM-DD date") from err


def _entry(row: dict[str, Any]) -> DocumentEntry:
    file = str(row.get("file") or "").strip()
    if not file:
        raise IngestError(f"manifest entry without 'file': {row}")
    kind = str(row.get("kind") or "other").strip().lower()
    if kind not in KINDS:
        raise IngestError(f"manifest entry {file}: kind '{kind}' is not one of {', '.join(KINDS)}")
    return DocumentEntry(
        file=file,
        title=str(row.get("title") or "").strip(),
        kind=kind,
        version=str(row.get("version") or "").strip(),
        effective_date=_iso(row.get("effective_date"), "effective_date", file),
        review_date=_iso(row.get("review_date"), "review_date", file),
        parties=tuple(str(p) for p in row.get("parties") or ()),
    )


def find_manifest(root: Path) -> Path | None:
    folder = root if root.is_dir() else root.parent
    return next((folder / n for n in MANIFEST_NAMES if (folder / n).is_file()), None)


def load_manifest(path: Path | None) -> dict[str, DocumentEntry]:
    """Entries keyed by file path relative to the manifest's folder; empty when there is none."""
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, tomllib.TOMLDecodeError) as err:
        raise IngestError(f"{path.name}: cannot read manifest: {err}") from err
    rows = (data or {}).get("documents") or []
    if not isinstance(rows, list):
        raise IngestError(f"{path.name}: 'documents' must be a list")
    entries = [_entry(row) for row in rows]
    return {e.file: e for e in entries}
