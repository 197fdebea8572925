"""Two app instances behind nginx, on shared engines: the deploy/ configuration, run for real.

On 127.0.0.1: a Chroma server holding the bundled corpus's vectors, the PostgreSQL of
SHARECHECK_TEST_PG_URL holding the document registry, the answer log and the accounts (one schema
of its own), two `streamlit run serve.py`, each with an empty data dir of its own as on two
machines, and nginx with deploy/nginx's files. The account is made once, in PostgreSQL; each
instance builds its BM25 index from the Chroma server at start. Debian's chromium signs in and asks through the proxy, one browser pinned to each
instance by its routing cookie. Asserted: the same account signs in on both; each browser's page,
websocket and session cookie all went to its own instance; a reload stays signed in with its
conversation (same instance); the metrics path is closed at the proxy; a document uploaded
through the first instance (the Library page's upload code, not its form, then `python -m
ingest` of its uploads folder with its settings) is re-read through the second, whose uploads folder never had it
(restored from the registry, not removed), and answered from there; with one instance stopped,
its browser reaches the other and is still signed in there (the session is in PostgreSQL; the
conversation was in the stopped instance's memory and is gone); the log chain verifies and holds
each answer exactly once.

Skips, saying why, where nginx, PostgreSQL, chromium or Playwright cannot be had.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from accounts.users import UserStore
from core.embedding import Embedder
from core.registry import Registry
from core.settings import Settings
from eval import stack
from governance.log import AnswerLog
from ingest.upload_store import UploadStore
from tests.app_pages.streamlit_server import status, streamlit_run
from tests.e2e.test_browser import (
    ANSWER_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    USER,
    _idle,
    _session_cookie,
    _sign_in,
)
from ui.uploads import UploadMeta, save_upload

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PROJECT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")
QUESTIONS = (
    "Can I refer someone to adult social care without their consent?",
    "What is the usual lawful basis when we share personal data with the council or the NHS?",
)
# A document uploaded through the first instance while both run, and a question only it answers.
LAMP = (
    "# Street lamp agreement\n\n1.1 Crews may share the location of a broken street lamp with "
    "the highways team of the council whenever they notice one on a visit.\n"
)
LAMP_QUESTION = "Can crews tell the council highways team about a broken street lamp?"
ROUTE_COOKIE = "sharecheck_route"
# New browsers opened to find one that nginx puts on each instance (1 in 2 each; 2^-19 to fail).
ROUTE_TRIES = 20
# Two servers starting at once on a busy 2-core machine.
STARTUP_TIMEOUT_S = 120


@dataclass
class Stack:
    proxy: str
    instances: list[str]  # base URL of each app instance
    log_url: str
    folder: Path
    stop_instance: list[Any]  # a callable per instance that stops it
    environments: list[dict[str, str]]  # each instance's SHARECHECK_* settings


@pytest.fixture
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    """The whole stack running; what cannot be had here is checked before anything is built."""
    if not PG_URL:
        pytest.skip("SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    try:
        stack.nginx_binary()
    except stack.Unavailable as why:
        pytest.skip(str(why))
    bundled: Settings = request.getfixturevalue("bundled_store")
    embedder: Embedder = request.getfixturevalue("embedder")
    try:
        with ExitStack() as running:
            running.callback(_report_cpu, _cpu_seconds())
            yield _start(running, bundled, embedder, tmp_path)
    except stack.Unavailable as why:
        pytest.skip(str(why))


def _cpu_seconds() -> float:
    """CPU used by this process and every child it has waited for (servers, the browser)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _report_cpu(before: float) -> None:
    print(
        f"\nmulti-instance test: {_cpu_seconds() - before:.0f} CPU s (load {os.getloadavg()[0]:.1f})"
    )


