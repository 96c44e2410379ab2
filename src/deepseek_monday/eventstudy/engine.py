"""One call from wide returns to tidy event-study tables: :func:`run_event_study`.

Pipeline: resolve (symbol, event date) pairs and their benchmarks -> place them on
relative days (:mod:`.windows`) -> fit the normal-return model (:mod:`.models`) ->
abnormal returns, CARs and BHARs (:mod:`.cumulative`) -> single-firm and cross-sectional
tests (:mod:`.parametric`, :mod:`.nonparametric`) and bootstrap intervals
(:mod:`.bootstrap`) -> tidy tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import nonparametric, parametric
from deepseek_monday.eventstudy.bootstrap import BootstrapIntervals, residual_bootstrap
from deepseek_monday.eventstudy.cumulative import WindowSums, window_sums
from deepseek_monday.eventstudy.factors import factor_inputs
from deepseek_monday.eventstudy.models import FACTOR_MODELS, MODEL_REGRESSORS, ModelFit, check_model, fit_model
from deepseek_monday.eventstudy.windows import (
    EXCLUSION_COLUMNS,
    EventPanel,
    Window,
    build_panel,
    check_windows,
    window_label,
)

DEFAULT_ESTIMATION_WINDOW: Window = (-250, -11)
DEFAULT_EVENT_WINDOWS: tuple[Window, ...] = ((0, 0), (-1, 1), (0, 1), (-5, 5), (0, 10))
DEFAULT_MIN_ESTIMATION_OBS = 200
DEFAULT_SEED = 20250127
UNGROUPED = "ungrouped"
# Cross-sectional tests: (column prefix, label, reference distribution, minimum N).
TESTS = (
    ("t_cs", "cross-sectional t", "t(N-1)", parametric.MIN_FIRMS["t_cs"]),
    ("patell", "Patell Z", "N(0,1)", parametric.MIN_FIRMS["patell"]),
    ("bmp", "BMP t", "t(N-1)", parametric.MIN_FIRMS["bmp"]),
    ("kp", "Kolari-Pynnonen t", "t(N-1)", parametric.MIN_FIRMS["kp"]),
    ("corrado", "Corrado rank Z", "N(0,1)", nonparametric.MIN_FIRMS["corrado"]),
    ("sign", "generalized sign Z", "N(0,1)", nonparametric.MIN_FIRMS["sign"]),
    ("grank", "GRANK t", "t(T-2)", nonparametric.MIN_FIRMS["grank"]),
    ("wilcoxon", "Wilcoxon signed-rank Z", "exact (N<=50) / N(0,1)", nonparametric.MIN_FIRMS["wilcoxon"]),
    ("boot", "residual bootstrap", "bootstrap", 1),
)


@dataclass(frozen=True)
class EventStudyResult:
    """Tidy results of :func:`run_event_study` (plus the arrays behind them).

    - ``abnormal_returns``: one row per symbol, event and event-window day (built on
      first access, from ``panel`` and ``fit``).
    - ``car``: one row per symbol, event and window (CAR, BHAR, single-firm t, bootstrap).
    - ``caar``: one row per group, event and window with every cross-sectional test.
    - ``tests``: the same tests in long form (one row per test).
    - ``fits``: the fitted model per symbol and event.
    - ``exclusions``: symbol, event_date, reason for every pair not studied.
    """

    car: pd.DataFrame
    caar: pd.DataFrame
    tests: pd.DataFrame
    fits: pd.DataFrame
    exclusions: pd.DataFrame
    settings: dict[str, Any]
    panel: EventPanel = field(repr=False)
    fit: ModelFit = field(repr=False)
    sums: WindowSums = field(repr=False)
    cells: pd.DataFrame = field(repr=False)
    membership: pd.DataFrame = field(repr=False)

    @cached_property
    def abnormal_returns(self) -> pd.DataFrame:
        return abnormal_return_table(self.panel, self.fit)


# --------------------------------------------------------------------------- inputs


def check_returns(returns: object) -> pd.DataFrame:
    """Return ``returns`` if it is a wide frame of dates x symbols, else raise."""
    if not isinstance(returns, pd.DataFrame):
        raise ParameterError(f"returns: expected a wide pandas DataFrame, got {type(returns).__name__}")
    if not isinstance(returns.index, pd.DatetimeIndex):
        raise ParameterError("returns: the index must be a DatetimeIndex of dates")
    if not returns.index.is_monotonic_increasing or not returns.index.is_unique:
        raise ParameterError("returns: the dates must be unique and ascending")
    if not returns.columns.is_unique:
        duplicated = returns.columns[returns.columns.duplicated()].tolist()
        raise ParameterError(f"returns: duplicate columns {duplicated}")
    return returns


def _check_dates(values: Iterable[object], parameter: str) -> pd.DatetimeIndex:
    try:
        dates = pd.DatetimeIndex(pd.to_datetime(list(values)))
    except (ValueError, TypeError) as error:
        raise ParameterError(f"{parameter}: cannot read the event dates ({error})") from error
    if dates.tz is not None or not (dates == dates.normalize()).all():
        raise ParameterError(f"{parameter}: event dates must be plain calendar dates (YYYY-MM-DD)")
    if dates.hasnans:
        raise ParameterError(f"{parameter}: an event date is missing (NaT)")
    return dates


class _Universe:
    """The universe table, loaded only when a default is actually needed."""

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self._frame = frame

    def column(self, name: str) -> pd.Series:
        if self._frame is None:
            from deepseek_monday.data.universe import load_universe

            self._frame = load_universe()
        return self._frame[name] if name in self._frame.columns else pd.Series(dtype=object)


def _per_symbol(value: object, symbols: list[str], universe: _Universe, column: str,
                parameter: str, fallback: str = "") -> pd.Series:
    """Resolve a None / str / mapping parameter into one value per symbol."""
    if value is not None and not isinstance(value, str | Mapping):
        raise ParameterError(f"{parameter}: expected None, a symbol or a dict, got {value!r}")
    if isinstance(value, str):
        return pd.Series(value, index=symbols, dtype=object)
    given = pd.Series({s: value.get(s) for s in symbols} if value else {}, index=symbols,
                      dtype=object)
    missing = given.isna() | (given == "")
    if missing.any():
        default = universe.column(column).reindex(symbols)
        given = given.where(~missing, default)
    return given.fillna(fallback).replace("", fallback)


def resolve_pairs(
    returns: pd.DataFrame,
    events: object,
    symbols: list[str] | None,
    model: str,
    benchmark: str | Mapping[str, str] | None,
    sector_index: str | Mapping[str, str] | None,
    groups: str | Mapping[str, str] | None,
    universe: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return one row per (symbol, event_date) with its regressors and group.

    Defaults come from ``universe`` (loaded with ``load_universe()`` only when needed).
    """
    regressors = MODEL_REGRESSORS[model]
    universe = _Universe(universe)
    overrides = {"benchmark": benchmark, "sector_index": sector_index}
    if isinstance(events, pd.DataFrame):
        missing = {"symbol", "event_date"} - set(events.columns)
        if missing:
            raise ParameterError(f"events: the DataFrame lacks columns {sorted(missing)}")
        pairs = events[["symbol", "event_date"]].copy()
        pairs["event_date"] = _check_dates(pairs["event_date"], "events")
        if symbols is not None:
            pairs = pairs[pairs["symbol"].isin(symbols)]
    else:
        single = isinstance(events, str | pd.Timestamp) or not isinstance(events, Iterable)
        dates = _check_dates([events] if single else events, "events")
        if symbols is None:
            candidates = [str(c) for c in returns.columns]
            used = set()
            for name in regressors:
                used |= set(_per_symbol(overrides[name], candidates, universe, name, name))
            symbols = [s for s in candidates if s not in used]
        elif isinstance(symbols, str):
            symbols = [symbols]
        symbols = list(dict.fromkeys(symbols))  # every (symbol, date) pair once
        unique_dates = dates.unique()
        pairs = pd.DataFrame({"symbol": np.tile(np.asarray(symbols, dtype=object),
                                                len(unique_dates)),
                              "event_date": unique_dates.repeat(len(symbols))})
    if pairs.empty:
        raise ParameterError("events: no (symbol, event date) pair to study")
    if isinstance(events, pd.DataFrame):
        pairs = pairs.drop_duplicates().reset_index(drop=True)
    symbol_code, unique_symbols = pd.factorize(pairs["symbol"].astype(str))
    unique_symbols = unique_symbols.tolist()
    for name in regressors:
        mapping = _per_symbol(overrides[name], unique_symbols, universe, name, name)
        pairs[name] = mapping.to_numpy()[symbol_code]
    group_map = _per_symbol(groups, unique_symbols, universe, "group", "groups", UNGROUPED)
    pairs["group"] = group_map.to_numpy()[symbol_code]
    return pairs


