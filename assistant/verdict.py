"""The verdict read from the evidence: what a deciding sentence says you may, must or must not do.

Nothing here guesses. A sentence's force comes from its modal verbs and their polarity ("may",
"must not", "only with the consent of", "does not prevent"); the verdict comes from the force of
the sentence that best answers the question, and only when that sentence is about the action the
question asks about. Weak, mixed or off-target evidence gives `depends`: a wrong yes or no is
the worst answer ShareCheck can give, "it depends, ask the DPO" is only unhelpful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from core.answer import Verdict
from core.lexical import tokens

Force = Literal[
    "forbid", "consent", "condition", "limit", "permit", "require", "optional", "none"
]

# Negated permission or obligation: "must not", "should not be shared", "cannot", "never".
_FORBID = re.compile(
    r"\b(?:must|shall|should|may|can|will|need|is|are|be)\s+not\b(?!\s+(?:only|prevent|limit|"
    r"stop|restrict|be a barrier|necessarily))|\b(?:cannot|can't|mustn't|shouldn't|shan't|"
    r"won't)\b(?!\s+(?:prevent|limit|stop))|\bnever\b|\b(?:is|are)\s+(?:prohibited|forbidden|"
    r"not permitted|not allowed|unlawful)\b|\bdo(?:es)?\s+not\s+(?:share|disclose|pass|give|"
    r"release|tell|discuss)\b|\bdon't\s+(?:share|disclose|pass|give|release|tell|discuss)\b",
    re.I,
)
# Negated negatives read as permission: "the GDPR does not prevent, or limit, the sharing".
_NOT_PREVENT = re.compile(
    r"\b(?:do|does|did|should|must|will|shall)\s+not\s+(?:prevent|limit|stop|restrict|"
    r"be a barrier)|\bnot\s+(?:a|be a)\s+barrier\b|\bno\s+barrier\b",
    re.I,
)
# No duty: "you do not need to quote article numbers", "it does not oblige either party to
# disclose", "permits disclosure but does not require it", "a power, not a duty". It answers
# "do I have to ...?" with no, and "can I ...?" not at all.
_NO_DUTY = re.compile(
    r"\b(?:do|does|did|will)\s+not\s+(?:need|have)\s+to\b|\b(?:do|does)\s+not\s+need\b|"
    r"\b(?:don't|doesn't)\s+(?:need|have\s+to)\b|\bneed\s+not\b|\bno\s+need\s+to\b|"
    r"\b(?:is|are)\s+not\s+(?:required|obliged|obligated|compelled)\b|"
    r"\bdo(?:es)?\s+not\s+(?:oblige|require|compel)\b|\bshall\s+not\s+be\s+required\b|"
    r"\b(?:is|are|be|should|shall)\s+not\s+(?:be\s+)?(?:mandatory|compulsory|obligatory)\b|"
    r"\bnot\s+a\s+duty\b",
    re.I,
)
# A condition on that: "you do not need a parent's consent if asking would put the child at risk".
_ANY_CONDITION = re.compile(r"\b(?:if|where|unless|when|provided|as\s+long\s+as)\b", re.I)
# Someone's agreement is named as required: "without the written consent of the provider".
_CONSENT_OF = re.compile(
    r"\b(?:without|only with|with|subject to|requires?|need)\s+(?:the\s+)?(?:prior\s+|"
    r"written\s+|express\s+|explicit\s+|informed\s+)*(?:consent|permission|agreement|"
    r"authori[sz]ation|approval)(?:\s+(?:of|from)\s+(?P<who>(?:the\s+)?[\w' -]{3,60}?))?"
    r"(?=[,.;:)]|\s+(?:and|or|unless|except|before|to|where|if|has|is|was)\b|$)",
    re.I,
)
# "do not share ... unless your watch manager agrees": someone's agreement lifts a prohibition.
_UNLESS_AGREES = re.compile(
    r"\b(?:unless|until|except\s+where|without)\b[^.;]*?\b(?P<who>(?:the\s+|your\s+|their\s+|"
    r"his\s+|her\s+)?[\w' -]{2,40}?)\s+(?:agrees|has\s+agreed|consents|has\s+consented|"
    r"authorises|has\s+authorised|gives\s+(?:consent|permission|agreement))\b",
    re.I,
)
# A limit rather than a yes or no: "kept for no longer than is necessary", "no more than needed".
# Whether a case is inside it is judgement, so a limit gives depends, never yes_if.
_LIMIT = re.compile(
    r"\bno\s+(?:longer|more)\s+than\b|\bnot\s+(?:longer|more)\s+than\b|\bonly\s+(?:for\s+)?as\s+long\s+as\b|"
    r"\bminimum\s+(?:necessary|needed|required)\b",
    re.I,
)
# A permission narrowed to something ("providers can only access data submitted by their own
# organisation") says no to everything else: whether a case is inside it is judgement, never yes.
_ONLY = re.compile(r"\b(?:may|can|could|might|is|are|be)\s+only\b|\bonly\s+(?:be\s+)?\w+ed\s+(?:by|to|for|with)\b", re.I)
# A condition that is somebody's agreement.
_AGREEMENT = re.compile(
    r"\b(?:consent\w*|agree[sd]?|agreement|permission|authori[sz]\w+|approv\w+)\b", re.I
)
_AGREER = re.compile(
    r"\b(?P<who>(?:the|their|your|his|her)\s+[\w' -]{2,40}?)\s+(?:has\s+|have\s+)?(?:agreed|agrees|consented|consents|authorised|approved)\b",
    re.I,
)


def _agreeing(condition: str) -> str:
    found = _AGREER.search(condition)
    return _clean_who(found.group("who")) if found else ""


# Conditions on a permission: "only where", "provided that", "if it is necessary".
_CONDITION = re.compile(
    r"\b(?:only\s+(?:be\s+\w+\s+)?(?:if|where|when|with|for|to\s+the\s+extent|after|once)|provided\s+that|as\s+long\s+as|"
    r"so\s+long\s+as|on\s+condition|unless|subject\s+to|where\s+(?:it\s+is|this\s+is|there\s+is|"
    r"necessary|appropriate|required|possible|relevant)|if\s+(?:it\s+is|this\s+is|there\s+is|"
    r"necessary|appropriate|required|the\s+)|in\s+accordance\s+with|necessary\s+and\s+"
    r"proportionate|proportionate|where\s+necessary|to\s+the\s+extent)\b",
    re.I,
)
_PERMIT = re.compile(
    r"\b(?:may|can|is\s+(?:permitted|allowed|lawful|legitimate|able|entitled)|"
    r"are\s+(?:permitted|allowed|able|entitled)|"
    r"(?:is|are|be)\s+(?:expected|encouraged)\s+to|has\s+the\s+power|have\s+the\s+power|"
    r"shall\s+be\s+lawful|is\s+lawful)\b",
    re.I,
)
_REQUIRE = re.compile(
    r"\b(?:must|shall|should|is\s+required|are\s+required|has\s+a\s+duty|have\s+a\s+duty|"
    r"need\s+to|needs\s+to|is\s+obliged|are\s+obliged)\b",
    re.I,
)

# What a question asks about doing, as stemmed words: a deciding sentence must speak of the same
# kind of act (passing information on, keeping it, deleting it, reporting) to decide it.
ACTIONS: dict[str, frozenset[str]] = {
    "share": frozenset(tokens(
        "share sharing shared disclose disclosure disclosed provide provided pass passed passing "
        "give gave given release supply exchange transfer tell told inform notify report refer "
        "referral send sent forward forwarded access discuss process processing use used show "
        "shown"
    )),
    "keep": frozenset(tokens("keep kept retain retention store stored hold held period archive")),
    "delete": frozenset(tokens("delete deletion erase erasure destroy destruction remove wipe")),
    "record": frozenset(tokens("record recorded log note document write")),
    "refuse": frozenset(tokens("refuse refusal object objection withdraw decline opt")),
}  # fmt: skip

# Asking whether to act: a modal or "allowed/ok/have to" aimed at the asker or the act.
_DECISION = re.compile(
    r"\b(?:(?:can|could|may|might|should|shall|must)\s+(?:i|we|you|they|he|she|crews?|staff|"
    r"the\s+\w+|our\s+\w+|it|this|that)|(?:do|does|did)\s+(?:i|we|they|you)\s+(?:have|need|"
    r"tell|share|refer|pass|send|report|let|give|just|still|leave|keep|delete|wipe|ask)|"
    r"(?:am\s+i|are\s+we|is\s+it|is\s+that|would\s+it\s+be)\s+(?:\w+\s+)?(?:allowed|ok|"
    r"okay|alright|fine|legal|lawful|permitted|a\s+problem|wrong)|allowed\s+to|permitted\s+to|"
    r"ok\s+to|okay\s+to|alright\s+to|have\s+to|has\s+to|need\s+to|needs\s+to|"
    r"supposed\s+to|expected\s+to|entitled\s+to|obliged\s+to|required\s+to|a\s+duty\s+to|"
    r"any\s+problem|get\s+(?:in|into)\s+trouble|"
    r"can't\s+we|cant\s+we|can\s+i|can\s+we|isn't\s+it|is\s+that\s+ok|that's\s+(?:ok|fine|alright)|"
    r"that\s+ok|would\s+that\s+be|do\s+i\s+just|shall\s+i|should\s+we)\b",
    re.I,
)
# A question of fact, also after a lead-in ("For the training pack, what ...", "Under the CORE
# agreement, how long ...", "she's changed her mind, what do I do?").
_WH_QUESTION = re.compile(
    r"(?:^|[:,;]\s*)(?P<wh>what|what's|whats|who|who's|whose|which|how|how's|when|when's|where|"
    r"why|define|explain|list|tell\s+me|does\s+the\s+\w+\s+(?:say|mention|cover))\b",
    re.I,
)
# Asking leave inside a fact question: "what can I tell the neighbour?", "what may we share?".
_ASKS_PERMISSION = re.compile(
    r"\b(?:can|could|may|might)\s+(?:i|we|crews?|staff|you)\b"
    r"|\b(?:allowed|permitted|ok|okay)\s+to\b",
    re.I,
)
# A yes/no question joined onto a fact question: "how much notice, and can it end at once?",
# "what happens now, do they have to act on it?"; not "... and does the guide say ...".
_JOINED_DECISION = re.compile(
    r"(?:,\s*(?:and\s+|or\s+)?|\b(?:and|or)\s+)(?:(?:can|could|may|should|must|would)\s+"
    r"(?:the\s+\w+|our\s+\w+)|(?:can|could|may|should|must|would|do|does|did|is|are|have|has)"
    r"\s+(?:i|we|they|he|she|it|you|either|both))\b",
    re.I,
)
# "GDPR means we can't pass anything on, is that right?": the question tests a claim, so its yes
# or no is about the claim, not the act; the answer says what the documents say instead.
_CLAIM_CHECK = re.compile(
    r"\b(?:is\s+that|is\s+this|is\s+he|is\s+she|are\s+they)\s+(?:right|true|correct)\b|"
    r"\bdoes\s+(?:that|this|it|[\w.]+)\s+mean\b|\bi'm\s+worried\b[^?]*\bmeans\b|"
    r"\b(?:have|did)\s+(?:we|i)\s+(?:done\s+|do\s+)?(?:something|anything)\s+wrong\b|"
    # "does GDPR stop us telling social services?", "the privacy law stops me sharing, doesn't it?"
    r"\b(?:does|do|will|would|doesn't|won't)\s+(?:the\s+)?(?:new\s+)?(?:uk\s+)?(?:gdpr|dpa|data\s+"
    r"protection(?:\s+act)?|privacy\s+laws?|law|confidentiality)\s+(?:\w+\s+)?(?:stop|prevent|bar|"
    r"block|forbid|ban)\b|\b(?:gdpr|dpa|data\s+protection(?:\s+act)?|privacy\s+laws?|law)\s+"
    r"(?:\w+\s+)?(?:stops|prevents|bars|blocks|forbids|bans)\s+(?:me|us|you|crews?|staff)\b"
    r"[^?]*\b(?:doesn't|does|isn't|is)\s+it\b",
    re.I,
)
# The claims a myth-busting clause refutes: that the law bars sharing ("GDPR means we can't pass
# anything on", "have we done something wrong by sending it?") and that a power is a duty ("does
# s.115 mean we're obliged to hand it over?").
_CLAIMS_A_BAR = re.compile(
    r"\b(?:can't|cannot|cant|can\s+not|not\s+allowed|mustn't|unlawful|illegal|wrong|breach\w*|"
    r"stops?|prevents?|bars?|blocks?|forbids?|bans?)\b",
    re.I,
)
_CLAIMS_A_DUTY = re.compile(r"\b(?:obliged|required|have\s+to|has\s+to|must|duty)\b", re.I)
# Clause wording that says the law is no bar: "do not prevent, or limit, the sharing", "is not a
# barrier", "does not make earlier sharing unlawful", "allows sharing when it is necessary".
_NO_BAR = re.compile(
    r"\b(?:do|does|did|should|must|will|shall)\s+not\s+(?:prevent|limit|stop|restrict|prohibit)\b|"
    r"\bnot\s+(?:a|be\s+a)\s+barrier\b|\bno\s+barrier\b|\bdoes\s+not\s+make\b[^.;]*\bunlawful\b|"
    r"\ballows?\s+(?:the\s+)?shar",
    re.I,
)
# A refuting clause may sit a little lower than a plain yes or no needs: its wording is rare and
# says exactly what the claim denies.
REFUTES_AT = 0.5


@dataclass(frozen=True)
class Stance:
    """What one sentence says of an act: its force, and the consent or condition it names."""

    force: Force
    who: str = ""  # whose consent or permission is needed, when the sentence names one
    condition: str = ""  # the condition's wording, e.g. "where it is necessary and proportionate"
    sentence: str = ""  # the sentence read, once `decide` has chosen it


def stance(sentence: str) -> Stance:
    """Read the modal force and polarity of one sentence."""
    no_duty = _NO_DUTY.search(sentence)
    if no_duty:
        condition = _ANY_CONDITION.search(sentence, no_duty.end())
        return Stance(
            "optional", condition=_condition_text(sentence, condition.start()) if condition else ""
        )
    consent = _CONSENT_OF.search(sentence)
    forbids = bool(_FORBID.search(sentence)) and not _NOT_PREVENT.search(sentence)
    if consent and _needs_consent(sentence, consent, forbids):
        return Stance("consent", who=_clean_who(consent.group("who") or ""))
    agrees = _UNLESS_AGREES.search(sentence)
    if forbids and agrees:
        return Stance("consent", who=_clean_who(agrees.group("who")))
    if forbids:
        return Stance("forbid")
    condition = _CONDITION.search(sentence)
    permits = bool(_PERMIT.search(sentence)) or bool(_NOT_PREVENT.search(sentence))
    requires = bool(_REQUIRE.search(sentence))
    if _LIMIT.search(sentence) and (permits or requires or condition):
        limit = _LIMIT.search(sentence)
        return Stance("limit", condition=_condition_text(sentence, limit.start()) if limit else "")
    if condition and (permits or requires):
        text = _condition_text(sentence, condition.start())
        # "may only be shared where the adult has agreed": the condition is someone's say-so,
        # which is what not_without means; yes_if would read as go-ahead.
        if _AGREEMENT.search(text):
            return Stance("consent", who=_agreeing(text), condition=text)
        return Stance("condition", condition=text)
    if permits and _ONLY.search(sentence):
        only = _ONLY.search(sentence)
        return Stance("limit", condition=_condition_text(sentence, only.start()) if only else "")
    if permits:
        return Stance("permit")
    if requires:
        return Stance("require")
    return Stance("none")


def _needs_consent(sentence: str, consent: re.Match[str], forbids: bool) -> bool:
    """'must not ... without the consent of X' and 'only with consent' need it; 'may share
    without consent where...' does not (that is a condition on a permission)."""
    word = consent.group(0).split()[0].lower()
    if word == "without":
        return forbids
    if word in {"only", "requires", "require", "need", "subject"}:
        return True
    # "with the consent of": needed only where the sentence limits the act to it.
    return bool(re.search(r"\bonly\b", sentence, re.I)) or forbids


