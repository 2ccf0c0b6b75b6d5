"""A cgroup of its own for each host's container (cgroup v1 machines).

Without it every nspawn started outside systemd lands in the same ``name=systemd`` cgroup, so the
hosts' systemd instances share ``/payload/system.slice/...``: one host stopping ``ssh.service``
would kill another's sshd, and early units race on each other's cgroups (seen: sysusers failing
with "Failed to attach to cgroup"). Each container gets ``hisguard-lab/<host>`` in every v1
hierarchy instead; ``down`` removes them once empty.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
OURS = "hisguard-lab"
EMPTY_TIMEOUT = 60.0  # seconds a stopped container's group may take to empty on a busy machine
POLL = 0.2


def _hierarchies() -> list[Path]:
    """cgroup hierarchies mounted below /sys/fs/cgroup (v1 ones, and the hybrid v2 one)."""
    found = []
    for line in Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if fields[2] in ("cgroup", "cgroup2") and fields[1].startswith(str(CGROUP_ROOT) + "/"):
            found.append(Path(fields[1]))
    return found


def make(host: str) -> list[Path]:
    """Create ``hisguard-lab/<host>`` in each v1 hierarchy; return the directories made."""
    made = []
    for hierarchy in _hierarchies():
        group = hierarchy / OURS / host
        try:
            group.mkdir(parents=True, exist_ok=True)
            if hierarchy.name == "cpuset":  # a new cpuset is empty: inherit the parent's
                for key in ("cpuset.cpus", "cpuset.mems"):
                    for level in (group.parent, group):
                        value = (level.parent / key).read_text().strip()
                        if not (level / key).read_text().strip():
                            (level / key).write_text(value)
        except OSError:
            continue  # a hierarchy we may not write to is not worth failing the boot for
        made.append(group)
    return made


def wrap(groups: list[Path], cmd: list[str]) -> list[str]:
    """``cmd`` run through a shell that first moves itself into ``groups`` (the PID stays)."""
    if not groups:
        return cmd
    script = 'for g in $HG_CGROUPS; do echo $$ > "$g/cgroup.procs" || exit 97; done; exec "$@"'
    return [
        "env",
        "SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=0",
        f"HG_CGROUPS={' '.join(str(g) for g in groups)}",
        "sh",
        "-c",
        script,
        "sh",
        *cmd,
    ]


def remove(host: str | None = None, *, timeout: float = EMPTY_TIMEOUT) -> None:
    """Remove our cgroups (one host's, or all), deepest first, once they are empty.

    A stopped container's processes leave its cgroup some time after nspawn has exited (the kernel
    kills the rest of its PID namespace, and on a busy machine they are reaped seconds later), so
    each group is polled until empty. What is still inside after half of ``timeout`` can only be a
    lab container's process (nothing else is ever put in our groups): it is sent SIGKILL. A group
    still busy at the deadline is left in place (``leftovers`` names it).
    """
    tops = [h / OURS if host is None else h / OURS / host for h in _hierarchies()]
    tops = [t for t in tops if t.is_dir()]
    deadline = time.monotonic() + timeout
    killed_at = time.monotonic() + timeout / 2
    killed = False
    while True:
        pending = [t for t in tops if not _rmtree(t)]
        if not pending or time.monotonic() >= deadline:
            return
        if not killed and time.monotonic() >= killed_at:
            for pid in {pid for t in pending for pid in members(t)}:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            killed = True
        tops = pending
        time.sleep(POLL)


def members(group: Path) -> list[int]:
    """PIDs in ``group`` and its sub-groups (empty when the group is gone)."""
    pids: list[int] = []
    for procs in group.rglob("cgroup.procs"):
        with contextlib.suppress(OSError, ValueError):
            pids += [int(line) for line in procs.read_text().split()]
    return pids


def _rmtree(top: Path) -> bool:
    """rmdir ``top`` and its sub-groups deepest first; True when it is gone."""
    if not top.is_dir():
        return True
    with contextlib.suppress(OSError):
        for directory in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):
                directory.rmdir()
        top.rmdir()
    return not top.is_dir()


def memory(host: str) -> int | None:
    """Bytes charged to the host's memory cgroup (v1 ``memory``, or a cgroup2 hierarchy), if any."""
    for hierarchy in _hierarchies():
        for name in ("memory.usage_in_bytes", "memory.current"):
            with contextlib.suppress(OSError, ValueError):
                return int((hierarchy / OURS / host / name).read_text())
    return None


def leftovers() -> list[str]:
    return [str(h / OURS) for h in _hierarchies() if (h / OURS).exists()]
