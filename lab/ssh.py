"""Logging in to a lab host as the facility's admin: the lab key, host keys checked, sudo by password."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import paramiko

from hisguard.lab import vault
from hisguard.lab.errors import LabError
from hisguard.lab.paths import CLIENT_KEY, KNOWN_HOSTS

ADMIN = "hisadmin"


@dataclass(frozen=True)
class Result:
    status: int
    stdout: str
    stderr: str


class Session:
    """An SSH session to one lab host; host keys must match ``known_hosts`` written by ``lab up``."""

    def __init__(self, address: str, *, timeout: float = 15.0) -> None:
        self.address = address
        self.client = paramiko.SSHClient()
        self.client.load_host_keys(str(KNOWN_HOSTS))
        self.client.set_missing_host_key_policy(paramiko.RejectPolicy())
        try:
            self.client.connect(
                address,
                username=ADMIN,
                key_filename=str(CLIENT_KEY),
                timeout=timeout,
                banner_timeout=timeout,
                auth_timeout=timeout,
                allow_agent=False,
                look_for_keys=False,
            )
        except (OSError, paramiko.SSHException) as exc:
            raise LabError(f"cannot log in to {address} as {ADMIN}: {type(exc).__name__}") from None

    def run(self, command: str, *, sudo: bool = False, timeout: float = 120.0) -> Result:
        """Run ``command`` with sh; with ``sudo``, as root with the admin's password on stdin."""
        if sudo:
            command = f"sudo -S -p '' -- sh -c {shlex.quote(command)}"
        stdin, stdout, stderr = self.client.exec_command(command, timeout=timeout)
        if sudo:
            stdin.write(vault.admin_password() + "\n")
            stdin.flush()
        stdin.channel.shutdown_write()
        out = stdout.read().decode(errors="replace")
        err = stderr.read().decode(errors="replace")
        return Result(stdout.channel.recv_exit_status(), out, err)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