def _clean_who(who: str) -> str:
    who = re.split(r"\s+(?:and|or)\s+", re.sub(r"\s+", " ", who))[-1].strip(" ,.;:")
    return who if len(who.split()) <= 8 else ""


def _condition_text(sentence: str, start: int) -> str:
    """The condition clause from where it starts to the next stop, at most 20 words."""
    rest = re.split(r"[;:.]|\s\(", sentence[start:], maxsplit=1)[0]
    words = rest.split()
    return " ".join(words[:20]).rstrip(",")


def is_decision(question: str) -> bool:
    """A sharing decision (can / should / must I ...) rather than a question of fact.

    The question asked is usually the last sentence of a story; a fact question (what, who, how
    long) there is answered as information even when the story says "share", and even when it
    names a duty ("who has to sign the form?", "what do we need to record?"): only asking leave
    ("what can I tell her?") or a second question joined on ("..., and can it end at once?")
    makes it a decision."""
    text = question.strip()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\s+-\s+", text) if s.strip()] or [text]
    last = sentences[-1]
    asked = _WH_QUESTION.search(last)
    if asked:
        rest = last[asked.start("wh") :]
        return bool(_ASKS_PERMISSION.search(rest) or _JOINED_DECISION.search(rest))
    return bool(_DECISION.search(text))


