"""Screen price series for isolated reversing spikes: suspected bad prints.

A bad print is one wrong close between two right ones: the series jumps on day t and the
next day undoes it. The screen flags day t of a series when

* both |r_t| and |r_t+1| (log returns) exceed ``k`` robust sigmas of the series' own returns
  (1.4826 x the median absolute deviation over a centred window of ``window`` rows), with
  opposite signs;
* the two-day net move |r_t + r_t+1| is at most ``net_share`` of the smaller of the two;
* the move is isolated: no other return within ``neighbours`` rows on either side exceeds
  ``calm`` sigmas (real crashes come in clusters, a bad print does not);
* no peer (another series on the same exchange calendar) moved on day t in the same
  direction by more than ``calm`` of its own sigmas (a real market-wide day is shared).

Flagged days are kept out of rankings and records; the pages that rank days say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

FLAG_COLUMNS = ["symbol", "date", "return", "next_date", "next_return", "robust_sigma", "reason"]
_MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class SpikeRule:
    """The screen's thresholds (see the module docstring)."""

    k: float = 5.5
    net_share: float = 0.5
    calm: float = 3.0
    neighbours: int = 5
    window: int = 250
    min_periods: int = 20


DEFAULT_RULE = SpikeRule()


def robust_sigma(returns: pd.Series, window: int, min_periods: int) -> pd.Series:
    """Return 1.4826 x the rolling (centred) median absolute deviation of ``returns``."""
    centre = returns.rolling(window, center=True, min_periods=min_periods).median()
    deviation = (returns - centre).abs()
    return _MAD_TO_SIGMA * deviation.rolling(window, center=True, min_periods=min_periods).median()


def _candidates(prices: pd.Series, rule: SpikeRule) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Return one series' candidate spikes (before the peer check), its returns and robust sigmas."""
    series = prices.dropna()
    returns = np.log(series).diff().dropna()
    sigma = robust_sigma(returns, rule.window, rule.min_periods)
    following = returns.shift(-1)
    big = (returns.abs() > rule.k * sigma) & (following.abs() > rule.k * sigma)
    reverses = np.sign(returns) == -np.sign(following)
    small_net = (returns + following).abs() <= rule.net_share * np.minimum(returns.abs(), following.abs())
    size = returns.abs().to_numpy()
    rows = []
    for position in np.flatnonzero((big & reverses & small_net).to_numpy()):
        around = np.r_[size[max(0, position - rule.neighbours):position],
                       size[position + 2:position + 2 + rule.neighbours]]
        if around.size and around.max() > rule.calm * sigma.iloc[position]:
            continue
        rows.append({"date": returns.index[position], "return": float(np.expm1(returns.iloc[position])),
                     "next_date": returns.index[position + 1], "next_return": float(np.expm1(following.iloc[position])),
                     "robust_sigma": float(sigma.iloc[position])})
    return pd.DataFrame(rows, columns=FLAG_COLUMNS[1:-1]), returns, sigma


def screen_spikes(panel: pd.DataFrame, peer_groups: Mapping[str, str] | None = None,
                  rule: SpikeRule = DEFAULT_RULE) -> pd.DataFrame:
    """Return the suspected bad prints of every series in ``panel`` (dates x symbols, prices).

    ``peer_groups`` maps a symbol to its peer group (the exchange calendar); a spike that a
    peer shares is a real market move and is not flagged. Columns: FLAG_COLUMNS, ``return``
    and ``next_return`` as simple returns, sorted by symbol order then date.
    """
    peer_groups = dict(peer_groups or {})
    found: dict[str, pd.DataFrame] = {}
    moves: dict[str, pd.Series] = {}
    for symbol in panel.columns:
        flags, returns, sigma = _candidates(panel[symbol], rule)
        moves[symbol] = returns / sigma
        if not flags.empty:
            found[symbol] = flags
    rows = []
    for symbol, flags in found.items():
        peers = [p for p in panel.columns if p != symbol and peer_groups.get(p) is not None
                 and peer_groups.get(p) == peer_groups.get(symbol)]
        for _, flag in flags.iterrows():
            present = [p for p in peers if flag["date"] in moves[p].index and np.isfinite(moves[p][flag["date"]])]
            if any(np.sign(moves[p][flag["date"]]) == np.sign(flag["return"])
                   and abs(moves[p][flag["date"]]) > rule.calm for p in present):
                continue
            reason = (f"isolated reversing spike: {flag['return']:+.1%} then {flag['next_return']:+.1%} "
                      f"(both over {rule.k:g} robust sigmas of {flag['robust_sigma']:.2%}), not shared by "
                      + (f"the {len(present)} other series of its exchange that day" if present
                         else "any other series (none on its exchange that day)"))
            rows.append({"symbol": symbol, **flag.to_dict(), "reason": reason})
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


def drop_flagged(returns: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """Return wide ``returns`` (dates x symbols) without the flagged days' moves.

    Both the spike (``date``) and its reversal (``next_date``) are set to NaN: each return
    touches the bad close.
    """
    cleaned = returns.copy()
    for _, flag in flagged.iterrows():
        if flag["symbol"] not in cleaned.columns:
            continue
        for day in (flag["date"], flag["next_date"]):
            if day in cleaned.index:
                cleaned.loc[day, flag["symbol"]] = np.nan
    return cleaned


def flagged_days(symbols: list[str] | None = None) -> pd.DataFrame:
    """Return the snapshot's flagged days (``Snapshot.flagged_days``), only of ``symbols`` if given."""
    from deepseek_monday.data.prices import load_snapshot

    flagged = load_snapshot().flagged_days
    return flagged if symbols is None else flagged[flagged["symbol"].isin(symbols)].reset_index(drop=True)


def without_flagged(returns: pd.DataFrame) -> pd.DataFrame:
    """Return wide ``returns`` without the snapshot's flagged days, for rankings and records."""
    return drop_flagged(returns, flagged_days(list(returns.columns)))

