#!/usr/bin/env python3
"""Wall time of ``hisguard scan network`` on the lab against plain nmap, and of ``scan all``.

hisguard sweeps (discovery and port scan, the command ``--dry-run`` prints) and then fingerprints
only the open ports a risk needs identified. The plain-nmap anchor is that sweep command with
``-sV`` added: one nmap process probing every open port, what one would run by hand (and what
hisguard ran before). Goal for ``--target`` one host: hisguard within 10 % of it. Runs alternate
(nmap, hisguard, nmap, ...) so drift hits both alike; medians are printed. Then ``scan all`` of
the facility (five lab hosts: credentials, configuration and network side by side) against its
goal of 15 s.

Needs root (the lab, and the same SYN scan hisguard uses). It takes the lab lock itself (or works
under a caller's ``flock /tmp/hisguard-lab.lock``), boots the default lab if it is down and leaves
the lab as it found it (``bench/lab/labhold.py``), so ``make bench`` can run it beside the scale
bench, which needs the lab down.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hisguard.lab import vault as lab_vault

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "lab"))

import labhold  # noqa: E402

# The hisguard beside this interpreter (a venv's python), else the one on PATH.
_BESIDE = Path(sys.executable).parent / "hisguard"
HISGUARD = str(_BESIDE) if _BESIDE.exists() else (shutil.which("hisguard") or "hisguard")


def hisguard_args(facility: str, targets: list[str]) -> list[str]:
    inventory = REPO / "inventories" / "lab"
    return [
        "-i",
        str(inventory),
        *lab_vault.vault_options(),
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
    lines = [line for line in out.splitlines() if line.startswith(f"{facility}: ")]
    if not lines:
        sys.exit(f"bench: expected a sweep command for {facility}, got: {out!r}")
    # The sweep runs in parts (the inventory's hosts, then the rest of the range): the anchor is
    # one nmap over every part's targets, with the same ports and arguments.
    parts = [shlex.split(line.split(": ", 1)[1]) for line in lines]
    targets = [word for words in parts for word in words[3 : words.index("-p")]]
    first = parts[0]
    sweep = [*first[:3], *targets, *first[first.index("-p") :]]
    intensity = re.search(r"--version-intensity (\d+)", out)
    return [*sweep, "-sV", "--version-intensity", intensity.group(1) if intensity else "2"]


def timed(command: list[str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - started, result.returncode, result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--facility", default="75901")
    parser.add_argument("--scan-all-runs", type=int, default=3, help="timed `scan all` runs of the facility")
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        help="narrow both sides to this address or CIDR (repeatable): a short scan shows the fixed overhead",
    )
    options = parser.parse_args()
    return labhold.run_bench("up", bench, options, "the lab and the SYN scan need root")


def bench(options: argparse.Namespace) -> int:
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    nmap = nmap_command(options.facility, options.target)
    print("plain nmap command:", shlex.join(nmap))
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
    if options.scan_all_runs:
        inventory = REPO / "inventories" / "lab"
        scan_all = [
            HISGUARD, "scan", "all", "-i", str(inventory), *lab_vault.vault_options(),
            "--facility", options.facility,
            "--format", "json", "--no-store",
        ]  # fmt: skip
        times = []
        for index in range(options.scan_all_runs):
            seconds, status, stdout = timed(scan_all)
            if status not in (0, 1):
                print(f"bench: scan all exited {status}", file=sys.stderr)
                return 2
            times.append(seconds)
            doc = json.loads(stdout)
            print(f"scan all run {index + 1}: {seconds:.2f} s, {len(doc['findings'])} findings")
        median = statistics.median(times)
        print(
            f"median scan all of facility {options.facility}: {median:.2f} s  "
            f"(goal < 15 s, ratio {median / 15:.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
