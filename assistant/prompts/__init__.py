"""Versioned answer prompts: each is `<id>.md` in this folder, and its id is logged with the answer."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from core.errors import ShareCheckError

PROMPT_DIR = Path(__file__).parent
# What the user part of every answer prompt is filled with; a prompt must use each exactly by name.
PLACEHOLDERS = frozenset({"question", "history", "passages", "contacts"})

_PROMPT_ID = re.compile(r"[a-z][a-z0-9_]*")
_SECTION = re.compile(r"^--- (system|user) ---$", re.M)


class PromptError(ShareCheckError, ValueError):
    """A prompt id names no prompt file, or the file is not a well-formed prompt."""


@dataclass(frozen=True)
class AnswerPrompt:
    """One prompt version: fixed system instructions and a user template with placeholders."""

    id: str
    system: str
    user: str

    def render(self, *, question: str, history: str, passages: str, contacts: str) -> str:
        """The user message; values are inserted as they are, braces in them left alone."""
        return self.user.format(
            question=question, history=history, passages=passages, contacts=contacts
        )


def available_prompts() -> list[str]:
    return sorted(p.stem for p in PROMPT_DIR.glob("*.md") if _PROMPT_ID.fullmatch(p.stem))


def load_prompt(prompt_id: str) -> AnswerPrompt:
    """Read and check the prompt `prompt_id` (e.g. "answer_v1") from this folder."""
    path = PROMPT_DIR / f"{prompt_id}.md"
    if not _PROMPT_ID.fullmatch(prompt_id) or not path.is_file():
        raise PromptError(
            f"no prompt named {prompt_id!r}; set SHARECHECK_LLM__PROMPT to one of "
            f"{', '.join(available_prompts()) or '(none found in ' + str(PROMPT_DIR) + ')'}"
        )
    return parse_prompt(prompt_id, path.read_text(encoding="utf-8"))


def parse_prompt(prompt_id: str, text: str) -> AnswerPrompt:
    """Split a prompt file into its `--- system ---` and `--- user ---` parts and check both."""
    parts = _SECTION.split(text)  # [preamble, "system", body, "user", body]
    if [name for name in parts[1::2]] != ["system", "user"]:
        raise PromptError(
            f"prompt {prompt_id!r} must have a '--- system ---' part, then a '--- user ---' part"
        )
    system, user = parts[2].strip(), parts[4].strip()
    if _fields(prompt_id, system):
        raise PromptError(f"prompt {prompt_id!r}: the system part takes no {{placeholders}}")
    used = _fields(prompt_id, user)
    if used != PLACEHOLDERS:
        raise PromptError(
            f"prompt {prompt_id!r}: the user part must use exactly "
            f"{sorted(PLACEHOLDERS)}; it uses {sorted(used)}"
        )
    return AnswerPrompt(prompt_id, system, user)


def _fields(prompt_id: str, template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:  # an unmatched brace; literal braces must be written {{ }}
        raise PromptError(f"prompt {prompt_id!r}: {error}") from None
