"""BM25 scored once per question: the candidates and the scores of a pool found elsewhere."""

from __future__ import annotations

from core.lexical import LexicalIndex, tokens
from core.passage import Passage


def _index() -> LexicalIndex:
    texts = [
        "Breaches must be reported to the data protection officer within 24 hours.",
        "Referrals to adult social care need the person's consent where possible.",
        "A personal data breach is reported to the commissioner within 72 hours.",
    ]
    return LexicalIndex.build(
        [Passage(text=t, source=f"{i}.md", title="Doc") for i, t in enumerate(texts)], "v1"
    )


def test_top_is_best_first_and_leaves_out_passages_without_a_query_word() -> None:
    index = _index()
    found = index.score(tokens("breach reported within 72 hours")).top(5)
    assert [pid for pid, _ in found] == [index.ids[2], index.ids[0]]
    assert found[0][1] > found[1][1] > 0


def test_scores_of_a_pool_follow_its_order_and_unknown_ids_score_zero() -> None:
    index = _index()
    scores = index.score(tokens("consent referral"))
    assert scores.of([index.ids[1], "not-indexed", index.ids[0]])[1:] == [0.0, 0.0]
    assert scores.of([index.ids[1]])[0] > 0
    assert index.score(tokens("zebra")).of(index.ids) == [0.0, 0.0, 0.0]
    assert index.score(tokens("zebra")).top(3) == []
