"""The RDP negotiation probe: request bytes per [MS-RDPBCGR] 2.2.1.1, answers per 2.2.1.2, and a
loopback server answering the way xrdp and an NLA-requiring Windows host answer."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable, Iterator

import pytest

from hisguard.scanners.network import rdp


def confirm(payload: bytes) -> bytes:
    """A TPKT + X.224 Connection Confirm carrying ``payload`` (an RDP_NEG_RSP/FAILURE or nothing)."""
    x224 = struct.pack(">BHHB", 0xD0, 0, 0x1234, 0) + payload
    body = bytes([len(x224)]) + x224
    return struct.pack(">BBH", 3, 0, 4 + len(body)) + body


def response(selected: int) -> bytes:
    return confirm(struct.pack("<BBHI", 0x02, 0x00, 8, selected))


def failure(code: int) -> bytes:
    return confirm(struct.pack("<BBHI", 0x03, 0x00, 8, code))


def test_connection_request_layout() -> None:
    data = rdp.connection_request(rdp.PROTOCOL_SSL | rdp.PROTOCOL_HYBRID)
    assert data[:2] == b"\x03\x00" and struct.unpack(">H", data[2:4])[0] == len(data)
    assert data[4] == len(data) - 5  # X.224 length indicator: the rest of the TPDU
    assert data[5] == 0xE0  # Connection Request
    assert b"Cookie: mstshash=hisguard\r\n" in data
    assert data[-8:] == struct.pack("<BBHI", 1, 0, 8, 3)  # RDP_NEG_REQ, requestedProtocols = SSL|HYBRID


@pytest.mark.parametrize(
    ("answer", "selected", "failure_code"),
    [
        (response(rdp.PROTOCOL_SSL), rdp.PROTOCOL_SSL, None),
        (response(rdp.PROTOCOL_HYBRID), rdp.PROTOCOL_HYBRID, None),
        (failure(5), None, 5),
        (confirm(b""), None, None),  # an old server: no negotiation
    ],
)
def test_confirm_is_read(answer: bytes, selected: int | None, failure_code: int | None) -> None:
    parsed = rdp.parse_confirm(answer)
    assert (parsed.selected, parsed.failure) == (selected, failure_code)


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"SSH-2.0-OpenSSH_9.2\r\n",
        b"\x03\x00\x00\x50" + b"\x00" * 8,
        b"\x03\x00\x00\x0b\x06\xe0" + b"\x00" * 5,
    ],
)
def test_anything_else_is_not_an_rdp_answer(junk: bytes) -> None:
    with pytest.raises(rdp.RdpProbeError):
        rdp.parse_confirm(junk)


def _requested(request: bytes) -> int:
    return int(struct.unpack("<I", request[-4:])[0])


@pytest.fixture
def server() -> Iterator[Callable[[Callable[[int], bytes]], int]]:
    """A loopback listener answering each Connection Request with ``answer(requestedProtocols)``."""
    sockets: list[socket.socket] = []

    def start(answer: Callable[[int], bytes]) -> int:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        listener.settimeout(10)
        sockets.append(listener)

        def serve() -> None:
            for _ in range(3):
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn:
                    request = conn.recv(4096)
                    conn.sendall(answer(_requested(request)))

        threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    for listener in sockets:
        listener.close()


def test_a_server_like_xrdp_lets_a_client_in_without_nla(
    server: Callable[[Callable[[int], bytes]], int],
) -> None:
    # xrdp 0.9: picks TLS when offered, standard RDP security otherwise; never CredSSP.
    port = server(
        lambda offered: response(rdp.PROTOCOL_SSL if offered & rdp.PROTOCOL_SSL else rdp.PROTOCOL_RDP)
    )
    facts = rdp.probe("127.0.0.1", port, timeout=10)
    assert not facts.nla_offered and not facts.nla_required
    assert "selected TLS" in facts.summary()


def test_a_server_requiring_nla_is_recognised(server: Callable[[Callable[[int], bytes]], int]) -> None:
    # What the specification says a host with "NLA required" answers (not seen against real Windows here).
    def nla_only(offered: int) -> bytes:
        return response(rdp.PROTOCOL_HYBRID) if offered & rdp.PROTOCOL_HYBRID else failure(5)

    facts = rdp.probe("127.0.0.1", port=server(nla_only), timeout=10)
    assert facts.nla_offered and facts.nla_required
    assert "HYBRID_REQUIRED_BY_SERVER" in facts.summary()


def test_a_closed_port_is_a_probe_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(rdp.RdpProbeError):
        rdp.probe("127.0.0.1", port, timeout=5)
