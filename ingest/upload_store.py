"""Uploaded files kept in the shared registry (SHARECHECK_REGISTRY_URL), so no instance loses
another's uploads: the database holds each file's bytes and manifest entry, and each instance's
uploads folder is a copy of it, brought in line before that folder is ingested (one file at a
time when a page needs it). Without a shared registry the uploads folder is the only copy, as
before, and nothing here runs.

An instance's copy is brought in line by `restore`: a file the registry holds is written when it
is missing or differs, a file an admin removed (its row kept without bytes) is deleted when it is
the removed file, and a file the registry has never seen (uploaded before uploads were kept
there) is adopted into it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.exc import SQLAlchemyError

from core.errors import IngestError
from core.registry import Registry, StoredUpload
from core.settings import Settings
from ingest.manifest import MANIFEST_NAMES, read_manifest
from ingest.readers import SUPPORTED

log = logging.getLogger(__name__)

MANIFEST = MANIFEST_NAMES[0]


class UploadNotKept(IngestError):
    """The shared registry could not take an uploaded file; nothing of it was stored."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(
            f"{name} could not be kept in the shared registry ({why}); nothing was stored: "
            "try again, or ask whoever runs the database"
        )


@dataclass
class Restored:
    """What bringing an uploads folder in line with the shared registry did."""

    held: set[str] = field(default_factory=set)  # files whose bytes the registry holds
    removed: dict[str, str] = field(default_factory=dict)  # file -> hash, removed by an admin
    written: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file -> why it could not be written


def replace_file(target: Path, content: bytes) -> None:
    """Write beside the target, then swap it in: a link planted at the target is replaced,
    never written through."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    tmp.write_bytes(content)
    os.replace(tmp, target)


def manifest_rows(folder: Path) -> list[dict[str, Any]]:
    """The rows of the folder's manifest (none without one); ManifestError when unusable."""
    path = folder / MANIFEST
    return read_manifest(path if path.is_file() else None).rows


def save_manifest(folder: Path, rows: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump({"documents": rows}, sort_keys=False, allow_unicode=True)
    replace_file(folder / MANIFEST, text.encode("utf-8"))


def uploaded_files(folder: Path) -> list[str]:
    """The documents in an uploads folder (no links, no manifest, only types ShareCheck reads)."""
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink() and p.suffix.lower() in SUPPORTED
    )


def sha256_of(path: Path) -> str | None:
    """The file's hash, never through a link; None when it is missing, a link or unreadable."""
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class UploadStore:
    """One instance's uploads folder and the uploaded files the shared registry keeps."""

    def __init__(self, registry: Registry, folder: Path, max_file_mb: float) -> None:
        self.registry = registry
        self.folder = folder
        # SHARECHECK_MAX_FILE_MB: the ingest never reads a larger file, so none is kept here.
        self.max_file_mb = max_file_mb
        self.max_bytes = int(max_file_mb * 1024 * 1024)

    @classmethod
    def shared(cls, settings: Settings, registry: Registry) -> UploadStore | None:
        """The store when the registry is shared; None keeps uploads in the folder alone."""
        if not settings.registry_url:
            return None
        return cls(registry, settings.uploads_dir, settings.max_file_mb)

    def is_folder(self, root: Path) -> bool:
        return root.resolve() == self.folder.resolve()

    def keep(self, name: str, content: bytes, entry: dict[str, Any] | None, by: str) -> None:
        """Keep an uploaded file and its manifest entry in the registry (one transaction);
        UploadNotKept when that fails, having stored nothing."""
        try:
            self.registry.keep_upload(name, content, entry, by)
        except (SQLAlchemyError, sqlite3.Error) as error:
            log.exception("keeping upload %s in the shared registry failed", name)
            raise UploadNotKept(name, type(error).__name__) from error

    def remove(self, name: str, by: str) -> None:
        """An admin removed the upload: its bytes leave the registry, for every instance."""
        self.registry.remove_upload(name, by)

    def names(self) -> list[str]:
        """The uploaded files the registry holds."""
        return [u.name for u in self.registry.uploads() if u.held]

    def restore_one(self, name: str) -> Path | None:
        """This instance's copy of one held upload, written from the registry if missing or
        different (a page showing it); None when the registry does not hold it."""
        stored = next((u for u in self.registry.uploads() if u.name == name and u.held), None)
        if stored is None:
            return None
        path = self.folder / name
        if sha256_of(path) != stored.sha256:
            content = self.registry.upload_content(name)
            if content is None:  # removed since
                return None
            self.folder.mkdir(parents=True, exist_ok=True)
            replace_file(path, content)
        return path

    def restore(self, adopt: bool = True) -> Restored:
        """Bring this instance's uploads folder in line with the registry (files and manifest
        entries); with `adopt`, files the registry has never seen are taken into it. Called
        under the ingest lock before the folder is read; ManifestError if its manifest cannot
        be used, before anything is changed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        rows = manifest_rows(self.folder)
        entries = {str(r.get("file")): r for r in rows}
        stored = {u.name: u for u in self.registry.uploads()}
        done = Restored()
        for upload in stored.values():
            if not upload.held:
                done.removed[upload.name] = upload.sha256
            if upload.held:
                self._restore_held(upload, done)
                if upload.entry is None:
                    entries.pop(upload.name, None)
                else:
                    entries[upload.name] = upload.entry  # in its place, if it had one
            elif sha256_of(self.folder / upload.name) == upload.sha256:
                (self.folder / upload.name).unlink()
                entries.pop(upload.name, None)
                done.deleted.append(upload.name)
                log.info("upload %s was removed on another instance: deleted here", upload.name)
        if adopt:
            self._adopt([n for n in uploaded_files(self.folder) if n not in stored], entries, done)
        if list(entries.values()) != rows:
            save_manifest(self.folder, list(entries.values()))
        return done

    def _restore_held(self, upload: StoredUpload, done: Restored) -> None:
        done.held.add(upload.name)
        path = self.folder / upload.name
        if sha256_of(path) == upload.sha256:
            return
        content = self.registry.upload_content(upload.name)
        try:
            if content is None:
                raise OSError("its bytes are no longer in the registry")
            replace_file(path, content)
        except OSError as error:
            done.failed[upload.name] = f"could not be restored from the shared registry: {error}"
            return
        done.written.append(upload.name)
        log.info("upload %s restored from the shared registry", upload.name)

    def _adopt(self, names: list[str], entries: dict[str, dict[str, Any]], done: Restored) -> None:
        """Files uploaded here before the registry kept uploads go into it, so no other
        instance drops them; one over the size limit stays this instance's alone."""
        for name in names:
            path = self.folder / name
            if path.stat().st_size > self.max_bytes:
                log.warning("upload %s is over SHARECHECK_MAX_FILE_MB: not kept in registry", name)
                continue
            entry = entries.get(name)
            self.keep(name, path.read_bytes(), entry, str((entry or {}).get("uploaded_by", "")))
            done.held.add(name)
            done.adopted.append(name)
            log.info("upload %s, found only in this instance's folder, kept in the registry", name)
