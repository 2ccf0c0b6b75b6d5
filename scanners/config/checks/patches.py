"""H12: security updates arrive by themselves, none is waiting, and the OS still gets them."""

from __future__ import annotations

import re
import time
from datetime import date

from hisguard.scanners.config.model import Verdict, check, errored, failed, not_applicable, passed
from hisguard.scanners.config.snapshot import Facts

# End of all security support (Debian LTS, Ubuntu standard support), from the projects' pages.
END_OF_LIFE = {
    ("debian", "9"): date(2022, 6, 30),
    ("debian", "10"): date(2024, 6, 30),
    ("debian", "11"): date(2026, 8, 31),
    ("debian", "12"): date(2028, 6, 30),
    ("debian", "13"): date(2030, 6, 30),
    ("ubuntu", "18.04"): date(2023, 5, 31),
    ("ubuntu", "20.04"): date(2025, 5, 31),
    ("ubuntu", "22.04"): date(2027, 6, 30),
    ("ubuntu", "24.04"): date(2029, 5, 31),
}
APT_LINE = re.compile(r'^(?P<key>\S+?)(?:::)? "(?P<value>.*)";$')
INST_LINE = re.compile(r"^Inst (?P<package>\S+)(?: \[[^\]]*\])? \((?P<version>\S+) (?P<origin>[^)]*)\)")


def _apt_config(facts: Facts) -> tuple[dict[str, str], list[str]]:
    """APT::Periodic values, and the unattended-upgrades origin patterns."""
    values: dict[str, str] = {}
    origins: list[str] = []
    for line in facts.text("apt_config").splitlines():
        match = APT_LINE.match(line.strip())
        if not match:
            continue
        key, value = match.group("key"), match.group("value")
        if key.startswith("Unattended-Upgrade::") and value:
            origins.append(value)
        elif key.startswith("APT::Periodic::"):
            values[key.removeprefix("APT::Periodic::")] = value
    return values, origins


@check("H12.1", needs=("packages", "apt_config", "units"), resource="apt:unattended-upgrades")
def automatic_updates(facts: Facts) -> Verdict:
    resource = "apt:unattended-upgrades"
    if facts.missing("apt_config"):
        return not_applicable(resource, "not an apt-based system")
    if "unattended-upgrades" not in facts.packages():
        return failed(
            resource,
            "unattended-upgrades is not installed",
            "not-installed",
            vi="chưa cài unattended-upgrades",
        )
    periodic, origins = _apt_config(facts)
    problems: list[tuple[str, str]] = []  # (English, Vietnamese)
    for key in ("Update-Package-Lists", "Unattended-Upgrade"):
        if periodic.get(key, "0") in ("0", ""):
            value = periodic.get(key, "unset")
            problems.append((f"APT::Periodic::{key} is {value}", f"APT::Periodic::{key} đang là {value}"))
    if not any("security" in origin.lower() for origin in origins):
        problems.append(
            (
                "no security origin in Unattended-Upgrade::Origins-Pattern",
                "Unattended-Upgrade::Origins-Pattern không có nguồn bản vá bảo mật",
            )
        )
    timer = facts.unit("apt-daily-upgrade.timer").get("UnitFileState", "")
    if timer in ("masked", "disabled"):
        problems.append((f"apt-daily-upgrade.timer is {timer}", f"apt-daily-upgrade.timer đang {timer}"))
    if problems:
        said = "; ".join(en for en, _ in problems)
        return failed(resource, said, said, vi="; ".join(vi for _, vi in problems))
    return passed(resource, "security updates install automatically (unattended-upgrades)", "on")


@check("H12.2", needs=("apt_pending", "apt_lists"), resource="apt:pending-security")
def pending_security(facts: Facts) -> Verdict:
    resource = "apt:pending-security"
    if facts.missing("apt_pending"):
        return not_applicable(resource, "not an apt-based system")
    pending = []
    for line in facts.text("apt_pending").splitlines():
        match = INST_LINE.match(line)
        if match and "security" in match.group("origin").lower():
            pending.append(f"{match.group('package')} {match.group('version')}")
    stamps = [float(line.split()[0]) for line in facts.text("apt_lists").splitlines() if line.strip()]
    age = (
        f"package lists {(time.time() - max(stamps)) / 86400:.0f} days old" if stamps else "no package lists"
    )
    if pending:
        names = ", ".join(p.split()[0] for p in pending[:5]) + (", ..." if len(pending) > 5 else "")
        return failed(
            resource,
            f"{len(pending)} security update(s) pending: {names} ({age})",
            "\n".join(sorted(pending)),
            vi=f"{len(pending)} bản vá bảo mật đang chờ: {names} ({age})",
            count=len(pending),
        )
    if not stamps:
        return errored(
            resource,
            "no apt package lists (apt-get update never ran): pending updates unknown",
            vi="chưa có danh sách gói apt (chưa chạy apt-get update): không biết bản vá nào đang chờ",
        )
    return passed(resource, f"no security update pending ({age})", "none")


@check("H12.3", needs=("os",), resource="os:release")
def end_of_life(facts: Facts) -> Verdict:
    resource = "os:release"
    release = facts.os_release()
    distro, version = release.get("ID", ""), release.get("VERSION_ID", "")
    name = release.get("PRETTY_NAME", f"{distro} {version}")
    end = END_OF_LIFE.get((distro, version))
    if end is None:
        return not_applicable(resource, f"{name}: end of support date not known to hisguard")
    if date.today() > end:
        return failed(
            resource,
            f"{name}: security support ended {end.isoformat()}",
            f"{distro} {version}",
            vi=f"{name}: đã hết hỗ trợ bảo mật từ {end:%d/%m/%Y}",
        )
    return passed(resource, f"{name}: supported until {end.isoformat()}", f"{distro} {version}")
