"""``hisguard lab``: boot, report, reset and remove the fleet lab."""

from __future__ import annotations

import json

import click

from hisguard.lab import runner

MIB = 1024 * 1024


@click.group()
def lab() -> None:
    """The fleet lab: real Debian 12 hosts with planted weaknesses (needs root)."""


@lab.command("up")
@click.option(
    "--facility", "codes", multiple=True, help="Also boot this facility (5-digit code); repeatable."
)
@click.option("--all", "every", is_flag=True, help="Boot every facility of the profiles.")
@click.option("--rebuild", is_flag=True, help="Rebuild the image even if it is cached.")
@click.option(
    "--scale",
    "scale_hosts",
    type=click.IntRange(1, 235),
    default=None,
    help="Boot the scale lab instead: this many light hosts of facility 75990 on 198.18.1.0/24, "
    "and write their inventory.",
)
def up(codes: tuple[str, ...], every: bool, rebuild: bool, scale_hosts: int | None) -> None:
    """Boot the lab (the default facility, plus any asked for); keep what already runs."""
    report = runner.up(codes, every=every, rebuild=rebuild, scale_hosts=scale_hosts or 0)
    if report.image_build_seconds:
        click.echo(f"image built in {report.image_build_seconds:.0f} s")
    if report.booted:
        click.echo(f"booted: {', '.join(report.booted)}")
    if report.kept:
        click.echo(f"already running: {', '.join(report.kept)}")
    if report.memory:
        total = sum(report.memory.values())
        click.echo(
            f"memory of the booted hosts: {total / MIB:.0f} MiB, {total / MIB / len(report.memory):.1f} MiB "
            f"per host (largest {max(report.memory.values()) / MIB:.0f} MiB)"
        )
    if report.inventory:
        click.echo(f"scale inventory: {report.inventory}")
    click.echo(f"lab up in {report.seconds:.1f} s")


@lab.command("status")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
def status(output_format: str) -> None:
    """Show each lab host: running, answering SSH, what is planted on it."""
    doc = runner.status()
    if output_format == "json":
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"lab: {doc['status']}  facilities: {', '.join(doc['facilities']) or '-'}")
    for host in doc["hosts"]:
        if not host["booted"]:
            continue
        state = "up" if host["running"] and host["ssh"] else ("running" if host["running"] else "stopped")
        inv = "" if host["in_inventory"] else "  (not in inventory)"
        click.echo(
            f"  {host['name']:<11} {host['address']:<13} {state:<8} planted: {len(host['planted'])}{inv}"
        )


@lab.command("down")
def down() -> None:
    """Stop every host and remove everything the lab made (processes, mounts, namespaces, links)."""
    left = runner.down()
    if left:
        from hisguard.lab.errors import LabError

        raise LabError(f"lab down left: {', '.join(left)}")
    click.echo("lab down: nothing left")


@lab.command("reset")
@click.argument("hosts", nargs=-1, required=True)
def reset(hosts: tuple[str, ...]) -> None:
    """Give HOSTS a fresh root: stop, wipe, plant again, boot."""
    runner.reset_hosts(hosts)
    click.echo(f"reset: {', '.join(hosts)}")
