"""A small RDP negotiation probe: does the server let a client in without Network Level Authentication?

RDP's first exchange ([MS-RDPBCGR] 2.2.1.1 and 2.2.1.2) is an X.224 Connection Request carrying an
RDP_NEG_REQ with the security protocols the client supports; the server answers with an X.224
Connection Confirm carrying RDP_NEG_RSP (the protocol it selected) or RDP_NEG_FAILURE (why it
refuses). The probe asks three times on fresh connections, never sends credentials and never goes
past that first exchange:

1. offering TLS, CredSSP and CredSSP-EX: which protocol the server prefers;
2. offering TLS only: a server that requires NLA refuses (HYBRID_REQUIRED_BY_SERVER);
3. offering standard RDP security only (no TLS at all).

Tested against xrdp 0.9 (which cannot do CredSSP: it selects TLS); the answer of a Windows host
that requires NLA follows the specification but has not been seen here (docs/windows.md).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

PROTOCOL_RDP = 0x00
PROTOCOL_SSL = 0x01
PROTOCOL_HYBRID = 0x02
PROTOCOL_RDSTLS = 0x04
PROTOCOL_HYBRID_EX = 0x08
PROTOCOL_NAMES = {
    PROTOCOL_RDP: "standard RDP security",
    PROTOCOL_SSL: "TLS",
    PROTOCOL_HYBRID: "CredSSP (NLA)",
    PROTOCOL_RDSTLS: "RDSTLS",
    PROTOCOL_HYBRID_EX: "CredSSP with early user authorization (NLA)",
}
NLA_PROTOCOLS = (PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX)
FAILURES = {
    1: "SSL_REQUIRED_BY_SERVER",
    2: "SSL_NOT_ALLOWED_BY_SERVER",
    3: "SSL_CERT_NOT_ON_SERVER",
    4: "INCONSISTENT_FLAGS",
    5: "HYBRID_REQUIRED_BY_SERVER",
    6: "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
}
TYPE_RDP_NEG_RSP = 0x02
TYPE_RDP_NEG_FAILURE = 0x03
X224_CONNECTION_CONFIRM = 0xD0
MAX_ANSWER = 4096


class RdpProbeError(Exception):
    """The port did not answer as an RDP server (closed, silent, or another protocol)."""


@dataclass(frozen=True)
class Answer:
    """What the server said to one offer: the selected protocol, a failure code, or neither (legacy)."""

    selected: int | None = None
    failure: int | None = None

    @property
    def accepted(self) -> bool:
        return self.failure is None

    def describe(self) -> str:
        if self.failure is not None:
            return f"refused: {FAILURES.get(self.failure, hex(self.failure))}"
        if self.selected is None:
            return "accepted (no negotiation: standard RDP security)"
        return f"selected {PROTOCOL_NAMES.get(self.selected, hex(self.selected))}"


def connection_request(protocols: int, cookie: str = "hisguard") -> bytes:
    """TPKT + X.224 Connection Request + routing cookie + RDP_NEG_REQ offering ``protocols``."""
    cookie_bytes = f"Cookie: mstshash={cookie}\r\n".encode("ascii")
    negotiation = struct.pack("<BBHI", 0x01, 0x00, 8, protocols)
    # X.224: length indicator, CR code, destination ref, source ref, class 0.
    body = struct.pack(">BHHB", 0xE0, 0, 0, 0) + cookie_bytes + negotiation
    x224 = bytes([len(body)]) + body
    return struct.pack(">BBH", 3, 0, 4 + len(x224)) + x224


def parse_confirm(data: bytes) -> Answer:
    """Read a TPKT + X.224 Connection Confirm; raises RdpProbeError for anything else."""
    if len(data) < 11 or data[0] != 3:
        raise RdpProbeError("not a TPKT answer")
    length = struct.unpack(">H", data[2:4])[0]
    if length < 11 or length > len(data):
        raise RdpProbeError("truncated TPKT answer")
    indicator = data[4]
    if data[5] & 0xF0 != X224_CONNECTION_CONFIRM or 5 + indicator > length:
        raise RdpProbeError("not an X.224 Connection Confirm")
    negotiation = data[11:length]
    if len(negotiation) < 8:
        return Answer()  # an old server: no negotiation, standard RDP security
    kind, _flags, size, value = struct.unpack("<BBHI", negotiation[:8])
    if size != 8:
        raise RdpProbeError("malformed RDP negotiation answer")
    if kind == TYPE_RDP_NEG_RSP:
        return Answer(selected=value)
    if kind == TYPE_RDP_NEG_FAILURE:
        return Answer(failure=value)
    raise RdpProbeError("unknown RDP negotiation answer")


def ask(address: str, port: int, protocols: int, timeout: float) -> Answer:
    try:
        with socket.create_connection((address, port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            conn.sendall(connection_request(protocols))
            data = b""
            while len(data) < 4 or len(data) < struct.unpack(">H", data[2:4])[0]:
                block = conn.recv(MAX_ANSWER - len(data))
                if not block:
                    break
                data += block
                if len(data) >= MAX_ANSWER:
                    break
    except OSError as exc:
        raise RdpProbeError(f"no RDP answer ({exc.strerror or type(exc).__name__})") from None
    return parse_confirm(data)


@dataclass(frozen=True)
class RdpFacts:
    preferred: Answer  # offer: TLS + CredSSP + CredSSP-EX
    tls_only: Answer  # offer: TLS only
    legacy: Answer  # offer: standard RDP security only

    @property
    def nla_required(self) -> bool:
        """True only when the server refuses a client that cannot do NLA."""
        return not self.tls_only.accepted and not self.legacy.accepted

    @property
    def nla_offered(self) -> bool:
        return self.preferred.selected in NLA_PROTOCOLS

    def summary(self) -> str:
        return (
            f"offered TLS+CredSSP: {self.preferred.describe()}; TLS only: {self.tls_only.describe()}; "
            f"standard RDP security only: {self.legacy.describe()}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "preferred": self.preferred.describe(),
            "tls_only": self.tls_only.describe(),
            "standard_rdp_security": self.legacy.describe(),
            "nla_offered": self.nla_offered,
            "nla_required": self.nla_required,
        }


def probe(address: str, port: int = 3389, timeout: float = 10.0) -> RdpFacts:
    return RdpFacts(
        preferred=ask(address, port, PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX, timeout),
        tls_only=ask(address, port, PROTOCOL_SSL, timeout),
        legacy=ask(address, port, PROTOCOL_RDP, timeout),
    )
