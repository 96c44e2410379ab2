"""Who paid for the event day? The whole S&P 500 by sector and sub-industry (issue #17)."""

from deepseek_monday.chapters.market.analysis import (
    MarketInputs,
    SectorStudy,
    benchmark_table,
    level_table,
    load_inputs,
    model_spread,
    model_table,
    movers,
    portfolio_study,
    sector_study,
)
from deepseek_monday.chapters.market.parameters import DEFAULT_EVENT_DATE, MarketParameters
from deepseek_monday.chapters.market.results import MarketResults, compute

__all__ = [
    "DEFAULT_EVENT_DATE",
    "MarketInputs",
    "MarketParameters",
    "MarketResults",
    "SectorStudy",
    "benchmark_table",
    "compute",
    "level_table",
    "load_inputs",
    "model_spread",
    "model_table",
    "movers",
    "portfolio_study",
    "sector_study",
]
