"""The lab's Session runs over the project's SSH transport: checked against the loopback SSH
server of the transport tests (no lab needed), sudo with the lab admin's password included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hisguard.lab import ssh
from hisguard.lab.errors import LabError
from tests.transport.sshserver import ServerState, known_hosts_line, ssh_server, write_client_key

PASSWORD = "Mk-Lab-Quantri!2026"  # what the loopback server's fake sudo expects


@pytest.fixture
def loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    with ssh_server(tmp_path) as (port, state):
        known = tmp_path / "known_hosts"
        known.write_text(known_hosts_line(port, state.host_key))
        monkeypatch.setattr(ssh, "SSH_PORT", port)
        monkeypatch.setattr(ssh, "KNOWN_HOSTS", known)
        monkeypatch.setattr(ssh, "CLIENT_KEY", Path(write_client_key(state, tmp_path / "id_ecdsa")))
        monkeypatch.setattr(ssh.vault, "admin_password", lambda: PASSWORD)
        yield state


def test_a_session_runs_commands_and_sudo_over_one_connection(loopback: ServerState) -> None:
    with ssh.Session("127.0.0.1") as session:
        assert session.alive
        plain = session.run("echo hello; echo oops >&2; exit 3")
        assert (plain.status, plain.stdout, plain.stderr) == (3, "hello\n", "oops\n")
        root = session.run("echo as-root", sudo=True)
        assert (root.status, root.stdout) == (0, "as-root\n")
    assert not session.alive
    # The password went to sudo on stdin, never onto a command line.
    assert all(PASSWORD not in command for command in loopback.commands)
    assert any(PASSWORD.encode() in stdin for stdin in loopback.stdins)


def test_an_unknown_host_key_is_refused(
    loopback: ServerState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    monkeypatch.setattr(ssh, "KNOWN_HOSTS", empty)
    with pytest.raises(LabError, match=r"cannot log in to 127\.0\.0\.1 as hisadmin: .*host key unknown"):
        ssh.Session("127.0.0.1")
