"""Logging in to a lab host as the facility's admin, over the project's own SSH transport.

The same client the scanners use (:func:`hisguard.scanners.transport.open_transport`): the lab
key, host keys checked against the ``known_hosts`` that ``lab up`` wrote, sudo with the admin's
password on stdin (never on a command line).
"""

from __future__ import annotations

from dataclasses import dataclass

from hisguard.lab import vault
from hisguard.lab.errors import LabError
from hisguard.lab.paths import CLIENT_KEY, KNOWN_HOSTS
from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget, Secret
from hisguard.scanners.transport import SshTransport, open_transport

ADMIN = "hisadmin"
SSH_PORT = 22


@dataclass(frozen=True)
class CommandOutput:
    status: int
    stdout: str
    stderr: str


def lab_target(address: str) -> HostTarget:
    """A lab host as the transport sees an inventory host."""
    return HostTarget(
        name=address,
        facility="",
        address=address,
        port=SSH_PORT,
        user=ADMIN,
        key_file=str(CLIENT_KEY),
        groups=(),
        allowed_tcp_ports=(),
        known_hosts_file=str(KNOWN_HOSTS),
        become_password=Secret(vault.admin_password()),
    )


class Session:
    """An SSH session to one lab host; host keys must match ``known_hosts`` written by ``lab up``."""

    def __init__(self, address: str, *, timeout: float = 15.0) -> None:
        self.address = address
        try:
            transport = open_transport(lab_target(address), connect_timeout=timeout)
        except TransportError as exc:
            raise LabError(f"cannot log in to {address} as {ADMIN}: {exc}") from None
        if not isinstance(transport, SshTransport):
            raise LabError(f"{address}: not an SSH host")
        self.transport = transport

    @property
    def alive(self) -> bool:
        return self.transport.alive

    def run(self, command: str, *, sudo: bool = False, timeout: float = 120.0) -> CommandOutput:
        """Run ``command`` with sh; with ``sudo``, as root with the admin's password on stdin."""
        result = self.transport.run(command, sudo=sudo, timeout=timeout)
        return CommandOutput(
            result.exit_status,
            result.stdout.decode(errors="replace"),
            result.stderr.decode(errors="replace"),
        )

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
