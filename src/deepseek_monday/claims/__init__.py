"""The claims ledger: every quantitative claim of the five source articles, checked against the data.

``data/claims.csv`` lists the claims (:mod:`.catalogue`); each names a measure of the
registry (:mod:`.registry`, measures in :mod:`.measures`) that computes the value from
the data layer, and a tolerance (:mod:`.verdicts`) that turns claimed and measured value
into a verdict. :mod:`.ledger` runs them all and shapes the chapter's tables.
"""

from deepseek_monday.claims.catalogue import ARTICLES, Claim, load_claims
from deepseek_monday.claims.ledger import LedgerParameters, evaluate
from deepseek_monday.claims.registry import Measurement, NotCheckable, get_measure, measure, registered_measures
from deepseek_monday.claims.verdicts import Verdict, judge, parse_tolerance

__all__ = ["ARTICLES", "Claim", "LedgerParameters", "Measurement", "NotCheckable", "Verdict", "evaluate",
           "get_measure", "judge", "load_claims", "measure", "parse_tolerance", "registered_measures"]
