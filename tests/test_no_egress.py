"""`make test` runs the suite in a network namespace with only loopback (scripts/without-network): every other
test passing there shows bronvast reaches no other machine at run time. This test shows the namespace holds."""

from __future__ import annotations

import os
import socket

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("ONLY_LOOPBACK") != "1",
    reason="the suite runs with the network here: `make test` runs it without (scripts/without-network) where "
           "root and unshare are available")


def test_no_other_machine_can_be_reached():
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 443), timeout=2)  # TEST-NET-1: an address of no machine
    with pytest.raises(OSError):
        socket.getaddrinfo("pypi.org", 443)


def test_loopback_still_works():
    with socket.socket() as server:
        server.bind(("127.0.0.2", 0))  # the tests' "outside" listener lives on a second loopback address
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
