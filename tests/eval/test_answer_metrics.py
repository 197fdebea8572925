"""Answer-level figures: bottom lines, verdict agreement, wrong polarity, non-prose residue,
and hit@k by document. Pure functions, no model."""

from __future__ import annotations

import pytest

from eval.metrics import (
    Outcome,
    QuestionResult,
    Retrieved,
    confusion,
    non_prose,
    polarity_errors,
    summarise,
    wrong_polarity,
)
from eval.questions import GoldQuestion

EVIDENCE = "must call 999 first"


def gold(
    qid: str, verdict: str = "", answerable: bool = True, source: str = "a.pdf"
) -> GoldQuestion:
    if not answerable:
        return GoldQuestion(qid, "q?", False, "frontline", verdict=verdict)
    return GoldQuestion(qid, "q?", True, "frontline", source, evidence=(EVIDENCE,), verdict=verdict)


def answered(
    verdict: str | None, line: str | None, *texts: str, abstained: bool = False
) -> Outcome:
    return Outcome([Retrieved(t, "a.pdf") for t in texts], abstained, 5.0, "", verdict, line)


@pytest.mark.parametrize(
    ("line", "kinds"),
    [
        ("Yes. The documents say: “Staff must call 999 first.” [1] (s2.6)", []),
        ("Call 999 now if anyone is in immediate danger. Then ring 101.", []),
        ("No. Regulation (EU) 2016/679, Article 6(1)(e) of 27 April 2016 [2] (Art. 6).", []),
        ("It depends. The documents say: “share only what is needed …” [1] (s5.4)", []),
        ("Yes. | Partner | Contact | [1]", ["pipe"]),
        ("Yes. Name\tRole [1]", ["tab"]),
        ("Ring the hub on 01332 613801 [1].", ["phone"]),
        ("Ring (0300) 123 4567 or +44 20 7946 0000.", ["phone"]),
        ("Email dpo@derbyshire.police.uk [3]", ["e-mail"]),
        ("Section 4 ........ 12", ["dotted leader"]),
        ("Contents . . . . 3", ["dotted leader"]),
        ("Name: ________ Date: ____", ["underscores"]),
        ("Tel: 999", ["Tel:"]),
        ("Signature of the requesting officer [1]", ["Signature"]),
        (
            "Tel: 01332 613801 | Signature ____",
            ["pipe", "phone", "underscores", "Tel:", "Signature"],
        ),
    ],
)
def test_non_prose_names_each_kind_of_residue(line: str, kinds: list[str]) -> None:
    assert non_prose(line) == kinds


@pytest.mark.parametrize(
    ("gold_verdict", "got", "wrong"),
    [
        ("yes", "no", True),
        ("yes_if", "not_without", True),
        ("no", "yes_if", True),
        ("not_without", "yes", True),
        ("yes", "yes_if", False),
        ("no", "not_without", False),
        ("yes", "depends", False),
        ("no", "not_covered", False),
        ("info", "no", False),
        ("", "no", False),
        ("yes", None, False),
    ],
)
def test_wrong_polarity_is_go_ahead_against_do_not(
    gold_verdict: str, got: str | None, wrong: bool
) -> None:
    assert wrong_polarity(gold_verdict, got) is wrong


def test_answer_figures_over_answerable_and_labelled_questions() -> None:
    results = [
        QuestionResult(gold("a", "yes"), answered("yes", f"Yes. “Staff {EVIDENCE}.” [1]", EVIDENCE), 5),
        QuestionResult(gold("b", "no"), answered("yes", "Yes. Tel: 01332 613801 [1]", "x"), 5),
        QuestionResult(gold("c", "info"), answered("not_covered", "Not covered. None.", abstained=True), 5),
        QuestionResult(gold("d"), answered("depends", "", "x"), 5),  # unlabelled, no bottom line
        QuestionResult(gold("o", "not_covered", answerable=False), answered("not_covered", "Not covered."), 5),
    ]  # fmt: skip
    figures = summarise(results)
    assert figures.judges_answers
    assert figures.bottom_line_present == pytest.approx(
        2 / 4
    )  # a decline and an empty one do not count
    assert figures.verdict_agreement == pytest.approx(2 / 4)  # a and o, of a, b, c, o
    assert figures.verdict_agreement_answerable == pytest.approx(1 / 3)
    assert figures.wrong_polarity == 1
    assert figures.evidence_in_bottom_line == pytest.approx(1 / 4)
    assert figures.non_prose_bottom_lines == 1
    assert figures.bottom_line_words_max == 7
    assert figures.bottom_line_words_mean == pytest.approx((7 + 5 + 3 + 2) / 4)
    assert [r.question.id for r in polarity_errors(results)] == ["b"]
    assert confusion(results) == {
        ("yes", "yes"): 1, ("no", "yes"): 1, ("info", "not_covered"): 1,
        ("not_covered", "not_covered"): 1,
    }  # fmt: skip


def test_a_pipeline_without_verdicts_has_no_answer_figures() -> None:
    figures = summarise([QuestionResult(gold("a", "yes"), answered(None, None, EVIDENCE), 5)])
    assert not figures.judges_answers
    assert figures.verdict_agreement is None and figures.wrong_polarity is None
    assert confusion([QuestionResult(gold("a", "yes"), answered(None, None), 5)]) == {}


def test_hit_at_k_by_gold_source() -> None:
    results = [
        QuestionResult(gold("a", source="a.pdf"), answered(None, None, EVIDENCE), 5),
        QuestionResult(gold("b", source="a.pdf"), answered(None, None, "x"), 5),
        QuestionResult(gold("c", source="nhs/s1.html"), answered(None, None, EVIDENCE), 5),
        QuestionResult(gold("o", answerable=False), answered(None, None, EVIDENCE), 5),
    ]
    by_source = summarise(results).by_source
    assert list(by_source) == ["a.pdf", "nhs/s1.html"]
    assert (by_source["a.pdf"].answerable, by_source["a.pdf"].hit_at_k) == (2, 0.5)
    assert by_source["nhs/s1.html"].hit_at_k == 1.0
    assert by_source["a.pdf"].by_source == {}  # one level only
