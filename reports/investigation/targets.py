"""Which hosts and files an evidence collection reads, from the findings the store holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from hisguard.reports.context import account_query, register_entries
from hisguard.reports.sources import ACCOUNT_STATUSES, StoreSource
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.evidence.collect import Target
from hisguard.scanners.findings import Finding
from hisguard.scanners.inventory import Inventory
from hisguard.scanners.scope import refuse_out_of_scope
from hisguard.scanners.store import Store

Seen = tuple[str, Finding, datetime]  # facility, finding, when the run finished


def account_findings(store: Store, username: str, inventory: Inventory, facility: str | None) -> list[Seen]:
    query = account_query(username, register_entries(username, inventory))
    return [(s.facility, s.finding, s.seen_at) for s in StoreSource(store).sightings(query, facility)]


def fingerprint_findings(store: Store, fingerprints: Sequence[str], facility: str | None) -> list[Seen]:
    wanted = {fp.strip().lower() for fp in fingerprints}
    return [
        (run.facility, finding, run.finished_at)
        for run, finding in store.findings_containing(wanted, ACCOUNT_STATUSES, facility)
        if finding.fingerprint.lower() in wanted
    ]


def file_of(resource: str) -> str | None:
    """The host file a finding's resource names (an archive member's outer file); None if none."""
    outer = resource.split("!", 1)[0]
    if not outer.startswith("/") or "\n" in outer or "\x00" in outer:
        return None
    return outer


def build_targets(seen: Iterable[Seen], inventory: Inventory) -> list[Target]:
    """One target per host the findings name, every host checked against its facility's scope."""
    grouped: dict[tuple[str, str], list[tuple[Finding, datetime]]] = {}
    for code, finding, when in seen:
        grouped.setdefault((code, finding.host), []).append((finding, when))
    targets = []
    for (code, name), found in sorted(grouped.items()):
        if code not in inventory.facilities:
            raise HisguardError(f"facility {code} is not in the inventory given")
        facility = inventory.facilities[code]
        hosts = [h for h in facility.hosts if h.name == name]
        if not hosts:
            raise HisguardError(f"host {name[:80]} (facility {code}) is not in the inventory given")
        refuse_out_of_scope(facility, hosts)
        paths = sorted({p for f, _ in found if (p := file_of(f.resource))})
        targets.append(
            Target(
                host=hosts[0],
                paths=tuple(paths),
                first_seen=min(when for _, when in found),
                findings=tuple(sorted({f.fingerprint for f, _ in found})),
            )
        )
    return targets
