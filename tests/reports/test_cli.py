"""``hisguard report`` end to end: sources, selections, files written 0640, errors, the register."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hisguard.lab import vault as lab_vault
from hisguard.reports.cli import report_command
from hisguard.reports.model import FacilityInfo
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Run
from hisguard.scanners.output import result_document
from hisguard.scanners.store import Store
from tests.reports import sample

from .helpers import CANARY, canary_runs

REPO = Path(__file__).resolve().parents[2]
LAB_INVENTORY = REPO / "inventories" / "lab"
LAB_VAULT = LAB_INVENTORY / "vault-password.txt"
LAB = FacilityInfo("75901", "", "")
OTHER = FacilityInfo("75902", "", "")


def _runs() -> list[Run]:
    return [
        *sample.facility_runs(LAB, hosts=6, findings_per_host=6, scans=5, must_fail=("C01", "C04")),
        *sample.facility_runs(OTHER, hosts=4, findings_per_host=6, scans=3, must_fail=("C01", "C04")),
    ]


@pytest.fixture()
def documents(tmp_path: Path) -> list[str]:
    paths = []
    for run in _runs():
        path = tmp_path / "scans" / f"{run.id}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(result_document([run]), ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture()
def store_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store(url)
    for run in _runs():
        store.save_run(run)
    store.close()
    yield url


def invoke(*args: str) -> Result:
    return CliRunner().invoke(report_command, list(args), catch_exceptions=True, standalone_mode=False)


def _from(paths: list[str]) -> list[str]:
    return [arg for path in paths for arg in ("--from", path)]


def _written(result: Result) -> list[Path]:
    assert result.exception is None, result.output
    return [Path(line) for line in result.stdout.splitlines() if line.strip()]


def test_all_facilities_from_documents_with_the_rollup(documents: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        *_from(documents), "--all", "--format", "html,md,json,csv,sarif,ansible", "--out", str(out)
    )
    written = _written(result)
    names = sorted(p.name for p in written)
    assert names == sorted(
        [f"facility-{c}.{e}" for c in ("75901", "75902") for e in ("html", "md", "json", "csv", "sarif")]
        + ["remediate-facility-75901.yml", "remediate-facility-75902.yml"]
        + ["rollup.html", "rollup.md", "rollup.json", "rollup.csv"]
    )
    for path in written:
        assert path.parent == out and stat.S_IMODE(path.stat().st_mode) == 0o640, path
    assert not list(out.glob(".*"))  # no temporary file left behind
    rollup = json.loads((out / "rollup.json").read_text(encoding="utf-8"))
    for row in rollup["facilities"]:
        assert (out / f"{row['report']}.html").is_file()
    doc = json.loads((out / "facility-75901.json").read_text(encoding="utf-8"))
    assert len(doc["trend"]) == 5 and doc["changes"]["compared"]


def test_files_are_0640_whatever_the_umask(documents: list[str], tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        written = _written(invoke(*_from(documents), "--facility", "75902", "--out", str(tmp_path / "a")))
    finally:
        os.umask(old)
    assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [0o640]
    (tmp_path / "b").mkdir()
    existing = tmp_path / "b" / "facility-75902.html"
    existing.write_text("old")
    existing.chmod(0o666)
    written = _written(invoke(*_from(documents), "--facility", "75902", "--out", str(tmp_path / "b")))
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and "old" not in existing.read_text(
        encoding="utf-8"
    )


def test_the_store_and_the_documents_give_the_same_report(
    documents: list[str], store_url: str, tmp_path: Path
) -> None:
    a = _written(
        invoke("--store", store_url, "--facility", "75901", "--format", "json", "--out", str(tmp_path / "a"))
    )
    b = _written(
        invoke(*_from(documents), "--facility", "75901", "--format", "json", "--out", str(tmp_path / "b"))
    )
    docs = [json.loads(p[0].read_text(encoding="utf-8")) for p in (a, b)]
    for doc in docs:
        doc.pop("generated_at")
    assert docs[0] == docs[1]
    assert docs[0]["changes"]["regressed"] + docs[0]["changes"]["new"] > 0


def test_inventory_names_the_facility_and_fills_the_commands(documents: list[str], tmp_path: Path) -> None:
    written = _written(
        invoke(
            *_from(documents),
            "--facility",
            "75901",
            "--format",
            "html,ansible",
            "-i",
            str(LAB_INVENTORY),
            *lab_vault.vault_options(),
            "--lang",
            "en",
            "--out",
            str(tmp_path),
        )
    )
    html = written[0].read_text(encoding="utf-8")
    assert "Bệnh viện Đa khoa Lab Đồng Nai" in html and "Đồng Nai" in html
    assert f"ansible-playbook -i {LAB_INVENTORY} playbooks/harden.yml \\\n    --limit" in html
    assert "&lt;inventory&gt;" not in html
    assert f"-i {LAB_INVENTORY} --vault-password-file <vault-password-file> remediate-facility-75901.yml" in (
        written[1].read_text(encoding="utf-8")
    )


def test_account_report_checks_the_register_and_never_shows_the_vault(
    documents: list[str], tmp_path: Path
) -> None:
    from hisguard.scanners.inventory import load_inventory

    inventory = load_inventory([str(LAB_INVENTORY)], str(LAB_VAULT), lab_vault.vault_ids())
    (account,) = [a for a in inventory.facility("75901").portal_accounts if a.username == "75901_BV"]
    assert account.password is not None
    vaulted = account.password.reveal()
    written = _written(
        invoke(
            *_from(documents),
            "--account",
            "75901_BV",
            "--format",
            "html,md,json,csv,sarif",
            "-i",
            str(LAB_INVENTORY),
            *lab_vault.vault_options(),
            "--out",
            str(tmp_path),
        )
    )
    assert sorted(p.name for p in written) == [f"account-75901_BV.{e}" for e in ("csv", "html", "json", "md")]
    doc = json.loads((tmp_path / "account-75901_BV.json").read_text(encoding="utf-8"))
    assert doc["register_checked"] and doc["register"][0]["allowed_hosts"] == ["his-app-01"]
    assert doc["places"] and {p["facility"]["code"] for p in doc["places"] + doc["log_lines"]} == {"75901"}
    assert {p["allowed_host"] for p in doc["places"]} == {True, False}  # his-app-01 yes, the others no
    assert doc["log_lines"] and all(p["check_id"] == "C04" for p in doc["log_lines"])
    whens = [event["when"] for event in doc["timeline"]]
    assert whens == sorted(whens)
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert vaulted not in text and "$ANSIBLE_VAULT" not in text


def test_account_report_from_the_store(store_url: str, tmp_path: Path) -> None:
    written = _written(
        invoke("--store", store_url, "--account", "75902_BV", "--format", "json", "--out", str(tmp_path))
    )
    doc = json.loads(written[0].read_text(encoding="utf-8"))
    assert doc["places"] and not doc["register_checked"]
    assert {p["facility"]["code"] for p in doc["places"]} == {"75902"}
    assert all(p["allowed_host"] is None for p in doc["places"])


def test_canaries_stay_out_of_every_file(tmp_path: Path) -> None:
    paths = []
    for run in canary_runs():
        path = tmp_path / f"{run.id}.json"
        path.write_text(json.dumps(result_document([run])), encoding="utf-8")
        paths.append(str(path))
    out = tmp_path / "out"
    written = _written(invoke(*_from(paths), "--format", "html,md,json,csv,sarif,ansible", "--out", str(out)))
    written += _written(
        invoke(*_from(paths), "--account", "75901_BV", "--format", "html,json", "--out", str(out))
    )
    assert len(written) == 8
    for path in written:
        assert CANARY not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "sqlite://", "--from", "x.json"], "not both"),
        (["--facility", "75901", "--all"], "not both"),
        (["--format", "html,docx"], "docx"),
        (["--account", " "], "needs a username"),
    ],
)
def test_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(report_command, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output


def test_input_errors_are_one_line(documents: list[str], tmp_path: Path) -> None:
    several = invoke(*_from(documents), "--out", str(tmp_path))
    assert isinstance(several.exception, HisguardError) and "--facility CODE or --all" in str(
        several.exception
    )
    missing = invoke(*_from(documents), "--facility", "79999", "--out", str(tmp_path))
    assert isinstance(missing.exception, HisguardError) and "no scan of facility 79999" in str(
        missing.exception
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    wrong = invoke("--from", str(bad), "--out", str(tmp_path))
    assert isinstance(wrong.exception, HisguardError) and "not a hisguard scan document" in str(
        wrong.exception
    )


def test_registered_in_the_hisguard_command(documents: list[str], tmp_path: Path) -> None:
    import click

    from hisguard.scanners.cli import cli

    assert "report" in cli.list_commands(click.Context(cli))
    hisguard = [sys.executable, "-c", "from scanners.cli import main; main()"]
    done = subprocess.run(
        [*hisguard, "report", *_from(documents[:1]), "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "facility-75901.html")
    done = subprocess.run(
        [*hisguard, "report", "--from", "/nonexistent.json", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stderr.startswith("hisguard: error: /nonexistent.json: cannot read")