def checks_a_claim(question: str) -> bool:
    return bool(_CLAIM_CHECK.search(question))


def actions_of(question: str) -> set[str]:
    """Which kinds of act the question asks about (share, keep, delete, record, refuse)."""
    words = set(tokens(question))
    found = {name for name, stems in ACTIONS.items() if words & stems}
    return found or {"share"}


# Words that carry a sentence's force onto its verb: "may", "must not", "is permitted to".
_MODALS = frozenset(
    "may might can cannot can't must mustn't shall should shouldn't won't need needs "
    "permitted allowed expected required entitled never only not do does don't".split()
)
# What a verb of giving is about when it is not information: "give consent", "give or refuse
# permission".
_OF_AGREEMENT = frozenset({"consent", "permission", "approval"})
# How far a modal may stand from the verb it governs: "may only be shared", "must not be
# passed on", "should not normally be given".
MODAL_REACH = 4


# The verbs of each act as written (not stemmed: "information" is not "inform", "providers"
# not "provide").
_VERBS: dict[str, re.Pattern[str]] = {
    "share": re.compile(
        r"^(?:shar(?:e|es|ed|ing)|disclos(?:e|es|ed|ing)|pass(?:es|ed|ing)?|g(?:ive|ives|ave|"
        r"iven|iving)|releas(?:e|es|ed|ing)|suppl(?:y|ies|ied|ying)|exchang(?:e|es|ed|ing)|"
        r"transfer(?:s|red|ring)?|t(?:ell|ells|old|elling)|inform(?:s|ed|ing)?|notif(?:y|ies|ied|"
        r"ying)|report(?:s|ed|ing)?|refer(?:s|red|ring)?|sen(?:d|ds|t|ding)|forward(?:s|ed|ing)?|"
        r"access(?:es|ed|ing)?|discuss(?:es|ed|ing)?|process(?:es|ed|ing)?|us(?:e|es|ed|ing)|"
        r"show(?:s|n|ed|ing)?|provid(?:e|es|ed|ing)|co-operate|cooperate)$"
    ),
    "keep": re.compile(r"^(?:keep|keeps|kept|keeping|retain(?:s|ed|ing)?|stor(?:e|es|ed|ing)|hold|holds|held|holding|archiv(?:e|ed|ing))$"),
    "delete": re.compile(r"^(?:delet(?:e|es|ed|ing)|eras(?:e|es|ed|ing)|destroy(?:s|ed|ing)?|remov(?:e|es|ed|ing)|wip(?:e|es|ed|ing))$"),
    "record": re.compile(r"^(?:record(?:s|ed|ing)?|log(?:s|ged|ging)?|not(?:e|es|ed|ing)|document(?:s|ed|ing)?|writ(?:e|es|ten|ing))$"),
    "refuse": re.compile(r"^(?:refus(?:e|es|ed|ing)|object(?:s|ed|ing)?|withdraw(?:s|n|ing)?|declin(?:e|es|ed|ing))$"),
}


