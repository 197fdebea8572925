"""Documents an administrator uploads: files in one folder with a manifest.yaml describing them.

The folder is an ordinary ingest root, so `python -m ingest DATA_DIR/uploads` reads it the same
way the app does, and a removed file's passages leave the store on the next ingest of the folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from core.passage import KINDS
from ingest.manifest import MANIFEST_NAMES
from ingest.pipeline import FOLDER_NOTES
from ingest.readers import SUPPORTED

MANIFEST = MANIFEST_NAMES[0]


class UploadRefused(ValueError):
    """The file cannot be kept as a document; the message says why."""


@dataclass(frozen=True)
class UploadMeta:
    """What the administrator says about an uploaded document (all optional but the file)."""

    title: str = ""
    kind: str = "other"
    version: str = ""
    review_date: date | None = None

    def entry(self, file: str) -> dict[str, Any]:
        if self.kind not in KINDS:
            raise UploadRefused(f"kind must be one of {', '.join(KINDS)}")
        found: dict[str, Any] = {"file": file, "kind": self.kind}
        if self.title.strip():
            found["title"] = self.title.strip()
        if self.version.strip():
            found["version"] = self.version.strip()
        if self.review_date:
            found["review_date"] = self.review_date.isoformat()
        return found


def safe_name(name: str) -> str:
    """The file name to keep an upload under, or UploadRefused saying why it cannot be."""
    base = Path(name.replace("\\", "/")).name.strip()
    if not base or base.startswith("."):
        raise UploadRefused(f"{name!r} is not a usable file name")
    if Path(base).suffix.lower() not in SUPPORTED:
        raise UploadRefused(f"{base}: ShareCheck reads {', '.join(sorted(SUPPORTED))} files")
    if Path(base).stem.lower().startswith(FOLDER_NOTES):
        raise UploadRefused(f"{base}: names starting with {', '.join(FOLDER_NOTES)} are skipped")
    return base


def _load(folder: Path) -> list[dict[str, Any]]:
    path = folder / MANIFEST
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("documents") or [])


def _save(folder: Path, entries: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump({"documents": entries}, sort_keys=False, allow_unicode=True)
    tmp = folder / f".{MANIFEST}.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(folder / MANIFEST)


def save_upload(folder: Path, name: str, content: bytes, meta: UploadMeta) -> Path:
    """Keep the file (replacing one of the same name) and record its metadata in the manifest."""
    base = safe_name(name)
    entry = meta.entry(base)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / base
    target.write_bytes(content)
    _save(folder, [e for e in _load(folder) if e.get("file") != base] + [entry])
    return target


def remove_upload(folder: Path, name: str) -> None:
    """Delete an uploaded file and its manifest entry; ingest the folder after to drop passages."""
    base = safe_name(name)
    (folder / base).unlink(missing_ok=True)
    _save(folder, [e for e in _load(folder) if e.get("file") != base])


def uploaded_files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED)
