"""Verified answers: a logged answer corrected by governance and published, served first to new
questions that mean the same (governance.verified_lookup), withheld once a document it cites
changes.

Kept in the log database (migration m003) as append-only versions: publishing, re-approving and
withdrawing each add a row, and the latest row of a verified answer is the one that stands. Each
row seals its content with a sha256, so a row edited in the database is withheld, not served.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np
import yaml
from sqlalchemy import Engine, func, select

from core.answer import MARKER, VERDICTS, marker
from core.errors import ShareCheckError
from core.passage import citation_label
from core.settings import Settings
from governance.database import read_transaction, write_transaction
from governance.schema import verified_answers as table

log = logging.getLogger(__name__)

ACTIONS = ("published", "reapproved", "withdrawn")
# A verified bottom line is held to the same length as any other (assistant.extractive).
BOTTOM_LINE_WORDS = 60
# The illustrative bank for the bundled example documents, loaded where those documents are.
ILLUSTRATIVE_BANK = Path(__file__).resolve().parent / "data" / "verified-illustrative.yaml"
ILLUSTRATIVE_REVIEWER = "ShareCheck project (illustrative)"


class VerifiedError(ShareCheckError):
    """A verified answer could not be published, re-approved or withdrawn as asked."""


@dataclass(frozen=True)
class VerifiedCitation:
    """One passage a verified answer cites, pinned to the document version it was checked on."""

    n: int
    source: str
    title: str
    clause: str
    passage_id: str
    doc_hash: str
    page_label: str = ""

    def label(self) -> str:
        return citation_label(self.title, self.clause, self.page_label)

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n, "source": self.source, "title": self.title, "clause": self.clause,
            "passage_id": self.passage_id, "doc_hash": self.doc_hash, "page_label": self.page_label,
        }  # fmt: skip


@dataclass(frozen=True)
class VerifiedAnswer:
    """The standing version of one verified answer."""

    verified_id: int
    version: int
    action: str
    question: str  # as logged: personal details already removed
    verdict: str
    bottom_line: str
    citations: tuple[VerifiedCitation, ...]
    reviewer_id: str
    reviewed_on: date
    answer_id: int | None
    illustrative: bool
    bank_key: str
    embedder: str
    created_at: str
    content_hash: str
    vector: np.ndarray = field(compare=False, repr=False)

    @property
    def withdrawn(self) -> bool:
        return self.action == "withdrawn"

    @property
    def sealed(self) -> bool:
        """Its content still hashes to what was written (nobody edited the row since)."""
        return seal(self) == self.content_hash

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(c.source for c in self.citations))

    def label(self) -> str:
        """"V3 (version 2)": how the review page and the log name it."""
        return f"V{self.verified_id} (version {self.version})"


def seal(answer: VerifiedAnswer) -> str:
    """sha256 over the canonical JSON of everything a verified answer says and who said it."""
    content = {
        "verified_id": answer.verified_id, "version": answer.version, "action": answer.action,
        "question": answer.question, "verdict": answer.verdict, "bottom_line": answer.bottom_line,
        "citations": [c.to_json() for c in answer.citations], "reviewer_id": answer.reviewer_id,
        "reviewed_on": answer.reviewed_on.isoformat(), "answer_id": answer.answer_id,
        "illustrative": answer.illustrative, "bank_key": answer.bank_key,
        "embedder": answer.embedder,
        "vector": hashlib.sha256(np.asarray(answer.vector, dtype=np.float32).tobytes()).hexdigest(),
    }  # fmt: skip
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def withheld_reasons(
    answer: VerifiedAnswer, documents: Mapping[str, str], passage_ids: set[str]
) -> list[str]:
    """Why a verified answer may not be served now ([] when it may): a cited document changed
    (`documents` maps each stored source to its current doc_hash) or was removed, a cited passage
    is no longer stored, or the row was altered outside ShareCheck."""
    reasons = [] if answer.sealed else ["its stored row no longer matches its seal"]
    for c in answer.citations:
        current = documents.get(c.source)
        if current is None:
            reasons.append(f"{c.source} was removed")
        elif current != c.doc_hash:
            reasons.append(f"{c.source} changed (checked at {c.doc_hash[:12]}, now {current[:12]})")
        elif c.passage_id not in passage_ids:
            reasons.append(f"{c.label()} is no longer in {c.source}")
    return list(dict.fromkeys(reasons))


def check_bottom_line(bottom_line: str, citations: list[VerifiedCitation]) -> str:
    """The bottom line, trimmed, or VerifiedError saying what to fix."""
    text = " ".join(bottom_line.split())
    if not text:
        raise VerifiedError("a verified answer needs a bottom line")
    if len(text.split()) > BOTTOM_LINE_WORDS:
        raise VerifiedError(
            f"the bottom line has {len(text.split())} words; keep it to {BOTTOM_LINE_WORDS}"
        )
    numbers = {c.n for c in citations}
    unknown = sorted({int(n) for n in MARKER.findall(text)} - numbers)
    if unknown:
        shown = ", ".join(marker(n) for n in unknown)
        raise VerifiedError(f"the bottom line cites {shown}, which is not among its sources")
    return text


class VerifiedBank:
    """Verified answers in the log database: publish, re-approve, withdraw, read."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def open(cls, settings: Settings) -> VerifiedBank:
        """Open (and migrate) the log database at settings.log_database_url."""
        from governance.log import open_migrated

        return cls(open_migrated(settings.log_database_url))

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def publish(
        self,
        *,
        question: str,
        vector: np.ndarray,
        embedder: str,
        verdict: str,
        bottom_line: str,
        citations: list[VerifiedCitation],
        reviewer_id: str,
        answer_id: int | None = None,
        reviewed_on: date | None = None,
        illustrative: bool = False,
        bank_key: str = "",
    ) -> VerifiedAnswer:
        """Store a new verified answer (version 1) and return it."""
        if verdict not in VERDICTS:
            raise VerifiedError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        if not question.strip():
            raise VerifiedError("a verified answer needs its question")
        if not citations:
            raise VerifiedError("a verified answer must cite at least one passage")
        if not reviewer_id.strip():
            raise VerifiedError("a verified answer needs the name of the reviewer")
        draft = VerifiedAnswer(
            verified_id=0, version=1, action="published", question=question.strip(),
            verdict=verdict, bottom_line=check_bottom_line(bottom_line, citations),
            citations=tuple(citations), reviewer_id=reviewer_id, answer_id=answer_id,
            reviewed_on=reviewed_on or date.today(), illustrative=illustrative,
            bank_key=bank_key, embedder=embedder, created_at="", content_hash="",
            vector=np.asarray(vector, dtype=np.float32).reshape(-1),
        )  # fmt: skip
        with write_transaction(self._engine) as conn:
            latest = conn.scalar(select(func.max(table.c.verified_id)))
            return self._write(conn, replace(draft, verified_id=int(latest or 0) + 1))

    def reapprove(
        self, verified_id: int, documents: Mapping[str, str], passage_ids: set[str], reviewer_id: str
    ) -> VerifiedAnswer:
        """A new version pinned to the documents' current hashes, once a reviewer has checked it
        still holds; refused when a cited document or passage is gone."""
        with write_transaction(self._engine) as conn:
            standing = self._standing(conn, verified_id)
            citations = []
            for c in standing.citations:
                if c.source not in documents:
                    raise VerifiedError(f"{c.source} was removed: withdraw this answer instead")
                if c.passage_id not in passage_ids:
                    raise VerifiedError(
                        f"{c.label()} is no longer in {c.source}: withdraw this answer and "
                        "publish one from a fresh answer"
                    )
                citations.append(replace(c, doc_hash=documents[c.source]))
            renewed = replace(
                standing, version=standing.version + 1, action="reapproved",
                citations=tuple(citations), reviewer_id=reviewer_id, reviewed_on=date.today(),
            )  # fmt: skip
            return self._write(conn, renewed)

    def withdraw(self, verified_id: int, reviewer_id: str) -> VerifiedAnswer:
        """Stop serving a verified answer (a new version saying so; the history stays)."""
        with write_transaction(self._engine) as conn:
            standing = self._standing(conn, verified_id)
            gone = replace(
                standing, version=standing.version + 1, action="withdrawn",
                reviewer_id=reviewer_id, reviewed_on=date.today(),
            )  # fmt: skip
            return self._write(conn, gone)

    def _standing(self, conn: Any, verified_id: int) -> VerifiedAnswer:
        rows = self._latest(conn, table.c.verified_id == verified_id)
        if not rows:
            raise VerifiedError(f"no verified answer has number {verified_id}")
        if rows[0].withdrawn:
            raise VerifiedError(f"verified answer {verified_id} was withdrawn")
        return rows[0]

    def _write(self, conn: Any, answer: VerifiedAnswer) -> VerifiedAnswer:
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        sealed = replace(answer, created_at=created, content_hash="")
        sealed = replace(sealed, content_hash=seal(sealed))
        conn.execute(table.insert().values(**_row(sealed)))
        return sealed

    def standing(self, include_withdrawn: bool = False) -> list[VerifiedAnswer]:
        """The latest version of every verified answer, newest first."""
        with read_transaction(self._engine) as conn:
            rows = self._latest(conn, None)
        return [r for r in rows if include_withdrawn or not r.withdrawn]

    def get(self, verified_id: int) -> VerifiedAnswer | None:
        with read_transaction(self._engine) as conn:
            rows = self._latest(conn, table.c.verified_id == verified_id)
        return rows[0] if rows else None

    def history(self, verified_id: int) -> list[VerifiedAnswer]:
        """Every version of one verified answer, oldest first."""
        query = select(table).where(table.c.verified_id == verified_id).order_by(table.c.version)
        with read_transaction(self._engine) as conn:
            return [_answer(row._mapping) for row in conn.execute(query)]

    def versions(self) -> list[VerifiedAnswer]:
        """Every version of every verified answer, in order: what the export writes."""
        query = select(table).order_by(table.c.verified_id, table.c.version)
        with read_transaction(self._engine) as conn:
            return [_answer(row._mapping) for row in conn.execute(query)]

    def stamp(self) -> int:
        """Changes whenever anything is written: the last row id (0 when empty)."""
        with read_transaction(self._engine) as conn:
            return int(conn.scalar(select(func.max(table.c.id))) or 0)

    def bank_keys(self) -> set[str]:
        """Keys of bank entries ever loaded (withdrawn ones too, so they are not loaded again)."""
        with read_transaction(self._engine) as conn:
            found = conn.scalars(select(table.c.bank_key).where(table.c.bank_key != ""))
            return set(found)

    def _latest(self, conn: Any, where: Any) -> list[VerifiedAnswer]:
        latest = select(table.c.verified_id, func.max(table.c.version).label("version"))
        if where is not None:
            latest = latest.where(where)
        newest = latest.group_by(table.c.verified_id).subquery()
        query = (
            select(table)
            .join(newest, (table.c.verified_id == newest.c.verified_id)
                  & (table.c.version == newest.c.version))
            .order_by(table.c.verified_id.desc())
        )  # fmt: skip
        return [_answer(row._mapping) for row in conn.execute(query)]

    def load_bank(
        self,
        path: Path,
        documents: Mapping[str, str],
        embed: Callable[[str], tuple[np.ndarray, str]],
    ) -> list[VerifiedAnswer]:
        """Publish the entries of a bank file whose cited documents are stored at exactly the
        hashes the entry was checked on, each once (by its key); return those published."""
        entries = yaml.safe_load(path.read_text(encoding="utf-8")).get("answers", [])
        loaded = self.bank_keys()
        published = []
        for entry in entries:
            key = str(entry["key"])
            citations = [VerifiedCitation(n=n, **c) for n, c in enumerate(entry["citations"], 1)]
            if key in loaded or any(documents.get(c.source) != c.doc_hash for c in citations):
                continue
            vector, embedder = embed(entry["question"])
            published.append(self.publish(
                question=entry["question"], vector=vector, embedder=embedder,
                verdict=entry["verdict"], bottom_line=entry["bottom_line"], citations=citations,
                reviewer_id=ILLUSTRATIVE_REVIEWER, reviewed_on=date.fromisoformat(str(entry["reviewed_on"])),
                illustrative=True, bank_key=key,
            ))  # fmt: skip
        if published:
            log.info("loaded %d illustrative verified answers from %s", len(published), path)
        return published


