"""Floors (and ceilings) the bundled-corpus figures must keep; CI fails a change that breaks one."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from eval.metrics import Figures

FLOORS_FILE = Path(__file__).resolve().parent / "floors.json"


@dataclass(frozen=True)
class Floors:
    """Lowest allowed values (`min`) and highest allowed values (`max`), by Figures field."""

    k: int
    minimum: dict[str, float] = field(default_factory=dict)
    maximum: dict[str, float] = field(default_factory=dict)


def load_floors(path: Path = FLOORS_FILE) -> Floors:
    raw = json.loads(path.read_text(encoding="utf-8"))
    floors = Floors(int(raw["k"]), dict(raw.get("min", {})), dict(raw.get("max", {})))
    unknown = (set(floors.minimum) | set(floors.maximum)) - set(Figures.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: no such figure: {', '.join(sorted(unknown))}")
    return floors


def breaches(figures: Figures, floors: Floors) -> list[str]:
    """One sentence per figure outside its bound; empty when all hold."""
    found = []
    for key, low in floors.minimum.items():
        got = getattr(figures, key)
        if got is None or got < low:
            found.append(f"{key} is {_show(got)}, below its floor {low:.2f}")
    for key, high in floors.maximum.items():
        got = getattr(figures, key)
        if got is None or got > high:
            found.append(f"{key} is {_show(got)}, above its ceiling {high:.2f}")
    return found


def _show(number: float | None) -> str:
    return "missing" if number is None else f"{number:.3f}"
