"""The llama.cpp OpenAI-compatible server that scripts/llama_server.sh builds, started on loopback,
and a recording proxy in front of it that keeps every request body the server is sent."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from eval.stack import free_port

PROJECT = Path(__file__).resolve().parents[2]
MODEL_ALIAS = "gemma-3-270m"
# The prompt with five passages and two earlier turns is 1,500-3,000 Gemma tokens; the reply is
# capped by assistant/llm.py's MAX_REPLY_TOKENS. 8192 leaves room for both.
CONTEXT_TOKENS = 8192
# Loading the 253 MB GGUF takes about a second; the rest is Python starting on a busy machine.
START_TIMEOUT_S = 300.0
# Gemma 3's chat layout: the GGUF has no template, and the server's own "gemma" format drops the
# system message (the prompt's rules) without a word.
CHAT_TEMPLATE = Path(__file__).with_name("gemma3_tokenizer_config.json")
# One thread each: with two, llama.cpp's OpenMP threads wait on each other whenever the machine's
# two cores are busy with anything else, and a reply ran at 1.2 tokens/s instead of 14 (measured
# at load average 14 for issue 19).
THREADS = 1
# What a relayed read waits for the server's next bytes before the proxy gives up.
UPSTREAM_TIMEOUT_S = 600.0
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class NotBuilt(Exception):
    """The server or model is not there to test with; the message is the skip reason."""


@dataclass(frozen=True)
class LlamaInstall:
    python: Path
    model: Path


def llama_dir() -> Path:
    """Where scripts/llama_server.sh keeps its build (the same default as the script's)."""
    if "SHARECHECK_LLAMA_DIR" in os.environ:
        return Path(os.environ["SHARECHECK_LLAMA_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "sharecheck" / "llama-server"


def find_install() -> LlamaInstall:
    """What scripts/llama_server.sh built, or NotBuilt saying why not."""
    status_path = llama_dir() / "status.json"
    if not status_path.is_file():
        raise NotBuilt(
            f"the llama.cpp server is not built ({status_path} missing): run "
            "`bash scripts/llama_server.sh` (`make test` does)"
        )
    status = json.loads(status_path.read_text(encoding="utf-8"))
    if not status.get("ready"):
        raise NotBuilt(f"the llama.cpp server could not be built: {status.get('reason')}")
    install = LlamaInstall(Path(status["python"]), Path(status["model"]))
    if not install.python.exists() or not install.model.is_file():
        raise NotBuilt(f"{status_path} names files that are gone: run scripts/llama_server.sh")
    return install


@dataclass
class LlamaServer:
    """One `python -m llama_cpp.server` process on 127.0.0.1 serving the model as MODEL_ALIAS."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, install: LlamaInstall, log_path: Path, threads: int = THREADS) -> LlamaServer:
        port = free_port()
        command = [
            str(install.python), "-m", "llama_cpp.server", "--model", str(install.model),
            "--model_alias", MODEL_ALIAS, "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(CONTEXT_TOKENS), "--n_threads", str(threads),
            "--n_threads_batch", str(threads), "--chat_format", "hf-tokenizer-config",
            "--hf_tokenizer_config_path", str(CHAT_TEMPLATE),
        ]  # fmt: skip
        log_file: IO[bytes] = log_path.open("wb")
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
        server = cls(process, port, log_path)
        server.wait_ready()
        return server

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited: {self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/v1/models")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"llama.cpp server not ready in {START_TIMEOUT_S:.0f} s: {self.log_tail()}"
        )

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, chars: int = 2000) -> str:
        return self.log_text()[-chars:]

    def kill(self) -> None:
        """Stopped dead, as a crash or an OOM kill would stop it: no goodbye to any client."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class RecordedRequest:
    path: str
    body: dict[str, Any]
    # How the relayed reply ended: "complete" (the server's reply, all of it, passed on), "client
    # left" (the client hung up mid-reply, so the proxy hung up on the server), "server broke".
    ended: str = ""


@dataclass
class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 in front of the server: each request body is kept, the reply is
    relayed as it arrives (so streaming stays streaming), and a broken upstream breaks the reply."""

    upstream_port: int
    requests: list[RecordedRequest] = field(default_factory=list)
    replying: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> RecordingProxy:
        proxy = self

        class Handler(_RelayHandler):
            recorder = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="llm-proxy", daemon=True).start()
        return self

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def clear(self) -> None:
        self.requests.clear()
        self.replying.clear()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _RelayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    recorder: RecordingProxy

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures
        pass

    def do_GET(self) -> None:
        self._relay(b"", RecordedRequest(self.path, {}))

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            parsed = json.loads(body) if body else {}
        except ValueError:
            parsed = {"unparsed": body.decode("utf-8", "replace")}
        recorded = RecordedRequest(self.path, parsed)
        self.recorder.requests.append(recorded)
        self._relay(body, recorded)

    def _relay(self, body: bytes, recorded: RecordedRequest) -> None:
        upstream = http.client.HTTPConnection(
            "127.0.0.1", self.recorder.upstream_port, timeout=UPSTREAM_TIMEOUT_S
        )
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            reply = upstream.getresponse()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in HOP_HEADERS:
                    self.send_header(name, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            recorded.ended = self._relay_chunks(reply)
        except (OSError, http.client.HTTPException):
            # The server died or hung up: break the client's reply as the server broke ours,
            # without the closing chunk, so the client sees an incomplete reply, not a short one.
            recorded.ended = "server broke"
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client may have gone first
                self.connection.shutdown(socket.SHUT_RDWR)
        finally:
            upstream.close()

    def _relay_chunks(self, reply: http.client.HTTPResponse) -> str:
        """How the reply ended; a server that breaks raises (OSError, HTTPException)."""
        while True:
            data = reply.read1(65536)
            if not data:
                break
            self.recorder.replying.set()
            if not self._send(f"{len(data):x}\r\n".encode() + data + b"\r\n"):
                self.close_connection = True
                return "client left"  # _relay closes the server's connection: it stops
        return "complete" if self._send(b"0\r\n\r\n") else "client left"

    def _send(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        return True