def speaks_of(sentence: str, actions: set[str]) -> bool:
    """Whether the sentence's modal governs one of the acts asked about ("may be shared", "must
    not be passed"), not some other verb ("the law may provide for derogations")."""
    verbs = [_VERBS[name] for name in actions]
    words = re.findall(r"[\w'-]+", sentence.lower())
    for i, word in enumerate(words):
        if word not in _MODALS:
            continue
        reach = words[i + 1 : i + 2 + MODAL_REACH]
        for j, w in enumerate(reach[:MODAL_REACH]):
            # "may give or refuse consent" is about agreeing, not about passing information on
            if any(verb.match(w) for verb in verbs) and not _OF_AGREEMENT.intersection(reach[j + 1 : j + 4]):
                return True
    return False


# What a "do I have to ...?" question asks to be done, and what a sentence says need not be:
# the words after "have to" / "need to" in each ("know all the article numbers" and "quote
# article numbers"). A no-duty sentence decides the question only when they share a word.
_DUTY_ASKED = re.compile(
    r"\b(?:have|has|need|needs|obliged|required|supposed|duty)\s+to\b|\b(?:must|need)\b", re.I
)
DUTY_OBJECT_WORDS = 8
_GENERIC = frozenset(tokens("information personal data details anything everything something stuff"))


