"""The eval's figures: normalisation, hit@k, MRR, source matching, declining, validity, floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.floors import Floors, breaches, load_floors
from eval.metrics import (
    Outcome,
    QuestionResult,
    Retrieved,
    contains_evidence,
    evidence_rank,
    normalise,
    percentile,
    source_matches,
    summarise,
)
from eval.questions import GoldQuestion, load_questions
from eval.validity import SourceTexts, comparable


def gold(
    qid: str = "q1", answerable: bool = True, kind: str = "frontline", **extra: object
) -> GoldQuestion:
    fields: dict[str, object] = {"source": "charter.pdf", "evidence": ("must call 999 first",)}
    fields.update(extra)
    if not answerable:
        fields = {}
    return GoldQuestion(qid, "question?", answerable, kind, **fields)  # type: ignore[arg-type]


def outcome(*texts: str, abstained: bool = False, ms: float = 10.0, source: str = "charter.pdf",
            valid: bool = True) -> Outcome:  # fmt: skip
    return Outcome([Retrieved(t, source, valid=valid) for t in texts], abstained, ms)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Staff  MUST\ncall 999", "staff must call 999"),
        ("the person’s “consent”", 'the person\'s "consent"'),
        ("‘vital interests’", "'vital interests'"),
        ("infor\xadmation", "information"),
        ("infor\xad\nmation", "information"),
        ("multi-\nagency working", "multiagency working"),
        ("multi-   agency", "multiagency"),
        ("self-neglect", "self-neglect"),
        ("a - b", "a - b"),
        ("a- b- c", "abc"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_evidence_found_across_a_pdf_line_break_and_curly_quotes() -> None:
    page = "Staff must not use data protec-\ntion as a reason for with‐holding the person’s details"
    assert contains_evidence(page, ["use data protection as a reason"])
    assert contains_evidence(page, ["the person's details"])
    assert not contains_evidence(page, ["a reason for sharing"])
    assert not contains_evidence(page, ["", "  "])


def test_evidence_rank_is_the_first_passage_holding_any_phrase() -> None:
    texts = ["nothing here", "Call 999 FIRST", "must call 999 first"]
    assert evidence_rank(texts, ["call 999 first"]) == 2
    assert evidence_rank(texts, ["no such phrase", "must call 999"]) == 3
    assert evidence_rank(texts, ["absent"]) is None
    assert evidence_rank([], ["call 999"]) is None


@pytest.mark.parametrize(
    ("source", "expected", "match"),
    [
        ("a.pdf", ("a.pdf",), True),
        ("a.pdf", ("b.pdf", "a.pdf"), True),
        ("nhs/raising.html", ("nhs/",), True),
        ("nhs-old/raising.html", ("nhs/",), False),
        ("nhs/raising.html", ("nhs",), False),
        ("a.pdf", (), False),
    ],
)
def test_source_matches_files_and_folder_prefixes(
    source: str, expected: tuple[str, ...], match: bool
) -> None:
    assert source_matches(source, expected) is match


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 50) == 10.0
    assert percentile(values, 95) == 19.0
    assert percentile(values, 100) == 20.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) == 0.0


def test_hit_at_k_and_mrr_over_answerable_questions_only() -> None:
    results = [
        QuestionResult(gold("a"), outcome("must call 999 first", "x"), k=5),  # rank 1
        QuestionResult(gold("b"), outcome("x", "y", "must call 999 first"), k=5),  # rank 3
        QuestionResult(gold("c"), outcome("x", "y"), k=5),  # miss
        QuestionResult(gold("d"), outcome(abstained=True), k=5),  # declined: a miss too
        QuestionResult(gold("oos", answerable=False), outcome("must call 999 first"), k=5),
    ]
    figures = summarise(results)
    assert figures.answerable == 4 and figures.unanswerable == 1
    assert figures.hit_at_k == pytest.approx(2 / 4)
    assert figures.mrr == pytest.approx((1 + 1 / 3) / 4)
    assert figures.wrongly_declined == pytest.approx(1 / 4)
    assert figures.oos_declined == 0.0


def test_only_the_first_k_citations_count() -> None:
    result = QuestionResult(gold(), outcome("a", "b", "must call 999 first"), k=2)
    assert not result.hit
    assert summarise([result]).mean_passage_chars == pytest.approx(1.0)


def test_source_hit_uses_alt_source_and_folders() -> None:
    alt = gold(source="isa.doc", alt_source="isa.extracted.txt")
    folder = gold(source="nhs/")
    assert QuestionResult(alt, outcome("x", source="isa.extracted.txt"), 5).source_hit
    assert QuestionResult(folder, outcome("x", source="nhs/a.html"), 5).source_hit
    assert not QuestionResult(folder, outcome("x", source="other.pdf"), 5).source_hit


def test_declining_validity_latency_and_kinds() -> None:
    results = [
        QuestionResult(gold("a", kind="trainer"), outcome("must call 999 first", ms=100), 5),
        QuestionResult(gold("b"), outcome("zz", valid=False, ms=300), 5),
        QuestionResult(gold("o1", answerable=False), outcome(abstained=True, ms=20), 5),
        QuestionResult(gold("o2", answerable=False, kind="trainer"), outcome("q", ms=40), 5),
    ]
    figures = summarise(results)
    assert figures.oos_declined == pytest.approx(0.5)
    assert figures.citation_validity == pytest.approx(2 / 3)
    assert figures.latency_p50_ms == 40 and figures.latency_p95_ms == 300
    assert set(figures.by_kind) == {"frontline", "trainer"}
    assert figures.by_kind["trainer"].hit_at_k == 1.0
    assert figures.by_kind["frontline"].oos_declined == 1.0


def test_figures_are_none_where_no_question_applies() -> None:
    figures = summarise([QuestionResult(gold(), outcome(abstained=True), 5)])
    assert figures.oos_declined is None
    assert figures.citation_validity is None


def test_gold_set_loading_checks_fields_and_ids(tmp_path: Path) -> None:
    good = {"id": "x", "question": "q", "answerable": True, "kind": "frontline",
            "source": "a.pdf", "evidence": ["e"], "pages": [3]}  # fmt: skip
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(good | {"id": "y", "alt_source": "b"}))
    loaded = load_questions(path)
    assert [q.id for q in loaded] == ["x", "y"] and loaded[1].sources == ("a.pdf", "b")
    assert loaded[0].pages == (3,)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good))
    with pytest.raises(ValueError, match="appears twice"):
        load_questions(path)
    path.write_text(json.dumps(good | {"evidence": []}))
    with pytest.raises(ValueError, match="gold.jsonl:1: an answerable question needs"):
        load_questions(path)
    path.write_text(json.dumps({"id": "z", "question": "q"}))
    with pytest.raises(ValueError, match="missing answerable, kind"):
        load_questions(path)


def test_the_shipped_gold_sets_load() -> None:
    root = Path(__file__).resolve().parents[2]
    bundled = load_questions(root / "eval" / "gold" / "bundled.jsonl")
    assert any(q.answerable for q in bundled) and any(not q.answerable for q in bundled)


def test_floors_name_each_breach() -> None:
    figures = summarise([
        QuestionResult(gold("a"), outcome("x"), 5),
        QuestionResult(gold("b"), outcome(abstained=True), 5),
    ])  # fmt: skip
    floors = Floors(5, {"hit_at_k": 0.5, "oos_declined": 0.5}, {"wrongly_declined": 0.2})
    found = breaches(figures, floors)
    assert any("hit_at_k is 0.000, below its floor 0.50" in f for f in found)
    assert any("oos_declined is missing" in f for f in found)
    assert any("wrongly_declined is 0.500, above its ceiling 0.20" in f for f in found)
    assert breaches(figures, Floors(5)) == []


def test_the_floors_file_names_real_figures(tmp_path: Path) -> None:
    floors = load_floors()
    assert floors.minimum and floors.maximum
    bad = tmp_path / "floors.json"
    bad.write_text(json.dumps({"k": 5, "min": {"hit_at_3": 0.5}}))
    with pytest.raises(ValueError, match="no such figure: hit_at_3"):
        load_floors(bad)


def test_validity_per_line_against_the_document(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text(
        "# Guide\n\n## 3. Sharing\n\n3.1 You **may** share the\nperson’s details with the police.\n",
        encoding="utf-8",
    )
    texts = SourceTexts(tmp_path)
    # The reader strips markup, and wrapped lines join: both still verbatim.
    assert texts.is_verbatim("3.1 You may share the person's details with the police.", "guide.md")
    assert texts.is_verbatim("## 3. Sharing\n3.1 You **may** share the", "guide.md")
    assert not texts.is_verbatim("3.1 You may share anything.", "guide.md")
    assert not texts.is_verbatim("Sharing\n3.1 You must never share", "guide.md")
    assert not texts.is_verbatim("anything", "missing.md")


def test_validity_follows_a_sentence_across_a_page_break_without_furniture() -> None:
    from eval.validity import _Pages

    pages = _Pages([
        ["1.1 Body text.", "1.2 The officer must record the decision-", "Page 1 of 2", "OFFICIAL"],
        ["Charter — ILLUSTRATIVE", "making and the reasons for it.", "1.3 Next clause."],
    ])  # fmt: skip
    joined = "1.2 The officer must record the decision-making and the reasons for it."
    assert pages.across_break(comparable(joined), 1)
    assert not pages.across_break(comparable("1.2 The officer must record the reasons"), 1)
    assert not pages.across_break(comparable(joined), 2)  # no page after the last
    assert comparable(joined) not in pages.near(1)  # the furniture sits between in the PDF
