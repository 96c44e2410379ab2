"""Command line: ``python -m deepseek_monday build`` and friends."""

from __future__ import annotations

import datetime
import logging
import os
import sys
from contextlib import ExitStack
from typing import Any

import click
import yaml

from deepseek_monday.data.paths import DATA_ENV_VAR
from deepseek_monday.errors import DeepSeekMondayError


def _parse_value(key: str, text: str) -> Any:
    """Return a ``-p`` value read as YAML; dates stay ISO strings, as the notebooks' parameters are."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "cannot be read"
        raise click.BadParameter(f"{key}={text!r} is not a valid YAML value ({problem})",
                                 param_hint="-p/--parameter") from error
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _parse_overrides(event_date: str | None, pairs: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="-p/--parameter")
        overrides[key.strip()] = _parse_value(key.strip(), value)
    if event_date is not None:
        overrides["event_date"] = event_date
    return overrides


@click.group()
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False), default=None,
              help=f"Market-data snapshot directory (default: ${DATA_ENV_VAR} or ../shared/market-data).")
def main(data_dir: str | None) -> None:
    """DeepSeek Monday: build and check the report."""
    if data_dir is not None:
        # Set for this process and every notebook kernel it starts.
        os.environ[DATA_ENV_VAR] = os.path.abspath(data_dir)


@main.command()
@click.option("--event-date", default=None, help="Event day (YYYY-MM-DD); another date builds an edition.")
@click.option("-p", "--parameter", "pairs", multiple=True, metavar="KEY=VALUE",
              help="Override a notebook parameter (YAML value), e.g. -p lookback_days=15.")
@click.option("--no-execute", is_flag=True, help="Only assemble the book from book/*.ipynb.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Notebooks executed in parallel (default: the number of cores).")
@click.option("--force", is_flag=True, help="Re-execute every notebook even if its execution key is unchanged.")
@click.option("--spawn-kernels", is_flag=True,
              help="Start every kernel afresh instead of forking it from a template with the imports done.")
def build(event_date: str | None, pairs: tuple[str, ...], no_execute: bool, jobs: int | None, force: bool,
          spawn_kernels: bool) -> None:
    """Execute the notebooks with papermill and build the HTML book."""
    overrides = _parse_overrides(event_date, pairs)
    try:
        with ExitStack() as stack:
            template = None
            if (overrides or force) and not no_execute and not spawn_kernels and hasattr(os, "fork"):
                # An edition or a forced build executes notebooks: start the kernel template first,
                # so that its imports run while this process imports and validates. (A plain build
                # often executes nothing; the runner starts a template once it knows it needs one.)
                from deepseek_monday.build.kernel_template import KernelTemplate
                from deepseek_monday.data.paths import project_root

                root = project_root()
                template = stack.enter_context(KernelTemplate(sorted((root / "notebooks").glob("*.ipynb")),
                                                              root / "_build" / "kernel-template.log"))
            from deepseek_monday.build.runner import build as run_build

            report = run_build(overrides, execute=not no_execute, workers=jobs, use_cache=not force, progress=True,
                               warm_kernels=not spawn_kernels, template=template)
    except DeepSeekMondayError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for path in report.executed:
        click.echo(f"executed {path}")
    for path in report.reused:
        click.echo(f"unchanged, not re-executed: {path}")
    for name, why in report.unavailable.items():
        click.echo(f"not available for this date, replaced by a page saying why: {name}: {why}")
    state = "built" if report.html_rebuilt else "unchanged (sources identical)"
    label = "edition " + report.edition if report.edition else "book"
    click.echo(f"{label} {state}: open {report.html / 'index.html'}")
    if report.editions_index is not None:
        click.echo(f"editions index: {report.editions_index}")


@main.command()
@click.option("--event-date", default=None, help="Event day (YYYY-MM-DD) to check.")
@click.option("-p", "--parameter", "pairs", multiple=True, metavar="KEY=VALUE",
              help="A notebook parameter to check (YAML value), e.g. -p lookback_days=15.")
def validate(event_date: str | None, pairs: tuple[str, ...]) -> None:
    """Check the snapshot and every chapter's parameters without running anything."""
    from deepseek_monday.build.runner import CHAPTERS, resolve_parameters
    from deepseek_monday.data.paths import project_root
    from deepseek_monday.data.prices import load_snapshot

    try:
        snapshot = load_snapshot()
        resolved = resolve_parameters(CHAPTERS, _parse_overrides(event_date, pairs), project_root())
    except DeepSeekMondayError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"snapshot {snapshot.directory}: {len(snapshot.manifest)} files valid "
               f"(checksum {snapshot.checksum[:12]})")
    for name, parameters in resolved.parameters.items():
        click.echo(f"{name}: {parameters}")
    for name, why in resolved.unavailable.items():
        click.echo(f"{name}: not available for this date (its page will say so): {why}")


@main.command()
@click.option("--file", "gallery_file", type=click.Path(dir_okay=False), default=None,
              help="The gallery (default: editions.yml at the project root).")
@click.option("--check", is_flag=True, help="Only validate the gallery and every edition's parameters.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Notebooks executed (and sites built) in parallel (default: the number of cores).")
@click.option("--force", is_flag=True, help="Re-execute every notebook even if its execution key is unchanged.")
@click.option("--spawn-kernels", is_flag=True,
              help="Start every kernel afresh instead of forking it from a template with the imports done.")
