"""Lockout guard of the ssh_hardening role: would the new sshd_config still admit the controller?"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any


def _user_admitted(user: str, address: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        name, _, host = str(pattern).partition("@")
        if fnmatchcase(user, name) and (not host or fnmatchcase(address, host)):
            return True
    return False


def ssh_lockout_reasons(facts: Mapping[str, Any]) -> list[str]:
    """Why the planned sshd settings would shut the Ansible account out (empty when they would not).

    ``facts`` holds: user, groups (list), address (the controller's address as the host sees it),
    allow_users, allow_groups, permit_root_login, password_authentication, uses_password (the
    inventory gives Ansible a login password), host_keys (paths present), host_key_types.
    """
    reasons: list[str] = []
    user = str(facts.get("user") or "")
    address = str(facts.get("address") or "")
    groups = [str(g) for g in facts.get("groups") or []]
    allow_users = [str(u) for u in facts.get("allow_users") or []]
    allow_groups = [str(g) for g in facts.get("allow_groups") or []]
    if not user:
        reasons.append("cannot tell which account Ansible logs in with")
        return reasons
    if allow_users and not _user_admitted(user, address, allow_users):
        reasons.append(
            f"the Ansible account {user!r} is not in ssh_hardening_allow_users ({', '.join(allow_users)}); "
            "add it there"
        )
    if allow_groups and not any(fnmatchcase(g, p) for g in groups for p in allow_groups):
        reasons.append(
            f"the Ansible account {user!r} is in none of ssh_hardening_allow_groups "
            f"({', '.join(allow_groups)})"
        )
    if user == "root" and str(facts.get("permit_root_login")) == "no":
        reasons.append(
            "Ansible logs in as root and ssh_hardening_permit_root_login is 'no'; use an admin account"
        )
    if facts.get("uses_password") and not facts.get("password_authentication"):
        reasons.append(
            "Ansible logs in with a password (ansible_password / ansible_ssh_pass) and password logins are "
            "being turned off; install a key for the account first"
        )
    present = {str(p).rsplit("/", 1)[-1] for p in facts.get("host_keys") or []}
    wanted = [f"ssh_host_{t}_key" for t in facts.get("host_key_types") or []]
    if not any(key in present for key in wanted):
        reasons.append(f"none of the host keys {', '.join(wanted)} exists in /etc/ssh")
    return reasons


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"hisguard_ssh_lockout_reasons": ssh_lockout_reasons}
