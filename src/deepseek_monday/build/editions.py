"""Editions: the report re-executed for another date (or other parameters) beside the canonical one.

The canonical edition (the notebooks' default parameters) is built from ``book/`` into
``_build/html``. Any other parameter set is an edition named after its event date (plus a
short hash of further overrides), executed into ``_build/editions/<name>/source/book`` and
built into ``_build/editions/<name>/html``. Every successful build publishes the editions
into ``_build/html/editions/`` (copying only those built anew since) and writes an index
there that links them all.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from deepseek_monday.data.paths import html_sources_stamp
from deepseek_monday.errors import DeepSeekMondayError
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import format_number

CANONICAL_TITLE = "DeepSeek Monday"
EDITION_FILE = "edition.json"
# In the site's editions folder: the sources digest of each edition as published there.
PUBLISHED_FILE = ".published.json"
# The canonical edition's record (chapters that ran, gallery entry), beside the editions' folders.
CANONICAL_FILE = "canonical.json"
GALLERY_FILE = "editions.yml"
# Key figures of the editions page: symbol -> column heading (each a one-day return on the event date).
KEY_FIGURES = {"GSPC": "S&P 500", "IXIC": "Nasdaq Composite", "SOX": "PHLX Semiconductor (SOX)", "NVDA": "Nvidia"}


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


def readable_date(day: object) -> str:
    """Return ``day`` as the prose writes it (6 January 2025), or as given if it is no date."""
    try:
        return long_date(day)
    except ValueError:
        return str(day)


def record(root: Path, name: str | None, overrides: Mapping[str, Any], ran: list[str] | None = None,
           unavailable: Mapping[str, str] | None = None, gallery_entry: Mapping[str, Any] | None = None) -> Path:
    """Remember an edition's parameters, the chapters that ran and those the data could not serve.

    ``name`` None records the canonical edition. ``gallery_entry``: its entry in ``editions.yml``.
    Returns the record's path.
    """
    path = editions_dir(root) / CANONICAL_FILE if name is None else editions_dir(root) / name / EDITION_FILE
    content: dict[str, Any] = {"name": name, "parameters": dict(overrides), "ran": list(ran or []),
                               "unavailable": dict(unavailable or {})}
    if gallery_entry:
        content["gallery"] = {key: gallery_entry[key] for key in ("name", "description", "position")
                              if key in gallery_entry}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=1, sort_keys=True, default=str))
    return path


def canonical_record(root: Path) -> dict[str, Any] | None:
    """Return the canonical edition's record, if a build wrote one."""
    try:
        return json.loads((editions_dir(root) / CANONICAL_FILE).read_text())
    except (OSError, ValueError):
        return None


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


class GalleryError(DeepSeekMondayError):
    """``editions.yml`` is missing or malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class GalleryEdition:
    """One entry of ``editions.yml``: a named shock day and the parameters its edition is built with."""

    name: str
    event_date: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def overrides(self) -> dict[str, Any]:
        """The build's overrides: the event date and the further parameters."""
        return {"event_date": self.event_date, **self.parameters}


GALLERY_FIELDS = {"name": "a short title", "event_date": "the event day, YYYY-MM-DD",
                  "description": "one line saying why this day", "parameters": "optional overrides (a mapping)"}
