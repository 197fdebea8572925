"""Which files under the given folders are documents to ingest, and why each other one is not.

Only regular files inside a folder are read. Symbolic links are refused (a link to /etc/passwd
dropped into a corpus folder must never be ingested), as are hidden files and folders, files that
describe the folder (README, SOURCES, LICENSE, CHANGELOG, the manifest) and types no reader
handles. Each is named in the ingest summary with the reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import IngestError
from ingest.manifest import MANIFEST_NAMES
from ingest.readers import SUPPORTED

# Files that describe a corpus folder rather than belong to it, by the start of their name.
FOLDER_NOTES = ("readme", "sources", "changelog", "license", "manifest")


@dataclass(frozen=True)
class SourceFile:
    """A document file found under a root; `source` is its path relative to that root."""

    path: Path
    source: str
    root: Path


@dataclass(frozen=True)
class Skipped:
    """A file (or folder, named with a trailing /) found but not read, and why."""

    source: str
    reason: str
    root: Path


@dataclass
class Survey:
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def survey(roots: list[Path]) -> Survey:
    """Every document file under the roots (recursively, links not followed) and every file
    passed over with the reason; a root named twice is read once."""
    found = Survey()
    seen: set[Path] = set()
    for root in roots:
        if root.resolve() in seen:
            continue
        seen.add(root.resolve())
        first = len(found.files)
        if root.is_file():
            _one_file(root, found)
        elif root.is_dir():
            _folder(root, found)
        else:
            raise IngestError(f"{root}: no such file or folder")
        found.files[first:] = sorted(found.files[first:], key=lambda f: f.path)
    return found


def discover(roots: list[Path]) -> Iterator[SourceFile]:
    """The document files under the roots, sources named relative to their root."""
    yield from survey(roots).files


def _one_file(path: Path, found: Survey) -> None:
    """A file named on its own: the caller chose it, so only its type is checked."""
    root = path.parent.resolve()
    reason = _unsupported(path)
    if reason:
        found.skipped.append(Skipped(path.name, reason, root))
    else:
        found.files.append(SourceFile(path, path.name, root))


def _folder(root: Path, found: Survey) -> None:
    resolved = root.resolve()
    for folder, dirs, names in os.walk(root):  # does not follow links to folders
        here = Path(folder)
        dirs[:] = [d for d in sorted(dirs) if _enter(root, here / d, resolved, found)]
        for name in sorted(names):
            path = here / name
            source = path.relative_to(root).as_posix()
            if here == root and name in MANIFEST_NAMES:
                continue  # read as the folder's manifest
            reason = skip_reason(path)
            if reason:
                found.skipped.append(Skipped(source, reason, resolved))
            else:
                found.files.append(SourceFile(path, source, resolved))


def _enter(root: Path, folder: Path, resolved: Path, found: Survey) -> bool:
    """Whether to look inside a sub-folder; a link or hidden folder is noted as skipped."""
    source = folder.relative_to(root).as_posix() + "/"
    if folder.is_symlink():
        found.skipped.append(Skipped(source, _link_reason(folder), resolved))
        return False
    if folder.name.startswith("."):
        found.skipped.append(Skipped(source, "hidden folder", resolved))
        return False
    return True


def skip_reason(path: Path) -> str:
    """Why a file found in a folder is not read; "" when it is a document to read."""
    if path.is_symlink():
        return _link_reason(path)
    if path.name.startswith("."):
        return "hidden file"
    if not stat.S_ISREG(path.lstat().st_mode):
        return "not a regular file"
    note = next((n for n in FOLDER_NOTES if path.stem.lower().startswith(n)), None)
    if note is not None:
        return f"{note.upper()} describes the folder"
    return _unsupported(path)


def _unsupported(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in SUPPORTED:
        return ""
    return f"unsupported type {suffix}" if suffix else "unsupported type (no extension)"


def _link_reason(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return f"symbolic link (to {target}); links are not followed: copy the file into the folder"
