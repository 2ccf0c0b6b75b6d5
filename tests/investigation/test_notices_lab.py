"""On the lab: a pack for the planted account on his-app-01 and ws-01, its timeline and notices;
then credential_store keeps a revoked account's file until a pack covers it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from hisguard.reports.investigation.timeline import as_dict
from hisguard.reports.investigation.trace import build_timeline
from hisguard.scanners.cli import cli
from hisguard.scanners.credentials.scanner import run_facility
from hisguard.scanners.store import Store
from tests.investigation.lab_pack import FACILITY, INVENTORY, VAULT, collect, lab_inventory, secret_values
from tests.roles.ansible_run import HARDEN, run_playbook

HOSTS = ("his-app-01", "ws-01")
STORE_DIR = "/etc/hisguard/portal-credentials"


@pytest.fixture(scope="module", autouse=True)
def _fresh_hosts_afterwards(lab: Any) -> Iterator[None]:
    """The markers and the store written here must not reach later test modules."""
    yield
    lab.reset(["his-app-01"])


def _store(tmp: Path) -> str:
    inventory = lab_inventory()
    facility = inventory.facility(FACILITY)
    run = run_facility(facility, [h for h in facility.hosts if h.name in HOSTS], [], budget=600)
    url = f"sqlite:///{tmp / 'store.db'}"
    store = Store(url)
    try:
        store.save_runs([run])
    finally:
        store.close()
    return url


def _word_text(path: Path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.lab
def test_pack_timeline_and_notices_for_the_planted_account(lab: Any, tmp_path: Path) -> None:
    url = _store(tmp_path)
    pack = tmp_path / "pack"
    collected = collect(url, pack, "--account", "egw-his", "--facility", FACILITY)
    assert collected.exit_code == 0, collected.output
    assert CliRunner().invoke(cli, ["evidence", "verify", str(pack)]).exit_code == 0
    items = json.loads((pack / "manifest.json").read_text())["manifest"]["items"]
    assert {i["host"] for i in items} == set(HOSTS)

    inventory = lab_inventory()
    store = Store(url, read_only=True)
    try:
        timeline = build_timeline(
            "egw-his", inventory=inventory, facility=FACILITY, store=store, pack_root=pack
        )
    finally:
        store.close()
    kinds = {(o.kind, o.host) for o in timeline.observations}
    assert {("first_seen", "his-app-01"), ("first_seen", "ws-01"), ("not_allowed", "ws-01")} <= kinds
    assert ("bundle", "his-app-01") in kinds  # the Vite bundle under the web root
    # The planted access log's /api/egw call, cited by the item that holds it and its hash (the log
    # may be in the pack twice: its excerpt, and a copy of the file when a scan found the account in it).
    web = {i["id"]: i["sha256"] for i in items if i["source_path"] == "/var/log/his/access.log"}
    uses = [o for o in timeline.observations if o.kind == "portal_use"]
    cited = [c.ref for o in uses for c in o.cites if c.ref in web and c.sha256 == web[c.ref]]
    assert cited, [(o.text.en, o.cites) for o in uses]
    # root's shell history on his-app-01 calls the egw token URL.
    assert ("history", "his-app-01") in kinds
    assert all(o.cites for o in (*timeline.observations, *timeline.signals))
    data = json.dumps(as_dict(timeline, "vi"), ensure_ascii=False)

    out = tmp_path / "notices"
    made = CliRunner().invoke(
        cli,
        [
            "evidence", "notices", "--account", "egw-his", "--facility", FACILITY, "--store", url,
            "-i", str(INVENTORY), "--vault-password-file", str(VAULT), "--pack", str(pack), "--out", str(out),
        ],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    police = _word_text(out / "bao-cao-cong-an-so-y-te.docx")
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: ......./BC-",
        "Công an tỉnh Đồng Nai",
        "Nơi nhận:",
    ):
        assert part in police, part
    manifest_sha = hashlib.sha256((pack / "manifest.json").read_bytes()).hexdigest()
    assert manifest_sha in police and cited[0] in police
    breach = _word_text(out / "thong-bao-vi-pham-du-lieu-ca-nhan.docx")
    assert "72 giờ" in breach and "Cục An ninh mạng" in breach and "chưa đối chiếu" in breach
    assert "Kính gửi: Bảo hiểm xã hội tỉnh Đồng Nai" in _word_text(out / "cong-van-bhxh-khoa-tai-khoan.docx")

    # Canary: the copied files hold a secret (so the search can fail); nothing else does.
    secrets = secret_values(inventory)
    copied = b"".join((pack / i["stored_as"]).read_bytes() for i in items if i["kind"] == "file")
    assert any(s.encode() in copied for s in secrets)
    others = [
        (pack / "manifest.json").read_bytes(),
        data.encode(),
        made.output.encode(),
        collected.output.encode(),
    ]
    others += [(pack / i["stored_as"]).read_bytes() for i in items if i["kind"] != "file"]
    for notice in out.glob("*.docx"):
        with zipfile.ZipFile(notice) as word:
            others += [word.read(name) for name in word.namelist()]
    others += [p.read_bytes() for p in out.glob("*.pdf")]
    leaked = [n for n, blob in enumerate(others) for s in secrets if s.encode() in blob]
    assert not leaked, f"secret in the clear in output #{leaked}"


@pytest.mark.lab
def test_a_revoked_accounts_store_file_is_kept_until_a_pack_covers_it(lab: Any, tmp_path: Path) -> None:
    host = "his-app-01"
    left = f"{STORE_DIR}/giamdinh-cu"  # the lab register's revoked account
    planted = lab.ssh(host).run(
        f"install -d -m 0750 {STORE_DIR} && printf 'old-value-of-a-revoked-account' > {left} && chmod 0440 "
        f"{left}"
        " && rm -rf /var/lib/hisguard/evidence",
        sudo=True,
    )
    assert planted.status == 0, planted.stderr
    (tmp_path / "a").mkdir()
    kept = run_playbook(HARDEN, tmp_path / "a", limit=host, extra=["--tags", "credential_store"])
    assert kept.returncode == 0, kept.tail()
    assert f"kept {left}" in " ".join(kept.output.split())
    assert lab.ssh(host).run(f"test -f {left}", sudo=True).status == 0
    listing = lab.ssh(host).run(f"ls {STORE_DIR}", sudo=True).stdout.split()
    assert "giamdinh-cu" in listing and any(name.startswith("egw-his") for name in listing)

    # A marker that lists the file as it is now (what `evidence collect` leaves) lets it go.
    marker = lab.ssh(host).run(
        f"install -d -m 0700 /var/lib/hisguard/evidence && sha256sum {left} > "
        f"/var/lib/hisguard/evidence/EV-test.list",
        sudo=True,
    )
    assert marker.status == 0, marker.stderr
    (tmp_path / "b").mkdir()
    removed = run_playbook(HARDEN, tmp_path / "b", limit=host, extra=["--tags", "credential_store"])
    assert removed.returncode == 0, removed.tail()
    assert lab.ssh(host).run(f"test -e {left}", sudo=True).status != 0
    assert "old-value-of-a-revoked-account" not in removed.output
