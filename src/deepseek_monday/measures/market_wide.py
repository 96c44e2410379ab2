"""Market-wide measures on the S&P 500 cross-section (:mod:`deepseek_monday.data.cross_section`).

Portfolios are equal-weighted by default: each day's return is the plain mean over the
members that have a return that day (a member without one is left out, never counted as
zero). Value-weighting needs each member's market value, and the facts hold share counts
for a handful of firms only, not for 492 members; so a value-weighted portfolio is built
only from a ``weights`` Series the caller supplies (symbol -> weight, fixed over the
period and renormalised each day over the members with a return).

The "S&P 500 without AI infrastructure" benchmark leaves out the members named by
:func:`ai_infrastructure_members`. The rule (documented there) is data-driven and fixed:
GICS sub-industries :data:`AI_INFRASTRUCTURE_SUB_INDUSTRIES` plus the members that this
report's own ``data/universe.csv`` places in :data:`AI_INFRASTRUCTURE_GROUPS`.

Every function takes any event date the cross-section covers (2015 onward) and refuses
others with a ParameterError naming the first usable date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.data.cross_section import CrossSection
from deepseek_monday.errors import ParameterError

LEVELS = {"sector": "gics_sector", "sub_industry": "gics_sub_industry"}
# Sub-industries whose members make chips or chip-making equipment: the core of AI hardware.
AI_INFRASTRUCTURE_SUB_INDUSTRIES = ("Semiconductors", "Semiconductor Materials & Equipment")
# The report's own AI-infrastructure groups in data/universe.csv (networking and servers, power for AI).
AI_INFRASTRUCTURE_GROUPS = ("AI chips", "networking/servers", "power for AI")
EX_AI_LABEL = "S&P 500 ex AI infrastructure"
ALL_LABEL = "S&P 500 (all members)"
DEFAULT_WINDOWS: tuple[tuple[int, int], ...] = ((0, 0), (0, 1), (0, 5))


def _level_column(level: str) -> str:
    if level not in LEVELS:
        raise ParameterError(f"level: {level!r} is not one of {sorted(LEVELS)}")
    return LEVELS[level]


def portfolio_returns(returns: pd.DataFrame, labels: pd.Series, weights: pd.Series | None = None) -> pd.DataFrame:
    """Daily portfolio returns, one column per label: dates x labels.

    ``labels`` maps symbol -> portfolio. Equal-weighted over the members with a return
    that day, or weighted by ``weights`` (symbol -> non-negative weight, renormalised each
    day over those members). A day on which no member has a return is NaN.
    """
    labels = labels.reindex(returns.columns)
    if labels.isna().any():
        raise ParameterError(f"labels: no portfolio for {labels.index[labels.isna()].tolist()[:10]}")
    if weights is None:
        w = pd.Series(1.0, index=returns.columns)
    else:
        missing = returns.columns.difference(weights.index)
        if len(missing):
            raise ParameterError(f"weights: no weight for {missing.tolist()[:10]} ({len(missing)} members)")
        w = weights.reindex(returns.columns).astype(float)
        if not np.isfinite(w).all() or (w < 0).any():
            raise ParameterError("weights: every weight must be a finite number >= 0")
    values = returns.to_numpy()
    present = np.isfinite(values)
    weighted = np.where(present, values, 0.0) * w.to_numpy()
    codes, names = pd.factorize(labels, sort=True)
    indicator = np.zeros((len(labels), len(names)))
    indicator[np.arange(len(labels)), codes] = 1.0
    total = weighted @ indicator
    weight_sum = (present * w.to_numpy()) @ indicator
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(weight_sum > 0, total / weight_sum, np.nan)
    return pd.DataFrame(out, index=returns.index, columns=pd.Index(names, name=labels.name))


def group_returns(cross_section: CrossSection, level: str = "sector",
                  weights: pd.Series | None = None) -> pd.DataFrame:
    """Daily returns of the GICS ``level`` ("sector" or "sub_industry") portfolios: dates x groups."""
    column = _level_column(level)
    return portfolio_returns(cross_section.returns, cross_section.members[column].rename(level), weights)


def ai_infrastructure_members(cross_section: CrossSection, universe: pd.DataFrame | None = None,
                              sub_industries: Iterable[str] = AI_INFRASTRUCTURE_SUB_INDUSTRIES,
                              groups: Iterable[str] = AI_INFRASTRUCTURE_GROUPS) -> pd.DataFrame:
    """Return the members counted as AI infrastructure, with the reason, indexed by symbol.

    Rule: a member (with prices) is AI infrastructure if its GICS sub-industry is one of
    ``sub_industries`` (default: Semiconductors; Semiconductor Materials & Equipment) or the
    report's ``data/universe.csv`` puts it in one of ``groups`` (default: AI chips,
    networking/servers, power for AI: ANET, CSCO, SMCI, VST, CEG, GEV among members).
    Whole hardware sub-industries (Technology Hardware; Communications Equipment) are not
    excluded, because they hold Apple, HP and Motorola Solutions, whose business is not AI
    infrastructure; their AI names enter through the report's groups. Non-members in the
    groups (e.g. MRVL, TSM, ASML, ARM) are not in the cross-section and so are not listed.
    The rule is mechanical, so GICS's own choices carry through: First Solar (Semiconductors)
    and Enphase (Semiconductor Materials & Equipment) are excluded, while power-equipment and
    grid names outside the report's groups (Quanta Services, Eaton) stay in the benchmark.
    Pass ``excluded`` to :func:`ex_ai_benchmark` for another list.
    """
    if universe is None:
        from deepseek_monday.data.universe import load_universe

        universe = load_universe()
    sub_industries, groups = tuple(sub_industries), tuple(groups)
    members = cross_section.members
    by_sub_industry = members["gics_sub_industry"].isin(sub_industries)
    universe_group = universe["group"].reindex(members.index)
    by_group = universe_group.isin(groups)
    reasons = np.where(by_sub_industry, "GICS sub-industry: " + members["gics_sub_industry"],
                       "report group: " + universe_group.fillna(""))
    table = pd.DataFrame({"name": members["name"], "gics_sub_industry": members["gics_sub_industry"],
                          "report_group": universe_group.fillna(""), "reason": reasons}, index=members.index)
    return table[by_sub_industry | by_group]


def ex_ai_benchmark(cross_section: CrossSection, weights: pd.Series | None = None,
                    excluded: Iterable[str] | None = None) -> pd.DataFrame:
    """Daily returns of the S&P 500 without AI infrastructure, beside all members: dates x 2.

    ``excluded`` defaults to :func:`ai_infrastructure_members`. Equal-weighted unless
    ``weights`` are given (see the module docstring).
    """
    excluded = set(ai_infrastructure_members(cross_section).index if excluded is None else excluded)
    unknown = sorted(excluded - set(cross_section.returns.columns))
    if unknown:
        raise ParameterError(f"excluded: not members with prices: {unknown}")
    columns = cross_section.returns.columns
    labels = pd.Series(np.where(columns.isin(list(excluded)), "excluded", EX_AI_LABEL), index=columns)
    ex_ai = portfolio_returns(cross_section.returns, labels, weights)[EX_AI_LABEL]
    everyone = portfolio_returns(cross_section.returns, pd.Series(ALL_LABEL, index=columns), weights)[ALL_LABEL]
    return pd.DataFrame({EX_AI_LABEL: ex_ai, ALL_LABEL: everyone})


@dataclass(frozen=True)
class Movers:
    """The largest losers and winners among the members on one day, and how many fell.

    ``n_with_return`` counts the members with a return that day; fell + rose + unchanged
    equals it.
    """

    date: pd.Timestamp
    losers: pd.DataFrame
    winners: pd.DataFrame
    n_fell: int
    n_rose: int
    n_unchanged: int
    n_with_return: int


def movers(cross_section: CrossSection, date: object, n: int = 20) -> Movers:
    """Return the ``n`` largest losers and winners on ``date`` (an NYSE session the data cover)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError(f"n: {n!r} must be a whole number >= 1")
    day = cross_section.check_event_date(date, parameter="date")
    returns = cross_section.returns.loc[day].dropna()
    members = cross_section.members
    table = pd.DataFrame({"name": members["name"], "gics_sector": members["gics_sector"],
                          "gics_sub_industry": members["gics_sub_industry"], "return": returns}).dropna(
        subset=["return"])
    ordered = table.sort_values("return", kind="stable")
    return Movers(date=day, losers=ordered.head(n), winners=ordered.iloc[::-1].head(n),
                  n_fell=int((returns < 0).sum()), n_rose=int((returns > 0).sum()),
                  n_unchanged=int((returns == 0).sum()), n_with_return=int(returns.size))


