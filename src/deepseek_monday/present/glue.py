"""What a chapter computes, glued for the book with one call.

A chapter's ``compute(params)`` returns a :class:`ChapterResults`: the numbers and sentences its prose
quotes, its figures and its tables, each under the name the notebook uses. :func:`glue_results` glues
the numbers (those named in ``markdown`` as Markdown, the rest as they are) and the figures; the
notebook shows each table in a one-line cell of its own, where the page places it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from deepseek_monday.present.style import glue_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class ChapterResults:
    """A chapter's results by glue name: ``numbers`` (texts and numbers the prose quotes), ``figures``,
    ``tables`` (the frames the page shows) and ``markdown`` (the names of numbers glued as Markdown)."""

    numbers: Mapping[str, object]
    figures: Mapping[str, Figure]
    tables: Mapping[str, pd.DataFrame]
    markdown: frozenset[str] = field(default_factory=frozenset)


def glue_results(results: ChapterResults) -> None:
    """Glue every number (Markdown where ``results.markdown`` says so) and every figure (closing it)."""
    from IPython.display import Markdown
    from myst_nb import glue

    for name, value in results.numbers.items():
        glue(name, Markdown(value) if name in results.markdown else value, display=False)
    for name, fig in results.figures.items():
        glue_figure(name, fig)
