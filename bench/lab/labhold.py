"""A bench's hold on the shared lab: take the lock, bring the lab to the state the bench needs, and
leave it as it was found.

``make bench`` runs benches that need the lab up (network, remote) and one that needs it down (the
scale lab boots its own fleet on the subnet of facility 75902), so each bench says what it needs:

    with labhold.holding("up"):      # or "down"
        ...

The lock is the one every lab user takes (/tmp/hisguard-lab.lock). When a process this bench runs
under already holds it (``flock /tmp/hisguard-lab.lock make bench``), the bench works under that
hold instead of waiting for itself. On the way out the lab is brought back to what it was: down, or
up with the same facilities (or the same number of scale hosts).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK = "/tmp/hisguard-lab.lock"
SCALE_CODE = "75990"  # hisguard.lab.scale.CODE (the bench may run without the package importable)
_BESIDE = Path(sys.executable).parent / "hisguard"
HISGUARD = str(_BESIDE) if _BESIDE.exists() else (shutil.which("hisguard") or "hisguard")


class LabUnavailable(Exception):
    """The lab could not be brought to the state a bench needs; one line for the bench's output."""


@dataclass(frozen=True)
class LabState:
    up: bool
    facilities: tuple[str, ...] = ()
    scale_hosts: int = 0
    healthy: bool = True  # every booted host runs and answers SSH

    def describe(self) -> str:
        if not self.up:
            return "down"
        if self.scale_hosts:
            return f"up (scale lab, {self.scale_hosts} hosts)"
        return f"up ({', '.join(self.facilities)})"


def _ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the command name is the state
    return pids


def held_by_ancestor(path: str = LOCK) -> bool:
    """True when a process this one runs under holds the flock on ``path`` (``flock LOCK cmd``)."""
    try:
        st = os.stat(path)
        locks = Path("/proc/locks").read_text()
    except OSError:
        return False
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    mine = _ancestors()
    for line in locks.splitlines():
        words = line.split()
        holder = words[4] if len(words) >= 6 and words[1] == "FLOCK" and words[5] == inode else ""
        if holder.isdigit() and int(holder) in mine:
            return True
    return False


@contextlib.contextmanager
def lab_lock(path: str = LOCK) -> Iterator[None]:
    """The shared lab lock, unless a process this one runs under already holds it."""
    if held_by_ancestor(path):
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lab(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HISGUARD, "lab", *args], capture_output=True, text=True, timeout=timeout)


def current() -> LabState:
    result = _lab("status", "--format", "json", timeout=120)
    try:
        doc = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise LabUnavailable(f"hisguard lab status said: {result.stderr.strip()[-300:]}") from None
    booted = [h for h in doc.get("hosts", []) if h.get("booted")]
    if doc.get("status") == "down" or not booted:
        return LabState(up=False)
    scale_hosts = sum(1 for h in booted if h.get("facility") == SCALE_CODE)
    return LabState(
        up=True,
        facilities=tuple(doc.get("facilities", [])),
        scale_hosts=scale_hosts,
        healthy=doc.get("status") == "up",
    )


def bring(state: LabState) -> None:
    """Make the lab ``state`` (down, or up with those facilities); raises LabUnavailable."""
    if not state.up:
        steps = [("down",)]
    elif state.scale_hosts:
        steps = [("down",), ("up", "--scale", str(state.scale_hosts))]
    else:
        steps = [("up", *(word for code in state.facilities for word in ("--facility", code)))]
    for args in steps:
        result = _lab(*args)
        if result.returncode != 0:
            said = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:]
            raise LabUnavailable(f"hisguard lab {' '.join(args)} failed: {said[0] if said else '?'}")


@contextlib.contextmanager
def holding(need: str) -> Iterator[LabState]:
    """Under the lab lock, the lab ``need``s to be ("up": the default facilities at least, "down");
    yields the state found, and restores it on the way out."""
    if need not in ("up", "down"):
        raise ValueError(need)
    with lab_lock():
        found = current()
        print(f"lab: found {found.describe()}; this bench needs it {need}", flush=True)
        changed = False
        try:
            if need == "down" and found.up:
                bring(LabState(up=False))
                changed = True
            elif need == "up" and found.scale_hosts:
                bring(LabState(up=False))  # the scale lab shares a subnet with a default facility
                bring(LabState(up=True))
                changed = True
            elif need == "up" and not (found.up and found.healthy):
                bring(LabState(up=True))  # `lab up` keeps what runs and remakes what died
                changed = not found.up
            yield found
        finally:
            if changed or (need == "down" and current().up != found.up):
                bring(found)
                print(f"lab: left {found.describe()}, as found", flush=True)


def run_bench(
    need: str, bench: Callable[[argparse.Namespace], int], options: argparse.Namespace, why_root: str
) -> int:
    """A lab bench's whole run: root checked, the lab held in the state it needs, exit 2 with one line
    when the lab cannot be had."""
    if os.geteuid() != 0:
        print(f"bench: {why_root}", file=sys.stderr)
        return 2
    try:
        with holding(need):
            return bench(options)
    except LabUnavailable as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
