"""Who paid for the event day: portfolio event studies over the whole S&P 500 cross-section.

Every group is an equal-weighted portfolio of its members (:mod:`deepseek_monday.measures.market_wide`),
studied as ONE series: the engine (:func:`deepseek_monday.eventstudy.run_event_study`) fits the
normal-return model to the portfolio's own returns over the estimation window, and the
single-firm t-test on the portfolio is the portfolio time-series test of Brown and Warner
(1980, 1985), their "crude dependence adjustment": the members' cross-correlation on a
common event date is inside the portfolio's residual variance, so it needs no separate
correction. For a window of L days,

    t = CAR_p / sqrt(s_p^2 (L + forecast-error term)),  df = T - k,

with s_p^2 the residual variance of the portfolio over the T estimation days and k the
model's parameters (see book/methods_event_study.md). Many sectors and windows are read at
once, so the p-values are also adjusted for multiple testing (statsmodels' ``multipletests``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from deepseek_monday.chapters.market.parameters import (
    CONFIDENCE,
    ESTIMATION_WINDOW,
    MIN_ESTIMATION_OBS,
    N_MOVERS,
    SECTOR_ADJUSTMENT,
    SUB_INDUSTRY_ADJUSTMENT,
    WINDOWS,
    MarketParameters,
)
from deepseek_monday.data.cross_section import CrossSection, load_cross_section
from deepseek_monday.data.facts import load_ff_factors
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import run_event_study, window_label
from deepseek_monday.measures import market_wide as mw

SECTOR, SUB_INDUSTRY, GROUP, BENCHMARK = "sector", "sub-industry", "group", "benchmark"
SPY, GSPC = "SPY", "GSPC"
WINDOW_LABELS = tuple(window_label(w) for w in WINDOWS)
DAY0 = WINDOW_LABELS[0]
FACTOR_MODELS = {"ff3": "FF3", "carhart4": "Carhart 4", "ff5": "FF5"}
# Day-0 models of the model table: label -> (engine model, benchmark column or None).
MODEL_COLUMNS: dict[str, tuple[str | None, str | None]] = {
    "Raw return": (None, None),
    "Market-adjusted, SPY": ("market_adjusted", SPY),
    "Market model, SPY": ("market", SPY),
    "Market model, S&P 500 ex AI": ("market", mw.EX_AI_LABEL),
    **{label: (model, None) for model, label in FACTOR_MODELS.items()},
}


def column_name(level: str, label: str) -> str:
    """The returns-frame column of a portfolio: ``"sector: Energy"``."""
    return f"{level}: {label}"


@dataclass(frozen=True)
class MarketInputs:
    """Everything the chapter studies, on the cross-section's session grid.

    - ``returns``: dates x portfolios (sector, sub-industry, main group) and benchmarks
      (S&P 500 ex AI, all members, SPY, GSPC), daily simple returns.
    - ``portfolios``: one row per portfolio column: level, label, sector, n_members (members
      with prices), n_day0 (members with a return on day 0).
    - ``factors``: the Fama-French factors, or None when they do not cover the windows
      (``factor_note`` says why).
    """

    params: MarketParameters
    cross_section: CrossSection
    returns: pd.DataFrame
    portfolios: pd.DataFrame
    excluded: pd.DataFrame
    factors: pd.DataFrame | None
    factor_note: str


def _factor_coverage(factors: pd.DataFrame, grid: pd.DatetimeIndex, day: pd.Timestamp) -> str:
    """Return "" if the factors cover the estimation and event windows around ``day``, else the reason."""
    position = grid.get_loc(day)
    start, end = grid[position + ESTIMATION_WINDOW[0]], grid[position + WINDOWS[-1][1]]
    needed = ["mkt_rf", "smb", "hml", "rf", "mom", "rmw", "cma"]
    covered = factors.loc[start:end, needed].dropna()
    days = grid[(grid >= start) & (grid <= end)]
    missing = days.difference(covered.index)
    if len(missing):
        return (f"The Fama-French factors (to {factors.index.max():%Y-%m-%d}) do not cover every session from "
                f"{start:%Y-%m-%d} to {end:%Y-%m-%d}, so the factor models are not reported for this date.")
    return ""


def load_inputs(params: MarketParameters, cross_section: CrossSection | None = None,
                universe: pd.DataFrame | None = None) -> MarketInputs:
    """Build the portfolio and benchmark returns for ``params`` (see :class:`MarketInputs`)."""
    cs = load_cross_section() if cross_section is None else cross_section
    members = cs.members
    frames, rows = [], []
    for level, column in ((SECTOR, "gics_sector"), (SUB_INDUSTRY, "gics_sub_industry")):
        level_key = "sector" if level == SECTOR else "sub_industry"
        grouped = mw.group_returns(cs, level_key)
        counts = members[column].value_counts()
        sectors = members.groupby(column)["gics_sector"].first()
        frames.append(grouped.rename(columns=lambda label, lv=level: column_name(lv, label)))
        rows.extend({"column": column_name(level, label), "level": level, "label": label,
                     "sector": sectors[label], "n_members": int(counts[label])} for label in grouped.columns)
    groups = mw.main_groups(cs, universe)
    group_returns = mw.overlapping_portfolio_returns(cs.returns, groups)
    frames.append(group_returns.rename(columns=lambda label: column_name(GROUP, label)))
    rows.extend({"column": column_name(GROUP, label), "level": GROUP, "label": label, "sector": "",
                 "n_members": int((groups.index == label).sum())} for label in group_returns.columns)
    excluded = mw.ai_infrastructure_members(cs, universe)
    benchmarks = mw.ex_ai_benchmark(cs, excluded=excluded.index)
    market = daily_returns([SPY, GSPC]).reindex(cs.returns.index)
    frames.extend([benchmarks, market])
    rows.extend([{"column": mw.EX_AI_LABEL, "level": BENCHMARK, "label": mw.EX_AI_LABEL, "sector": "",
                  "n_members": len(members) - len(excluded)},
                 {"column": mw.ALL_LABEL, "level": BENCHMARK, "label": mw.ALL_LABEL, "sector": "",
                  "n_members": len(members)}])
    returns = pd.concat(frames, axis=1)
    portfolios = pd.DataFrame(rows).set_index("column")
    day0 = cs.returns.loc[params.event_date].notna()
    portfolios["n_day0"] = 0
    for level, column in ((SECTOR, "gics_sector"), (SUB_INDUSTRY, "gics_sub_industry")):
        present = day0.groupby(members[column]).sum()
        where = portfolios["level"] == level
        portfolios.loc[where, "n_day0"] = present.reindex(portfolios.loc[where, "label"]).to_numpy()
    for label in group_returns.columns:
        portfolios.loc[column_name(GROUP, label), "n_day0"] = int(day0.reindex(groups.loc[[label]]).sum())
    factors = load_ff_factors()
    note = _factor_coverage(factors, cs.returns.index, params.event_date)
    return MarketInputs(params, cs, returns, portfolios, excluded, None if note else factors, note)


def portfolio_study(inputs: MarketInputs, columns: list[str], model: str = "market",
                    benchmark: str | None = mw.EX_AI_LABEL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Portfolio time-series event study of ``columns``: (results, exclusions).

    ``results`` has one row per (column, window): car, se, t, df, p and the ``CONFIDENCE``
    interval lo, hi (t(df) quantiles). Factor models take no benchmark.
    """
    factor = model in FACTOR_MODELS
    if factor and inputs.factors is None:
        raise ParameterError(f"model: {model!r} needs factors covering the windows; {inputs.factor_note}")
    result = run_event_study(
        inputs.returns, inputs.params.event_date, symbols=columns, model=model,
        benchmark=None if factor else benchmark, estimation_window=ESTIMATION_WINDOW, event_windows=WINDOWS,
        min_estimation_obs=MIN_ESTIMATION_OBS, groups="portfolio", pooled_group=None, n_boot=0,
        factors=inputs.factors if factor else None,
    )
    car = result.car
    quantile = stats.t.ppf(0.5 + CONFIDENCE / 2, car["df"].to_numpy(dtype=float))
    table = pd.DataFrame({
        "column": car["symbol"].to_numpy(), "window": car["window"].to_numpy(),
        "car": car["car"].to_numpy(), "se": car["car_se"].to_numpy(), "t": car["t"].to_numpy(),
        "df": car["df"].to_numpy(), "p": car["p"].to_numpy(),
        "lo": car["car"].to_numpy() - quantile * car["car_se"].to_numpy(),
        "hi": car["car"].to_numpy() + quantile * car["car_se"].to_numpy(),
    }).set_index(["column", "window"])
    return table, result.exclusions


