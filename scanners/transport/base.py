"""What every transport offers, and the sudo wrapping they share.

A transport runs shell commands on one host. ``sudo=True`` runs the command as root through
``sudo``: without a become password ``sudo -n``; with one, ``sudo -S -p ''`` and the password as
the first line of stdin. The password is never logged, never part of a command line and never
in an exception message.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import Secret


@dataclass(frozen=True)
class CommandResult:
    """What a command left behind: its exit status and raw output."""

    exit_status: int
    stdout: bytes
    stderr: bytes

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def text(self) -> str:
        """stdout as text (UTF-8, undecodable bytes replaced)."""
        return self.stdout.decode("utf-8", errors="replace")


@runtime_checkable
class Transport(Protocol):
    """One open connection to one host, reusable for many commands."""

    name: str  # the inventory host name

    def run(
        self, command: str, *, sudo: bool = False, timeout: float = 60.0, stdin: bytes | None = None
    ) -> CommandResult: ...

    def close(self) -> None: ...


# sudo's own refusals: seen on stderr with exit status 1 when sudo, not the command, failed.
_SUDO_REFUSALS = (
    "incorrect password",
    "a password is required",
    "is not in the sudoers file",
    "is not allowed to execute",
    "no tty present",
    "a terminal is required",
    "no password was provided",
    "may not run sudo",
)

# Runs one already-wrapped shell command: (command, timeout, stdin) -> result.
Executor = Callable[[str, float, bytes | None], CommandResult]


def sudo_refusal(result: CommandResult) -> str | None:
    """sudo's reason when sudo itself refused to run the command, else None."""
    if result.exit_status != 1:
        return None
    for line in result.stderr.decode("utf-8", errors="replace").splitlines():
        text = line.strip()
        if text.startswith("sudo:") and any(reason in text for reason in _SUDO_REFUSALS):
            return text[len("sudo:") :].strip()[:160]
    return None


class SudoRunner:
    """Turns ``run(command, sudo=True)`` into the right sudo invocation for one host.

    Whether sudo asks for a password is probed once (``sudo -n true``): feeding a password to a
    sudo that does not read it would hand it to the command's stdin instead.
    """

    def __init__(self, name: str, execute: Executor, become_password: Secret | None, is_root: bool) -> None:
        self._name = name
        self._execute = execute
        self._password = become_password
        self._is_root = is_root
        self._needs_password: bool | None = None
        self._lock = threading.Lock()

    def run(self, command: str, *, sudo: bool, timeout: float, stdin: bytes | None) -> CommandResult:
        if not sudo or self._is_root:
            return self._execute(command, timeout, stdin)
        inner = "/bin/sh -c " + shlex.quote(command)
        if self._password is None:
            result = self._execute("sudo -n -- " + inner, timeout, stdin)
            self._raise_on_refusal(result, hint=" and the inventory gives no ansible_become_password")
            return result
        if not self._probe_needs_password(timeout):
            result = self._execute("sudo -n -- " + inner, timeout, stdin)
            self._raise_on_refusal(result)
            return result
        feed = self._password.reveal().encode("utf-8") + b"\n" + (stdin or b"")
        result = self._execute("sudo -S -p '' -- " + inner, timeout, feed)
        self._raise_on_refusal(result)
        return result

    def _probe_needs_password(self, timeout: float) -> bool:
        with self._lock:
            if self._needs_password is None:
                probe = self._execute("sudo -n true", min(timeout, 30.0), None)
                if probe.exit_status == 127:
                    raise TransportError(f"{self._name}: sudo is not installed on the host")
                self._needs_password = probe.exit_status != 0
            return self._needs_password

    def _raise_on_refusal(self, result: CommandResult, hint: str = "") -> None:
        if result.exit_status == 127 and b"sudo" in result.stderr and b"not found" in result.stderr:
            raise TransportError(f"{self._name}: sudo is not installed on the host")
        reason = sudo_refusal(result)
        if reason is not None:
            raise TransportError(f"{self._name}: sudo refused ({reason}){hint}")
