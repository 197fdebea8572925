"""The verdict read from clause sentences: modal force, polarity, and the act they govern.

The sentences are real: from the bundled illustrative corpus and from the public documents in
../shared/corpus (GDPR, the Derbyshire modern slavery ISA, the MHCLG CORE agreement, NHS pages).
"""

from __future__ import annotations

import pytest

from assistant.verdict import (
    checks_a_claim,
    decide,
    frees_the_duty_asked,
    is_decision,
    speaks_of,
    stance,
)

FORCES = [
    # bundled corpus
    ("If someone telephones a station or an officer claiming to be from the Police and asks for "
     "personal information, staff must not give it over the phone.", "forbid"),
    ("Personal information must never be sent using personal email accounts, instant messaging "
     "apps such as WhatsApp, text message, or social media.", "forbid"),
    ("Information must not be passed to a third party without the agreement of the organisation "
     "that provided it, except as described in clause 6.3(b) or (c).", "consent"),
    ("If a relative or neighbour asks about someone, do not share personal information with them "
     "unless there is a lawful reason and your watch manager agrees.", "consent"),
    ("Photographs may only be shared where the adult has agreed, the photograph is needed to show "
     "the risk, and it is sent through the secure referral portal from a Service device.", "consent"),
    ("Concerns about a child are not referred under this agreement.", "forbid"),
    ("Withdrawal does not make earlier sharing unlawful.", "none"),
    # ../shared/corpus
    ("The GDPR and Data Protection Act 2018 do not prevent, or limit, the sharing of information "
     "for the purposes of keeping people safe.", "permit"),
    ("Partner agencies would be expected to co-operate with such requests as they would with any "
     "other police investigation.", "permit"),
    ("The data shall not be disclosed to any third party without the prior written consent of the "
     "Data Provider.", "consent"),
    ("Paragraphs 1 and 2 shall not apply to the extent that processing is necessary for compliance "
     "with a legal obligation.", "forbid"),
    ("Processing shall be lawful only if and to the extent that at least one of the following "
     "applies:", "condition"),
    # no duty: a power is not an obligation
    ("You do not need to quote article numbers to make a decision.", "optional"),
    ("It does not oblige either party to disclose, and each disclosure must still be necessary, "
     "proportionate and compliant with data protection law.", "optional"),
    ("The exemption in clause 4.5 permits disclosure but does not require it.", "optional"),
    ("In such cases, a data protection impact assessment should not be mandatory.", "optional"),
    # a permission narrowed to one thing says no to the rest: judgement, never a plain yes
    ("CORE data providers can only access CORE personal data that has been submitted by their "
     "organisation.", "limit"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "force"), FORCES)
def test_modal_force_and_polarity_of_real_clause_sentences(sentence: str, force: str) -> None:
    assert stance(sentence).force == force


def test_a_condition_that_is_someones_agreement_reads_not_without() -> None:
    read = stance("Photographs may only be shared where the adult has agreed.")
    assert (read.force, read.who) == ("consent", "the adult")
    assert decide("can I send the photos to ASC?", [("Photographs may only be shared where the adult has agreed.", 0.9)], 0.2)[0] == "not_without"