def adjust(p_values: pd.Series, method: str) -> pd.Series:
    """Adjusted p-values of one family (``multipletests``); missing p-values stay missing, outside the family."""
    present = p_values.dropna()
    out = pd.Series(np.nan, index=p_values.index)
    if len(present):
        out[present.index] = multipletests(present.to_numpy(), method=method)[1]
    return out


def window_returns(returns: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Compounded (buy-and-hold) raw return of every column over each window: columns x window labels.

    NaN where a column misses a day of the window.
    """
    position = returns.index.get_loc(day)
    out = {}
    for window, label in zip(WINDOWS, WINDOW_LABELS, strict=True):
        block = returns.iloc[position + window[0]:position + window[1] + 1]
        out[label] = ((1 + block).prod(axis=0) - 1).where(block.notna().all(axis=0))
    return pd.DataFrame(out)


@dataclass(frozen=True)
class SectorStudy:
    """The sector and sub-industry portfolio study on the S&P 500 ex AI benchmark.

    ``table``: one row per (portfolio column, window) with level, label, sector,
    n_members, raw (compounded window return), car, se, t, df, p, lo, hi, p_adj, significant
    (p_adj below the significance level) and method. ``exclusions``: portfolios not studied.
    """

    table: pd.DataFrame
    exclusions: pd.DataFrame


def sector_study(inputs: MarketInputs, significance: float = 0.05) -> SectorStudy:
    """Study every sector and sub-industry portfolio against the S&P 500 ex AI benchmark."""
    columns = inputs.portfolios.index[inputs.portfolios["level"].isin([SECTOR, SUB_INDUSTRY])].tolist()
    results, exclusions = portfolio_study(inputs, columns, "market", mw.EX_AI_LABEL)
    raw = window_returns(inputs.returns[columns], inputs.params.event_date).stack().rename("raw")
    raw.index.names = ["column", "window"]
    table = results.join(raw, how="left").reset_index()
    table = table.join(inputs.portfolios[["level", "label", "sector", "n_members", "n_day0"]], on="column")
    table["method"] = np.where(table["level"] == SECTOR, SECTOR_ADJUSTMENT, SUB_INDUSTRY_ADJUSTMENT)
    table["p_adj"] = np.nan
    for level, method in ((SECTOR, SECTOR_ADJUSTMENT), (SUB_INDUSTRY, SUB_INDUSTRY_ADJUSTMENT)):
        where = table["level"] == level
        table.loc[where, "p_adj"] = adjust(table.loc[where, "p"], method).to_numpy()
    table["significant"] = table["p_adj"] < significance
    return SectorStudy(table, exclusions)


def level_table(study: SectorStudy, level: str) -> pd.DataFrame:
    """One row per portfolio of ``level``, windows side by side, sorted by the day-0 abnormal return."""
    rows = study.table[study.table["level"] == level]
    wide = rows.pivot(index="label", columns="window", values=["car", "lo", "hi", "p", "p_adj", "raw"])
    info = rows.drop_duplicates("label").set_index("label")[["sector", "n_members", "n_day0"]]
    wide.columns = [f"{value} {window}" for value, window in wide.columns]
    return info.join(wide).sort_values(f"car {DAY0}", kind="stable", na_position="last")


def model_table(inputs: MarketInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Day-0 abnormal return of each main group under each model: (abnormal returns, p-values).

    Rows are the main groups, columns :data:`MODEL_COLUMNS` (factor models NaN when the
    factors do not cover the windows). The raw return has no test (p NaN).
    """
    columns = inputs.portfolios.index[inputs.portfolios["level"] == GROUP].tolist()
    labels = inputs.portfolios.loc[columns, "label"]
    ar = pd.DataFrame(index=pd.Index(labels, name="group"), columns=list(MODEL_COLUMNS), dtype=float)
    p = ar.copy()
    day = inputs.params.event_date
    for name, (model, benchmark) in MODEL_COLUMNS.items():
        if model is None:
            ar[name] = inputs.returns.loc[day, columns].to_numpy(dtype=float)
            continue
        if model in FACTOR_MODELS and inputs.factors is None:
            continue
        results, _ = portfolio_study(inputs, columns, model, benchmark)
        day0 = results.xs(DAY0, level="window").reindex(columns)
        ar[name], p[name] = day0["car"].to_numpy(), day0["p"].to_numpy()
    return ar, p


def model_spread(ar: pd.DataFrame) -> pd.DataFrame:
    """Per group: smallest and largest day-0 abnormal return over the models (raw return left out), the spread."""
    models = ar.drop(columns="Raw return")
    return pd.DataFrame({"lowest": models.min(axis=1), "lowest_model": models.idxmin(axis=1),
                         "highest": models.max(axis=1), "highest_model": models.idxmax(axis=1),
                         "spread": models.max(axis=1) - models.min(axis=1)})


def benchmark_table(inputs: MarketInputs) -> pd.DataFrame:
    """Raw returns of the benchmarks over each window, with the members each averages."""
    excluded = inputs.excluded.index.tolist()
    excluded_returns = mw.portfolio_returns(inputs.cross_section.returns[excluded],
                                            pd.Series("excluded", index=excluded))["excluded"]
    frame = inputs.returns[[GSPC, SPY, mw.ALL_LABEL, mw.EX_AI_LABEL]].assign(
        **{"AI infrastructure (excluded)": excluded_returns})
    table = window_returns(frame, inputs.params.event_date)
    n = inputs.portfolios["n_members"]
    table["weighting"] = ["market value (price index)", "market value (ETF, total return)", "equal",
                          "equal", "equal"]
    table["members"] = [np.nan, np.nan, n[mw.ALL_LABEL], n[mw.EX_AI_LABEL], len(excluded)]
    return table


def movers(inputs: MarketInputs, n: int = N_MOVERS) -> mw.Movers:
    """The ``n`` largest losers and winners among the members on the event day."""
    return mw.movers(inputs.cross_section, inputs.params.event_date, n=n)


def members_without_prices(cross_section: CrossSection) -> list[str]:
    """The members (index spelling) that have no prices in the snapshot."""
    constituents = cross_section.constituents
    return sorted(constituents.loc[~constituents["has_prices"], "index_symbol"])
