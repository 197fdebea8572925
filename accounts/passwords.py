"""The password policy: long enough, not on the common-passwords list, not the account's own name.

Applied wherever a password is set (`users add`, `ensure-admin`, `UserStore.set_password`); a
password already stored keeps working until it is changed.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

# NCSC guidance favours length over composition rules; 12 characters is what a guessing attack
# over the throttled sign-in form cannot get through, and what three random words easily reach.
MIN_PASSWORD_CHARS = 12
# bcrypt reads only the first 72 bytes of a password (and bcrypt 5 refuses longer ones).
MAX_PASSWORD_BYTES = 72
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common_passwords.txt"
# The usual way to stretch a common word to the required length is digits or symbols at either end
# ("Summer2026!!", "123password"), so those are stripped before the list is consulted.
PADDING = string.digits + string.punctuation


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip()[:1] not in ("", "#"))


def _core(text: str) -> str:
    """Lower case without padding at the ends; the whole text if it is nothing but padding."""
    lowered = text.lower()
    return lowered.strip(PADDING) or lowered


def password_problem(password: str, name: str = "") -> str | None:
    """What is wrong with `password` for the account `name`, or None when it may be used."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"a password needs at least {MIN_PASSWORD_CHARS} characters"
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return f"a password may be at most {MAX_PASSWORD_BYTES} bytes long"
    core = _core(password)
    if password.lower() in common_passwords() or core in common_passwords():
        return "that password is one of the most commonly used; choose a less obvious one"
    names = {n for n in (name.lower(), name.lower().split("@")[0]) if n}
    if core in names or password.lower() in names:
        return "a password may not be the account name"
    return None


def check_password(password: str, name: str = "") -> bytes:
    """The password as bcrypt will read it, or a ValueError saying what is wrong with it."""
    problem = password_problem(password, name)
    if problem:
        raise ValueError(problem)
    return password.encode("utf-8")