def window_label(window: tuple[int, int]) -> str:
    """``[0,+5]``-style label of a window of sessions relative to the event day."""
    return "[" + ",".join(f"{d:+d}" if d else "0" for d in window) + "]"


def member_window_returns(cross_section: CrossSection, event_date: object,
                          windows: Iterable[tuple[int, int]] = DEFAULT_WINDOWS) -> pd.DataFrame:
    """Each member's compounded return over each window of sessions around ``event_date``.

    Window (a, b) compounds the daily returns of sessions a..b relative to the event day
    (0), i.e. from the close of session a - 1 to the close of session b. A member missing
    any day of a window gets NaN for it. Returns symbols x window labels.
    """
    windows = [_check_window(w) for w in windows]
    latest = max(w[1] for w in windows)
    earliest = min(w[0] for w in windows)
    day = cross_section.check_event_date(event_date, days_after=latest)
    grid = cross_section.returns.index
    position = grid.get_loc(day)
    if position + earliest < 1:  # row 0 has no return
        raise ParameterError(f"windows: {earliest:+d} sessions before {day:%Y-%m-%d} is before the first return")
    out = {}
    for window in windows:
        block = cross_section.returns.iloc[position + window[0]:position + window[1] + 1]
        out[window_label(window)] = (1.0 + block).prod(axis=0, min_count=len(block)) - 1.0
        out[window_label(window)] = out[window_label(window)].where(block.notna().all(axis=0))
    return pd.DataFrame(out).rename_axis("symbol")