def _row(answer: VerifiedAnswer) -> dict[str, Any]:
    citations = [c.to_json() for c in answer.citations]
    return {
        "verified_id": answer.verified_id, "version": answer.version, "action": answer.action,
        "created_at": answer.created_at, "reviewer_id": answer.reviewer_id,
        "reviewed_on": answer.reviewed_on.isoformat(), "answer_id": answer.answer_id,
        "question": answer.question, "embedder": answer.embedder,
        "question_vector": np.asarray(answer.vector, dtype=np.float32).tobytes(),
        "verdict": answer.verdict, "bottom_line": answer.bottom_line,
        "citations_json": json.dumps(citations, sort_keys=True, ensure_ascii=False),
        "illustrative": answer.illustrative, "bank_key": answer.bank_key,
        "content_hash": answer.content_hash,
    }  # fmt: skip


def _answer(row: Mapping[Any, Any]) -> VerifiedAnswer:
    citations = tuple(VerifiedCitation(**c) for c in json.loads(row["citations_json"]))
    return VerifiedAnswer(
        verified_id=row["verified_id"], version=row["version"], action=row["action"],
        question=row["question"], verdict=row["verdict"], bottom_line=row["bottom_line"],
        citations=tuple(sorted(citations, key=lambda c: c.n)), reviewer_id=row["reviewer_id"],
        reviewed_on=date.fromisoformat(row["reviewed_on"]), answer_id=row["answer_id"],
        illustrative=bool(row["illustrative"]), bank_key=row["bank_key"],
        embedder=row["embedder"], created_at=row["created_at"],
        content_hash=row["content_hash"],
        vector=np.frombuffer(bytes(row["question_vector"]), dtype=np.float32),
    )  # fmt: skip
