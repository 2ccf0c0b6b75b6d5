"""Bench: 100 facilities x 50 hosts x 20 findings (100,000 findings) into HTML reports + the roll-up.

Goal (issue 8): under 10 s wall time and under 1 GiB peak memory on the project's 2-core machine.
The timed part is what ``hisguard report --all --format html`` does once the scans are read:
diff, score, trend, grouping, rendering and writing every facility's HTML, then the roll-up.
Generating the synthetic scans is timed apart; ``--store`` also times reading them back from a
SQLite store. Peak memory is the whole process's (ru_maxrss), generated data included.

    .venv/bin/python bench/reports/bench_reports.py [--facilities 100 --hosts 50 --findings 20 --scans 3]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the synthetic scans are the tests' sample (tests/reports/sample.py)

from hisguard.reports.build import build_facility_report  # noqa: E402
from hisguard.reports.cli import write_report  # noqa: E402
from hisguard.reports.formats import FORMATS  # noqa: E402
from hisguard.reports.naming import ROLLUP_STEM, facility_stem  # noqa: E402
from hisguard.reports.rollup import build_rollup, rollup_row  # noqa: E402
from hisguard.reports.scans import FacilityHistory  # noqa: E402
from hisguard.reports.sources import DocumentSource, Source, StoreSource  # noqa: E402
from hisguard.reports.templating import html_environment  # noqa: E402
from tests.reports import sample  # noqa: E402

GOAL_SECONDS = 10.0
GOAL_BYTES = 1 << 30


def peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def render_all(source: Source, codes: list[str], out: Path, lang: str) -> int:
    """What `hisguard report --all --format html` does after reading; returns findings listed."""
    html = FORMATS["html"]
    rows = []
    listed = 0
    infos = {info.code: info for info in sample.facilities(len(codes))}
    for code in codes:
        history: FacilityHistory | None = source.history(code)
        assert history is not None
        report = build_facility_report(history, infos[code])
        listed += report.open_total + len(report.waived) + len(report.check_errors)
        write_report(out / html.file_name(facility_stem(code)), html.facility(report, lang))
        rows.append(rollup_row(report))
    write_report(out / html.file_name(ROLLUP_STEM), html.rollup(build_rollup(rows), lang))
    return listed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--facilities", type=int, default=100)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--findings", type=int, default=20, help="failing or waived findings per host")
    parser.add_argument("--scans", type=int, default=3, help="scans per facility (history for diff/trend)")
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--store", action="store_true", help="also time reading the scans from SQLite")
    args = parser.parse_args()

    started = time.perf_counter()
    infos = sample.facilities(args.facilities)
    runs = [
        run
        for info in infos
        for run in sample.facility_runs(
            info,
            hosts=args.hosts,
            findings_per_host=args.findings,
            scans=args.scans,
            passed_per_host=0,
            unreachable=0,  # every host answers, so every one of the findings is in the report
        )
    ]
    latest = {run.facility: run for run in runs}  # runs come oldest first per facility
    in_current = sum(len(run.findings) for run in latest.values())
    generated = time.perf_counter() - started
    print(
        f"generated {len(infos)} facilities x {args.hosts} hosts, {args.scans} scans each: "
        f"{in_current:,} findings in the current scans, {sum(len(r.findings) for r in runs):,} in all "
        f"({generated:.1f} s, not timed)"
    )

    html_environment(args.lang).get_template("facility.html.j2")  # compile once, as the CLI does
    html_environment(args.lang).get_template("rollup.html.j2")
    codes = [info.code for info in infos]
    with tempfile.TemporaryDirectory(prefix="hisguard-bench-") as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        listed = render_all(DocumentSource(runs), codes, out, args.lang)
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.iterdir())
        files = len(list(out.iterdir()))
        peak = peak_bytes()
        print(
            f"rendered {files} HTML files ({size / 2**20:.0f} MiB, {listed:,} findings listed) "
            f"in {wall:.2f} s (goal < {GOAL_SECONDS:.0f} s); peak memory {peak / 2**20:.0f} MiB "
            f"(goal < {GOAL_BYTES / 2**30:.0f} GiB)"
        )
        ok = wall < GOAL_SECONDS and peak < GOAL_BYTES

        if args.store:
            from hisguard.scanners.store import Store

            store = Store(f"sqlite:///{out / 'bench.db'}")
            started = time.perf_counter()
            for run in runs:
                store.save_run(run)
            saved = time.perf_counter() - started
            del runs, latest
            started = time.perf_counter()
            render_all(StoreSource(store), codes, out, args.lang)
            from_store = time.perf_counter() - started
            store.close()
            print(
                f"from the SQLite store ({saved:.1f} s to fill, not timed): read + rendered in "
                f"{from_store:.2f} s; peak memory {peak_bytes() / 2**20:.0f} MiB"
            )
    print("PASS" if ok else "FAIL", "(render goal)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
