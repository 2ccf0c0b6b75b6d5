#!/usr/bin/env python3
"""Ten ``hisguard lab up --all`` / ``lab down`` cycles beside a CPU-heavy process: nothing left.

Anchor: issue #13 item 6 (``lab down`` left ``hisguard-lab/his-app-02`` busy on two busy cores).
Goal: every cycle's ``lab down`` says "nothing left" and an independent look (/proc, mounts,
``ip``, cgroups) agrees. Prints each cycle's up/down seconds and the load average beside them.

Needs root. Each cycle takes the shared lab lock (/tmp/hisguard-lab.lock) and releases it
between cycles so others can use the lab; the busy process is this script's own child, started
after the lock is taken and stopped by its PID before it is released.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import labhold

LOCK = labhold.LOCK
_BESIDE = Path(sys.executable).parent / "hisguard"
HISGUARD = str(_BESIDE) if _BESIDE.exists() else "hisguard"


def lab(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.monotonic()
    done = subprocess.run([HISGUARD, "lab", *args], capture_output=True, text=True, timeout=1800)
    return time.monotonic() - start, done


def independent_leftovers() -> list[str]:
    """What of the lab exists, seen without the lab's own state file."""
    from hisguard.lab import cgroups, network
    from hisguard.lab.paths import STATE_DIR
    from hisguard.lab.profile import load_fleet

    fleet = load_fleet()
    left = []
    mounts = Path("/proc/self/mounts").read_text()
    left += [f"mount {line.split()[1]}" for line in mounts.splitlines() if str(STATE_DIR) in line]
    for host in fleet.hosts():
        if network.netns_exists(network.netns_name(host.name)):
            left.append(f"netns {host.name}")
        if network.link_exists(network.veth_name(host.name)):
            left.append(f"link {network.veth_name(host.name)}")
    left += [f"bridge {f.bridge}" for f in fleet.facilities if network.link_exists(f.bridge)]
    routes = subprocess.run(["ip", "route", "show", "type", "blackhole"], capture_output=True, text=True)
    left += [f"route {r}" for r in routes.stdout.splitlines() if network.LAB_RANGE.split("/")[0] in r]
    left += [f"cgroup {c}" for c in cgroups.leftovers()]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"systemd-nspawn" in cmdline and str(STATE_DIR).encode() in cmdline:
            left.append(f"process {proc.name}")
    return left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("needs root", file=sys.stderr)
        return 2
    failures = 0
    print("anchor: 10/10 cycles leave nothing, a CPU-heavy process running beside each")
    for cycle in range(1, args.cycles + 1):
        # The lock per cycle (others may use the lab in between), or a caller's `flock` for all.
        with labhold.lab_lock(LOCK):
            # The busy process runs only while this cycle holds the lab (not while waiting for it).
            hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            try:
                lab("down")
                up_s, up = lab("up", "--all")
                load_up = os.getloadavg()[0]
                down_s, down = lab("down")
                left = independent_leftovers()
            finally:
                hog.kill()
                hog.wait()
        ok = up.returncode == 0 and down.returncode == 0 and not left
        failures += not ok
        said = (down.stdout.strip() or down.stderr.strip()).splitlines()[-1:]
        print(
            f"cycle {cycle:2d}: up {up_s:5.1f} s (rc {up.returncode}), down {down_s:5.1f} s "
            f"(rc {down.returncode}: {said[0] if said else '-'}), load {load_up:.2f}, "
            f"left: {left or 'nothing'}",
            flush=True,
        )
        if up.returncode:
            print(f"  up said: {up.stderr.strip().splitlines()[-1:]}")
    print(f"{args.cycles - failures}/{args.cycles} cycles clean (goal {args.cycles}/{args.cycles})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
