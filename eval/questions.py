"""Gold questions: what staff ask, whether the documents answer it, the evidence that does, and
the verdict a correct answer gives."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from core.answer import VERDICTS

KINDS = ("frontline", "trainer", "governance")
_REQUIRED = ("id", "question", "answerable", "kind")
# A gold set's verdict labels may sit in a side file beside it (or in eval/gold/) named so.
VERDICTS_SUFFIX = "-verdicts.jsonl"
GOLD_FOLDER = Path(__file__).resolve().parent / "gold"


@dataclass(frozen=True)
class GoldQuestion:
    """One line of a gold set; sources are paths relative to the corpus root."""

    id: str
    question: str
    answerable: bool
    kind: str
    source: str = ""
    alt_source: str = ""
    pages: tuple[int, ...] = ()
    evidence: tuple[str, ...] = ()
    answer: str = ""
    oos_type: str = ""
    verdict: str = ""  # one of core.answer.VERDICTS; empty when the set has no label

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source a correct citation may come from (a folder ends in '/')."""
        return tuple(s for s in (self.source, self.alt_source) if s)


def _verdict(raw: object, where: str) -> str:
    verdict = str(raw or "")
    if verdict and verdict not in VERDICTS:
        raise ValueError(f"{where}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    return verdict


def parse_question(raw: dict[str, object], where: str) -> GoldQuestion:
    """One gold question from its JSON object, or ValueError naming the line and what is wrong."""
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    question = GoldQuestion(
        id=str(raw["id"]),
        question=str(raw["question"]),
        answerable=bool(raw["answerable"]),
        kind=str(raw["kind"]),
        source=str(raw.get("source") or ""),
        alt_source=str(raw.get("alt_source") or ""),
        pages=tuple(int(p) for p in raw.get("pages") or []),  # type: ignore[attr-defined]
        evidence=tuple(str(e) for e in raw.get("evidence") or []),  # type: ignore[attr-defined]
        answer=str(raw.get("answer") or ""),
        oos_type=str(raw.get("oos_type") or ""),
        verdict=_verdict(raw.get("verdict"), where),
    )
    if question.answerable and not (question.evidence and question.source):
        raise ValueError(f"{where}: an answerable question needs 'source' and 'evidence'")
    return question


def _json_lines(path: Path) -> list[tuple[str, dict[str, object]]]:
    """Each non-blank line's object with where it came from, or ValueError naming the line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((f"{path}:{number}", json.loads(line)))
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{number}: not JSON ({err.msg})") from err
    return rows


def verdicts_beside(questions: Path) -> Path | None:
    """The side file of verdict labels for a gold set: `<stem>-verdicts.jsonl` next to it, else
    in eval/gold/ (a set kept outside the repository is labelled inside it); None when neither."""
    name = questions.stem + VERDICTS_SUFFIX
    for folder in (questions.parent, GOLD_FOLDER):
        if (folder / name).is_file():
            return folder / name
    return None


def load_verdicts(path: Path) -> dict[str, str]:
    """Question id -> gold verdict from a side file of {"id", "verdict"} lines."""
    labels: dict[str, str] = {}
    for where, raw in _json_lines(path):
        if "id" not in raw or not raw.get("verdict"):
            raise ValueError(f"{where}: a verdict line needs 'id' and 'verdict'")
        qid = str(raw["id"])
        if qid in labels:
            raise ValueError(f"{where}: question id {qid!r} labelled twice")
        labels[qid] = _verdict(raw["verdict"], where)
    return labels


def with_verdicts(
    questions: list[GoldQuestion], labels: dict[str, str], where: str
) -> list[GoldQuestion]:
    """The questions with side-file labels filled in; a label for no question, or one that
    contradicts the set's own, is an error rather than a silent skip."""
    ids = {q.id for q in questions}
    unknown = sorted(set(labels) - ids)
    if unknown:
        raise ValueError(f"{where}: labels for questions not in the set: {', '.join(unknown[:5])}")
    labelled = []
    for question in questions:
        label = labels.get(question.id, "")
        if label and question.verdict and label != question.verdict:
            raise ValueError(
                f"{where}: {question.id} is {label!r} here but {question.verdict!r} in the set"
            )
        labelled.append(replace(question, verdict=question.verdict or label))
    return labelled


def load_questions(path: Path, verdicts: Path | None = None) -> list[GoldQuestion]:
    """Every question in a JSON-lines gold set (ids unique), with the labels of a verdict side
    file when one is given."""
    questions = [parse_question(raw, where) for where, raw in _json_lines(path)]
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise ValueError(f"{path}: question id {question.id!r} appears twice")
        seen.add(question.id)
    if verdicts is not None:
        questions = with_verdicts(questions, load_verdicts(verdicts), str(verdicts))
    return questions
