"""H13: the portal-credential store of the ``credential_store`` role: owner and mode.

One file per BHXH portal account in a root-owned directory (default
``/etc/hisguard/portal-credentials``, or ``hisguard_credential_store_dir``): the directory
0750 root:<service group>, files 0640 or 0440 (or stricter). Only names, modes and owners are
read; never a file's content.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import Verdict, check, failed, not_applicable, passed
from hisguard.scanners.config.snapshot import Facts, credstore_dir
from hisguard.scanners.inventory import HostTarget

DIR_FORBIDDEN = 0o7027  # group write, any "other" bit, setuid/setgid/sticky
FILE_FORBIDDEN = 0o7137  # any execute, group write, any "other" bit, special bits
ABSENT = 3  # exit status of the credstore section when the directory does not exist


def store_expected(target: HostTarget) -> bool:
    """True when the inventory allows a portal account on this host (so a store belongs here)."""
    accounts = target.var("hisguard_portal_accounts") or []
    for account in accounts if isinstance(accounts, list) else []:
        allowed = account.get("allowed_hosts") if isinstance(account, Mapping) else None
        if isinstance(allowed, list) and target.name in [str(h) for h in allowed]:
            return True
    return False


def _listing(facts: Facts) -> list[parsers.StatEntry] | None:
    section = facts.section("credstore")
    if section.exit_status == ABSENT:
        return None
    return parsers.stat_entries(facts.text("credstore"))


def _group_ok(facts: Facts, group: str) -> bool:
    wanted: Any = facts.target.var("hisguard_credential_store_group")
    return not wanted or group == str(wanted)


# The problems above, as a Vietnamese report says them.
_PROBLEMS_VI = {
    "owner must be root": "chủ sở hữu phải là root",
    "mode must be 0750 or stricter": "quyền phải là 0750 hoặc chặt hơn",
    "mode must be 0640, 0440 or stricter": "quyền phải là 0640, 0440 hoặc chặt hơn",
}


def _in_vietnamese(problems: list[str]) -> str:
    said = []
    for problem in problems:
        group = problem.removeprefix("group must be ")
        said.append(_PROBLEMS_VI.get(problem) or (f"nhóm phải là {group}" if group != problem else problem))
    return "; ".join(said)


@check("H13.1", needs=("credstore",), resource="credential-store")
def store_directory(facts: Facts) -> Verdict:
    directory = credstore_dir(facts.target)
    listing = _listing(facts)
    if listing is None:
        if store_expected(facts.target):
            return failed(
                directory,
                f"{directory} is missing but a portal account is allowed on this host",
                "missing",
                vi=f"thiếu {directory} dù máy này được phép giữ tài khoản cổng giám định BHYT",
            )
        return not_applicable(directory, f"no portal account allowed here and {directory} absent")
    top = next((e for e in listing if e.path.rstrip("/") == directory), None)
    if top is None or top.file_type != "d":
        return failed(
            directory,
            f"{directory} is not a directory",
            "not-a-directory",
            vi=f"{directory} không phải thư mục",
        )
    evidence = f"{top.owner}:{top.group} {top.mode:04o}"
    problems = []
    if top.owner != "root":
        problems.append("owner must be root")
    if top.mode & DIR_FORBIDDEN:
        problems.append("mode must be 0750 or stricter")
    if not _group_ok(facts, top.group):
        problems.append(f"group must be {facts.target.var('hisguard_credential_store_group')}")
    if problems:
        return failed(
            directory,
            f"{evidence} ({'; '.join(problems)})",
            evidence,
            mode=f"{top.mode:04o}",
            vi=f"{evidence} ({_in_vietnamese(problems)})",
        )
    return passed(directory, evidence, evidence)


@check("H13.2", needs=("credstore",), resource="credential-store")
def store_files(facts: Facts) -> list[Verdict]:
    directory = credstore_dir(facts.target)
    listing = _listing(facts)
    if listing is None:
        return [not_applicable(directory, f"{directory} absent")]
    outcomes = []
    entries = [e for e in listing if e.path.rstrip("/") != directory]
    for entry in entries:
        evidence = f"{entry.owner}:{entry.group} {entry.mode:04o}"
        if entry.file_type != "f":
            outcomes.append(
                failed(
                    entry.path,
                    f"not a regular file (type {entry.file_type})",
                    entry.file_type,
                    vi=f"không phải tệp thường (loại {entry.file_type})",
                )
            )
            continue
        problems = []
        if entry.owner != "root":
            problems.append("owner must be root")
        if entry.mode & FILE_FORBIDDEN:
            problems.append("mode must be 0640, 0440 or stricter")
        if not _group_ok(facts, entry.group):
            problems.append(f"group must be {facts.target.var('hisguard_credential_store_group')}")
        if problems:
            outcomes.append(
                failed(
                    entry.path,
                    f"{evidence} ({'; '.join(problems)})",
                    evidence,
                    mode=f"{entry.mode:04o}",
                    vi=f"{evidence} ({_in_vietnamese(problems)})",
                )
            )
    if outcomes:
        return outcomes
    return [
        passed(
            directory,
            f"{len(entries)} credential file(s), all root-owned 0640 or stricter",
            str(len(entries)),
        )
    ]
