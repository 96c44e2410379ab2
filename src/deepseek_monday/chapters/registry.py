"""The chapter registry: the book's pages (:data:`deepseek_monday.pages.PAGES`, the one list) as the build
sees them, with their validators resolved and the table of contents written from them.

The build knows chapters only through this module: it executes the notebooks of :data:`NOTEBOOKS`,
validates their parameters with :func:`validator` and writes ``_toc.yml`` from :func:`toc`. A
validator is imported only when used, so reading the list imports no chapter.

A notebook's parameter defaults live in ONE place, its ``parameters`` cell; a test checks that
each validator's keyword defaults equal them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from deepseek_monday.pages import PAGES, PARTS, ROOT, Page, page

__all__ = ["NOTEBOOKS", "PAGES", "PARTS", "ROOT", "Page", "page", "toc", "toc_text", "validator"]


@cache
def _resolve(dotted: str) -> Callable[..., object]:
    module, _, attribute = dotted.partition(":")
    if not module.startswith("deepseek_monday."):
        module = f"deepseek_monday.chapters.{module}"
    found: object = importlib.import_module(module)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found  # type: ignore[return-value]


NOTEBOOKS: tuple[Page, ...] = tuple(entry for entry in PAGES if entry.notebook)


def validator(chapter: Page) -> Callable[..., object] | None:
    """Return ``chapter``'s validator (imported on first use), or None for a page without parameters."""
    if chapter.validator is None or callable(chapter.validator):
        return chapter.validator
    return _resolve(chapter.validator)


def toc(pages: tuple[Page, ...] = PAGES) -> dict[str, object]:
    """Return the table of contents (the ``_toc.yml`` structure of jupyter-book) of ``pages``."""
    unknown = {p.part for p in pages if p.part is not None} - set(PARTS)
    if unknown:
        raise ValueError(f"pages name parts {sorted(unknown)} not in PARTS {PARTS}")

    def entry(item: Page) -> dict[str, object]:
        sections = [entry(child) for child in pages if child.parent == item.name]
        return {"file": f"book/{item.name}", **({"sections": sections} if sections else {})}

    parts = [{"caption": part, "chapters": [entry(p) for p in pages if p.part == part and p.parent is None]}
             for part in PARTS]
    return {"format": "jb-book", "root": f"book/{ROOT}", "parts": [p for p in parts if p["chapters"]]}


TOC_HEADER = ("# Table of contents, GENERATED from src/deepseek_monday/pages.py by the build\n"
              "# (do not edit; add a chapter there). Chapters under book/ ending in .ipynb are executed\n"
              "# copies of notebooks/ written by `python -m deepseek_monday build`.\n")


def toc_text(pages: tuple[Page, ...] = PAGES) -> str:
    """Return ``_toc.yml``'s text for ``pages``."""
    import yaml

    return TOC_HEADER + yaml.safe_dump(toc(pages), sort_keys=False, allow_unicode=True)
