"""Pathological file shapes: MB/s of the end-to-end CLI, per shape (goal: none below 20 MB/s).

    .venv/bin/python bench/credentials/bench_shapes.py [--mb 24] [--shapes a,b] [--jobs N]
        [--baseline DIR]

Each shape (see shapes.py: minified one-line bundles, one-line JSON, a million-line log of query
strings and other services' tokens, SQL dumps with multi-MB extended INSERT lines, base64 and hex
blobs, UTF-16 logs, long lines of near-miss key names, binaries) is written once under /tmp as a
tree of a few files of about ``--mb`` MB in all, and ``hisguard scan credentials --path TREE
--no-store --format json`` is timed on it as a child process: wall and CPU seconds, peak memory and
the number of findings (the shapes hold no portal credential: anything found is a false positive).
ripgrep with the hand-written pattern set of bench_credentials.py runs on the same tree in the same
run, as the anchor. ``--baseline DIR`` also times another checkout of hisguard (a worktree of an
older commit) on the same trees, side by side. The CLI's start-up (an empty tree) is printed too:
it is part of every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import shapes  # noqa: E402
from bench_credentials import PATTERNS  # noqa: E402

GOAL_MBPS = 20.0
# Files per shape: single-line shapes come as several files of a few MB (one bundle per screen).
FILES = {
    "bundle-js-1line": 4,
    "bundle-app-only": 4,
    "json-1line": 4,
    "near-miss-keys": 2,
    "sql-extended-insert": 1,
    "base64-blob": 2,
    "hex-blob": 2,
    "utf16-log": 2,
    "binary": 2,
    "log-1M-lines": 1,
}
# The million-line log is that size whatever --mb says (1M lines of ~110 bytes).
FIXED_MB = {"log-1M-lines": 110.0}


def shape_tree(name: str, total_mb: float) -> Path:
    mb = FIXED_MB.get(name, total_mb)
    count = FILES.get(name, 1)
    root = Path(f"/tmp/hisguard-bench-shapes-v{shapes.SHAPES_VERSION}/{name}-{mb:g}mb")
    if (root / "done").is_file():
        return root / "tree"
    shutil.rmtree(root, ignore_errors=True)
    for i in range(count):
        path = shapes.write_shape(root / "tree" / f"part{i}", name, mb / count, seed=11 + i)
        assert path.is_file()
    (root / "done").write_text("ok\n")
    return root / "tree"


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def run_cli(checkout: Path, tree: Path, jobs: int | None) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak MB, findings) of one CLI run of the checkout on ``tree``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(checkout) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "hisguard", "scan", "credentials", "--path", str(tree), "--no-store"]
    cmd += ["--format", "json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env, check=False, cwd=str(checkout))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"hisguard failed on {tree}: {done.stderr.decode(errors='replace')[-300:]}")
    findings = len(json.loads(done.stdout).get("findings", []))
    # ru_maxrss of children is the largest of any child so far: measured per run in a fresh
    # process below instead.
    return wall, cpu, 0.0, findings


def peak_mb(checkout: Path, tree: Path, jobs: int | None) -> float:
    """Peak memory (the largest resident set of the CLI and its workers), in a process of its own."""
    code = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = str(checkout) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-c", code, sys.executable, "-m", "hisguard", "scan", "credentials"]
    cmd += ["--path", str(tree), "--no-store", "--format", "json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    out = subprocess.run(cmd, capture_output=True, env=env, check=False, cwd=str(checkout))
    return int(out.stdout.decode().strip() or 0) / 1024


def ripgrep(tree: Path) -> float | None:
    rg = shutil.which("rg")
    if not rg:
        return None
    pattern = "|".join(f"({p})" for p in PATTERNS)
    start = time.perf_counter()
    subprocess.run(
        [rg, "-n", "-i", "--no-heading", "--hidden", "--no-ignore", "-e", pattern, str(tree)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=24.0, help="size of each shape's tree (MB)")
    parser.add_argument("--shapes", help="comma-separated shape names (default: all)")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--baseline", type=Path, help="another checkout to time side by side")
    args = parser.parse_args()
    names = args.shapes.split(",") if args.shapes else [s[0] for s in shapes.SHAPES]
    ours = HERE.parents[1]
    checkouts = [("hisguard", ours)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    empty = Path("/tmp/hisguard-bench-shapes-empty")
    empty.mkdir(exist_ok=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
    for label, checkout in checkouts:
        wall, cpu, _, _ = run_cli(checkout, empty, args.jobs)
        print(f"{label}: CLI start-up on an empty tree {wall:.2f} s wall, {cpu:.2f} s CPU")
    slowest = None
    for name in names:
        tree = shape_tree(name, args.mb)
        size = tree_bytes(tree)
        subprocess.run(
            ["cat", *map(str, tree.rglob("*"))], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        rg = ripgrep(tree)
        rg_text = f"ripgrep {size / 1e6 / rg:7.1f} MB/s" if rg else "ripgrep not installed"
        for label, checkout in checkouts:
            wall, cpu, _, findings = run_cli(checkout, tree, args.jobs)
            peak = peak_mb(checkout, tree, args.jobs)
            mbps = size / 1e6 / wall
            if label == "hisguard" and (slowest is None or mbps < slowest[1]):
                slowest = (name, mbps)
            mark = "ok " if mbps >= GOAL_MBPS else "LOW"
            ratio = f"  1/{rg and wall / rg:.0f} of ripgrep" if rg else ""
            print(
                f"{mark} {name:20s} {label:8s} {size / 1e6:6.1f} MB  {mbps:7.1f} MB/s  {wall:6.2f} s wall"
                f"  {cpu:6.2f} s CPU  peak {peak:5.0f} MB  findings {findings}{ratio}  ({rg_text})"
            )
    if slowest:
        print(
            f"slowest shape: {slowest[0]} at {slowest[1]:.1f} MB/s"
            f" (goal >= {GOAL_MBPS:g} MB/s for every shape)"
        )


if __name__ == "__main__":
    main()
