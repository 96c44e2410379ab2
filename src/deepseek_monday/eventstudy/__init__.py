"""Event-study engine: many firms and event dates in one vectorised call.

>>> result = run_event_study(returns, ["2025-01-27"], model="market")  # doctest: +SKIP
>>> result.car, result.caar, result.exclusions  # doctest: +SKIP

Modules, one step each: :mod:`.windows` (relative days on each instrument's own
sessions), :mod:`.models` (normal-return models), :mod:`.cumulative` (CAR, BHAR),
:mod:`.parametric` and :mod:`.nonparametric` (tests), :mod:`.bootstrap` (intervals),
:mod:`.portfolio` (the portfolio time-series test for one calendar event date),
:mod:`.figures` (CAR paths), :mod:`.engine` (the entry point).
"""

from deepseek_monday.eventstudy.engine import (
    DEFAULT_ESTIMATION_WINDOW,
    DEFAULT_EVENT_WINDOWS,
    DEFAULT_MIN_ESTIMATION_OBS,
    EventStudyResult,
    run_event_study,
)
from deepseek_monday.eventstudy.figures import car_paths, plot_car_paths
from deepseek_monday.eventstudy.models import MODELS
from deepseek_monday.eventstudy.parametric import adjust_p_values, kolari_pynnonen_widening, pre_event_trend
from deepseek_monday.eventstudy.portfolio import portfolio_returns, portfolio_test
from deepseek_monday.eventstudy.windows import calendar_session_mask, window_label

__all__ = [
    "DEFAULT_ESTIMATION_WINDOW",
    "DEFAULT_EVENT_WINDOWS",
    "DEFAULT_MIN_ESTIMATION_OBS",
    "MODELS",
    "EventStudyResult",
    "adjust_p_values",
    "calendar_session_mask",
    "car_paths",
    "kolari_pynnonen_widening",
    "plot_car_paths",
    "portfolio_returns",
    "portfolio_test",
    "pre_event_trend",
    "run_event_study",
    "window_label",
]
