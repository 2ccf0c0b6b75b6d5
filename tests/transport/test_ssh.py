"""SSH transport against an in-process server on 127.0.0.1: host keys, auth, streams, sudo."""

from __future__ import annotations

import socket
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import paramiko
import pytest

from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget, Secret
from hisguard.scanners.transport import SshTransport, Transport, open_transport
from tests import testinfra_backend
from tests.transport.sshserver import ServerState, known_hosts_line, ssh_server, write_client_key

PASSWORD = "Mk-Lab-Quantri!2026"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[HostTarget, ServerState]]:
    with ssh_server(tmp_path) as (port, state):
        known = tmp_path / "known_hosts"
        known.write_text(known_hosts_line(port, state.host_key))
        host = HostTarget(
            name="ws-loop",
            facility="75901",
            address="127.0.0.1",
            port=port,
            user="hisadmin",
            key_file=write_client_key(state, tmp_path / "id_ecdsa"),
            groups=("workstations",),
            allowed_tcp_ports=(22,),
            known_hosts_file=str(known),
            become_password=Secret(PASSWORD),
        )
        yield host, state


def test_runs_commands_on_one_connection(server: tuple[HostTarget, ServerState]) -> None:
    host, _ = server
    transport = open_transport(host)
    try:
        assert isinstance(transport, SshTransport) and isinstance(transport, Transport)
        result = transport.run("echo hi; echo oops >&2; exit 3")
        assert (result.exit_status, result.stdout, result.stderr) == (3, b"hi\n", b"oops\n")
        assert transport.run("cat", stdin=b"from stdin").stdout == b"from stdin"
        assert transport.run("no-such-command-hg").exit_status == 127
    finally:
        transport.close()


def test_large_stdout_and_stderr_together_do_not_stall(server: tuple[HostTarget, ServerState]) -> None:
    host, _ = server
    transport = open_transport(host)
    try:
        result = transport.run("head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2", timeout=30)
        assert (len(result.stdout), len(result.stderr)) == (3000000, 3000000)
    finally:
        transport.close()


def test_a_command_that_runs_too_long_is_a_transport_error(server: tuple[HostTarget, ServerState]) -> None:
    host, _ = server
    transport = open_transport(host)
    try:
        with pytest.raises(
            TransportError, match=r"^ws-loop \(127\.0\.0\.1:\d+\): command timed out after 0\.5 s$"
        ):
            transport.run("sleep 3", timeout=0.5)
        assert transport.run("echo still usable").stdout == b"still usable\n"
    finally:
        transport.close()


def test_an_unknown_host_key_is_refused_and_not_recorded(
    server: tuple[HostTarget, ServerState], tmp_path: Path
) -> None:
    host, _ = server
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    with pytest.raises(
        TransportError, match=r"^ws-loop \(127\.0\.0\.1:\d+\): host key unknown .*--trust-on-first-use"
    ):
        open_transport(replace(host, known_hosts_file=str(empty)))
    assert empty.read_text() == ""


def test_trust_on_first_use_records_the_key_then_verifies_it(
    server: tuple[HostTarget, ServerState], tmp_path: Path
) -> None:
    host, state = server
    fresh = tmp_path / "new" / "known_hosts"
    target = replace(host, known_hosts_file=str(fresh))
    open_transport(target, trust_on_first_use=True).close()
    assert fresh.read_text() == known_hosts_line(host.port, state.host_key)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    open_transport(target).close()  # now known: no flag needed
    assert fresh.read_text().count("\n") == 1


def test_a_changed_host_key_is_refused_even_with_trust_on_first_use(
    server: tuple[HostTarget, ServerState], tmp_path: Path
) -> None:
    host, _ = server
    wrong = tmp_path / "wrong_known_hosts"
    wrong.write_text(known_hosts_line(host.port, paramiko.ECDSAKey.generate()))
    before = wrong.read_text()
    for tofu in (False, True):
        with pytest.raises(TransportError, match=r"host key CHANGED .*refusing to connect"):
            open_transport(replace(host, known_hosts_file=str(wrong)), trust_on_first_use=tofu)
    assert wrong.read_text() == before