def _check_settings(model: str, min_estimation_obs: object, estimation_window: Window,
                    n_boot: object, ci_level: object, return_kind: object) -> None:
    n_params = len(MODEL_REGRESSORS[model]) + 1 if model != "market_adjusted" else 1
    smallest = n_params + 3  # leaves more than 2 residual degrees of freedom (Patell)
    length = estimation_window[1] - estimation_window[0] + 1
    if isinstance(min_estimation_obs, bool) or not isinstance(min_estimation_obs, int):
        raise ParameterError(f"min_estimation_obs: {min_estimation_obs!r} is not a whole number")
    if not smallest <= min_estimation_obs <= length:
        raise ParameterError(
            f"min_estimation_obs: {min_estimation_obs} must be between {smallest} (model "
            f"{model!r}) and the estimation window length {length}"
        )
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 0:
        raise ParameterError(f"n_boot: {n_boot!r} must be a whole number >= 0 (0: no bootstrap)")
    if not isinstance(ci_level, float) or not 0.0 < ci_level < 1.0:
        raise ParameterError(f"ci_level: {ci_level!r} must be a fraction between 0 and 1")
    if return_kind not in ("simple", "log"):
        raise ParameterError(f"return_kind: {return_kind!r} is not 'simple' or 'log'")


# --------------------------------------------------------------------------- cells


