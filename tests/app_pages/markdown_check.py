"""What in a Markdown string a reader's browser would act on: images, links, raw HTML, and the
addresses remark-gfm links by itself. Parsed with markdown-it (CommonMark) as an independent
reader; the address patterns are remark-gfm's own."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

# remark-gfm's autolink-literal patterns, as in Streamlit 1.67's StreamlitMarkdown bundle
# (mdast-util-gfm-autolink-literal): it links whatever these find in text after parsing.
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
LIVE_TOKENS = {"image", "link_open", "html_inline", "html_block"}


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def _tokens(tokens: list[Token]) -> list[Token]:
    return [t for token in tokens for t in (token, *_tokens(token.children or []))]


def live_parts(markdown: str) -> list[str]:
    """Each image, link, HTML or linkable address in `markdown`; empty when it is inert."""
    found = []
    for token in _tokens(MarkdownIt("commonmark", {"html": True}).parse(markdown)):
        if token.type in LIVE_TOKENS:
            found.append(f"{token.type}: {token.content or token.attrs}")
        elif token.type == "text":
            found += [m.group(0) for p in (GFM_URL, GFM_EMAIL) for m in p.finditer(token.content)]
    return found
