"""The market-model event study of one stock around one date, as the bubble and the sanctions chapters run it."""

from __future__ import annotations

import pandas as pd

from deepseek_monday.eventstudy import EventStudyResult, run_event_study

# Event windows of the single-stock study (trading days relative to the event).
EVENT_WINDOWS = ((0, 0), (0, 1), (-5, 5), (0, 10))


def market_model_study(returns: pd.DataFrame, focus: str, benchmark: str, event_date: pd.Timestamp) -> EventStudyResult:
    """Run the market-model event study of one stock around one date (engine defaults otherwise).

    With a single event no estimation day falls in another event's window, so nothing is masked.
    """
    return run_event_study(returns[[focus, benchmark]], [event_date], symbols=[focus], model="market",
                           benchmark=benchmark, event_windows=EVENT_WINDOWS, pooled_group=None)