def editions(gallery_file: str | None, check: bool, jobs: int | None, force: bool, spawn_kernels: bool) -> None:
    """Build every edition of the gallery (editions.yml) and the editions page that compares them."""
    from pathlib import Path

    from deepseek_monday.build import editions as editions_module
    from deepseek_monday.data.paths import project_root

    root = project_root()
    try:
        gallery = editions_module.load_gallery(Path(gallery_file) if gallery_file else root / "editions.yml")
        if check:
            from deepseek_monday.build.runner import CHAPTERS, canonical_defaults, resolve_parameters

            defaults = canonical_defaults(CHAPTERS, root)
            for entry in gallery:
                try:
                    resolved = resolve_parameters(CHAPTERS, entry.overrides, root)
                except DeepSeekMondayError as error:
                    raise type(error)(f"edition {entry.name!r} ({entry.event_date}): {error}") from error
                label = editions_module.edition_name(entry.overrides, defaults) or "canonical"
                missing = ", ".join(resolved.unavailable) or "none"
                click.echo(f"{entry.name} [{label}]: valid; chapters not available for this date: {missing}")
            return
        from deepseek_monday.build.runner import build_gallery

        # The kernel template is started only if some notebook needs executing (a warm run starts none).
        report = build_gallery(gallery, root, workers=jobs, use_cache=not force, progress=True,
                               warm_kernels=not spawn_kernels)
    except DeepSeekMondayError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for name, build in report.builds.items():
        label = name or "canonical"
        missing = f"; not available for this date: {', '.join(build.unavailable)}" if build.unavailable else ""
        click.echo(f"{label}: {len(build.executed)} executed, {len(build.reused)} reused{missing}; "
                   f"site {'built' if build.html_rebuilt else 'unchanged'}: {build.html / 'index.html'}")
    click.echo(f"editions page: {report.editions_index}")


@main.group()
def data() -> None:
    """Refresh the prices from Yahoo Finance, or show where each series comes from."""


def _split_symbols(values: tuple[str, ...]) -> list[str] | None:
    symbols = [s for value in values for s in value.replace(",", " ").split()]
    return symbols or None


@data.command()
@click.option("--since", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First date wanted (YYYY-MM-DD); each download also starts at least 30 days before the "
                   "snapshot's last date, so it can be spliced on.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last date wanted (YYYY-MM-DD, default: yesterday, as today's bar may still move).")
@click.option("--symbols", "symbol_args", multiple=True, metavar="SYMBOLS",
              help="Symbols as in the snapshot (GSPC, EURUSD, NVDA), comma-separated or repeated; default: all.")
@click.option("--into", "refreshed_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for refreshed data (default: $DEEPSEEK_MONDAY_REFRESHED or data/refreshed).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
def refresh(since: Any, until: Any, symbol_args: tuple[str, ...], refreshed_dir: str | None,
            progress: bool | None) -> None:
    """Download fresh daily prices from Yahoo Finance.

    Each symbol is checked before it is installed; a symbol that fails keeps its previous
    data and is reported with the reason (exit status 1).
    """
    try:
        from deepseek_monday.data.refresh import refresh_prices
    except ImportError as error:
        click.echo(f"error: {error}; refreshing needs: pip install 'deepseek-monday[live]'", err=True)
        sys.exit(1)
    try:
        report = refresh_prices(since.date(), _split_symbols(symbol_args), until.date() if until else None,
                                refreshed_dir=refreshed_dir, progress=progress)
    except DeepSeekMondayError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for result in report.results:
        if result.status == "updated":
            click.echo(f"{result.symbol:9} updated  {result.first_date}..{result.last_date} "
                       f"({result.rows} rows, {result.message})")
        else:
            click.echo(f"{result.symbol:9} {result.status:8} [{result.kind}] {result.message}")
    updated, failed = report.by_status("updated"), [r for r in report.results if r.status != "updated"]
    where = f"installed in {report.directory}" if report.installed else "nothing installed"
    click.echo(f"{len(updated)} updated, {len(failed)} failed or skipped; {where}"
               + ("; previous data kept for the others" if failed else ""))
    if failed:
        sys.exit(1)


@data.command()
def status() -> None:
    """Show, per symbol, whether its series comes from the snapshot or refreshed data."""
    from deepseek_monday.data.prices import load_snapshot

    try:
        snapshot = load_snapshot()
    except DeepSeekMondayError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    where = snapshot.refreshed_directory or "none"
    click.echo(f"snapshot {snapshot.directory}; refreshed data {where}")
    for symbol, row in snapshot.manifest.iterrows():
        detail = f" from {row['refreshed_from']} (retrieved {row['retrieved_at']})" if row["refreshed_from"] else ""
        note = f"  {row['refresh_note']}" if row["refresh_note"] else ""
        click.echo(f"{symbol:9} {row['source']:18} {row['first_date']}..{row['last_date']}{detail}{note}")


def run() -> None:
    """Run the command line and exit with its status, skipping the interpreter's shutdown.

    pyarrow (the parquet caches) can abort in a native thread's destructor while Python
    shuts down ("terminate called without an active exception", apache/arrow#34314), which
    turns a finished command's status into 134. Every command's work is done and its output
    flushed by then, so the process leaves at once instead.
    """
    try:
        main.main(standalone_mode=True)
        status = 0
    except SystemExit as exit_request:
        code = exit_request.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
