"""Options every scan command shares, and the one place a scan's result is stored and shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from hisguard.scanners.findings import Run, Severity
from hisguard.scanners.inventory import FACILITY_CODE, Inventory, load_inventory
from hisguard.scanners.output import exit_status, render_json, render_table

F = TypeVar("F", bound=Callable[..., Any])

SEVERITY_CHOICE = click.Choice([s.value for s in Severity])


def inventory_options(func: F) -> F:
    """-i INVENTORY (repeatable) and --vault-password-file."""
    func = click.option(
        "--vault-password-file",
        type=click.Path(dir_okay=False),
        envvar="ANSIBLE_VAULT_PASSWORD_FILE",
        help="File holding the ansible-vault password (or ANSIBLE_VAULT_PASSWORD_FILE).",
    )(func)
    func = click.option(
        "-i",
        "--inventory",
        "inventory_paths",
        multiple=True,
        type=click.Path(),
        help="Ansible inventory (file or directory); repeatable.",
    )(func)
    return func


def facility_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A facility code is 5 digits, checked at once: it ends up in run ids, stores and file names
    (``--path`` scans use it without an inventory, so ``../../x`` was accepted there)."""
    if value is not None and not FACILITY_CODE.match(value):
        from hisguard.scanners.terminal import terminal_safe

        raise click.BadParameter(f"{terminal_safe(value)[:40]!r} is not a 5-digit facility code")
    return value


def target_options(func: F) -> F:
    """--facility CODE and --limit PATTERN."""
    func = click.option("--limit", help="Ansible-style host pattern (names, groups, globs, !exclude).")(func)
    func = click.option(
        "--facility",
        callback=facility_code,
        help="5-digit BHYT facility code (default: every facility).",
    )(func)
    return func


def output_options(func: F) -> F:
    """--format, --store, --no-store, --fail-on, --lang."""
    func = click.option(
        "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Table language."
    )(func)
    func = click.option(
        "--fail-on",
        type=SEVERITY_CHOICE,
        default=Severity.HIGH.value,
        show_default=True,
        help="Exit 1 when a finding is at or above this severity.",
    )(func)
    func = click.option("--no-store", is_flag=True, help="Do not record this run in the store.")(func)
    func = click.option(
        "--store",
        "store_url",
        envvar="HISGUARD_STORE",
        help="SQLAlchemy URL of the findings store (default: SQLite in the data directory).",
    )(func)
    func = click.option(
        "--format",
        "output_format",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
    )(func)
    return func


def open_inventory(paths: Sequence[str], vault_password_file: str | None) -> Inventory:
    if not paths:
        raise click.UsageError("an inventory is required (-i PATH)")
    inventory = load_inventory(paths, vault_password_file)
    from hisguard.scanners.terminal import terminal_safe

    for warning in inventory.warnings:
        click.echo(f"hisguard: warning: {terminal_safe(warning)}", err=True)
    return inventory


def finish_scan(
    runs: Sequence[Run],
    *,
    output_format: str,
    store_url: str | None,
    no_store: bool,
    fail_on: str,
    lang: str,
    inventory: Inventory | None = None,
    inventory_paths: Sequence[str] = (),
) -> int:
    """Apply the inventory's waivers, store the runs, print them, and return the exit status."""
    if inventory is not None:
        from hisguard.scanners.waivers.source import waive_runs

        runs = waive_runs(runs, inventory_paths, inventory)
    if not no_store:
        from hisguard.scanners.store import Store

        store = Store(store_url)
        try:
            for run in runs:
                store.save_run(run)
        finally:
            store.close()
    if output_format == "json":
        click.echo(render_json(runs), nl=False)
    else:
        click.echo(render_table(runs, lang=lang), nl=False)
    return exit_status(runs, Severity(fail_on))
