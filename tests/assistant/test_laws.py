"""A question about a law none of the documents names is declined, naming the law."""

from __future__ import annotations

import pytest

from assistant.service import Assistant
from core.laws import law_names, laws_named, unknown_laws

KNOWN = {"data protection act", "derbyshire modern slavery act", "crime and disorder act"}


def test_names_are_found_without_year_punctuation_or_leading_words() -> None:
    assert law_names("Does the Data Protection Act 2018 let us share?") == {"data protection act"}
    assert law_names("the new Data (Use and Access) Act 'recognised legitimate interests'") == {
        "data use and access act"
    }
    assert law_names("can we use clare's law to ask the police?") == {"clares law"}
    assert law_names("Can we share this with the police under GDPR?") == set()


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("Does the Data Protection Act 2018 let us share?", []),
        ("What does the Modern Slavery Act require?", []),  # ends a name the documents use
        ("Under the UK Crime and Disorder Act can we share?", []),  # a known name ends it
        ("Does the Data (Use and Access) Act change this?", ["data use and access act"]),
        ("What powers does the Fire and Rescue Services Act 2004 give us?",
         ["fire and rescue services act"]),
        ("can we use clare's law for her?", ["clares law"]),
    ],
)  # fmt: skip
def test_a_law_is_unknown_only_when_no_document_names_it(question: str, unknown: list[str]) -> None:
    assert unknown_laws(question, KNOWN) == unknown


def test_the_laws_a_document_names_are_collected_from_its_passages() -> None:
    passages = [
        "Sharing is lawful under the Crime and Disorder Act 1998, s115.",
        "Nothing about law here at all.",
    ]
    assert laws_named(passages) == {"crime and disorder act"}


def test_ask_declines_a_law_the_documents_do_not_name(bundled: Assistant) -> None:
    answer = bundled.ask(
        "Does the Data (Use and Access) Act mean we can share with the police without an ISA?",
        log_answer=False,
    )
    assert answer.abstained and not answer.citations
    assert "Data Use and Access Act" in answer.text


def test_ask_answers_about_a_law_the_documents_name(bundled: Assistant) -> None:
    answer = bundled.ask(
        "Can we share with the police under the Crime and Disorder Act?", log_answer=False
    )
    assert not answer.abstained and answer.citations
