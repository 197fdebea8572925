"""Document metadata from an optional manifest.yaml (or .toml) beside the files.

One model (`DocumentEntry`) read one way (`read_manifest`), used by ingest and by the app's
uploads alike. YAML is read without anchors or aliases. Each entry is checked on its own: an
entry with a problem (an unknown key, a kind not in the list, a date that is not a date) is
reported with the manifest's line and key, and its file is not ingested until the entry is
fixed, so a document is never stored with metadata other than what its manifest says (a
misspelt `review_date` would otherwise drop the warning that an agreement is past review).
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import ErrorDetails

from core.errors import ManifestError
from core.passage import KINDS
from core.registry import DOC_ID_PATTERN

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.toml")
# A manifest describes documents in a few hundred lines; a file this large is not one.
MAX_MANIFEST_BYTES = 1024 * 1024
TOP_LEVEL_KEYS = ("documents",)


class DocumentEntry(BaseModel):
    """One manifest row: what a file is, by whom it was agreed, and when it must be reviewed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    # The document's identity, kept across its versions: a new file with the same id is a new
    # version of that document. "" = derived from the file name when first stored.
    id: str = ""
    title: str = ""
    kind: str = "other"
    version: str = ""
    effective_date: str = ""
    review_date: str = ""
    parties: tuple[str, ...] = ()
    uploaded_by: str = ""  # written by the Library's upload form

    @field_validator("id", mode="before")
    @classmethod
    def _document_id(cls, value: Any) -> str:
        doc_id = "" if value is None else str(value).strip()
        if doc_id and not DOC_ID_PATTERN.match(doc_id):
            raise ValueError(
                f"'{doc_id}' is not a document id: lower-case letters, digits, '.', '_' and '-',"
                " at most 80"
            )
        return doc_id

    @field_validator("file", mode="before")
    @classmethod
    def _inside_the_folder(cls, value: Any) -> str:
        name = str(value or "").strip().replace("\\", "/")
        if not name:
            raise ValueError("is empty: each entry names the file it describes")
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError(f"'{name}' is outside the manifest's folder; name a file inside it")
        return str(path)

    @field_validator("title", "version", "uploaded_by", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return "" if value is None else str(value).strip()

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> str:
        kind = str(value or "other").strip().lower()
        if kind not in KINDS:
            raise ValueError(f"'{kind}' is not one of {', '.join(KINDS)}")
        return kind

    @field_validator("effective_date", "review_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(f"'{value}' is not a YYYY-MM-DD date") from None

    @field_validator("parties", mode="before")
    @classmethod
    def _party_names(cls, value: Any) -> tuple[str, ...]:
        if value in (None, ""):
            return ()
        if isinstance(value, str):
            return (value.strip(),)
        if not isinstance(value, list | tuple):
            raise ValueError("must be a list of names")
        return tuple(str(p).strip() for p in value)

    def hashed(self) -> dict[str, Any]:
        """What of the entry decides whether its file is read again: all of it, with the keys
        added later (id, uploaded_by) only when given, so older entries hash as before."""
        dump = self.model_dump()
        for key in ("id", "uploaded_by"):
            if not dump[key]:
                del dump[key]
        return dump

    def to_row(self) -> dict[str, Any]:
        """The entry as a manifest row: file and kind, then only the details that are given."""
        row: dict[str, Any] = {"file": self.file, "kind": self.kind}
        given = self.model_dump(exclude={"file", "kind"}, exclude_defaults=True)
        row.update({k: list(v) if isinstance(v, tuple) else v for k, v in given.items()})
        return row


FIELDS = tuple(DocumentEntry.model_fields)


@dataclass(frozen=True)
class ManifestProblem:
    """Something wrong with one manifest entry, located by line and key."""

    manifest: str
    line: int | None
    file: str  # the file the entry names; "" when it names none
    key: str  # the key at fault; "" for the entry as a whole
    message: str  # says what is wrong, naming the key

    @property
    def at(self) -> str:
        return f"line {self.line}" if self.line else "an entry"

    def __str__(self) -> str:
        entry = f"entry for {self.file}" if self.file else "entry"
        return f"{self.manifest} {self.at}: {entry}: {self.message}"


@dataclass
class Manifest:
    """A folder's manifest: the entries that can be used, the problems found, the rows as written."""

    label: str = ""
    entries: dict[str, DocumentEntry] = field(default_factory=dict)
    refused: dict[str, list[ManifestProblem]] = field(default_factory=dict)  # by file
    problems: list[ManifestProblem] = field(default_factory=list)  # every problem, in line order
    rows: list[dict[str, Any]] = field(default_factory=list)

    def refusal(self, file: str) -> str:
        """Why the entry for `file` cannot be used; "" when it can (or there is none)."""
        found = self.refused.get(file, [])
        if not found:
            return ""
        each = "; ".join(f"{p.at}: {p.message}" for p in found)
        return f"manifest entry not usable ({each}); fix {self.label} and ingest again"


def find_manifest(root: Path) -> Path | None:
    folder = root if root.is_dir() else root.parent
    return next((folder / n for n in MANIFEST_NAMES if (folder / n).is_file()), None)


def manifest_label(path: Path) -> str:
    """How messages name a manifest: its folder and file name."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def read_manifest(path: Path | None) -> Manifest:
    """The manifest at `path` (an empty one when None), each entry checked on its own; raise
    ManifestError when the file as a whole cannot be used."""
    if path is None:
        return Manifest()
    label = manifest_label(path)
    rows = _rows(path, label)
    manifest = Manifest(label=label, rows=[row for _, row, _ in rows if isinstance(row, dict)])
    first_line: dict[str, int | None] = {}
    for line, row, key_lines in rows:
        entry, problems = _entry(label, line, row, key_lines)
        if entry is not None and entry.file in first_line:
            problems.append(
                ManifestProblem(label, line, entry.file, "", _twice(first_line[entry.file]))
            )
        if entry is not None:
            first_line.setdefault(entry.file, line)
        _note(manifest, entry, problems, entry.file if entry else _file_named(row))
    for file in manifest.refused:
        manifest.entries.pop(file, None)
    return manifest


def _twice(first: int | None) -> str:
    where = f" (first at line {first})" if first else ""
    return f"file is listed twice{where}; keep one entry"


def _file_named(row: Any) -> str:
    if isinstance(row, dict) and isinstance(row.get("file"), str):
        return row["file"].strip()
    return ""


def _note(
    manifest: Manifest, entry: DocumentEntry | None, problems: list[ManifestProblem], file: str
) -> None:
    manifest.problems.extend(problems)
    if problems and file:
        manifest.refused.setdefault(file, []).extend(problems)
    elif entry is not None:
        manifest.entries[entry.file] = entry


# -- one entry ------------------------------------------------------------------------------
def _entry(
    label: str, line: int | None, row: Any, key_lines: dict[str, int]
) -> tuple[DocumentEntry | None, list[ManifestProblem]]:
    """The row as an entry, or the problems that stop it being one."""
    file = _file_named(row)
    if not isinstance(row, dict):
        return None, [ManifestProblem(label, line, "", "", "is not a set of 'key: value' lines")]
    try:
        return DocumentEntry.model_validate(row), []
    except ValidationError as err:
        problems = [_problem(label, line, file, e, key_lines) for e in err.errors()]
        return None, sorted(problems, key=lambda p: p.line or 0)


def _problem(
    label: str, line: int | None, file: str, error: ErrorDetails, key_lines: dict[str, int]
) -> ManifestProblem:
    key = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(key, FIELDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; keys are {', '.join(FIELDS)}"
        message = f"unknown key '{key}'{hint}"
    elif error["type"] == "missing":
        message = "names no file: add 'file: NAME'"
    else:
        ctx = error.get("ctx") or {}
        message = f"{key} {ctx.get('error', error['msg'])}"
    return ManifestProblem(label, key_lines.get(key, line), file, key, message)


# -- the file as a whole --------------------------------------------------------------------
Row = tuple[int | None, Any, dict[str, int]]  # line, the row as read, the line of each key


def _rows(path: Path, label: str) -> list[Row]:
    """The manifest's rows with their lines; ManifestError when it cannot be read at all."""
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ManifestError(
                label, f"larger than {MAX_MANIFEST_BYTES // 1024} KB; not a manifest"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ManifestError(label, f"cannot read manifest: {err}") from err
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ManifestError(label, f"not valid TOML: {err}") from err
        return [(None, row, {}) for row in _documents(data, label, None)]
    return _yaml_rows(text, label)


def _documents(data: Any, label: str, keys: dict[str, int] | None) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ManifestError(label, "must be a 'documents:' list of entries")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            line = (keys or {}).get(str(key))
            raise ManifestError(
                label, f"'{key}' is not a manifest key (expected 'documents')", line
            )
    rows = data.get("documents") or []
    if not isinstance(rows, list):
        raise ManifestError(
            label, "'documents' must be a list of entries", (keys or {}).get("documents")
        )
    return rows


class _AliasRefused(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("aliases refused")
        self.mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors or aliases: a manifest never needs them, and a few lines of them
    can expand to gigabytes ("billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


def _yaml_rows(text: str, label: str) -> list[Row]:
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _AliasRefused as err:
        raise ManifestError(
            label,
            "YAML anchors and aliases (&name, *name) are refused; write each entry out in full",
            err.mark.line + 1,
        ) from None
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        raise ManifestError(label, f"not valid YAML: {err.problem}", line) from err
    except (yaml.YAMLError, RecursionError) as err:
        raise ManifestError(label, f"not valid YAML: {type(err).__name__}") from err
    finally:
        loader.dispose()
    rows = _documents(data, label, _key_lines(node))
    items = _documents_node(node)
    return [
        (items[i].start_mark.line + 1, row, _key_lines(items[i]))
        if i < len(items)
        else (None, row, {})
        for i, row in enumerate(rows)
    ]


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _documents_node(node: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "documents" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []
