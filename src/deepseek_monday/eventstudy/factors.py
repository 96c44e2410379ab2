"""Inputs of the Fama-French models (``ff3``, ``carhart4``, ``ff5``) for the engine.

The engine places regressors as return columns; a factor model's regressors are the
columns of a factor table (decimal, dates x factors, e.g.
:func:`deepseek_monday.data.facts.load_ff_factors`) and its dependent variable is the excess
return R - rf. :func:`factor_inputs` turns the returns frame into excess returns plus one
column per factor (named ``factor:<name>``) and points every pair at those columns, so the
rest of the pipeline (windows, OLS, CARs, tests) runs unchanged: the abnormal return is
R_t - rf_t - (alpha + b' F_t). ``ret`` in the result tables is then the excess return.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy.models import FACTOR_MODELS
from deepseek_monday.eventstudy.windows import Window

FACTOR_COLUMN_PREFIX = "factor:"
RISK_FREE = "rf"


def factor_column(name: str) -> str:
    """The returns-frame column that carries factor ``name``."""
    return f"{FACTOR_COLUMN_PREFIX}{name}"


def check_factors(factors: object, model: str) -> pd.DataFrame:
    """Return ``factors`` if it is a table (dates x factors) with rf and ``model``'s factors, else raise."""
    needed = [*FACTOR_MODELS[model], RISK_FREE]
    if factors is None:
        raise ParameterError(
            f"factors: model {model!r} needs a factor table with columns {needed} in decimal "
            "(e.g. deepseek_monday.data.facts.load_ff_factors())"
        )
    if not isinstance(factors, pd.DataFrame):
        raise ParameterError(f"factors: expected a pandas DataFrame, got {type(factors).__name__}")
    if not isinstance(factors.index, pd.DatetimeIndex) or not factors.index.is_unique:
        raise ParameterError("factors: the index must be a DatetimeIndex of unique dates")
    missing = [c for c in needed if c not in factors.columns]
    if missing:
        raise ParameterError(f"factors: model {model!r} needs columns {missing}, the table has "
                             f"{list(factors.columns)}")
    return factors


def check_coverage(returns: pd.DataFrame, factors: pd.DataFrame, model: str, pairs: pd.DataFrame,
                   estimation_window: Window, event_windows: tuple[Window, ...]) -> None:
    """Raise a ParameterError if a date of some event's estimation or event window lacks a factor value.

    Windows are counted on the rows of ``returns`` where one of the pairs' symbols has a
    return, from ``estimation_window[0]`` to the last event-window day.
    """
    needed = [*FACTOR_MODELS[model], RISK_FREE]
    covered = factors.index[np.isfinite(factors[needed].to_numpy(dtype=float)).all(axis=1)]
    columns = returns.columns.intersection(pd.Index(pd.unique(pairs["symbol"].astype(str))))
    rows = returns.index[returns[columns].notna().any(axis=1).to_numpy()]
    lo = min(estimation_window[0], *(w[0] for w in event_windows))
    hi = max(estimation_window[1], *(w[1] for w in event_windows))
    span = f"{covered[0]:%Y-%m-%d}..{covered[-1]:%Y-%m-%d}" if len(covered) else "no complete row"
    for event_date in pd.DatetimeIndex(pd.unique(pairs["event_date"])).sort_values():
        position = rows.searchsorted(event_date)
        window = rows[max(position + lo, 0):max(position + hi + 1, 0)]
        lacking = window.difference(covered)
        if len(lacking):
            estimation_end = rows[min(max(position + estimation_window[1], 0), len(rows) - 1)]
            part = "estimation window" if lacking[0] <= estimation_end else "event window"
            raise ParameterError(
                f"factors: the {part} of event {event_date:%Y-%m-%d} is not covered: {len(lacking)} date(s) "
                f"without {needed} (first {lacking[0]:%Y-%m-%d}); the factor table's complete rows span {span}"
            )


def factor_inputs(returns: pd.DataFrame, factors: object, model: str, pairs: pd.DataFrame,
                  estimation_window: Window, event_windows: tuple[Window, ...],
                  sessions: pd.DataFrame | str = "returns"
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | str]:
    """Return (excess returns + factor columns, pairs pointing at them, sessions mask to match).

    Factors are aligned on the returns' dates; rf is subtracted from every column.
    """
    factors = check_factors(factors, model)
    clash = [c for c in returns.columns if str(c).startswith(FACTOR_COLUMN_PREFIX)]
    if clash:
        raise ParameterError(f"returns: columns {clash} use the reserved prefix {FACTOR_COLUMN_PREFIX!r}")
    check_coverage(returns, factors, model, pairs, estimation_window, event_windows)
    aligned = factors.reindex(returns.index)
    excess = returns.sub(aligned[RISK_FREE], axis=0)
    added = pd.DataFrame({factor_column(name): aligned[name] for name in FACTOR_MODELS[model]},
                         index=returns.index)
    frame = pd.concat([excess, added], axis=1)
    pairs = pairs.assign(**{name: factor_column(name) for name in FACTOR_MODELS[model]})
    if isinstance(sessions, pd.DataFrame):
        if not sessions.index.equals(returns.index) or not sessions.columns.equals(returns.columns):
            raise ParameterError("sessions: the mask must have exactly the index and columns of returns")
        sessions = pd.concat([sessions, added.notna()], axis=1)
    return frame, pairs, sessions
