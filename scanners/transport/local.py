"""Commands on this machine: for tests, and for a scan host that scans itself."""

from __future__ import annotations

import os
import subprocess

from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import Secret
from hisguard.scanners.transport.base import CommandResult, SudoRunner


class LocalTransport:
    """Runs commands with ``/bin/sh -c`` here; ``sudo=True`` goes through sudo unless already root."""

    def __init__(self, name: str = "localhost", *, become_password: Secret | None = None) -> None:
        self.name = name
        self._sudo = SudoRunner(name, self._execute, become_password, is_root=os.geteuid() == 0)

    def run(
        self, command: str, *, sudo: bool = False, timeout: float = 60.0, stdin: bytes | None = None
    ) -> CommandResult:
        return self._sudo.run(command, sudo=sudo, timeout=timeout, stdin=stdin)

    def close(self) -> None:
        """Nothing to release: each command is its own process."""

    def __enter__(self) -> LocalTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _execute(self, command: str, timeout: float, stdin: bytes | None) -> CommandResult:
        try:
            done = subprocess.run(
                ["/bin/sh", "-c", command],
                input=stdin if stdin is not None else b"",
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise TransportError(f"{self.name}: command timed out after {timeout:g} s") from None
        except OSError as exc:
            raise TransportError(f"{self.name}: cannot start /bin/sh ({exc.strerror})") from None
        return CommandResult(exit_status=done.returncode, stdout=done.stdout, stderr=done.stderr)
