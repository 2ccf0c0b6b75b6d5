"""What every scan command shares: its options, its two steps (plan, run), and its ending.

    @scan_command("config")
    @click.option("--workers", ...)
    def config_command(session: ScanSession, workers: int) -> list[Run]:
        return session.scan(ConfigScanner(), ConfigOptions(workers=workers))

gives ``hisguard scan config`` the shared -i/--vault-password-file/--facility/--limit/--format/
--store/--no-store/--fail-on/--lang options, and ends it with :func:`finish_scan`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Run, Severity
from hisguard.scanners.interface import Progress, Scanner, no_progress
from hisguard.scanners.inventory import (
    FACILITY_CODE,
    Facility,
    HostTarget,
    Inventory,
    load_inventory,
    vault_notice,
)
from hisguard.scanners.output import EXIT_BAD_INPUT, exit_status, render_json, render_table
from hisguard.scanners.plans import Job, plan_facilities, run_jobs

F = TypeVar("F", bound=Callable[..., Any])

SEVERITY_CHOICE = click.Choice([s.value for s in Severity])


STORE_HELP = (
    "SQLAlchemy URL of the findings store, e.g. postgresql+psycopg://user@host/hisguard. Default: the "
    "SQLite file hisguard.db in $HISGUARD_HOME, else in $XDG_DATA_HOME/hisguard, else in "
    "~/.local/share/hisguard."
)


def store_option(func: F) -> F:
    """--store URL (or HISGUARD_STORE): every command that reads or writes the store."""
    return click.option("--store", "store_url", envvar="HISGUARD_STORE", show_envvar=True, help=STORE_HELP)(
        func
    )


VAULT_IDS = "hisguard.vault_ids"


def _keep_vault_ids(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> None:
    ctx.meta[VAULT_IDS] = tuple(value)


def vault_ids() -> tuple[str, ...]:
    """The ``--vault-id LABEL@FILE`` values of the running command (kept aside by
    ``inventory_options``, so commands need no parameter for them)."""
    ctx = click.get_current_context(silent=True)
    return tuple(ctx.meta.get(VAULT_IDS, ())) if ctx is not None else ()


def inventory_options(func: F) -> F:
    """-i INVENTORY (repeatable), --vault-password-file and --vault-id (repeatable)."""
    func = click.option(
        "--vault-id",
        "vault_id_values",
        multiple=True,
        metavar="LABEL@FILE",
        expose_value=False,
        callback=_keep_vault_ids,
        help="A vault secret by id, as ansible-vault takes it (one per facility: 75901@FILE); repeatable. "
        "A value no secret given opens is not available, and said when its facility is scanned.",
    )(func)
    func = click.option(
        "--vault-password-file",
        type=click.Path(dir_okay=False),
        envvar="ANSIBLE_VAULT_PASSWORD_FILE",
        show_envvar=True,
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
    func = store_option(func)
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
    inventory = load_inventory(paths, vault_password_file, vault_ids())
    from hisguard.scanners.terminal import terminal_safe

    for warning in inventory.warnings:
        click.echo(f"hisguard: warning: {terminal_safe(warning)}", err=True)
    return inventory


@dataclass(frozen=True)
class ScanRequest:
    """The options every scan command shares (``scan_command`` adds them)."""

    inventory_paths: tuple[str, ...] = ()
    vault_password_file: str | None = None
    facility: str | None = None
    limit: str | None = None
    output_format: str = "table"
    store_url: str | None = None
    no_store: bool = False
    fail_on: str = Severity.HIGH.value
    lang: str = "vi"


class ScanSession:
    """One scan command's request and, once opened, its inventory."""

    def __init__(self, request: ScanRequest) -> None:
        self.request = request
        self._inventory: Inventory | None = None
        self._noticed: set[str] = set()

    @property
    def opened(self) -> Inventory | None:
        """The inventory if the command opened one (its waivers then apply), else None."""
        return self._inventory

    def inventory(self) -> Inventory:
        if self._inventory is None:
            self._inventory = open_inventory(self.request.inventory_paths, self.request.vault_password_file)
        return self._inventory

    def hosts(self) -> list[HostTarget]:
        """The hosts ``--facility`` and ``--limit`` select (a pattern matching none is refused)."""
        return self.inventory().hosts(self.request.facility, self.request.limit)

    def plan(
        self, scanner: Scanner[Any, Any], options: Any, hosts: Sequence[HostTarget] | None = None
    ) -> list[Job]:
        """Every selected facility planned by ``scanner`` (refusals raise here, before any traffic)."""
        inventory = self.inventory()
        chosen = self.hosts() if hosts is None else hosts
        facilities = inventory.select(self.request.facility)
        self._say_vault_notices(facilities)
        return plan_facilities(scanner, options, inventory, facilities, chosen)

    def _say_vault_notices(self, facilities: Sequence[Facility]) -> None:
        """One line per scanned facility whose vault values the secrets given do not open."""
        from hisguard.scanners.terminal import terminal_safe

        for facility in facilities:
            if facility.code in self._noticed:
                continue
            self._noticed.add(facility.code)
            notice = vault_notice(facility)
            if notice:
                click.echo(f"hisguard: notice: {terminal_safe(notice)}", err=True)

    def run(self, jobs: Sequence[Job], progress: Progress = no_progress) -> list[Run]:
        return run_jobs(jobs, progress)

    def scan(self, scanner: Scanner[Any, Any], options: Any, progress: Progress = no_progress) -> list[Run]:
        """Plan every selected facility, then run the plans."""
        return self.run(self.plan(scanner, options), progress)


