"""Bench: playbooks/harden.yml on one freshly reset lab host, beside dev-sec's anchor.

    flock /tmp/hisguard-lab.lock .venv/bin/python bench/harden/bench_harden.py [--host his-app-01] [--keep]

Resets the host (a fresh root from the lab image), reads its Lynis hardening index
(``lynis audit system --quick`` over SSH), times harden.yml (first run, which also installs the
pending security update: patch_now is on by default) and its idempotent re-run, reads the Lynis
index again, and resets the host afterwards (unless --keep) so other tests find the planted
weaknesses. Each figure is printed as soon as it is known; Lynis's suggestions (test id and text)
are written to the work directory. Needs the lab up (``hisguard lab up``); it never starts or stops it.

Anchor, measured on the same kind of nspawn host with dev-sec's os_hardening + ssh_hardening:
Lynis 60 -> 72, 60 s first run, 57 s re-run. Goals: Lynis >= 80, first run < 60 s, re-run < 20 s.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from hisguard.lab import runner  # noqa: E402
from hisguard.lab.profile import load_fleet  # noqa: E402
from hisguard.lab.ssh import Session  # noqa: E402
from tests.roles.ansible_run import HARDEN, run_playbook  # noqa: E402

ANCHOR = {"lynis_before": 60, "lynis_after": 72, "first_run_s": 60.0, "rerun_s": 57.0}
GOAL = {"lynis_after": 80, "first_run_s": 60.0, "rerun_s": 20.0}
INDEX = re.compile(r"^hardening_index=(\d+)$", re.MULTILINE)


def lynis_index(address: str, save: Path) -> tuple[int, float, list[str]]:
    """The host's Lynis hardening index, the seconds Lynis took, and its suggestions' test ids
    (their lines, test id and text, are written to ``save``)."""
    start = time.monotonic()
    with Session(address) as session:
        result = session.run(
            "lynis audit system --quick --no-colors --nolog --noplugins >/dev/null 2>&1; "
            "grep -h '^hardening_index=\\|^suggestion\\[\\]=' /var/log/lynis-report.dat 2>/dev/null",
            sudo=True,
            timeout=900,
        )
    match = INDEX.search(result.stdout)
    if not match:
        raise SystemExit(f"no hardening index in Lynis's report on {address} (status {result.status})")
    lines = [line.split("=", 1)[1] for line in result.stdout.splitlines() if line.startswith("suggestion[]=")]
    save.write_text("\n".join(lines) + "\n")
    return int(match.group(1)), time.monotonic() - start, sorted({line.split("|")[0] for line in lines})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="his-app-01", help="lab host to harden (default his-app-01)")
    parser.add_argument("--keep", action="store_true", help="do not reset the host at the end")
    parser.add_argument("--workdir", default="/tmp/hisguard-bench-harden", help="logs and extra vars")
    args = parser.parse_args()

    status = runner.status()
    booted = {h["name"] for h in status["hosts"] if h["booted"]}
    if status["status"] != "up" or args.host not in booted:
        print(f"bench_harden: SKIPPED, the lab is not up with {args.host} (run `hisguard lab up`)")
        return 0
    address = load_fleet().host(args.host).address
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    runner.reset_hosts([args.host])
    try:
        before, lynis_seconds, _ = lynis_index(address, workdir / "lynis-before.txt")
        print(f"Lynis on the fresh host: {before} ({lynis_seconds:.0f} s)", flush=True)
        first = run_playbook(HARDEN, workdir, limit=args.host)
        (workdir / "first.out").write_text(first.output)
        print(f"harden.yml first run: {first.seconds:.1f} s rc={first.returncode}", flush=True)
        if first.returncode != 0:
            print(first.tail(40))
            raise SystemExit(f"harden.yml failed on {args.host}")
        rerun = run_playbook(HARDEN, workdir, limit=args.host)
        (workdir / "rerun.out").write_text(rerun.output)
        print(
            f"harden.yml re-run: {rerun.seconds:.1f} s changed={rerun.count(args.host, 'changed')}",
            flush=True,
        )
        after, _, suggestions = lynis_index(address, workdir / "lynis-after.txt")
    finally:
        if not args.keep:
            runner.reset_hosts([args.host])

    rows = [
        ("Lynis hardening index, fresh host", f"{before}", f"{ANCHOR['lynis_before']}", "-"),
        (
            "Lynis hardening index, after harden.yml",
            f"{after}",
            f"{ANCHOR['lynis_after']}",
            f">= {GOAL['lynis_after']}",
        ),
        (
            "harden.yml first run (s)",
            f"{first.seconds:.1f}",
            f"{ANCHOR['first_run_s']:.0f}",
            f"< {GOAL['first_run_s']:.0f}",
        ),
        (
            "harden.yml idempotent re-run (s)",
            f"{rerun.seconds:.1f}",
            f"{ANCHOR['rerun_s']:.0f}",
            f"< {GOAL['rerun_s']:.0f}",
        ),
        ("re-run changed tasks", f"{rerun.count(args.host, 'changed')}", "-", "0"),
    ]
    print(f"bench_harden on {args.host} ({address}); Lynis --quick took {lynis_seconds:.0f} s")
    print(f"{'figure':<42} {'hisguard':>10} {'dev-sec anchor':>15} {'goal':>8}")
    for name, ours, anchor, goal in rows:
        print(f"{name:<42} {ours:>10} {anchor:>15} {goal:>8}")
    print(f"tasks: first run ok={first.count(args.host, 'ok')} changed={first.count(args.host, 'changed')}")
    print(f"Lynis suggestions left after harden.yml ({len(suggestions)}): {', '.join(suggestions)}")
    print(f"(test ids and texts in {workdir}/lynis-after.txt)")
    met = (
        after >= GOAL["lynis_after"]
        and first.seconds < GOAL["first_run_s"]
        and rerun.seconds < GOAL["rerun_s"]
        and rerun.count(args.host, "changed") == 0
    )
    print("goals: " + ("met" if met else "NOT met"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
