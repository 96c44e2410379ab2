"""The overview chapter: its measures (:mod:`.analysis`) and figures (:mod:`.figures`).

The package re-exports the analysis module's names, so after ``from deepseek_monday.chapters import overview``
``overview.X`` works as with the former flat module.
"""

from deepseek_monday.chapters.overview.analysis import *  # noqa: F403
