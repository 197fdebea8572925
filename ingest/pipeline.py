"""Folders of documents -> passages in the store: idempotent, one writer, repairs after a crash."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from core.context import context_windows
from core.embedding import Embedder
from core.errors import UnreadableDocument
from core.laws import laws_named
from core.lexical import LexicalIndex
from core.passage import Passage
from core.registry import DocumentRecord, DuplicateRecord, Registry
from core.settings import Settings
from core.vectorstore import PassageStore
from ingest.chunking import Chunker, DocumentMeta
from ingest.cleaning import clean_blocks
from ingest.discovery import FOLDER_NOTES, SourceFile, Survey, discover, survey
from ingest.duplicates import Fingerprint, KeptDocuments, Match, fingerprint_of, keep_order
from ingest.manifest import DocumentEntry, Manifest, find_manifest, read_manifest
from ingest.readers import Block, RawDocument
from ingest.sandbox import DocumentReader, ReaderProcess
from ingest.structure import StructureParser
from ingest.titles import infer_title
from ingest.upload_store import Restored, UploadStore
from ingest.versions import VersionPlan, identities, plan_versions

__all__ = ["FOLDER_NOTES", "FileOutcome", "IngestReport", "Ingester", "SourceFile", "discover"]

log = logging.getLogger(__name__)

Status = Literal[
    "added", "updated", "unchanged", "removed", "failed", "duplicate", "skipped", "superseded"
]
# Bump when reading, structure or chunking change what passages a file gives: every file is then
# read again on the next ingest instead of being skipped as unchanged. 5: passages carry their
# type, files their text fingerprint (so stores from before find their duplicates). 6: each
# passage also has a context vector (core/context.py).
PASSAGE_FORMAT_VERSION = 6
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
    # Manifest entries that describe no file being ingested, or are wrong in a way that does not
    # belong to one file (an entry naming no file); problems with a file's own entry are its reason.
    problems: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def duplicates(self) -> list[FileOutcome]:
        """Files not stored because they repeat a stored document; the reason names it."""
        return [o for o in self.outcomes if o.status == "duplicate"]

    @property
    def superseded(self) -> list[FileOutcome]:
        """Files not read because they are an earlier version of a document (ingest/versions.py)."""
        return [o for o in self.outcomes if o.status == "superseded"]

    @property
    def skipped(self) -> list[FileOutcome]:
        """Files found but deliberately not read (links, hidden files, folder notes, other types)."""
        return [o for o in self.outcomes if o.status == "skipped"]

    @property
    def exit_code(self) -> int:
        """0 when every file was handled; 1 when files were offered and none could be ingested."""
        handled = [o for o in self.outcomes if o.status not in ("removed", "skipped", "superseded")]
        return 1 if handled and all(o.status == "failed" for o in handled) else 0


Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class _Checked:
    """A file as found this run: its manifest entry and the hashes that say whether it changed."""

    item: SourceFile
    entry: DocumentEntry | None
    doc_hash: str
    meta_hash: str


@dataclass
class _Run:
    """What one run has settled so far."""

    kept: KeptDocuments
    checked: dict[str, _Checked]
    versions: VersionPlan = field(default_factory=VersionPlan)
    outcomes: dict[str, FileOutcome] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # documents (re)written in this run


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    # Never through a link: a file swapped for one since it was found fails here.
    with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Ingester:
    """Brings the store in line with the given folders: adds, updates, skips, removes."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: PassageStore | None = None,
        reader: DocumentReader | None = None,
    ):
        """`reader` (closed with the ingester) reads each file; by default a ReaderProcess held
        to `settings.ingest`'s limits, so no file is parsed in this process."""
        self.settings = settings
        self.embedder = embedder
        self.store = store or PassageStore(settings, embedder)
        self.registry = Registry.open(settings)
        # With the registry shared, uploaded files are kept there too (ingest/upload_store.py).
        self.uploads = UploadStore.shared(settings, self.registry)
        self.reader = reader or ReaderProcess(settings.ingest)
        self.chunker = Chunker(
            embedder.count_tokens, settings.passage_tokens, settings.passage_overlap_tokens
        )

    def close(self) -> None:
        self.reader.close()
        self.registry.close()

    def run(
        self, roots: list[Path], rebuild: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Call under `writer_lock`: one writer at a time. The folders and their manifests are
        read before anything is changed, so a manifest that cannot be used changes nothing."""
        started = time.perf_counter()
        restored = self._restore_uploads(roots)
        found = survey(roots)
        manifests = _manifests(roots)
        if rebuild:
            self.store.delete(sorted(self.store.ids()))
            self.registry.clear()
        self.repair()
        report = IngestReport(problems=_manifest_notes(roots, manifests, found))
        report.outcomes.extend(FileOutcome(s.source, "skipped", reason=s.reason) for s in found.skipped)
        unrestored = restored.failed.items()
        report.outcomes.extend(FileOutcome(n, "failed", reason=r) for n, r in unrestored)
        report.outcomes.extend(self._remove_missing(roots, found.files, restored))
        versions, clashes = self._current_versions(found.files, manifests)
        report.outcomes.extend(clashes)
        files = versions.files
        # The copy of a document to keep comes first, so its duplicates meet it already stored.
        files.sort(key=lambda f: keep_order(f.source))
        state = self._start(files, manifests, versions)
        for index, item in enumerate(files):
            if progress:
                progress(index, len(files), item.source)
            if item.source not in state.outcomes:  # not failed, nor found a duplicate already
                outcome, written = self._one(state.checked[item.source], state)
                state.outcomes[item.source] = outcome
                report.passages_written += written
        if progress:
            progress(len(files), len(files), "")
        report.outcomes.extend(state.outcomes[s] for s in sorted(state.outcomes))
        self.collect_laws()
        # A stored copy found a duplicate leaves the corpus, which changes its version.
        self.refresh_lexical(force=report.passages_written > 0 or report.count("removed") > 0)
        report.seconds = time.perf_counter() - started
        return report

    # -- which files ------------------------------------------------------------------------
    def _current_versions(
        self, files: list[SourceFile], manifests: dict[Path, Manifest]
    ) -> tuple[VersionPlan, list[FileOutcome]]:
        """The files to read: one per document, its current version (ingest/versions.py); the
        others reported with why, earlier versions recorded as such."""

        def entry_of(item: SourceFile) -> DocumentEntry | None:
            return manifests.get(item.root, Manifest()).entries.get(item.source)

        ids = identities(self.registry, files, entry_of)
        claimed, outcomes = self._claim_sources(files, ids)
        plan = plan_versions(self.registry, claimed, ids, entry_of)
        for earlier in plan.earlier:
            try:
                doc_hash = _file_hash(Path(earlier.root) / earlier.source)
            except OSError:
                continue  # unreadable: reported as superseded, recorded when it can be read
            self.registry.note_replaced(replace(earlier, doc_hash=doc_hash))
        outcomes.extend(
            FileOutcome(str(s.item.path), "superseded", reason=s.reason) for s in plan.superseded
        )
        return plan, outcomes

    def _claim_sources(
        self, files: list[SourceFile], ids: dict[SourceFile, str]
    ) -> tuple[list[SourceFile], list[FileOutcome]]:
        """A source names one document: a file whose name another folder already holds for
        another document (stored from there, or earlier in this run) is refused, named by its
        full path, rather than replacing that document. Versions of one document may share it."""
        owners: dict[str, tuple[Path, str]] = {}
        claimed: list[SourceFile] = []
        refused: list[FileOutcome] = []
        for item in files:
            owner = owners.get(item.source) or self._stored_owner(item)
            if owner is not None and owner[0] != item.root and owner[1] != ids[item]:
                reason = (
                    f"{owner[0]} already holds a document named {item.source}; rename this file "
                    "(each document needs its own name) or give it that document's id to make it "
                    "a new version"
                )
                refused.append(FileOutcome(str(item.path), "failed", reason=reason))
                continue
            owners.setdefault(item.source, (item.root, ids[item]))
            claimed.append(item)
        return claimed, refused

    def _stored_owner(self, item: SourceFile) -> tuple[Path, str] | None:
        """The folder a stored document of this name came from, while its file is still there,
        and that document's id."""
        stored = self.registry.document(item.source) or self.registry.duplicate(item.source)
        if stored is None or Path(stored.root) == item.root:
            return None
        doc_id = stored.doc_id if isinstance(stored, DocumentRecord) else ""
        return (Path(stored.root), doc_id) if (Path(stored.root) / item.source).is_file() else None

    # -- one file ---------------------------------------------------------------------------
    def _start(
        self, files: list[SourceFile], manifests: dict[Path, Manifest], versions: VersionPlan
    ) -> _Run:
        """Hash every file, and note which stored documents stand unchanged (the ones a changed
        file is compared with)."""
        checked: dict[str, _Checked] = {}
        failed: dict[str, FileOutcome] = {}
        for item in files:
            manifest = manifests.get(item.root, Manifest())
            if refusal := manifest.refusal(item.source):
                failed[item.source] = FileOutcome(item.source, "failed", reason=refusal)
                continue
            try:
                checked[item.source] = self._check(item, manifest.entries.get(item.source))
            except UnreadableDocument as err:
                log.warning("%s", err)
                failed[item.source] = FileOutcome(item.source, "failed", reason=err.reason)
            except OSError as err:
                reason = f"cannot read file: {err}"
                failed[item.source] = FileOutcome(item.source, "failed", reason=reason)
        fingerprinted = self.registry.fingerprinted()
        stored = {
            d.source
            for d in self.registry.documents()
            if d.source in fingerprinted
            and not _changed(d.meta_hash, d.root, checked.get(d.source))
        }
        kept = KeptDocuments(stored, self._stored_fingerprint)
        for replaced in versions.replaces.values():  # a new version is no duplicate of the old
            kept.discard(replaced.source)
        return _Run(kept, checked, versions, failed)

    def _check(self, item: SourceFile, entry: DocumentEntry | None) -> _Checked:
        limit = self.settings.max_file_mb * 1024 * 1024
        if item.path.stat().st_size > limit:
            raise UnreadableDocument(
                item.source,
                f"larger than the {self.settings.max_file_mb:g} MB limit (SHARECHECK_MAX_FILE_MB)",
            )
        doc_hash = _file_hash(item.path)
        meta_hash = hashlib.sha256(
            f"{doc_hash}{json.dumps(entry.hashed() if entry else {}, default=str)}"
            f"{self.settings.passage_tokens}/{self.settings.passage_overlap_tokens}"
            f"/v{PASSAGE_FORMAT_VERSION}".encode()
        ).hexdigest()
        return _Checked(item, entry, doc_hash, meta_hash)

    def _one(self, checked: _Checked, state: _Run) -> tuple[FileOutcome, int]:
        source = checked.item.source
        known = self.registry.document(source)
        if known and source in state.kept and not _changed(known.meta_hash, known.root, checked):
            return FileOutcome(source, "unchanged", known.passages), 0
        if still := self._still_duplicate(checked, state):
            return still, 0
        try:
            return self._ingest(checked, known is not None or source in state.versions.replaces, state)
        except UnreadableDocument as err:
            log.warning("%s", err)
            return FileOutcome(source, "failed", reason=err.reason), 0
        except OSError as err:
            return FileOutcome(source, "failed", reason=f"cannot read file: {err}"), 0

    def _ingest(self, checked: _Checked, known: bool, state: _Run) -> tuple[FileOutcome, int]:
        """Read a new or changed file, then store it or record it as a stored copy's duplicate."""
        item = checked.item
        raw = self.reader.read(item.path, item.source)
        blocks = clean_blocks(raw.blocks, raw.paged)
        fingerprint = fingerprint_of("\n".join(b.text for b in blocks))
        matches = state.kept.matches(item.source, fingerprint)
        if matches and keep_order(matches[0].source) < keep_order(item.source):
            record = _duplicate(item.source, item.root, checked.meta_hash, matches[0])
            return self._demote(record, state, fingerprint), 0
        meta = self._meta(item, raw, checked.entry, checked.doc_hash)
        passages = self._passages(blocks, meta, item.path.suffix.lower())
        passages = self._approved_as_prose(passages)
        if not passages:
            raise UnreadableDocument(item.source, "no text found")
        for match in matches:  # stored copies this file is to be kept before
            self._demote_stored(match.source, Match(item.source, match.similarity), state)
        written = self._write(checked, meta, passages, fingerprint, state.versions)
        state.kept.add(item.source, fingerprint)
        state.written.add(item.source)
        status: Status = "updated" if known else "added"
        return FileOutcome(item.source, status, len(passages)), written

    # -- duplicates -------------------------------------------------------------------------
    def _still_duplicate(self, checked: _Checked, state: _Run) -> FileOutcome | None:
        """A file recorded as a duplicate stays one while it and its kept copy are unchanged."""
        noted = self.registry.duplicate(checked.item.source)
        if (
            noted is None
            or _changed(noted.meta_hash, noted.root, checked)
            or noted.duplicate_of not in state.kept
            or noted.duplicate_of in state.written
        ):
            return None
        return _duplicate_outcome(noted.source, Match(noted.duplicate_of, noted.similarity))

    def _demote(
        self, record: DuplicateRecord, state: _Run, fingerprint: Fingerprint | None = None
    ) -> FileOutcome:
        """Record a file as a duplicate; passages it stored before are dropped."""
        ids = self.registry.ids_of(record.source)
        self._forget_source(record.source, ids)
        self.registry.save_duplicate(record, fingerprint.to_bytes() if fingerprint else None)
        self._drop_orphans(ids)
        state.kept.discard(record.source)
        log.info("%s: duplicate of %s", record.source, record.duplicate_of)
        return _duplicate_outcome(record.source, Match(record.duplicate_of, record.similarity))

    def _demote_stored(self, source: str, keeper: Match, state: _Run) -> None:
        """A stored document that a file read now is kept before becomes that file's duplicate."""
        known = self.registry.document(source)
        if known is not None:
            record = _duplicate(source, known.root, known.meta_hash, keeper)
            state.outcomes[source] = self._demote(record, state)

    def _stored_fingerprint(self, source: str) -> Fingerprint | None:
        blob = self.registry.fingerprint(source)
        return Fingerprint.from_bytes(blob) if blob else None

    def passages(self, raw: RawDocument, meta: DocumentMeta, suffix: str) -> list[Passage]:
        return self._passages(clean_blocks(raw.blocks, raw.paged), meta, suffix)

    def _approved_as_prose(self, passages: list[Passage]) -> list[Passage]:
        """Passages typed as instructions that an admin approved stay ordinary text."""
        held = [p.id for p in passages if p.passage_type == "instruction"]
        approved = self.registry.approved(held) if held else set()
        return [replace(p, passage_type="prose") if p.id in approved else p for p in passages]

    def _passages(self, blocks: list[Block], meta: DocumentMeta, suffix: str) -> list[Passage]:
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
        checked: _Checked,
        meta: DocumentMeta,
        passages: list[Passage],
        fingerprint: Fingerprint,
        versions: VersionPlan,
    ) -> int:
        """New vectors first, then the registry in one transaction, then what the document
        shares with stored passages, then orphans: crash-safe order. A new version of a document
        takes the place of the one it replaces in that transaction; their passages in common are
        rewritten as the new version's."""
        item = checked.item
        replaced = versions.replaces.get(item.source)
        own = {item.source} | ({replaced.source} if replaced else set())
        new_ids = {p.id for p in passages}
        old_ids = {source: self.registry.ids_of(source) for source in own}
        present = self.store.existing([p.id for p in passages])
        shared = self.registry.sources_of(p.id for p in passages if p.id in present)
        homes = {p.id: p.source for p in self.store.get([i for i, s in shared.items() if set(s) - own])}
        fresh = [
            replace(p, also_in=tuple(sorted(set(shared.get(p.id, [])) - own)))
            for p in passages
            if not set(shared.get(p.id, [])) - own or homes.get(p.id) in own
        ]
        window = dict(zip((p.id for p in passages), context_windows(passages), strict=True))
        self.store.upsert(
            [p for p in fresh if p.id not in present],
            contexts=[window[p.id] for p in fresh if p.id not in present],
        )
        # Recorded as not yet read (meta_hash ""): a crash before it is marked read below makes
        # the next run read it again, which finishes the rewrites that follow.
        self.registry.save(
            self._record(checked, meta, passages, versions.doc_ids.get(item.source, "")),
            new_ids, fingerprint.to_bytes(), replaces=replaced,
        )  # fmt: skip
        if replaced is not None and replaced.source != item.source:
            self._forget_source(replaced.source, old_ids[replaced.source] - new_ids)
        rewrite = [p for p in fresh if p.id in present]
        self.store.upsert(rewrite, contexts=[window[p.id] for p in rewrite])
        self._note_shared(passages, shared, item.source, own)
        self.registry.mark_read(item.source, checked.meta_hash)
        self._drop_orphans(set().union(*old_ids.values()) - new_ids)
        return len(fresh)

    def _record(
        self, checked: _Checked, meta: DocumentMeta, passages: list[Passage], doc_id: str
    ) -> DocumentRecord:
        """The registry row of a document being written, not yet marked read."""
        item, entry = checked.item, checked.entry
        return DocumentRecord(
            source=item.source, root=str(item.root), doc_hash=meta.doc_hash, meta_hash="",
            title=meta.title, kind=meta.kind, version=meta.version,
            effective_date=entry.effective_date if entry else "",
            review_date=meta.review_date, parties=entry.parties if entry else (),
            passages=len(passages), ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            laws=tuple(sorted(laws_named(p.text for p in passages))), doc_id=doc_id,
            uploaded_by=entry.uploaded_by if entry else "",
        )  # fmt: skip

    def _note_shared(
        self, passages: list[Passage], shared: dict[str, list[str]], source: str, own: set[str]
    ) -> None:
        """A passage already stored from another document keeps its first home and lists this
        file (and takes the type this ingest gives it: a store from before types gets them);
        `own` are this document's files, the one being read and the version it replaces."""
        stored = {p.id: p for p in self.store.get([pid for pid, s in shared.items() if set(s) - own])}
        updates = []
        for passage in passages:
            if passage.id in stored and stored[passage.id].source not in own:
                first = stored[passage.id]
                others = sorted((set(shared[passage.id]) - own | {source}) - {first.source})
                updates.append(
                    replace(first, also_in=tuple(others), passage_type=passage.passage_type)
                )
        if updates:
            self.store.update_metadata(updates)

    def _drop_orphans(self, candidate_ids: set[str]) -> None:
        if not candidate_ids:
            return
        still = self.registry.sources_of(candidate_ids)
        self.store.delete(sorted(pid for pid, sources in still.items() if not sources))

    def _restore_uploads(self, roots: list[Path]) -> Restored:
        """With the registry shared and the uploads folder among `roots`: that folder brought
        in line with the uploads the registry keeps, before it is read."""
        if self.uploads is None or not any(self.uploads.is_folder(r) for r in roots):
            return Restored()
        return self.uploads.restore()

    def _remove_missing(
        self, roots: list[Path], files: list[SourceFile], uploads: Restored | None = None
    ) -> list[FileOutcome]:
        """Documents ingested from these folders whose files are gone lose their passages;
        duplicates whose files are gone are forgotten. With the registry shared, an upload whose
        bytes it holds is never removed for want of this instance's copy, and one an admin
        removed goes wherever it was read from (another instance's uploads folder)."""
        folders = {str(r.resolve()) for r in roots if r.is_dir()}
        present = {(str(f.root), f.source) for f in files}
        uploads = uploads or Restored()
        here = str(self.uploads.folder.resolve()) if self.uploads else None
        outcomes = []
        for doc in self.registry.documents():
            if doc.root == here and doc.source in uploads.held:
                continue
            if doc.root in folders:
                gone = (doc.root, doc.source) not in present
            else:  # read elsewhere: gone only as the very file an admin removed
                gone = uploads.removed.get(doc.source) == doc.doc_hash
            if gone:
                ids = self.registry.ids_of(doc.source)
                self._forget_source(doc.source, ids)
                self.registry.remove(doc.source)
                self._drop_orphans(ids)
                outcomes.append(FileOutcome(doc.source, "removed", doc.passages))
        for duplicate in self.registry.duplicates():
            if duplicate.root in folders and (duplicate.root, duplicate.source) not in present:
                self.registry.remove(duplicate.source)
                outcomes.append(FileOutcome(duplicate.source, "removed"))
        return outcomes

    def _forget_source(self, source: str, ids: set[str]) -> None:
        """A file's passages lose it: those it was the first home of are read again from their
        other files on the next ingest; those that only listed it stop listing it."""
        updates = []
        for passage in self.store.get(sorted(ids)):
            if passage.source == source:
                for other in passage.also_in:
                    self.registry.forget_hash(other)
            elif source in passage.also_in:
                others = tuple(s for s in passage.also_in if s != source)
                updates.append(passage.with_sources(others))
        if updates:
            self.store.update_metadata(updates)

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

    def collect_laws(self) -> None:
        """Documents recorded before the registry kept their laws get them from their stored
        passages (a registry upgraded in place)."""
        for doc in self.registry.documents():
            if doc.laws is None:
                passages = self.store.get(sorted(self.registry.ids_of(doc.source)))
                self.registry.set_laws(doc.source, laws_named(p.text for p in passages))

    def refresh_lexical(self, force: bool = False) -> None:
        """Rebuild the BM25 index when the corpus changed or the index is stale or missing."""
        version = self.registry.corpus_version()
        current = LexicalIndex.load(self.settings.lexical_dir)
        fresh = current is not None and current.version == version
        if not force and fresh:
            return
        LexicalIndex.build(self.store.all_passages(), version).save(self.settings.lexical_dir)


