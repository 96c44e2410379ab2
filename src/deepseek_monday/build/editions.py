"""Editions: the report re-executed for another date (or other parameters) beside the canonical one.

The canonical edition (the notebooks' default parameters) is built from ``book/`` into
``_build/html``. Any other parameter set is an edition named after its event date (plus a
short hash of further overrides), executed into ``_build/editions/<name>/source/book`` and
built into ``_build/editions/<name>/html``. Every successful build publishes the editions
into ``_build/html/editions/`` (copying only those built anew since) and writes an index
there that links them all.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from deepseek_monday.data.paths import html_sources_stamp
from deepseek_monday.present.style import long_date

CANONICAL_TITLE = "DeepSeek Monday"
EDITION_FILE = "edition.json"
# In the site's editions folder: the sources digest of each edition as published there.
PUBLISHED_FILE = ".published.json"


def edition_name(overrides: Mapping[str, Any], defaults: Mapping[str, Any]) -> str | None:
    """Return the edition's name, or None when the overrides leave the canonical parameters."""
    changed = {key: value for key, value in overrides.items() if defaults.get(key) != value}
    if not changed:
        return None
    date = str(overrides.get("event_date", defaults.get("event_date", "edition")))
    others = {key: value for key, value in changed.items() if key != "event_date"}
    if not others:
        return date
    suffix = hashlib.sha256(json.dumps(others, sort_keys=True, default=str).encode()).hexdigest()[:6]
    return f"{date}-{suffix}"


def editions_dir(root: Path) -> Path:
    return root / "_build" / "editions"


def prepare_source(root: Path, name: str) -> Path:
    """Lay out an edition's book source (config, table of contents, pages and assets); return it."""
    source = editions_dir(root) / name / "source"
    (source / "book").mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{CANONICAL_TITLE}: edition {name}"
    (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    shutil.copyfile(root / "_toc.yml", source / "_toc.yml")
    for page in (root / "book").iterdir():  # markdown pages and assets; notebooks are executed
        if page.is_file() and page.suffix != ".ipynb":
            shutil.copyfile(page, source / "book" / page.name)
    return source


def record(root: Path, name: str, overrides: Mapping[str, Any]) -> None:
    """Remember an edition's parameters next to its HTML."""
    path = editions_dir(root) / name / EDITION_FILE
    path.write_text(json.dumps({"name": name, "parameters": dict(overrides)}, indent=1, sort_keys=True, default=str))


def built_editions(root: Path) -> list[dict[str, Any]]:
    """Return the editions whose HTML exists, sorted by name."""
    found = []
    for path in sorted(editions_dir(root).glob(f"*/{EDITION_FILE}")):
        if (path.parent / "html" / "index.html").is_file():
            found.append(json.loads(path.read_text()))
    return found


def landing_link(edition: str | None) -> str:
    """Return the landing page's HTML link: to the editions index, or back to the canonical edition."""
    if edition is None:
        return '<a href="../editions/index.html">Editions of this report for other dates</a>'
    return f'This is the edition <strong>{html.escape(edition)}</strong>. ' \
           '<a href="../../../index.html">Back to the canonical edition and the list of editions</a>'


def parameters_text(parameters: Mapping[str, Any]) -> str:
    """Return an edition's parameters as readers see them: ``event date 5 August 2024; lookback_days = 15``."""
    parts = []
    if "event_date" in parameters:
        try:
            day = long_date(parameters["event_date"])
        except ValueError:  # not a date: shown as given
            day = str(parameters["event_date"])
        parts.append(f"event date {day}")
    for key, value in sorted(parameters.items()):
        if key == "event_date":
            continue
        shown = ", ".join(str(item) for item in value) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{key} = {shown}")
    return "; ".join(parts) or "the notebooks' default parameters"


def index_page(editions: list[dict[str, Any]], edition_href: str, canonical_href: str, static_href: str) -> str:
    """Return an HTML page listing the canonical edition and every edition built."""
    rows = "\n".join(
        f'<tr><td><a href="{edition_href.format(name=html.escape(e["name"]))}">{html.escape(e["name"])}</a></td>'
        f"<td>{html.escape(parameters_text(e['parameters']))}</td></tr>"
        for e in editions
    ) or '<tr><td colspan="2">No other edition built yet: <code>make book EVENT_DATE=YYYY-MM-DD</code></td></tr>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{CANONICAL_TITLE}: editions</title>
<link rel="icon" href="{static_href}/favicon.png">
<style>body{{font-family:sans-serif;max-width:50rem;margin:2rem auto}}td{{padding:.3rem .8rem}}</style></head>
<body><h1>{CANONICAL_TITLE}: editions</h1>
<p><a href="{canonical_href}">The canonical edition (the notebooks' default parameters)</a></p>
<table><thead><tr><th>Edition</th><th>Parameters</th></tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)  # build_html replaces an edition's folder, never a file in it
    except OSError:
        shutil.copy2(source, destination)


def _replace_tree(source: Path, destination: Path) -> None:
    """Make ``destination`` a copy of the folder ``source`` (files hard-linked where possible)."""
    staging = destination.with_name(f".{destination.name}.publishing")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging, copy_function=_link_or_copy)
    shutil.rmtree(destination, ignore_errors=True)
    staging.rename(destination)


def publish(root: Path, site: Path | None = None) -> Path | None:
    """Publish every built edition in the canonical site and write its editions index.

    An edition already published from the same sources (its build's sources digest,
    recorded in :data:`PUBLISHED_FILE`) is left as it is; the others are copied, with
    hard links where the file system allows; editions no longer built are removed.

    ``site`` defaults to ``_build/html``. Returns the index's path, or None when the
    canonical site has not been built yet.
    """
    site = site or root / "_build" / "html"
    if not (site / "index.html").is_file():
        return None
    editions = built_editions(root)
    target = site / "editions"
    target.mkdir(exist_ok=True)
    record_path = target / PUBLISHED_FILE
    try:
        published = json.loads(record_path.read_text())
    except (OSError, ValueError):
        published = {}  # none yet, or unreadable: every edition is copied afresh
    names = {edition["name"] for edition in editions}
    for stale in [child for child in target.iterdir() if child.is_dir() and child.name not in names]:
        shutil.rmtree(stale)
        published.pop(stale.name, None)
    for name in sorted(names):
        built = editions_dir(root) / name / "html"
        stamp = html_sources_stamp(built)
        digest = stamp.read_text() if stamp.is_file() else None
        if digest is None or published.get(name) != digest or not (target / name).is_dir():
            _replace_tree(built, target / name)
            published[name] = digest
    record_path.write_text(json.dumps(published, indent=1, sort_keys=True))
    (target / "index.html").write_text(index_page(editions, "{name}/index.html", "../index.html", "../_static"))
    editions_dir(root).mkdir(parents=True, exist_ok=True)
    (editions_dir(root) / "index.html").write_text(
        index_page(editions, "{name}/html/index.html", "../html/index.html", "../html/_static"))
    return target / "index.html"
