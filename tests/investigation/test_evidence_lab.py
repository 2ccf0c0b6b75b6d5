"""On the lab: an evidence pack for the planted portal account, verified, tamper-evident, secret-free."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hisguard.scanners.cli import cli
from tests.investigation.lab_pack import HOST, collect, lab_inventory, scanned_store, secret_values


def _verify(pack: Path) -> Any:
    return CliRunner().invoke(cli, ["evidence", "verify", str(pack)])


@pytest.mark.lab
def test_pack_for_the_planted_account(lab: Any, tmp_path: Path) -> None:
    store_url = scanned_store(tmp_path)
    pack = tmp_path / "pack"
    # The register name, as the facility report shows it: egw-his in facility 75901.
    result = collect(store_url, pack, "--account", "egw-his", "--facility", "75901")
    assert result.exit_code == 0, result.output
    manifest = json.loads((pack / "manifest.json").read_text())
    body = manifest["manifest"]
    items = body["items"]
    files = {i["source_path"] for i in items if i["kind"] == "file"}
    # The planted portal credential files of his-app-01 are copied.
    assert {
        "/opt/his/appsettings.json",
        "/opt/his/HisClient.exe.config",
        "/etc/cron.daily/bhxh-sync",
    } <= files
    kinds = {i["kind"] for i in items}
    assert {"file", "log", "facts"} <= kinds
    assert any(i["kind"] == "log" and i["source_path"] == "/var/log/his/access.log" for i in items)
    for item in items:
        assert (
            item["host"] == HOST and len(item["sha256"]) == 64 and item["collector"] and item["collected_at"]
        )
    assert body["secrets"]["vi"] and body["subject"]["username"] == "75901_BV"
    # 0700 directory, 0600 files
    assert stat.S_IMODE(pack.stat().st_mode) == 0o700
    for path in pack.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path

    verified = _verify(pack)
    assert verified.exit_code == 0, verified.output
    assert f"{len(items)} items" in verified.output

    # The marker on the host lists what was copied, root only.
    marker = body["markers"][HOST]
    seen = lab.ssh(HOST).run(f"stat -c %a {marker} && cat {marker}", sudo=True)
    assert seen.status == 0 and seen.stdout.startswith("600\n")
    assert "/opt/his/appsettings.json" in seen.stdout

    # Canary: no secret value outside the copied files; and the copied files do hold one
    # (so the grep below can fail).
    secrets = secret_values(lab_inventory())
    copied = b"".join((pack / i["stored_as"]).read_bytes() for i in items if i["kind"] == "file")
    assert any(s.encode() in copied for s in secrets)
    others = [pack / "manifest.json"] + [pack / i["stored_as"] for i in items if i["kind"] != "file"]
    for path in others:
        data = path.read_bytes()
        leaked = [i for i, s in enumerate(secrets) if s.encode() in data]
        assert not leaked, f"{path.name}: secret #{leaked} in the clear"
    assert not [s for s in secrets if s in result.output]

    # One byte changed in one item is detected, and so is an edited manifest.
    victim = pack / next(i["stored_as"] for i in items if i["kind"] == "file")
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    tampered = _verify(pack)
    assert tampered.exit_code == 1 and "SHA-256 differs" in tampered.output
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    assert _verify(pack).exit_code == 0
    manifest["manifest"]["hosts"] = ["elsewhere"]
    (pack / "manifest.json").write_text(json.dumps(manifest))
    edited = _verify(pack)
    assert edited.exit_code == 1 and "signature" in edited.output


@pytest.mark.lab
def test_pack_by_finding_fingerprint(lab: Any, tmp_path: Path) -> None:
    from hisguard.scanners.store import Store

    store_url = scanned_store(tmp_path)
    store = Store(store_url, read_only=True)
    try:
        (run,) = store.runs("75901")
        finding = next(
            f for f in store.load_run(run.id).findings if f.resource == "/opt/his/appsettings.json"
        )
    finally:
        store.close()
    pack = tmp_path / "pack"
    result = collect(store_url, pack, "--finding", finding.fingerprint)
    assert result.exit_code == 0, result.output
    items = json.loads((pack / "manifest.json").read_text())["manifest"]["items"]
    assert [i["source_path"] for i in items if i["kind"] == "file"] == ["/opt/his/appsettings.json"]
    assert _verify(pack).exit_code == 0
