"""Two checks before answering: is someone in danger now, and is this about sharing at all?"""

from __future__ import annotations

import re

from core.lexical import tokens

# Wording that signals immediate danger: the answer leads with the 999 line.
_DANGER = re.compile(
    r"\b(fire (is )?(still )?(burning|spreading)|on fire|smoke (is )?coming|trapped|"
    r"(threaten\w*|attack\w*|assault\w*|stab\w*|weapon|knife|gun)|"
    r"(being|getting) (hit|beaten|hurt|attacked)|violen\w*|"
    r"(at|in) (immediate |imminent )?(risk|danger) (right )?now|right now|immediate(ly)? (risk|danger)|"
    r"in danger|not breathing|unconscious|suicid\w*|kill (him|her|them|myself|themselves)|overdos\w*|"
    r"going to hurt|on\s+the\s+floor|collapsed|can'?t\s+get\s+up|"
    r"unresponsive|not\s+responding|bleeding|chest\s+pains?|can'?t\s+breathe|struggling\s+to\s+breathe|"
    r"(?:gas|smoke|carbon monoxide)\s+(?:leak|alarm\s+going\s+off)|still\s+inside|"
    r"(?:house|flat|home)\s+(?:is\s+)?on\s+fire)\b",
    re.I,
)
_NOT_DANGER = re.compile(r"\b(no(body|one)? ?('?s|is)? in (immediate )?danger|not in (immediate )?danger)\b", re.I)

# Words (stemmed) of the subject ShareCheck answers about: sharing people's information lawfully.
# A question with none of them is out of scope whatever the nearest passage says.
SCOPE_WORDS = frozenset(
    tokens(
        """share sharing shared disclose disclosure information data personal
        details record records consent agree permission lawful legal law basis gdpr dpa privacy
        confidential confidentiality safeguarding safeguard concern concerns referral refer
        police social care council health nhs gp doctor hospital ambulance paramedic agency agencies
        partner partners agreement agreements charter protocol isa dsa controller processor
        breach breaches lost email emailed secure security retention retain delete destroy
        request requests subject access sar foi freedom vulnerable risk harm abuse neglect
        self-neglect hoarding slavery trafficking exploitation capacity child children adult
        adults vital interests public task duty mash dpo ico commissioner principle principles
        caldicott jury expectations patient patients victim victims address phone number
        report reported reporting notify notification special category criminal offence
        crime prevention investigation detective officer housing tenant lettings research
        identify identifiable anonymised pseudonymised hfsv visit visited review""".replace(
            "\n", " "
        )
    )
)


def in_danger(question: str) -> bool:
    """True when the wording says someone may be at risk right now."""
    return bool(_DANGER.search(question)) and not _NOT_DANGER.search(question)


def in_scope(question: str) -> bool:
    """True when the question uses at least one word of the information-sharing subject."""
    return bool(SCOPE_WORDS.intersection(tokens(question)))
