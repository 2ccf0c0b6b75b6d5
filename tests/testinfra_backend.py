"""A pytest-testinfra backend over a hisguard :class:`Transport` (tests only: testinfra is a test
dependency, the scanner's checks read prefetched facts and never a testinfra ``Host``).

Role tests get a testinfra ``Host`` (``host.run``, ``host.file``, ``host.package``,
``host.sudo()``...) that reuses the scan's one connection and its sudo handling (become password
on stdin), instead of testinfra opening connections of its own.
"""

from __future__ import annotations

import shlex
from typing import Any

import testinfra.host
from testinfra.backend import base

from hisguard.scanners.transport import Transport

# testinfra builds sudo commands as strings; this marker (a NUL can never be part of a shell
# command) tells run() to hand the command to the transport's sudo instead of a bare "sudo".
_SUDO_MARK = "\x00hisguard-sudo\x00"


class TransportBackend(base.BaseBackend):  # type: ignore[misc]  # testinfra ships no types
    NAME = "hisguard"

    def __init__(self, transport: Transport, *, sudo: bool = False, sudo_user: str | None = None) -> None:
        super().__init__(transport.name, sudo=sudo, sudo_user=sudo_user)
        self.transport = transport
        self._encoding = "utf-8"  # never probe the host's locale: that would cost a round trip

    def get_pytest_id(self) -> str:
        return f"hisguard://{self.transport.name}"

    def get_sudo_command(self, command: str, sudo_user: str | None) -> str:
        if sudo_user is None:
            return _SUDO_MARK + command
        # Root switches to another user without a password, so the transport's sudo suffices.
        return _SUDO_MARK + f"sudo -n -u {shlex.quote(sudo_user)} -- /bin/sh -c {shlex.quote(command)}"

    def run(self, command: str, *args: str, **kwargs: Any) -> base.CommandResult:
        full = self.get_command(command, *args)
        sudo = _SUDO_MARK in full
        full = full.replace(_SUDO_MARK, "")
        timeout = float(kwargs.get("timeout", 60.0))
        result = self.transport.run(full, sudo=sudo, timeout=timeout)
        return self.result(result.exit_status, self.encode(full), result.stdout, result.stderr)


def testinfra_host(transport: Transport, *, sudo: bool = False) -> testinfra.host.Host:
    """A testinfra ``Host`` whose commands run over ``transport`` (as root when ``sudo``)."""
    backend = TransportBackend(transport, sudo=sudo)
    host = testinfra.host.Host(backend)
    backend.set_host(host)
    return host
