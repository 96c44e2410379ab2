"""Where the project, the market-data snapshot, the facts and the cache live.

Resolution order for the market-data directory: the ``data_dir`` argument, the
``DEEPSEEK_MONDAY_DATA`` environment variable, then ``../shared/market-data`` beside
the project. The facts directory follows the same pattern with
``DEEPSEEK_MONDAY_FACTS`` and ``../shared/facts``.
"""

from __future__ import annotations

import os
from pathlib import Path

from deepseek_monday.errors import DataValidationError

DATA_ENV_VAR = "DEEPSEEK_MONDAY_DATA"
FACTS_ENV_VAR = "DEEPSEEK_MONDAY_FACTS"
CACHE_ENV_VAR = "DEEPSEEK_MONDAY_CACHE"
_PROJECT_MARKER = "_toc.yml"


def project_root() -> Path:
    """Return the project's top directory (the one holding ``_toc.yml``).

    Searched upwards from the working directory first (notebooks run in ``book/`` or
    ``notebooks/``), then from this package's source location (editable installs).
    """
    starts = [Path.cwd(), Path(__file__).resolve().parent]
    for start in starts:
        for candidate in (start, *start.parents):
            if (candidate / _PROJECT_MARKER).is_file() and (candidate / "data").is_dir():
                return candidate
    raise DataValidationError(
        "cannot find the project directory (a folder with _toc.yml and data/) above "
        f"{Path.cwd()}; run from inside the deepseek-monday checkout"
    )


def _resolve(explicit: str | os.PathLike[str] | None, env_var: str, default_name: str) -> Path:
    if explicit is not None:
        path, origin = Path(explicit), "the data-directory option"
    elif os.environ.get(env_var):
        path, origin = Path(os.environ[env_var]), f"${env_var}"
    else:
        path, origin = project_root().parent / "shared" / default_name, "the default location"
    path = path.expanduser().resolve()
    if not path.is_dir():
        raise DataValidationError(
            f"{default_name} directory {path} (from {origin}) does not exist; set {env_var} "
            "or pass the directory explicitly"
        )
    return path


def market_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the market-data snapshot directory (holding MANIFEST.csv and prices/)."""
    return _resolve(data_dir, DATA_ENV_VAR, "market-data")


def facts_dir(facts: str | os.PathLike[str] | None = None) -> Path:
    """Return the directory of sourced facts (fundamentals.csv, events.csv, ai_compute.csv)."""
    return _resolve(facts, FACTS_ENV_VAR, "facts")


def cache_dir() -> Path:
    """Return (and create) the git-ignored cache directory, ``data/cache`` by default."""
    path = Path(os.environ.get(CACHE_ENV_VAR) or project_root() / "data" / "cache")
    path.mkdir(parents=True, exist_ok=True)
    return path


def html_sources_stamp(html: Path) -> Path:
    """Return where the build of the HTML folder ``html`` records the digest of its sources."""
    return html.parent / f".{html.name}.sources"


def universe_file() -> Path:
    """Return the universe file written by this project."""
    return project_root() / "data" / "universe.csv"
