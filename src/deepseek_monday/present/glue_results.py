"""Glue a chapter's results for the book with one call: ``glue_results(chapter.compute(params))``.

A chapter's ``compute`` returns a results object with three mappings, each keyed by glue name:

- ``numbers``: every number and sentence the prose quotes (``{glue:text}`name```), glued as is;
- ``figures``: matplotlib figures (``{glue:figure}``), glued and closed by :func:`style.glue_figure`;
- ``tables``: the tables the page shows, glued as well (``display=False``, as every glue here), so the
  glued record holds them by name; the page still shows each through a one-line display cell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from deepseek_monday.present.style import glue_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

# A glue reference in MyST markdown: {glue:text}`name`, {glue:text}`name:+.2%`, {glue}`name`, ```{glue:figure} name
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
GLUE_DIRECTIVE = re.compile(r"^```+\{glue(?::\w+)?\}[ \t]+(\S+)", re.M)


def glue_numbers(numbers: Mapping[str, object]) -> None:
    """Glue every value of ``numbers`` under its name, without displaying it."""
    from myst_nb import glue

    for name, value in numbers.items():
        glue(name, value, display=False)


def glue_tables(tables: Mapping[str, pd.DataFrame]) -> None:
    """Glue every table of ``tables`` under its name, without displaying it."""
    from myst_nb import glue

    for name, table in tables.items():
        glue(name, table, display=False)


def glue_results(results: object) -> None:
    """Glue ``results.numbers``, then ``results.figures`` (each closed once glued), then ``results.tables``."""
    numbers: Mapping[str, object] = getattr(results, "numbers")  # noqa: B009 - any chapter's results object
    figures: Mapping[str, Figure] = getattr(results, "figures")  # noqa: B009
    tables: Mapping[str, pd.DataFrame] = getattr(results, "tables")  # noqa: B009
    glue_numbers(numbers)
    for name, fig in figures.items():
        glue_figure(name, fig)
    glue_tables(tables)


def referenced_glue_names(notebook: str | Path) -> set[str]:
    """Return the glue names that the markdown cells of the ``notebook`` file quote (roles and directives)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return set(GLUE_ROLE.findall(markdown)) | set(GLUE_DIRECTIVE.findall(markdown))