def test_a_key_the_host_does_not_accept_is_an_authentication_error(
    server: tuple[HostTarget, ServerState], tmp_path: Path
) -> None:
    host, _ = server
    other = tmp_path / "other_key"
    paramiko.ECDSAKey.generate().write_private_key_file(str(other))
    with pytest.raises(
        TransportError, match=r"^ws-loop \(127\.0\.0\.1:\d+\): authentication failed for user hisadmin$"
    ):
        open_transport(replace(host, key_file=str(other)))


def test_a_closed_port_is_connection_refused(server: tuple[HostTarget, ServerState]) -> None:
    host, _ = server
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed_port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(TransportError, match=r"^ws-loop \(127\.0\.0\.1:\d+\): connection refused$"):
        open_transport(replace(host, port=closed_port), connect_timeout=2)


def test_a_missing_key_file_is_named(server: tuple[HostTarget, ServerState]) -> None:
    host, _ = server
    with pytest.raises(TransportError, match="private key file /nonexistent/id_ed25519 not found"):
        open_transport(replace(host, key_file="/nonexistent/id_ed25519"))


def test_sudo_feeds_the_password_on_stdin_never_on_a_command_line(
    server: tuple[HostTarget, ServerState],
) -> None:
    host, state = server
    transport = open_transport(host)
    try:
        result = transport.run("echo root-part; cat", sudo=True, stdin=b"payload")
        assert result.stdout == b"root-part\npayload" and result.exit_status == 0
        transport.run("true", sudo=True)
    finally:
        transport.close()
    assert all(PASSWORD not in command for command in state.commands)
    assert state.commands[0] == "sudo -n true"  # probed once per connection
    assert sum(1 for c in state.commands if c == "sudo -n true") == 1
    assert state.stdins[1] == PASSWORD.encode() + b"\npayload"


def test_sudo_without_a_password_when_the_host_needs_none(server: tuple[HostTarget, ServerState]) -> None:
    host, state = server
    state.env["FAKE_SUDO_NOPASSWD"] = "1"
    transport = open_transport(host)
    try:
        assert transport.run("cat", sudo=True, stdin=b"only this").stdout == b"only this"
    finally:
        transport.close()
    assert all(PASSWORD.encode() not in data for data in state.stdins)


def test_a_wrong_become_password_is_a_transport_error_without_the_password(
    server: tuple[HostTarget, ServerState],
) -> None:
    host, _ = server
    wrong = "Sai-Mat-Khau-123"
    transport = open_transport(replace(host, become_password=Secret(wrong)))
    try:
        with pytest.raises(TransportError) as info:
            transport.run("id", sudo=True)
    finally:
        transport.close()
    assert str(info.value).startswith("ws-loop: sudo refused (1 incorrect password attempt)")
    assert wrong not in str(info.value) and PASSWORD not in str(info.value)


def test_sudo_needing_a_password_the_inventory_lacks(server: tuple[HostTarget, ServerState]) -> None:
    host, _ = server
    transport = open_transport(replace(host, become_password=None))
    try:
        with pytest.raises(
            TransportError, match=r"sudo refused \(a password is required\) and the inventory gives no"
        ):
            transport.run("id", sudo=True)
    finally:
        transport.close()


def test_a_testinfra_host_runs_over_the_same_connection(server: tuple[HostTarget, ServerState]) -> None:
    host, state = server
    transport = open_transport(host)
    try:
        tihost = testinfra_backend.testinfra_host(transport)
        assert tihost.run("echo %s", "a b").stdout == "a b\n"
        assert tihost.file("/etc/passwd").exists
        with tihost.sudo():
            assert tihost.check_output("echo as-root") == "as-root"
    finally:
        transport.close()
    assert any(c.startswith("sudo -S -p '' -- /bin/sh -c ") and "as-root" in c for c in state.commands)
