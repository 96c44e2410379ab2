"""The SaaS (software against infrastructure) chapter: its measures (:mod:`.analysis`) and figures (:mod:`.figures`).

The package re-exports the analysis module's names, so after ``from deepseek_monday.chapters import saas``
``saas.X`` works as with the former flat module.
"""

from deepseek_monday.chapters.saas.analysis import *  # noqa: F403
from deepseek_monday.chapters.saas.synthesis import capex_cut, plain_answer, synthesis_answer  # noqa: F401
