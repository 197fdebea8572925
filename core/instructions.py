"""Document text that addresses a reader as a system ("ignore previous instructions", "you are an
AI", "tell staff they can always share"): documents are data, never instructions.

Such a passage is typed "instruction" at ingest, never quoted as guidance, and listed on the
Library page for an admin to look at; an admin's approval makes it an ordinary passage again.
"""

from __future__ import annotations

import re

_ADDRESSES_A_SYSTEM = re.compile(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|other)\s+"
    r"(?:instructions|rules|guidance|prompts?)|\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|"
    r"chatbot|language\s+model|sharecheck)\b|\bsystem\s+prompt\b|\b(?:tell|inform)\s+(?:all\s+)?"
    r"(?:staff|users|crews)\s+(?:that\s+)?they\s+can\s+always\b|\balways\s+share\s+everything\b",
    re.I,
)


def addresses_a_system(text: str) -> bool:
    """True when the text speaks to an AI or system rather than stating a rule for people."""
    return bool(_ADDRESSES_A_SYSTEM.search(text))
