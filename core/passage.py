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
    "instruction",  # addresses a reader as a system (core/instructions.py): never guidance
)
# Between the headings of a section path ("5. Sharing > 5.2 Consent") and after the document title
# in `Passage.heading`; written by ingest, embedded with the passage, split again to show it.
SECTION_SEPARATOR = " > "


def page_shown(page: int, page_label: str = "") -> str:
    """The page a reader looks for: the printed label where the document has one, else the
    physical page; "" where the format has no pages."""
    return page_label or (str(page) if page else "")


def clause_shown(clause: str) -> str:
    """A numbered clause as "clause 5.2"; a named one ("Article 6(1)", "Schedule 2") as it is."""
    numbered = clause[:1].isdigit() or clause.startswith("(")
    return f"clause {clause}" if numbered else clause


def citation_label(title: str, clause: str, page: str) -> str:
    """The one way a citation is named to a person, in the app, the review page, the CLI, the
    export and the LLM's prompt: "Title, clause 5.2, p. iii" (`page` as `page_shown` gives it)."""
    parts = [title]
    if clause:
        parts.append(clause_shown(clause))
    if page:
        parts.append(f"p. {page}")
    return ", ".join(parts)


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
        return f"{self.title}{SECTION_SEPARATOR}{self.section}" if self.section else self.title

    @property
    def page_shown(self) -> str:
        """The page a reader looks for (printed label, else physical page; "" if none)."""
        return page_shown(self.page, self.page_label)

    def citation_label(self) -> str:
        """How a person sees where this passage is: "Title, clause 5.2, p. iii"."""
        return citation_label(self.title, self.clause, self.page_shown)

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
