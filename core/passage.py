"""The unit everything is built on: a passage of a document, with where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

KINDS = ("charter", "agreement", "guidance", "legislation", "policy", "other")
# What a passage is, set at ingest (ingest.passage_types.classify): answerers can treat a clause
# (prose) differently from a form, a contact block or a contents page. A closed set.
PASSAGE_TYPES = (
    "prose",
    "list",
    "table",
    "form",
    "contact",
    "definitions",
    "contents",
    "document_control",
)


@dataclass(frozen=True)
class Passage:
    """A clause-level piece of one document, verbatim, with its place in that document."""

    text: str
    source: str
    title: str
    kind: str = "other"
    clause: str = ""
    section: str = ""
    page: int = 0  # physical page, 1-based; 0 where the format has no pages
    page_label: str = ""  # printed page label where the PDF has one
    doc_version: str = ""
    doc_hash: str = ""
    review_date: str = ""  # ISO date; "" when none
    also_in: tuple[str, ...] = field(default_factory=tuple)
    passage_type: str = "prose"  # one of PASSAGE_TYPES; not part of the id

    def __post_init__(self) -> None:
        if self.passage_type not in PASSAGE_TYPES:
            raise ValueError(
                f"passage_type {self.passage_type!r} is not one of {', '.join(PASSAGE_TYPES)}"
            )

    @property
    def id(self) -> str:
        """Stable id from what the passage says and where in its document it sits."""
        key = f"{self.clause}\x00{self.section}\x00{self.text}".encode()
        return hashlib.sha256(key).hexdigest()[:24]

    @property
    def heading(self) -> str:
        """Document title and heading path, the context a reader (and the embedder) needs."""
        return f"{self.title} > {self.section}" if self.section else self.title

    def embedding_text(self) -> str:
        """What is embedded and indexed: heading context first, then the passage."""
        return f"{self.heading}\n{self.text}"

    def past_review(self, today: date | None = None) -> bool:
        if not self.review_date:
            return False
        return date.fromisoformat(self.review_date) < (today or date.today())

    def to_metadata(self) -> dict[str, Any]:
        """Chroma metadata: scalars only."""
        meta = asdict(self)
        meta.pop("text")
        meta["also_in"] = "|".join(self.also_in)
        return meta

    @classmethod
    def from_record(cls, text: str, metadata: dict[str, Any]) -> Passage:
        """A passage from stored metadata; records written before a field existed get its default
        (a store from before passage types reads as "prose")."""
        known = {k: v for k, v in metadata.items() if k in cls.__dataclass_fields__}
        also_in = known.pop("also_in", "") or ""
        return cls(text=text, also_in=tuple(s for s in str(also_in).split("|") if s), **known)

    def with_sources(self, also_in: tuple[str, ...]) -> Passage:
        return replace(self, also_in=also_in)
