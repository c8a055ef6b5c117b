"""The test suite runs offline: outbound connections are refused here and in kernels, loopback
stays open."""

import socket
import urllib.error
import urllib.request

import pytest
from jupyter_client.manager import start_new_kernel

UNREACHABLE = ("192.0.2.1", 80)  # TEST-NET-1: no real host, so nothing leaves if a guard fails

PROBE = f"""
import socket
try:
    socket.create_connection({UNREACHABLE!r}, timeout=2)
    print("outbound: connected")
except ConnectionRefusedError as error:
    print("outbound:", type(error).__name__, error)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
client = socket.create_connection(server.getsockname(), timeout=2)
print("loopback: connected")
client.close()
server.close()
print("names left:", sorted(n for n in globals() if "guard" in n.lower()))
"""


def test_an_outbound_connection_in_the_test_process_is_refused():
    with pytest.raises(ConnectionRefusedError, match="refused: the test suite runs offline"):
        socket.create_connection(UNREACHABLE, timeout=2)
    with pytest.raises(urllib.error.URLError, match="runs offline"):
        urllib.request.urlopen("http://example.com", timeout=2)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with pytest.raises(ConnectionRefusedError, match="runs offline"):
        sock.sendto(b"x", UNREACHABLE)
    sock.close()


def test_loopback_stays_open():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert socket.getaddrinfo("localhost", 80)


def test_a_kernel_started_by_the_tests_refuses_outbound_connections():
    # nbval and the browser tests start kernels from this process's environment, as here.
    kernel, client = start_new_kernel(kernel_name="python3")
    lines = []
    try:
        client.execute_interactive(
            PROBE, timeout=60, output_hook=lambda m: lines.append(m["content"].get("text", ""))
        )
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)
    out = "".join(lines)
    assert "outbound: OutboundConnectionRefused" in out and "runs offline" in out, out
    assert "loopback: connected" in out, out
    assert "names left: []" in out, out
