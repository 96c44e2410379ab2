"""The market chapter's parameter (``event_date``) and settings.

The chapter runs for any NYSE session that the S&P 500 cross-section can serve: one with a
full estimation window of :data:`ESTIMATION_WINDOW` sessions of returns before it and the
longest event window after it. A date outside gets a DataUnavailableError (a ParameterError) naming the first (and
last) usable date.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from deepseek_monday.data.calendars import check_trading_day
from deepseek_monday.data.cross_section import CALENDAR, CrossSection, load_cross_section
from deepseek_monday.errors import DataUnavailableError

DEFAULT_EVENT_DATE = "2025-01-27"
WINDOWS: tuple[tuple[int, int], ...] = ((0, 0), (0, 1), (0, 5))
ESTIMATION_WINDOW = (-250, -11)
MIN_ESTIMATION_OBS = 200
CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
N_MOVERS = 20
# Multiple-testing adjustment per family: Holm (family-wise error) for the 11 sectors,
# Benjamini-Hochberg (false discovery rate) for the sub-industries, each over every window.
SECTOR_ADJUSTMENT = "holm"
SUB_INDUSTRY_ADJUSTMENT = "fdr_bh"


def usable_range(cross_section: CrossSection) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the first and last event dates the chapter can study on ``cross_section``."""
    grid = cross_section.returns.index
    first = grid.get_loc(cross_section.first_return_date) - ESTIMATION_WINDOW[0]
    last = grid.get_loc(cross_section.last_return_date) - WINDOWS[-1][1]
    return grid[first], grid[last]


@dataclass(frozen=True)
class MarketParameters:
    """Validated parameters of the market chapter."""

    event_date: pd.Timestamp

    @classmethod
    def validate(cls, event_date: object = DEFAULT_EVENT_DATE,
                 cross_section: CrossSection | None = None) -> MarketParameters:
        """Check ``event_date`` against the cross-section; raise DataUnavailableError when the data cannot serve it."""
        cs = load_cross_section() if cross_section is None else cross_section
        first, last = usable_range(cs)
        day = check_trading_day(event_date, CALENDAR, "event_date")
        if day < first:
            raise DataUnavailableError(
                f"event_date: {day:%Y-%m-%d} leaves fewer than {-ESTIMATION_WINDOW[0]} sessions of S&P 500 "
                f"returns (from {cs.first_return_date:%Y-%m-%d}) before it for the estimation window; the first "
                f"usable date is {first:%Y-%m-%d}, so the chapter can run from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
            )
        if day > last:
            raise DataUnavailableError(
                f"event_date: {day:%Y-%m-%d} leaves fewer than {WINDOWS[-1][1]} sessions of S&P 500 returns after "
                f"it (data end {cs.last_return_date:%Y-%m-%d}); the last usable date is {last:%Y-%m-%d}, so "
                f"the chapter can run from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
            )
        return cls(cs.check_event_date(day, days_after=WINDOWS[-1][1]))
