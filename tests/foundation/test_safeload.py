"""Bounded YAML/JSON reading: alias bombs, deep nesting, huge numbers, FIFOs are one-line refusals."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import load_inventory
from hisguard.scanners.safeload import (
    InputError,
    load_json_bytes,
    load_yaml_file,
    load_yaml_text,
    read_regular_file,
)

MEMORY_CAP = 1536 * 1024 * 1024  # the child's address space: far above a normal load, far below a bomb

HEAD = """\
all:
  children:
    facility_75901:
      hosts:
        h1: {ansible_host: 198.18.0.10}
      vars:
        facility_name: Bomb
        facility_networks: [198.18.0.0/24]
"""


def alias_bomb(indent: str = "        ", levels: int = 9) -> str:
    """The classic nested-alias document: 9 levels of 9 references, ~387 million strings."""
    lines = [f'{indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for level in range(1, levels):
        refs = ",".join([f"*{names[level - 1]}"] * 9)
        lines.append(f"{indent}{names[level]}: &{names[level]} [{refs}]")
    return "\n".join(lines) + "\n"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [sys.executable, "-m", "hisguard", *args],
        capture_output=True,
        text=True,
        timeout=300,  # a bound, not a timing goal: main took minutes and gigabytes here
        preexec_fn=cap,
        check=False,
    )


def assert_one_line_exit_2(done: subprocess.CompletedProcess[str], expected: str) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr[-500:]
    assert len(lines) == 1 and lines[0].startswith("hisguard: error: "), lines[:3]
    assert expected in lines[0]


def test_alias_bomb_inventory_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text(HEAD + alias_bomb(), encoding="utf-8")
    assert path.stat().st_size < 1300
    done = run_cli("inventory", "show", "-i", str(path))
    assert_one_line_exit_2(done, "expands to more than")
    assert "hosts.yml" in done.stderr


def test_alias_bomb_in_group_vars_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "hosts.yml").write_text(HEAD, encoding="utf-8")
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "all.yml").write_text(alias_bomb(indent=""), encoding="utf-8")
    with pytest.raises(InventoryError, match=r"group_vars/all\.yml: expands to more than"):
        load_inventory([tmp_path / "hosts.yml"])


def test_deep_nesting_is_refused_without_crashing_the_parser(tmp_path: Path) -> None:
    # libyaml's composer recurses in C: 200,000 levels kill the interpreter (SIGSEGV) on main.
    path = tmp_path / "hosts.yml"
    path.write_text(HEAD + "        deep: " + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    done = run_cli("inventory", "show", "-i", str(path))
    assert_one_line_exit_2(done, "nested deeper than")


def test_a_fifo_as_inventory_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "hosts.yml"
    os.mkfifo(fifo)
    done = run_cli("inventory", "show", "-i", str(fifo))
    assert_one_line_exit_2(done, "not a regular file")


def test_legitimate_aliases_and_merge_keys_still_load() -> None:
    text = "base: &base {user: quantri, port: 22}\nhost: {<<: *base, port: 2222}\nlist: [*base, *base]\n"
    data = load_yaml_text(text, "t.yml")
    assert data["host"] == {"user": "quantri", "port": 2222}
    assert data["list"] == [{"user": "quantri", "port": 22}] * 2


def test_yaml_file_bounds(tmp_path: Path) -> None:
    big = tmp_path / "big.yml"
    big.write_text("k: " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="more than the limit of 1,000"):
        load_yaml_file(big, max_bytes=1000)
    binary = tmp_path / "bin.yml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        load_yaml_file(binary)
    bad_date = tmp_path / "d.yml"
    bad_date.write_text("until: 2025-02-30\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d\.yml: not valid YAML"):
        load_yaml_file(bad_date)
    with pytest.raises(InputError, match="not a regular file"):
        read_regular_file("/dev/zero", 1000)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper than"),
        (b'{"a":' * 70 + b"1" + b"}" * 70, "nested deeper than 64"),
        (b'{"line": ' + b"9" * 5000 + b"}", "integer out of range"),
        (b'{"line": 1e999}', "out of range"),
        (b'{"line": NaN}', "NaN is not a number"),
        (b'{"host": "\\ud800"}', "lone surrogate"),
        (b'{"a": 1', "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_hostile_json_is_one_input_error(data: bytes, expected: str) -> None:
    with pytest.raises(InputError, match=expected) as info:
        load_json_bytes(data, where="doc.json")
    assert "\n" not in str(info.value) and str(info.value).startswith("doc.json: ")


def test_json_size_bound_and_good_json() -> None:
    with pytest.raises(InputError, match="more than the limit"):
        load_json_bytes(b"[1, 2, 3]", max_bytes=5)
    assert load_json_bytes(b'{"a": [1, 2.5, "\\u00e9", null, true]}') == {"a": [1, 2.5, "é", None, True]}
