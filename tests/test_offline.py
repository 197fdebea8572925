"""The suite-wide guard that keeps tests offline does block, and lets loopback through."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkBlocked


def test_a_connection_beyond_loopback_is_refused_before_it_leaves() -> None:
    with socket.socket() as sock, pytest.raises(NetworkBlocked):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed


def test_loopback_connections_are_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())
