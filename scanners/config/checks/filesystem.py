"""H14: files anyone can change in system paths, and SUID programs Debian does not ship.

One bounded ``find -xdev`` (20 s, 2000 lines) reads both; there is no role for this: each file
needs a person to decide.
"""

from __future__ import annotations

from dataclasses import replace

from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import Verdict, check, errored, failed, passed
from hisguard.scanners.config.snapshot import Facts

NOT_SYSTEM = ("/tmp/", "/var/tmp/", "/dev/shm/", "/home/")
MAX_FINDINGS = 50
# SUID-root programs of Debian and Ubuntu packages (merged /usr paths).
KNOWN_SUID = frozenset(
    {
        "/usr/bin/passwd",
        "/usr/bin/chsh",
        "/usr/bin/chfn",
        "/usr/bin/gpasswd",
        "/usr/bin/newgrp",
        "/usr/bin/su",
        "/usr/bin/sudo",
        "/usr/bin/sudoedit",
        "/usr/bin/mount",
        "/usr/bin/umount",
        "/usr/bin/pkexec",
        "/usr/bin/fusermount",
        "/usr/bin/fusermount3",
        "/usr/bin/newuidmap",
        "/usr/bin/newgidmap",
        "/usr/bin/ntfs-3g",
        "/usr/bin/bwrap",
        "/usr/bin/at",
        "/usr/bin/traceroute6.iputils",
        "/usr/bin/ping",
        "/usr/lib/openssh/ssh-keysign",
        "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
        "/usr/lib/eject/dmcrypt-get-device",
        "/usr/lib/policykit-1/polkit-agent-helper-1",
        "/usr/lib/polkit-1/polkit-agent-helper-1",
        "/usr/lib/xorg/Xorg.wrap",
        "/usr/lib/snapd/snap-confine",
        "/usr/lib/chromium/chrome-sandbox",
        "/opt/google/chrome/chrome-sandbox",
        "/usr/lib/spice-gtk/spice-client-glib-usb-acl-helper",
        "/usr/sbin/pppd",
        "/usr/sbin/mount.cifs",
        "/usr/sbin/mount.nfs",
        "/usr/sbin/exim4",
    }
)


def _merged(path: str) -> str:
    """/bin/su and /usr/bin/su are the same program on a merged-/usr system."""
    for old in ("/bin/", "/sbin/", "/lib/"):
        if path.startswith(old):
            return "/usr" + path
    return path


def _entries(facts: Facts, kind: str) -> list[parsers.FsEntry]:
    return [e for e in parsers.fs_entries(facts.text("fs_perms")) if e.kind == kind]


def _partial(facts: Facts) -> str | None:
    """Why the listing is incomplete, or None when find walked every path."""
    state = parsers.fs_listing_state(facts.text("fs_perms"))
    return {"timeout": "find ran out of time (20 s)", "truncated": "listing cut at 2000 entries"}.get(state)


def _outcomes(facts: Facts, resource: str, found: list[Verdict], clean: str) -> list[Verdict]:
    partial = _partial(facts)
    if found:
        return [replace(o, details={**o.details, "partial": partial}) if partial else o for o in found]
    if partial:
        return [
            errored(
                resource,
                f"search incomplete: {partial}",
                vi=f"tìm kiếm chưa trọn vẹn: {_PARTIAL_VI.get(partial, partial)}",
            )
        ]
    return [passed(resource, clean)]


# _partial's reasons, as a Vietnamese report says them.
_PARTIAL_VI = {
    "find ran out of time (20 s)": "find hết thời gian (20 giây)",
    "listing cut at 2000 entries": "danh sách bị cắt ở 2000 mục",
}


@check("H14.1", needs=("fs_perms",), resource="filesystem:world-writable")
def world_writable(facts: Facts) -> list[Verdict]:
    found = [
        e
        for e in _entries(facts, "W")
        if not (e.path + "/").startswith(NOT_SYSTEM)
        and e.path not in ("/tmp", "/var/tmp", "/dev/shm")
        and not (e.file_type == "d" and e.mode & 0o1000)  # sticky dirs (like /tmp) are meant to be shared
    ]
    kinds = {"f": "file", "d": "directory"}
    outcomes = [
        failed(
            e.path,
            f"world-writable {kinds.get(e.file_type, e.file_type)} {e.mode:04o} owned by {e.owner}",
            f"{e.mode:o}",
            vi=f"ai cũng ghi được ({e.mode:04o}, chủ sở hữu {e.owner})",
            mode=f"{e.mode:04o}",
            owner=e.owner,
        )
        for e in found[:MAX_FINDINGS]
    ]
    clean = "no world-writable file or directory in system paths"
    return _outcomes(facts, "filesystem:world-writable", outcomes, clean)


@check("H14.2", needs=("fs_perms",), resource="filesystem:suid")
def unexpected_suid(facts: Facts) -> list[Verdict]:
    allowed = {_merged(str(p)) for p in facts.target.var("hisguard_suid_allowed", []) or []}
    found = [e for e in _entries(facts, "S") if _merged(e.path) not in KNOWN_SUID | allowed]
    outcomes = [
        failed(
            e.path,
            f"unexpected SUID program {e.mode:04o} owned by {e.owner}",
            f"{e.mode:o}:{e.owner}",
            vi=f"chương trình SUID ngoài danh sách cho phép ({e.mode:04o}, chủ sở hữu {e.owner})",
            mode=f"{e.mode:04o}",
            owner=e.owner,
        )
        for e in found[:MAX_FINDINGS]
    ]
    return _outcomes(facts, "filesystem:suid", outcomes, "every SUID program is a known system one")
