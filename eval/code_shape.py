"""How the product code reads, measured with `ast`: which folder imports which, function lengths,
and the share of public functions fully typed (STYLE.md principles 1, 3 and 4).

    python -m eval.code_shape [--root DIR]

`--root` measures another tree, e.g. an older commit unpacked with
`git archive COMMIT | tar -x -C /tmp/before`. Tests, eval and scripts are not product code.
"""

from __future__ import annotations

import argparse
import ast
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The product's folders in the order data flows through them (README "Layout"); the app's
# top-level scripts (app.py, serve.py) count as one room, "app".
ROOMS = (
    "core", "ingest", "retrieval", "assistant", "governance", "accounts", "records", "ui",
    "app_pages",
)  # fmt: skip
APP_SCRIPTS = ("app.py", "serve.py")
# STYLE.md: a function over this many lines is a sign to split it.
LONG_FUNCTION_LINES = 60

Graph = dict[tuple[str, str], list[str]]  # (importer, imported) -> where, "path:line module"


def product_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every product source file under `root`, with the room it belongs to."""
    for room in ROOMS:
        for path in sorted((root / room).rglob("*.py")):
            yield room, path
    for name in APP_SCRIPTS:
        if (root / name).is_file():
            yield "app", root / name


def _room_of(module: str) -> str | None:
    top = module.split(".")[0]
    if top in ROOMS:
        return top
    return "app" if f"{top}.py" in APP_SCRIPTS else None


def import_graph(root: Path) -> Graph:
    """Which room imports which (any import, at module level, in a function or for typing only)."""
    graph: Graph = {}
    for room, path in product_files(root):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                target = _room_of(module)
                if target is not None and target != room:
                    where = f"{path.relative_to(root)}:{node.lineno} {module}"
                    graph.setdefault((room, target), []).append(where)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Groups of rooms that import each other, directly or round a loop (Tarjan's SCC)."""
    rooms = sorted({room for edge in graph for room in edge})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(room: str) -> None:
        index[room] = low[room] = len(index)
        stack.append(room)
        for target in (b for a, b in graph if a == room):
            if target not in index:
                visit(target)
                low[room] = min(low[room], low[target])
            elif target in stack:
                low[room] = min(low[room], index[target])
        if low[room] == index[room]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == room:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for room in rooms:
        if room not in index:
            visit(room)
    return found


def upward(graph: Graph) -> list[tuple[str, str]]:
    """Imports against the data flow: a room importing one later in ROOMS, other than the
    presentation rooms (ui, app_pages, app), which present everything."""
    order = {room: n for n, room in enumerate((*ROOMS, "app"))}
    presenting = {"ui", "app_pages", "app"}
    return sorted(
        (a, b) for a, b in graph if a not in presenting and order[b] > order[a]
    )


@dataclass(frozen=True)
class Function:
    where: str  # path:line name
    lines: int
    public: bool
    typed: bool  # every parameter (but self/cls) and the return annotated


def functions(root: Path) -> list[Function]:
    found = []
    for _, path in product_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += _functions(tree, str(path.relative_to(root)), public=True, in_class=False)
    return found


def _functions(node: ast.AST, path: str, public: bool, in_class: bool) -> list[Function]:
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            found += _functions(child, path, public and not child.name.startswith("_"), True)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (child.end_lineno or child.lineno) - child.lineno + 1
            shown = public and not child.name.startswith("_")
            where = f"{path}:{child.lineno} {child.name}"
            found.append(Function(where, lines, shown, _typed(child, in_class)))
            found += _functions(child, path, public=False, in_class=False)
        else:
            found += _functions(child, path, public, in_class)
    return found


def _typed(function: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> bool:
    a = function.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, (a.vararg, a.kwarg))]
    if in_class and params and params[0].arg in ("self", "cls"):
        params = params[1:]
    return function.returns is not None and all(p.annotation is not None for p in params)


def report(root: Path) -> str:
    graph = import_graph(root)
    lines = ["Imports between folders (importer -> imported: how many import statements):"]
    lines += [f"  {a} -> {b}: {len(graph[a, b])}" for a, b in sorted(graph)]
    for group in cycles(graph):
        loop = [f"    {w}" for (a, b), found in sorted(graph.items()) if {a, b} <= set(group)
                for w in found]  # fmt: skip
        lines += [f"Cycle: {' <-> '.join(group)}", *loop]
    for a, b in upward(graph):
        lines += [f"Against the data flow: {a} -> {b}", *[f"    {w}" for w in graph[a, b]]]
    found = functions(root)
    sizes = sorted(f.lines for f in found)
    longest = sorted(found, key=lambda f: -f.lines)[:5]
    public = [f for f in found if f.public]
    lines += [
        f"Functions: {len(sizes)}; lines median {statistics.median(sizes):g}, "
        f"90th percentile {sizes[int(0.9 * (len(sizes) - 1))]}, max {sizes[-1]}, "
        f"over {LONG_FUNCTION_LINES}: {sum(s > LONG_FUNCTION_LINES for s in sizes)}",
        "Longest: " + "; ".join(f"{f.where} ({f.lines})" for f in longest),
        f"Public functions fully typed: {sum(f.typed for f in public)} of {len(public)}",
        *[f"  untyped: {f.where}" for f in public if not f.typed],
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.code_shape", description=__doc__)
    parser.add_argument("--root", type=Path, default=REPO, help="the tree to measure")
    print(report(parser.parse_args(argv).root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
