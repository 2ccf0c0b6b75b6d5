"""Bench: the first harden.yml run on freshly booted hosts succeeds, five times in a row.

    flock /tmp/hisguard-lab.lock .venv/bin/python bench/harden/bench_fresh_boots.py [--rounds 5] [--scan]

Each round gives the Linux hosts of facility 75901 a fresh root and boots them again
(``hisguard lab reset``: stop, wipe, plant the weaknesses again, boot), then runs harden.yml as a
user would (``--limit facility_75901``) and again for idempotence. A first run that fails (the
broken-pipe race of credential_store on a host's first run was one way) fails the bench. With
``--scan`` the last round ends with ``hisguard scan config`` on the hardened hosts and counts the
high or critical failures left. Needs the lab up (``hisguard lab up``); it never starts or stops
it, and resets the hosts at the end so other tests find the planted weaknesses.

No anchor: before this bench one first run in a few failed on his-app-01 (issue #17).
Goals: every first run succeeds, first run < 60 s, re-run changed=0 in < 20 s,
0 high or critical configuration failures after one run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.harden.bench_harden import lynis_index  # noqa: E402
from hisguard.lab import runner  # noqa: E402
from hisguard.lab import vault as lab_vault  # noqa: E402
from hisguard.lab.profile import load_fleet  # noqa: E402
from tests.roles.ansible_run import HARDEN, INVENTORY, run_playbook  # noqa: E402

HOSTS = ("his-app-01", "his-db-01", "ws-01", "ws-02")
LIMIT = "facility_75901"
GOAL = {"first_run_s": 60.0, "rerun_s": 20.0}


def _changed(run: object, hosts: list[str]) -> int:
    recap = getattr(run, "recap", {})
    return sum(recap.get(host, {}).get("changed", 0) for host in hosts)


def _failed_hosts(run: object, hosts: list[str]) -> list[str]:
    recap = getattr(run, "recap", {})
    return [h for h in hosts if recap.get(h, {}).get("failed", 1) or recap.get(h, {}).get("unreachable", 1)]


def scan_config(workdir: Path, hosts: list[str]) -> tuple[int, list[str]]:
    """The exit status of `hisguard scan config` on the hosts, and its high or critical failures."""
    done = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "hisguard"),
            "scan",
            "config",
            "-i",
            str(INVENTORY),
            *lab_vault.vault_options(),
            "--facility",
            "75901",
            "--limit",
            ",".join(hosts),
            "--format",
            "json",
            "--no-store",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    (workdir / "scan-config.json").write_text(done.stdout)
    if not done.stdout.strip():
        raise SystemExit(f"hisguard scan config printed nothing (status {done.returncode})")
    document = json.loads(done.stdout)
    severe = [
        f"{f['host']} {f['check_id']} ({f['severity']})"
        for f in document["findings"]
        if f["status"] in ("fail", "error") and f["severity"] in ("high", "critical")
    ]
    errors = [f"{e.get('host')}: error" for e in document.get("errors", [])]
    return done.returncode, sorted(severe) + errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="fresh boots in a row (default 5)")
    parser.add_argument("--scan", action="store_true", help="scan config after the last round")
    parser.add_argument("--lynis", metavar="HOST", help="read HOST's Lynis index after the last round")
    parser.add_argument(
        "--hosts",
        default=",".join(HOSTS),
        help="facility 75901 hosts to reset and harden (default all four; his-app-01 is where the race was)",
    )
    parser.add_argument("--workdir", default="/tmp/hisguard-bench-fresh-boots", help="logs and outputs")
    args = parser.parse_args()

    status = runner.status()
    booted = {h["name"] for h in status["hosts"] if h["booted"]}
    hosts = [h for h in args.hosts.split(",") if h]
    unknown = sorted(set(hosts) - set(HOSTS))
    if unknown:
        parser.error(f"--hosts: not a Linux host of facility 75901: {', '.join(unknown)}")
    if status["status"] != "up" or not set(hosts) <= booted:
        print(
            f"bench_fresh_boots: SKIPPED, the lab is not up with {', '.join(hosts)} (run `hisguard lab up`)"
        )
        return 0
    limit = LIMIT if set(hosts) == set(HOSTS) else ",".join(hosts)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    rows = []
    problems: list[str] = []
    severe: list[str] | None = None
    lynis: tuple[int, float, list[str]] | None = None
    try:
        for number in range(1, args.rounds + 1):
            start = time.monotonic()
            runner.reset_hosts(hosts)
            boot_s = time.monotonic() - start
            first = run_playbook(HARDEN, workdir, limit=limit)
            (workdir / f"round{number}-first.out").write_text(first.output)
            rerun = run_playbook(HARDEN, workdir, limit=limit)
            (workdir / f"round{number}-rerun.out").write_text(rerun.output)
            rows.append((number, boot_s, first, rerun))
            if first.returncode != 0:
                problems.append(
                    f"round {number}: first run failed on {', '.join(_failed_hosts(first, hosts)) or '?'}"
                )
                print(first.tail(30))
            if rerun.returncode != 0 or _changed(rerun, hosts) != 0:
                problems.append(
                    f"round {number}: re-run rc={rerun.returncode} changed={_changed(rerun, hosts)}"
                )
            print(
                f"round {number}: boot {boot_s:.0f} s, first run {first.seconds:.1f} s rc={first.returncode}"
                f" changed={_changed(first, hosts)}, re-run {rerun.seconds:.1f} s"
                f" changed={_changed(rerun, hosts)}",
                flush=True,
            )
        if args.scan:
            _, severe = scan_config(workdir, hosts)
            print(f"scan config: {len(severe)} high or critical failure(s)", flush=True)
        if args.lynis:
            lynis = lynis_index(load_fleet().host(args.lynis).address, workdir / "lynis-after.txt")
            print(f"Lynis on {args.lynis} after harden.yml: {lynis[0]} ({lynis[1]:.0f} s)", flush=True)
    finally:
        runner.reset_hosts(hosts)

    print(f"bench_fresh_boots: harden.yml --limit {limit} on {', '.join(hosts)}, {len(rows)} fresh boots")
    print(
        f"{'round':>5} {'boot s':>7} {'first run s':>12} {'rc':>3} {'changed':>8}"
        f" {'re-run s':>9} {'changed':>8}"
    )
    for number, boot_s, first, rerun in rows:
        print(
            f"{number:>5} {boot_s:>7.0f} {first.seconds:>12.1f} {first.returncode:>3}"
            f" {_changed(first, hosts):>8}"
            f" {rerun.seconds:>9.1f} {_changed(rerun, hosts):>8}"
        )
    print(
        f"goals: every first run rc=0; first run < {GOAL['first_run_s']:.0f} s; "
        f"re-run changed=0 in < {GOAL['rerun_s']:.0f} s"
    )
    slow = [
        n
        for n, _, first, rerun in rows
        if first.seconds >= GOAL["first_run_s"] or rerun.seconds >= GOAL["rerun_s"]
    ]
    if severe is not None:
        print(
            f"scan config after one run: {len(severe)} high or critical failure(s):"
            f" {', '.join(severe) or 'none'}"
        )
    if lynis is not None:
        print(
            f"Lynis hardening index on {args.lynis} after harden.yml: {lynis[0]}"
            f" (fresh 60-62, dev-sec anchor 72, goal >= 80);"
            f" suggestions left ({len(lynis[2])}): {', '.join(lynis[2])}"
        )
    met = not problems and not slow and not severe
    print(
        "goals: "
        + ("met" if met else "NOT met")
        + (f" ({'; '.join(problems)})" if problems else "")
        + (f" (slow rounds: {slow})" if slow else "")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