_REQUIRED = ("name", "event_date", "description")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _TextDatesLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay text (checked here, with a message naming the entry)."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_gallery(text: str, origin: str = GALLERY_FILE) -> list[GalleryEdition]:
    """Return the editions of a gallery file's ``text``; raise GalleryError naming each problem's entry and field."""
    try:
        content = yaml.load(text, Loader=_TextDatesLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise GalleryError(f"{origin}: not valid YAML{where} ({getattr(error, 'problem', None) or error})") from None
    if not isinstance(content, dict) or not isinstance(content.get("editions"), list) or not content["editions"]:
        raise GalleryError(f"{origin}: expected a mapping with a non-empty list 'editions:' of entries, each with "
                           + ", ".join(f"{key} ({meaning})" for key, meaning in GALLERY_FIELDS.items()))
    extra = sorted(set(content) - {"editions"})
    if extra:
        raise GalleryError(f"{origin}: unknown top-level key(s) {extra}; only 'editions' is read")
    found: list[GalleryEdition] = []
    for number, entry in enumerate(content["editions"], start=1):
        label = f"{origin}: entry {number}"
        if not isinstance(entry, dict):
            raise GalleryError(f"{label}: expected a mapping with {list(GALLERY_FIELDS)}, got {entry!r}")
        if isinstance(entry.get("name"), str):
            label += f" ({entry['name']})"
        unknown = sorted(set(entry) - set(GALLERY_FIELDS))
        if unknown:
            raise GalleryError(f"{label}: unknown field(s) {unknown}; the fields are {list(GALLERY_FIELDS)}")
        missing = [key for key in _REQUIRED if entry.get(key) in (None, "")]
        if missing:
            raise GalleryError(f"{label}: missing {missing} ("
                               + "; ".join(f"{key}: {GALLERY_FIELDS[key]}" for key in missing) + ")")
        for key in ("name", "description"):
            value = entry[key]
            if not isinstance(value, str) or "\n" in value.strip():
                raise GalleryError(f"{label}: {key}: expected one line of text, got {value!r}")
        day = entry["event_date"]
        if not isinstance(day, str) or not _DATE.fullmatch(day):
            raise GalleryError(f"{label}: event_date: {entry['event_date']!r} is not a date (YYYY-MM-DD)")
        try:
            datetime.date.fromisoformat(day)
        except ValueError as error:
            raise GalleryError(f"{label}: event_date: {day!r} is not a calendar date ({error})") from None
        parameters = entry.get("parameters") or {}
        if not isinstance(parameters, dict) or not all(isinstance(key, str) for key in parameters):
            raise GalleryError(f"{label}: parameters: expected a mapping of parameter names to values, "
                               f"got {parameters!r}")
        clash = sorted(set(parameters) & {"event_date", "edition"})
        if clash:
            raise GalleryError(f"{label}: parameters: {clash} cannot be set here (event_date is its own field; "
                               "edition is set by the runner)")
        found.append(GalleryEdition(entry["name"].strip(), day, entry["description"].strip(), parameters))
    for attribute in ("name", "overrides"):
        seen: dict[str, int] = {}
        for number, edition in enumerate(found, start=1):
            key = json.dumps(getattr(edition, attribute), sort_keys=True, default=str)
            if key in seen:
                what = "name" if attribute == "name" else "event date and parameters"
                raise GalleryError(f"{origin}: entries {seen[key]} and {number} have the same {what} "
                                   f"({edition.name}); each edition must differ")
            seen[key] = number
    return found


def load_gallery(path: Path) -> list[GalleryEdition]:
    """Return the editions listed in the gallery file ``path`` (see :func:`parse_gallery`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GalleryError(f"{path}: cannot be read ({error.strerror or error})") from None
    return parse_gallery(text, path.name)


def key_figures(days: list[str]) -> dict[str, dict[str, float]]:
    """Return, per event date, the one-day return (a fraction; NaN without a session) of each :data:`KEY_FIGURES`."""
    import pandas as pd

    from deepseek_monday.data.returns import daily_returns

    returns = daily_returns(list(KEY_FIGURES))
    figures: dict[str, dict[str, float]] = {}
    for day in days:
        try:
            stamp = pd.Timestamp(day)
        except ValueError:
            stamp = None
        row = returns.loc[stamp] if stamp is not None and stamp in returns.index else None
        figures[day] = {symbol: float(row[symbol]) if row is not None else float("nan") for symbol in KEY_FIGURES}
    return figures


def _percent(value: float) -> str:
    shown = format_number(value * 100, 2, signed=True)
    return shown if shown == format_number(None) else f"{shown} %"


def _chapters_cell(edition: Mapping[str, Any]) -> str:
    from deepseek_monday.chapters.registry import PAGES

    titles = {page.name: page.title for page in PAGES}
    ran, unavailable = edition.get("ran", []), edition.get("unavailable", {})
    total = len(ran) + len(unavailable)
    if not total:
        return ""
    text = f"{len(ran)} of {total} ran"
    if unavailable:
        names = ", ".join(html.escape(titles.get(name, name)) for name in unavailable)
        reasons = html.escape(" | ".join(f"{name}: {why}" for name, why in unavailable.items()), quote=True)
        text += f'; <span title="{reasons}">not for this date: {names}</span>'
    return text


def index_page(editions: list[dict[str, Any]], edition_href: str, canonical_href: str, static_href: str,
               canonical: Mapping[str, Any] | None = None,
               figures: Mapping[str, Mapping[str, float]] | None = None) -> str:
    """Return the editions page: the canonical edition and every edition built, key figures side by side.

    Each row links to its edition and gives its event date, the one-day returns of
    :data:`KEY_FIGURES` on that date (``figures``, by event date), the chapters that ran
    and, for gallery editions, their one-line description.
    """
    figures = figures or {}

    def row(edition: Mapping[str, Any], href: str) -> str:
        gallery = edition.get("gallery", {})
        day = str(edition.get("parameters", {}).get("event_date", ""))
        title = gallery.get("name") or edition.get("name") or CANONICAL_TITLE
        label = html.escape(title) + ("" if edition.get("name") is None else
                                      f' <small>({html.escape(str(edition["name"]))})</small>')
        others = {k: v for k, v in edition.get("parameters", {}).items() if k != "event_date"}
        note = f"<br><small>{html.escape(parameters_text(others))}</small>" if others else ""
        numbers = "".join(f'<td class="num">{_percent(figures.get(day, {}).get(s, float("nan")))}</td>'
                          for s in KEY_FIGURES)
        when = html.escape(readable_date(day)) if day else ""
        return (f'<tr><td><a href="{href}">{label}</a>{note}</td><td>{when}</td>'
                f"{numbers}<td>{_chapters_cell(edition)}</td>"
                f"<td>{html.escape(gallery.get('description', ''))}</td></tr>")

    rows = [row(canonical or {"name": None, "parameters": {}}, canonical_href)]
    rows += [row(e, edition_href.format(name=html.escape(e["name"]))) for e in editions]
    if not editions:
        rows.append('<tr><td colspan="8">No other edition built yet: <code>make editions</code> builds the gallery '
                    "of editions.yml, <code>make book EVENT_DATE=YYYY-MM-DD</code> one date</td></tr>")
    headings = "".join(f'<th class="num">{html.escape(h)}</th>' for h in KEY_FIGURES.values())
    body = "\n".join(rows)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{CANONICAL_TITLE}: editions</title>
<link rel="icon" href="{static_href}/favicon.png">
<style>body{{font-family:sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem}}
td,th{{padding:.3rem .6rem;vertical-align:top;text-align:left}}.num{{text-align:right;white-space:nowrap}}
tbody tr:nth-child(odd){{background:#f4f4f4}}</style></head>
<body><h1>{CANONICAL_TITLE}: editions</h1>
<p>The report re-run for other trading days. Each row links to a complete edition; the figures are one-day
returns on its event date (close before to close of the day; indices in price, Nvidia with dividends),
computed from the report's data. A chapter whose data cannot serve a date is replaced by a page saying why
(hover over its name here for the reason).</p>
<table><thead><tr><th>Edition</th><th>Event date</th>{headings}<th>Chapters</th><th>Why this day</th></tr></thead>
<tbody>
{body}
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


def publish(root: Path, site: Path | None = None) -> Path:
    """Write the editions index and publish every built edition in the canonical site.

    The stand-alone index ``_build/editions/index.html`` (linking each edition's own
    site) is always written. When the canonical site exists (``site``, by default
    ``_build/html``), the editions are also copied into its ``editions/`` folder, with
    hard links where the file system allows, and indexed there: an edition already
    published from the same sources (its build's sources digest, recorded in
    :data:`PUBLISHED_FILE`) is left as it is, editions no longer built are removed.

    Returns the index inside the canonical site, or the stand-alone index when the
    canonical site has not been built yet.
    """
    site = site or root / "_build" / "html"
    editions = built_editions(root)
    canonical = canonical_record(root)
    days = {str(e.get("parameters", {}).get("event_date", "")) for e in [*editions, canonical or {}]}
    figures = key_figures(sorted(days - {""}))
    editions = sorted(editions, key=lambda e: (e.get("gallery", {}).get("position", len(editions)), e["name"]))
    standalone = editions_dir(root) / "index.html"
    standalone.parent.mkdir(parents=True, exist_ok=True)
    standalone.write_text(
        index_page(editions, "{name}/html/index.html", "../html/index.html", "../html/_static", canonical, figures))
    if not (site / "index.html").is_file():
        return standalone
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
    (target / "index.html").write_text(index_page(editions, "{name}/index.html", "../index.html", "../_static",
                                                  canonical, figures))
    return target / "index.html"

