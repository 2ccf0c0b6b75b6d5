"""Reading nmap XML: recorded real output, and the broken shapes that must never raise past the reader."""

from __future__ import annotations

import pytest

from hisguard.lab import vault as lab_vault
from hisguard.scanners.network.xmlreport import NmapOutputError, clean, parse
from tests.network.factories import DATA


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_recorded_loopback_scan_is_read_completely() -> None:
    report = parse(_read("loopback-ssh-telnet-http.xml"))
    assert report.complete and report.problems == ()
    assert [h.address for h in report.up_hosts] == ["127.0.0.2", "127.0.0.3"]
    first, second = report.hosts
    assert [(p.number, p.service.name) for p in first.open_ports] == [(18022, "ssh"), (18023, "telnet")]
    ssh = first.open_ports[0].service
    assert (ssh.product, ssh.version, ssh.extrainfo, ssh.method) == (
        "OpenSSH",
        "7.4p1 Debian 10+deb9u7",
        "protocol 2.0",
        "probed",
    )
    assert [p.number for p in second.open_ports] == [18080]
    assert second.open_ports[0].service.describe() == "http (SimpleHTTPServer 0.6; Python 3.11.7)"
    assert {p.state for p in first.ports} == {"open", "closed"}


def test_recorded_text_input_reads_the_same_as_bytes() -> None:
    assert parse(_read("loopback-ssh-telnet-http.xml").decode()) == parse(
        _read("loopback-ssh-telnet-http.xml")
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xml", "nmap produced no output"),
        ("garbage.xml", "nmap output is not XML"),
        ("not-nmap.xml", "not nmap's XML"),
    ],
)
def test_unreadable_output_is_one_clear_error(name: str, message: str) -> None:
    with pytest.raises(NmapOutputError, match=message) as caught:
        parse(_read(name))
    assert "\n" not in str(caught.value)


def test_whitespace_only_is_no_output() -> None:
    with pytest.raises(NmapOutputError, match="no output"):
        parse(b"  \n\t")


def test_cut_short_output_keeps_the_finished_hosts_and_says_so() -> None:
    report = parse(_read("truncated.xml"))
    assert not report.complete
    assert [h.address for h in report.hosts] == ["127.0.0.2"]
    assert len(report.hosts[0].open_ports) == 2
    assert len(report.problems) == 1 and "cut short" in report.problems[0]


def test_output_without_runstats_is_incomplete_but_read() -> None:
    # python-nmap's own reader raises AttributeError on this shape.
    report = parse(_read("no-runstats.xml"))
    assert not report.complete
    assert report.problems == ("nmap output ends before nmap finished; 1 host(s) read",)
    assert report.hosts[0].open_ports[0].service.version == "9.2p1 Debian 2+deb12u3"


def test_nmap_error_exit_is_reported_with_its_message() -> None:
    report = parse(_read("exit-error.xml"))
    assert not report.complete
    assert report.problems == ("nmap reported an error: Failed to open device hgbr0",)


def test_odd_entries_are_skipped_and_counted_never_guessed() -> None:
    report = parse(_read("odd-entries.xml"))
    assert report.complete
    assert report.problems == (
        "2 host entries without an IP address skipped",
        "4 unreadable port entries skipped",
    )
    web, timed_out, down = report.hosts
    assert web.mac_vendor == "Private"
    assert [p.number for p in web.ports] == [443, 8080, 2222]
    tls = web.ports[0].service
    assert (tls.name, tls.tunnel) == ("http", "ssl")
    assert tls.describe() == "ssl/http (nginx 1.22.1)"
    # Network text loses control characters (tab, newline) before anything shows it.
    assert web.ports[1].service.product == "Evil Server second line"
    assert timed_out.timed_out and timed_out.up
    assert not down.up and report.up_hosts == (web, timed_out)


def test_clean_bounds_and_flattens_network_text() -> None:
    assert clean("a\r\nb\x00c\x7f") == "a b c"
    long = clean("x" * 500)
    assert len(long) == 120 and long.endswith("…")
    assert clean(None) == ""


# --- recorded from the lab -----------------------------------------------------------------------


@pytest.mark.parametrize("recorded", ["lab-75901-syn.xml", "lab-75901-connect.xml"])
def test_recorded_lab_scans_are_read_and_judged_like_the_live_lab(recorded: str) -> None:
    from hisguard.scanners.inventory import load_inventory
    from hisguard.scanners.network.judge import judge
    from hisguard.scanners.network.risks import risk_table

    lab = DATA.parent.parent.parent / "inventories" / "lab"
    facility = load_inventory([lab], str(lab / "vault-password.txt"), lab_vault.vault_ids()).facility("75901")
    report = parse(_read(recorded))
    assert report.complete and report.problems == ()
    up = {h.address for h in report.up_hosts}
    assert {"198.18.0.10", "198.18.0.11", "198.18.0.21", "198.18.0.22", "198.18.0.99"} <= up
    assert "198.18.0.1" not in {h.address for h in report.hosts}
    found = {
        (f.check_id, f.severity.value, f.host, f.resource)
        for f in judge(report.hosts, facility, risk_table())
    }
    assert {
        ("N01.telnet", "critical", "198.18.0.99", "198.18.0.99:23/tcp"),
        ("N03", "medium", "198.18.0.99", "198.18.0.99"),
        ("N01.database", "high", "his-db-01", "198.18.0.11:5432/tcp"),
        ("N02", "high", "his-db-01", "198.18.0.11:5432/tcp"),
        ("N04.http", "medium", "his-app-01", "198.18.0.10:8080/tcp"),
        ("N02", "high", "his-app-01", "198.18.0.10:8080/tcp"),
        ("N01.vnc", "high", "ws-01", "198.18.0.21:5900/tcp"),
        ("N02", "high", "ws-01", "198.18.0.21:5900/tcp"),
    } <= found
    assert not [f for f in found if f[2] == "ws-02"]


def test_recorded_lab_scan_after_the_firewall_role_closes_the_web_findings() -> None:
    from hisguard.scanners.inventory import load_inventory
    from hisguard.scanners.network.judge import judge
    from hisguard.scanners.network.risks import risk_table

    lab = DATA.parent.parent.parent / "inventories" / "lab"
    facility = load_inventory([lab], str(lab / "vault-password.txt"), lab_vault.vault_ids()).facility("75901")
    report = parse(_read("lab-75901-app-firewalled.xml"))
    assert report.complete and report.problems == ()
    app = next(h for h in report.hosts if h.address == "198.18.0.10")
    assert [p.number for p in app.open_ports] == [22]  # 8080 is dropped by the firewall now
    findings = judge(report.hosts, facility, risk_table())
    assert not [f for f in findings if f.host == "his-app-01"]
    assert {f.check_id for f in findings} == {"N01.telnet", "N03", "N01.database", "N01.vnc", "N02"}
