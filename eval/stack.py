"""The shared engines on 127.0.0.1, started for a multi-instance run and stopped after it:
a Chroma server (`chroma run`), a schema of its own in an existing PostgreSQL for the log, and
nginx with the configuration in deploy/nginx. Used by tests/multi_instance and `eval.load`.

Each is a context manager that yields where to reach it and stops what it started (by process,
never by name); each raises `Unavailable` saying why when it cannot be had here.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from core.embedding import Embedder
from core.registry import Registry
from core.settings import CHROMA_BATCH, Settings
from core.vectorstore import PassageStore

PROJECT = Path(__file__).resolve().parent.parent
NGINX_DIR = PROJECT / "deploy" / "nginx"
CHROMA = Path(sys.executable).with_name("chroma")
# How long `chroma run` or nginx may take to listen on a loaded 2-core machine.
START_TIMEOUT_S = 60.0
# Every table of the registry that holds what was ingested (not who is ingesting, nor migrations).
REGISTRY_TABLES = ("documents", "refs", "versions", "fingerprints", "approved_passages", "duplicates")
# What the test's nginx logs per request: enough to tell which instance served what.
ACCESS_FORMAT = "$request_method $uri $status $upstream_addr"


class Unavailable(RuntimeError):
    """A service this run needs cannot be started here; the message says why."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Unavailable(f"{name} exited with status {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise Unavailable(f"{name} did not listen on 127.0.0.1:{port} within {START_TIMEOUT_S:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """`chroma run` on a free loopback port with its data in `path`; yields its URL."""
    command = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    if command is None:
        raise Unavailable("the chroma command is not installed")
    port = free_port()
    process = subprocess.Popen(
        [command, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, process, "chroma run")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def copy_store(source: Settings, target: Settings, embedder: Embedder) -> int:
    """Copy every passage, its vector and its context vector from one store to another (a
    local store to a Chroma server) without embedding again; returns the passages copied."""
    origin, destination = PassageStore(source, embedder), PassageStore(target, embedder)
    pairs = ((origin.collection, destination.collection), (origin.context, destination.context))
    for read, write in pairs:
        offset = 0
        while True:
            got = read.get(
                include=["documents", "metadatas", "embeddings"], limit=CHROMA_BATCH, offset=offset
            )
            if got["ids"]:
                write.upsert(
                    ids=got["ids"], documents=got["documents"], metadatas=got["metadatas"],
                    embeddings=got["embeddings"],
                )  # fmt: skip
            if len(got["ids"]) < CHROMA_BATCH:
                break
            offset += CHROMA_BATCH
    return destination.count()


def copy_registry(source: Settings, target: Settings) -> int:
    """Copy every row of one registry (a data dir's file) into another (the shared one in
    PostgreSQL), in one transaction, versions in the order they were made; returns the documents
    copied. Beside copy_store, it stands in for an ingest of the same corpus."""
    origin, destination = Registry.open(source), Registry.open(target)
    try:
        with destination.file.write_transaction():
            for table in REGISTRY_TABLES:
                rows = origin.db.execute(f"SELECT * FROM {table} ORDER BY rowid")
                columns = [column[0] for column in rows.description]
                marks = ", ".join("?" * len(columns))
                destination.db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows.fetchall()
                )
        return len(destination.documents())
    finally:
        origin.close()
        destination.close()


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh schema in the PostgreSQL at `url` (dropped afterwards); yields a URL using it."""
    import psycopg

    schema = f"sharecheck_run_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as error:
        raise Unavailable(f"PostgreSQL at {url} refused a new schema: {error}") from error
    joiner = "&" if "?" in url else "?"
    try:
        yield f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise Unavailable("nginx is not installed (apt-get install nginx-light)")
    return found


def upstream_block(instances: list[int]) -> str:
    """deploy/nginx/sharecheck-upstream.conf with its example servers replaced by `instances`."""
    shipped = (NGINX_DIR / "sharecheck-upstream.conf").read_text()
    server = re.compile(r"^(\s*server )127\.0\.0\.1:\d+( .*)$", re.MULTILINE)
    template = server.search(shipped)
    if template is None:
        raise ValueError("sharecheck-upstream.conf has no `server 127.0.0.1:PORT ...;` line")
    lines = "\n".join(f"{template[1]}127.0.0.1:{port}{template[2]}" for port in instances)
    without = server.sub("", shipped)
    return without.replace("{\n", "{\n" + lines + "\n", 1)


def nginx_conf(folder: Path, port: int, instances: list[int]) -> str:
    """A whole nginx.conf on 127.0.0.1:`port`: deploy/nginx's http and server parts included
    verbatim, the upstream with these instances, everything it writes under `folder`, and a
    response header naming the instance that served (a test needs it; production does not)."""
    user = pwd.getpwuid(os.geteuid()).pw_name
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
daemon off;
{"user " + user + ";" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} notice;
events {{ worker_connections 512; }}
http {{
    log_format sharecheck '{ACCESS_FORMAT}';
    access_log {folder / "access.log"} sharecheck;
    {temp}
    include {NGINX_DIR / "sharecheck-http.conf"};
    {upstream_block(instances)}
    server {{
        listen 127.0.0.1:{port};
        add_header X-ShareCheck-Upstream $upstream_addr always;
        include {NGINX_DIR / "sharecheck-proxy.conf"};
    }}
}}
"""


@contextmanager
def nginx(folder: Path, instances: list[int]) -> Iterator[str]:
    """nginx in front of these app instances (ports on 127.0.0.1); yields its base URL."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(folder, port, instances))
    check = subprocess.run(
        [binary, "-t", "-q", "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True, text=True,
    )  # fmt: skip
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration: {check.stderr}")
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, process, "nginx")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
