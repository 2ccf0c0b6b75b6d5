"""Where waivers come from: ``hisguard_waivers.yml`` beside each inventory source, and the
inventory variable ``hisguard_waivers``. Both add up.

The file has the shape of an Ansible inventory that only sets a variable::

    all:
      vars:
        hisguard_waivers:
          - check: H02.1              # exact id, or a family (H02 covers H02.1, H02.2...)
            facility: "75901"         # optional: default every facility
            hosts: ["ws-*"]           # optional globs: default every host
            resources: ["sshd:*"]     # optional globs: default every resource
            reason: "..."
            approver: "..."
            ticket: "SD-1234"         # optional
            expires: 2026-12-31       # inclusive

because Ansible reads every YAML file of an inventory directory as inventory: in this shape it
accepts the file (as a variable) instead of warning about it on every playbook run. As an
inventory variable (``group_vars/facility_75901.yml``), an entry without ``facility`` covers the
facility whose variable it is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from hisguard.scanners.findings import Run, ScanError
from hisguard.scanners.inventory import WAIVERS_FILE, Inventory
from hisguard.scanners.safeload import InputError, load_yaml_file
from hisguard.scanners.waivers.apply import apply_waivers, today_in_vietnam
from hisguard.scanners.waivers.model import Waiver, WaiverError, parse_entry

MAX_WAIVERS_BYTES = 1024 * 1024
VARIABLE = "hisguard_waivers"


def waiver_files(inventory_paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The waiver files that exist beside (or, for a directory, inside) the inventory sources."""
    found: list[Path] = []
    for source in inventory_paths:
        path = Path(source).absolute()
        candidate = (path if path.is_dir() else path.parent) / WAIVERS_FILE
        if candidate.is_file() and candidate not in found:
            found.append(candidate)
    return found


def read_waivers(
    inventory_paths: Sequence[str | os.PathLike[str]], inventory: Inventory
) -> tuple[list[Waiver], list[str]]:
    """Every usable waiver, and one line per problem that made a file or an entry unusable."""
    waivers: list[Waiver] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in waiver_files(inventory_paths):
        entries, trouble = _file_entries(path)
        problems += trouble
        for index, raw in enumerate(entries, start=1):
            seen.add(_canonical(raw))
            _add(parse_entry(raw, f"{path}: waiver {index}", None), waivers, problems)
    for code, facility in sorted(inventory.facilities.items()):
        variable = facility.settings.get(VARIABLE)
        where = f"inventory variable {VARIABLE} of facility {code}"
        if variable is None:
            continue
        if not isinstance(variable, list):
            problems.append(f"{where}: must be a list of waivers")
            continue
        for index, raw in enumerate(variable, start=1):
            # An inventory directory's waiver file reaches us twice: read above, and as a variable.
            if _canonical(raw) in seen:
                continue
            _add(parse_entry(raw, f"{where}: waiver {index}", code), waivers, problems)
    return waivers, problems


def load_waivers(inventory_paths: Sequence[str | os.PathLike[str]], inventory: Inventory) -> list[Waiver]:
    """The inventory's waivers; a broken file or entry is a WaiverError (never silently skipped)."""
    waivers, problems = read_waivers(inventory_paths, inventory)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise WaiverError(f"{problems[0]}{more}; see `hisguard waivers check`")
    return waivers


MODE_ENV = "HISGUARD_WAIVERS"  # "strict" (default) or "lenient" (the scheduled scan's unit sets it)


def waive_runs(
    runs: Sequence[Run], inventory_paths: Sequence[str | os.PathLike[str]], inventory: Inventory
) -> list[Run]:
    """The runs with the inventory's waivers applied.

    Strict (default): a broken waiver stops the command (WaiverError, exit 2) so whoever edited
    it sees it at once. Lenient (``HISGUARD_WAIVERS=lenient``, the unattended nightly scan): the
    bad waivers are skipped, each one an error entry in every run, and the scan still runs.
    """
    mode = os.environ.get(MODE_ENV, "strict").strip() or "strict"
    if mode not in ("strict", "lenient"):
        raise WaiverError(f"{MODE_ENV}={mode[:20]!r}: expected strict or lenient")
    problems: list[str] = []
    if mode == "strict":
        waivers = load_waivers(inventory_paths, inventory)
    else:
        waivers, problems = read_waivers(inventory_paths, inventory)
    today = today_in_vietnam()
    waived = []
    for run in runs:
        skipped = tuple(
            ScanError(
                scanner="waivers", target="waivers", message=f"waiver skipped: {p}", facility=run.facility
            )
            for p in problems
        )
        waived.append(replace(apply_waivers(run, waivers, today), errors=run.errors + skipped))
    return waived


def _add(parsed: tuple[Waiver | None, list[str]], waivers: list[Waiver], problems: list[str]) -> None:
    waiver, trouble = parsed
    problems += trouble
    if waiver is not None:
        waivers.append(waiver)


def _file_entries(path: Path) -> tuple[list[Any], list[str]]:
    try:
        # Dates stay text: an impossible one (2025-02-30) is that waiver's problem, not the file's.
        data = load_yaml_file(path, MAX_WAIVERS_BYTES, dates=False)
    except InputError as exc:
        return [], [str(exc)]
    if data is None:
        return [], []
    entries: Any = None
    if isinstance(data, Mapping) and set(data) == {"all"}:
        group = data["all"]
        if isinstance(group, Mapping) and set(group) == {"vars"} and isinstance(group["vars"], Mapping):
            entries = group["vars"].get(VARIABLE)
    if entries is None:
        return [], [f"{path}: expected all.vars.{VARIABLE} (a list of waivers) and nothing else"]
    if not isinstance(entries, list):
        return [], [f"{path}: all.vars.{VARIABLE} must be a list of waivers"]
    return entries, []


def _canonical(raw: Any) -> str:
    return json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
