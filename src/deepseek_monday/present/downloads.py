"""Tables readers can download as CSV: offered in a notebook, written out and zipped by the book's build.

:func:`offer_csv` shows a link under a table and keeps the table's CSV text in the same
output (MIME type ``text/csv``, which the book does not display). The executed notebook thus
carries its tables, so a notebook taken from the execution cache offers them as well as a
fresh one. When the HTML is built, :func:`write_tables` writes every offered table to
``tables/<name>.csv`` at the site's root and :func:`zip_tables` packs them into one archive
per edition (``tables.zip``); the book's Sphinx extension calls both.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from deepseek_monday.errors import DataValidationError

TABLES_DIR = "tables"
ARCHIVE_NAME = "tables.zip"
CSV_MIME = "text/csv"
METADATA_KEY = "deepseek_monday_download"
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# A fixed timestamp for the archive's entries, so one set of tables gives one archive, byte for byte.
ZIP_TIME = (2025, 1, 27, 0, 0, 0)


def csv_text(frame: pd.DataFrame) -> str:
    """Return ``frame`` as CSV text: UTF-8, the index kept when it is named, ``\\n`` line ends."""
    keep_index = any(name is not None for name in frame.index.names)
    return frame.to_csv(index=keep_index, lineterminator="\n")


def link_html(name: str, label: str) -> str:
    """Return the link to a table's CSV from a page of the book (pages live in ``book/``)."""
    return (f'<p class="csv-download"><a href="../{TABLES_DIR}/{html.escape(name)}.csv" download>'
            f"Download {html.escape(label)} (CSV)</a></p>")


def offer_csv(frame: pd.DataFrame, name: str, label: str | None = None) -> None:
    """Display a link to ``frame`` as CSV under the name ``name`` (lower case, digits, ``_`` or ``-``).

    Offer the numbers as computed (not the text of :func:`present.tables.readable`), so a reader's
    spreadsheet gets numbers. ``label`` describes the table in the link ("the day in numbers").
    """
    from IPython.display import display

    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"a download name is lower case letters, digits, '_' or '-', not {name!r}")
    bundle = {"text/html": link_html(name, label or name.replace("_", " ")), CSV_MIME: csv_text(frame)}
    display(bundle, raw=True, metadata={METADATA_KEY: {"name": name}})


def offered_tables(notebook: Path) -> dict[str, str]:
    """Return the tables an executed notebook offers: {name: CSV text}."""
    found: dict[str, str] = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get(METADATA_KEY)
            text = output.get("data", {}).get(CSV_MIME)
            if meta and text is not None:
                found[meta["name"]] = "".join(text) if isinstance(text, list) else text
    return found


def write_tables(notebooks: Iterable[Path], site: Path) -> list[Path]:
    """Write every table the notebooks offer to ``site/tables/<name>.csv``; return the files, sorted.

    Two notebooks offering different tables under one name is an error (one link would be wrong).
    """
    tables: dict[str, tuple[str, Path]] = {}
    for notebook in sorted(notebooks):
        for name, text in offered_tables(notebook).items():
            if name in tables and tables[name][0] != text:
                raise DataValidationError(f"{notebook.name} and {tables[name][1].name} offer different tables "
                                          f"named {name!r}")
            tables[name] = (text, notebook)
    folder = site / TABLES_DIR
    written = []
    for name, (text, _) in sorted(tables.items()):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def zip_tables(folder: Path, archive: Path) -> Path | None:
    """Pack every CSV in ``folder`` into ``archive`` (same bytes for the same tables); None if there is none."""
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not files:
        return None
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in files:
            info = zipfile.ZipInfo(f"{TABLES_DIR}/{path.name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes())
    return archive


def archive_link_html() -> str:
    """Return the link to the edition's archive of every table, from a page in ``book/``."""
    return f'<p class="csv-download"><a href="../{ARCHIVE_NAME}" download>Download every table of this edition ' \
           f"(ZIP of CSV files)</a></p>"
