"""Scan a host over SSH without copying its file system.

The collector (:mod:`scanners.credentials.collect`, standard library only) is sent on the SSH
session's stdin to ``python3 -I -B -S -``: nothing is written on the host (no file, no .pyc), the
walk is bounded (one file system per root, no /proc, /sys, /dev, a file size limit and a time
budget), and only candidate lines and file facts come back as JSON lines, to be judged here with
the same engine as a local scan.
"""

from __future__ import annotations

import base64
import json
import shlex
import zlib
from collections.abc import Sequence
from importlib import resources
from typing import Any

from hisguard.scanners.credentials import collect, live_db, readers
from hisguard.scanners.credentials.judge import Judge
from hisguard.scanners.credentials.local import absorb, collector_settings
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.transport import Transport, open_transport

MARGIN = 60.0


def helper_source() -> bytes:
    collector = resources.files("hisguard.scanners.credentials").joinpath("collect.py").read_bytes()
    return readers.bundle(collector, "collect.py")  # the container readers travel with it


def helper_command(settings: dict[str, Any]) -> str:
    blob = base64.b64encode(zlib.compress(json.dumps(settings).encode("utf-8"))).decode("ascii")
    # -S: no site-packages (the helper needs the standard library only), which saves the
    # interpreter the .pth files and site customisations of the host at every start.
    return "exec python3 -I -B -S - " + shlex.quote(blob)


def collect_remote(
    transport: Transport,
    host: str,
    rules: RuleSet,
    roots: Sequence[str],
    *,
    max_bytes: int,
    budget: float,
    sudo: bool,
    judge: Judge | None = None,
) -> HostResult:
    """Run the collector on the host and judge what comes back; errors go into the result."""
    judge = judge or Judge(rules)
    settings = collector_settings(rules, roots, max_bytes=max_bytes, budget=budget, xdev=True)
    result = HostResult(host=host)
    answer = transport.run(
        helper_command(settings), sudo=sudo, timeout=budget + MARGIN, stdin=helper_source()
    )
    if answer.exit_status == 127:
        raise TransportError(f"{host}: python3 is not installed on the host")
    got_stats = False
    for raw in answer.stdout.splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict):
            got_stats = got_stats or record.get("t") == "stats"
            absorb(result, record, judge)
    if answer.exit_status != 0 or not got_stats:
        reason = answer.stderr.decode("utf-8", "replace").strip().splitlines()
        tail = reason[-1][:200] if reason else f"exit status {answer.exit_status}"
        result.errors.append(f"collector stopped early: {tail}")
    if result.stats.get("budget_hit"):
        result.errors.append(f"time budget of {budget:g} s used up: the results are partial")
    return result


def scan_host(
    host: HostTarget,
    rules: RuleSet,
    roots: Sequence[str],
    *,
    max_bytes: int,
    budget: float,
    sudo: bool,
    trust_on_first_use: bool = False,
) -> HostResult:
    transport = open_transport(host, trust_on_first_use=trust_on_first_use)
    try:
        result = collect_remote(
            transport, host.name, rules, roots, max_bytes=max_bytes, budget=budget, sudo=sudo
        )
        live_db.check(transport, host, rules, result)  # the HIS database, when the host declares one
        return result
    finally:
        transport.close()


__all__ = ["collect", "collect_remote", "helper_command", "helper_source", "scan_host"]
