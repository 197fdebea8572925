"""An answer's [n] markers as numbered chips, and each cited passage with where it sits.

Also the one way any text ShareCheck did not write itself (documents, questions, answers, feedback,
notes) becomes Markdown: `escape_markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import streamlit as st

from core.answer import MARKER, Answer, Citation
from core.passage import SECTION_SEPARATOR, Passage

# Characters that start Markdown a reader's browser would act on: `[` and `]` links, images
# (`![..](..)`), footnotes and Streamlit's `:color[..]` directives; `<` raw HTML and `<url>`
# autolinks; `&` entities (`&#58;` would spell a URL after parsing); `` ` `` code spans that could
# swallow the ones made below; `$` LaTeX; and `\` itself, so that every other escape holds.
# Emphasis, lists and headings stay: documents keep their shape.
ACTIVE = re.compile(r"([\\`\[\]<&$])")
# What GitHub-flavoured Markdown links without any markup: web and e-mail addresses. remark-gfm
# finds them in the text after escapes are resolved, so a backslash cannot stop it, but it
# leaves code spans alone. Deliberately wider than its own patterns.
BARE_ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>`]*|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE
)
# Punctuation that ends a sentence rather than an address, as GitHub reads it.
TRAILING = ".,:;!?'\"*_~]"


def _address_end(address: str) -> int:
    """Where an address ends once trailing punctuation (and unbalanced `)`) is left to the text."""
    end = len(address)
    while end:
        last = address[end - 1]
        unbalanced = last == ")" and address.count(")", 0, end) > address.count("(", 0, end)
        if last not in TRAILING and not unbalanced:
            break
        end -= 1
    return end


def _escape_text(text: str) -> str:
    return ACTIVE.sub(r"\\\1", text)


def escape_markdown(text: str) -> str:
    """Text shown through Markdown exactly as written, with no images, links or HTML.

    Web and e-mail addresses stay visible as code (copyable, not clickable); everything that
    would fetch, link or render markup is shown as its own characters."""
    pieces: list[str] = []
    last = 0
    for match in BARE_ADDRESS.finditer(text):
        end = match.start() + _address_end(match.group(0))
        if end == match.start():
            continue
        pieces.append(_escape_text(text[last : match.start()]))
        pieces.append(f"`{text[match.start() : end]}`")
        last = end
    pieces.append(_escape_text(text[last:]))
    return "".join(pieces)


def inline_code(text: str) -> str:
    """A file name or similar as a code span, whatever backticks it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def chip(n: int) -> str:
    """Citation n as the blue badge an answer's [n] becomes."""
    return f":blue-badge[{n}]"


def with_chips(text: str, numbers: set[int]) -> str:
    """Answer Markdown, escaped, with each [n] that names a citation shown as a blue badge."""
    pieces: list[str] = []
    last = 0
    for match in MARKER.finditer(text):
        if int(match.group(1)) in numbers:
            pieces.append(escape_markdown(text[last : match.start()]))
            pieces.append(chip(int(match.group(1))))
            last = match.end()
    pieces.append(escape_markdown(text[last:]))
    return "".join(pieces)


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
    """The expander label: chip, the citation's label (title, clause, page) and a past-review
    flag."""
    flag = " :orange-badge[past review date]" if citation.warning else ""
    return f"{chip(citation.n)} {escape_markdown(citation.label())}{flag}"


def section_path(passage: Passage) -> str:
    """The headings above a passage, without the document title that usually leads them."""
    parts = [p for p in passage.section.split(SECTION_SEPARATOR) if p]
    if parts and passage.title.startswith(parts[0].rstrip(".… ")[:30]):
        parts = parts[1:]
    return " › ".join(parts)


def render_citation_body(citation: Citation) -> None:
    passage = citation.passage
    if citation.warning:
        st.warning(escape_markdown(citation.warning), icon=":material/event_busy:")
    headings = section_path(passage)
    # A leading "5." would turn the caption into a numbered list.
    where = [re.sub(r"^(\d+)\.", r"\1\\.", escape_markdown(headings))] if headings else []
    version = f" v{escape_markdown(passage.doc_version)}" if passage.doc_version else ""
    where.append(inline_code(passage.source) + version)
    st.caption(" · ".join(where))
    st.markdown(escape_markdown(passage.text))