def _start(running: ExitStack, bundled: Settings, embedder: Embedder, tmp_path: Path) -> Stack:
    chroma_url = running.enter_context(stack.chroma_server(tmp_path / "chroma-server"))
    shared = Settings(data_dir=tmp_path / "unused", chroma_url=chroma_url)
    assert stack.copy_store(bundled, shared, embedder) > 0
    log_url = running.enter_context(stack.postgres_schema(PG_URL))
    # The one ingest of the bundled corpus, as if made through either instance.
    assert stack.copy_registry(bundled, Settings(data_dir=shared.data_dir, registry_url=log_url)) > 0
    accounts = UserStore(tmp_path / "unused.sqlite", rounds=4, url=log_url)  # made once, for both
    accounts.add(USER, "staff", PASSWORD)
    accounts.close()
    environments = [_instance_env(tmp_path, n, chroma_url, log_url) for n in (1, 2)]
    instances = [
        streamlit_run(PROJECT / "serve.py", tmp_path / f"instance-{n}.log", env, STARTUP_TIMEOUT_S)
        for n, env in enumerate(environments, start=1)
    ]
    for instance in instances:  # stopped last in, first out, whether or not both started
        running.push(instance.__exit__)
    with ThreadPoolExecutor(len(instances)) as starting:  # two cold starts at once, not in turn
        urls = list(starting.map(lambda instance: instance.__enter__(), instances))
    stops = [partial(instance.__exit__, None, None, None) for instance in instances]
    ports = [int(url.rsplit(":", 1)[1]) for url in urls]
    proxy = running.enter_context(stack.nginx(tmp_path / "nginx", ports))
    return Stack(proxy, urls, log_url, tmp_path / "nginx", stops, environments)


def _instance_env(tmp_path: Path, n: int, chroma_url: str, log_url: str) -> dict[str, str]:
    """One instance's settings: an empty data dir of its own; vectors, registry, log and
    accounts shared."""
    data_dir = tmp_path / f"instance-{n}"
    data_dir.mkdir()
    return {
        "SHARECHECK_DATA_DIR": str(data_dir), "SHARECHECK_CHROMA_URL": chroma_url,
        "SHARECHECK_LOG_URL": log_url, "SHARECHECK_ACCOUNTS_URL": log_url,
        "SHARECHECK_REGISTRY_URL": log_url,
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
    }  # fmt: skip


