"""Command line: ``python -m deepseek_monday build`` and friends."""

from __future__ import annotations

import os
import sys
from typing import Any

import click
import yaml

from deepseek_monday.errors import DeepSeekMondayError
from deepseek_monday.paths import DATA_ENV_VAR


def _parse_overrides(event_date: str | None, pairs: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="-p/--parameter")
        overrides[key.strip()] = yaml.safe_load(value)
    if event_date is not None:
        overrides["event_date"] = event_date
    return overrides


@click.group()
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help=f"Market-data snapshot directory (default: ${DATA_ENV_VAR} or ../shared/market-data).")
def main(data_dir: str | None) -> None:
    """DeepSeek Monday: build and check the report."""
    if data_dir is not None:
        # Set for this process and every notebook kernel it starts.
        os.environ[DATA_ENV_VAR] = os.path.abspath(data_dir)


@main.command()
@click.option("--event-date", default=None, help="Event day (YYYY-MM-DD) for every chapter.")
@click.option("-p", "--parameter", "pairs", multiple=True, metavar="KEY=VALUE",
              help="Override a notebook parameter (YAML value), e.g. -p lookback_days=15.")
@click.option("--no-execute", is_flag=True, help="Only assemble the book from book/*.ipynb.")
def build(event_date: str | None, pairs: tuple[str, ...], no_execute: bool) -> None:
    """Execute the notebooks with papermill and build the HTML book."""
    from deepseek_monday.runner import build as run_build

    overrides = _parse_overrides(event_date, pairs)
    try:
        report = run_build(overrides, execute=not no_execute)
    except DeepSeekMondayError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for path in report.executed:
        click.echo(f"executed {path}")
    click.echo(f"book built: open {report.html / 'index.html'}")


@main.command()
@click.option("--event-date", default=None, help="Event day (YYYY-MM-DD) to check.")
@click.option("-p", "--parameter", "pairs", multiple=True, metavar="KEY=VALUE")
def validate(event_date: str | None, pairs: tuple[str, ...]) -> None:
    """Check the snapshot and every chapter's parameters without running anything."""
    from deepseek_monday.paths import project_root
    from deepseek_monday.prices import load_snapshot
    from deepseek_monday.runner import CHAPTERS, resolve_parameters

    try:
        snapshot = load_snapshot()
        resolved = resolve_parameters(CHAPTERS, _parse_overrides(event_date, pairs), project_root())
    except DeepSeekMondayError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"snapshot {snapshot.directory}: {len(snapshot.manifest)} files valid "
               f"(checksum {snapshot.checksum[:12]})")
    for name, parameters in resolved.items():
        click.echo(f"{name}: {parameters}")
