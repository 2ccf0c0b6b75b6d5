"""Role documentation kept honest: README tables generated from meta/argument_specs.yml, the
control areas of scanners/catalog/roles.yml, and (from the check-id registry) the checks each
area fixes.

    python lint/role_docs.py            # rewrite the generated part of each role's README.md
    python lint/role_docs.py --check    # fail (exit 1) if a README is stale or a role disagrees
                                        # with its argument_specs or with scanners/catalog/roles.yml

Only READMEs holding the markers below are touched. ``--check`` also verifies, for every role
listed in roles.yml that has an argument_specs file: each variable of defaults/main.yml is
documented in argument_specs with the same default (unless the documented default is a
parenthesised summary), each on/off variable of roles.yml is a bool defaulted in defaults/main.yml,
and each tag of roles.yml is used in tasks/main.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from hisguard.scanners.catalog import ids, roles

REPO = Path(__file__).resolve().parent.parent
ROLES = REPO / "roles"
BEGIN = "<!-- BEGIN GENERATED FROM meta/argument_specs.yml: python lint/role_docs.py -->"
END = "<!-- END GENERATED -->"
# Variables a role documents but does not define: they come from the inventory.
INVENTORY_PREFIXES = ("hisguard_", "facility_")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _cell(text: Any) -> str:
    if isinstance(text, list):
        text = " ".join(str(t) for t in text)
    return " ".join(str(text).split()).replace("|", "\\|")


def _default(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, str) and value.startswith("("):
        return value
    if isinstance(value, str) and "\n" in value:
        return "(multi-line text, see defaults/main.yml)"
    rendered = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    rendered = rendered.removesuffix("...").strip()
    return f"`{rendered}`".replace("|", "\\|")


def render(role: str, specs: dict[str, Any], tags: dict[str, str]) -> str:
    main = specs["argument_specs"]["main"]
    lines = [
        BEGIN,
        "",
        "### Control areas",
        "",
        "| tag | on/off variable | fixes | mitigates (a person finishes the job) |",
        "|---|---|---|---|",
    ]
    for tag, toggle in tags.items():
        # The check-id registry says which catalog entries name this role and tag, and whether
        # running it fixes them or only mitigates them (each entry's effect).
        fixes = ", ".join(ids.closed_by(role, tag, "fixes")) or "-"
        mitigates = ", ".join(ids.closed_by(role, tag, "mitigates")) or "-"
        lines.append(f"| `{tag}` | `{toggle}` | {fixes} | {mitigates} |")
    lines += ["", "### Variables", "", "| variable | type | default | description |", "|---|---|---|---|"]
    for name, option in main["options"].items():
        kind = option.get("type", "str")
        if option.get("elements"):
            kind = f"{kind} of {option['elements']}"
        required = " (required)" if option.get("required") else ""
        default = _default(option.get("default"))
        lines.append(f"| `{name}`{required} | {kind} | {default} | {_cell(option.get('description', ''))} |")
        for sub, suboption in (option.get("options") or {}).items():
            lines.append(
                f"| `{name}[].{sub}` | {suboption.get('type', 'str')} | {_default(suboption.get('default'))} "
                f"| {_cell(suboption.get('description', ''))} |"
            )
    lines += ["", END]
    return "\n".join(lines)


def problems(role: str, tags: dict[str, str]) -> list[str]:
    base = ROLES / role
    found: list[str] = []
    specs = _load(base / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]
    defaults = _load(base / "defaults" / "main.yml") or {}
    for name, value in defaults.items():
        if name not in specs:
            found.append(f"{role}: {name} (defaults/main.yml) is not in meta/argument_specs.yml")
            continue
        documented = specs[name].get("default")
        if isinstance(documented, str) and documented.startswith("("):
            continue
        if documented != value:
            found.append(f"{role}: {name} default {value!r} but argument_specs says {documented!r}")
    for name in specs:
        if name not in defaults and not name.startswith(INVENTORY_PREFIXES):
            found.append(f"{role}: {name} is documented but has no default in defaults/main.yml")
    main_tasks = (base / "tasks" / "main.yml").read_text(encoding="utf-8")
    for tag, toggle in tags.items():
        if not isinstance(defaults.get(toggle), bool):
            found.append(f"{role}: on/off variable {toggle} (roles.yml) is not a bool in defaults/main.yml")
        if tag not in main_tasks:
            found.append(f"{role}: tag {tag} (roles.yml) is not used in tasks/main.yml")
    return found


def main(argv: list[str]) -> int:
    check = "--check" in argv
    failures: list[str] = []
    for role, areas in roles().items():
        tags = dict(areas)
        base = ROLES / role
        spec_file = base / "meta" / "argument_specs.yml"
        readme = base / "README.md"
        if not spec_file.is_file() or not readme.is_file():
            continue
        text = readme.read_text(encoding="utf-8")
        if BEGIN not in text or END not in text:
            continue
        if check:
            failures += problems(role, tags)
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        updated = head + render(role, _load(spec_file), tags) + tail
        if updated != text:
            if check:
                failures.append(f"{role}: README.md is stale (run python lint/role_docs.py)")
            else:
                readme.write_text(updated, encoding="utf-8")
                print(f"wrote {readme.relative_to(REPO)}")
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
