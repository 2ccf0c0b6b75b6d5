"""How politely a facility is scanned: nmap's pacing is a setting of the facility, not a constant.

Each value comes from an inventory variable of the facility group (``hisguard_nmap_*``) and is
validated into a number or a keyword before it gets near a command line. The defaults suit a
hospital LAN: normal timing, a capped packet rate, few retries, light version detection and a
bound on every host and on the whole nmap process, so a firewall that drops packets costs
minutes, never hours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import Facility

_DURATION = re.compile(r"^(\d+)(ms|s|m|h)?$")
SCAN_TYPES = ("auto", "connect", "syn")
# needed: fingerprint only the open ports whose judgement depends on what answers (fingerprint.py);
# all: one nmap process with -sV on every open port (the plain path); none: judge by port numbers.
VERSION_DETECTION = ("needed", "all", "none")


@dataclass(frozen=True)
class NmapSettings:
    timing: int = 3  # -T3 "normal"; -T2 "polite" waits 0.4 s between probes, too slow for a /24
    max_rate: int = 100  # packets per second for the whole nmap process
    max_retries: int = 2  # nmap's default is 10: costly against filtered ports
    host_timeout: str = "5m"  # give up on one host after this long
    version_intensity: int = 2  # -sV light: the common probes only
    version_detection: str = "needed"  # see VERSION_DETECTION
    # Bound on fingerprinting one host: a service that answers no probe (inetd's telnetd took 46 s
    # at any intensity) costs at most this, then the host's ports are judged by number.
    version_timeout: str = "30s"
    process_timeout: int = 1800  # seconds; nmap is stopped after this, whatever it is doing
    scan_type: str = "auto"  # auto: SYN when root, connect scan otherwise
    max_addresses: int = 65536  # refuse to sweep more addresses than this in one facility


def _int(values: Mapping[str, Any], name: str, default: int, low: int, high: int, where: str) -> int:
    value = values.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InventoryError(f"{where}: {name} must be a whole number from {low} to {high}")
    try:
        number = int(value)
    except ValueError:
        raise InventoryError(f"{where}: {name} {value!r} is not a whole number") from None
    if not low <= number <= high:
        raise InventoryError(f"{where}: {name} {number} is outside {low}-{high}")
    return number


def _duration(values: Mapping[str, Any], name: str, default: str, where: str) -> str:
    value = str(values.get(name, default)).strip()
    if not _DURATION.match(value):
        raise InventoryError(f"{where}: {name} {value!r} is not a duration like 300, 90s, 5m or 1h")
    return value


def settings_for(facility: Facility) -> NmapSettings:
    """The facility's ``hisguard_nmap_*`` variables over the defaults; a bad value is one error line."""
    values = facility.settings
    where = f"facility_{facility.code}"
    defaults = NmapSettings()
    host_timeout = _duration(values, "hisguard_nmap_host_timeout", defaults.host_timeout, where)
    version_timeout = _duration(values, "hisguard_nmap_version_timeout", defaults.version_timeout, where)
    detection = str(values.get("hisguard_nmap_version_detection", defaults.version_detection)).strip().lower()
    if detection not in VERSION_DETECTION:
        raise InventoryError(
            f"{where}: hisguard_nmap_version_detection {detection!r} is not one of "
            + ", ".join(VERSION_DETECTION)
        )
    scan_type = str(values.get("hisguard_nmap_scan_type", defaults.scan_type)).strip().lower()
    if scan_type not in SCAN_TYPES:
        raise InventoryError(
            f"{where}: hisguard_nmap_scan_type {scan_type!r} is not one of {', '.join(SCAN_TYPES)}"
        )
    return NmapSettings(
        timing=_int(values, "hisguard_nmap_timing", defaults.timing, 0, 5, where),
        max_rate=_int(values, "hisguard_nmap_max_rate", defaults.max_rate, 1, 100000, where),
        max_retries=_int(values, "hisguard_nmap_max_retries", defaults.max_retries, 0, 10, where),
        host_timeout=host_timeout,
        version_intensity=_int(
            values, "hisguard_nmap_version_intensity", defaults.version_intensity, 0, 9, where
        ),
        process_timeout=_int(
            values, "hisguard_nmap_timeout", defaults.process_timeout, 10, 7 * 24 * 3600, where
        ),
        version_detection=detection,
        version_timeout=version_timeout,
        scan_type=scan_type,
        max_addresses=_int(values, "hisguard_nmap_max_addresses", defaults.max_addresses, 1, 1 << 24, where),
    )
