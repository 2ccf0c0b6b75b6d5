"""Planted canary secrets never reach the output, the log, the store or an exception."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from hisguard.scanners.cli import cli
from tests.credentials.helpers import write

CANARIES = [
    "CanaryPw!9137",
    "c4n4ry0000000000000000000000beef",
    "eyJhbGciOiJIUzI1NiJ9.Y2FuYXJ5dG9rZW4.c2lnbmF0dXJlY2FuYXJ5",
]


def test_canaries_stay_inside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tree = tmp_path / "tree"
    write(tree, "opt/his/.env", f"BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD={CANARIES[0]}\n")
    write(tree, "opt/his/appsettings.json", '{"BHXH": {"Password": "' + CANARIES[1] + '"}}\n')
    write(tree, "var/log/egw.log", f"GET /api/egw/Lskcb2025?token={CANARIES[2]}&username=75901_BV 200\n")
    store = tmp_path / "store.db"
    runner = CliRunner()
    caplog.set_level(logging.DEBUG)
    outputs = []
    for fmt in ("json", "table"):
        result = runner.invoke(
            cli,
            [
                "scan",
                "credentials",
                "--path",
                str(tree),
                "--format",
                fmt,
                "--store",
                f"sqlite:///{store}",
                "--lang",
                "en",
            ],
            standalone_mode=False,
        )
        assert result.exception is None, repr(result.exception)
        outputs.append(result.output)
    document = json.loads(outputs[0])
    assert {f["check_id"] for f in document["findings"]} >= {"C01", "C04"}
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.connect() as conn:
        rows = []
        for table in ("runs", "findings", "scan_errors", "tracked"):
            rows.extend(str(tuple(r)) for r in conn.execute(sa.text(f"SELECT * FROM {table}")))
    engine.dispose()
    assert rows
    everything = "\n".join([*outputs, caplog.text, *rows])
    for canary in CANARIES:
        assert canary not in everything
        assert canary.lower() not in everything.lower()


def test_secret_repr_is_hidden(tmp_path: Path) -> None:
    from tests.credentials.helpers import secrets

    write(tmp_path, ".env", f"BHXH_EGW_PASSWORD={CANARIES[0]}\n")
    found = secrets(tmp_path)
    assert found and CANARIES[0] not in repr(found) and CANARIES[0] not in str(found)