def _object_of(text: str, marker: re.Match[str] | None) -> set[str]:
    if marker is None:
        return set()
    return set(tokens(" ".join(text[marker.end() :].split()[:DUTY_OBJECT_WORDS]))) - _GENERIC


def frees_the_duty_asked(sentence: str, question: str) -> bool:
    """Whether a no-duty sentence is about the duty asked: "you do not need to quote article
    numbers" answers "do I need to know all the article numbers?", not "do I have to record it?"."""
    asked = _object_of(question, _DUTY_ASKED.search(question))
    freed = _object_of(sentence, _NO_DUTY.search(sentence))
    return bool(asked & freed) or bool(asked & ACTIONS["share"] and freed & ACTIONS["share"])


def verdict_of(force: Force, *, asks_obligation: bool) -> Verdict:
    """The answer status a deciding sentence's force gives.

    "Do I have to ...?" answered by a permission is not a yes: it says you may, not that you
    must, so it is left as depends."""
    if force == "forbid":
        return "no"
    if force == "consent":
        return "not_without"
    if force == "condition":
        return "yes_if"
    if force == "require":
        return "yes"
    if force == "permit":
        return "depends" if asks_obligation else "yes"
    if force == "optional":
        return "no" if asks_obligation else "depends"
    return "depends"


