"""``ansible``: a ready playbook that fixes exactly what the report lists, and nothing more.

One play per action, limited to that action's failing hosts, applying its role with only the
failing control areas switched on: every area of a role has an on/off variable
(``scanners/catalog/roles.yml``), so the areas this report does not ask for are switched off
rather than relying on ``--tags``. The role is also tagged with its areas, so ``--tags`` still
narrows a run further. The header comment gives the equivalent ``playbooks/harden.yml``
commands; manual actions are listed as comments, since no playbook can do them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from hisguard.reports.build import INVENTORY_PLACEHOLDER, limit_hosts
from hisguard.reports.i18n import N_, Translator
from hisguard.reports.model import Action, FacilityReport
from hisguard.reports.naming import facility_stem
from hisguard.scanners.catalog import roles

HEADER = N_("remediation playbook for facility %(facility)s, from the scan of %(when)s (Vietnam time).")


def playbook_name(code: str) -> str:
    return f"remediate-{facility_stem(code)}.yml"  # as reports.formats.Format.file_name names it


def roles_path() -> str:
    """The repository's roles/ when hisguard runs from a checkout, else a placeholder."""
    candidate = Path(__file__).resolve().parents[2] / "roles"
    return str(candidate) if candidate.is_dir() else "<hisguard>/roles"


# Play names are Jinja-templated by Ansible: only catalog roles/tags (checked when the report was
# built) and check ids of this shape ever go into one.
_CHECK_ID = re.compile(r"[A-Z][A-Za-z0-9.]{0,15}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def toggles(role: str, tags: tuple[str, ...]) -> dict[str, bool]:
    """Each control area's variable of ``role``: on for the areas asked for, off for the rest."""
    return {variable: tag in tags for tag, variable in roles().get(role, {}).items()}


def _play(action: Action, tr: Translator) -> dict[str, Any] | None:
    hosts = limit_hosts(action.hosts)
    if action.role is None or not hosts:
        return None
    role: dict[str, Any] = {"role": action.role}
    variables = toggles(action.role, action.tags)
    if variables:
        role["vars"] = variables
    if action.tags:
        role["tags"] = list(action.tags)
    checks = ", ".join(g.check_id for g in action.checks if _CHECK_ID.fullmatch(g.check_id))
    return {
        "name": _one_line(
            tr.gettext("%(role)s (%(tags)s): closes %(count)d findings (%(checks)s)")
            % {
                "role": action.role,
                "tags": ", ".join(action.tags),
                "count": action.finding_count,
                "checks": checks,
            }
        ),
        "hosts": ",".join(hosts),
        "become": True,
        "gather_facts": True,
        "roles": [role],
    }


def facility(report: FacilityReport, lang: str) -> str:
    tr = Translator(lang)
    _ = tr.gettext
    inventory = " ".join(f"-i {path}" for path in report.inventory) or f"-i {INVENTORY_PLACEHOLDER}"
    name = playbook_name(report.facility.code)
    header = [
        "---",
        "# hisguard "
        + _one_line(
            _(HEADER)
            % {
                "facility": " ".join(filter(None, (report.facility.code, report.facility.name))),
                "when": tr.format_datetime(report.scan.finished_at),
            }
        ),
        "# " + _("Run it from the hisguard directory:"),
        _one_line(f"#   ANSIBLE_ROLES_PATH={roles_path()} ansible-playbook {inventory} {name}"),
        "# " + _("It does the same as these commands:"),
    ]
    header += [f"#   {_one_line(action.command)}" for action in report.actions if action.command]
    if report.manual:
        header.append("# " + _("Manual actions, which no playbook can do (see the report):"))
        header += [
            f"#   {group.check_id} ({group.severity.value}): {_one_line(tr.text(group.title))} "
            f"- {len(group.rows)}"
            for group in report.manual.checks
        ]
    plays = [play for action in report.actions if (play := _play(action, tr)) is not None]
    skipped = sorted(
        {h for a in report.actions for h in a.hosts}
        - {h for a in report.actions for h in limit_hosts(a.hosts)}
    )
    if skipped:
        header.append(
            "# "
            + _("Left out, not a plain host name (fix by hand): %(hosts)s")
            % {"hosts": _one_line(repr(skipped))}
        )
    if not plays:
        header.append("# " + _("Nothing to fix automatically: this playbook does nothing."))
        plays = [{"name": _("Nothing to fix"), "hosts": "localhost", "gather_facts": False, "tasks": []}]
    body = yaml.safe_dump(plays, allow_unicode=True, sort_keys=False, width=1000)
    return "\n".join(header) + "\n" + body
