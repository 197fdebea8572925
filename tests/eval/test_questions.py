"""Gold verdict labels: in the set itself or in a side file beside it, checked, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.answer import VERDICTS
from eval.questions import GOLD_FOLDER, load_questions, load_verdicts, verdicts_beside
from eval.sets import SETS, find_set

ROW = {"id": "x", "question": "q", "answerable": True, "kind": "frontline", "source": "a.pdf",
       "evidence": ["e"]}  # fmt: skip


def write(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_verdict_read_from_the_set_and_checked(tmp_path: Path) -> None:
    path = write(tmp_path / "set.jsonl", ROW | {"verdict": "yes_if"}, ROW | {"id": "y"})
    assert [q.verdict for q in load_questions(path)] == ["yes_if", ""]
    write(path, ROW | {"verdict": "maybe"})
    with pytest.raises(ValueError, match="set.jsonl:1: verdict 'maybe' is not one of"):
        load_questions(path)


def test_side_file_fills_labels_and_refuses_strays_and_contradictions(tmp_path: Path) -> None:
    path = write(tmp_path / "dev.jsonl", ROW, ROW | {"id": "y", "verdict": "no"})
    side = write(tmp_path / "dev-verdicts.jsonl", {"id": "x", "verdict": "info"})
    assert verdicts_beside(path) == side
    assert [q.verdict for q in load_questions(path, side)] == ["info", "no"]
    write(side, {"id": "x", "verdict": "info"}, {"id": "gone", "verdict": "no"})
    with pytest.raises(ValueError, match="labels for questions not in the set: gone"):
        load_questions(path, side)
    write(side, {"id": "y", "verdict": "yes"})
    with pytest.raises(ValueError, match="y is 'yes' here but 'no' in the set"):
        load_questions(path, side)
    write(side, {"id": "x", "verdict": "info"}, {"id": "x", "verdict": "no"})
    with pytest.raises(ValueError, match="labelled twice"):
        load_verdicts(side)


def test_a_set_outside_the_repo_finds_its_labels_in_eval_gold(tmp_path: Path) -> None:
    assert verdicts_beside(tmp_path / "real-dev.jsonl") == GOLD_FOLDER / "real-dev-verdicts.jsonl"
    assert verdicts_beside(tmp_path / "nothing.jsonl") is None


@pytest.mark.parametrize("name", [s.name for s in SETS])
def test_every_named_set_loads_with_a_valid_label_on_each_question(name: str) -> None:
    gold_set = find_set(name)
    if gold_set.missing():
        pytest.skip(gold_set.missing())
    questions = load_questions(gold_set.questions, verdicts_beside(gold_set.questions))
    assert questions and all(q.verdict in VERDICTS for q in questions)
    assert all(q.verdict == "not_covered" for q in questions if not q.answerable)


def test_find_set_names_the_known_ones() -> None:
    assert find_set("frontline-blind").report == "shared-corpus-frontline-blind"
    with pytest.raises(ValueError, match="known: bundled, real-dev"):
        find_set("nope")
