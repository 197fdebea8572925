"""Folders of documents -> passages in the store: idempotent, one writer, repairs after a crash."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from core.embedding import Embedder
from core.errors import IngestError, UnreadableDocument
from core.lexical import LexicalIndex
from core.passage import Passage
from core.registry import DocumentRecord, Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from ingest.chunking import Chunker, DocumentMeta
from ingest.cleaning import clean_blocks
from ingest.manifest import DocumentEntry, find_manifest, load_manifest
from ingest.readers import SUPPORTED, RawDocument, read_document
from ingest.structure import StructureParser
from ingest.titles import infer_title

log = logging.getLogger(__name__)

Status = Literal["added", "updated", "unchanged", "removed", "failed"]
# Files that describe a corpus folder rather than belong to it.
FOLDER_NOTES = ("readme", "sources", "changelog", "license", "manifest")
# Bump when reading, structure or chunking change what passages a file gives: every file is then
# read again on the next ingest instead of being skipped as unchanged.
PASSAGE_FORMAT_VERSION = 4
# Formats whose lines are hard-wrapped, so lines join into paragraphs.
WRAPPED = {".pdf", ".txt", ".md", ".markdown", ".doc"}


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file, with the reason when it failed."""

    source: str
    status: Status
    passages: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    """The summary a person sees after an ingest."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    passages_written: int = 0
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every file was handled; 1 when files were offered and none could be ingested."""
        handled = [o for o in self.outcomes if o.status != "removed"]
        return 1 if handled and all(o.status == "failed" for o in handled) else 0


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source: str
    root: Path


Progress = Callable[[int, int, str], None]


