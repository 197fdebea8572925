"""deploy/nginx as the multi-instance test and eval.load render it: fast checks, no servers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from eval import stack
from eval.load import Level, percentile, report


def test_the_upstream_lists_exactly_the_instances_given() -> None:
    block = stack.upstream_block([9001, 9002, 9003])
    servers = [line.split()[1] for line in block.splitlines() if line.strip().startswith("server ")]
    assert servers == ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    assert "hash $sharecheck_route consistent;" in block
    assert block.count("max_fails=2 fail_timeout=10s;") == 3


def test_the_shipped_files_are_included_verbatim() -> None:
    conf = stack.nginx_conf(Path("/tmp/x"), 8080, [9001])
    assert f"include {stack.NGINX_DIR / 'sharecheck-http.conf'};" in conf
    assert f"include {stack.NGINX_DIR / 'sharecheck-proxy.conf'};" in conf
    assert "listen 127.0.0.1:8080;" in conf


def test_nginx_accepts_the_rendered_configuration(tmp_path: Path) -> None:
    try:
        binary = stack.nginx_binary()
    except stack.Unavailable as why:
        pytest.skip(str(why))
    conf = tmp_path / "nginx.conf"
    conf.write_text(stack.nginx_conf(tmp_path, stack.free_port(), [9001, 9002]))
    check = subprocess.run(
        [binary, "-t", "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_percentiles_and_the_report() -> None:
    assert percentile([], 0.95) == 0.0
    assert percentile([float(n) for n in range(1, 101)], 0.50) == 51.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    level = Level(10, 2, 20.0, answers=5, log_rows_written=5, each_answer_logged_once=True)
    level.chain_ok = True
    table = report([level], "python -m eval.load")
    assert "| 2 | 10 | 5 |" in table and "| yes | ok |" in table
