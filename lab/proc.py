"""Running commands and telling our own processes apart from whatever reused their PID."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from hisguard.lab.errors import LabError


def run(
    cmd: Sequence[str],
    *,
    stdin: bytes | None = None,
    check: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``cmd``; on failure raise LabError naming the program and its last line of stderr.

    Secrets go through ``stdin``, never the argument list, so they stay out of messages and ps.
    """
    try:
        done = subprocess.run(list(cmd), input=stdin, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise LabError(f"{cmd[0]} is not installed on this machine") from None
    except subprocess.TimeoutExpired:
        raise LabError(f"{' '.join(cmd[:3])} did not finish within {timeout:.0f} s") from None
    if check and done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines() or ["(no message)"]
        raise LabError(f"{' '.join(cmd[:4])} failed ({done.returncode}): {lines[-1]}")
    return done


def start_time(pid: int) -> int | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[19])


def is_ours(pid: int, started: int) -> bool:
    """True while ``pid`` is still the very process we started (same PID and start time)."""
    if pid <= 1:
        return False
    current = start_time(pid)
    if current is None or current != started:
        return False
    # A zombie is dead for our purposes (its parent has not reaped it yet).
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stop(pid: int, started: int, *, grace: float) -> None:
    """SIGTERM our process, wait up to ``grace`` seconds, then SIGKILL it."""
    if not is_ours(pid, started):
        return
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap(pid)
        if not is_ours(pid, started):
            return
        time.sleep(0.1)
    _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and is_ours(pid, started):
        _reap(pid)
        time.sleep(0.1)
    if is_ours(pid, started):
        raise LabError(f"process {pid} did not end after SIGKILL")


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    # Our own children must be reaped or they stay zombies; others' children are not ours to wait.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
