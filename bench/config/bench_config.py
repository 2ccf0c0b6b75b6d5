"""Timing of the configuration scanner on the fleet lab, beside its goals and beside Lynis.

Prints: the per-host wall time of the whole catalog (connect + one batched read + judging),
fleet throughput with N parallel sessions (the lab hosts reused to reach N), and Lynis
``--quick`` on the same host. Goals: under 1.5 s per host, at least 200 host-scans per minute
on this 2-core machine, 20x faster than Lynis.

Run it with the lab up and its lock held (read-only on the hosts, apart from Lynis' own log):

    flock /tmp/hisguard-lab.lock .venv/bin/python bench/config/bench_config.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from hisguard.lab import vault as lab_vault  # noqa: E402
from hisguard.scanners.config.catalog import catalog  # noqa: E402
from hisguard.scanners.config.engine import applicable, evaluate, needed_sections  # noqa: E402
from hisguard.scanners.config.scanner import ConfigOptions, scan_fleet  # noqa: E402
from hisguard.scanners.config.snapshot import Facts, collect  # noqa: E402
from hisguard.scanners.errors import HisguardError  # noqa: E402
from hisguard.scanners.inventory import HostTarget, load_inventory  # noqa: E402
from hisguard.scanners.transport import open_transport  # noqa: E402

INVENTORY = REPO / "inventories" / "lab"
GOAL_PER_HOST = 1.5  # seconds
GOAL_THROUGHPUT = 200.0  # host-scans per minute
GOAL_SPEEDUP = 20.0  # times faster than Lynis --quick


@dataclass
class HostTiming:
    connect: list[float]
    collect: list[float]
    judge: list[float]
    total: list[float]


def lab_targets(names: list[str] | None) -> list[HostTarget]:
    from hisguard.lab import runner

    status = runner.status()
    up = {h["name"] for h in status["hosts"] if h["booted"] and h["running"] and h["ssh"]}
    inventory = load_inventory([str(INVENTORY)], str(INVENTORY / "vault-password.txt"), lab_vault.vault_ids())
    chosen = [t for t in inventory.hosts() if t.name in up and (not names or t.name in names)]
    if not chosen:
        sys.exit("bench_config: no lab host is up (hisguard lab up)")
    return chosen


def time_host(target: HostTarget, runs: int) -> HostTiming:
    """Whole-catalog scans of one host, one after another, each on a fresh connection."""
    checks = applicable(catalog(), target, ignore_groups=False)
    timing = HostTiming([], [], [], [])
    for _ in range(runs):
        start = time.perf_counter()
        transport = open_transport(target)
        connected = time.perf_counter()
        try:
            sections = collect(transport, target, needed_sections(checks))
            collected = time.perf_counter()
            evaluate(checks, Facts(target, sections))
        finally:
            transport.close()
        done = time.perf_counter()
        timing.connect.append(connected - start)
        timing.collect.append(collected - connected)
        timing.judge.append(done - collected)
        timing.total.append(done - start)
    return timing


def throughput(targets: list[HostTarget], sessions: int, scans: int) -> tuple[float, int, float]:
    """(host-scans per minute, failed scans, wall seconds) of ``scans`` scans on ``sessions`` workers."""
    batch = list(islice(cycle(targets), scans))
    start = time.perf_counter()
    runs = scan_fleet(batch, catalog(), ConfigOptions(workers=sessions))
    wall = time.perf_counter() - start
    failed = sum(len([e for e in r.errors if "could not run" not in e.message]) for r in runs)
    return (scans - failed) / wall * 60.0, failed, wall


def lynis(target: HostTarget, timeout: float) -> float | None:
    transport = open_transport(target)
    try:
        start = time.perf_counter()
        result = transport.run("lynis audit system --quick --no-colors", sudo=True, timeout=timeout)
        elapsed = time.perf_counter() - start
    finally:
        transport.close()
    if result.exit_status == 127:
        print(f"  lynis is not installed on {target.name}")
        return None
    return elapsed


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="scans per host for the per-host time")
    parser.add_argument("--sessions", type=int, nargs="+", default=[16, 50], help="parallel sessions")
    parser.add_argument("--scans", type=int, default=100, help="host-scans per throughput measurement")
    parser.add_argument("--host", action="append", help="only these lab hosts (repeatable)")
    parser.add_argument("--lynis-host", default="ws-02")
    parser.add_argument("--skip-lynis", action="store_true")
    args = parser.parse_args()

    targets = lab_targets(args.host)
    print(f"catalog: {len(catalog())} checks; lab hosts: {', '.join(t.name for t in targets)}")
    scan_fleet(targets, catalog())  # warm-up: imports, host-side caches

    print(f"\nper-host wall time of the whole catalog ({args.runs} sequential scans each, fresh connection)")
    print(f"  {'host':12s} {'median':>8s} {'max':>8s}   connect  collect   judge")
    medians = []
    for target in targets:
        try:
            t = time_host(target, args.runs)
        except HisguardError as exc:
            print(f"  {target.name:12s} error: {exc}")
            continue
        median = statistics.median(t.total)
        medians.append(median)
        print(
            f"  {target.name:12s} {median:7.3f}s {max(t.total):7.3f}s   "
            f"{statistics.median(t.connect):6.3f}s  {statistics.median(t.collect):6.3f}s  "
            f"{statistics.median(t.judge):6.3f}s"
        )
    worst = max(medians) if medians else float("nan")

    print(f"\nfleet throughput ({args.scans} host-scans over {len(targets)} lab hosts)")
    best_rate = 0.0
    for sessions in args.sessions:
        rate, failed, wall = throughput(targets, sessions, args.scans)
        best_rate = max(best_rate, rate)
        print(
            f"  {sessions:3d} parallel sessions: {rate:7.1f} host-scans/min  ({wall:.2f} s, {failed} failed)"
        )

    lynis_time = None
    if not args.skip_lynis:
        lynis_target = next((t for t in targets if t.name == args.lynis_host), targets[0])
        print(f"\nLynis --quick on {lynis_target.name} (once)")
        lynis_time = lynis(lynis_target, timeout=900)
        if lynis_time is not None:
            print(f"  {lynis_time:.1f} s")

    print("\nfigure                          measured          goal")
    print(
        f"  per-host catalog (worst median) {worst:8.3f} s      < {GOAL_PER_HOST} s      "
        f"{verdict(worst < GOAL_PER_HOST)}"
    )
    print(
        f"  fleet throughput (best)         {best_rate:8.1f} /min   >= {GOAL_THROUGHPUT:.0f} /min  "
        f"{verdict(best_rate >= GOAL_THROUGHPUT)}"
    )
    if lynis_time is not None and medians:
        speedup = lynis_time / worst
        print(
            f"  vs Lynis --quick                {speedup:8.1f} x       >= {GOAL_SPEEDUP:.0f} x        "
            f"{verdict(speedup >= GOAL_SPEEDUP)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
