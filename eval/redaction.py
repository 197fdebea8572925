"""How well the redactor removes personal data from staff questions, on the labelled set.

    python -m eval.redaction [--set tests/data/redaction_set.jsonl] [--uk-only] [--show]

Recall: share of labelled personal-data spans wholly inside a redaction. False positives:
redactions that touch no labelled span, and clean questions the redactor changed at all.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from governance.redact import Redaction, Redactor

DEFAULT_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "redaction_set.jsonl"


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
        spans = []
        for span in raw["personal"]:
            start = raw["question"].find(span["text"])
            if start < 0:
                raise ValueError(f"{raw['id']}: {span['text']!r} is not in the question")
            spans.append((start, start + len(span["text"]), span["kind"]))
        items.append(Labelled(raw["id"], raw["question"], spans))
    return items


@dataclass
class Score:
    spans: Counter[str]
    removed: Counter[str]
    false_positives: list[tuple[str, str]]  # (item id, text redacted wrongly)
    misses: list[tuple[str, str, str]]  # (item id, kind, text left in)
    clean: int = 0
    clean_changed: int = 0

    @property
    def recall(self) -> float:
        total = sum(self.spans.values())
        return sum(self.removed.values()) / total if total else 1.0


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
        for span in redaction.spans:
            if not any(span.start < e and s < span.end for s, e, _ in item.personal):
                result.false_positives.append((item.id, item.question[span.start : span.end]))
        if not item.personal:
            result.clean += 1
            result.clean_changed += int(redaction.changed)
    return result


def report(result: Score, engine: str, elapsed_s: float, count: int, show: bool) -> str:
    lines = [
        f"redactor: {engine}; {count} questions, {elapsed_s * 1000 / max(count, 1):.1f} ms each",
        (
            f"recall: {sum(result.removed.values())}/{sum(result.spans.values())} "
            f"labelled spans removed = {result.recall:.1%}"
        ),
    ]
    for kind in sorted(result.spans):
        lines.append(f"  {kind:<12} {result.removed[kind]:>3}/{result.spans[kind]:<3}")
    lines.append(
        f"false positives: {len(result.false_positives)} redactions of unlabelled text; "
        f"{result.clean_changed}/{result.clean} clean questions changed"
    )
    if show:
        lines += [f"  missed {i} {k}: {t!r}" for i, k, t in result.misses]
        lines += [f"  wrongly redacted {i}: {t!r}" for i, t in result.false_positives]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--uk-only", action="store_true", help="without presidio (the fallback)")
    parser.add_argument("--show", action="store_true", help="list every miss and false positive")
    args = parser.parse_args(argv)
    items = load(args.set)
    with tempfile.TemporaryDirectory() as cache:
        redactor = Redactor(Path(cache), use_presidio=not args.uk_only)
        redactor.redact("warm up")  # builds presidio once, outside the timing
        started = time.perf_counter()
        redactions = [redactor.redact(item.question) for item in items]
        elapsed = time.perf_counter() - started
        print(report(score(items, redactions), redactor.engine, elapsed, len(items), args.show))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
