"""Recall and precision by form for the container forms (Office documents, archives, browser stores,
add-ons: corpus_containers.py) on held-out seeds, and the reading speed of the container readers.

    .venv/bin/python bench/credentials/bench_containers.py [--seeds 7001,7002] [--per-form 6] [--misses]

A finding is credited with its (path, line): a member's path is ``outer!inner`` and its line the
row or paragraph; stores and add-ons count as a whole file (line 0). Goal: 0.95 for both.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus_containers import VERSION, add_to  # noqa: E402
from score import by_group, score  # noqa: E402

from hisguard.scanners.credentials.local import scan_local  # noqa: E402
from hisguard.scanners.credentials.rules import default_rules  # noqa: E402

GOAL = 0.95
HELD_OUT = (7001, 7002, 7003)


def corpus(seed: int, per_form: int) -> Path:
    base = Path(f"/tmp/hisguard-bench-containers-{VERSION}-seed{seed}-pf{per_form}")
    if not (base / "done").is_file():
        shutil.rmtree(base, ignore_errors=True)
        (base / "tree").mkdir(parents=True)
        truth, manifest = add_to(base / "tree", seed, per_form)
        (base / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in truth), encoding="utf-8")
        (base / "manifest.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in manifest), encoding="utf-8"
        )
        (base / "done").write_text("1", encoding="utf-8")
    return base


def predictions(root: Path) -> tuple[list[tuple[str, int]], float, int]:
    """What the engine reports: secrets at (path, line), stores and add-ons as whole files."""
    started = time.perf_counter()
    result = scan_local([str(root)], default_rules(), jobs=1)
    seconds = time.perf_counter() - started
    found = [(os.path.relpath(o.path, root), o.line) for o in result.observations if o.kind == "secret"]
    found += [(os.path.relpath(str(s["path"]), root), 0) for s in result.stores]
    return found, seconds, int(result.stats.get("bytes") or 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", default=",".join(str(s) for s in HELD_OUT))
    parser.add_argument("--per-form", type=int, default=6)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    truth_rows: list[dict[str, object]] = []
    predicted: list[tuple[str, int]] = []
    group_of: dict[str, str] = {}
    seconds = 0.0
    size = 0
    for seed in (int(s) for s in args.seeds.split(",")):
        base = corpus(seed, args.per_form)
        prefix = f"{seed}/"
        for raw in (base / "truth.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(raw)
            row["path"] = prefix + row["path"]
            truth_rows.append(row)
        for raw in (base / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(raw)
            group_of[prefix + row["path"]] = row["form"]
        found, took, scanned = predictions(base / "tree")
        seconds += took
        size += scanned
        predicted.extend((prefix + p, line) for p, line in found)
    for path, _ in predicted:  # a member belongs to the form of the file it is in
        group_of.setdefault(path, group_of.get(path.split("!", 1)[0], "unknown"))
    for row in truth_rows:
        group_of.setdefault(str(row["path"]), str(row["form"]))
    truth = {(str(r["path"]), int(str(r["line"]))) for r in truth_rows}
    overall = score(truth, predicted)
    print(f"== container forms: seeds {args.seeds}, {overall.truth} positives ==")
    print(f"{'form':22s} {'truth':>6s} {'found':>6s} {'said':>6s} {'recall':>7s} {'precision':>9s}")
    below = []
    for group in by_group(truth_rows, predicted, group_of):
        recall = "  -  " if group.recall is None else f"{group.recall:.3f}"
        precision = "  -  " if group.precision is None else f"{group.precision:.3f}"
        print(
            f"{group.group:22s} {group.truth:6d} {group.true_positives:6d} {group.predicted:6d}"
            f" {recall:>7s} {precision:>9s}"
        )
        if (group.recall is not None and group.recall < GOAL) or (
            group.precision is not None and group.precision < GOAL
        ):
            below.append(group.group)
    print(
        f"{'overall':22s} {overall.truth:6d} {overall.true_positives:6d} {overall.predicted:6d}"
        f" {overall.recall:7.3f} {overall.precision:9.3f}   (goal {GOAL} both)"
    )
    print("forms below the goal: " + (", ".join(below) if below else "none"))
    print(
        f"engine: {size / 1e6:.1f} MB of container files in {seconds:.2f} s"
        f" (one process, load {os.getloadavg()[0]:.1f})"
    )
    if args.misses:
        whole = {p for p, line in truth if line == 0}
        normal = {(p, 0) if p in whole else (p, line) for p, line in predicted}
        for spot in sorted(truth - normal)[:60]:
            print("  missed", spot)
        for spot in sorted(normal - truth)[:60]:
            print("  false ", spot)


if __name__ == "__main__":
    main()
