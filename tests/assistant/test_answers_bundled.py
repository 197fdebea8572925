"""Answers a crew member acts on, on the bundled corpus: the failures a browser probe found.

Each question here was typed into the app by a tester and got a wrong or useless short answer
before the verdict answerer (issue "Answers a firefighter can act on").
"""

from __future__ import annotations

from assistant.extractive import BOTTOM_LINE_WORDS
from assistant.service import Assistant
from core.answer import NEGATIVE, POSITIVE
from ui.scenarios import load_scenarios


def test_what_can_i_tell_the_neighbour_says_dont(bundled: Assistant) -> None:
    answer = bundled.ask("what can I tell the neighbour? she asked how the old man is doing", log_answer=False)
    assert answer.verdict in NEGATIVE
    assert "(8.2–8.3)" in answer.bottom_line or "8.3" in answer.bottom_line


def test_a_man_in_squalor_who_refused_help_never_gets_the_sample_consent_script(bundled: Assistant) -> None:
    answer = bundled.ask(
        "bloke living in squalor, piles of rubbish, he refused any help when I offered. can I still refer him?",
        log_answer=False,
    )
    assert "I'd like to pass your details" not in answer.text
    assert answer.verdict not in POSITIVE | NEGATIVE or answer.verdict == "yes_if"


def test_the_danger_now_training_scenario_leads_with_999(bundled: Assistant) -> None:
    card = next(c for c in load_scenarios() if c.id == "immediate-danger")
    answer = bundled.ask(card.asked(), log_answer=False)
    assert answer.verdict == "act_now"
    assert answer.text.startswith("**If someone is in immediate danger call 999.**")
    assert answer.bottom_line.startswith("If someone is in immediate danger call 999.")


def test_the_999_line_is_never_joined_to_its_negation(bundled: Assistant) -> None:
    answer = bundled.ask("someone is in danger right now, who do I call?", log_answer=False)
    assert answer.verdict == "act_now"
    assert "999 if the person is not in immediate danger" not in answer.text


def test_bottom_lines_fit_a_phone_and_cite_a_clause(bundled: Assistant) -> None:
    for question in (
        "can I whatsapp the social worker a photo of the hoarding?",
        "copper rang the station asking about a woman we visited. can I tell him?",
        "how long have I got to send a routine referral?",
    ):
        answer = bundled.ask(question, log_answer=False)
        assert len(answer.bottom_line.split()) <= BOTTOM_LINE_WORDS
        assert "[" in answer.bottom_line and "](" not in answer.bottom_line


def test_a_myth_the_charter_busts_is_answered_no_with_its_clause(bundled: Assistant) -> None:
    answer = bundled.ask(
        "a resident told me data protection means we can't pass anything on to social services "
        "about him, is that right?",
        log_answer=False,
    )
    assert answer.verdict == "no"
    assert "Data protection law" in answer.bottom_line
    withdrawn = bundled.ask(
        "she agreed to the referral then changed her mind the next day. have we done something "
        "wrong by sending it?",
        log_answer=False,
    )
    assert withdrawn.verdict == "no"
    assert "Withdrawal does not make earlier sharing unlawful" in withdrawn.bottom_line


def test_a_duty_the_guide_says_you_do_not_have_is_a_no(bundled: Assistant) -> None:
    answer = bundled.ask(
        "do I really need to know the GDPR article numbers before I'm allowed to share?", log_answer=False
    )
    assert answer.verdict == "no"
    assert "You do not need to quote article numbers" in answer.bottom_line


def test_who_has_to_sign_is_a_fact_answered_from_the_clause(bundled: Assistant) -> None:
    answer = bundled.ask(
        "who has to sign the DP request form before we release anything to the police?", log_answer=False
    )
    assert answer.verdict == "info"
    assert "inspector or above" in answer.bottom_line
