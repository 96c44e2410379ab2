"""Everything the claims ledger chapter computes, in one call: :func:`compute` returns :class:`LedgerResults`.

The ledger's notebook validates its parameters, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; it shows each table in a one-line cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from deepseek_monday.claims import ledger
from deepseek_monday.claims.catalogue import load_claims
from deepseek_monday.claims.chapters import CHAPTER_TITLES
from deepseek_monday.claims.ledger import LedgerParameters
from deepseek_monday.present.glue import ChapterResults

# Indices whose intraday low on the day of article 001's conflicting moves the prose quotes.
LOW_SYMBOLS = ("GSPC", "NDX", "STOXX50E")
# Measures whose first measured claim the notes on the measures quote (value and basis).
QUOTED_MEASURES = ("market_value_loss", "price_to_sales")
# The theme sections' tables, one per chapter that discusses claims (the ledger itself last).
THEME_TABLES = ("00_overview", "10_bubble", "20_saas", "30_sanctions", "claims_ledger")


@dataclass(frozen=True)
class LedgerResults(ChapterResults):
    """The ledger chapter's results: ``numbers``, ``tables`` (no figures) by the names the notebook uses."""


def compute(params: LedgerParameters, claims: pd.DataFrame | None = None) -> LedgerResults:
    """Check every claim and return the ledger's numbers, sentences and tables for ``params``.

    ``claims`` is the evaluated ledger (:func:`ledger.evaluate`), evaluated here when not given.
    """
    claims = ledger.evaluate() if claims is None else claims
    numbers: dict[str, object] = dict(ledger.headline_numbers(claims, params))
    markdown: set[str] = set()
    lows = ledger.day_low_moves(load_claims(), list(LOW_SYMBOLS))
    numbers["conflict_day"] = f"{lows['GSPC'][0]:%A %-d %B %Y}"
    for symbol, (_, move) in lows.items():
        numbers[f"{symbol.lower()}_low"] = ledger.relative_to_previous_close(move)
    numbers["conflicts"] = ledger.conflict_sentences(claims)
    numbers["apparent_conflicts"] = ledger.apparent_conflict_sentences(claims)
    markdown |= {"conflicts", "apparent_conflicts"}
    for article in sorted(claims["article"].unique()):
        numbers[f"article_{article}"] = ledger.article_markdown(claims, article)
        markdown.add(f"article_{article}")
    for chapter in CHAPTER_TITLES:
        numbers[f"link_{chapter}"] = ledger.chapter_markdown(chapter)
        markdown.add(f"link_{chapter}")
    for measure in QUOTED_MEASURES:
        row = ledger.first_measured_by(claims, measure)
        numbers[f"{measure}_value"] = row["measured"]
        numbers[f"{measure}_basis"] = row["basis"]

    tables = {
        "table_verdict_rules": ledger.verdict_rules_table(),
        "table_tolerances": ledger.tolerance_table(claims),
        "table_measures": ledger.measures_table(claims),
        "table_by_article": ledger.verdict_table(claims, "article"),
        "table_by_chapter": ledger.verdict_table(claims, "chapter"),
        "table_conflicts": ledger.conflicts_table(claims),
        "table_apparent_conflicts": ledger.apparent_conflicts_table(claims),
    }
    for chapter in THEME_TABLES:
        tables[f"table_{chapter}"] = ledger.claims_table(claims, chapter=chapter, detailed=True)
    tables["table_not_checkable"] = ledger.not_checkable_table(claims)
    return LedgerResults(numbers=numbers, figures={}, tables=tables, markdown=frozenset(markdown))
