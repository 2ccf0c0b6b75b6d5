"""``hisguard history``: new, fixed, still open and regressed between consecutive scans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hisguard.reports.history import timeline
from hisguard.scanners.findings import Run
from hisguard.scanners.store import Store
from hisguard.scanners.waivers import Waiver, apply_waivers
from tests.ingest.cli import run_cli
from tests.ingest.lab_runs import PROBLEMS, day, facility_run
from tests.waivers.inventory import write_inventory

C01, C02, H02_ROOT, H02_PASSWORD, H09, N01 = range(len(PROBLEMS))


def three_scans() -> list[Run]:
    """Day 1: everything open on his-app-01 and ws-01; day 2: some fixed; day 3: one comes back."""
    return [
        facility_run("75901", day(1), {"his-app-01": (C01, H02_ROOT, N01), "ws-01": (H02_ROOT, H09)}),
        facility_run("75901", day(2), {"his-app-01": (C01, N01), "ws-01": (H09, H02_PASSWORD)}),
        facility_run("75901", day(3), {"his-app-01": (C01, H02_ROOT), "ws-01": (H09, H02_PASSWORD)}),
    ]


def stored(tmp_path: Path, runs: list[Run]) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    for run in runs:
        store.save_run(run)
    return store


def keys(items: tuple[object, ...]) -> set[tuple[str, str]]:
    return {(i.host, i.check_id) for i in items}  # type: ignore[attr-defined]


def test_changes_between_consecutive_scans(tmp_path: Path) -> None:
    runs = three_scans()
    store = stored(tmp_path, runs)
    entries = timeline([store.load_run(r.id) for r in store.runs("75901")], store.tracked("75901"))

    assert [e.scan.run_ids for e in entries] == [(runs[2].id,), (runs[1].id,), (runs[0].id,)]  # newest first
    latest, middle, first = entries
    assert not first.changes.compared and first.open == 5

    assert keys(middle.new) == {("ws-01", "H02.2")}
    assert keys(middle.still_open) == {("his-app-01", "C01"), ("his-app-01", "N01"), ("ws-01", "H09")}
    assert keys(middle.fixed) == {("his-app-01", "H02.1"), ("ws-01", "H02.1")}
    assert middle.regressed == ()

    # his-app-01's root login was fixed on day 2 and is back on day 3: regressed, not new.
    assert keys(latest.regressed) == {("his-app-01", "H02.1")}
    assert latest.new == ()
    assert keys(latest.fixed) == {("his-app-01", "N01")}
    assert (
        latest.changes.new,
        latest.changes.regressed,
        latest.changes.still_open,
        latest.changes.fixed,
    ) == (
        0,
        1,
        3,
        1,
    )
    # First seen comes from the store: day 1 for the regressed one and for C01, day 2 for H02.2.
    first_seen = {(i.host, i.check_id): i.first_seen for i in latest.regressed + latest.still_open}
    assert first_seen["his-app-01", "H02.1"] == day(1)
    assert first_seen["his-app-01", "C01"] == day(1)
    assert first_seen["ws-01", "H02.2"] == day(2)


def test_a_host_that_could_not_be_scanned_is_not_fixed(tmp_path: Path) -> None:
    before = facility_run("75901", day(1), {"his-app-01": (C01,), "ws-02": (H02_ROOT,)})
    after = facility_run("75901", day(2), {"his-app-01": (C01,)}, errors=("ws-02",))
    latest = timeline([after, before], {})[0]
    assert latest.fixed == () and latest.changes.not_rechecked == 1
    assert keys(latest.still_open) == {("his-app-01", "C01")}


def test_a_waived_finding_is_neither_open_nor_fixed(tmp_path: Path) -> None:
    from datetime import date

    before = facility_run("75901", day(1), {"ws-01": (H02_ROOT, H09)})
    waiver = Waiver(check="H02", reason="Máy trạm cũ", approver="An", expires=date(2026, 12, 31))
    after = apply_waivers(
        facility_run("75901", day(2), {"ws-01": (H02_ROOT, H09)}), [waiver], date(2026, 10, 3)
    )
    latest = timeline([before, after], {})[0]
    assert latest.open == 1 and latest.waived == 1
    assert latest.fixed == () and latest.changes.waived == 1
    assert keys(latest.still_open) == {("ws-01", "H09")}


def test_history_command_table_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = three_scans()
    stored(tmp_path, runs).close()
    inv = write_inventory(tmp_path)
    url = f"sqlite:///{tmp_path / 'h.db'}"
    base = ["history", "-i", str(inv), "--facility", "75901", "--store", url]

    table = run_cli(base, monkeypatch, capsys)
    assert table.status == 0, table.err
    assert "Lịch sử quét · 75901 · Bệnh viện Đa khoa Lab Đồng Nai" in table.out
    assert "Tái diễn: [Cao] H02.1 his-app-01 sshd:PermitRootLogin" in table.out  # severity in Vietnamese
    assert "lần đầu thấy 2026-10-02 19:00" in table.out  # day 1, noon UTC, shown in Vietnam time
    assert "lần đầu" in table.out.split("2026-10-02 19:00")[1]  # the first scan is the baseline

    english = run_cli([*base, "--lang", "en"], monkeypatch, capsys)
    assert "Regressed: [High] H02.1 his-app-01" in english.out and "SSH allows root login" in english.out

    # The store alone is enough: no inventory, no vault; the heading then names the code only.
    bare = run_cli(["history", "--facility", "75901", "--store", url], monkeypatch, capsys)
    assert bare.status == 0, bare.err
    assert "Lịch sử quét · 75901" in bare.out and "Tái diễn: [Cao] H02.1" in bare.out

    doc = json.loads(run_cli([*base, "--format", "json"], monkeypatch, capsys).out)
    assert doc["facility"]["code"] == "75901"
    assert [s["run_ids"] for s in doc["scans"]] == [[runs[2].id], [runs[1].id], [runs[0].id]]
    latest = doc["scans"][0]
    assert latest["counts"] == {
        "open": 4,
        "waived": 0,
        "new": 0,
        "regressed": 1,
        "still_open": 3,
        "fixed": 1,
        "not_rechecked": 0,
        "waived_since_previous": 0,
    }
    assert latest["regressed"][0]["first_seen"] == day(1).isoformat()
    assert latest["fixed"] == [
        {
            "check_id": "N01",
            "severity": "critical",
            "host": "his-app-01",
            "location": "tcp/5432",
            "title": {
                "vi": "Cổng cơ sở dữ liệu mở ra mạng nội bộ",
                "en": "Database port reachable on the LAN",
            },
        }
    ]

    last_one = json.loads(run_cli([*base, "--format", "json", "--last", "1"], monkeypatch, capsys).out)
    assert len(last_one["scans"]) == 1 and last_one["scans"][0]["counts"]["regressed"] == 1


def test_history_of_a_facility_without_scans_and_of_an_unknown_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = write_inventory(tmp_path)
    url = f"sqlite:///{tmp_path / 'h.db'}"
    empty = run_cli(["history", "-i", str(inv), "--facility", "75902", "--store", url], monkeypatch, capsys)
    assert empty.status == 0 and "Chưa có lần quét nào của cơ sở 75902" in empty.out
    unknown = run_cli(["history", "-i", str(inv), "--facility", "75999", "--store", url], monkeypatch, capsys)
    assert unknown.status == 2 and "no facility 75999" in unknown.err


def test_history_table_fits_80_columns(tmp_path: Path) -> None:
    from hisguard.reports.history.render import render_table
    from hisguard.reports.history.timeline import stored_timeline
    from hisguard.reports.model import FacilityInfo
    from hisguard.scanners.store import Store

    stored(tmp_path, three_scans()).close()
    store = Store(f"sqlite:///{tmp_path / 'h.db'}", read_only=True)
    try:
        entries = stored_timeline(store, "75901", 10)
    finally:
        store.close()
    text = render_table(
        FacilityInfo("75901", "Bệnh viện Đa khoa Lab Đồng Nai", "Đồng Nai"), entries, "vi", width=80
    )
    table_lines = [line for line in text.splitlines() if line.strip()]
    assert table_lines and max(len(line) for line in table_lines if "│" in line or "━" in line) <= 80
