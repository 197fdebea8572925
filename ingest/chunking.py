"""Paragraphs -> passages that fit the embedding model, one clause (or part of one) each."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby

from core.passage import Passage
from core.sentences import split_sentences
from core.settings import MODEL_MAX_TOKENS
from ingest.passage_types import classify
from ingest.structure import Paragraph

# A clause shorter than this says too little to be found on its own; it joins its neighbour.
MIN_PASSAGE_TOKENS = 40



@dataclass(frozen=True)
class DocumentMeta:
    """What a document is, from the manifest or inferred: shared by all its passages."""

    source: str
    title: str
    kind: str = "other"
    version: str = ""
    review_date: str = ""
    doc_hash: str = ""


@dataclass
class _Draft:
    texts: list[str]
    tokens: int
    first: Paragraph
    last_clause: str
    page: int  # where the draft's first words stand: a long paragraph may start pages earlier
    page_label: str
    table_rows: int = 0  # pieces that are rows of a document table


class Chunker:
    """Packs a document's paragraphs into passages under the model's word-piece window."""

    def __init__(
        self, count_tokens: Callable[[str], int], budget: int = 200, overlap: int = 40
    ) -> None:
        self.count = count_tokens
        self.budget = budget
        self.overlap = overlap

    def passages(self, paragraphs: list[Paragraph], meta: DocumentMeta) -> list[Passage]:
        body = [p for p in paragraphs if not p.heading_only and not p.footnote]
        budget = self._budget(meta, unit_section(body))
        drafts: list[_Draft] = []
        for _, unit in groupby(body, key=lambda p: (p.unit, p.section)):
            drafts.extend(self._unit(list(unit), budget))
        drafts = self._merge_small(drafts)
        # A page's footnotes go together, apart from the clauses around them.
        notes = [p for p in paragraphs if p.footnote]
        for _, page_notes in groupby(notes, key=lambda p: p.page):
            drafts.extend(self._unit(list(page_notes), budget))
        out: dict[str, Passage] = {}
        for draft in drafts:
            passage = self._passage(draft, meta)
            out.setdefault(passage.id, passage)
        return list(out.values())

    def _budget(self, meta: DocumentMeta, section: str) -> int:
        prefix = self.count(f"{meta.title} > {section}")
        return max(32, min(self.budget, MODEL_MAX_TOKENS - prefix - 2))

    def _unit(self, paragraphs: list[Paragraph], budget: int) -> Iterator[_Draft]:
        draft: _Draft | None = None
        for para in paragraphs:
            for piece, tokens, offset in self._placed(para.text, budget):
                if draft and draft.tokens + tokens <= budget:
                    draft.texts.append(piece)
                    draft.tokens += tokens
                    draft.last_clause = para.clause
                    draft.table_rows += para.table_row
                    continue
                if draft:
                    yield draft
                draft = _Draft([piece], tokens, para, para.clause, *para.page_at(offset))
                draft.table_rows = int(para.table_row)
        if draft:
            yield draft

    def _placed(self, text: str, budget: int) -> Iterator[tuple[str, int, int]]:
        """The paragraph's pieces, each with where it starts in the paragraph's text."""
        start = 0
        for piece, tokens in self._pieces(text, budget):
            # Pieces are runs of the text's own words in order; overlapping ones start later.
            found = text.find(piece, start)
            start = found if found >= 0 else start
            yield piece, tokens, start

    def _pieces(self, text: str, budget: int) -> Iterator[tuple[str, int]]:
        """The paragraph whole, or overlapping runs of its sentences when it is too long."""
        tokens = self.count(text)
        if tokens <= budget:
            yield text, tokens
            return
        sentences = [(s, self.count(s)) for s in split_sentences(text)]
        window: list[tuple[str, int]] = []
        for sentence, size in sentences:
            if size > budget:  # one enormous sentence: cut it by words
                yield from self._words(sentence, budget)
                window = []
                continue
            if window and sum(n for _, n in window) + size > budget:
                yield " ".join(s for s, _ in window), sum(n for _, n in window)
                window = self._tail(window)
            window.append((sentence, size))
        if window:
            yield " ".join(s for s, _ in window), sum(n for _, n in window)

    def _tail(self, window: list[tuple[str, int]]) -> list[tuple[str, int]]:
        kept: list[tuple[str, int]] = []
        for sentence, size in reversed(window):
            if sum(n for _, n in kept) + size > self.overlap:
                break
            kept.insert(0, (sentence, size))
        return kept

    def _words(self, sentence: str, budget: int) -> Iterator[tuple[str, int]]:
        words = sentence.split()
        step = max(8, int(budget * 0.6))
        for start in range(0, len(words), step):
            piece = " ".join(words[start : start + step])
            yield piece, self.count(piece)

    def _merge_small(self, drafts: list[_Draft]) -> list[_Draft]:
        merged: list[_Draft] = []
        for draft in drafts:
            prev = merged[-1] if merged else None
            if (
                prev
                and prev.first.section == draft.first.section
                and min(prev.tokens, draft.tokens) < MIN_PASSAGE_TOKENS
                and prev.tokens + draft.tokens <= self.budget
            ):
                prev.texts.extend(draft.texts)
                prev.tokens += draft.tokens
                prev.last_clause = draft.last_clause
                prev.table_rows += draft.table_rows
            else:
                merged.append(draft)
        return merged

    def _passage(self, draft: _Draft, meta: DocumentMeta) -> Passage:
        first = draft.first
        clause = first.clause
        if draft.last_clause and draft.last_clause != clause and _unit_of(draft.last_clause) != _unit_of(clause):
            clause = f"{clause}–{draft.last_clause}" if clause else draft.last_clause
        section = first.section
        if first.unit and not section.endswith(first.unit):
            section = f"{section} > {first.unit}" if section else first.unit
        text = "\n".join(draft.texts)
        return Passage(
            text=text,
            source=meta.source,
            title=meta.title,
            kind=meta.kind,
            clause=clause,
            section=section,
            page=draft.page,
            page_label=draft.page_label,
            doc_version=meta.version,
            doc_hash=meta.doc_hash,
            review_date=meta.review_date,
            passage_type=classify(text, section, table_rows=draft.table_rows),
        )


def unit_section(paragraphs: list[Paragraph]) -> str:
    """The longest heading path in a document, to size the context prefix conservatively."""
    return max((p.section for p in paragraphs), key=len, default="")


def _unit_of(clause: str) -> str:
    """The clause a sub-item belongs to: '6.3(b)' -> '6.3', 'Article 6(1)(d)' -> 'Article 6(1)'."""
    return re.sub(r"(\((?:[a-z]{1,2}|[ivx]{1,4})\))+$", "", clause)
