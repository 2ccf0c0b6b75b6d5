"""Every form of tests/credentials/forms_data.py: its secrets are found, its decoys stay silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.credentials.forms_data import DECOYS, POSITIVES
from tests.credentials.helpers import secrets, write


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_form_is_found(tmp_path: Path, name: str) -> None:
    rel, content, expected = POSITIVES[name]
    write(tmp_path, rel, content)
    found = {(o.line, o.secret_kind) for o in secrets(tmp_path)}
    assert found == expected


@pytest.mark.parametrize("name", sorted(DECOYS))
def test_decoy_is_silent(tmp_path: Path, name: str) -> None:
    rel, content = DECOYS[name]
    write(tmp_path, rel, content)
    assert [(o.line, o.key, o.secret_kind) for o in secrets(tmp_path)] == []


def test_sql_server_literal_prefix_leaves_the_username(tmp_path: Path) -> None:
    """N'75123_BV' is the user 75123_BV: the N prefix must not stay on it (register matching)."""
    rel, content, _ = POSITIVES["ssms-key-value"]
    write(tmp_path, rel, content)
    found = secrets(tmp_path)
    assert [o.username for o in found] == ["75123_BV"]


def test_combined_value_gives_the_user(tmp_path: Path) -> None:
    rel, content, _ = POSITIVES["userpass-colon-tc"]
    write(tmp_path, rel, content)
    assert [o.username for o in secrets(tmp_path)] == ["75123_TC"]


def test_netrc_names_the_user(tmp_path: Path) -> None:
    rel, content, _ = POSITIVES["netrc-multiline"]
    write(tmp_path, rel, content)
    assert [(o.username, o.portal_class) for o in secrets(tmp_path)] == [("75123_BV", "facility")]


def test_log_secret_is_one_finding_with_every_line(tmp_path: Path) -> None:
    from hisguard.scanners.credentials.rules import default_rules
    from hisguard.scanners.credentials.scanner import run_local
    from tests.credentials.forms_data import MD5_LOW

    line = (
        '10.1.2.3 - - [03/Dec/2025:08:{m:02d}:02 +0700] "GET /api/egw/Lskcb2025?username=75123_BV&password='
        + MD5_LOW
        + ' HTTP/1.1" 200 51 "-" "HIS"\n'
    )
    filler = '10.1.2.3 - - [03/Dec/2025:08:00:00 +0700] "GET /static/app.js HTTP/1.1" 200 9 "-" "HIS"\n'
    text = "".join(line.format(m=m) + filler * 3 for m in range(40))
    write(tmp_path, "var/log/nginx/access.log", text)
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    c04 = [f for f in run.findings if f.check_id == "C04"]
    assert len(c04) == 1
    assert c04[0].details["lines"] == [1 + 4 * m for m in range(40)]


def test_very_long_log_says_how_many_lines_were_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hisguard.scanners.credentials import report
    from hisguard.scanners.credentials.rules import default_rules
    from hisguard.scanners.credentials.scanner import run_local
    from tests.credentials.forms_data import JWT

    monkeypatch.setattr(report, "MAX_LINES", 10)
    line = f"GET /api/egw/Lskcb2025?token={JWT}&username=75123_BV 200\n"
    write(tmp_path, "var/log/his/egw.log", line * 15)
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    (finding,) = [f for f in run.findings if f.check_id == "C04"]
    assert finding.details["lines"] == list(range(1, 11))
    assert finding.details["lines_truncated"] == 5
