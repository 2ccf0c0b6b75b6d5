"""SSH keys of the lab: the admin's client key and one distinct set of host keys per host.

Host keys are made once per host and kept (under ``hostkeys/``) so ``known_hosts`` stays valid
across ``down``/``up`` and ``reset``; ``up`` writes ``known_hosts`` from them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from hisguard.lab.paths import CLIENT_KEY, HOST_KEYS_DIR, KNOWN_HOSTS, SSH_DIR
from hisguard.lab.proc import run

HOST_KEY_TYPES = ("ed25519", "ecdsa", "rsa")


def ensure_client_key() -> Path:
    """The lab admin's private key (``ssh/id_ed25519``), created on first use."""
    SSH_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not CLIENT_KEY.exists():
        run(
            [
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "hisadmin@hisguard-lab",
                "-f",
                str(CLIENT_KEY),
            ]
        )
    return CLIENT_KEY


def client_public_key() -> str:
    return Path(f"{ensure_client_key()}.pub").read_text().strip()


def host_key_dir(host: str) -> Path:
    """``host``'s own host keys, created on first use."""
    directory = HOST_KEYS_DIR / host
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for kind in HOST_KEY_TYPES:
        key = directory / f"ssh_host_{kind}_key"
        if not key.exists():
            run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", f"root@{host}", "-f", str(key)])
    return directory


def write_known_hosts(hosts: Iterable[tuple[str, str]]) -> None:
    """Write ``known_hosts`` for (name, address) pairs: each address with its host's own keys."""
    lines = []
    for name, address in hosts:
        directory = host_key_dir(name)
        for kind in HOST_KEY_TYPES:
            public = (directory / f"ssh_host_{kind}_key.pub").read_text().split()
            lines.append(f"{address} {public[0]} {public[1]}\n")
    SSH_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = KNOWN_HOSTS.with_suffix(".tmp")
    tmp.write_text("".join(lines))
    os.replace(tmp, KNOWN_HOSTS)