ScanBody = Callable[..., "Sequence[Run] | int"]


def scan_command(name: str) -> Callable[[ScanBody], click.Command]:
    """Make ``body(session, **its own options) -> runs`` the command ``hisguard scan NAME``.

    The command gets the shared options (inventory, facility, limit, output) and the shared
    ending (:func:`finish_scan`). A body may return an int instead of runs (``--dry-run``): that
    is the exit status, and nothing is stored or printed for it.
    """

    def decorate(body: ScanBody) -> click.Command:
        @functools.wraps(body)
        def command(
            inventory_paths: tuple[str, ...],
            vault_password_file: str | None,
            facility: str | None,
            limit: str | None,
            output_format: str,
            store_url: str | None,
            no_store: bool,
            fail_on: str,
            lang: str,
            **own: Any,
        ) -> int:
            request = ScanRequest(
                inventory_paths,
                vault_password_file,
                facility,
                limit,
                output_format,
                store_url,
                no_store,
                fail_on,
                lang,
            )
            session = ScanSession(request)
            result = body(session, **own)
            if isinstance(result, int):
                return result
            return finish_scan(result, request, session.opened)

        return click.command(name)(inventory_options(target_options(output_options(command))))

    return decorate


def finish_scan(runs: Sequence[Run], request: ScanRequest, inventory: Inventory | None = None) -> int:
    """The ending of every scan: waivers, the result document, the store, the exit status.

    The document is written before anything is stored: a store that cannot be written (locked,
    disk full, unreachable) loses nothing that was scanned; it is said on stderr and the exit
    status is 2.
    """
    if inventory is not None:
        from hisguard.scanners.waivers.source import waive_runs

        runs = waive_runs(runs, request.inventory_paths, inventory)
    if request.output_format == "json":
        click.echo(render_json(runs), nl=False)
    else:
        click.echo(render_table(runs, lang=request.lang), nl=False)
    if not request.no_store:
        try:
            store_runs(runs, request.store_url)
        except (HisguardError, OSError) as exc:
            click.echo(
                f"hisguard: error: storing the results failed ({exc}); "
                "the results above are complete but not recorded in the store",
                err=True,
            )
            return EXIT_BAD_INPUT
    return exit_status(runs, Severity(request.fail_on))


def store_runs(runs: Sequence[Run], store_url: str | None) -> None:
    from hisguard.scanners.store import Store

    store = Store(store_url)
    try:
        for run in runs:
            store.save_run(run)
    finally:
        store.close()
