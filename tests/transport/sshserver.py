"""A tiny in-process SSH server on 127.0.0.1 for transport tests: public-key auth, exec only.

Commands run with /bin/sh on this machine. A fake ``sudo`` on the server's PATH checks the
password read from stdin, so the whole sudo flow is tested without root or a real sudo.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import paramiko
from paramiko.common import (
    AUTH_FAILED,
    AUTH_SUCCESSFUL,
    OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED,
    OPEN_SUCCEEDED,
)

FAKE_SUDO = r"""#!/bin/sh
# Fake sudo: asks for $FAKE_SUDO_PASSWORD on stdin (-S) unless FAKE_SUDO_NOPASSWD=1.
mode=n
while [ $# -gt 0 ]; do
    case "$1" in
        -n) mode=n; shift ;;
        -S) mode=S; shift ;;
        -p) shift 2 ;;
        -k) shift ;;
        --) shift; break ;;
        *) break ;;
    esac
done
if [ "$FAKE_SUDO_NOPASSWD" != 1 ]; then
    if [ "$mode" = n ]; then echo "sudo: a password is required" >&2; exit 1; fi
    IFS= read -r pw
    if [ "$pw" != "$FAKE_SUDO_PASSWORD" ]; then echo "sudo: 1 incorrect password attempt" >&2; exit 1; fi
fi
exec "$@"
"""


@dataclass
class ServerState:
    host_key: paramiko.PKey
    client_key: paramiko.PKey
    env: dict[str, str]
    commands: list[str] = field(default_factory=list)
    stdins: list[bytes] = field(default_factory=list)


class _Interface(paramiko.ServerInterface):
    def __init__(self, state: ServerState) -> None:
        self.state = state

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return OPEN_SUCCEEDED
        return OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if username == "hisadmin" and key == self.state.client_key:
            return AUTH_SUCCESSFUL
        return AUTH_FAILED

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        text = command.decode()
        self.state.commands.append(text)
        threading.Thread(target=self._execute, args=(channel, text), daemon=True).start()
        return True

    def _execute(self, channel: paramiko.Channel, command: str) -> None:
        try:
            stdin = channel.makefile("rb").read()
            self.state.stdins.append(stdin)
            done = subprocess.run(
                ["/bin/sh", "-c", command], input=stdin, capture_output=True, env=self.state.env, timeout=30
            )
            # stderr first: a client reading only stdout would stall once stderr fills its window.
            channel.sendall_stderr(done.stderr)
            channel.sendall(done.stdout)
            channel.send_exit_status(done.returncode)
        except Exception:  # the client went away (timeout tests): nothing to report to
            pass
        finally:
            channel.close()


@contextmanager
def ssh_server(tmp_path: Path) -> Iterator[tuple[int, ServerState]]:
    """Serve on 127.0.0.1 (random port) until the block ends; yields (port, state)."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    sudo = bin_dir / "sudo"
    sudo.write_text(FAKE_SUDO)
    sudo.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_SUDO_PASSWORD": "Mk-Lab-Quantri!2026"}
    state = ServerState(paramiko.ECDSAKey.generate(), paramiko.ECDSAKey.generate(), env)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    transports: list[paramiko.Transport] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            transport = paramiko.Transport(sock)
            transport.add_server_key(state.host_key)
            transports.append(transport)
            try:
                transport.start_server(server=_Interface(state))
            except (paramiko.SSHException, EOFError, OSError):
                transport.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], state
    finally:
        stop.set()
        listener.close()
        for transport in transports:
            transport.close()


def known_hosts_line(port: int, key: paramiko.PKey) -> str:
    return f"[127.0.0.1]:{port} {key.get_name()} {key.get_base64()}\n"


def write_client_key(state: ServerState, path: Path) -> str:
    assert isinstance(state.client_key, paramiko.ECDSAKey)
    state.client_key.write_private_key_file(str(path))
    os.chmod(path, 0o600)
    return str(path)
