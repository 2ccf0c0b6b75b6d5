"""Which hosts playbooks/harden.yml reaches, and with which role: the table a report's commands,
its manual steps and the generated remediation playbook all follow.

tests/reports/test_ansible.py reads harden.yml and holds HARDEN_ORDER to it.
"""

from __future__ import annotations

from collections.abc import Iterable

# harden.yml plays on these function groups, never on a Windows host.
HARDEN_GROUPS = ("his_servers", "db_servers", "workstations", "scan_hosts")
NOT_HARDENED = "windows"
# harden.yml, in its order: each role and the function groups it runs on there.
HARDEN_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("patch_baseline", HARDEN_GROUPS),
    ("accounts", HARDEN_GROUPS),
    ("audit_logging", HARDEN_GROUPS),
    ("ssh_hardening", HARDEN_GROUPS),
    ("credential_store", ("his_servers",)),
    ("database", ("db_servers",)),
    ("workstation", ("workstations",)),
    ("firewall", HARDEN_GROUPS),
)
# harden.yml also runs these areas of the workstation role on every other managed host.
WORKSTATION_AREAS_EVERYWHERE = frozenset({"remote_access", "usb_storage"})


def harden_manages(groups: Iterable[str]) -> bool:
    """True when some play of harden.yml runs on a host of these groups."""
    names = set(groups)
    return NOT_HARDENED not in names and bool(names & set(HARDEN_GROUPS))


def groups_for(role: str, tags: tuple[str, ...]) -> tuple[str, ...]:
    """The function groups harden.yml applies ``role`` (with these areas) to."""
    if role == "workstation" and tags and set(tags) <= WORKSTATION_AREAS_EVERYWHERE:
        return HARDEN_GROUPS
    return dict(HARDEN_ORDER).get(role, HARDEN_GROUPS)


def reaches(role: str, tags: tuple[str, ...], groups: Iterable[str]) -> bool:
    """True when harden.yml runs ``role`` (these areas) on a host of these groups."""
    names = set(groups)
    return harden_manages(names) and bool(names & set(groups_for(role, tags)))
