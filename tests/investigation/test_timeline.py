"""Timeline and signals from a synthetic store and pack (no lab)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hisguard.lab import vault as lab_vault
from hisguard.reports.investigation.packlogs import read_pack
from hisguard.reports.investigation.timeline import Observation, Timeline
from hisguard.reports.investigation.trace import build_timeline
from hisguard.scanners.evidence.pack import EvidenceError
from hisguard.scanners.store import Store
from tests.entry_point import hisguard
from tests.investigation import synthetic


def _timeline(tmp_path: Path, **kwargs: object) -> tuple[Timeline, Path]:
    inv = synthetic.inventory()
    url = synthetic.store(tmp_path)
    root = synthetic.pack(tmp_path / "pack", synthetic.password(inv))
    store = Store(url, read_only=True)
    try:
        timeline = build_timeline(
            "egw-his",
            inventory=inv,
            facility="75901",
            store=store,
            pack_root=root,
            portal_networks=(synthetic.PORTAL_NET,),
            **kwargs,  # type: ignore[arg-type]
        )
    finally:
        store.close()
    return timeline, root


def _kinds(observations: tuple[Observation, ...], kind: str) -> list[Observation]:
    return [o for o in observations if o.kind == kind]


def test_store_observations_cite_their_findings_and_judge_the_register(tmp_path: Path) -> None:
    timeline, _ = _timeline(tmp_path)
    assert timeline.account.username == "75901_BV" and timeline.account.allowed_hosts == ("his-app-01",)
    first = _kinds(timeline.observations, "first_seen")
    assert {o.host for o in first} == {"his-app-01", "ws-01"}
    assert all(c.ref.startswith("finding ") for o in first for c in o.cites)
    # ws-01 is off the register; his-app-01 is not flagged.
    assert [o.host for o in _kinds(timeline.observations, "not_allowed")] == ["ws-01"]
    assert [o.host for o in _kinds(timeline.observations, "bundle")] == ["his-app-01"]
    modified = _kinds(timeline.observations, "modified")
    assert [o.when.isoformat() for o in modified if o.when] == [synthetic.MTIME]
    assert "2 place(s)" in _kinds(timeline.observations, "not_allowed")[0].text.en
    assert len(_kinds(timeline.observations, "not_allowed")[0].cites) == 2


def test_pack_observations_cite_item_ids_and_hashes(tmp_path: Path) -> None:
    timeline, root = _timeline(tmp_path)
    items = {i["id"]: i for i in json.loads((root / "manifest.json").read_text())["manifest"]["items"]}
    web = next(i for i in items.values() if i["source_path"] == "/var/log/his/access.log")
    uses = _kinds(timeline.observations, "portal_use")
    by_client = {o.text.en.split(" from ")[1].split(" ")[0]: o for o in uses}
    assert set(by_client) == {"his-app-01", "ws-02", "203.0.113.5"}
    cite = by_client["ws-02"].cites[0]
    assert (
        cite.ref == web["id"] and web["sha256"].startswith(cite.sha256[:16]) and cite.sha256 == web["sha256"]
    )
    assert f"{synthetic.LOOKUPS + 1} request(s)" in by_client["ws-02"].text.en
    history = _kinds(timeline.observations, "history")
    assert [o.host for o in history] == ["ws-01"] and history[0].when is None
    assert timeline.observations[-1].when is None  # undated observations come last
    # The login close to the sightings is listed, the one seven weeks earlier is not.
    logins = _kinds(timeline.observations, "login")
    assert [o.text.en for o in logins] == ["SSH login to his-app-01: user root from 198.18.0.21 (password)"]
    sudo = _kinds(timeline.observations, "sudo")
    assert [o.text.en for o in sudo] == [
        "User hisadmin ran 1 command(s) with sudo on his-app-01 at 2025-03-01 07:56"
    ]
    assert _kinds(timeline.observations, "login_failed")
    dated = [o.when for o in timeline.observations if o.when]
    assert dated == sorted(dated)


def test_mining_signals(tmp_path: Path) -> None:
    timeline, _ = _timeline(tmp_path)
    signals = timeline.signals
    many = _kinds(signals, "many_lookups")
    assert [o.host for o in many] == ["ws-02"]
    assert f"{synthetic.LOOKUPS + 1} card/medical-history look-ups" in many[0].text.en
    assert "(threshold 100)" in many[0].text.en
    not_allowed = {o.host for o in _kinds(signals, "portal_not_allowed")}
    assert not_allowed == {"ws-02", "203.0.113.5"}  # his-app-01 is the allowed host
    egress = _kinds(signals, "egress_portal")
    assert [o.host for o in egress] == ["ws-01"] and "1 connection(s)" in egress[0].text.en
    assert [o.host for o in _kinds(signals, "automation")] == ["ws-01"]
    assert [o.host for o in _kinds(signals, "history_not_allowed")] == ["ws-01"]
    # Every signal cites evidence.
    assert all(o.cites for o in signals)
    # A higher threshold: no "many look-ups".
    higher, _ = _timeline(tmp_path / "again", threshold=1000)
    assert not _kinds(higher.signals, "many_lookups")


def test_estimates_say_how_they_were_counted(tmp_path: Path) -> None:
    timeline, _ = _timeline(tmp_path)
    counts = {e.count: e.method.en for e in timeline.estimates}
    assert "claim XML files" in counts[3]  # D01 on his-app-01; his-db-01's 50 files are not the account's
    assert 50 not in counts and 53 not in counts
    assert "<HOSO>" in counts[2]
    assert "distinct card numbers" in counts[synthetic.CARDS]
    classes = " ".join(t.en for t in timeline.data_classes)
    assert "HIV/AIDS" in classes and "claim XML" in classes


def test_no_secret_and_no_card_number_in_the_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = synthetic.inventory()
    secret = synthetic.password(inv)
    url = synthetic.store(tmp_path)
    root = synthetic.pack(tmp_path / "pack", secret)
    assert (
        secret.encode()
        in (root / "items")
        .joinpath("his-app-01")
        .joinpath(next(p.name for p in (root / "items/his-app-01").iterdir() if "access" in p.name))
        .read_bytes()
    )  # the planted line really holds it
    for fmt in ("json", "text"):
        code, out, err = hisguard(
            [
                "evidence",
                "timeline",
                "--account",
                "egw-his",
                "--facility",
                "75901",
                "--store",
                url,
                "-i",
                str(synthetic.INVENTORY),
                *lab_vault.vault_options(),
                "--pack",
                str(root),
                "--format",
                fmt,
                "--portal-network",
                synthetic.PORTAL_NET,
            ],
            monkeypatch,
            capsys,
        )
        assert code == 0, err
        assert secret not in out + err
        assert "DN479" not in out  # card numbers are counted, never shown
        assert "E0003" in out


def test_a_pack_that_does_not_verify_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = synthetic.pack(tmp_path / "pack", "x" * 12)
    victim = next(p for p in (root / "items").rglob("*") if p.is_file() and "auth" in p.name)
    victim.write_bytes(victim.read_bytes() + b"planted\n")
    with pytest.raises(EvidenceError, match="does not verify"):
        read_pack(root)
    code, out, err = hisguard(
        [
            "evidence",
            "timeline",
            "--account",
            "75901_BV",
            "--store",
            synthetic.store(tmp_path),
            "--pack",
            str(root),
        ],
        monkeypatch,
        capsys,
    )
    assert code == 2 and "does not verify" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_hostile_lines_are_cleaned(tmp_path: Path) -> None:
    evil = (
        '198.18.0.22 - - [02/Mar/2025:10:00:00 +0700] "GET /api/egw/Nhan\x1b[31mLichSuKCB\u202e HTTP/1.1" '
        '200 1 "-" "x"\n' + "A" * 100_000 + "\n"
    ).encode()
    inv = synthetic.inventory()
    url = synthetic.store(tmp_path)
    root = synthetic.pack(
        tmp_path / "pack",
        "y" * 12,
        extra=[("log", "his-app-01", "/var/log/nginx/access.log", evil, "web excerpt")],
    )
    store = Store(url, read_only=True)
    try:
        timeline = build_timeline("75901_BV", inventory=inv, facility=None, store=store, pack_root=root)
    finally:
        store.close()
    for o in (*timeline.observations, *timeline.signals):
        assert "\x1b" not in o.text.vi + o.text.en and "\u202e" not in o.text.en


def test_bad_input_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = synthetic.store(tmp_path)
    code, _, err = hisguard(
        ["evidence", "timeline", "--account", "egw-his", "--store", url, "--portal-network", "not-a-range"],
        monkeypatch,
        capsys,
    )
    assert code == 2 and "not an address range" in err and "Traceback" not in err
    code, out, _ = hisguard(
        ["evidence", "timeline", "--account", "nobody", "--store", url], monkeypatch, capsys
    )
    assert code == 0 and "không có phát hiện nào" in out


def test_one_modified_line_per_file_citing_every_finding_in_it() -> None:
    from datetime import UTC, datetime

    from hisguard.reports.investigation.timeline import Account, store_observations
    from hisguard.reports.model import AccountPlace, CredentialFacts, FacilityInfo

    mtime = datetime(2025, 3, 1, 1, 10, tzinfo=UTC)
    seen = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
    facts = CredentialFacts("password", "egw-his", "75901_BV", "root", "0644", mtime)
    places = [
        AccountPlace(
            FacilityInfo("75901", "", ""),
            synthetic._finding(check, "his-app-01", "/opt/his/appsettings.json"),
            facts,
            seen,
            seen,
            present=True,
            allowed=True,
        )
        for check in ("C01", "C02")
    ]
    account = Account("75901_BV", "egw-his", "75901", allowed_hosts=("his-app-01",), in_register=True)
    modified = _kinds(tuple(store_observations(places, account)), "modified")
    assert len(modified) == 1
    assert {c.ref for c in modified[0].cites} == {f"finding {p.finding.fingerprint[:12]}" for p in places}
    assert modified[0].when == mtime and "/opt/his/appsettings.json" in modified[0].text.vi
