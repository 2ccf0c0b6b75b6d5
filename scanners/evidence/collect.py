"""One evidence collection: for each host, its listed files, the logs around them, its facts.

Everything is read over the project's SSH transport as root; nothing on the host changes except
the marker (``remote.leave_marker``). A host that cannot be reached is an error line in the
manifest, not a missing pack: what was collected elsewhere is still kept.
"""

from __future__ import annotations

import getpass
import socket
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hisguard.scanners import __version__
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.evidence import remote
from hisguard.scanners.evidence.pack import PackWriter
from hisguard.scanners.evidence.redaction import Redactor
from hisguard.scanners.findings import utcnow
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.transport import Transport, open_transport

AROUND = timedelta(days=2)  # journal excerpts: this long either side of the first sighting


@dataclass(frozen=True)
class Target:
    """One host to collect from: the files where the account or finding was seen."""

    host: HostTarget
    paths: tuple[str, ...]
    first_seen: datetime | None = None
    findings: tuple[str, ...] = ()  # fingerprints that led here


@dataclass
class Collected:
    root: Path
    pack_id: str
    items: int
    errors: list[str] = field(default_factory=list)
    markers: dict[str, str] = field(default_factory=dict)


def collector_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()} (hisguard {__version__})"


def new_pack_id(now: datetime) -> str:
    return f"EV-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def collect(
    targets: Sequence[Target],
    out: Path,
    *,
    subject: dict[str, Any],
    known_secrets: Sequence[str] = (),
    connect: Callable[[HostTarget], Transport] = open_transport,
    key: bytes | None = None,
) -> Collected:
    now = utcnow()
    pack_id = new_pack_id(now)
    errors: list[str] = []
    writer = PackWriter(
        out,
        pack_id,
        {
            "created_at": now.isoformat(),
            "collector": collector_name(),
            "subject": subject,
            "hosts": sorted({t.host.name for t in targets}),
            "errors": errors,
        },
    )
    redactor = Redactor(known_secrets, key)
    markers: dict[str, str] = {}
    for target in targets:
        try:
            with closing(connect(target.host)) as transport:
                marker = _collect_host(writer, transport, target, redactor)
                if marker:
                    markers[target.host.name] = marker
        except HisguardError as exc:
            errors.append(str(exc)[:300])
    writer.meta["markers"] = markers
    writer.finish(key)
    return Collected(out, pack_id, len(writer.items), errors, markers)


def _collect_host(writer: PackWriter, transport: Transport, target: Target, redactor: Redactor) -> str | None:
    host = target.host.name
    who = writer.meta["collector"]

    def stamp() -> str:
        return utcnow().isoformat()

    writer.add(
        "facts",
        host,
        "host facts",
        redactor.text(remote.host_facts(transport)),
        collected_at=stamp(),
        collector=who,
        redacted=True,
        note="date, time zone, users, last logins",
    )
    copied = []
    for path in target.paths:
        found = remote.read_file(transport, path)
        if found is None:
            writer.meta["errors"].append(f"{host}: {path[:200]} is no longer a regular file")
            continue
        copied.append(found)
        writer.add(
            "file",
            host,
            path,
            found.data,
            collected_at=stamp(),
            collector=who,
            source_sha256=found.sha256,
            source_size=found.size,
            truncated=found.truncated,
            note=f"owner {found.owner}, mode {found.mode}, mtime {found.mtime} (epoch)",
        )
    logs: list[tuple[str, str, bytes]] = []
    for kind, paths in (
        ("auth", remote.AUTH_LOGS),
        ("sudo", remote.SUDO_LOGS),
        ("cron", remote.CRON_LOGS),
        ("web", remote.WEB_LOGS),
        ("egress", remote.EGRESS_LOGS),
    ):
        logs.extend((kind, p, data) for p, data in remote.excerpt(transport, paths, remote.PATTERNS[kind]))
    logs.extend(("audit", p, d) for p, d in remote.audit_records(transport, [f.path for f in copied]))
    logs.extend(("history", p, d) for p, d in remote.histories(transport))
    egress = remote.egress_journal(transport)
    if egress:
        logs.append(("egress", "journalctl -k (egress allow-list drops)", egress))
    if target.first_seen is not None:
        since = (target.first_seen - AROUND).strftime("%Y-%m-%d %H:%M:%S")
        until = (target.first_seen + AROUND).strftime("%Y-%m-%d %H:%M:%S")
        data = remote.journal(transport, since, until)
        if data:
            logs.append(("journal", f"journalctl --since '{since}' --until '{until}' (UTC)", data))
    for kind, path, data in logs:
        writer.add(
            "log",
            host,
            path,
            redactor.text(data),
            collected_at=stamp(),
            collector=who,
            redacted=True,
            truncated=len(data) >= remote.MAX_EXCERPT_BYTES,
            note=f"{kind} excerpt (matching lines, redacted)",
        )
    if not copied:
        return None
    return remote.leave_marker(transport, writer.pack_id, copied)
