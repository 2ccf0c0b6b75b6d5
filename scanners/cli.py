"""The ``hisguard`` command: a thin layer that parses options and hands over to the modules.

Every user-caused error is a HisguardError; it is printed as one line and the exit status is 2.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from typing import Any

import click

from hisguard.scanners import __version__, registry
from hisguard.scanners.cli_options import facility_code, inventory_options, open_inventory
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.inventory import Facility, shared_vault_warnings
from hisguard.scanners.terminal import terminal_safe
from hisguard.scanners.windows.target import is_windows, reached_by


class LazyGroup(click.Group):
    """A group whose sub-commands are imported only when used.

    Each package's command pulls in its own dependencies (nmap, paramiko, WeasyPrint, ...);
    importing them all for every call would add half a second to each command.
    """

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)


# Commands of the other packages: name -> "module:attribute", each registered once it works.
TOP_COMMANDS = {
    "report": "hisguard.reports.cli:report_command",
    "lab": "hisguard.lab.cli:lab",
    "waivers": "hisguard.scanners.waivers.command:waivers",
    "history": "hisguard.reports.history.command:history",
    "ingest": "hisguard.scanners.ingest.command:ingest",
    "evidence": "hisguard.reports.investigation.command:evidence",
    "documents": "hisguard.reports.documents.command:documents",
}
# Every registered scanner's command (scanners/registry.py), and ``all`` that runs them all.
SCAN_COMMANDS = {**registry.commands(), "all": "hisguard.scanners.scan_all_command:scan_all_command"}


@click.group(
    cls=LazyGroup,
    lazy=TOP_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
)
@click.version_option(__version__, prog_name="hisguard")
def cli() -> None:
    """hisguard: scan and harden the IT fleet of a BHYT medical facility."""


@cli.group()
def inventory() -> None:
    """Read the facility inventory."""


@inventory.command("show")
@inventory_options
@click.option("--facility", callback=facility_code, help="5-digit facility code (default: all).")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
def inventory_show(
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    facility: str | None,
    output_format: str,
) -> None:
    """Show the facilities and hosts an inventory declares (never a secret)."""
    inv = open_inventory(inventory_paths, vault_password_file)
    for warning in shared_vault_warnings(inv):  # one line per vault secret
        click.echo(f"hisguard: warning: {terminal_safe(warning)}", err=True)
    facilities = inv.select(facility)
    if output_format == "json":
        click.echo(json.dumps([_facility_doc(f) for f in facilities], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from hisguard.scanners.terminal import cell

    console = Console()
    for fac in facilities:
        table = Table(title=cell(f"{fac.code} · {fac.name} · {fac.province}"))
        for column in ("host", "address", "groups", "allowed TCP ports", "reached by"):
            table.add_column(column)
        for host in fac.hosts:
            table.add_row(
                cell(host.name),
                cell(f"{host.address}:{host.port}"),
                cell(", ".join(g for g in host.groups if not g.startswith("facility_"))),
                cell(", ".join(str(p) for p in host.allowed_tcp_ports)),
                cell(reached_by(host)),
            )
        console.print(table)
        console.print(
            cell(
                f"networks: {', '.join(map(str, fac.networks))}  "
                f"exclude: {', '.join(map(str, fac.scan_exclude)) or '-'}  "
                f"management: {', '.join(map(str, fac.management_networks)) or '-'}  "
                f"portal accounts: {len(fac.portal_accounts)}"
            )
        )


def _facility_doc(fac: Facility) -> dict[str, Any]:
    return {
        "code": fac.code,
        "name": fac.name,
        "province": fac.province,
        "networks": [str(n) for n in fac.networks],
        "scan_exclude": [str(n) for n in fac.scan_exclude],
        "management_networks": [str(n) for n in fac.management_networks],
        "review_period_months": fac.review_period_months,
        "portal_accounts": [
            {
                "name": a.name,
                "username": a.username,
                "holder": a.holder,
                "purpose": a.purpose,
                "allowed_hosts": list(a.allowed_hosts),
                "granted": a.granted.isoformat() if a.granted else None,
                "reviewed": a.reviewed.isoformat() if a.reviewed else None,
                "department": a.department,
                "holder_id": a.holder_id,
                "scope": list(a.scope),
                "decision": (
                    {
                        "number": a.decision.number,
                        "date": a.decision.signed.isoformat(),
                        "signer": a.decision.signer,
                    }
                    if a.decision
                    else None
                ),
                "status": a.status,
                "revoked": a.revoked.isoformat() if a.revoked else None,
                "held_at": a.held_at,
                "review": (
                    {
                        "date": a.review.reviewed.isoformat(),
                        "reviewer": a.review.reviewer,
                        "outcome": a.review.outcome,
                    }
                    if a.review
                    else None
                ),
                "password_changed": a.password_changed.isoformat() if a.password_changed else None,
                "missing": list(a.missing),
                "password_in_vault": a.password is not None,
            }
            for a in fac.portal_accounts
        ],
        "hosts": [
            {
                "name": h.name,
                "address": h.address,
                "port": h.port,
                "user": h.user,
                "groups": list(h.groups),
                "allowed_tcp_ports": list(h.allowed_tcp_ports),
                "windows": is_windows(h),
                "reached_by": reached_by(h),
            }
            for h in fac.hosts
        ],
    }


@cli.group(cls=LazyGroup, lazy=SCAN_COMMANDS)
def scan() -> None:
    """Scan the fleet: credentials, configuration, network."""


def _quiet_libraries() -> None:
    """Libraries log to stderr when nobody listens (paramiko prints whole tracebacks for a host
    that drops the connection); hisguard reports those as one-line run errors instead."""
    for name in ("paramiko", "nmap"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False


def main() -> None:
    _quiet_libraries()
    try:
        # Scan commands return their exit status (0, 1 findings, 2 failed run).
        status = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("hisguard: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 1 or isinstance(exc, click.UsageError) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except HisguardError as exc:
        # The message may quote a file name or a host's answer: escaped, it stays one line.
        click.echo(f"hisguard: error: {terminal_safe(exc)}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("hisguard: interrupted", err=True)
        sys.exit(130)
    sys.exit(status if isinstance(status, int) else 0)