def _served_by(proxy: str, route: str) -> str:
    """The instance (host:port) nginx sends a browser with this routing key to."""
    request = urllib.request.Request(
        f"{proxy}/_stcore/health", headers={"Cookie": f"{ROUTE_COOKIE}={route}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.headers["X-ShareCheck-Upstream"])


def _page_on_each(browser: Any, proxy: str, instances: list[str]) -> list[tuple[Any, str]]:
    """A browser (page, routing key) on each instance, in the order of `instances`: new
    browsers open the proxy until nginx's own routing cookie has put one on each."""
    hosts = [url.removeprefix("http://") for url in instances]
    found: dict[str, tuple[Any, str]] = {}
    for _ in range(ROUTE_TRIES):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(ANSWER_TIMEOUT_MS)
        served = page.goto(proxy).header_value("X-ShareCheck-Upstream")
        route = next(c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE)
        if served in found or served not in hosts:
            context.close()
            continue
        assert _served_by(proxy, route) == served  # the cookie is what keeps it there
        found[served] = (page, route)
        if len(found) == len(hosts):
            return [found[host] for host in hosts]
    raise AssertionError(f"{ROUTE_TRIES} browsers all landed on {sorted(found)}")


def _first_visit_cookie(proxy: str) -> str:
    with urllib.request.urlopen(f"{proxy}/", timeout=10) as response:
        return str(response.headers.get("Set-Cookie", ""))


def test_two_instances_behind_nginx_share_the_vectors_and_the_log(services: Stack) -> None:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    proxy = services.proxy
    assert f"{ROUTE_COOKIE}=" in _first_visit_cookie(proxy)
    assert status(f"{proxy}/_stcore/metrics") == 404
    assert status(f"{proxy}//_STCORE/./metrics") == 404
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            placed = _page_on_each(browser, proxy, services.instances)
            pages, routes = [page for page, _ in placed], [route for _, route in placed]
            for page, question in zip(pages, QUESTIONS, strict=True):
                _sign_in(page)
                page.get_by_test_id("stChatInputTextArea").fill(question)
                page.get_by_test_id("stChatInputTextArea").press("Enter")
            for page, question in zip(pages, QUESTIONS, strict=True):
                page.get_by_test_id("stExpander").first.wait_for()  # the answer's citations
                _session_cookie(page)  # set by serve.py through the proxy's /_sharecheck/
                _idle(page)
                page.reload()  # the same instance, so the same session and conversation
                page.get_by_text(question).wait_for()
                assert page.get_by_label("Password", exact=True).count() == 0
            answered = time.perf_counter() - started
            _each_instance_served_its_browser(services)
            _uploaded_on_first_answered_on_second(services, pages[1])
            _second_instance_stops(services, routes, pages[1])
        finally:
            browser.close()
    _log_holds_each_answer_once(services)
    print(f"\ntwo browsers signed in, answered and reloaded through nginx in {answered:.1f} s")


def _uploaded_on_first_answered_on_second(services: Stack, page: Any) -> None:
    """A document uploaded through the first instance, its uploads folder then gone (that
    machine's disk), survives a re-read of the second's uploads folder, which gets the file from
    the registry; the second instance, running all along, answers from it."""
    first, second = (Path(env["SHARECHECK_DATA_DIR"]) / "uploads" for env in services.environments)
    settings = Settings(
        data_dir=first.parent, registry_url=services.environments[0]["SHARECHECK_REGISTRY_URL"]
    )
    with closing(Registry.open(settings)) as registry:
        shared = UploadStore.shared(settings, registry)
        save_upload(first, "street-lamps.md", LAMP.encode(), UploadMeta(), (), shared)
    _ingest(first, services.environments[0])
    shutil.rmtree(first)
    _ingest(second, services.environments[1])
    assert (second / "street-lamps.md").read_text(encoding="utf-8") == LAMP
    page.get_by_test_id("stChatInputTextArea").fill(LAMP_QUESTION)
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    page.get_by_test_id("stExpander").filter(has_text="Street lamp agreement").first.wait_for()
    _idle(page)


def _ingest(folder: Path, env: dict[str, str]) -> None:
    """`python -m ingest FOLDER` with one instance's settings."""
    done = subprocess.run(
        [sys.executable, "-m", "ingest", str(folder), "--quiet"],
        cwd=PROJECT, capture_output=True, text=True, timeout=600,
        env={**os.environ, **env, "PYTHONPATH": str(PROJECT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _second_instance_stops(services: Stack, routes: list[str], page: Any) -> None:
    """Its browser's key reaches the first instance, where the session (in PostgreSQL) still
    signs it in; its conversation was in the stopped process's memory."""
    services.stop_instance[1]()
    assert _served_by(services.proxy, routes[1]).endswith(
        services.instances[0].removeprefix("http://")
    )
    page.reload()
    page.get_by_test_id("stChatInputTextArea").wait_for()
    assert page.get_by_label("Password", exact=True).count() == 0
    assert page.get_by_text(QUESTIONS[1]).count() == 0


def _each_instance_served_its_browser(services: Stack) -> None:
    """From nginx's access log: each instance served a page, its websocket (101) and a session
    cookie (POST /_sharecheck/session, 204)."""
    lines = (services.folder / "access.log").read_text().splitlines()
    for url in services.instances:
        upstream = url.removeprefix("http://")
        mine = [line for line in lines if line.split()[-1] == upstream]
        assert any(line.startswith("GET /_stcore/stream 101 ") for line in mine), mine[-20:]
        assert any(line.startswith("POST /_sharecheck/session 204 ") for line in mine), mine[-20:]


def _log_holds_each_answer_once(services: Stack) -> None:
    deadline = time.monotonic() + 10  # the second instance's write may land just after its page
    settings = Settings(data_dir=services.folder / "verify", log_url=services.log_url)
    with AnswerLog.open(settings) as log:
        while len(log.answers()) < len(QUESTIONS) + 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        questions = sorted(answer.question for answer in log.answers())
        result = log.verify()
    assert questions == sorted([*QUESTIONS, LAMP_QUESTION])
    assert result.ok, result.problems