def _check_window(window: object) -> tuple[int, int]:
    if (not isinstance(window, tuple | list) or len(window) != 2
            or not all(isinstance(d, int) and not isinstance(d, bool) for d in window) or window[0] > window[1]):
        raise ParameterError(f"windows: {window!r} is not a pair (start, end) of whole numbers with start <= end")
    return int(window[0]), int(window[1])


def group_window_returns(cross_section: CrossSection, event_date: object, level: str = "sector",
                         windows: Iterable[tuple[int, int]] = DEFAULT_WINDOWS,
                         weights: pd.Series | None = None) -> pd.DataFrame:
    """Equal-weighted (or ``weights``-weighted) mean window return by GICS ``level``, plus all members.

    One row per group, one column per window label, and ``n_members`` (members with a
    return over the longest window). The mean of members' compounded returns is the
    buy-and-hold return of a portfolio formed at the close before the window's first day.
    Sorted by the first window's return, the "all members" row last.
    """
    column = _level_column(level)
    windows = [_check_window(w) for w in windows]
    by_member = member_window_returns(cross_section, event_date, windows)
    members = cross_section.members
    labels = members[column].rename(level)
    grouped = portfolio_returns(by_member.T, labels, weights).T
    everyone = portfolio_returns(by_member.T, pd.Series(ALL_LABEL, index=members.index, name=level), weights).T
    table = pd.concat([grouped.sort_values(grouped.columns[0], kind="stable"), everyone])
    longest = by_member.columns[int(np.argmax([w[1] - w[0] for w in windows]))]
    present = by_member[longest].notna()
    counts = present.groupby(labels).sum()
    counts[ALL_LABEL] = present.sum()
    table["n_members"] = counts.reindex(table.index).astype(int)
    table.index.name = level
    return table


# The main groups of the market chapter, from GICS and the report's data/universe.csv.
SEMICONDUCTORS_LABEL = "Semiconductors (GICS)"
SOFTWARE_SUB_INDUSTRIES = ("Application Software", "Systems Software")
SOFTWARE_LABEL = "Software (GICS)"
REPORT_GROUPS = ("AI chips", "networking/servers", "power for AI", "hyperscalers and megacaps", "cloud software")


def report_group_label(group: str) -> str:
    """The label of a report group in the chapter's tables: ``"AI chips (report)"``."""
    return f"{group[0].upper()}{group[1:]} (report)"


def main_groups(cross_section: CrossSection, universe: pd.DataFrame | None = None) -> pd.Series:
    """Return the members of the main groups as (group, symbol) pairs: a Series group -> symbol.

    Groups (members with prices only; a member may sit in more than one group):

    - :data:`SEMICONDUCTORS_LABEL`: GICS sub-industries :data:`AI_INFRASTRUCTURE_SUB_INDUSTRIES`;
    - each of :data:`REPORT_GROUPS` of ``data/universe.csv`` ("<Group> (report)"), restricted to
      S&P 500 members (TSM, ASML, ARM, MRVL, SAP, SNOW, MDB are not members);
    - :data:`SOFTWARE_LABEL`: GICS sub-industries :data:`SOFTWARE_SUB_INDUSTRIES`.
    """
    if universe is None:
        from deepseek_monday.data.universe import load_universe

        universe = load_universe()
    members = cross_section.members
    pairs: list[tuple[str, str]] = []
    for symbol in members.index[members["gics_sub_industry"].isin(AI_INFRASTRUCTURE_SUB_INDUSTRIES)]:
        pairs.append((SEMICONDUCTORS_LABEL, symbol))
    in_universe = universe["group"].reindex(members.index)
    for group in REPORT_GROUPS:
        pairs.extend((report_group_label(group), symbol) for symbol in members.index[in_universe == group])
    for symbol in members.index[members["gics_sub_industry"].isin(SOFTWARE_SUB_INDUSTRIES)]:
        pairs.append((SOFTWARE_LABEL, symbol))
    frame = pd.DataFrame(pairs, columns=["group", "symbol"])
    return pd.Series(frame["symbol"].to_numpy(), index=pd.Index(frame["group"], name="group"), name="symbol")


def overlapping_portfolio_returns(returns: pd.DataFrame, membership: pd.Series) -> pd.DataFrame:
    """Equal-weighted daily returns of portfolios that may share members: dates x groups.

    ``membership`` maps group -> symbol, one row per member (as :func:`main_groups`); groups
    keep their order of first appearance.
    """
    unknown = sorted(set(membership) - set(returns.columns))
    if unknown:
        raise ParameterError(f"membership: no returns for {unknown[:10]}")
    out = {}
    for group in dict.fromkeys(membership.index):
        symbols = membership.loc[[group]].tolist()
        out[group] = portfolio_returns(returns[symbols], pd.Series(group, index=symbols))[group]
    return pd.DataFrame(out, index=returns.index)
