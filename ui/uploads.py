"""Documents an administrator uploads: files in one folder with a manifest.yaml describing them.

The folder is an ordinary ingest root, so `python -m ingest DATA_DIR/uploads` reads it the same
way the app does (each file parsed in the ingest's reading process, never in the app's), and a
removed file's passages leave the store on the next ingest of the folder. The manifest is read
and its entries checked by the one model ingest uses (`ingest.manifest`).

With the registry shared (SHARECHECK_REGISTRY_URL) an upload is written to the registry's
database first, in one transaction (`ingest.upload_store`; if that fails nothing is kept), and
the folder is this instance's copy of what the database holds, as every instance's is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.errors import ManifestError
from core.registry import DocumentRecord
from ingest.discovery import FOLDER_NOTES
from ingest.manifest import DocumentEntry
from ingest.readers import SUPPORTED
from ingest.upload_store import (
    UploadNotKept,
    UploadStore,
    manifest_rows,
    replace_file,
    save_manifest,
)
from ingest.upload_store import uploaded_files as uploaded_files


class UploadRefused(ValueError):
    """The file cannot be kept as a document; the message says why."""


@dataclass(frozen=True)
class UploadMeta:
    """What the administrator says about an uploaded document (all optional but the file).

    `doc_id` names the document this file is a new version of ("" for a new document): ingest
    then makes it that document's current version (ingest/versions.py)."""

    title: str = ""
    kind: str = "other"
    version: str = ""
    review_date: date | None = None
    effective_date: date | None = None
    doc_id: str = ""
    uploaded_by: str = ""

    def entry(self, file: str) -> dict[str, Any]:
        """The manifest row for `file`, checked as ingest will check it."""
        try:
            entry = DocumentEntry(
                file=file, id=self.doc_id, title=self.title, kind=self.kind, version=self.version,
                review_date=self.review_date.isoformat() if self.review_date else "",
                effective_date=self.effective_date.isoformat() if self.effective_date else "",
                uploaded_by=self.uploaded_by,
            )  # fmt: skip
        except ValidationError as err:
            reasons = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in err.errors())
            raise UploadRefused(reasons.replace("Value error, ", "")) from None
        return entry.to_row()


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
    try:
        return manifest_rows(folder)
    except ManifestError as err:
        raise UploadRefused(f"{err}; fix or remove that manifest first") from None


def save_upload(
    folder: Path,
    name: str,
    content: bytes,
    meta: UploadMeta,
    library: Sequence[DocumentRecord] = (),
    shared: UploadStore | None = None,
) -> Path:
    """Keep the file and record its metadata in the manifest. A file of the same name is
    replaced only when it is a version of the same document; `library` (the stored documents)
    refuses a new document named like one already there. With `shared` (the registry is shared)
    the file and its entry go into the registry first, in one transaction, and the folder is
    brought in line with it before the name is checked."""
    base = safe_name(name)
    entry = meta.entry(base)
    if shared is not None:
        _check_size(base, content, shared.max_file_mb)
        try:
            shared.restore(adopt=False)
        except ManifestError as err:
            raise UploadRefused(f"{err}; fix or remove that manifest first") from None
    folder.mkdir(parents=True, exist_ok=True)
    rows = _load(folder)
    _check_name(folder, base, meta.doc_id, rows, library)
    if shared is not None:
        try:
            shared.keep(base, content, entry, meta.uploaded_by)
        except UploadNotKept as err:
            raise UploadRefused(str(err)) from None
    target = folder / base
    replace_file(target, content)
    save_manifest(folder, [e for e in rows if e.get("file") != base] + [entry])
    return target


def _check_size(base: str, content: bytes, max_file_mb: float) -> None:
    """A file the ingest would refuse as too large is not kept in the shared registry either."""
    if len(content) > max_file_mb * 1024 * 1024:
        raise UploadRefused(
            f"{base}: larger than the {max_file_mb:g} MB limit (SHARECHECK_MAX_FILE_MB)"
        )


def _check_name(
    folder: Path,
    base: str,
    doc_id: str,
    rows: list[dict[str, Any]],
    library: Sequence[DocumentRecord],
) -> None:
    """A new document may not take a stored document's file name; a new version may not
    overwrite an uploaded file of another document."""
    stored = next((d for d in library if d.source == base), None)
    if not doc_id and stored is not None:
        raise UploadRefused(
            f"{base}: '{stored.title}' already has this file name; upload it as a new version of "
            "that document, or rename the file"
        )
    row = next((r for r in rows if r.get("file") == base), None)
    here = stored is not None and Path(stored.root) == folder.resolve()
    held_by = (row or {}).get("id") or (stored.doc_id if stored and here else "")
    if doc_id and (folder / base).exists() and held_by != doc_id:
        raise UploadRefused(
            f"{base}: the uploads folder holds this file name for another document; rename the file"
        )


def remove_upload(
    folder: Path, name: str, shared: UploadStore | None = None, removed_by: str = ""
) -> None:
    """Delete an uploaded file and its manifest entry (and its bytes from the shared registry,
    with `shared`); ingest the folder after to drop passages."""
    base = safe_name(name)
    rows = _load(folder)
    if shared is not None:
        shared.remove(base, removed_by)
        folder.mkdir(parents=True, exist_ok=True)  # this instance may never have had a copy
    (folder / base).unlink(missing_ok=True)
    save_manifest(folder, [e for e in rows if e.get("file") != base])
