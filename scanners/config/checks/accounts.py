"""H06: accounts anyone can use: empty passwords, extra uid 0, passwordless sudo, system accounts
with a shell and a password. Only the password's state (empty/locked/set) is read, never a hash."""

from __future__ import annotations

import os.path

from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import Verdict, check, failed, not_applicable, passed
from hisguard.scanners.config.snapshot import Facts


@check("H06.1", needs=("shadow",), resource="/etc/shadow")
def empty_password(facts: Facts) -> list[Verdict]:
    empty = sorted(name for name, state in facts.shadow().items() if state == "empty")
    if not empty:
        return [passed("/etc/shadow", "no account with an empty password")]
    return [
        failed(
            f"account:{name}",
            f"account {name} has an empty password",
            name,
            vi=f"tài khoản {name} có mật khẩu rỗng",
        )
        for name in empty
    ]


@check("H06.2", needs=("passwd",), resource="/etc/passwd")
def extra_uid0(facts: Facts) -> list[Verdict]:
    extra = [a for a in facts.accounts() if a.uid == 0 and a.name != "root"]
    if not extra:
        return [passed("/etc/passwd", "only root has uid 0")]
    return [
        failed(
            f"account:{a.name}",
            f"account {a.name} has uid 0 (root's powers)",
            a.name,
            vi=f"tài khoản {a.name} có uid 0 (toàn quyền như root)",
        )
        for a in extra
    ]


def _read_by_sudo(path: str) -> bool:
    """sudo skips files in sudoers.d whose names contain a dot or end with '~'."""
    if os.path.dirname(path) != "/etc/sudoers.d":
        return True
    name = os.path.basename(path)
    return "." not in name and not name.endswith("~")


@check("H06.3", needs=("sudoers", "packages"), resource="/etc/sudoers")
def nopasswd_sudo(facts: Facts) -> list[Verdict]:
    if "sudo" not in facts.packages():
        return [not_applicable("/etc/sudoers", "sudo is not installed")]
    outcomes = []
    for path, line, content in parsers.grep_lines(facts.text("sudoers")):
        rule = " ".join(content.split())
        if _read_by_sudo(path):
            outcomes.append(
                failed(
                    path,
                    f"sudo without password: {rule[:120]}",
                    rule,
                    line=line,
                    vi=f"sudo không cần mật khẩu: {rule[:120]}",
                )
            )
    return outcomes or [passed("/etc/sudoers", "every sudo rule asks for a password")]


@check("H06.4", needs=("passwd", "shadow"), resource="/etc/passwd")
def system_accounts_with_login(facts: Facts) -> list[Verdict]:
    shadow = facts.shadow()
    risky = [a for a in facts.accounts() if 0 < a.uid < 1000 and a.can_log_in and shadow.get(a.name) == "set"]
    if not risky:
        return [passed("/etc/passwd", "no system account has both a login shell and a password")]
    return [
        failed(
            f"account:{a.name}",
            f"system account {a.name} (uid {a.uid}) has shell {a.shell} and a password",
            a.name,
            vi=f"tài khoản hệ thống {a.name} (uid {a.uid}) có shell {a.shell} và có mật khẩu",
        )
        for a in risky
    ]
