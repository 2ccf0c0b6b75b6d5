"""The lab's state file: everything ``up`` started or created, recorded before or right after it is.

``down`` removes what this file names (and the names the profiles derive), so a killed or failed
``up`` is cleaned up like a finished one. Writes are atomic (temp file + rename) and serialised.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hisguard.lab.errors import LabError
from hisguard.lab.paths import LOCK_FILE, STATE_DIR, STATE_FILE


@dataclass
class Proc:
    pid: int
    started: int  # /proc/<pid>/stat start time: tells our process from a reused PID


@dataclass
class HostState:
    name: str
    facility: str
    address: str
    root: str  # the merged overlay the container boots from
    log: str
    proc: Proc | None = None


@dataclass
class State:
    status: str = "down"  # starting | up | failed
    image: str = ""
    facilities: list[str] = field(default_factory=list)
    bridges: list[str] = field(default_factory=list)
    servers: dict[str, Proc] = field(default_factory=dict)  # address -> update server process
    hosts: dict[str, HostState] = field(default_factory=dict)
    updated: float = 0.0


_write_lock = threading.Lock()


def load() -> State:
    try:
        raw: dict[str, Any] = json.loads(STATE_FILE.read_text())
    except FileNotFoundError:
        return State()
    except (OSError, ValueError):
        raise LabError(
            f"the lab state file {STATE_FILE} is damaged; remove it, then `hisguard lab down`"
        ) from None
    hosts = {}
    for name, h in raw.get("hosts", {}).items():
        proc = Proc(**h["proc"]) if h.get("proc") else None
        hosts[name] = HostState(
            name=h["name"],
            facility=h["facility"],
            address=h["address"],
            root=h["root"],
            log=h["log"],
            proc=proc,
        )
    return State(
        status=raw.get("status", "down"),
        image=raw.get("image", ""),
        facilities=list(raw.get("facilities", [])),
        bridges=list(raw.get("bridges", [])),
        servers={a: Proc(**p) for a, p in raw.get("servers", {}).items()},
        hosts=hosts,
        updated=float(raw.get("updated", 0.0)),
    )


def save(state: State) -> None:
    with _write_lock:
        state.updated = time.time()
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = STATE_FILE.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state), indent=2, sort_keys=True))
        os.replace(tmp, STATE_FILE)


def remove() -> None:
    STATE_FILE.unlink(missing_ok=True)


@contextmanager
def locked() -> Iterator[None]:
    """Serialise lab commands on this machine (two ``up`` at once would fight over the same names)."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with Path(LOCK_FILE).open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
