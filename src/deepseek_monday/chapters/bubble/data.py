"""The bubble chapter's data: prices and daily returns of every symbol it reads, and company names."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from deepseek_monday.chapters.bubble.constants import (
    DOTCOM_INDEX,
    DOTCOM_STOCK,
    HISTORY_INDICES,
    PRESENT_INDEX,
    VOLATILITY_INDEX,
)
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import company_name as company_name  # re-exported: the chapter reads it here
from deepseek_monday.data.universe import load_universe


def chapter_symbols(params: BubbleParameters) -> list[str]:
    """Return every symbol the chapter reads: focus, benchmark, comparison series and the universe's stocks."""
    universe = load_universe()
    stocks = universe.index[(universe["kind"] == "stock") & (universe["calendar"] == "XNYS")].tolist()
    fixed = [params.benchmark, params.semiconductor_etf, PRESENT_INDEX, DOTCOM_STOCK, DOTCOM_INDEX,
             *HISTORY_INDICES, VOLATILITY_INDEX]
    return list(dict.fromkeys([params.focus, *fixed, *stocks]))


@dataclass(frozen=True)
class ChapterData:
    """Prices (the column returns come from) and daily returns of the chapter's symbols, wide."""

    prices: pd.DataFrame
    returns: pd.DataFrame


def load_chapter_data(params: BubbleParameters) -> ChapterData:
    """Return prices and returns of :func:`chapter_symbols` (NaN where an instrument has no session)."""
    symbols = chapter_symbols(params)
    return ChapterData(price_panel(symbols), daily_returns(symbols))
