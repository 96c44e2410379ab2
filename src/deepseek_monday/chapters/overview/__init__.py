"""The overview chapter: its measures (:mod:`.analysis`), figures (:mod:`.figures`) and :func:`.results.compute`.

The package re-exports the analysis module's names, so after ``from deepseek_monday.chapters import overview``
``overview.X`` works as with the former flat module; :func:`compute` runs the whole chapter, returning every
glued number, figure and shown table by name.
"""

from deepseek_monday.chapters.overview.analysis import *  # noqa: F403
from deepseek_monday.chapters.overview.results import OverviewResults as OverviewResults
from deepseek_monday.chapters.overview.results import compute as compute
