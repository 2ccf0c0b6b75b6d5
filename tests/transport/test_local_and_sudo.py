"""LocalTransport, the sudo wrapper shared by all transports, and the testinfra adapter."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import paramiko
import pytest

from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget, Secret
from hisguard.scanners.transport import CommandResult, LocalTransport, Transport, open_transport
from hisguard.scanners.transport.base import SudoRunner, sudo_refusal
from tests import testinfra_backend


def test_local_transport_runs_shell_commands() -> None:
    local = LocalTransport("may-quet")
    assert isinstance(local, Transport) and local.name == "may-quet"
    result = local.run("printf out; printf err >&2; exit 4")
    assert (result.exit_status, result.stdout, result.stderr) == (4, b"out", b"err")
    assert local.run("cat", stdin=b"abc").stdout == b"abc"
    assert local.run("hisguard-no-such-command").exit_status == 127
    assert local.run("cat").stdout == b""  # stdin is closed, never inherited


def test_local_transport_timeout() -> None:
    with pytest.raises(TransportError, match=r"^may-quet: command timed out after 0\.3 s$"):
        LocalTransport("may-quet").run("sleep 5", timeout=0.3)


class Recorder:
    """An executor that records (command, stdin) and answers from a script of results."""

    def __init__(self, *results: CommandResult) -> None:
        self.results = list(results)
        self.calls: list[tuple[str, bytes | None]] = []

    def __call__(self, command: str, timeout: float, stdin: bytes | None) -> CommandResult:
        self.calls.append((command, stdin))
        return self.results.pop(0) if self.results else CommandResult(0, b"ok", b"")


REQUIRED = CommandResult(1, b"", b"sudo: a password is required\n")


def test_sudo_with_a_password_probes_once_then_feeds_stdin() -> None:
    execute = Recorder(REQUIRED)
    runner = SudoRunner("h", execute, Secret("Bi-Mat-9"), is_root=False)
    runner.run("id -u", sudo=True, timeout=5, stdin=b"rest")
    runner.run("id -g", sudo=True, timeout=5, stdin=None)
    assert execute.calls == [
        ("sudo -n true", None),
        ("sudo -S -p '' -- /bin/sh -c 'id -u'", b"Bi-Mat-9\nrest"),
        ("sudo -S -p '' -- /bin/sh -c 'id -g'", b"Bi-Mat-9\n"),
    ]


def test_sudo_when_no_password_is_needed_never_sends_it() -> None:
    execute = Recorder(CommandResult(0, b"", b""))
    runner = SudoRunner("h", execute, Secret("Bi-Mat-9"), is_root=False)
    runner.run("cat", sudo=True, timeout=5, stdin=b"x")
    assert execute.calls == [("sudo -n true", None), ("sudo -n -- /bin/sh -c cat", b"x")]


def test_no_sudo_for_root_or_plain_commands() -> None:
    execute = Recorder()
    SudoRunner("h", execute, Secret("p"), is_root=True).run("id", sudo=True, timeout=5, stdin=None)
    SudoRunner("h", execute, Secret("p"), is_root=False).run("id", sudo=False, timeout=5, stdin=None)
    assert execute.calls == [("id", None), ("id", None)]


def test_sudo_missing_on_the_host() -> None:
    execute = Recorder(CommandResult(127, b"", b"sh: 1: sudo: not found\n"))
    with pytest.raises(TransportError, match=r"^h: sudo is not installed on the host$"):
        SudoRunner("h", execute, Secret("p"), is_root=False).run("id", sudo=True, timeout=5, stdin=None)


def test_sudo_refusals_are_told_apart_from_failing_commands() -> None:
    assert sudo_refusal(CommandResult(1, b"", b"sudo: 3 incorrect password attempts\n")) == (
        "3 incorrect password attempts"
    )
    assert sudo_refusal(CommandResult(1, b"", b"hisadmin is not in the sudoers file.\n")) is None  # no prefix
    assert sudo_refusal(CommandResult(1, b"", b"grep: /etc/x: No such file\n")) is None
    assert sudo_refusal(CommandResult(2, b"", b"sudo: a password is required\n")) is None


def test_testinfra_sudo_user_runs_through_root(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, bool]] = []

    class Recording(LocalTransport):
        def run(
            self, command: str, *, sudo: bool = False, timeout: float = 60.0, stdin: bytes | None = None
        ) -> CommandResult:
            seen.append((command, sudo))
            return CommandResult(0, b"", b"")

    host = testinfra_backend.testinfra_host(Recording("h"))
    with host.sudo("postgres"):
        host.run("psql -c %s", "select 1")
    assert seen == [("sudo -n -u postgres -- /bin/sh -c 'psql -c '\"'\"'select 1'\"'\"''", True)]
    assert testinfra_backend.testinfra_host(Recording("h"), sudo=True).run("id").rc == 0
    assert seen[-1] == ("id", True)


def test_open_transport_gives_this_machine_for_ansible_connection_local() -> None:
    host = HostTarget("scan-01", "75901", "127.0.0.1", 22, None, None, ("scan_hosts",), (),
                      variables={"ansible_connection": "local"})  # fmt: skip
    transport = open_transport(host)
    assert isinstance(transport, LocalTransport) and transport.name == "scan-01"


def test_an_encrypted_key_file_is_named_not_guessed(tmp_path: Path) -> None:
    key = tmp_path / "id_ecdsa"
    paramiko.ECDSAKey.generate().write_private_key_file(str(key), password="khoa-bi-mat")
    host = HostTarget("ws-x", "75901", "127.0.0.1", 1, "hisadmin", str(key), (), ())
    with pytest.raises(
        TransportError, match=r"^ws-x \(127\.0\.0\.1:1\): private key file .* is encrypted"
    ) as info:
        open_transport(replace(host, known_hosts_file=str(tmp_path / "kh")))
    assert "khoa-bi-mat" not in str(info.value)
