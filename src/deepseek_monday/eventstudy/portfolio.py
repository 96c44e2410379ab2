"""Portfolio time-series test for firms that share one calendar event date.

When every firm has the same event date (27 January 2025), their abnormal returns are
cross-correlated and the cross-sectional tests, which treat firms as independent,
over-reject. The classic remedy is to test the group as ONE portfolio against its own
time series (Brown & Warner 1980, 1985 "crude dependence adjustment"; Campbell, Lo &
MacKinlay 1997, ch. 4.5; MacKinlay 1997):

1. Portfolio return R_p,t = sum_i w_i,t R_i,t over the firms with a return on date t
   (equal weights w = 1/N_t, or given weights renormalised over those firms).
2. The portfolio's own normal-return model on the estimation window (market model
   R_p,t = a + b R_m,t + e_t by OLS, market-adjusted, or constant mean), with residual
   variance s^2 = SSR / (L - k - 1): df = L - 2 for the market model.
3. Over a window [a, b] of L2 = b - a + 1 days, CAR_p = sum AR_p,t and

       Var(CAR_p) = s^2 (L2 + L2^2 / L + g^2 / S_mm)   (forecast-error correction, default)
       Var(CAR_p) = s^2 L2                              (forecast_correction=False)

   with g = sum over the window of (R_m,t - mean R_m) and S_mm the centred sum of squares
   of R_m over the estimation window (MacKinlay 1997, eq. 8-13: 1' V 1). For [0, k]
   this is the "calendar-time" CAR test: (k + 1) s^2 plus the correction.
   t = CAR_p / sqrt(Var(CAR_p)) ~ t(df) under normal, serially independent errors.

Because the cross-correlation of the firms is inside the portfolio's residual variance,
the test needs no independence across firms; the price is lower power (one time series,
and a rise in volatility on the event day is not allowed for).

Relative days are counted along the portfolio's sessions: the dates of the frame on which
at least one member has a return. The event date must be one of them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy.models import ModelFit, fit_model
from deepseek_monday.eventstudy.parametric import p_two_sided_t
from deepseek_monday.eventstudy.windows import Window, check_windows, window_label

DEFAULT_ESTIMATION_WINDOW: Window = (-250, -11)
DEFAULT_WINDOWS: tuple[Window, ...] = ((0, 0), (-1, 1), (0, 1), (-5, 5), (0, 10))
DEFAULT_SEED = 20250127
PORTFOLIO_MODELS = ("market", "market_adjusted", "mean")
COLUMNS = ["group", "window", "window_start", "window_end", "n_firms", "weighting", "model",
           "forecast_correction", "car", "se", "t", "p", "df", "n_obs", "p_wild"]


def portfolio_returns(returns: pd.DataFrame, groups: Mapping[str, str],
                      weights: pd.Series | None = None) -> pd.DataFrame:
    """Daily portfolio return of each group (dates x groups).

    Equal-weighted: the mean of the members' returns that day. Value-weighted (``weights``:
    symbol -> weight, e.g. market capitalisation before the event): sum_i w_i R_i,t /
    sum_i w_i over the members with a return that day. NaN where no member has a return.
    """
    members = _members(returns, groups)
    out = {}
    for group, symbols in members.items():
        values = returns[symbols].to_numpy(dtype=float)
        present = np.isfinite(values)
        w = (np.ones(len(symbols)) if weights is None
             else weights.reindex(symbols).to_numpy(dtype=float))
        if weights is not None and (~np.isfinite(w) | (w < 0)).any():
            raise ParameterError(f"weights: missing or negative weight for a member of {group!r}")
        total = (present * w).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[group] = np.where(total > 0, np.where(present, values, 0.0) @ w / total, np.nan)
    return pd.DataFrame(out, index=returns.index)


def _members(returns: pd.DataFrame, groups: Mapping[str, str]) -> dict[str, list[str]]:
    """Each group's symbols that are columns of ``returns``, groups in order of appearance."""
    members: dict[str, list[str]] = {}
    columns = set(returns.columns)
    for symbol, group in groups.items():
        members.setdefault(group, [])
        if symbol in columns:
            members[group].append(symbol)
    return members


def _grid(series: pd.Series, benchmark: pd.Series | None, event_date: pd.Timestamp, lo: int,
          hi: int, group: str) -> tuple[np.ndarray, np.ndarray]:
    """The portfolio (and benchmark) returns on relative days lo..hi of its sessions."""
    sessions = series.index[np.isfinite(series.to_numpy())]
    if event_date not in sessions:
        raise ParameterError(f"event_date: {event_date:%Y-%m-%d} is not a session of group {group!r} "
                             "(no member has a return that day)")
    zero = sessions.get_loc(event_date)
    if zero + lo < 0 or zero + hi >= len(sessions):
        raise ParameterError(f"group {group!r}: the windows need sessions {lo}..{hi} around "
                             f"{event_date:%Y-%m-%d}; the data hold {zero} before and "
                             f"{len(sessions) - 1 - zero} after")
    dates = sessions[zero + lo:zero + hi + 1]
    y = series.reindex(dates).to_numpy(dtype=float)
    x = (benchmark.reindex(dates).to_numpy(dtype=float) if benchmark is not None
         else np.zeros(len(dates)))
    return y, x


