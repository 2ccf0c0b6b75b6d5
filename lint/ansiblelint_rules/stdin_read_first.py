"""ansible-lint rule hisguard-stdin-read-first: a task fed on standard input reads all of it first.

Ansible writes a task's ``stdin:`` to the command's standard input. A script that can leave
before reading it (``[ -f "$f" ] || exit 0`` ahead of the read) makes Ansible's write fail with
"[Errno 32] Broken pipe" whenever the script is quicker than the write: a failure that comes and
goes with timing. So every ``shell``/``command`` task with ``stdin:`` must make reading the whole
of standard input its first command (after ``set`` options and comments):

    IFS= read -r -d '' hisguard_stdin || true

and use ``$hisguard_stdin`` from then on. Loaded through ``rulesdir`` in ``.ansible-lint``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ansiblelint.rules import AnsibleLintRule

if TYPE_CHECKING:
    from ansiblelint.file_utils import Lintable
    from ansiblelint.utils import Task

READ_ALL = "IFS= read -r -d '' hisguard_stdin || true"
SHELL_MODULES = {"shell", "command", "ansible.builtin.shell", "ansible.builtin.command"}
_SKIPPED_LINE = re.compile(r"\s*(#.*)?$|\s*set\s+-[A-Za-z]+(\s+\w+)?\s*$")


def _stdin(raw: Mapping[str, Any]) -> Any:
    args = raw.get("args")
    if isinstance(args, Mapping) and "stdin" in args:
        return args["stdin"]
    for module in SHELL_MODULES:
        value = raw.get(module)
        if isinstance(value, Mapping) and "stdin" in value:
            return value["stdin"]
    return None


def _script(raw: Mapping[str, Any]) -> str | None:
    for module in SHELL_MODULES:
        value = raw.get(module)
        if isinstance(value, str):
            return value
        if isinstance(value, Mapping):
            command = value.get("cmd") or value.get("_raw_params")
            return str(command) if command is not None else None
    return None


def first_command(script: str) -> str | None:
    """The script's first line that is neither blank, a comment nor a ``set -...`` line."""
    for line in script.splitlines():
        if not _SKIPPED_LINE.match(line):
            return line.strip()
    return None


def problem(raw: Mapping[str, Any]) -> str | None:
    """Why a raw task breaks the rule, or None."""
    if _stdin(raw) is None:
        return None
    script = _script(raw)
    if script is None:
        return "a task fed on stdin must be a shell or command task whose script reads it first"
    if first_command(script) != READ_ALL:
        return f"its first command must be `{READ_ALL}`"
    return None


class StdinReadFirstRule(AnsibleLintRule):
    """Tasks fed on stdin read all of it before anything that could exit."""

    id = "hisguard-stdin-read-first"
    description = (
        "A shell/command task with stdin: must read its whole standard input as its first command, "
        "else Ansible's write can fail with a broken pipe when the script exits first."
    )
    severity = "HIGH"
    tags: ClassVar[list[str]] = ["reliability", "hisguard"]
    version_changed = "1.0.0"

    def matchtask(self, task: Task, file: Lintable | None = None) -> bool | str:
        raw = task.raw_task
        if not isinstance(raw, Mapping):
            return False
        reason = problem(raw)
        return reason if reason is not None else False
