"""Compatibility: the answer types moved to core/answer.py (governance needs them without
importing assistant). Import from `core.answer`; these names stay importable from here."""

from core.answer import (
    DANGER_LINE,
    MARKER,
    NEGATIVE,
    NOT_LEGAL_ADVICE,
    POSITIVE,
    VERDICTS,
    Answer,
    Citation,
    Mode,
    Turn,
    Verdict,
    marker,
)

__all__ = [
    "DANGER_LINE", "MARKER", "NEGATIVE", "NOT_LEGAL_ADVICE", "POSITIVE",
    "VERDICTS", "Answer", "Citation", "Mode", "Turn", "Verdict", "marker",
]  # fmt: skip