def test_the_person_whose_agreement_is_needed_is_named() -> None:
    who = stance(
        "If a relative or neighbour asks about someone, do not share personal information with "
        "them unless there is a lawful reason and your watch manager agrees."
    ).who
    assert who == "your watch manager"
    provider = stance(
        "Information must not be passed to a third party without the agreement of the "
        "organisation that provided it."
    ).who
    assert provider == "the organisation that provided it"


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("copper rang the station asking about a woman we visited. can I just tell him?", True),
        ("ok to send a quick whatsapp to the social worker with the address?", True),
        ("do I have to get the parents to agree before I pass it on?", True),
        ("Are they allowed to forward it without asking us?", True),
        ("how long do we keep S&W referral records?", False),
        ("what's the usual UK GDPR lawful basis when HFRS shares personal data with the council?", False),
        ("I emailed a referral to the wrong Sarah. who do I tell and how quick?", False),
        ("We shared it with the council last week. What is a MASH?", False),
        # a duty named inside a fact question is still a fact question
        ("who has to sign a DP request form before we release anything?", False),
        ("For the training pack: what do we have to write down when we share?", False),
        ("Under the lettings agreement, how long does a provider have to report a loss?", False),
        ("how big a fine can the ICO give us for a breach?", False),
        ("which principle is it, and does the NHS guide see the two as in conflict?", False),
        # asking leave, or a yes/no question joined on, makes it a decision
        ("what can I tell the neighbour?", True),
        ("how much notice does a landlord have to give, and can it end the agreement at once?", True),
        ("I raised a concern with the council. What happens now, do they have to act on it?", True),
    ],
)  # fmt: skip
def test_a_sharing_decision_is_told_from_a_question_of_fact(question: str, decision: bool) -> None:
    assert is_decision(question) is decision


def test_the_modal_must_govern_the_act_asked_about() -> None:
    assert speaks_of("Photographs may only be shared where the adult has agreed.", {"share"})
    # "may" governs "provide for derogations", not an act of passing information on.
    assert not speaks_of(
        "Member State law may provide for derogations from the rights.", {"delete"}
    )
    # "information" is a noun here, not the verb "inform".
    assert not speaks_of("Providers need to submit information for the tenancy.", {"share"})


def test_a_question_testing_a_claim_is_never_answered_yes_or_no() -> None:
    question = "bloke told me GDPR means we can't pass anything on to social services. is that right?"
    assert checks_a_claim(question)
    verdict, _ = decide(question, [("Partners may share personal data with social care.", 0.9)], 0.2)
    assert verdict == "depends"


def test_a_plain_yes_or_no_needs_a_strong_match() -> None:
    sentence = "Staff must not give personal information over the phone."
    assert decide("can I tell the police on the phone?", [(sentence, 0.9)], 0.2)[0] == "no"
    assert decide("can I tell the police on the phone?", [(sentence, 0.1)], 0.2)[0] == "depends"


def test_a_permission_to_share_with_someone_else_is_no_yes() -> None:
    """A gateway to one named body ("may disclose ... to the Gangmasters and Labour Abuse
    Authority") says nothing of passing it to the housing officer the question asks about."""
    gateway = (
        "A specified person may disclose information to the Gangmasters and Labour Abuse "
        "Authority or a relevant officer if the disclosure is made for the purposes of the Act."
    )
    question = "council housing officer wants to know what the police told us, can i pass it on"
    assert decide(question, [(gateway, 0.9)], 0.2)[0] == "depends"
    assert decide("can I pass it to the Labour Abuse Authority?", [(gateway, 0.9)], 0.2)[0] == "yes_if"
    named_partner = "Staff may share the referral with Humberside Police where a crime is suspected."
    assert decide("can I give the police the referral?", [(named_partner, 0.9)], 0.2)[0] != "depends"


def test_evidence_pulling_both_ways_gives_depends() -> None:
    both = [
        ("Staff may share personal information with the police.", 0.50),
        ("Staff must not share personal information with the police.", 0.45),
    ]
    assert decide("can I share it with the police?", both, 0.2)[0] == "depends"


def test_a_permission_does_not_answer_have_i_got_to() -> None:
    evidence = [("Crews may refer the adult to social care.", 0.9)]
    assert decide("do I have to refer her?", evidence, 0.2)[0] == "depends"
    assert decide("can I refer her?", evidence, 0.2)[0] == "yes"


def test_a_limit_is_judgement_not_a_go_ahead() -> None:
    gdpr = (
        "kept in a form which permits identification of data subjects for no longer than is "
        "necessary for the purposes for which the personal data are processed; personal data may "
        "be stored for longer periods insofar as the personal data will be processed solely for "
        "archiving purposes"
    )
    assert stance(gdpr).force == "limit"
    assert decide("SM says keep every old form just in case. can we keep them?", [(gdpr, 0.9)], 0.2)[0] == "depends"


