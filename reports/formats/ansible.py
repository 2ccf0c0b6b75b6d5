"""``ansible``: a ready playbook that fixes exactly what the report lists, and nothing more.

One play per action, limited to that action's failing hosts, applying its role with only the
failing control areas switched on: every area of a role has an on/off variable
(``scanners/catalog/roles.yml``), so the areas this report does not ask for are switched off
rather than relying on ``--tags``. The role is also tagged with its areas, so ``--tags`` still
narrows a run further.

The plays follow ``playbooks/harden.yml``: the same order (the firewall last, so that a ruleset
that shuts the controller out rolls itself back after everything else is done) and the same
hosts (a role runs only on the function groups harden.yml gives it, checked on each host at run
time). The header says how to run it: a dry run with ``--check --diff`` first, the vault
password, and the equivalent harden.yml commands; manual actions are listed as comments.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from hisguard.reports.build import INVENTORY_PLACEHOLDER, limit_hosts
from hisguard.reports.harden_plays import HARDEN_GROUPS, HARDEN_ORDER, groups_for
from hisguard.reports.i18n import N_, Translator
from hisguard.reports.model import Action, FacilityReport
from hisguard.reports.naming import facility_stem
from hisguard.scanners.catalog import roles

HEADER = N_("remediation playbook for facility %(facility)s, from the scan of %(when)s (Vietnam time).")

MANAGED = HARDEN_GROUPS

# Play names are Jinja-templated by Ansible: only catalog roles/tags (checked when the report was
# built) and check ids of this shape ever go into one.
_CHECK_ID = re.compile(r"[A-Z][A-Za-z0-9.]{0,15}")


def playbook_name(code: str) -> str:
    return f"remediate-{facility_stem(code)}.yml"  # as reports.formats.Format.file_name names it


def _one_line(text: str) -> str:
    return " ".join(text.split())


def toggles(role: str, tags: tuple[str, ...]) -> dict[str, bool]:
    """Each control area's variable of ``role``: on for the areas asked for, off for the rest."""
    return {variable: tag in tags for tag, variable in roles().get(role, {}).items()}


def _order(action: Action) -> int:
    names = [role for role, _ in HARDEN_ORDER]
    return names.index(action.role) if action.role in names else len(names)


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
    # The condition holds catalog group names only (never document text).
    role["when"] = f"group_names | intersect({list(groups_for(action.role, action.tags))}) | length > 0"
    checks = ", ".join(g.check_id for g in action.checks if _CHECK_ID.fullmatch(g.check_id))
    return {
        "name": _one_line(
            tr.gettext("%(role)s (%(tags)s): fixes %(fixed)d, mitigates %(mitigated)d findings (%(checks)s)")
            % {
                "role": action.role,
                "tags": ", ".join(action.tags),
                "fixed": action.fixed_count,
                "mitigated": action.mitigated_count,
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
    run = f"ansible-playbook {inventory} --vault-password-file <vault-password-file> {name}"
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
        "# "
        + _(
            "Run it from the hisguard directory (its ansible.cfg finds roles/), with this file "
            "copied there or its path given. First a dry run that changes nothing:"
        ),
        _one_line(f"#   {run} --check --diff"),
        "# " + _("then, once the differences are what you expect:"),
        _one_line(f"#   {run}"),
        "# "
        + _(
            "The vault password file opens the inventory's vault values (or use --ask-vault-pass); "
            "never put the password itself on the command line."
        ),
        "# " + _("It does the same as these commands:"),
    ]
    ordered = sorted(report.actions, key=_order)
    header += [f"#   {_one_line(action.command)}" for action in ordered if action.command]
    if report.manual:
        header.append("# " + _("Manual actions, which no playbook can do (see the report):"))
        header += [
            f"#   {group.check_id} ({tr.severity(group.severity)}): {_one_line(tr.text(group.title))} "
            f"- {len(group.rows)}"
            for group in report.manual.checks
        ]
    plays = [play for action in ordered if (play := _play(action, tr)) is not None]
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
