#!/usr/bin/env python3
"""The whole product at facility scale: boot N light lab hosts, ``scan all`` of them, reports, down.

Prints seconds and memory per stage beside its goal: a facility of 50 hosts scanned (``scan all``)
in under 2 minutes, and a fleet whose memory leaves the machine most of its RAM (goal: under a
quarter of it). Fleet memory is the sum of the hosts' cgroups (``hisguard-lab/<host>``) and the
change of the machine's used memory; hisguard's own peak is the largest child RSS.

Needs root. It takes the lab lock itself (or works under a caller's ``flock
/tmp/hisguard-lab.lock``), takes a running lab down, boots and removes the scale lab, and brings the
lab back as it found it (``bench/lab/labhold.py``), so ``make bench`` runs it beside the network
bench, which needs the lab up.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_BESIDE = Path(sys.executable).parent / "hisguard"
HISGUARD = str(_BESIDE) if _BESIDE.exists() else (shutil.which("hisguard") or "hisguard")
VAULT = REPO / "inventories" / "lab" / "vault-password.txt"
SCAN_GOAL = 120.0  # seconds for `scan all` of a 50-host facility
MIB = 1024 * 1024
sys.path.insert(0, str(REPO / "bench" / "lab"))

import labhold  # noqa: E402


def used_memory() -> int:
    fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    kib = {key: int(value.split()[0]) for key, value in fields.items()}
    return (kib["MemTotal"] - kib["MemAvailable"]) * 1024


def total_memory() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0


def fleet_cgroup_memory() -> dict[str, int]:
    """Bytes charged to each host's memory cgroup (v1 ``memory`` hierarchy, else cgroup2)."""
    for top in (Path("/sys/fs/cgroup/memory/hisguard-lab"), Path("/sys/fs/cgroup/hisguard-lab")):
        if top.is_dir():
            usage = {}
            for group in sorted(p for p in top.iterdir() if p.is_dir()):
                for name in ("memory.usage_in_bytes", "memory.current"):
                    if (group / name).exists():
                        usage[group.name] = int((group / name).read_text())
                        break
            return usage
    return {}


def children_peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def step(label: str, command: list[str], timeout: float) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s (exit {result.returncode})", flush=True)
    return seconds, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds between boot and memory reading")
    options = parser.parse_args()
    return labhold.run_bench("down", bench, options, "the scale lab needs root")


def bench(options: argparse.Namespace) -> int:
    load = os.getloadavg()
    print(f"scale lab: {options.hosts} hosts; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    before = used_memory()
    status = 0
    try:
        boot, result = step("lab up --scale", [HISGUARD, "lab", "up", "--scale", str(options.hosts)], 1800)
        if result.returncode != 0:
            print(result.stderr.strip()[-2000:], file=sys.stderr)
            return 2
        inventory = next(
            line.split(": ", 1)[1]
            for line in result.stdout.splitlines()
            if line.startswith("scale inventory: ")
        )
        print(f"  per host: {boot / options.hosts:.2f} s")
        for line in result.stdout.splitlines():
            if line.startswith(("memory of the booted hosts", "lab up in")):
                print(f"  {line}")
        time.sleep(options.settle)
        groups = fleet_cgroup_memory()
        fleet = sum(groups.values())
        delta = used_memory() - before
        total = total_memory()
        print(
            f"fleet memory: {fleet / MIB:.0f} MiB in the hosts' cgroups ({len(groups)} hosts, "
            f"{fleet / MIB / max(1, len(groups)):.1f} MiB each, "
            f"largest {max(groups.values(), default=0) / MIB:.0f} MiB); "
            f"machine used +{delta / MIB:.0f} MiB"
        )
        print(
            f"  of the machine's {total / MIB / 1024:.1f} GiB: {100 * max(fleet, delta) / total:.1f} % "
            f"(goal < 25 %, ratio {max(fleet, delta) / (total / 4):.3f})"
        )
        with tempfile.TemporaryDirectory(prefix="hisguard-scale-") as tmp:
            store = f"sqlite:///{tmp}/scale.db"
            common = ["-i", inventory, "--vault-password-file", str(VAULT)]
            scan, result = step(
                "scan all",
                [HISGUARD, "scan", "all", *common, "--store", store, "--format", "json"],
                1800,
            )
            if result.returncode not in (0, 1):
                print(result.stderr.strip()[-2000:], file=sys.stderr)
                status = 2
            else:
                doc = json.loads(result.stdout)
                runs = doc.get("runs", [doc])
                findings = sum(len(r["findings"]) for r in runs)
                errors = sum(len(r["errors"]) for r in runs)
                hosts = {h for r in runs for h in r["run"]["hosts"]}
                by_scanner: dict[str, int] = {}
                for r in runs:
                    for f in r["findings"]:
                        by_scanner[f["scanner"]] = by_scanner.get(f["scanner"], 0) + 1
                print(f"  {len(hosts)} hosts answered, {findings} findings {by_scanner}, {errors} errors")
                print(
                    f"  scan all of {options.hosts} hosts: {scan:.1f} s "
                    f"(goal < {SCAN_GOAL:.0f} s, ratio {scan / SCAN_GOAL:.3f})"
                )
            print(
                f"  hisguard peak RSS so far: {children_peak_rss() / MIB:.0f} MiB; "
                f"machine used +{(used_memory() - before) / MIB:.0f} MiB"
            )
            out = Path(tmp) / "reports"
            _, result = step(
                "reports (html, json, csv; vi)",
                [
                    HISGUARD,
                    "report",
                    "--store",
                    store,
                    *common,
                    "--all",
                    "--format",
                    "html,json,csv",
                    "--out",
                    str(out),
                ],
                600,
            )
            if result.returncode != 0:
                print(result.stderr.strip()[-2000:], file=sys.stderr)
                status = 2
            else:
                written = sorted(p.name for p in out.rglob("*") if p.is_file())
                print(f"  {len(written)} files written")
    finally:
        _, result = step("lab down", [HISGUARD, "lab", "down"], 600)
        if result.returncode != 0:
            print(result.stdout.strip() + result.stderr.strip(), file=sys.stderr)
            status = 2
    print(f"hisguard peak RSS (any stage): {children_peak_rss() / MIB:.0f} MiB")
    return status


if __name__ == "__main__":
    sys.exit(main())
