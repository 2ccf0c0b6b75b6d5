"""Running ``hisguard`` in-process, the way the console script does (exit status included)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from hisguard.scanners.cli import main


@dataclass(frozen=True)
class Result:
    status: int
    out: str
    err: str


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Result:
    monkeypatch.setattr(sys, "argv", ["hisguard", *args])
    capsys.readouterr()  # drop anything printed before
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    code = exit_info.value.code
    return Result(code if isinstance(code, int) else 1, captured.out, captured.err)
