"""Host-key policy: a key must already be in known_hosts, unless the user asked to trust on first use.

paramiko itself refuses a *changed* key (``BadHostKeyException``) before any policy is asked, so
trusting on first use can only ever add a key for a host that had none.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path

import paramiko

log = logging.getLogger("hisguard.transport")

# Threads of one scan may record keys of several hosts into the same file at once.
_WRITE_LOCK = threading.Lock()


class UnknownHostKey(paramiko.SSHException):
    """The host offered a key and known_hosts has none for it."""

    def __init__(self, hostname: str, key_type: str) -> None:
        super().__init__(f"no {key_type} key for {hostname} in known_hosts")
        self.hostname = hostname
        self.key_type = key_type


def default_known_hosts() -> Path:
    return Path.home() / ".ssh" / "known_hosts"


class RejectUnknown(paramiko.MissingHostKeyPolicy):
    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        raise UnknownHostKey(hostname, key.get_name())


class RecordOnFirstUse(paramiko.MissingHostKeyPolicy):
    """Accept a host's first key and append it to ``path`` (created 0600 if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        record_host_key(self.path, hostname, key)
        log.info(
            "recorded %s host key of %s (%s) in %s", key.get_name(), hostname, key.fingerprint, self.path
        )


def record_host_key(path: Path, hostname: str, key: paramiko.PKey) -> None:
    line = f"{hostname} {key.get_name()} {key.get_base64()}\n"
    with _WRITE_LOCK:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="ascii") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # other hisguard processes may append too
            handle.write(line)