def _folder_of(root: Path) -> Path:
    return (root if root.is_dir() else root.parent).resolve()


def _manifests(roots: list[Path]) -> dict[Path, Manifest]:
    """Each root folder's manifest; ManifestError when one cannot be used at all."""
    return {_folder_of(r): read_manifest(find_manifest(r)) for r in roots if r.exists()}


def _manifest_notes(roots: list[Path], manifests: dict[Path, Manifest], found: Survey) -> list[str]:
    """Manifest problems that are no one file's reason for failing: entries naming no file, or a
    file that is not in the folder or is not read."""
    notes: list[str] = []
    for folder in dict.fromkeys(_folder_of(r) for r in roots if r.is_dir()):
        manifest = manifests.get(folder, Manifest())
        present = {f.source for f in found.files if f.root == folder}
        skipped = {s.source: s.reason for s in found.skipped if s.root == folder}
        notes.extend(str(p) for p in manifest.problems if p.file not in present)
        for file in manifest.entries:
            if file in skipped:
                notes.append(f"{manifest.label}: entry for {file}: that file is not read ({skipped[file]})")
            elif file not in present:
                notes.append(f"{manifest.label}: entry for {file}: no such file in the folder")
    return notes


def _changed(meta_hash: str, root: str, checked: _Checked | None) -> bool:
    """Has the file behind a registry row changed (or moved folder) since it was recorded?
    A row whose file is not part of this run stands as it is."""
    if checked is None:
        return False
    return meta_hash != checked.meta_hash or root != str(checked.item.root)


def _duplicate(source: str, root: Path | str, meta_hash: str, keeper: Match) -> DuplicateRecord:
    noted_at = datetime.now(UTC).isoformat(timespec="seconds")
    return DuplicateRecord(
        source, str(root), meta_hash, keeper.source, round(keeper.similarity, 4), noted_at
    )


def _duplicate_outcome(source: str, keeper: Match) -> FileOutcome:
    reason = f"duplicate of {keeper.source} (similarity {keeper.similarity:.2f})"
    return FileOutcome(source, "duplicate", reason=reason)
