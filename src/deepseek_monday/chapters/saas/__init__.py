"""The SaaS (software against infrastructure) chapter: its measures (:mod:`.analysis`), figures (:mod:`.figures`)
and :func:`compute` (:mod:`.results`), everything its notebook glues in one call.

The package re-exports the analysis module's names, so after ``from deepseek_monday.chapters import saas``
``saas.X`` works as with the former flat module.
"""

from deepseek_monday.chapters.saas.analysis import *  # noqa: F403
from deepseek_monday.chapters.saas.results import SaasResults as SaasResults
from deepseek_monday.chapters.saas.results import compute as compute
from deepseek_monday.chapters.saas.synthesis import capex_cut, plain_answer, synthesis_answer  # noqa: F401