def asks_obligation(question: str) -> bool:
    return bool(
        re.search(
            r"\b(have to|has to|must|obliged|required|need to|duty)\b|\b(?:do|does)\s+(?:i|we|you|"
            r"they|crews?|staff)\s+(?:\w+\s+)?need\b",
            question,
            re.I,
        )
    )


def decide(
    question: str, deciding: list[tuple[str, float]], strong: float
) -> tuple[Verdict, Stance | None]:
    """The verdict from the best deciding sentences (text, relevance), best first.

    Any yes or no (plain or conditional) needs the best sentence to be about the act asked about and relevant above
    `strong`; a runner-up of opposite polarity that is nearly as relevant makes it depends."""
    if checks_a_claim(question):
        return refuted(question, deciding, strong)
    if not is_decision(question):
        return "info", None
    actions = actions_of(question)
    obligation = asks_obligation(question)
    # Each sentence read once; a rule for sharing with a body the question does not name is off
    # target.
    read = [
        (read_as, r) for s, r in deciding
        if (read_as := replace(stance(s), sentence=s)).force != "none"
        and _on_target(s, question, actions, obligation) and not elsewhere_to(s, question)
    ]  # fmt: skip
    if not read:
        return "depends", None
    best, relevance = read[0]
    verdict = verdict_of(best.force, asks_obligation=obligation)
    if best.force == "optional" and best.condition:
        return "depends", best
    if relevance < strong and verdict in {"yes", "yes_if", "no", "not_without"}:
        return "depends", best
    for other, other_relevance in read[1:3]:
        if other_relevance >= 0.8 * relevance and _opposed(
            verdict, verdict_of(other.force, asks_obligation=obligation)
        ):
            return "depends", best
    return verdict, best


