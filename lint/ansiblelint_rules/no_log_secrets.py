"""ansible-lint rule hisguard-no-log-secrets: a task that touches a secret hides it.

A task (or handler) that reads the BHXH portal accounts (``hisguard_portal_accounts``, the
``credential_store_accounts`` derived from them, an account's ``password`` field), a login or
sudo password variable, a ``vault_*`` variable, or passes a ``*password*`` module argument must
say ``no_log: true`` and ``diff: false``: otherwise the value can end up in Ansible's output, in
``--diff`` output, in callback logs or in CI artefacts. Loaded through ``rulesdir`` in
``.ansible-lint``.

Only testing whether a login/sudo password variable is defined (``ansible_password is defined``)
does not count as touching it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ansiblelint.rules import AnsibleLintRule

if TYPE_CHECKING:
    from ansiblelint.file_utils import Lintable
    from ansiblelint.utils import Task

# Variables whose value is a secret (or holds secrets).
SECRET_VARIABLES = re.compile(
    r"\b(hisguard_portal_accounts|credential_store_accounts|vault_\w+"
    r"|ansible_(?:ssh_|become_)?pass(?:word)?)\b"
)
# A password field of an account or item: item.password, account['password'], ...
PASSWORD_FIELD = re.compile(r"""\.password\b|\[\s*['"]password['"]\s*\]""")
# "x is defined" / "x is not defined" only asks whether a variable exists.
DEFINEDNESS_TEST = re.compile(r"\b[\w.]+\s+is\s+(?:not\s+)?(?:defined|undefined)\b")
# Task keywords that are not where a value is used. A block's own tasks are linted one by one,
# so the block itself is not judged by what its tasks touch.
IGNORED_KEYS = {
    "name",
    "tags",
    "no_log",
    "diff",
    "notify",
    "listen",
    "register",
    "changed_when",
    "block",
    "rescue",
    "always",
}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def touches_secret(task: Mapping[str, Any]) -> str | None:
    """The reason a raw task counts as touching a secret, or None."""
    for key, value in task.items():
        if str(key) in IGNORED_KEYS or str(key).startswith("__"):
            continue
        if isinstance(value, Mapping) and any("password" in str(arg).lower() for arg in value):
            return f"module argument {next(a for a in value if 'password' in str(a).lower())!r}"
        for text in _strings(value):
            text = DEFINEDNESS_TEST.sub("", text)
            match = SECRET_VARIABLES.search(text) or PASSWORD_FIELD.search(text)
            if match:
                return f"uses {match.group(0)!r}"
    return None


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"true", "yes"})


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in {"false", "no"})


class NoLogSecretsRule(AnsibleLintRule):
    """Tasks that touch a secret must set no_log: true and diff: false."""

    id = "hisguard-no-log-secrets"
    description = (
        "A task that reads hisguard_portal_accounts, credential_store_accounts, a password field, "
        "a login/sudo password or a vault_* variable, or passes a password argument, must set "
        "no_log: true and diff: false so the secret never reaches Ansible's output or logs."
    )
    severity = "VERY_HIGH"
    tags: ClassVar[list[str]] = ["security", "hisguard"]
    version_changed = "1.0.0"

    def matchtask(self, task: Task, file: Lintable | None = None) -> bool | str:
        raw = task.raw_task
        if not isinstance(raw, Mapping):
            return False
        reason = touches_secret(raw)
        if reason is None:
            return False
        missing = []
        if not _is_true(raw.get("no_log")):
            missing.append("no_log: true")
        if not _is_false(raw.get("diff")):
            missing.append("diff: false")
        if not missing:
            return False
        return f"task {reason} but lacks {' and '.join(missing)}"
