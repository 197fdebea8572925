"""The passage store contract on local Chroma (a data dir) and on a Chroma server (over HTTP).

The server is a real `chroma run` on a free loopback port (as in tests/ingest/test_chroma_server.py),
started once for the class; each test gets a collection of its own on it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from core.vectorstore import PassageStore
from tests.core.store_contract import EMBEDDER, PassageStoreContract, passage
from tests.ingest.test_chroma_server import CHROMA
from tests.ingest.test_chroma_server import _free_port as free_port

# How long a `chroma run` may take to listen on a loaded 2-core machine.
SERVER_START_S = 60


class TestLocalChromaStore(PassageStoreContract):
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return Settings(data_dir=tmp_path / "data")


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"chroma server did not start within {SERVER_START_S} s")


@pytest.fixture(scope="class")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real Chroma server for the class, on 127.0.0.1 and a free port."""
    command = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    if command is None:
        pytest.skip("the chroma command is not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [command, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
class TestServerChromaStore(PassageStoreContract):
    @pytest.fixture
    def settings(self, chroma_server: str, tmp_path: Path) -> Settings:
        return Settings(
            data_dir=tmp_path / "data", chroma_url=chroma_server,
            collection=f"contract-{uuid.uuid4().hex[:12]}",
        )  # fmt: skip

    def test_nothing_is_written_locally(self, settings: Settings) -> None:
        PassageStore(settings, EMBEDDER).upsert([passage(1)])
        assert not settings.chroma_dir.exists()
