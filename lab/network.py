"""The lab's network: one bridge per facility on the machine, one namespace + veth pair per host.

Names are derived from the profiles (``hgbrN``, ``hg-<host>``, ``hgv-<host>``) so cleanup can find
exactly what the lab made, and nothing else, even when the state file is lost. Hosts get no default
route: they reach their facility's subnet and nothing beyond it.
"""

from __future__ import annotations

import json
from pathlib import Path

from hisguard.lab.proc import run

NETNS_DIR = Path("/run/netns")


def netns_name(host: str) -> str:
    return f"hg-{host}"


def veth_name(host: str) -> str:
    return f"hgv-{host}"


def link_exists(name: str) -> bool:
    return Path("/sys/class/net", name).exists()


def netns_exists(name: str) -> bool:
    return (NETNS_DIR / name).exists()


def ensure_bridge(name: str, address: str, prefix_len: int) -> None:
    """Create the bridge with the machine's address on it, unless it is already there."""
    if not link_exists(name):
        run(["ip", "link", "add", name, "type", "bridge"])
    # The lab speaks IPv4 only: no router solicitations or MLD from our links.
    _disable_ipv6(name)
    cidr = f"{address}/{prefix_len}"
    shown = json.loads(run(["ip", "-j", "addr", "show", "dev", name]).stdout or b"[]")
    have = {f"{a['local']}/{a['prefixlen']}" for link in shown for a in link.get("addr_info", [])}
    if cidr not in have:
        run(["ip", "addr", "add", cidr, "dev", name])
    run(["ip", "link", "set", name, "up"])


def ensure_host_link(host: str, bridge: str, address: str, prefix_len: int) -> None:
    """A namespace for ``host`` with ``eth0`` at ``address``, its peer plugged into ``bridge``."""
    ns, veth = netns_name(host), veth_name(host)
    if not netns_exists(ns):
        run(["ip", "netns", "add", ns])
    if not link_exists(veth):
        run(["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns])
    _disable_ipv6(veth)
    run(["ip", "link", "set", veth, "master", bridge, "up"])
    run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"])
    run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"])
    run(["ip", "-n", ns, "addr", "flush", "dev", "eth0"])
    run(["ip", "-n", ns, "addr", "add", f"{address}/{prefix_len}", "dev", "eth0"])
    run(["ip", "-n", ns, "link", "set", "eth0", "up"])
    run(["ip", "-n", ns, "link", "set", "lo", "up"])


def remove_host_link(host: str) -> None:
    """Delete the host's veth pair and namespace (each only if it exists)."""
    veth, ns = veth_name(host), netns_name(host)
    if link_exists(veth):
        run(["ip", "link", "del", veth], check=False)
    if netns_exists(ns):
        run(["ip", "netns", "del", ns], check=False)


# The RFC 2544 range the lab lives in. While the lab is up, an address in it that no bridge
# serves (a typo, a facility not booted) is dropped on the machine instead of following the
# default route out of it: lab traffic never leaves this machine.
LAB_RANGE = "198.18.0.0/15"


def ensure_blackhole() -> None:
    run(["ip", "route", "replace", "blackhole", LAB_RANGE])


def blackhole_exists() -> bool:
    out = run(["ip", "route", "show", "type", "blackhole", LAB_RANGE], check=False).stdout
    return bool(out.strip())


def remove_blackhole() -> None:
    if blackhole_exists():
        run(["ip", "route", "del", "blackhole", LAB_RANGE], check=False)


def remove_bridge(name: str) -> None:
    if link_exists(name):
        run(["ip", "link", "del", name], check=False)


def pids_in_netns(host: str) -> list[int]:
    """Processes living in the host's namespace: all of them are the lab's own."""
    ns = netns_name(host)
    if not netns_exists(ns):
        return []
    out = run(["ip", "netns", "pids", ns], check=False).stdout.decode()
    return [int(p) for p in out.split() if p.isdigit()]


def _disable_ipv6(link: str) -> None:
    path = Path("/proc/sys/net/ipv6/conf", link, "disable_ipv6")
    if path.exists():
        path.write_text("1\n")
