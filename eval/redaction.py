"""How well the redactor removes personal data from staff questions, on a labelled set.

    python -m eval.redaction [--set tests/data/redaction_set.jsonl] [--uk-only] [--no-ner] [--show]

Recall: share of labelled personal-data spans wholly inside one redaction, overall and per kind.
A labelled name includes its title, so "Mrs [NAME]" misses "Mrs Ellison"; the title-tolerant
figure (the measure before titles were redacted) counts it, for comparison with older reports.
Leaks: labelled text still readable anywhere in the redacted question (a second mention).
False positives: redactions that touch no labelled span, and clean questions changed at all.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from governance.redact import Redaction, Redactor

DEFAULT_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "redaction_set.jsonl"
KINDS = frozenset(
    {"NAME", "ADDRESS", "POSTCODE", "PHONE", "EMAIL", "DOB", "NHS_NUMBER", "NI_NUMBER",
     "VEHICLE_REG", "SCHOOL_OR_INSTITUTION", "CARD_NUMBER", "BANK_ACCOUNT"}
)
# A title at the start of a labelled name, left out by the title-tolerant figure.
LEADING_TITLE = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|cllr|pc|sgt|revd?)\.?\s+"
    r"(?:(?:and|&)\s+(?:mr|mrs|ms|miss|dr)\.?\s+)?)",
    re.IGNORECASE,
)
# The targets the redactor is held to (recall overall and for every kind; clean questions changed).
RECALL_TARGET = 0.95
CLEAN_CHANGED_TARGET = 1 / 40


@dataclass(frozen=True)
class Labelled:
    id: str
    question: str
    personal: list[tuple[int, int, str]]  # (start, end, kind) in the question


def load(path: Path) -> list[Labelled]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        items.append(Labelled(raw["id"], raw["question"], _locate(raw)))
    return items


def _locate(raw: dict[str, Any]) -> list[tuple[int, int, str]]:
    """Each labelled text's place in the question; a text labelled twice is its second mention."""
    spans: list[tuple[int, int, str]] = []
    for span in raw["personal"]:
        if span["kind"] not in KINDS:
            raise ValueError(f"{raw['id']}: unknown kind {span['kind']!r}; known: {sorted(KINDS)}")
        taken = [s for s, e, _ in spans if raw["question"][s:e] == span["text"]]
        start = raw["question"].find(span["text"], taken[-1] + 1 if taken else 0)
        if start < 0:
            raise ValueError(f"{raw['id']}: {span['text']!r} is not in the question")
        spans.append((start, start + len(span["text"]), span["kind"]))
    return spans


@dataclass
class Score:
    spans: Counter[str]
    removed: Counter[str]
    false_positives: list[tuple[str, str]]  # (item id, text redacted wrongly)
    misses: list[tuple[str, str, str]]  # (item id, kind, text left in)
    leaks: list[tuple[str, str, str]] = field(default_factory=list)  # still readable anywhere
    clean: int = 0
    clean_changed: int = 0
    removed_title_tolerant: int = 0

    @property
    def recall(self) -> float:
        total = sum(self.spans.values())
        return sum(self.removed.values()) / total if total else 1.0

    def kind_recall(self, kind: str) -> float:
        return self.removed[kind] / self.spans[kind] if self.spans[kind] else 1.0

    def short_of_targets(self) -> list[str]:
        """What misses RECALL_TARGET or CLEAN_CHANGED_TARGET, in words; empty when all are met."""
        short = [f"recall {self.recall:.1%}"] if self.recall < RECALL_TARGET else []
        short += [f"{k} {self.kind_recall(k):.1%}" for k in sorted(self.spans)
                  if self.kind_recall(k) < RECALL_TARGET]
        if self.clean and self.clean_changed / self.clean > CLEAN_CHANGED_TARGET:
            short.append(f"{self.clean_changed}/{self.clean} clean questions changed")
        return short


def score(items: list[Labelled], redactions: list[Redaction]) -> Score:
    result = Score(Counter(), Counter(), [], [])
    for item, redaction in zip(items, redactions, strict=True):
        covered = [(s.start, s.end) for s in redaction.spans]
        for start, end, kind in item.personal:
            result.spans[kind] += 1
            if any(a <= start and end <= b for a, b in covered):
                result.removed[kind] += 1
            else:
                result.misses.append((item.id, kind, item.question[start:end]))
            title = LEADING_TITLE.match(item.question[start:end]) if kind == "NAME" else None
            bare = start + (title.end() if title and title.end() < end - start else 0)
            result.removed_title_tolerant += any(a <= bare and end <= b for a, b in covered)
            if item.question[start:end] in redaction.text:
                result.leaks.append((item.id, kind, item.question[start:end]))
        for span in redaction.spans:
            if not any(span.start < e and s < span.end for s, e, _ in item.personal):
                result.false_positives.append((item.id, item.question[span.start : span.end]))
        if not item.personal:
            result.clean += 1
            result.clean_changed += int(redaction.changed)
    return result


def report(result: Score, engine: str, elapsed_s: float, count: int, show: bool) -> str:
    lines = [
        f"redactor: {engine}; {count} questions, {elapsed_s * 1000 / max(count, 1):.1f} ms each"
        f" (CPU time: other load on the machine does not count)",
        (
            f"recall: {sum(result.removed.values())}/{sum(result.spans.values())} "
            f"labelled spans removed = {result.recall:.1%}"
        ),
    ]
    total = sum(result.spans.values())
    lines.append(
        f"title-tolerant recall (a name's title may stay): {result.removed_title_tolerant}/{total}"
        f" = {result.removed_title_tolerant / max(total, 1):.1%}"
    )
    for kind in sorted(result.spans):
        lines.append(
            f"  {kind:<22} {result.removed[kind]:>3}/{result.spans[kind]:<3} "
            f"{result.kind_recall(kind):6.1%}"
        )
    lines.append(f"leaks: {len(result.leaks)} labelled texts still readable in the redacted text")
    lines.append(
        f"false positives: {len(result.false_positives)} redactions of unlabelled text; "
        f"{result.clean_changed}/{result.clean} clean questions changed"
    )
    short = result.short_of_targets()
    lines.append(
        f"targets (recall >= {RECALL_TARGET:.0%} overall and per kind, clean changed <= 1 in "
        f"{round(1 / CLEAN_CHANGED_TARGET)}): "
        + ("met" if not short else "short: " + ", ".join(short))
    )
    if show:
        lines += [f"  missed {i} {k}: {t!r}" for i, k, t in result.misses]
        lines += [f"  leaked {i} {k}: {t!r}" for i, k, t in result.leaks]
        lines += [f"  wrongly redacted {i}: {t!r}" for i, t in result.false_positives]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--uk-only", action="store_true", help="without presidio (the fallback)")
    parser.add_argument("--no-ner", action="store_true",
                        help="without the spaCy model (as where it is not installed)")
    parser.add_argument("--show", action="store_true", help="list every miss and false positive")
    args = parser.parse_args(argv)
    items = load(args.set)
    with tempfile.TemporaryDirectory() as cache:
        redactor = Redactor(Path(cache), use_presidio=not args.uk_only, use_ner=not args.no_ner)
        redactor.redact("warm up")  # builds presidio once, outside the timing
        started = time.process_time()
        redactions = [redactor.redact(item.question) for item in items]
        elapsed = time.process_time() - started
        print(report(score(items, redactions), redactor.engine, elapsed, len(items), args.show))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
