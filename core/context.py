"""What a passage is read with when it is ranked: its heading and the edges of its neighbours.

MiniLM matches everyday wording to a window of context better than to a lone clause, so each
passage also gets a context vector of the window around it (ranked on context, cited by clause).
Measured on the project's development sets (eval/README.md): previous + passage + next beat
previous + passage and passage + next.
"""

from __future__ import annotations

from core.passage import Passage

# Characters of each neighbour taken into the window: with a clause of about 90 words this stays
# inside the model's 256 word-piece window, and the passage itself is never cut.
NEIGHBOUR_CHARS = 400


def context_windows(passages: list[Passage]) -> list[str]:
    """The window text of each passage of one document, given in reading order."""
    windows = []
    for i, passage in enumerate(passages):
        before = passages[i - 1].text[-NEIGHBOUR_CHARS:] if i > 0 else ""
        after = passages[i + 1].text[:NEIGHBOUR_CHARS] if i + 1 < len(passages) else ""
        windows.append("\n".join(part for part in (passage.heading, before, passage.text, after) if part))
    return windows