def discover(roots: list[Path]) -> Iterator[SourceFile]:
    """Every file under the roots (recursively), sources named relative to their root."""
    for root in roots:
        if root.is_file():
            yield SourceFile(root, root.name, root.parent.resolve())
            continue
        if not root.is_dir():
            raise IngestError(f"{root}: no such file or folder")
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if path.stem.lower().startswith(FOLDER_NOTES):
                continue
            yield SourceFile(path, rel.as_posix(), root.resolve())


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Ingester:
    """Brings the store in line with the given folders: adds, updates, skips, removes."""

    def __init__(self, settings: Settings, embedder: Embedder, store: PassageStore | None = None):
        self.settings = settings
        self.embedder = embedder
        self.store = store or PassageStore(settings, embedder)
        self.registry = Registry(settings.registry_path)
        self.chunker = Chunker(
            embedder.count_tokens, settings.passage_tokens, settings.passage_overlap_tokens
        )

    def close(self) -> None:
        self.registry.close()

    def run(
        self, roots: list[Path], rebuild: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Call under `writer_lock`: one writer at a time."""
        started = time.perf_counter()
        if rebuild:
            self.store.delete(sorted(self.store.ids()))
            self.registry.clear()
        self.repair()
        report = IngestReport()
        files = list(discover(roots))
        manifests = {f.root: load_manifest(find_manifest(f.root)) for f in files}
        report.outcomes.extend(self._remove_missing(roots, files))
        for index, item in enumerate(files):
            if progress:
                progress(index, len(files), item.source)
            outcome, written = self._one(item, manifests[item.root].get(item.source))
            report.outcomes.append(outcome)
            report.passages_written += written
        if progress:
            progress(len(files), len(files), "")
        self.refresh_lexical(force=report.passages_written > 0 or report.count("removed") > 0)
        report.seconds = time.perf_counter() - started
        return report

    # -- one file ---------------------------------------------------------------------------
    def _one(self, item: SourceFile, entry: DocumentEntry | None) -> tuple[FileOutcome, int]:
        try:
            limit = self.settings.max_file_mb * 1024 * 1024
            if item.path.suffix.lower() not in SUPPORTED:
                raise UnreadableDocument(item.source, f"unsupported format '{item.path.suffix}'")
            if item.path.stat().st_size > limit:
                raise UnreadableDocument(
                    item.source,
                    f"larger than the {self.settings.max_file_mb:g} MB limit "
                    "(SHARECHECK_MAX_FILE_MB)",
                )
            doc_hash = _file_hash(item.path)
            meta_hash = hashlib.sha256(
                f"{doc_hash}{json.dumps(entry.__dict__ if entry else {}, default=str)}"
                f"{self.settings.passage_tokens}/{self.settings.passage_overlap_tokens}"
                f"/v{PASSAGE_FORMAT_VERSION}".encode()
            ).hexdigest()
            known = self.registry.document(item.source)
            if known and known.meta_hash == meta_hash and known.root == str(item.root):
                return FileOutcome(item.source, "unchanged", known.passages), 0
            raw = read_document(item.path, item.source)
            meta = self._meta(item, raw, entry, doc_hash)
            passages = self.passages(raw, meta, item.path.suffix.lower())
            if not passages:
                raise UnreadableDocument(item.source, "no text found")
            written = self._write(item, meta, entry, meta_hash, passages)
        except UnreadableDocument as err:
            log.warning("%s", err)
            return FileOutcome(item.source, "failed", reason=err.reason), 0
        except OSError as err:
            return FileOutcome(item.source, "failed", reason=f"cannot read file: {err}"), 0
        status: Status = "updated" if known else "added"
        return FileOutcome(item.source, status, len(passages)), written

    def passages(self, raw: RawDocument, meta: DocumentMeta, suffix: str) -> list[Passage]:
        blocks = clean_blocks(raw.blocks, raw.paged)
        paragraphs = StructureParser(meta.title, wrapped=suffix in WRAPPED).parse(blocks)
        return self.chunker.passages(paragraphs, meta)

    def _meta(
        self, item: SourceFile, raw: RawDocument, entry: DocumentEntry | None, doc_hash: str
    ) -> DocumentMeta:
        return DocumentMeta(
            source=item.source,
            title=(entry.title if entry and entry.title else infer_title(raw, item.path)),
            kind=entry.kind if entry else "other",
            version=entry.version if entry else "",
            review_date=entry.review_date if entry else "",
            doc_hash=doc_hash,
        )

    def _write(
        self,
        item: SourceFile,
        meta: DocumentMeta,
        entry: DocumentEntry | None,
        meta_hash: str,
        passages: list[Passage],
    ) -> int:
        """Vectors first, then the registry in one transaction, then orphans: crash-safe order."""
        old_ids = self.registry.ids_of(item.source)
        present = self.store.existing([p.id for p in passages])
        shared = self.registry.sources_of(p.id for p in passages if p.id in present)
        fresh = [p for p in passages if not (shared.get(p.id, []) and set(shared[p.id]) - {item.source})]
        self.store.upsert(fresh)
        self._note_shared(passages, shared, item.source)
        record = DocumentRecord(
            source=item.source, root=str(item.root), doc_hash=meta.doc_hash, meta_hash=meta_hash,
            title=meta.title, kind=meta.kind, version=meta.version,
            effective_date=entry.effective_date if entry else "",
            review_date=meta.review_date, parties=entry.parties if entry else (),
            passages=len(passages), ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )  # fmt: skip
        self.registry.save(record, {p.id for p in passages})
        self._drop_orphans(old_ids - {p.id for p in passages})
        return len(fresh)

    def _note_shared(
        self, passages: list[Passage], shared: dict[str, list[str]], source: str
    ) -> None:
        """A passage already stored from another file keeps its first home and lists this one."""
        stored = {p.id: p for p in self.store.get([pid for pid, s in shared.items() if set(s) - {source}])}
        updates = []
        for passage in passages:
            if passage.id in stored:
                first = stored[passage.id]
                others = sorted((set(shared[passage.id]) | {source}) - {first.source})
                updates.append(first.with_sources(tuple(others)))
        if updates:
            self.store.update_metadata(updates)

    def _drop_orphans(self, candidate_ids: set[str]) -> None:
        if not candidate_ids:
            return
        still = self.registry.sources_of(candidate_ids)
        self.store.delete(sorted(pid for pid, sources in still.items() if not sources))

    def _remove_missing(self, roots: list[Path], files: list[SourceFile]) -> list[FileOutcome]:
        """Documents ingested from these folders whose files are gone lose their passages."""
        folders = {str(r.resolve()) for r in roots if r.is_dir()}
        present = {(str(f.root), f.source) for f in files}
        outcomes = []
        for doc in self.registry.documents():
            if doc.root in folders and (doc.root, doc.source) not in present:
                ids = self.registry.ids_of(doc.source)
                self._rehome(doc.source, ids)
                self.registry.remove(doc.source)
                self._drop_orphans(ids)
                outcomes.append(FileOutcome(doc.source, "removed", doc.passages))
        return outcomes

    def _rehome(self, source: str, ids: set[str]) -> None:
        """Shared passages whose first home is going: their other files are read again."""
        for passage in self.store.get(sorted(ids)):
            if passage.source == source:
                for other in passage.also_in:
                    self.registry.forget_hash(other)

    # -- consistency ------------------------------------------------------------------------
    def repair(self) -> None:
        """Undo what a crash part-way left: vectors nobody references, documents missing vectors."""
        stored = self.store.ids()
        referenced = self.registry.referenced_ids()
        orphans = sorted(stored - referenced)
        if orphans:
            log.warning("repair: removing %d passages left by an interrupted ingest", len(orphans))
            self.store.delete(orphans)
        missing = referenced - stored
        if missing:
            for source in {s for ss in self.registry.sources_of(missing).values() for s in ss}:
                log.warning("repair: %s lost passages; it will be read again", source)
                self.registry.forget_hash(source)

    def refresh_lexical(self, force: bool = False) -> None:
        """Rebuild the BM25 index when the corpus changed or the index is stale or missing."""
        version = self.registry.corpus_version()
        current = LexicalIndex.load(self.settings.lexical_dir)
        fresh = current is not None and current.version == version and current.laws is not None
        if not force and fresh:
            return
        LexicalIndex.build(self.store.all_passages(), version).save(self.settings.lexical_dir)
