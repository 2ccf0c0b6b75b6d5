"""``hisguard waivers check``: every problem of an inventory's waivers, one line each (exit 1)."""

from __future__ import annotations

import click

from hisguard.scanners.catalog import ids
from hisguard.scanners.cli_options import inventory_options, open_inventory
from hisguard.scanners.output import EXIT_FINDINGS, EXIT_OK
from hisguard.scanners.terminal import terminal_safe
from hisguard.scanners.waivers.apply import today_in_vietnam
from hisguard.scanners.waivers.model import Waiver
from hisguard.scanners.waivers.source import read_waivers, waiver_files


@click.group()
def waivers() -> None:
    """Accepted risks: waivers of checks, with approver, ticket and expiry."""


@waivers.command("check")
@inventory_options
def check(inventory_paths: tuple[str, ...], vault_password_file: str | None) -> int:
    """Validate the waivers of an inventory: exit 1 and one line per problem, 0 when all are sound."""
    inventory = open_inventory(inventory_paths, vault_password_file)
    found, problems = read_waivers(inventory_paths, inventory)
    problems += policy_problems(found, set(inventory.facilities))
    for line in problems:
        click.echo(terminal_safe(line))  # it quotes values from the files
    if problems:
        return EXIT_FINDINGS
    files = len(waiver_files(inventory_paths))
    click.echo(f"{len(found)} waiver(s) valid ({files} waiver file(s) and the inventory variables)")
    return EXIT_OK


def policy_problems(found: list[Waiver], facilities: set[str]) -> list[str]:
    """What makes a well-formed waiver wrong: an unknown check or facility, or a past expiry."""
    known = ids.check_ids()
    today = today_in_vietnam()
    problems = []
    for waiver in found:
        label = f"{waiver.source} ({waiver.check})"
        if not ids.is_known(waiver.check, known):
            problems.append(f"{label}: unknown check id {waiver.check}")
        if waiver.facility is not None and waiver.facility not in facilities:
            problems.append(f"{label}: facility {waiver.facility} is not in the inventory")
        if not waiver.active_on(today):
            problems.append(f"{label}: expired on {waiver.expires.isoformat()}")
    return problems
