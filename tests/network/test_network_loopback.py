"""Real nmap through python-nmap against listeners on loopback: the whole path without the lab.

Listeners on 127.0.0.2 (an inventory host: an old OpenSSH banner and a Telnet negotiation) and
127.0.0.3 (not in the inventory: a plain HTTP server). Only loopback addresses are probed.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
from collections.abc import Iterator

import pytest

from hisguard.scanners.network.driver import PythonNmapDriver, running_as_root
from hisguard.scanners.network.risks import risk_table
from hisguard.scanners.network.scanner import plan_facility, scan_all
from hisguard.scanners.scope import requested_scopes
from tests.network.factories import make_facility, make_host

pytestmark = pytest.mark.skipif(
    shutil.which("nmap") is None, reason="nmap is not installed (apt-get install nmap)"
)


def _banner_listener(address: str, banner: bytes, stop: threading.Event) -> int:
    server = socket.create_server((address, 0))
    server.settimeout(0.2)

    def serve() -> None:
        with server:
            while not stop.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                with conn:
                    try:
                        conn.sendall(banner)
                        conn.settimeout(1.0)
                        conn.recv(64)
                    except OSError:
                        pass

    threading.Thread(target=serve, daemon=True).start()
    return int(server.getsockname()[1])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listeners() -> Iterator[dict[str, int]]:
    stop = threading.Event()
    ssh = _banner_listener("127.0.0.2", b"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\r\n", stop)
    telnet = _banner_listener("127.0.0.2", b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27", stop)
    web = http.server.ThreadingHTTPServer(("127.0.0.3", 0), _Quiet)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        yield {"ssh": ssh, "telnet": telnet, "http": int(web.server_address[1])}
    finally:
        stop.set()
        web.shutdown()
        web.server_close()


def test_real_nmap_on_loopback_finds_and_judges(listeners: dict[str, int]) -> None:
    srv = make_host("srv-01", "127.0.0.2", ("his_servers",), (listeners["ssh"],), code="75999")
    facility = make_facility(
        code="75999",
        networks=("127.0.0.0/29",),
        exclude=("127.0.0.1/32",),
        hosts=(srv,),
        settings={"hisguard_nmap_max_rate": 500, "hisguard_nmap_timeout": 120},
    )
    (scope,) = requested_scopes([facility], ["127.0.0.2/31"])
    ports = sorted(listeners.values())
    plan = plan_facility(facility, scope, ports, running_as_root())
    (run,) = scan_all([plan], PythonNmapDriver(), risk_table())
    assert run.errors == ()
    assert run.hosts == ("srv-01", "127.0.0.3")
    got = sorted((f.check_id, f.host, f.resource) for f in run.findings)
    assert got == sorted(
        [
            ("N04.ssh_outdated", "srv-01", f"127.0.0.2:{listeners['ssh']}/tcp"),
            ("N01.telnet", "srv-01", f"127.0.0.2:{listeners['telnet']}/tcp"),
            ("N02", "srv-01", f"127.0.0.2:{listeners['telnet']}/tcp"),
            ("N03", "127.0.0.3", "127.0.0.3"),
            ("N04.http", "127.0.0.3", f"127.0.0.3:{listeners['http']}/tcp"),
        ]
    )
    ssh = next(f for f in run.findings if f.check_id == "N04.ssh_outdated")
    assert ssh.evidence == "ssh (OpenSSH 7.4p1 Debian 10+deb9u7; protocol 2.0)"