def build_cells(pairs: pd.DataFrame, pooled_group: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the cells (group, event_date) and the membership (pair, cell) table.

    With ``pooled_group`` and more than one group, every pair is also a member of the
    pooled cell ``(pooled_group, event_date)``.
    """
    group = pairs["group"].to_numpy(dtype=object)
    event_date = pairs["event_date"].to_numpy()
    pair = np.arange(len(pairs))
    if pooled_group is not None and pd.unique(group).size > 1:
        group = np.concatenate([group, np.full(len(pairs), pooled_group, dtype=object)])
        event_date, pair = np.tile(event_date, 2), np.tile(pair, 2)
    # Cells are numbered in order of first appearance.
    group_code, _ = pd.factorize(group, use_na_sentinel=False)
    date_code, dates = pd.factorize(event_date, use_na_sentinel=False)
    cell, _ = pd.factorize(group_code * len(dates) + date_code)
    first_seen = np.unique(cell, return_index=True)[1]
    cells = pd.DataFrame({"group": group[first_seen], "event_date": event_date[first_seen]})
    order = np.lexsort((pair, cell))
    membership = pd.DataFrame({"pair": pair[order], "cell": cell[order]})
    return cells, membership


def cross_sections(values: np.ndarray, membership: pd.DataFrame, n_cells: int) -> np.ndarray:
    """Arrange per-pair values (P, W) as NaN-padded cross-sections (cells, W, max N)."""
    cell = membership["cell"].to_numpy()
    pair = membership["pair"].to_numpy()
    counts = np.bincount(cell, minlength=n_cells)
    position = np.arange(len(cell)) - np.repeat(np.cumsum(counts) - counts, counts)
    out = np.full((n_cells, values.shape[1], max(int(counts.max(initial=0)), 1)), np.nan)
    out[cell, :, position] = values[pair]
    return out


def membership_matrix(membership: pd.DataFrame, n_cells: int, n_pairs: int) -> sparse.csr_matrix:
    """Return the 0/1 (cells x pairs) matrix: sums over a cell's firms are one product."""
    ones = np.ones(len(membership))
    return sparse.csr_matrix((ones, (membership["cell"], membership["pair"])),
                             shape=(n_cells, n_pairs))


def residual_correlation_by_cell(panel: EventPanel, fit: ModelFit, membership: pd.DataFrame,
                                 n_cells: int) -> np.ndarray:
    """Average pairwise correlation of estimation residuals within each cell, by date.

    Cells whose firms all have complete residuals on the same contiguous rows (the usual
    case) are done together, with the O(N T) formula of
    :func:`parametric.average_cross_correlation`; the others one cell at a time.
    """
    r_bar = np.full(n_cells, np.nan)
    est = panel.day_slice(panel.estimation_window)
    residuals = np.where(panel.estimation_mask[:, est], fit.ar[:, est], np.nan)
    n_dates = residuals.shape[1]
    first_last = panel.rows_at(np.arange(est.start, est.stop)[[0, -1]])
    cell, pair = membership["cell"].to_numpy(), membership["pair"].to_numpy()
    counts = np.bincount(cell, minlength=n_cells)

    with np.errstate(invalid="ignore"):  # NaN where a residual is missing
        centred = residuals - residuals.sum(axis=1, keepdims=True) / n_dates
        sd = np.sqrt((centred * centred).sum(axis=1) / (n_dates - 1))  # residuals.std(ddof=1)
    # Complete: no missing residual, nonzero sd, rows without gaps. A cell whose members are
    # all complete and start on the same row has one set of dates for all of them.
    complete = (sd > 0) & (first_last[:, 1] - first_last[:, 0] == n_dates - 1)
    first_row = np.where(complete, first_last[:, 0], -1)[pair]
    lowest, highest = np.full(n_cells, np.iinfo(np.int64).max), np.full(n_cells, -1)
    np.minimum.at(lowest, cell, first_row)
    np.maximum.at(highest, cell, first_row)
    together = ((counts >= 2) & (lowest == highest) & (lowest >= 0)
                & (n_dates >= max(parametric.MIN_OVERLAP, 2)))
    if together.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.divide(centred, sd[:, None], out=centred)  # used only for the firms of these cells
        summed = membership_matrix(membership, n_cells, panel.n_pairs)[np.flatnonzero(together)] @ z
        n = counts[together]
        r_bar[together] = ((summed**2).sum(axis=1) / (n_dates - 1) - n) / (n * (n - 1))

    bounds = np.cumsum(counts) - counts
    others = np.flatnonzero(~together & (counts >= 2))
    est_rows = panel.rows_at(est) if others.size else None
    for one in others:  # one small matrix per cell
        idx = pair[bounds[one]:bounds[one] + counts[one]]
        rows, resid = est_rows[idx], residuals[idx]
        if (rows == rows[0]).all():  # same dates for every firm: columns are already aligned
            by_date = resid.T
        else:
            valid = np.isfinite(resid)
            dates, where = np.unique(rows[valid], return_inverse=True)
            by_date = np.full((dates.size, idx.size), np.nan)
            by_date[where, np.nonzero(valid)[0]] = resid[valid]
        r_bar[one] = parametric.average_cross_correlation(by_date)
    return r_bar


# --------------------------------------------------------------------------- tables


def _table(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame over freshly made 1-D arrays, not copied (nothing else refers to them)."""
    return pd.DataFrame(columns, copy=False)


def _repeat(frame: pd.DataFrame, columns: list[str], times: int) -> dict[str, np.ndarray]:
    return {c: np.repeat(frame[c].to_numpy(), times) for c in columns}


def abnormal_return_table(panel: EventPanel, fit: ModelFit) -> pd.DataFrame:
    """Tidy AR table on the event-window days: one row per symbol, event and day."""
    days = panel.event_days
    n_days = int(days.sum())
    rows = panel.rows_at(days)
    ar_se = np.sqrt(fit.sigma2[:, None] * fit.forecast_factor(days))
    ar = fit.ar_on(days)
    test = parametric.single_firm_t(ar, ar_se**2, fit.df[:, None])
    data = _repeat(panel.pairs, ["symbol", "event_date", "group"], n_days)
    data |= {
        "rel_day": np.tile(panel.rel_days[days], panel.n_pairs),
        "date": panel.dates.to_numpy()[np.maximum(rows, 0)].ravel(),
        "ret": panel.y[:, days].ravel(),
    }
    for j, name in enumerate(panel.regressors):
        data[f"{name}_ret"] = panel.x[:, days, j].ravel()
    data |= {
        "expected": fit.expected_on(days).ravel(),
        "ar": ar.ravel(),
        "ar_se": ar_se.ravel(),
        "sar": test.statistic.ravel(),
        "df": np.repeat(fit.df, n_days),
        "p": test.p_value.ravel(),
    }
    return _table(data)


def _window_columns(windows: tuple[Window, ...], times: int) -> dict[str, np.ndarray]:
    labels = np.array([window_label(w) for w in windows], dtype=object)
    return {
        "window": np.tile(labels, times),
        "window_start": np.tile([w[0] for w in windows], times),
        "window_end": np.tile([w[1] for w in windows], times),
    }


def car_table(panel: EventPanel, fit: ModelFit, sums: WindowSums,
              boot: BootstrapIntervals) -> pd.DataFrame:
    """Tidy CAR table: one row per symbol, event and window."""
    n_windows = len(sums.windows)
    test = parametric.single_firm_t(sums.car, sums.car_variance, fit.df[:, None])
    data = _repeat(panel.pairs, ["symbol", "event_date", "group"], n_windows)
    data |= _window_columns(sums.windows, panel.n_pairs)
    data |= {
        "n_days": sums.n_days.flatten(),  # copies: the sums stay in the result
        "n_missing": sums.n_missing.flatten(),
        "car": sums.car.flatten(),
        "car_se": np.sqrt(sums.car_variance).ravel(),
        "t": test.statistic.ravel(),
        "df": np.repeat(fit.df, n_windows),
        "p": test.p_value.ravel(),
        "bhar": sums.bhar.flatten(),
        "boot_lo": boot.lower.ravel(),
        "boot_hi": boot.upper.ravel(),
        "p_boot": boot.p_value.ravel(),
    }
    return _table(data)


def fit_table(panel: EventPanel, fit: ModelFit) -> pd.DataFrame:
    """Tidy table of the fitted model: one row per symbol and event."""
    est_rows = panel.rows_at(np.flatnonzero(panel.estimation_days)[[0, -1]])  # first and last day
    dates = panel.dates.to_numpy()
    betas = {"beta" if j == 0 else f"beta_{name}": fit.ols.beta[:, j].copy()
             for j, name in enumerate(panel.regressors)}
    columns = {
        "model": np.full(panel.n_pairs, fit.model, dtype=object),
        "estimation_start": dates[np.maximum(est_rows[:, 0], 0)],
        "estimation_end": dates[np.maximum(est_rows[:, -1], 0)],
        "n_obs": fit.ols.n_obs.copy(),  # copies: the fit and the panel stay in the result
        "df": fit.ols.df.copy(),
        "alpha": fit.ols.alpha.copy(),
        **betas,
        "sigma": np.sqrt(fit.sigma2),
        "r2": fit.ols.r2.copy(),
        "masked_for_other_events": panel.masked_for_other_events.copy(),
        "overlaps_other_event": panel.overlaps_other_event.copy(),
    }
    pairs = panel.pairs.drop(columns=list(columns), errors="ignore")
    return pd.concat([pairs, _table(columns)], axis=1)


def caar_table(panel: EventPanel, fit: ModelFit, sums: WindowSums, cells: pd.DataFrame,
               membership: pd.DataFrame, boot: BootstrapIntervals) -> pd.DataFrame:
    """Tidy CAAR table: one row per group, event and window, with every cross-sectional test."""
    n_cells, windows = len(cells), sums.windows
    car = cross_sections(sums.car, membership, n_cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        scar_values = sums.car / np.sqrt(sums.car_variance)
    scar = cross_sections(scar_values, membership, n_cells)
    df = cross_sections(np.repeat(fit.df[:, None].astype(float), len(windows), axis=1),
                        membership, n_cells)
    bhar = cross_sections(sums.bhar, membership, n_cells)
    p_hat = nonparametric.positive_share(fit.ar, panel.estimation_mask)
    p_hat_cs = cross_sections(np.repeat(p_hat[:, None], len(windows), axis=1), membership, n_cells)

    t_cs = parametric.cross_sectional_t(car)
    patell = parametric.patell_z(scar, df)
    bmp = parametric.bmp_t(scar)
    r_bar = residual_correlation_by_cell(panel, fit, membership, n_cells)
    kp = parametric.kolari_pynnonen_t(bmp.statistic, bmp.n, r_bar[:, None])
    sign = nonparametric.generalized_sign_test(car, p_hat_cs)
    corrado = _corrado_by_cell(panel, fit, membership, n_cells, windows)
    grank = _grank_by_cell(panel, fit, scar_values, membership, n_cells)
    wilcoxon = nonparametric.wilcoxon_signed_rank(car)
    mean_car, sd_car, n_firms = parametric.mean_sd(car)

    data = {c: np.repeat(cells[c].to_numpy(), len(windows)) for c in ("group", "event_date")}
    data |= _window_columns(windows, n_cells)
    data |= {
        "n_firms": n_firms.ravel(),
        "caar": mean_car.ravel(),
        "caar_se": (sd_car / np.sqrt(n_firms)).ravel(),
        "mean_bhar": parametric.mean_sd(bhar)[0].ravel(),
        "t_cs": t_cs.statistic.ravel(), "p_t_cs": t_cs.p_value.ravel(),
        "patell": patell.statistic.ravel(), "p_patell": patell.p_value.ravel(),
        "bmp": bmp.statistic.ravel(), "p_bmp": bmp.p_value.ravel(),
        "r_bar": np.repeat(r_bar, len(windows)),
        "kp": kp.statistic.ravel(), "p_kp": kp.p_value.ravel(),
        "corrado": corrado.statistic.ravel(), "p_corrado": corrado.p_value.ravel(),
        "sign": sign.statistic.ravel(), "p_sign": sign.p_value.ravel(),
        "grank": grank.statistic.ravel(), "p_grank": grank.p_value.ravel(),
        "wilcoxon": wilcoxon.statistic.ravel(), "p_wilcoxon": wilcoxon.p_value.ravel(),
        "boot_lo": boot.lower.ravel(), "boot_hi": boot.upper.ravel(),
        "p_boot": boot.p_value.ravel(),
    }
    table = _table(data | {"note": _notes(n_firms.ravel())})
    return table


def _corrado_by_cell(panel: EventPanel, fit: ModelFit, membership: pd.DataFrame, n_cells: int,
                     windows: tuple[Window, ...]) -> parametric.StatResult:
    """Corrado rank statistics (cells, windows) from each cell's daily mean rank deviations.

    Each window is ranked against the estimation days and its own days only, so a
    window's statistic does not depend on which other windows the call requests. The
    estimation days are sorted once; each window's days are merged into them
    (:func:`nonparametric.ranks_with_extra_sorted`).
    """
    # Event-day prediction errors are scaled to the residuals' variance before ranking
    # (Corrado & Zivney 1992): AR / sqrt(c_t) on event days, AR on estimation days.
    est = panel.day_slice(panel.estimation_window)
    est_ar = np.where(panel.estimation_mask[:, est], fit.ar[:, est], np.nan)
    est_valid = np.isfinite(est_ar)
    n_est = est_valid.sum(axis=1)
    sorted_rows, position = nonparametric.sort_rows(est_ar)
    est_ranks = np.where(est_valid, position + 1.0, np.nan)
    tied = (sorted_rows[:, 1:] == sorted_rows[:, :-1]).any(axis=1)
    if tied.any():  # average ranks where estimation residuals tie
        est_ranks[tied] = (nonparametric.rank_deviations(est_ar[tied], est_valid[tied]) + 0.5) * (
            1.0 + n_est[tied, None])
    matrix = membership_matrix(membership, n_cells, panel.n_pairs)
    est_counts = matrix @ est_valid.astype(float)
    results = []
    for window in windows:
        days = panel.day_mask(window)
        scaled = fit.ar[:, days] / np.sqrt(fit.forecast_factor(days))
        base, extra = nonparametric.ranks_with_extra_sorted(est_ar, est_ranks, sorted_rows, position, n_est,
                                                            scaled)
        scale = 1.0 / (1.0 + n_est + np.isfinite(scaled).sum(axis=1))  # 1 / (1 + M_i)
        # K = rank / (1 + M_i) - 1/2, summed over each cell's firms (NaN days count zero).
        sums = np.concatenate([matrix @ np.where(est_valid, base * scale[:, None], 0.0) - 0.5 * est_counts,
                               matrix @ np.nan_to_num(extra * scale[:, None] - 0.5)], axis=1)
        counts = np.concatenate([est_counts, matrix @ np.isfinite(extra).astype(float)], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_deviation = np.where(counts > 0, sums / counts, np.nan)
        in_window = np.arange(mean_deviation.shape[1]) >= est_ar.shape[1]
        results.append(nonparametric.corrado_rank_test(mean_deviation, in_window))
    return parametric.StatResult(*(np.stack(parts, axis=1) for parts in zip(*results, strict=True)))


def _grank_by_cell(panel: EventPanel, fit: ModelFit, scar: np.ndarray, membership: pd.DataFrame,
                   n_cells: int) -> parametric.StatResult:
    """GRANK (Kolari & Pynnonen 2011) per cell and window: estimation SARs and window SCARs."""
    est = panel.day_slice(panel.estimation_window)
    with np.errstate(invalid="ignore", divide="ignore"):
        sar = np.where(panel.estimation_mask[:, est], fit.ar[:, est] / np.sqrt(fit.sigma2)[:, None], np.nan)
    return nonparametric.grank_by_cell(sar, scar, membership["cell"].to_numpy(),
                                       membership["pair"].to_numpy(), n_cells)


def _notes(n_firms: np.ndarray) -> np.ndarray:
    """Say, per row, which tests are not reported because there are too few firms."""
    notes = np.full(len(n_firms), "", dtype=object)
    for n in np.unique(n_firms):
        too_few = [label for _, label, _, minimum in TESTS if n < minimum]
        if too_few:
            notes[n_firms == n] = f"N={n}: not reported (too few firms): {', '.join(too_few)}"
    return notes


def tests_table(caar: pd.DataFrame) -> pd.DataFrame:
    """The cross-sectional tests of the CAAR table in long form (one row per test)."""
    keys = ["group", "event_date", "window", "window_start", "window_end", "n_firms", "caar"]
    n_rows, no_value = len(caar), np.full(len(caar), np.nan)

    def per_test(column: Callable[[str], np.ndarray]) -> np.ndarray:
        """``column(prefix)`` of every test, CAAR row after CAAR row (the tests in order)."""
        return np.stack([column(prefix) for prefix, *_ in TESTS], axis=1).ravel()

    def values(name: str) -> np.ndarray:
        return caar[name].to_numpy(dtype=float)

    p_value = per_test(lambda prefix: values(f"p_{prefix}"))
    data = {key: np.repeat(caar[key].to_numpy(), len(TESTS)) for key in keys}
    data |= {
        "test": np.tile(np.array([label for _, label, _, _ in TESTS], dtype=object), n_rows),
        "statistic": per_test(lambda prefix: no_value if prefix == "boot" else values(prefix)),
        "p_value": p_value,
        "lower": per_test(lambda prefix: values("boot_lo") if prefix == "boot" else no_value),
        "upper": per_test(lambda prefix: values("boot_hi") if prefix == "boot" else no_value),
        "distribution": np.tile(np.array([d for _, _, d, _ in TESTS], dtype=object), n_rows),
        "min_firms": np.tile(np.array([m for *_, m in TESTS], dtype=np.int64), n_rows),
        "reported": ~np.isnan(p_value),
    }
    return _table(data)


# --------------------------------------------------------------------------- entry point


def run_event_study(
    returns: pd.DataFrame,
    events: object,
    symbols: list[str] | None = None,
    model: Literal["mean", "market_adjusted", "market", "two_index", "ff3", "carhart4", "ff5"] = "market",
    benchmark: str | Mapping[str, str] | None = None,
    sector_index: str | Mapping[str, str] | None = None,
    estimation_window: Window = DEFAULT_ESTIMATION_WINDOW,
    event_windows: Iterable[Window] = DEFAULT_EVENT_WINDOWS,
    min_estimation_obs: int = DEFAULT_MIN_ESTIMATION_OBS,
    groups: str | Mapping[str, str] | None = None,
    pooled_group: str | None = "All",
    day0: Literal["exact", "next"] = "exact",
    overlap: Literal["mask", "exclude", "ignore"] = "mask",
    sessions: pd.DataFrame | str = "returns",
    return_kind: Literal["simple", "log"] = "simple",
    n_boot: int = 999,
    seed: int = DEFAULT_SEED,
    ci_level: float = 0.95,
    universe: pd.DataFrame | None = None,
    factors: pd.DataFrame | None = None,
) -> EventStudyResult:
    """Run an event study for every (symbol, event date) pair in one vectorised pass.

    ``returns`` is wide (dates x symbols, NaN where there is no return) and must contain
    the benchmark and sector-index columns. ``events`` is a date, a list of dates (every
    symbol x every date) or a DataFrame with columns ``symbol`` and ``event_date``.
    ``benchmark``/``sector_index``/``groups`` default to the universe's columns and may be
    a single value or a dict symbol -> value (missing keys fall back to the universe).
    Pairs that cannot be studied are listed in ``result.exclusions`` with the reason.

    ``pooled_group`` names an extra group holding every firm (None: none). ``day0``:
    "exact" (the event date must be a session) or "next" (first session on or after it).
    ``overlap``: what to do with estimation days inside another event's window of the
    same symbol ("mask" drops them). ``sessions``: "returns" (a session is a date with a
    return) or a boolean mask (see :func:`calendar_session_mask`). ``n_boot`` resamples
    (0: no bootstrap), seeded by ``seed``. p-values are two-sided. See
    ``book/methods_event_study.md`` for the formulas.

    The factor models ``ff3``, ``carhart4`` and ``ff5`` need ``factors`` (dates x factors in
    decimal with ``rf``, e.g. :func:`deepseek_monday.data.facts.load_ff_factors`) covering every
    estimation and event window; they model excess returns R - rf (see :mod:`.factors`).
    """
    returns = check_returns(returns)
    model = check_model(model)
    estimation_window, windows = check_windows(estimation_window, list(event_windows))
    _check_settings(model, min_estimation_obs, estimation_window, n_boot, ci_level, return_kind)
    regressors = MODEL_REGRESSORS[model]
    if model in FACTOR_MODELS:
        for name, value in (("benchmark", benchmark), ("sector_index", sector_index)):
            if value is not None:
                raise ParameterError(f"{name}: not used by the factor model {model!r} (leave it None)")
        pairs = resolve_pairs(returns, events, symbols, "mean", None, None, groups, universe)
        returns, pairs, sessions = factor_inputs(returns, factors, model, pairs, estimation_window,
                                                 windows, sessions)
    elif factors is not None:
        raise ParameterError(f"factors: only the factor models {tuple(FACTOR_MODELS)} use a factor table, "
                             f"not {model!r}")
    else:
        pairs = resolve_pairs(returns, events, symbols, model, benchmark, sector_index, groups,
                              universe)
    panel, exclusions = build_panel(returns, pairs, regressors, estimation_window, windows,
                                    min_estimation_obs, day0=day0, overlap=overlap,
                                    sessions=sessions)
    fit = fit_model(model, panel.y, panel.x, panel.estimation_mask)
    if fit.ols.singular.any():
        singular = fit.ols.singular
        exclusions = pd.concat([exclusions, panel.pairs.loc[singular, ["symbol", "event_date"]]
                                .assign(reason="regressors are constant or collinear in the "
                                               "estimation window")], ignore_index=True)
        panel, fit = panel.subset(~singular), fit.subset(~singular)
    sums = window_sums(panel, fit, windows, return_kind)
    cells, membership = build_cells(panel.pairs, pooled_group)
    member_matrix = membership_matrix(membership, len(cells), panel.n_pairs)
    firm_boot, cell_boot = residual_bootstrap(
        fit.ar, panel.estimation_mask, fit.df, sums.car, sums.car_variance,
        [w[1] - w[0] + 1 for w in windows], member_matrix, n_boot, seed, ci_level)
    caar = caar_table(panel, fit, sums, cells, membership, cell_boot)
    settings = {
        "model": model, "regressors": regressors, "estimation_window": estimation_window,
        "event_windows": windows, "min_estimation_obs": min_estimation_obs, "day0": day0,
        "overlap": overlap, "sessions": sessions if isinstance(sessions, str) else "mask",
        "dependent": "excess return (R - rf)" if model in FACTOR_MODELS else "return",
        "return_kind": return_kind, "n_boot": n_boot, "seed": seed, "ci_level": ci_level,
        "pooled_group": pooled_group, "n_pairs": panel.n_pairs, "n_excluded": len(exclusions),
        "p_values": "two-sided",
    }
    return EventStudyResult(
        car=car_table(panel, fit, sums, firm_boot),
        caar=caar,
        tests=tests_table(caar),
        fits=fit_table(panel, fit),
        exclusions=exclusions.reindex(columns=EXCLUSION_COLUMNS),
        settings=settings, panel=panel, fit=fit, sums=sums, cells=cells, membership=membership,
    )
