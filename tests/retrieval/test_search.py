"""Fusion and de-duplication of retrieved passages, without the model."""

from __future__ import annotations

from core.passage import Passage
from retrieval.search import _distinct

TEXT = "10.1 All breaches will be notified to the Data Protection Manager within 24 hours."


def test_near_copies_from_another_file_do_not_take_a_second_slot() -> None:
    pool = {
        "a": Passage(text=TEXT, source="isa.doc", title="ISA"),
        "b": Passage(text=TEXT.replace("10.1 ", ""), source="isa.extracted.txt", title="ISA"),
        "c": Passage(text="Requests from the police are made on a signed form.", source="p.md", title="P"),
    }
    chosen = _distinct([("a", 0.9), ("b", 0.8), ("c", 0.7)], pool, k=2)
    assert [pid for pid, _ in chosen] == ["a", "c"]


def test_distinct_passages_are_all_kept_in_order() -> None:
    pool = {str(i): Passage(text=f"clause {i} says something different: topic{i}", source="x.md", title="X") for i in range(4)}
    fused = [(str(i), 1.0 - i / 10) for i in range(4)]
    assert _distinct(fused, pool, k=3) == fused[:3]
