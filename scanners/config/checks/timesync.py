"""H09: the clock is synchronised, so log times from every host line up."""

from __future__ import annotations

from hisguard.scanners.config.model import Verdict, check, failed, passed
from hisguard.scanners.config.snapshot import Facts

SERVICES = (
    "systemd-timesyncd.service",
    "chrony.service",
    "ntp.service",
    "ntpsec.service",
    "openntpd.service",
)


@check("H09.1", needs=("units",), resource="service:time-sync")
def time_sync(facts: Facts) -> Verdict:
    resource = "service:time-sync"
    active = [unit for unit in SERVICES if facts.unit_active(unit)]
    if active:
        return passed(f"service:{active[0]}", f"{active[0]} is active", active[0])
    enabled = [unit for unit in SERVICES if facts.unit_enabled(unit)]
    if enabled and facts.container:
        # Time-sync daemons refuse to start in a container; its clock is the machine's.
        return passed(
            f"service:{enabled[0]}", f"{enabled[0]} enabled (container: clock from the host)", enabled[0]
        )
    if enabled:
        return failed(
            f"service:{enabled[0]}",
            f"{enabled[0]} is enabled but not running",
            enabled[0],
            vi=f"{enabled[0]} đã bật nhưng không chạy",
        )
    return failed(
        resource,
        "no time synchronisation service (timesyncd, chrony, ntp) enabled",
        "none",
        vi="không bật dịch vụ đồng bộ thời gian nào (timesyncd, chrony, ntp)",
    )
