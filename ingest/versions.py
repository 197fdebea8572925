"""Which file is each document's current version.

A file's document is named by its manifest entry's `id`; without one, a file already stored (or
stored before at the same place) keeps its document, and a new file gets an id derived from its
name (core/registry.derived_id). Files of one document in different folders are its versions:

- a file that was a version of the document and has since been replaced is never read again, in
  any folder and whatever its content now: a re-read does not bring an older version back;
- a file new to the document replaces the current version, unless its effective date is earlier
  than the current version's (the bundled corpus never overrides a newer upload);
- of several new files, the one with the latest effective date, then version, is kept; the others
  are recorded as earlier versions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from core.registry import DocumentRecord, Registry, VersionRecord, derived_id
from ingest.discovery import SourceFile
from ingest.manifest import DocumentEntry

Entries = Callable[[SourceFile], DocumentEntry | None]


@dataclass(frozen=True)
class Superseded:
    """A file not read because it is an earlier version of a document; the reason names the
    current one."""

    item: SourceFile
    reason: str


@dataclass
class VersionPlan:
    """The files to read (one per document) and what each one replaces."""

    files: list[SourceFile] = field(default_factory=list)
    doc_ids: dict[str, str] = field(default_factory=dict)  # by source, for the files to read
    replaces: dict[str, DocumentRecord] = field(default_factory=dict)  # by source
    superseded: list[Superseded] = field(default_factory=list)
    earlier: list[VersionRecord] = field(default_factory=list)  # to record, never stored


def identities(registry: Registry, files: list[SourceFile], entry_of: Entries) -> dict[SourceFile, str]:
    """Each file's document id: the manifest's, else the one its file already has, else new."""
    taken = registry.doc_ids()
    found: dict[SourceFile, str] = {}
    for item in files:
        entry = entry_of(item)
        doc_id = (entry.id if entry else "") or _known_id(registry, item)
        if not doc_id:
            doc_id = derived_id(item.source, taken | set(found.values()))
        found[item] = doc_id
    return found


def _known_id(registry: Registry, item: SourceFile) -> str:
    """The id of the stored document this file is (same name, and same folder or its file moved
    away), else of the version last held at this place; "" for a file never seen."""
    stored = registry.document(item.source)
    if stored is not None and stored.doc_id:
        here = Path(stored.root) == item.root
        if here or not (Path(stored.root) / stored.source).is_file():
            return stored.doc_id
    latest = registry.latest_at(str(item.root), item.source)
    return latest.doc_id if latest else ""


def plan_versions(
    registry: Registry, files: list[SourceFile], ids: dict[SourceFile, str], entry_of: Entries
) -> VersionPlan:
    """Keep one file per document: its current version, or the newer file that replaces it."""
    plan = VersionPlan()
    groups: dict[str, list[SourceFile]] = {}
    for item in files:
        groups.setdefault(ids[item], []).append(item)
    for doc_id, items in groups.items():
        keep = _plan_one(registry, doc_id, items, entry_of, plan)
        if keep is not None:
            plan.files.append(keep)
            plan.doc_ids[keep.source] = doc_id
    plan.files.sort(key=lambda f: files.index(f))
    return plan


def _plan_one(
    registry: Registry, doc_id: str, items: list[SourceFile], entry_of: Entries, plan: VersionPlan
) -> SourceFile | None:
    current = registry.current_version(doc_id)
    live = []
    for item in items:
        latest = registry.latest_at(str(item.root), item.source)
        if latest is not None and latest.doc_id == doc_id and latest.ended == "replaced":
            plan.superseded.append(Superseded(item, _earlier_reason(current)))
        else:
            live.append(item)
    here = [i for i in live if current and (str(i.root), i.source) == (current.root, current.source)]
    new = [i for i in live if i not in here]
    if current is not None:
        for item in [i for i in new if _older(entry_of(i), current)]:
            new.remove(item)
            _note_earlier(plan, doc_id, item, entry_of(item), _earlier_reason(current))
    if not new:
        return here[0] if here else None
    newest = max(new, key=lambda i: _newness(entry_of(i), i))
    replaced_by = f"an earlier version: {newest.path} replaces it"
    plan.superseded.extend(Superseded(item, replaced_by) for item in here)
    for item in new:
        if item != newest:
            _note_earlier(plan, doc_id, item, entry_of(item), replaced_by)
    stored = registry.document_by_id(doc_id)
    if stored is not None and (stored.root, stored.source) != (str(newest.root), newest.source):
        plan.replaces[newest.source] = stored
    return newest


def _older(entry: DocumentEntry | None, current: VersionRecord) -> bool:
    """Dated earlier than the current version (both dated); an undated file is not older."""
    effective = entry.effective_date if entry else ""
    return bool(effective and current.effective_date and effective < current.effective_date)


def _newness(entry: DocumentEntry | None, item: SourceFile) -> tuple[str, tuple[int, ...], str]:
    version = tuple(int(n) for n in re.findall(r"\d+", entry.version)) if entry else ()
    return (entry.effective_date if entry else "", version, str(item.path))


def _earlier_reason(current: VersionRecord | None) -> str:
    if current is None:
        return "an earlier version of a document, since replaced; not read again"
    shown = f"version {current.version}" if current.version else "the current version"
    return (
        f"an earlier version of '{current.title}' ({shown} is {current.source}); not read again"
    )


def _note_earlier(
    plan: VersionPlan, doc_id: str, item: SourceFile, entry: DocumentEntry | None, reason: str
) -> None:
    """Record a file as an earlier version (the caller fills in its hash)."""
    plan.superseded.append(Superseded(item, reason))
    plan.earlier.append(
        VersionRecord(
            doc_id=doc_id, root=str(item.root), source=item.source, doc_hash="",
            title=(entry.title if entry else "") or item.source,
            version=entry.version if entry else "",
            effective_date=entry.effective_date if entry else "",
            uploaded_by=entry.uploaded_by if entry else "",
            added_at=datetime.now(UTC).isoformat(timespec="seconds"), ended="replaced",
            ended_at=None,
        )
    )  # fmt: skip