def test_giving_consent_is_not_passing_information_on() -> None:
    sentence = "A young person with sufficient understanding may give or refuse consent for themselves."
    assert not speaks_of(sentence, {"share"})


def test_no_duty_answers_have_i_got_to_with_no_and_can_i_not_at_all() -> None:
    sentence = "You do not need to quote article numbers to make a decision."
    assert decide("do I need to know all the GDPR article numbers to be allowed to share?", [(sentence, 0.3)], 0.2)[0] == "no"
    assert decide("can I share it without the article numbers?", [(sentence, 0.3)], 0.2)[0] == "depends"


def test_no_duty_decides_only_the_duty_it_names() -> None:
    sentence = "Notification to the data subject is not required where the data were encrypted."
    assert not frees_the_duty_asked(sentence, "do we still have to record the breach somewhere?")
    assert decide("do we still have to record the breach somewhere?", [(sentence, 0.3)], 0.2)[0] == "depends"
    obliges = "It does not oblige either party to disclose."
    assert frees_the_duty_asked(obliges, "are we obliged to give the police whatever they ask for?")


def test_no_duty_with_a_condition_depends_on_it() -> None:
    sentence = "You do not need a parent's consent if asking would put the child at risk."
    verdict, read = decide("do I need her parents to agree before I pass it on?", [(sentence, 0.3)], 0.2)
    assert verdict == "depends" and read is not None
    assert read.condition.startswith("if asking would put the child at risk")


def test_a_claim_the_documents_refute_in_so_many_words_is_answered_no() -> None:
    question = "bloke told me GDPR means we can't pass anything on to social services. is that right?"
    clause = "The GDPR and Data Protection Act 2018 do not prevent, or limit, the sharing of information for the purposes of keeping people safe."
    verdict, read = decide(question, [(clause, 0.3)], 0.2)
    assert verdict == "no" and read is not None and read.sentence == clause
    withdrawn = "Withdrawal does not make earlier sharing unlawful."
    assert decide("she's changed her mind. have we done something wrong by sending it?", [(withdrawn, 0.2)], 0.2)[0] == "no"
    duty = "It does not oblige either party to disclose, and each disclosure must still be necessary."
    assert decide("does s.115 mean we're obliged to give the police whatever they ask for?", [(duty, 0.2)], 0.2)[0] == "no"


def test_asking_whether_the_law_stops_sharing_is_answered_by_the_clause_that_says_it_does_not() -> None:
    clause = "The GDPR and Data Protection Act 2018 do not prevent, or limit, the sharing of information for the purposes of keeping people safe."
    for question in (
        "does gdpr stop us telling social services stuff we saw at a house if its to keep a kid safe",
        "the data protection act stops me passing this on, doesn't it?",
    ):
        assert checks_a_claim(question)
        assert decide(question, [(clause, 0.3)], 0.2)[0] == "no"
    # Only the clause that says so in so many words answers it; a rule about how to share does not.
    rule = "Personal information must be sent by secure email."
    assert decide("does GDPR stop us telling the GP?", [(rule, 0.4)], 0.2)[0] == "depends"
    # Not a claim about the law: an ordinary question about stopping something.
    assert not checks_a_claim("can we stop the referral now she has changed her mind?")


def test_a_claim_the_documents_do_not_refute_still_depends() -> None:
    # the claim is right here: nothing says the law is no bar, so no yes or no is given
    question = "my WM says we can't whatsapp photos of the hoarding to ASC. is that right?"
    rule = "Personal information must never be sent by WhatsApp or other messaging apps."
    assert decide(question, [(rule, 0.4)], 0.2)[0] == "depends"


def test_a_narrowed_permission_never_says_yes_to_what_it_leaves_out() -> None:
    clause = "CORE data providers can only access CORE personal data that has been submitted by their organisation."
    question = "the analyst says she can pull every provider's CORE returns and send us the lot. can she see other landlords' data?"
    assert decide(question, [(clause, 0.5)], 0.2)[0] == "depends"
