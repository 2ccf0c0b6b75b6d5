"""``hisguard evidence collect`` and ``hisguard evidence verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hisguard.reports.investigation.lookup import username_for
from hisguard.reports.investigation.targets import (
    account_findings,
    build_targets,
    fingerprint_findings,
)
from hisguard.reports.investigation.trace import known_secrets
from hisguard.scanners.cli_options import facility_code, inventory_options, vault_ids
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.evidence.collect import collect
from hisguard.scanners.evidence.pack import verify_pack
from hisguard.scanners.inventory import load_inventory
from hisguard.scanners.terminal import terminal_safe


@click.group("evidence")
def evidence() -> None:
    """Keep the evidence of a leak before anything is repaired."""


@evidence.command("collect")
@click.option("--account", help="Portal account: register name, username or keyed fingerprint.")
@click.option("--finding", "fingerprints", multiple=True, help="A finding's fingerprint; repeatable.")
@click.option("--facility", callback=facility_code, help="5-digit facility code (a register name needs it).")
@click.option("--store", "store_url", envvar="HISGUARD_STORE", help="SQLAlchemy URL of the findings store.")
@inventory_options
@click.option("--out", required=True, type=click.Path(file_okay=False), help="New directory for the pack.")
def collect_command(
    account: str | None,
    fingerprints: tuple[str, ...],
    facility: str | None,
    store_url: str | None,
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    out: str,
) -> None:
    """Copy, read-only, what the hosts hold about an account or findings, hashed and signed."""
    if bool(account) == bool(fingerprints):
        raise click.UsageError("give --account NAME or --finding FP (one of them)")
    if not inventory_paths:
        raise click.UsageError("-i INVENTORY is needed to reach the hosts")
    inventory = load_inventory(inventory_paths, vault_password_file, vault_ids())
    from hisguard.scanners.store import Store

    store = Store(store_url, read_only=True)
    subject: dict[str, Any]
    try:
        if account:
            username = username_for(account, inventory, facility)
            seen = account_findings(store, username, inventory, facility)
            subject = {"account": account.strip()[:80], "username": username[:80]}
        else:
            seen = fingerprint_findings(store, fingerprints, facility)
            subject = {"findings": sorted({fp.strip()[:80] for fp in fingerprints})}
    finally:
        store.close()
    if not seen:
        raise HisguardError("the store holds no finding for that account or fingerprint: nothing to collect")
    targets = build_targets(seen, inventory)
    done = collect(targets, Path(out), subject=subject, known_secrets=known_secrets(inventory))
    click.echo(f"evidence pack {done.pack_id}: {done.items} items in {terminal_safe(str(done.root))}")
    for host, marker in sorted(done.markers.items()):
        click.echo(f"  marker on {terminal_safe(host)}: {marker}")
    for error in done.errors:
        click.echo(f"hisguard: warning: {terminal_safe(error)}", err=True)
    if done.errors:
        raise click.exceptions.Exit(2)


@evidence.command("verify")
@click.argument("pack", type=click.Path(file_okay=False))
def verify_command(pack: str) -> None:
    """Recheck every item's SHA-256 and the manifest's signature."""
    result = verify_pack(Path(pack))
    for problem in result.problems:
        click.echo(f"FAIL {terminal_safe(problem)}")
    if not result.ok:
        click.echo(f"evidence pack {terminal_safe(result.pack_id)}: {len(result.problems)} problem(s)")
        raise click.exceptions.Exit(1)
    click.echo(
        f"evidence pack {terminal_safe(result.pack_id)}: {result.items} items, "
        "every hash and the signature verify"
    )


def _timeline(
    account: str,
    facility: str | None,
    store_url: str | None,
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    pack: str | None,
    lookups: int,
    portal_networks: tuple[str, ...],
) -> Any:
    from hisguard.reports.investigation.trace import build_timeline
    from hisguard.scanners.store import Store

    inventory = load_inventory(inventory_paths, vault_password_file, vault_ids()) if inventory_paths else None
    store = Store(store_url, read_only=True)
    try:
        return build_timeline(
            account,
            inventory=inventory,
            facility=facility,
            store=store,
            pack_root=Path(pack) if pack else None,
            threshold=lookups,
            portal_networks=portal_networks,
        )
    finally:
        store.close()


def _networks(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    import ipaddress

    for given in value:
        try:
            ipaddress.ip_network(given, strict=False)
        except ValueError:
            raise click.BadParameter(
                f"{terminal_safe(given)[:60]!r} is not an address range (CIDR)"
            ) from None
    return value


def timeline_options(func: Any) -> Any:
    """What ``timeline`` and ``notices`` both take: the account, where it is known, the pack."""
    func = click.option(
        "--portal-network",
        "portal_networks",
        multiple=True,
        callback=_networks,
        help="An address range of the portal (CIDR), for the egress drops; also hisguard_portal_networks.",
    )(func)
    func = click.option(
        "--lookups",
        type=click.IntRange(1, 100_000_000),
        default=100,
        show_default=True,
        help="Look-ups from one client within 24 hours that count as many.",
    )(func)
    func = inventory_options(func)
    func = click.option(
        "--store", "store_url", envvar="HISGUARD_STORE", help="SQLAlchemy URL of the findings store."
    )(func)
    func = click.option(
        "--facility", callback=facility_code, help="5-digit facility code (a register name needs it)."
    )(func)
    func = click.option(
        "--account", required=True, help="Portal account: register name, username or keyed fingerprint."
    )(func)
    return func


@evidence.command("timeline")
@timeline_options
@click.option("--pack", type=click.Path(file_okay=False, exists=True), help="A collected evidence pack.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def timeline_command(
    account: str,
    facility: str | None,
    store_url: str | None,
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    lookups: int,
    portal_networks: tuple[str, ...],
    pack: str | None,
    fmt: str,
    lang: str,
) -> None:
    """An account's timeline across the scans and a pack's logs: observations with their evidence."""
    import json

    from hisguard.reports.investigation.timeline import as_dict

    timeline = _timeline(
        account, facility, store_url, inventory_paths, vault_password_file, pack, lookups, portal_networks
    )
    data = as_dict(timeline, lang)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for line in _timeline_lines(data, lang):
        click.echo(terminal_safe(line))


def _timeline_lines(data: dict[str, Any], lang: str) -> list[str]:
    vi = lang == "vi"
    a = data["account"]
    lines = [
        f"{'Tài khoản' if vi else 'Account'} {a['name'] or '-'} ({a['username']}), "
        f"{'cơ sở' if vi else 'facility'} {a['facility'] or '-'}; "
        f"{'gói chứng cứ' if vi else 'evidence pack'} {data['pack'] or '-'}",
    ]

    def block(title: str, entries: list[dict[str, Any]]) -> None:
        lines.append("")
        lines.append(title)
        for entry in entries:
            when = (entry["when"] or "-")[:16].replace("T", " ")
            cites = "; ".join(
                ", ".join(
                    x
                    for x in (c["ref"], f"sha256 {c['sha256'][:16]}" if c["sha256"] else "", c["detail"])
                    if x
                )
                for c in entry["evidence"]
            )
            lines.append(f"  {when}  {entry['text']}  [{cites}]")
        if not entries:
            lines.append("  -")

    block("Dòng thời gian (quan sát):" if vi else "Timeline (observations):", data["observations"])
    block("Dấu hiệu cần xem xét:" if vi else "Signals to look at:", data["signals"])
    lines.append("")
    lines.append("Ước tính số người bệnh bị ảnh hưởng:" if vi else "Estimated affected patients:")
    for estimate in data["estimates"] or [{"method": "-", "evidence": []}]:
        lines.append(
            f"  {estimate['method']}"
            + (f"  [{', '.join(estimate['evidence'])}]" if estimate["evidence"] else "")
        )
    for note in data["notes"]:
        lines.append(f"{'Ghi chú' if vi else 'Note'}: {note}")
    return lines


NOTICE_FILE_MODE = 0o640


@evidence.command("notices")
@timeline_options
@click.option(
    "--pack", required=True, type=click.Path(file_okay=False, exists=True), help="The evidence pack."
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Directory for the notices.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def notices_command(
    account: str,
    facility: str | None,
    store_url: str | None,
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    lookups: int,
    portal_networks: tuple[str, ...],
    pack: str,
    out: str,
    lang: str,
) -> None:
    """Draft the notices (police and Sở Y tế, personal-data breach, BHXH) as .docx and PDF."""
    import hashlib
    import os

    from hisguard.reports.documents.pdf import render_pdf
    from hisguard.reports.documents.word import render_docx
    from hisguard.reports.investigation.notices import Context, build_notices
    from hisguard.scanners.findings import utcnow
    from hisguard.scanners.vietnam_time import VIETNAM

    timeline = _timeline(
        account, facility, store_url, inventory_paths, vault_password_file, pack, lookups, portal_networks
    )
    inventory = load_inventory(inventory_paths, vault_password_file, vault_ids()) if inventory_paths else None
    code = timeline.account.facility or facility
    where = inventory.facilities.get(code) if inventory and code else None
    manifest = Path(pack) / "manifest.json"
    context = Context(
        facility=where,
        manifest_sha256=hashlib.sha256(manifest.read_bytes()).hexdigest(),
        now=utcnow().astimezone(VIETNAM),
    )
    target = Path(out)
    try:
        target.mkdir(mode=0o750, parents=True, exist_ok=True)
    except OSError as exc:
        raise HisguardError(f"cannot create {terminal_safe(out)[:200]}: {exc.strerror}") from None
    for notice in build_notices(timeline, context, lang):
        for suffix, data in ((".docx", render_docx(notice.document)), (".pdf", render_pdf(notice.document))):
            path = target / f"{notice.stem}{suffix}"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, NOTICE_FILE_MODE)
            except FileExistsError:
                raise HisguardError(
                    f"{terminal_safe(str(path))[:200]} exists: notices are never overwritten"
                ) from None
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.chmod(path, NOTICE_FILE_MODE)
            click.echo(terminal_safe(str(path)))
