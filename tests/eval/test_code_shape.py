"""eval.code_shape: the folder import graph, its cycles, and the foundation never reaching up."""

from __future__ import annotations

from pathlib import Path

from eval.code_shape import REPO, cycles, functions, import_graph, upward


def test_the_foundation_imports_nothing_above_it() -> None:
    graph = import_graph(REPO)
    assert {b for a, b in graph if a == "core"} == set()
    assert {b for a, b in graph if a in ("ingest", "retrieval")} == {"core"}


def test_cycles_and_upward_imports_are_found(tmp_path: Path) -> None:
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "a.py").write_text("from assistant.x import y\n")
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "x.py").write_text(
        "import core.a\n\n\ndef y(n: int) -> int:\n    return n\n\n\ndef _z(n):\n    return n\n"
    )
    graph = import_graph(tmp_path)
    assert graph == {("core", "assistant"): ["core/a.py:1 assistant.x"],
                     ("assistant", "core"): ["assistant/x.py:1 core.a"]}  # fmt: skip
    assert cycles(graph) == [["assistant", "core"]]
    assert upward(graph) == [("core", "assistant")]
    found = {f.where: (f.lines, f.public, f.typed) for f in functions(tmp_path)}
    assert found == {"assistant/x.py:4 y": (2, True, True), "assistant/x.py:8 _z": (2, False, False)}
