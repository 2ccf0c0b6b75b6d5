"""The evidence pack on disk, without a lab: hashes, signature, tampering, redaction, lookup."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from hisguard.lab import vault as lab_vault
from hisguard.reports.investigation.lookup import username_for
from hisguard.scanners.cli import cli
from hisguard.scanners.credentials.redact import secret_fingerprint
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.evidence.pack import EvidenceError, PackWriter, verify_pack
from hisguard.scanners.evidence.redaction import Redactor
from hisguard.scanners.inventory import load_inventory
from tests.conftest import REPO
from tests.entry_point import hisguard

SECRET = "Kh0ngDuocLo!2025"
LAB = REPO / "inventories/lab"


def _pack(root: Path) -> Path:
    writer = PackWriter(root, "EV-test", {"subject": {"account": "egw-his"}})
    writer.add(
        "file",
        "his-app-01",
        "/opt/his/appsettings.json",
        b'{"Password": "x"}\n',
        collected_at="2026-01-01T00:00:00+00:00",
        collector="t",
    )
    writer.add(
        "log",
        "his-app-01",
        "/var/log/auth.log",
        b"sshd: Accepted publickey\n",
        collected_at="2026-01-01T00:00:00+00:00",
        collector="t",
        redacted=True,
    )
    writer.finish()
    return root


def test_a_pack_verifies_and_is_private(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "p")
    assert verify_pack(pack).ok and verify_pack(pack).items == 2
    assert stat.S_IMODE(pack.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in pack.rglob("*") if p.is_file())
    # The folders between the pack and its items too, whatever the umask.
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in pack.rglob("*") if p.is_dir())
    with pytest.raises(EvidenceError, match="never overwritten"):
        PackWriter(pack, "EV-again", {})


def test_one_changed_byte_an_added_file_and_an_edited_manifest_are_detected(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "p")
    item = next((pack / "items").rglob("*appsettings*"))
    item.write_bytes(item.read_bytes().replace(b"x", b"y"))
    assert any("SHA-256 differs" in p for p in verify_pack(pack).problems)

    pack = _pack(tmp_path / "q")
    (pack / "items/his-app-01/extra").write_bytes(b"planted later")
    assert any("not in the manifest" in p for p in verify_pack(pack).problems)

    pack = _pack(tmp_path / "r")
    doc = json.loads((pack / "manifest.json").read_text())
    doc["manifest"]["items"][0]["host"] = "his-app-02"
    (pack / "manifest.json").write_text(json.dumps(doc))
    assert any("signature" in p for p in verify_pack(pack).problems)


def test_a_pack_signed_with_another_key_does_not_verify(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "p")
    assert not verify_pack(pack, key=b"another installation key 0123456").ok


def test_verify_command_and_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _pack(tmp_path / "p")
    ok = CliRunner().invoke(cli, ["evidence", "verify", str(pack)])
    assert ok.exit_code == 0 and "2 items" in ok.output
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk/manifest.json").write_text("{not json")
    code, _out, err = hisguard(["evidence", "verify", str(tmp_path / "junk")], monkeypatch, capsys)
    assert code == 2 and "cannot be read" in err and len(err.strip().splitlines()) == 1


def test_log_lines_lose_every_secret() -> None:
    import hashlib

    md5 = hashlib.md5(SECRET.encode(), usedforsecurity=False).hexdigest()
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3NTkwMSJ9.c2lnbmF0dXJl"
    lines = [
        f"GET /api/egw/NhanLichSuKCB2018?token={jwt}&username=75901_BV&password={md5.upper()} 200",
        f"curl -s -u 75901_BV:{SECRET} https://egw.baohiemxahoi.gov.vn/api/token/take",
        f'{{"username":"75901_BV","password":"{SECRET}"}}',
        f"export BHXH_PASSWORD={SECRET[::-1]}",
    ]
    out = Redactor([SECRET]).text("\n".join(lines).encode()).decode()
    for value in (SECRET, md5, md5.upper(), jwt, SECRET[::-1]):
        assert value not in out
    assert "75901_BV" in out and "NhanLichSuKCB2018" in out  # what the investigation needs stays


def test_an_account_is_found_by_name_username_or_fingerprint() -> None:
    inventory = load_inventory([LAB], str(LAB / "vault-password.txt"), lab_vault.vault_ids())
    (account,) = [a for a in inventory.facility("75901").portal_accounts if a.name == "egw-his"]
    assert account.password is not None
    fp = secret_fingerprint(account.password.reveal())
    assert username_for("egw-his", inventory, "75901") == "75901_BV"
    assert username_for("75901_bv", inventory) == "75901_BV"
    assert username_for(f"fp {fp}", inventory) == "75901_BV"
    with pytest.raises(HisguardError, match="several facilities"):
        username_for("egw-his", inventory)
    assert username_for("99999_XX", inventory) == "99999_XX"