def refuted(
    question: str, deciding: list[tuple[str, float]], strong: float
) -> tuple[Verdict, Stance | None]:
    """A claim put to ShareCheck ("GDPR means we can't ..., is that right?") is answered no
    when a clause about sharing says the opposite in so many words; otherwise it depends."""
    bar = bool(_CLAIMS_A_BAR.search(question))
    duty = bool(_CLAIMS_A_DUTY.search(question))
    for sentence, relevance in deciding:
        if relevance < REFUTES_AT * strong or not set(tokens(sentence)) & ACTIONS["share"]:
            continue
        if bar and _NO_BAR.search(sentence):
            return "no", Stance("permit", sentence=sentence)
        if duty and _NO_DUTY.search(sentence) and frees_the_duty_asked(sentence, question):
            return "no", replace(stance(sentence), sentence=sentence)
    return "depends", None


def _on_target(sentence: str, question: str, actions: set[str], obligation: bool) -> bool:
    """A sentence decides the question when its modal governs the act asked about, or, for a
    "do I have to ...?", when it says that very duty is not there."""
    if _NO_DUTY.search(sentence):
        return obligation and frees_the_duty_asked(sentence, question)
    return speaks_of(sentence, actions)


# A recipient named in a sharing rule: "may disclose information to the Gangmasters and Labour Abuse
# Authority", "shared with Derbyshire Constabulary". Capitalised words only: "with social care" is
# the kind of partner a question names in its own words.
_NAMED_RECIPIENT = re.compile(
    r"\b(?:to|with)\s+(?:the\s+|a\s+|an\s+)?((?:[A-Z][\w'’&-]*\s+(?:and\s+|of\s+|for\s+)?){0,5}"
    r"[A-Z][\w'’&-]*)"
)
# Capitalised words that name no particular body ("the Act", "a Partner") or that every
# recipient shares ("Authority", "Service").
_NO_RECIPIENT = frozenset(tokens(
    "act regulation data controller processor partner partners agency agencies authority "
    "authorities service services organisation organisations body bodies officer officers "
    "article section schedule part annex appendix gdpr i we you they it this that these"
))


def elsewhere_to(sentence: str, question: str) -> str:
    """A recipient the sentence names whom the question does not ("to the Gangmasters and Labour
    Abuse Authority" against "can I pass it to the housing officer?"); "" when none. A rule for
    sharing with someone else, permission or duty, decides nothing about this recipient."""
    asked = set(tokens(question))
    for match in _NAMED_RECIPIENT.finditer(sentence):
        words = set(tokens(match.group(1))) - _NO_RECIPIENT
        if words and not words & asked:
            return match.group(1)
    return ""


def _opposed(a: Verdict, b: Verdict) -> bool:
    go, stop = {"yes", "yes_if"}, {"no", "not_without"}
    return (a in go and b in stop) or (a in stop and b in go)
