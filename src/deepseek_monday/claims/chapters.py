"""Chapters that discuss the claims, and links to them that never break the book.

A claim names the chapter that discusses it. Theme chapters are written later, so a
link is made only when the chapter is in the book: ``_toc.yml`` lists it (the build
skips files outside the table of contents, and a link to a skipped page fails the
warnings-as-errors build) *and* its page exists, as ``book/<name>.ipynb`` or ``.md``, or
as ``notebooks/<name>.ipynb``, which the runner executes into ``book/`` in the same build
(it copies the executed chapters only after all of them ran). Otherwise the chapter is
named in plain text. The links are MyST ``{doc}`` roles, to be rendered
through ``{glue:md}`key:myst``` or the ``glue:md`` directive with ``:format: myst``.
"""

from __future__ import annotations

from pathlib import Path

from sphinx_external_toc.parsing import parse_toc_yaml

from deepseek_monday.data.paths import project_root
from deepseek_monday.pages import PAGES

# Chapter name -> title, in reading order: the book's pages that may discuss a claim (deepseek_monday.pages).
CHAPTER_TITLES: dict[str, str] = {page.name: page.title for page in PAGES if page.discusses_claims}


def chapters_in_book(root: Path | None = None) -> frozenset[str]:
    """Return the chapter names that exist in ``book/`` and are listed in ``_toc.yml``."""
    root = root or project_root()
    toc = root / "_toc.yml"
    listed = set(parse_toc_yaml(toc)) if toc.is_file() else set()
    present = set()
    for name in CHAPTER_TITLES:
        pages = (root / "book" / f"{name}.ipynb", root / "book" / f"{name}.md", root / "notebooks" / f"{name}.ipynb")
        if f"book/{name}" in listed and any(page.is_file() for page in pages):
            present.add(name)
    return frozenset(present)


def chapter_reference(name: str, available: frozenset[str], current: str | None = "claims_ledger") -> str:
    """Return MyST text naming chapter ``name``: a link if it is in the book, else plain text.

    The chapter the text appears in (``current``) is called "this chapter".
    """
    title = CHAPTER_TITLES[name]
    if name == current:
        return "this chapter"
    if name in available:
        return f"{{doc}}`{title} <{name}>`"
    return f"{title} (`{name}`, to come)"
