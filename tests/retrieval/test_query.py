"""What is searched for a question, and whether it is about sharing at all: no model needed."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.scope import in_scope
from retrieval.query import build_query, expand, parts
from retrieval.search import _standardised
from retrieval.vocabulary import legal_terms


def test_a_story_then_a_question_is_searched_in_parts() -> None:
    question = (
        "Went to a flat rammed with stuff, the chap can barely reach the cooker - "
        "he says no to any help. Can I tell adult social care anyway?"
    )
    found = parts(question)
    assert len(found) == 3
    assert found[-1].startswith("Can I tell adult social care anyway?")
    # Each part carries the documents' wording for its own slang, not the others'.
    assert "hoarding" in found[0] and "hoarding" not in found[-1]
    assert "refuses consent" in found[1]


def test_a_one_line_question_is_one_part_and_tiny_fragments_are_not_parts() -> None:
    assert parts("Can we share a SAR with the police?") == (
        expand("Can we share a SAR with the police?"),
    )
    assert len(parts("Help. Who is the DPO?")) == 1


def test_follow_up_parts_include_the_earlier_question() -> None:
    earlier = ["Can I refer a hoarder to adult social care without consent?"]
    query = build_query("what if he says no?", earlier)
    assert query.used_history
    assert any("hoarder" in part for part in query.parts)


@pytest.mark.parametrize(
    "question",
    ["tell us a joke to cheer the watch up", "what's the weather like in Hull on Saturday night?",
     "how many days annual leave does the fire service give new starters?"],
)  # fmt: skip
def test_everyday_wording_alone_does_not_make_a_question_about_sharing(question: str) -> None:
    assert not in_scope(expand(question, phrasing=False))


@pytest.mark.parametrize(
    "question",
    ["can I tell the cops what I saw?", "the ASC duty line is shut, who do I ring?",
     "bloke's kids are being knocked about"],
)  # fmt: skip
def test_everyday_words_for_the_subject_count_as_about_sharing(question: str) -> None:
    assert in_scope(expand(question, phrasing=False))


def test_a_signal_that_says_nothing_adds_nothing() -> None:
    assert not _standardised(np.array([2.0, 2.0, 2.0])).any()
    scaled = _standardised(np.array([1.0, 2.0, 3.0]))
    assert scaled.mean() == pytest.approx(0.0) and scaled.std() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("question", "term"),
    [("can we hand over the visit notes to the housing officer?", "disclosure"),
     ("how long do we hang on to the referral once it's sent?", "retention"),
     ("I sent the form to the wrong email address", "personal data breach"),
     ("who gets blamed if the council leaks it?", "indemnity"),
     ("does it matter that he was arrested last year?", "criminal offence data")],
)  # fmt: skip
def test_everyday_wording_meets_the_documents_legal_terms(question: str, term: str) -> None:
    assert term in build_query(question, [], vocabulary=True).text
    assert term not in build_query(question, [], vocabulary=False).text


def test_the_vocabulary_adds_nothing_to_a_question_already_in_legal_terms() -> None:
    question = "What must a controller do after a personal data breach?"
    assert legal_terms(question) == []
