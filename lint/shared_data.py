"""The roles say what the checks say: role defaults verified against scanners/catalog/shared.yml.

    python lint/shared_data.py        # exit 1, one line per disagreement, when a role differs

Checked: role workstation's remote-access programs and packages are exactly the tools of
shared.yml (and its argument_specs default says so); every ``{{ hisguard_X | default(N) }}``
in a role meets the policy default the checks use for hisguard_X; the network scanner's curated
ports include a port of every remote-access tool that listens on one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from hisguard.scanners.catalog.shared import policies, remote_access, remote_access_tools
from hisguard.scanners.network.ports import default_ports

REPO = Path(__file__).resolve().parent.parent
ROLE_LISTS = {
    "workstation_remote_access_programs": "programs",
    "workstation_remote_access_packages": "packages",
}
FALLBACK = re.compile(r"\b(hisguard_[a-z_]+)\s*\|\s*default\(\s*(\d+)\s*\)")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _differences(what: str, found: Iterable[str], wanted: Sequence[str]) -> list[str]:
    have, want = set(found), set(wanted)
    problems = []
    if want - have:
        problems.append(f"{what} lacks {', '.join(sorted(want - have))} (in scanners/catalog/shared.yml)")
    if have - want:
        problems.append(
            f"{what} has {', '.join(sorted(have - want))}, which scanners/catalog/shared.yml lacks"
        )
    return problems


def remote_access_problems(roles: Path) -> list[str]:
    role = roles / "workstation"
    defaults = _load(role / "defaults" / "main.yml")
    specs = _load(role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]
    problems = []
    for variable, field in ROLE_LISTS.items():
        wanted = remote_access(field)
        problems += _differences(
            f"workstation defaults/main.yml {variable}", defaults.get(variable) or [], wanted
        )
        summary = str(specs.get(variable, {}).get("default", ""))
        if "scanners/catalog/shared.yml" not in summary:
            problems.append(
                f"workstation argument_specs {variable}: the default should name scanners/catalog/shared.yml"
            )
    return problems


def fallback_problems(roles: Path) -> list[str]:
    known = policies()
    problems = []
    for path in sorted([*roles.rglob("*.yml"), *roles.rglob("*.j2")]):
        text = path.read_text(encoding="utf-8")
        for match in FALLBACK.finditer(text):
            name, value = match.group(1), int(match.group(2))
            policy = known.get(name)
            if policy is not None and not policy.met_by(value):
                line = text.count("\n", 0, match.start()) + 1
                wants = "at least" if policy.kind == "at_least" else "at most"
                problems.append(
                    f"{path.relative_to(roles.parent)}:{line}: {name} | default({value}), but the checks "
                    f"want {wants} {policy.value} (scanners/catalog/shared.yml policy_defaults)"
                )
    return problems


def port_problems() -> list[str]:
    curated = set(default_ports())
    return [
        f"scanners/network/ports.yml probes no port of {tool.name} ({tool.ports[0]}...), "
        "which scanners/catalog/shared.yml lists"
        for tool in remote_access_tools()
        if tool.ports and not curated & set(tool.ports)
    ]


def problems(repo: Path = REPO) -> list[str]:
    roles = repo / "roles"
    return [*remote_access_problems(roles), *fallback_problems(roles), *port_problems()]


def main() -> int:
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
