"""H08: who changed accounts and portal credentials must be on record, for at least 6 months.

auditd cannot run inside a container (no audit netlink socket): there the running-service
check is not applicable, while the rules files are still judged.
"""

from __future__ import annotations

from hisguard.scanners.catalog.shared import policy_default
from hisguard.scanners.config import parsers
from hisguard.scanners.config.checks.credstore import store_expected
from hisguard.scanners.config.model import Verdict, check, failed, not_applicable, passed
from hisguard.scanners.config.snapshot import Facts, credstore_dir

IDENTITY_FILES = ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow")
DEFAULT_RETENTION_DAYS = policy_default("hisguard_log_retention_days")  # QD-326: six months


def watched_paths(text: str) -> list[tuple[str, bool, str]]:
    """(path, recursive, permissions) watched by each audit rule (``-w`` or ``-F path=/dir=``)."""
    watches: list[tuple[str, bool, str]] = []
    for _, _, content in parsers.grep_lines(text):
        tokens = content.split()
        perms = "rwxa"
        targets: list[tuple[str, bool]] = []
        for index, token in enumerate(tokens[:-1]):
            value = tokens[index + 1]
            if token == "-w":
                targets.append((value, True))
            elif token == "-p":
                perms = value
            elif token == "-F" and value.startswith(("path=", "dir=", "perm=")):
                key, _, field = value.partition("=")
                if key == "perm":
                    perms = field
                else:
                    targets.append((field, key == "dir"))
        watches.extend((path.rstrip("/") or "/", recursive, perms) for path, recursive in targets)
    return watches


def is_watched(path: str, watches: list[tuple[str, bool, str]]) -> bool:
    """True when a rule records writes and attribute changes of ``path`` (or of a parent dir)."""
    for watched, recursive, perms in watches:
        covers = path == watched or (recursive and path.startswith(watched + "/"))
        if covers and "w" in perms and "a" in perms:
            return True
    return False


@check("H08.1", needs=("units", "packages"), resource="service:auditd")
def auditd_running(facts: Facts) -> Verdict:
    resource = "service:auditd"
    if facts.container:
        return not_applicable(resource, f"auditd cannot run in a container ({facts.container})")
    if "auditd" not in facts.packages():
        return failed(resource, "auditd is not installed", "not-installed", vi="chưa cài auditd")
    if not facts.unit_active("auditd.service"):
        state = facts.unit("auditd.service").get("ActiveState", "unknown")
        return failed(
            resource, f"auditd.service is {state}", state, vi=f"auditd.service đang ở trạng thái {state}"
        )
    return passed(resource, "auditd.service is active", "active")


@check("H08.2", needs=("audit_rules",), resource="audit:identity-files")
def identity_rules(facts: Facts) -> Verdict:
    resource = "audit:identity-files"
    watches = watched_paths(facts.text("audit_rules"))
    missing = [path for path in IDENTITY_FILES if not is_watched(path, watches)]
    if missing:
        return failed(
            resource,
            f"no audit rule (-p wa) on {', '.join(missing)}",
            ",".join(missing),
            vi=f"không có luật kiểm toán (-p wa) cho {', '.join(missing)}",
        )
    return passed(resource, f"audit rules on {', '.join(IDENTITY_FILES)}")


@check("H08.3", needs=("audit_rules", "credstore"), resource="audit:credential-store")
def credential_store_rules(facts: Facts) -> Verdict:
    resource = "audit:credential-store"
    directory = credstore_dir(facts.target)
    if facts.section("credstore").exit_status == 3 and not store_expected(facts.target):
        return not_applicable(resource, f"no credential store on this host ({directory} absent)")
    if is_watched(directory, watched_paths(facts.text("audit_rules"))):
        return passed(resource, f"audit rule (-p wa) on {directory}", directory)
    return failed(
        resource,
        f"no audit rule (-p wa) on {directory}",
        directory,
        vi=f"không có luật kiểm toán (-p wa) cho {directory}",
    )


def _journal(facts: Facts) -> dict[str, str]:
    return parsers.ini_values(facts.text("journald"), "Journal")


@check("H08.4", needs=("journald", "journal_dir"), resource="journald:Storage")
def journal_persistent(facts: Facts) -> Verdict:
    resource = "journald:Storage"
    storage = _journal(facts).get("Storage", "auto")
    has_dir = facts.text("journal_dir").strip() == "present"
    if storage == "persistent" or (storage == "auto" and has_dir):
        return passed(
            resource, f"Storage={storage}" + (", /var/log/journal exists" if has_dir else ""), storage
        )
    if storage == "auto":
        return failed(
            resource,
            "Storage=auto without /var/log/journal: logs are lost at reboot",
            "auto-nodir",
            vi="Storage=auto mà không có /var/log/journal: nhật ký mất khi khởi động lại",
        )
    return failed(
        resource,
        f"Storage={storage}: logs are not kept on disk",
        storage,
        vi=f"Storage={storage}: nhật ký không được lưu trên đĩa",
    )


@check("H08.5", needs=("journald",), resource="journald:MaxRetentionSec")
def journal_retention(facts: Facts) -> Verdict:
    resource = "journald:MaxRetentionSec"
    days = facts.target.var("hisguard_log_retention_days", DEFAULT_RETENTION_DAYS)
    wanted = int(days) if str(days).isdigit() else DEFAULT_RETENTION_DAYS
    value = _journal(facts).get("MaxRetentionSec", "")
    seconds = parsers.timespan_seconds(value) if value else 0.0
    if seconds is None:
        return failed(
            resource,
            f"MaxRetentionSec={value} is not a time span journald understands",
            value,
            vi=f"MaxRetentionSec={value} không phải khoảng thời gian journald hiểu được",
        )
    if seconds == 0:
        return passed(resource, "MaxRetentionSec not set: no age limit (size limits apply)", "unset")
    kept = seconds / 86400
    if kept < wanted:
        return failed(
            resource,
            f"MaxRetentionSec={value} ({kept:.0f} days; needs {wanted} or more)",
            value,
            vi=f"MaxRetentionSec={value} ({kept:.0f} ngày; cần từ {wanted} ngày trở lên)",
        )
    return passed(resource, f"MaxRetentionSec={value} ({kept:.0f} days)", value)
