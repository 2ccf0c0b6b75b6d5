"""Hostile names and content reaching the terminal, and file names that are not UTF-8 (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from hisguard.scanners.findings import display_path, fingerprint
from hisguard.scanners.output import render_json, render_table
from hisguard.scanners.terminal import terminal_safe
from tests.foundation.factories import make_finding, make_run

SECRET_LINE = b"BHXH_EGW_PASSWORD=Hd9!zz00\n"
OSC_TITLE = "\x1b]0;pwned\x07"
OSC_LINK = "\x1b]8;;http:__198.18.0.99_\x1b\\click\x1b]8;;\x1b\\.env"


def hisguard(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "hisguard", *args], capture_output=True, timeout=300, check=False
    )


def test_terminal_safe_escapes_controls_bidi_and_surrogates_but_keeps_vietnamese() -> None:
    assert terminal_safe("Bệnh viện Đa khoa") == "Bệnh viện Đa khoa"
    assert terminal_safe(OSC_TITLE) == "\\x1b]0;pwned\\x07"
    assert terminal_safe("a\nb\r\tc\x9b") == "a\\x0ab\\x0d\\x09c\\x9b"
    assert terminal_safe("evil\u202ecod.exe") == "evil\\u202ecod.exe"
    assert terminal_safe("cfg\udcff.env") == "cfg\\xff.env" and terminal_safe("\ud800") == "\\ud800"


def test_paths_keep_their_bytes_in_the_fingerprint_and_show_escaped() -> None:
    raw = os.fsdecode(b"/tmp/cfg\xff\xfe.env")
    assert display_path(raw) == display_path(b"/tmp/cfg\xff\xfe.env") == "/tmp/cfg\\xff\\xfe.env"
    key = b"k" * 32
    # Different bytes, different findings, even if the escaped forms were typed in literally.
    assert fingerprint("C01", "h", raw, "x", key=key) != fingerprint(
        "C01", "h", display_path(raw), "x", key=key
    )
    # A valid UTF-8 name's fingerprint is what it always was (the bytes are its UTF-8).
    assert fingerprint("C01", "h", "/tmp/bệnh.env", "x", key=key) == fingerprint(
        "C01", "h", "/tmp/bệnh.env".encode(), "x", key=key
    )


@pytest.mark.parametrize(
    "evidence",
    ["[/]password", "[bold]x[/bold] [/]", "[link=http://198.18.0.99/]/etc/shadow[/link]", OSC_TITLE],
)
def test_the_table_shows_markup_and_escapes_literally(evidence: str) -> None:
    finding = replace(make_finding(), evidence=evidence, resource=f"/srv/{evidence}.env")
    table = render_table([make_run((finding,))], width=400)
    assert "\x1b" not in table and "\x07" not in table
    shown = terminal_safe(evidence)
    assert shown in table and f"/srv/{shown}.env" in table


def test_a_scan_of_non_utf8_and_escape_named_files_completes(tmp_path: Path) -> None:
    names = [b"cfg\xff\xfe.env", f"esc{OSC_TITLE}.env".encode(), b"[link=http:__x]a.env", OSC_LINK.encode()]
    for name in names:
        (tmp_path / os.fsdecode(name)).write_bytes(SECRET_LINE)
    args = ["scan", "credentials", "--path", str(tmp_path), "--facility", "75901", "--no-store"]
    table = hisguard(*args)
    assert table.returncode == 1, table.stderr.decode(errors="replace")[-400:]
    table.stdout.decode("utf-8")  # valid UTF-8 (the table's own wrapping is tested above)
    assert b"\x1b" not in table.stdout and b"\x07" not in table.stdout
    doc = json.loads(hisguard(*args, "--format", "json").stdout)
    resources = {Path(f["resource"]).name for f in doc["findings"]}
    assert resources == {
        terminal_safe(os.fsdecode(n)) if n.startswith(b"cfg") else os.fsdecode(n) for n in names
    }
    assert len({f["fingerprint"] for f in doc["findings"]}) == len(names)


def test_render_json_of_a_surrogate_resource_is_valid_utf8() -> None:
    finding = replace(make_finding(), resource=display_path(os.fsdecode(b"/x/\xff")))
    render_json([make_run((finding,))]).encode("utf-8")


def test_inventory_show_prints_a_hostile_facility_name_literally(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text(
        "all:\n  children:\n    facility_75901:\n      vars:\n"
        '        facility_name: "[/]Trạm [link=http://198.18.0.99/]y tế\\e]0;pwned\\a"\n'
        '        facility_networks: ["198.18.0.0/24"]\n'
        "      hosts:\n        app1: {ansible_host: 198.18.0.10}\n",
        encoding="utf-8",
    )
    done = hisguard("inventory", "show", "-i", str(path))
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-300:]
    out = done.stdout.decode("utf-8")
    assert b"\x1b" not in done.stdout  # the title wraps: look for its parts
    assert "[/]Trạm [link=http://198.18.0.99/]y" in out and "\\x1b]0;pwned\\x07" in out
