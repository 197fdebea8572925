"""The gold sets `python -m eval` knows by name: the corpus each is asked of and its report name.

The real public documents and their dev set live outside the repository (/work/shared); a set
whose corpus or questions are absent is skipped with a message, never silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "eval" / "gold"
BUNDLED_CORPUS = REPO / "corpus"
SHARED = Path("/work/shared")
SHARED_CORPUS = SHARED / "corpus"


@dataclass(frozen=True)
class GoldSet:
    """A question set on its corpus; `report` names its reports, so earlier ones are found."""

    name: str
    corpus: Path
    questions: Path
    report: str
    about: str

    def missing(self) -> str:
        """Why this set cannot run here, or "" when it can."""
        if not self.corpus.is_dir():
            return f"corpus {self.corpus} not found"
        if not self.questions.is_file():
            return f"questions {self.questions} not found"
        return ""


def store_folder(root: Path, corpus: Path) -> Path:
    """The folder under `root` that keeps a corpus's store. By the corpus's full path too: the
    bundled and shared folders are both named "corpus"."""
    digest = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:8]
    return root / f"{corpus.name}-{digest}"


SETS: tuple[GoldSet, ...] = (
    GoldSet("bundled", BUNDLED_CORPUS, GOLD / "bundled.jsonl", "bundled",
            "illustrative bundled corpus; the floors hold here"),
    GoldSet("real-dev", SHARED_CORPUS, SHARED / "eval" / "real-dev.jsonl", "shared-corpus",
            "development set on the real documents (verdicts in eval/gold/real-dev-verdicts.jsonl)"),
    GoldSet("shared-authored", SHARED_CORPUS, GOLD / "shared-authored.jsonl",
            "shared-corpus-blind", "blind set written 2026-11-26"),
    GoldSet("frontline-blind", SHARED_CORPUS, GOLD / "frontline-blind.jsonl",
            "shared-corpus-frontline-blind", "blind frontline set written 2026-11-30"),
    GoldSet("frontline-blind-2", SHARED_CORPUS, GOLD / "frontline-blind-2.jsonl",
            "shared-corpus-frontline-blind-2",
            "second blind frontline set (2026-11-30 evening), measured once, then its one wrong yes/no read"),
    GoldSet("frontline-blind-3", SHARED_CORPUS, GOLD / "frontline-blind-3.jsonl",
            "shared-corpus-frontline-blind-3",
            "third blind frontline set (2026-12-01), measured once at ac32657"),
    GoldSet("frontline-blind-4", SHARED_CORPUS, GOLD / "frontline-blind-4.jsonl",
            "shared-corpus-frontline-blind-4",
            "fourth blind frontline set (2026-12-01), kept for the final measure only"),
    GoldSet("frontline-blind-5", SHARED_CORPUS, GOLD / "frontline-blind-5.jsonl",
            "shared-corpus-frontline-blind-5",
            "fifth blind frontline set (2026-12-01, session 7), written by a helper from the documents only"),
    GoldSet("frontline-blind-6", SHARED_CORPUS, GOLD / "frontline-blind-6.jsonl",
            "shared-corpus-frontline-blind-6",
            "sixth blind frontline set (2026-12-01, session 8), written by a helper from the documents only"),
    GoldSet("frontline-blind-7", SHARED_CORPUS, GOLD / "frontline-blind-7.jsonl",
            "shared-corpus-frontline-blind-7",
            "seventh blind frontline set (2026-12-01, session 9), written by a helper from the documents only"),
)  # fmt: skip


def find_set(name: str) -> GoldSet:
    for gold_set in SETS:
        if gold_set.name == name:
            return gold_set
    raise ValueError(f"no gold set {name!r}; known: {', '.join(s.name for s in SETS)}")
