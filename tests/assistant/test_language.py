"""Telling a question in another language from an English one, without a language model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.language import ENGLISH_SHARE, english_share, is_english

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold"

NOT_ENGLISH = [
    "A gaf i rannu manylion rhywun gyda'r heddlu?",  # Welsh
    "Alla i rannu gwybodaeth am berson bregus gyda'r gwasanaethau cymdeithasol heb eu caniatâd?",
    "Oes angen caniatâd i gyfeirio rhywun at ofal cymdeithasol?",
    "Czy mogę przekazać dane osobowe tej osoby policji?",  # Polish
    "Pot să împărtășesc informațiile cu poliția fără consimțământ?",  # Romanian
    "¿Puedo compartir información personal con la policía?",  # Spanish
    "Kann ich die Daten an die Polizei weitergeben?",  # German
    "Puis-je partager des informations avec la police sans consentement?",  # French
    "هل يمكنني مشاركة المعلومات مع الشرطة؟",  # Arabic
]


@pytest.mark.parametrize("question", NOT_ENGLISH)
def test_questions_in_other_languages_are_not_english(question: str) -> None:
    assert not is_english(question)
    share = english_share(question)
    assert share is None or share <= ENGLISH_SHARE - 0.05  # the same margin on this side


def test_every_gold_question_is_english_typos_names_and_all() -> None:
    questions = [
        json.loads(line)["question"]
        for path in sorted(GOLD.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and "question" in json.loads(line)
    ]
    assert len(questions) > 300
    assert all(is_english(q) for q in questions)
    shares = [s for q in questions if (s := english_share(q)) is not None]
    assert min(shares) >= ENGLISH_SHARE + 0.05  # a margin, not a coin toss


@pytest.mark.parametrize("question", ["HFSV?", "MASH referral", "ok", "", "Diolch"])
def test_too_short_to_tell_counts_as_english(question: str) -> None:
    assert is_english(question)
