#!/usr/bin/env python3
"""Wall time of ``hisguard scan network`` on the lab against plain nmap with the same arguments.

Goal: hisguard's overhead over nmap itself (inventory, judgement, store, output) under 10 %.
The nmap command is the one hisguard prints with ``--dry-run``, so both sides send the same
probes. Runs alternate (nmap, hisguard, nmap, ...) so drift hits both alike; medians are printed.

Needs a running lab (``hisguard lab up``) and root for the same SYN scan hisguard uses. It never
starts or stops the lab. Wrap it like every lab user: ``flock /tmp/hisguard-lab.lock python3 ...``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The hisguard beside this interpreter (a venv's python), else the one on PATH.
_BESIDE = Path(sys.executable).parent / "hisguard"
HISGUARD = str(_BESIDE) if _BESIDE.exists() else (shutil.which("hisguard") or "hisguard")


def hisguard_args(facility: str, targets: list[str]) -> list[str]:
    inventory = REPO / "inventories" / "lab"
    return [
        "-i",
        str(inventory),
        "--vault-password-file",
        str(inventory / "vault-password.txt"),
        "--facility",
        facility,
        *(word for target in targets for word in ("--target", target)),
    ]


def nmap_command(facility: str, targets: list[str]) -> list[str]:
    """The exact command hisguard runs, from its own --dry-run."""
    out = subprocess.run(
        [HISGUARD, "scan", "network", *hisguard_args(facility, targets), "--dry-run"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lines = out.splitlines()
    if len(lines) != 1 or not lines[0].startswith(f"{facility}: "):
        sys.exit(f"bench: expected one nmap command for {facility}, got: {out!r}")
    return shlex.split(lines[0].split(": ", 1)[1])


def timed(command: list[str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - started, result.returncode, result.stdout


def lab_is_up() -> bool:
    result = subprocess.run([HISGUARD, "lab", "status", "--format", "json"], capture_output=True, text=True)
    try:
        return bool(result.returncode == 0 and json.loads(result.stdout).get("status") == "up")
    except json.JSONDecodeError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--facility", default="75901")
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        help="narrow both sides to this address or CIDR (repeatable): a short scan shows the fixed overhead",
    )
    options = parser.parse_args()
    if not lab_is_up():
        print("bench: the lab is not up (hisguard lab up)", file=sys.stderr)
        return 2
    nmap = nmap_command(options.facility, options.target)
    print("nmap command:", shlex.join(nmap))
    with tempfile.TemporaryDirectory(prefix="hisguard-bench-") as tmp:
        store = f"sqlite:///{tmp}/bench.db"
        ours = [
            HISGUARD,
            "scan",
            "network",
            *hisguard_args(options.facility, options.target),
            "--format",
            "json",
            "--store",
            store,
        ]
        print("hisguard command:", shlex.join(ours))
        nmap_times: list[float] = []
        hisguard_times: list[float] = []
        findings = 0
        for index in range(options.runs):
            seconds, status, _ = timed(nmap)
            if status != 0:
                print(f"bench: nmap exited {status}", file=sys.stderr)
                return 2
            nmap_times.append(seconds)
            seconds, status, stdout = timed(ours)
            if status not in (0, 1):
                print(f"bench: hisguard exited {status}", file=sys.stderr)
                return 2
            hisguard_times.append(seconds)
            findings = len(json.loads(stdout)["findings"])
            print(f"run {index + 1}: nmap {nmap_times[-1]:.2f} s  hisguard {hisguard_times[-1]:.2f} s")
    nmap_median = statistics.median(nmap_times)
    ours_median = statistics.median(hisguard_times)
    ratio = ours_median / nmap_median
    print(f"findings per hisguard run: {findings}")
    print(f"median nmap:     {nmap_median:.2f} s")
    print(f"median hisguard: {ours_median:.2f} s")
    print(f"fixed overhead (median difference): {ours_median - nmap_median:.2f} s")
    print(f"ratio hisguard/nmap: {ratio:.3f}  (overhead {100 * (ratio - 1):+.1f} %, goal < +10 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
