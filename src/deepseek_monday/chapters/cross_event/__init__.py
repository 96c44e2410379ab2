"""The cross-event chapter: its measures (:mod:`.analysis`) and figures (:mod:`.figures`).

The package re-exports the analysis module's names, so after ``from deepseek_monday.chapters import cross_event``
``cross_event.X`` works as with the former flat module.
"""

from deepseek_monday.chapters.cross_event.analysis import *  # noqa: F403
