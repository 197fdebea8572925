"""The backend comparison: each backend against the first named, within the tolerance, per set."""

from __future__ import annotations

from eval.bench_quality import SetFigures, markdown, verdict


def _row(gold_set: str, backend: str, hit: float, mrr: float) -> SetFigures:
    return SetFigures(gold_set, backend, f"model+{backend}", 50, hit, mrr, 0.5, 0.0, "100 passages")


def test_a_backend_holds_only_within_the_tolerance_on_every_set() -> None:
    rows = [
        _row("bundled", "torch", 0.818, 0.596), _row("bundled", "onnx-fp32", 0.818, 0.596),
        _row("bundled", "onnx-int8", 0.800, 0.590),
        _row("real-dev", "torch", 0.667, 0.456), _row("real-dev", "onnx-fp32", 0.660, 0.460),
        _row("real-dev", "onnx-int8", 0.667, 0.486),
    ]  # fmt: skip
    assert verdict(rows, "onnx-fp32", "torch") == (True, [])
    held, failures = verdict(rows, "onnx-int8", "torch")
    assert not held and failures == ["bundled hit_at_5: torch 0.818, onnx-int8 0.800 (-0.018)"]
    text = markdown(rows, ["torch", "onnx-fp32", "onnx-int8"], {"load_at_start": "1.0"}, 10.0)
    assert "| bundled | 50 | 0.818 / 0.818 / 0.800 | 0.596 / 0.596 / 0.590 |" in text
    assert "onnx-fp32 within 0.01 of torch on hit@5 and MRR on every set: **yes**" in text
    assert "onnx-int8 within 0.01 of torch on hit@5 and MRR on every set: **no**" in text
