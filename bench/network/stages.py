"""Where the time of ``scan all`` goes: seconds per scanner and per host (and per nmap process).

Runs the same plan and run steps as ``hisguard scan all`` in this process, with timing wrappers
around the per-host steps of each scanner (the credential collector, the configuration snapshot,
the Windows disk and facts readers, each nmap process), and prints a table. It changes nothing the
scanners do; the figures are wall seconds from the start of the run. A profile, not a bench figure:
``bench_network.py`` times the real CLI.

    .venv/bin/python bench/network/stages.py [--facility 75901]
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


class Timeline:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.spans: list[tuple[str, str, float, float]] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.perf_counter() - self.start

    def add(self, stage: str, what: str, began: float, ended: float) -> None:
        with self._lock:
            self.spans.append((stage, what, began, ended))

    def wrap(self, stage: str, name_of: Callable[..., str], func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = self.now()
            try:
                return func(*args, **kwargs)
            finally:
                self.add(stage, name_of(*args, **kwargs), began, self.now())

        return timed

    def print(self) -> None:
        print(f"{'stage':<22} {'what':<44} {'from':>6} {'to':>6} {'secs':>6}")
        for stage, what, began, ended in sorted(self.spans, key=lambda s: (s[2], s[0])):
            print(f"{stage:<22} {what[:44]:<44} {began:6.2f} {ended:6.2f} {ended - began:6.2f}")


def _host_name(host: Any, *_: Any, **__: Any) -> str:
    return str(getattr(host, "name", host))


def instrument(timeline: Timeline) -> None:
    from hisguard.scanners.config import scanner as config_scanner
    from hisguard.scanners.credentials import remote
    from hisguard.scanners.network import driver
    from hisguard.scanners.windows import scan as windows_scan

    remote.scan_host = timeline.wrap("credentials host", _host_name, remote.scan_host)
    config_scanner.scan_one = timeline.wrap("config host", _host_name, config_scanner.scan_one)
    defaults = windows_scan.run_facility.__kwdefaults__
    assert defaults is not None
    defaults["read_disk"] = timeline.wrap("windows disk", _host_name, defaults["read_disk"])
    defaults["read_facts"] = timeline.wrap("windows facts", _host_name, defaults["read_facts"])

    def job_name(_self: Any, job: Any) -> str:
        rest = " ".join(w for w in job.arguments if w.startswith(("-sV", "-Pn")))
        return f"{job.hosts} -p {job.port_spec} {rest}".strip()

    driver.PythonNmapDriver.run = timeline.wrap("nmap", job_name, driver.PythonNmapDriver.run)  # type: ignore[method-assign]
    driver.PythonNmapDriver.protocol_facts = timeline.wrap(  # type: ignore[method-assign]
        "nmap smb/rdp facts",
        lambda _self, hosts: " ".join(h.address for h in hosts),
        driver.PythonNmapDriver.protocol_facts,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facility", default="75901")
    parser.add_argument("--inventory", default=str(REPO / "inventories" / "lab"))
    options = parser.parse_args()
    timeline = Timeline()
    from hisguard.scanners.interface import CommonOptions
    from hisguard.scanners.inventory import load_inventory
    from hisguard.scanners.scan_all import plan_everything, scan_everything

    instrument(timeline)
    inventory = load_inventory([options.inventory], str(Path(options.inventory) / "vault-password.txt"))
    loaded = timeline.now()
    planned = plan_everything(inventory, options.facility, None, CommonOptions(workers=16, max_nmap=2))
    timeline.add("plan", "inventory + plans", loaded, timeline.now())
    timeline.add("load", "inventory", 0.0, loaded)
    marks: dict[str, float] = {}

    def progress(scanner: str, event: str, detail: str) -> None:
        if event == "start":
            marks[scanner] = timeline.now()
        else:
            timeline.add(f"scanner {scanner}", f"{event}: {detail}", marks.get(scanner, 0.0), timeline.now())

    findings = 0
    for facility, jobs in planned:
        run = scan_everything(facility, jobs, progress)
        findings += len(run.findings)
    total = timeline.now()
    timeline.print()
    print(f"in-process scan all of facility {options.facility}: {total:.2f} s, {findings} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
