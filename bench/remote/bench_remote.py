#!/usr/bin/env python3
"""The remote credential scan of each lab Linux host's search roots against a bare remote ``grep -r``.

Anchor: ``grep -r -I -i -E -l 'bhxh|bhyt|egw|pass|token'`` run as root over SSH on the same roots
(what an admin would type; it finds candidates and judges nothing). hisguard's side is the
collector sent over the same SSH session (``credentials.remote.collect_remote``: walk, read,
prefilter, send the candidate lines) and the judging of what comes back. Goal: hisguard within 2x
of grep on every host. Both run on one warm session (the first command also pays for sudo and the
channel), alternating, best of ``--rounds``: SSH jitter is tens of ms, as much as a small host's
whole scan.

Needs root for the lab. It takes the lab lock itself (or works under a caller's ``flock
/tmp/hisguard-lab.lock``), boots the default lab if it is down and leaves it as found.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "lab"))

import labhold  # noqa: E402

GOAL = 2.0
GREP_PATTERN = "bhxh|bhyt|egw|pass|token"


def bench_host(host: object, rounds: int) -> tuple[float, float, str]:
    from hisguard.scanners.credentials.local import DEFAULT_ROOTS
    from hisguard.scanners.credentials.remote import collect_remote
    from hisguard.scanners.credentials.rules import default_rules
    from hisguard.scanners.transport import open_transport

    roots = [str(r) for r in (host.var("hisguard_credential_search_roots") or DEFAULT_ROOTS)]  # type: ignore[attr-defined]
    rules = default_rules()
    grep = (
        f"grep -r -I -i -E -l {shlex.quote(GREP_PATTERN)} {' '.join(shlex.quote(r) for r in roots)}"
        " 2>/dev/null | wc -l"
    )
    transport = open_transport(host)  # type: ignore[arg-type]
    ours: list[float] = []
    bare: list[float] = []
    try:
        transport.run("true", sudo=True, timeout=60)
        for _ in range(rounds):
            start = time.perf_counter()
            result = collect_remote(
                transport,
                host.name,
                rules,
                roots,
                max_bytes=64 * 1024 * 1024,
                budget=600,
                sudo=True,  # type: ignore[attr-defined]
            )
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            answer = transport.run(grep, sudo=True, timeout=600)
            bare.append(time.perf_counter() - start)
    finally:
        transport.close()
    secrets = len([o for o in result.observations if o.kind == "secret"])
    detail = (
        f"{result.stats.get('files')} files, {secrets} secrets, {len(result.errors)} errors; "
        f"grep listed {answer.stdout.decode('utf-8', 'replace').strip()} files; "
        f"all runs: hisguard {' '.join(f'{t:.2f}' for t in ours)}, grep {' '.join(f'{t:.2f}' for t in bare)}"
    )
    return min(ours), min(bare), detail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facility", default="75901")
    parser.add_argument("--host", action="append", default=[], help="only this host (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    return labhold.run_bench("up", bench, options, "the lab needs root")


def bench(options: argparse.Namespace) -> int:
    from hisguard.scanners.inventory import load_inventory
    from hisguard.scanners.windows.target import is_windows

    inventory_dir = REPO / "inventories" / "lab"
    inventory = load_inventory([str(inventory_dir)], str(inventory_dir / "vault-password.txt"))
    hosts = [
        h
        for h in inventory.hosts(options.facility, None)
        if not is_windows(h) and (not options.host or h.name in options.host)
    ]
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; grep anchor: {GREP_PATTERN!r}")
    worst = 0.0
    for host in hosts:
        ours, bare, detail = bench_host(host, options.rounds)
        ratio = ours / bare if bare else float("inf")
        worst = max(worst, ratio)
        print(
            f"remote {host.name}: hisguard {ours:.2f} s vs bare grep -r {bare:.2f} s"
            f" -> {ratio:.2f}x  ({detail})"
        )
    print(f"worst ratio hisguard/grep over {len(hosts)} hosts: {worst:.2f}x (goal < {GOAL:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
