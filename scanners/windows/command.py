"""``hisguard scan windows``: the inventory's Windows hosts, without an agent."""

from __future__ import annotations

import click

from hisguard.scanners.cli_options import ScanSession, scan_command
from hisguard.scanners.findings import Run
from hisguard.scanners.windows.scan import WindowsOptions
from hisguard.scanners.windows.scanner import WindowsScanner


@scan_command("windows")
@click.option("--no-files", is_flag=True, help="Do not read the disks over SMB.")
@click.option("--no-config", is_flag=True, help="Do not run the configuration facts script.")
@click.option("--time-budget", type=click.FloatRange(1), help="Seconds per host for the SMB read.")
@click.option(
    "--trust-on-first-use",
    is_flag=True,
    help="Record the host key of a Windows OpenSSH host not yet in known_hosts (a changed key is refused).",
)
def windows_command(
    session: ScanSession, no_files: bool, no_config: bool, time_budget: float | None, trust_on_first_use: bool
) -> list[Run]:
    """Windows hosts (ansible_connection psrp/winrm, or ssh with PowerShell): portal credentials and
    claim exports on their disks over SMB (signing required, read-only, known places only), and
    their configuration (W01-W11) from one read-only PowerShell script over PSRP or OpenSSH.

    A host that cannot be read (unreachable, wrong password, share denied) is an error entry;
    the others are still scanned.
    """
    if no_files and no_config:
        raise click.UsageError("--no-files and --no-config leave nothing to scan")
    options = WindowsOptions(
        files=not no_files,
        configuration=not no_config,
        time_budget=time_budget,
        trust_on_first_use=trust_on_first_use,
    )
    return session.scan(WindowsScanner(), options)