def _benchmark_for(benchmark: pd.Series | pd.DataFrame | None, group: str,
                   model: str) -> pd.Series | None:
    if model == "mean":
        return None
    if benchmark is None:
        raise ParameterError(f"benchmark: model {model!r} needs a benchmark return series")
    if isinstance(benchmark, pd.DataFrame):
        if group not in benchmark.columns:
            raise ParameterError(f"benchmark: no column for group {group!r}")
        return benchmark[group]
    return benchmark


def _variances(fit: ModelFit, days: np.ndarray, correction: bool) -> np.ndarray:
    """Var(CAR) per row of ``fit`` over ``days``: with or without the forecast-error term."""
    if correction:
        return fit.window_variance(days)
    return fit.sigma2 * float(days.sum())


def _fit(model: str, y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> ModelFit:
    """The model for every row of y (R, D); x (R, D) the benchmark (ignored by "mean")."""
    regressors = x[:, :, None] if model != "mean" else np.empty((*y.shape, 0))
    return fit_model(model, y, regressors, mask)


def portfolio_test(
    returns: pd.DataFrame,
    benchmark: pd.Series | pd.DataFrame | None,
    groups: Mapping[str, str],
    event_date: object,
    windows: Iterable[Window] = DEFAULT_WINDOWS,
    estimation_window: Window = DEFAULT_ESTIMATION_WINDOW,
    model: Literal["market", "market_adjusted", "mean"] = "market",
    weights: pd.Series | None = None,
    forecast_correction: bool = True,
    min_estimation_obs: int = 30,
    n_boot: int = 0,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Portfolio time-series test of each group's CAR over each window (one event date).

    ``returns``: wide simple returns (dates x symbols); ``benchmark``: the benchmark's return
    Series (or a DataFrame with one column per group); ``groups``: symbol -> group; windows
    in sessions relative to ``event_date``. See the module docstring for the formulas
    (forecast-error correction applied unless ``forecast_correction=False``; df = L - k - 1,
    i.e. L - 2 for the market model). ``n_boot`` > 0 adds ``p_wild``, the wild-bootstrap
    p-value of :func:`wild_bootstrap_p` (seeded: the same numbers on every run).

    Returns one row per group and window: group, window, window_start, window_end, n_firms
    (members with a return on the event date), weighting, model, forecast_correction, car,
    se, t, p (two-sided), df, n_obs (L) and p_wild (NaN without bootstrap).
    """
    if model not in PORTFOLIO_MODELS:
        raise ParameterError(f"model: {model!r} is not one of {PORTFOLIO_MODELS}")
    estimation_window, windows = check_windows(estimation_window, list(windows))
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 0:
        raise ParameterError(f"n_boot: {n_boot!r} must be a whole number >= 0")
    event_date = pd.Timestamp(event_date)
    lo = min(estimation_window[0], *(w[0] for w in windows))
    hi = max(estimation_window[1], *(w[1] for w in windows))
    rel_days = np.arange(lo, hi + 1)
    estimation_days = (rel_days >= estimation_window[0]) & (rel_days <= estimation_window[1])
    portfolios = portfolio_returns(returns, groups, weights)
    members = _members(returns, groups)
    names = list(portfolios.columns)
    grids = [_grid(portfolios[g], _benchmark_for(benchmark, g, model), event_date, lo, hi, g) for g in names]
    y = np.array([grid[0] for grid in grids]).reshape(len(names), rel_days.size)
    x = np.array([grid[1] for grid in grids]).reshape(len(names), rel_days.size)
    mask = estimation_days & np.isfinite(y) & np.isfinite(x)
    short = mask.sum(axis=1) < min_estimation_obs
    if short.any():
        group = names[int(np.argmax(short))]
        raise ParameterError(f"group {group!r}: only {mask[names.index(group)].sum()} valid estimation days "
                             f"(< min_estimation_obs={min_estimation_obs})")
    car, se, t, p, fit = car_tests(y, x, mask, rel_days, windows, model, forecast_correction)
    on_event_date = returns.loc[event_date] if event_date in returns.index else pd.Series(dtype=float)
    n_firms = np.array([int(on_event_date.reindex(members[g]).notna().sum()) for g in names])
    n_groups, n_windows = len(names), len(windows)
    table = pd.DataFrame({
        "group": np.repeat(np.asarray(names, dtype=object), n_windows),
        "window": np.tile([window_label(w) for w in windows], n_groups),
        "window_start": np.tile([w[0] for w in windows], n_groups),
        "window_end": np.tile([w[1] for w in windows], n_groups),
        "n_firms": np.repeat(n_firms, n_windows),
        "weighting": "equal" if weights is None else "value",
        "model": model,
        "forecast_correction": forecast_correction,
        "car": car.ravel(), "se": se.ravel(), "t": t.ravel(), "p": p.ravel(),
        "df": np.repeat(fit.df, n_windows), "n_obs": np.repeat(fit.ols.n_obs, n_windows),
        "p_wild": np.nan,
    }, columns=COLUMNS)
    if n_boot:
        table["p_wild"] = np.concatenate([
            wild_bootstrap_p(y[i], x[i], mask[i], rel_days, windows, t[i], model=model,
                             forecast_correction=forecast_correction, n_boot=n_boot,
                             seed=_group_seed(seed, str(g))) for i, g in enumerate(names)])
    return table


def car_tests(y: np.ndarray, x: np.ndarray, mask: np.ndarray, rel_days: np.ndarray,
              windows: tuple[Window, ...], model: str = "market",
              forecast_correction: bool = True) -> tuple[np.ndarray, ...]:
    """The portfolio test on arrays, all portfolios at once.

    ``y``/``x`` (G, D): portfolio and benchmark returns on the relative days ``rel_days``;
    ``mask`` (G, D): valid estimation days. Returns CAR, se, t, p, each (G, W), and the fit.
    """
    fit = _fit(model, y, x, mask)
    shape = (len(y), len(windows))
    car, se = np.empty(shape), np.empty(shape)
    for j, window in enumerate(windows):
        days = (rel_days >= window[0]) & (rel_days <= window[1])
        car[:, j] = fit.ar_on(days).sum(axis=1)  # NaN if a window day is missing
        se[:, j] = np.sqrt(_variances(fit, days, forecast_correction))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(se > 0, car / se, np.nan)
    return car, se, t, p_two_sided_t(t, fit.df[:, None].astype(float)), fit


def _group_seed(seed: int, group: str) -> list[int]:
    """A seed per group, so a group's draws do not depend on the other groups in the call."""
    return [seed, zlib.crc32(group.encode())]


def wild_bootstrap_p(y: np.ndarray, x: np.ndarray, mask: np.ndarray, rel_days: np.ndarray,
                     windows: tuple[Window, ...], t_observed: np.ndarray, *, model: str = "market",
                     forecast_correction: bool = True, n_boot: int = 999,
                     seed: int | list[int] = DEFAULT_SEED) -> np.ndarray:
    """Wild-bootstrap (Rademacher) p-values of the portfolio CAR t statistics, one per window.

    Under the null of no event effect, B pseudo-samples y*_t = fitted_t + v_t e_t are drawn
    with v_t = +/-1 with probability 1/2 (Rademacher; Wu 1986, Liu 1988, Davidson &
    Flachaire 2008). On estimation days e_t is the day's own residual (keeping each day's
    variance); on event-window days, which have no residual under the null, e_t is the
    residual of an estimation day drawn at random (a single event date gives one
    observation per day, and a pure wild bootstrap of that observation could not reject).
    Each pseudo-sample is refitted on the estimation days and t* = CAR* / se* computed as
    for the data; p = (1 + #{|t*| >= |t|}) / (B + 1), two-sided. ``y`` and ``x`` are the
    portfolio and benchmark returns on ``rel_days``; ``mask`` the valid estimation days.
    Deterministic for a given ``seed``.
    """
    fit = _fit(model, y[None], x[None], mask[None])
    expected = y - fit.ar[0]
    est = np.flatnonzero(mask)
    residuals = fit.ar[0, est]
    rng = np.random.default_rng(seed)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n_boot, len(y)))
    errors = np.zeros((n_boot, len(y)))
    errors[:, est] = residuals
    others = ~mask
    errors[:, others] = residuals[rng.integers(0, len(est), size=(n_boot, int(others.sum())))]
    y_star = expected + signs * errors
    boot_x = np.broadcast_to(x, y_star.shape)
    boot_fit = _fit(model, y_star, np.ascontiguousarray(boot_x), np.broadcast_to(mask, y_star.shape).copy())
    p = np.empty(len(windows))
    for j, window in enumerate(windows):
        days = (rel_days >= window[0]) & (rel_days <= window[1])
        t_star = boot_fit.ar[:, days].sum(axis=1) / np.sqrt(_variances(boot_fit, days, forecast_correction))
        p[j] = (1 + np.count_nonzero(np.abs(t_star) >= abs(t_observed[j]))) / (n_boot + 1)
        if not np.isfinite(t_observed[j]):
            p[j] = np.nan
    return p
