"""Every scanner hisguard has, by name: its Scanner class and its ``hisguard scan NAME`` command.

Adding a scanner (Windows hosts over SMB/WinRM, say) is one package that implements
:class:`hisguard.scanners.interface.Scanner` plus one line below; ``scan all`` and
``hisguard scan --help`` pick it up from here. Classes and commands are imported only when used,
so a scanner's dependencies (nmap, paramiko, ...) cost nothing to the other commands.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from hisguard.scanners.interface import Scanner


@dataclass(frozen=True)
class Entry:
    name: str
    scanner: str  # "module:Class" implementing Scanner, built without arguments
    command: str  # "module:attribute" of its click command
    catalog: str  # "module:function" loading its catalog (which registers its check ids)


_S = "hisguard.scanners"
ENTRIES = (
    Entry(
        "credentials",
        f"{_S}.credentials.scanner:CredentialsScanner",
        f"{_S}.credentials.command:credentials_command",
        f"{_S}.credentials.rules:default_rules",
    ),
    Entry(
        "config",
        f"{_S}.config.scanner:ConfigScanner",
        f"{_S}.config.command:config_command",
        f"{_S}.config.catalog:catalog",
    ),
    Entry(
        "network",
        f"{_S}.network.scanner:NetworkScanner",
        f"{_S}.network.command:network_command",
        f"{_S}.network.risks:risk_table",
    ),
    Entry(
        "windows",
        f"{_S}.windows.scanner:WindowsScanner",
        f"{_S}.windows.command:windows_command",
        f"{_S}.windows.config:catalog",
    ),
)


def names() -> tuple[str, ...]:
    return tuple(entry.name for entry in ENTRIES)


def _load(reference: str) -> Any:
    module_name, attribute = reference.split(":")
    return getattr(importlib.import_module(module_name), attribute)


def scanner(name: str) -> Scanner[Any, Any]:
    """A fresh instance of the scanner called ``name``."""
    for entry in ENTRIES:
        if entry.name == name:
            cls = _load(entry.scanner)
            instance = cls()
            if not isinstance(instance, Scanner) or instance.name != name:
                raise TypeError(f"{entry.scanner} is not the Scanner {name!r}")
            return instance
    raise KeyError(name)


def commands() -> dict[str, str]:
    """``hisguard scan`` sub-command name -> "module:attribute", for the CLI's lazy group."""
    return {entry.name: entry.command for entry in ENTRIES}
