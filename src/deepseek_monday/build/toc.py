"""The book's table of contents (``_toc.yml``): which documents it lists."""

from __future__ import annotations

from pathlib import Path

import yaml


def _files(entry: object) -> set[str]:
    found: set[str] = set()
    if isinstance(entry, dict):
        for key, value in entry.items():
            if key in ("file", "root") and isinstance(value, str):
                found.add(value.removesuffix(".ipynb").removesuffix(".md"))
            else:
                found |= _files(value)
    elif isinstance(entry, list):
        for item in entry:
            found |= _files(item)
    return found


def toc_documents(toc_path: Path) -> set[str]:
    """Return every document (path without suffix, relative to the book root) ``_toc.yml`` lists."""
    if not toc_path.is_file():
        return set()
    return _files(yaml.safe_load(toc_path.read_text(encoding="utf-8")))
