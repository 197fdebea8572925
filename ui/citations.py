"""An answer's [n] markers as numbered chips, and each cited passage with where it sits."""

from __future__ import annotations

import re
from collections.abc import Iterator

import streamlit as st

from assistant.answer import Answer, Citation
from core.passage import Passage

MARKER = re.compile(r"\[(\d+)\]")


def escape_markdown(text: str) -> str:
    """Document text shown as Markdown: `$` would otherwise start LaTeX in Streamlit."""
    return text.replace("$", r"\$")


def with_chips(text: str, numbers: set[int]) -> str:
    """Answer Markdown with each [n] that names a citation shown as a blue badge."""

    def chip(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f":blue-badge[{n}]" if n in numbers else match.group(0)

    return MARKER.sub(chip, escape_markdown(text))


def answer_markdown(answer: Answer) -> str:
    return with_chips(answer.text, {c.n for c in answer.citations})


def words(markdown: str) -> Iterator[str]:
    """The answer a word at a time, for st.write_stream (whitespace kept, so Markdown survives)."""
    yield from re.findall(r"\S+\s*|\s+", markdown)


def shown_citations(answer: Answer) -> list[Citation]:
    """The citations the text points at; all of them if it points at none."""
    cited = answer.cited_numbers()
    return [c for c in answer.citations if c.n in cited] or list(answer.citations)


def citation_label(citation: Citation) -> str:
    """The expander label: chip, document title, clause, page and a past-review flag."""
    passage = citation.passage
    parts = [f":blue-badge[{citation.n}] {escape_markdown(passage.title)}"]
    if passage.clause:
        parts.append(f"clause {passage.clause}")
    if passage.page:
        parts.append(f"p. {passage.page_label or passage.page}")
    flag = " :orange-badge[past review date]" if citation.warning else ""
    return " · ".join(parts) + flag


def section_path(passage: Passage) -> str:
    """The headings above a passage, without the document title that usually leads them."""
    parts = [p for p in passage.section.split(" > ") if p]
    if parts and passage.title.startswith(parts[0].rstrip(".… ")[:30]):
        parts = parts[1:]
    return " › ".join(parts)


def render_citation_body(citation: Citation) -> None:
    passage = citation.passage
    if citation.warning:
        st.warning(citation.warning, icon=":material/event_busy:")
    headings = section_path(passage)
    # A leading "5." would turn the caption into a numbered list.
    where = [re.sub(r"^(\d+)\.", r"\1\\.", escape_markdown(headings))] if headings else []
    where.append(f"`{passage.source}`" + (f" v{passage.doc_version}" if passage.doc_version else ""))
    st.caption(" · ".join(where))
    st.markdown(escape_markdown(passage.text))
