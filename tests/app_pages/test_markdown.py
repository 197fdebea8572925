"""escape_markdown: document text, questions, answers and feedback shown as written, never as
images, links or HTML; the answer's citation chips still become badges."""

from __future__ import annotations

import html
import re

import pytest

from tests.app_pages.markdown_check import live_parts, rendered
from ui.citations import escape_markdown, inline_code, with_chips

HOSTILE = [
    "![tracker](https://evil.example/pixel.png?who=me)",
    "![tracker][ref]\n\n[ref]: https://evil.example/ref.png",
    "See [the ICO guidance](https://ico.org.uk/for-organisations/) today.",
    "[click](javascript:alert(1))",
    "Write to <https://evil.example/autolink> or <dpo@hfrs.example>.",
    "Bare https://evil.example/a_(b) and www.evil.example and http://127.0.0.1:8501/x.",
    "E-mail dpo@hfrs.example, or mailto:jo@evil.example.",
    '<img src="https://evil.example/x.png" onerror="alert(1)"> <script>alert(2)</script>',
    "Entity-spelt http&#58;//evil.example and &lt;b&gt;",
    "A `code span` and ```fence``` and a stray ` backtick https://evil.example/after",
    "Escapes \\[not a link\\](https://evil.example) and \\`x\\` and \\\\",
    ":red[coloured] :blue-badge[9] $x^2$ text",
    "[^1] footnote\n\n[^1]: https://evil.example/footnote",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_hostile_survives_as_an_image_link_or_html(text: str) -> None:
    assert live_parts(escape_markdown(text)) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_the_reader_sees_the_text_as_written(text: str) -> None:
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered(escape_markdown(text))))
    assert " ".join(shown.split()) == " ".join(text.split())


def test_an_image_is_shown_as_text() -> None:
    assert (
        escape_markdown("![logo](https://evil.example/x.png)")
        == r"!\[logo\](`https://evil.example/x.png`)"
    )


def test_a_link_keeps_its_text_and_shows_its_address_unlinked() -> None:
    assert (
        escape_markdown("[ICO](https://ico.org.uk/guide).")
        == r"\[ICO\](`https://ico.org.uk/guide`)."
    )


def test_an_autolink_and_bare_addresses_become_code() -> None:
    assert escape_markdown("<https://x.example>") == r"\<`https://x.example`>"
    assert escape_markdown("go to www.gov.uk, or mail dpo@hfrs.example.") == (
        "go to `www.gov.uk`, or mail `dpo@hfrs.example`."
    )


def test_html_is_shown_as_text() -> None:
    assert escape_markdown('<img src=x onerror="alert(1)">') == r'\<img src=x onerror="alert(1)">'


def test_ordinary_document_text_keeps_its_shape() -> None:
    text = "**5.2 Consent.** Share the *minimum*:\n\n- name\n- address (if needed)"
    assert escape_markdown(text) == text


def test_chips_survive_and_other_brackets_and_dollars_stay_text() -> None:
    text = "Share it [1] but not [7] or ![x](https://evil.example/i.png); it costs $5 [2]."
    assert with_chips(text, {1, 2}) == (
        r"Share it :blue-badge[1] but not \[7\] or !\[x\](`https://evil.example/i.png`); "
        r"it costs \$5 :blue-badge[2]."
    )


def test_a_file_name_is_one_code_span_whatever_its_backticks() -> None:
    assert inline_code("isa.md") == "`isa.md`"
    assert inline_code("a`![x](y)`.md") == "``a`![x](y)`.md``"
    assert "<code>a`![x](y)`.md</code>" in rendered(inline_code("a`![x](y)`.md"))
