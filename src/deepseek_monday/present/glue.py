"""What a chapter computes, glued for the book with one call.

A chapter's ``compute(params)`` returns a :class:`ChapterResults`: the numbers and sentences its prose
quotes, its figures and its tables, each under the name the notebook uses. :func:`glue_results` glues
the numbers (those named in ``markdown`` as Markdown, the rest as they are) and the figures; the
notebook shows each table in a one-line cell of its own, where the page places it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from deepseek_monday.present.style import glue_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


# A glue reference in MyST markdown: {glue:text}`name`, {glue:text}`name:+.2%`, {glue}`name`, ```{glue:figure} name
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
GLUE_DIRECTIVE = re.compile(r"^```+\{glue(?::\w+)?\}[ \t]+(\S+)", re.M)


class Gluable(Protocol):
    """What :func:`glue_results` reads from a chapter's results (``markdown`` is optional)."""

    @property
    def numbers(self) -> Mapping[str, object]: ...

    @property
    def figures(self) -> Mapping[str, Figure]: ...


@dataclass(frozen=True)
class ChapterResults:
    """A chapter's results by glue name: ``numbers`` (texts and numbers the prose quotes), ``figures``,
    ``tables`` (the frames the page shows) and ``markdown`` (the names of numbers glued as Markdown)."""

    numbers: Mapping[str, object]
    figures: Mapping[str, Figure]
    tables: Mapping[str, pd.DataFrame]
    markdown: frozenset[str] = field(default_factory=frozenset)


def glue_results(results: Gluable) -> None:
    """Glue every number (Markdown where ``results.markdown`` names it) and every figure (closing it).

    Tables are not glued: the notebook shows each in a one-line cell, where nbval compares it.
    """
    from IPython.display import Markdown
    from myst_nb import glue

    markdown = getattr(results, "markdown", frozenset())
    for name, value in results.numbers.items():
        glue(name, Markdown(value) if name in markdown else value, display=False)
    for name, fig in results.figures.items():
        glue_figure(name, fig)


def referenced_glue_names(notebook: str | Path) -> set[str]:
    """Return the glue names that the markdown cells of the ``notebook`` file quote (roles and directives)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return set(GLUE_ROLE.findall(markdown)) | set(GLUE_DIRECTIVE.findall(markdown))
