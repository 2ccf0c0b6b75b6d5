"""Bench: storing findings, and reading a facility's history and report back (issue 15).

Figures, each beside its anchor (main before batching) and its goal:
- 100,000 findings (one run) stored in SQLite, and in PostgreSQL when its server binaries are
  installed (a throw-away server on loopback, as the tests start it): anchor ~140 s, goal < 5 s;
- ``hisguard history`` and ``hisguard report --format json`` of a facility with 100 runs of
  1,000 findings each, end to end (a fresh process each), goal < 2 s; then again after 400
  older runs were added: the goal is the same time, whatever the number of older runs.

Each figure is printed as wall seconds, the CPU seconds of the process doing the work (for
PostgreSQL also of the server backend serving it) and the load average when it was taken: the
machine is shared, and under load wall time says more about the neighbours than about the code.

    .venv/bin/python bench/store/bench_store.py [--findings 100000] [--runs 100] [--older 400]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from synthetic import run  # noqa: E402

from hisguard.scanners.store import Store  # noqa: E402

STORE_ANCHOR_S = 140.0  # issue 15: one upsert per tracked row
STORE_GOAL_S = 5.0
READ_GOAL_S = 2.0
FACILITY = "75901"

INVENTORY = """\
all:
  children:
    facility_75901:
      hosts:
        his-app-00: {ansible_host: 198.18.0.10}
"""
FACILITY_VARS = """\
facility_name: "Bệnh viện Đa khoa Lab Đồng Nai"
facility_province: "Đồng Nai"
facility_networks: ["198.18.0.0/24"]
"""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def line(what: str, seconds: float, anchor: str, goal: float, cpu: str = "") -> None:
    """One figure: wall seconds, CPU seconds, its anchor and goal, and the load when it was taken."""
    verdict = "meets" if seconds < goal else "MISSES"
    print(
        f"{what:<52} {seconds:7.2f} s wall{cpu:<32} anchor {anchor:<9} goal < {goal:.0f} s ({verdict}), "
        f"{load()} on {os.cpu_count()} cores",
        flush=True,
    )


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a local process (the PostgreSQL backend serving us)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_store(url: str, findings: int, label: str) -> None:
    one = run(FACILITY, 0, findings)
    store = Store(url)
    backend = None
    if store.engine.dialect.name == "postgresql":
        # The server's share of the work runs in its backend process, beside ours (same host).
        with store.engine.connect() as conn:
            backend = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    server_before = _process_cpu(backend) if backend else 0.0
    started, cpu = time.perf_counter(), time.process_time()
    store.save_run(one)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    server = _process_cpu(backend) - server_before if backend else None
    store.close()
    used = f" ({cpu:.2f} s CPU" + (f" + {server:.2f} s server)" if server is not None else ")")
    line(f"store {findings:,} findings ({label})", elapsed, f"~{STORE_ANCHOR_S:.0f} s", STORE_GOAL_S, used)
    print(f"{'':<58} ratio to the anchor: 1/{STORE_ANCHOR_S / max(elapsed, 1e-9):.0f}")


def fill(url: str, first_day: int, runs: int, per_run: int) -> None:
    store = Store(url)
    store.save_runs(run(FACILITY, day, per_run, fixed_every=7) for day in range(first_day, first_day + runs))
    store.close()


def cli_seconds(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``hisguard`` process."""
    started = time.perf_counter()
    before = os.times()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "hisguard"), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"hisguard {args[0]} failed: {done.stderr.strip()[-300:]}")
    return elapsed, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def time_reads(work: Path, url: str, label: str) -> None:
    inv = work / "inv"
    env = {**os.environ, "HISGUARD_HOME": str(work / "home")}
    base = ["-i", str(inv), "--facility", FACILITY, "--store", url]
    seconds, cpu = cli_seconds(["history", *base, "--format", "json"], env)
    line(f"hisguard history ({label})", seconds, "all runs", READ_GOAL_S, f" ({cpu:.2f} s CPU)")
    out = work / f"report-{label.split()[0]}"
    seconds, cpu = cli_seconds(["report", *base, "--format", "json", "--out", str(out)], env)
    line(f"hisguard report --format json ({label})", seconds, "all runs", READ_GOAL_S, f" ({cpu:.2f} s CPU)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--per-run", type=int, default=1000)
    parser.add_argument("--older", type=int, default=400)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores")
    print("(wall time on a shared machine is roughly CPU time x load / cores: read both, and the load)")
    with tempfile.TemporaryDirectory(prefix="hisguard-bench-store-") as tmp:
        work = Path(tmp)
        os.environ["HISGUARD_HOME"] = str(work / "home")
        time_store(f"sqlite:///{work / 'write.db'}", args.findings, "SQLite")
        if not args.no_postgres:
            from tests import postgres_fixture

            reason = postgres_fixture.available()
            if reason:
                print(f"store {args.findings:,} findings (PostgreSQL): skipped, {reason}")
            else:
                with postgres_fixture.running_server() as server:
                    server.psql("CREATE DATABASE bench")
                    time_store(server.url("bench"), args.findings, "PostgreSQL")

        (work / "inv" / "group_vars").mkdir(parents=True)
        (work / "inv" / "hosts.yml").write_text(INVENTORY, encoding="utf-8")
        (work / "inv" / "group_vars" / f"facility_{FACILITY}.yml").write_text(FACILITY_VARS, encoding="utf-8")
        url = f"sqlite:///{work / 'history.db'}"
        started = time.perf_counter()
        fill(url, args.older, args.runs, args.per_run)
        print(
            f"(stored {args.runs} runs x {args.per_run:,} findings in {time.perf_counter() - started:.1f} s)"
        )
        time_reads(work, url, f"{args.runs} runs")
        started = time.perf_counter()
        fill(url, 0, args.older, args.per_run)
        print(f"(stored {args.older} older runs in {time.perf_counter() - started:.1f} s)")
        time_reads(work, url, f"{args.runs + args.older} runs, {args.older} older")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
