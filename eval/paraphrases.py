"""How well verified answers find their paraphrases and refuse traps: `python -m eval.paraphrases`.

Reads pairs {"verified", "asked", "same"} (eval/gold/paraphrases.jsonl by default), embeds both
with the app's embedder and reports, at the serving threshold and at others, how many traps would
be served (must be none) and how many true paraphrases are (recall); `--show` lists each pair.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.embedding import Embedder
from governance.same_question import SERVE_AT_OR_ABOVE, difference, matching_text

GOLD = Path(__file__).resolve().parent / "gold"
SETS = (GOLD / "paraphrases.jsonl", GOLD / "paraphrases-blind.jsonl")
SWEEP = (0.70, 0.75, 0.78, 0.80, 0.85, 0.90, 0.95)


@dataclass(frozen=True)
class Pair:
    verified: str
    asked: str
    same: bool
    similarity: float
    guard: str  # why the guard says they differ; "" when it lets them through
    trap: str = ""
    split: str = ""

    def served(self, threshold: float, guarded: bool = True) -> bool:
        return self.similarity >= threshold and not (guarded and self.guard)


@dataclass(frozen=True)
class Scores:
    threshold: float
    traps_served: int
    traps: int
    paraphrases_served: int
    paraphrases: int

    @property
    def precision(self) -> float:
        served = self.traps_served + self.paraphrases_served
        return self.paraphrases_served / served if served else 1.0

    @property
    def recall(self) -> float:
        return self.paraphrases_served / self.paraphrases if self.paraphrases else 0.0


def load(path: Path, embedder: Embedder) -> list[Pair]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    verified = embedder.embed([matching_text(i["verified"]) for i in items])
    asked = embedder.embed([matching_text(i["asked"]) for i in items])
    similarity = (verified * asked).sum(axis=1)
    return [
        Pair(i["verified"], i["asked"], bool(i["same"]), float(s),
             difference(i["verified"], i["asked"]), i.get("trap", ""), i.get("split", ""))
        for i, s in zip(items, np.asarray(similarity), strict=True)
    ]  # fmt: skip


def score(pairs: list[Pair], threshold: float, guarded: bool = True) -> Scores:
    traps = [p for p in pairs if not p.same]
    same = [p for p in pairs if p.same]
    return Scores(
        threshold,
        sum(p.served(threshold, guarded) for p in traps), len(traps),
        sum(p.served(threshold, guarded) for p in same), len(same),
    )  # fmt: skip


def report(name: str, pairs: list[Pair], show: bool) -> list[str]:
    lines = [f"## {name}: {sum(p.same for p in pairs)} paraphrases, {sum(not p.same for p in pairs)} traps"]
    for guarded in (False, True):
        lines.append("with the concept guard" if guarded else "cosine alone")
        for threshold in sorted({*SWEEP, SERVE_AT_OR_ABOVE}):
            s = score(pairs, threshold, guarded)
            mark = "  <- serving threshold" if threshold == SERVE_AT_OR_ABOVE and guarded else ""
            lines.append(
                f"  >= {threshold:.2f}: traps served {s.traps_served}/{s.traps}, paraphrases "
                f"served {s.paraphrases_served}/{s.paraphrases} (recall {s.recall:.2f}, "
                f"precision {s.precision:.2f}){mark}"
            )
    guarded_traps = [p for p in pairs if not p.same and not p.guard]
    top = max((p.similarity for p in guarded_traps), default=0.0)
    lines.append(f"highest trap past the guard: {top:.3f}")
    if show:
        for p in sorted(pairs, key=lambda p: -p.similarity):
            verdict = "SERVED" if p.served(SERVE_AT_OR_ABOVE) else "not served"
            kind = "same" if p.same else f"trap ({p.trap})"
            lines.append(f"  {p.similarity:.3f} {kind:18} {verdict:10} {p.guard or '-'}\n"
                         f"      {p.verified}\n      {p.asked}")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.paraphrases", description=__doc__)
    parser.add_argument("--set", type=Path, action="append", help="pairs file (default: both)")
    parser.add_argument("--show", action="store_true", help="list every pair")
    args = parser.parse_args(argv)
    from core.embedding import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    failed = False
    for path in args.set or [p for p in SETS if p.exists()]:
        pairs = load(path, embedder)
        print("\n".join(report(path.name, pairs, args.show)), end="\n\n")
        failed |= score(pairs, SERVE_AT_OR_ABOVE).traps_served > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
