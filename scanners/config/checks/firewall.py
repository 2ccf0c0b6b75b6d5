"""H10: a host firewall is loaded and drops inbound traffic it was not told to accept."""

from __future__ import annotations

from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import FactError, Verdict, check, failed, passed
from hisguard.scanners.config.snapshot import Facts

FIREWALL_SERVICES = ("nftables.service", "ufw.service", "firewalld.service")


def _input_chains(facts: Facts) -> list[parsers.Chain]:
    try:
        chains = parsers.nft_chains(facts.text("nft"))
    except ValueError as exc:  # json.JSONDecodeError: an nft too old for -j
        raise FactError(f"nft -j list ruleset gave no JSON ({exc.__class__.__name__})") from None
    return [c for c in chains if c.hook == "input" and c.family in ("ip", "ip6", "inet")]


def _drops(chain: parsers.Chain) -> bool:
    return chain.policy == "drop" or chain.last_verdict in ("drop", "reject")


@check("H10.1", needs=("nft", "units"), resource="firewall")
def firewall_active(facts: Facts) -> Verdict:
    resource = "firewall"
    if facts.missing("nft"):
        return failed(
            resource,
            "nftables (nft) is not installed: no host firewall",
            "no-nft",
            vi="chưa cài nftables (nft): máy không có tường lửa",
        )
    active = [unit for unit in FIREWALL_SERVICES if facts.unit_active(unit)]
    chains = _input_chains(facts)
    if not chains:
        return failed(
            resource,
            "no input chain in the nftables ruleset: nothing filters inbound traffic",
            "empty",
            vi="bộ luật nftables không có chuỗi input: không gì lọc lưu lượng vào",
        )
    if not active:
        # Rules loaded by hand vanish at the next reboot.
        return failed(
            "service:nftables.service",
            "a ruleset is loaded but no firewall service is active",
            "no-unit",
            vi="đã nạp bộ luật nhưng không dịch vụ tường lửa nào đang chạy",
        )
    return passed(resource, f"{active[0]} active, {len(chains)} input chain(s)", active[0])


@check("H10.2", needs=("nft",), resource="nftables:input")
def default_drop(facts: Facts) -> Verdict:
    resource = "nftables:input"
    if facts.missing("nft"):
        return failed(
            resource,
            "nftables (nft) is not installed: inbound traffic is accepted",
            "no-nft",
            vi="chưa cài nftables (nft): lưu lượng vào đều được chấp nhận",
        )
    chains = _input_chains(facts)
    if not chains:
        return failed(
            resource,
            "no input chain: inbound traffic is accepted",
            "empty",
            vi="không có chuỗi input: lưu lượng vào đều được chấp nhận",
        )
    ipv4 = any(_drops(c) for c in chains if c.family in ("ip", "inet"))
    ipv6 = any(_drops(c) for c in chains if c.family in ("ip6", "inet"))
    described = ", ".join(f"{c.family} {c.table} {c.name} policy {c.policy or 'accept'}" for c in chains)
    if ipv4 and ipv6:
        return passed(resource, described, described)
    gaps = [name for name, ok in (("IPv4", ipv4), ("IPv6", ipv6)) if not ok]
    return failed(
        resource,
        f"{' and '.join(gaps)} input not dropped by default ({described})",
        described,
        vi=f"lưu lượng vào {' và '.join(gaps)} không bị chặn mặc định ({described})",
    )
