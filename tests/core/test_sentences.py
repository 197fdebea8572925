"""Sentence splitting, as chunking and the extractive answerer both read it."""

from __future__ import annotations

from core.sentences import split_sentences


def test_a_quoted_question_ends_before_the_next_clause_number() -> None:
    text = (
        "2.1 Ask first, for example: \"I'd like to pass your details to Adult Social Care. "
        'Is that OK with you?" 2.2 Tell them what you will share. 2.3 Write down their answer.'
    )
    assert split_sentences(text) == [
        "2.1 Ask first, for example:",
        "\"I'd like to pass your details to Adult Social Care.",
        'Is that OK with you?"',
        "2.2 Tell them what you will share.",
        "2.3 Write down their answer.",
    ]


def test_list_items_split_and_numbers_inside_a_sentence_do_not() -> None:
    assert split_sentences("Processing is lawful where: (a) consent; (b) contract") == [
        "Processing is lawful where:",
        "(a) consent;",
        "(b) contract",
    ]
    assert split_sentences(
        "Section 115 (s. 115) allows it. It applies to 2.5 million records."
    ) == [
        "Section 115 (s. 115) allows it.",
        "It applies to 2.5 million records.",
    ]
