"""Price levels and share counts for market values: printed closes, not dividend-adjusted ones.

The snapshot's US closes are split- and dividend-adjusted: fine for returns, wrong for a level
(Cisco's adjusted close of March 2000 sits about a third below the 80 1/16 USD printed that day,
scaled down by 25 years of later dividends). A level here is either a printed close from the facts
(``close_price_printed``, or ``close_price_split_adjusted``: a printed close restated for later
splits) or the adjusted series *rescaled* so that it equals the printed close on the nearest
date the facts give one (an *anchor*). Between an anchor and a date the rescaled level is off
only by the dividends paid in between; :func:`anchor_table` shows how far the factor moves from
one anchor to the next.

Share counts are the period counts of the filings' covers (``shares_outstanding``, classes
added), not the annual weighted diluted counts. A count applies within :data:`COUNT_MAX_GAP_DAYS`
of its as-of date. Helpers that read the facts (``printed_closes``, ``outstanding_counts``)
read the facts; :func:`value_loss` is the one market-value loss every page quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.data.facts import load_fundamentals
from deepseek_monday.data.prices import price_panel
from deepseek_monday.errors import NotCheckable

PRINTED_METRICS = ("close_price_printed", "close_price_split_adjusted")
COUNT_METRICS = ("shares_outstanding", "shares_outstanding_class_a", "shares_outstanding_class_b",
                 "shares_outstanding_class_c")
# A cover count applies to dates at most this many calendar days from its as-of date.
COUNT_MAX_GAP_DAYS = 183
# Counts dated before a later split, with the split ratio (facts README: Cisco's count of
# 25 February 2000 precedes its 2-for-1 split of March 2000, so double it).
COUNTS_BEFORE_SPLIT: dict[tuple[str, str], float] = {("CSCO", "2000-02-25"): 2.0}
# Classes priced as a multiple of the listed class (facts README: one Berkshire B share carries
# 1/1,500 of an A share's economic rights; the snapshot prices the B shares).
CLASS_MULTIPLES: dict[tuple[str, str], float] = {("BRK", "shares_outstanding_class_a"): 1500.0}


# ---------------------------------------------------------------- printed closes and anchors


def printed_closes(ticker: str, fundamentals_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the facts' printed closes of ``ticker`` (USD), one row per fact date, oldest first.

    Columns: date, price, metric. Where both metrics give the same date, ``close_price_printed`` wins.
    """
    rows = load_fundamentals() if fundamentals_rows is None else fundamentals_rows
    rows = rows[(rows["ticker"] == ticker) & rows["metric"].isin(PRINTED_METRICS)]
    if rows.empty:
        raise NotCheckable(f"the facts hold no printed close for {ticker}, so its adjusted closes cannot be turned "
                           "into price levels")
    rows = rows.assign(order=rows["metric"].map({m: i for i, m in enumerate(PRINTED_METRICS)}))
    rows = rows.sort_values(["period_end", "order"]).drop_duplicates("period_end")
    return pd.DataFrame({"date": pd.to_datetime(rows["period_end"]).to_numpy(),
                         "price": rows["value"].astype(float).to_numpy(), "metric": rows["metric"].to_numpy()})


def anchor_table(adjusted: pd.Series, printed: pd.DataFrame) -> pd.DataFrame:
    """Return each printed close against the adjusted close of the same session (the last on or before its date).

    Columns: date (the fact's), session, printed, adjusted, factor (printed / adjusted), metric.
    Two facts falling on the same session keep the first (``close_price_printed`` sorts first).
    """
    own = adjusted.dropna()
    rows = []
    for _, row in printed.iterrows():
        earlier = own.loc[:row["date"]]
        if earlier.empty:
            continue
        session = earlier.index[-1]
        rows.append({"date": row["date"], "session": session, "printed": row["price"],
                     "adjusted": float(earlier.iloc[-1]), "factor": row["price"] / float(earlier.iloc[-1]),
                     "metric": row["metric"]})
    if not rows:
        raise NotCheckable("no printed close falls within the adjusted series")
    table = pd.DataFrame(rows)
    table = table.sort_values(["session", "metric"], key=lambda c: c if c.name == "session" else
                              c.map({m: i for i, m in enumerate(PRINTED_METRICS)}))
    return table.drop_duplicates("session").reset_index(drop=True)


def rescale_to_printed(adjusted: pd.Series, anchors: pd.DataFrame) -> pd.Series:
    """Return ``adjusted`` rescaled to printed levels: each day times the factor of its nearest anchor session.

    On an anchor session the result equals the printed close. Equidistant days take the later anchor
    (dividends after a day are what its adjusted close is scaled down by).
    """
    own = adjusted.dropna()
    if anchors.empty:
        raise NotCheckable("no anchor to rescale the adjusted closes to")
    sessions = pd.DatetimeIndex(anchors["session"])
    days = own.index.to_numpy()[:, None] - sessions.to_numpy()[None, :]
    distance = np.abs(days.astype("timedelta64[D]").astype(float))
    # ties: prefer the later anchor (largest index among the minima)
    nearest = distance.shape[1] - 1 - np.argmin(distance[:, ::-1], axis=1)
    factors = anchors["factor"].to_numpy(dtype=float)[nearest]
    return pd.Series(own.to_numpy() * factors, index=own.index, name=adjusted.name)


def price_level(adjusted: pd.Series, ticker: str) -> pd.Series:
    """Return ``ticker``'s price level (USD): its adjusted closes rescaled to the facts' printed closes."""
    return rescale_to_printed(adjusted, anchor_table(adjusted, printed_closes(ticker)))


# ---------------------------------------------------------------- share counts


def outstanding_counts(ticker: str, fundamentals_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``ticker``'s cover share counts per as-of date (classes added, restated for later splits).

    Columns: as_of, shares, classes, note. Class counts on one date are added (Berkshire's A shares
    count 1,500 times, in B-share equivalents); a count listed in :data:`COUNTS_BEFORE_SPLIT` is multiplied
    by its split ratio.
    """
    rows = load_fundamentals() if fundamentals_rows is None else fundamentals_rows
    rows = rows[(rows["ticker"] == ticker) & rows["metric"].isin(COUNT_METRICS)]
    if rows.empty:
        raise NotCheckable(f"the facts hold no shares-outstanding count for {ticker}")
    out = []
    for as_of, group in rows.groupby("period_end"):
        group = group.drop_duplicates("metric")
        if len(group) > 1 and "shares_outstanding" in set(group["metric"]):
            group = group[group["metric"] == "shares_outstanding"]
        multiples = [CLASS_MULTIPLES.get((ticker, metric), 1.0) for metric in group["metric"]]
        total = float((group["value"].astype(float).to_numpy() * np.array(multiples)).sum())
        notes = []
        if any(m != 1.0 for m in multiples):
            notes.append("in units of the priced class")
        split = COUNTS_BEFORE_SPLIT.get((ticker, f"{pd.Timestamp(as_of):%Y-%m-%d}"))
        if split:
            total *= split
            notes.append(f"\u00d7 {split:g} for a later split")
        classes = "+".join(m.removeprefix("shares_outstanding_class_").upper() for m in group["metric"]
                           if m != "shares_outstanding")
        out.append({"as_of": pd.Timestamp(as_of), "shares": total, "classes": classes or "all",
                    "note": "; ".join(notes)})
    return pd.DataFrame(out).sort_values("as_of").reset_index(drop=True)


@dataclass(frozen=True)
class CoverCount:
    """The cover share count a market value uses, and its as-of date."""

    shares: float
    as_of: pd.Timestamp
    note: str = ""

    def describe(self) -> str:
        """Say which count this is: shares and as-of date."""
        extra = f", {self.note}" if self.note else ""
        return f"{self.shares / 1e9:,.3f} bn shares outstanding as of {self.as_of:%-d %B %Y}{extra}"


def count_on(counts: pd.DataFrame, date: pd.Timestamp, ticker: str = "",
             max_gap: int = COUNT_MAX_GAP_DAYS) -> CoverCount:
    """Return the count for ``date``: the latest dated on or before it, else the earliest after it.

    Only counts within ``max_gap`` days of the date qualify; NotCheckable otherwise.
    """
    before = counts[(counts["as_of"] <= date) & ((date - counts["as_of"]).dt.days <= max_gap)]
    after = counts[(counts["as_of"] > date) & ((counts["as_of"] - date).dt.days <= max_gap)]
    chosen = before.iloc[-1] if not before.empty else (after.iloc[0] if not after.empty else None)
    if chosen is None:
        who = f"{ticker} " if ticker else ""
        raise NotCheckable(f"no {who}share count is dated within {max_gap} days of {date:%Y-%m-%d}")
    return CoverCount(float(chosen["shares"]), pd.Timestamp(chosen["as_of"]), str(chosen["note"]))


def counts_on(counts: pd.DataFrame, dates: pd.DatetimeIndex, max_gap: int = COUNT_MAX_GAP_DAYS) -> pd.DataFrame:
    """Return :func:`count_on` for every date: columns shares and as_of (NaN/NaT where no count applies).

    The same rule, vectorised over the dates: the latest count on or before each date if it is
    within ``max_gap`` days, else the earliest after it within ``max_gap`` days.
    """
    ordered = counts.sort_values("as_of", kind="stable")
    if ordered.empty:
        return pd.DataFrame({"shares": np.nan, "as_of": pd.NaT}, index=dates)
    stamps = ordered["as_of"].to_numpy(dtype="datetime64[ns]")
    days = pd.DatetimeIndex(dates).to_numpy(dtype="datetime64[ns]")
    one_day = np.timedelta64(1, "D")
    latest = np.searchsorted(stamps, days, side="right") - 1  # the last count dated on or before each date
    following = latest + 1  # the first count dated after it
    last = len(stamps) - 1
    before = (latest >= 0) & ((days - stamps[latest.clip(0, last)]) // one_day <= max_gap)
    after = ~before & (following <= last) & ((stamps[following.clip(0, last)] - days) // one_day <= max_gap)
    chosen = np.where(before, latest, np.where(after, following, -1))
    found = chosen >= 0
    shares = np.where(found, ordered["shares"].to_numpy(dtype=float)[chosen.clip(0, last)], np.nan)
    as_of = pd.DatetimeIndex(np.where(found, stamps[chosen.clip(0, last)], np.datetime64("NaT")))
    return pd.DataFrame({"shares": shares, "as_of": as_of}, index=dates)


# ---------------------------------------------------------------- market values and one-day losses


@dataclass(frozen=True)
class LevelLoss:
    """One session's move of a stock at printed levels, and the market value it lost (USD, positive = loss)."""

    ticker: str
    date: pd.Timestamp
    previous_date: pd.Timestamp
    previous_close: float
    close: float
    change: float
    count: CoverCount
    loss: float
    previous_value: float


def level_loss(level: pd.Series, counts: pd.DataFrame, ticker: str, date: pd.Timestamp) -> LevelLoss:
    """Return the loss of market value on ``date``: count x (previous level - level), one count for both days."""
    own = level.dropna()
    if date not in own.index:
        raise NotCheckable(f"{ticker} has no close on {date:%Y-%m-%d}")
    position = own.index.get_loc(date)
    if position == 0:
        raise NotCheckable(f"{ticker} has no close before {date:%Y-%m-%d}")
    previous, close = float(own.iloc[position - 1]), float(own.iloc[position])
    count = count_on(counts, date, ticker)
    return LevelLoss(ticker, date, own.index[position - 1], previous, close, close / previous - 1, count,
                     count.shares * (previous - close), count.shares * previous)


def value_loss(ticker: str, date: pd.Timestamp, adjusted: pd.Series | None = None) -> LevelLoss:
    """Return the market value ``ticker`` lost on ``date``: the book's one computation of it.

    Printed-close levels (:func:`price_level`) times the filing cover count that applies that day
    (:func:`count_on`), one count for both closes. ``adjusted`` defaults to the snapshot's series.
    The bubble chapter, the landing page, the overview and the claims ledger all quote this.
    """
    series = price_panel([ticker])[ticker] if adjusted is None else adjusted
    return level_loss(price_level(series, ticker), outstanding_counts(ticker), ticker, date)


def level_losses(level: pd.Series, counts: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """Return every session's loss of market value (USD; negative for a gain) where a count applies.

    Columns: ticker, date, previous_close, close, return, shares, as_of, loss.
    """
    own = level.dropna()
    applied = counts_on(counts, own.index)
    previous = own.shift(1)
    table = pd.DataFrame({"ticker": ticker, "date": own.index, "previous_close": previous.to_numpy(),
                          "close": own.to_numpy(), "return": (own / previous - 1).to_numpy(),
                          "shares": applied["shares"].to_numpy(), "as_of": applied["as_of"].to_numpy()})
    table["loss"] = table["shares"] * (table["previous_close"] - table["close"])
    return table.dropna(subset=["loss"]).reset_index(drop=True)


def market_value_on(level: pd.Series, counts: pd.DataFrame, ticker: str, date: pd.Timestamp) -> tuple[float, float,
                                                                                                     CoverCount]:
    """Return (market value USD, price level, count) on ``date`` (the session's own close; NotCheckable if none)."""
    own = level.dropna()
    if date not in own.index:
        raise NotCheckable(f"{ticker} has no close on {date:%Y-%m-%d}")
    count = count_on(counts, date, ticker)
    price = float(own.loc[date])
    return count.shares * price, price, count


def market_value_series(level: pd.Series, counts: pd.DataFrame) -> pd.Series:
    """Return the daily market value (USD) where a cover count applies."""
    own = level.dropna()
    return (counts_on(counts, own.index)["shares"] * own).dropna().rename(level.name)


# ---------------------------------------------------------------- one session's level and its anchor


@dataclass(frozen=True)
class LevelOn:
    """One session's price level (USD), the adjusted close it comes from and the printed close it is rescaled to."""

    ticker: str
    session: pd.Timestamp
    price: float
    adjusted: float
    anchor: pd.Timestamp
    anchor_price: float

    def describe(self) -> str:
        """Say which price this is: the printed close itself, or the adjusted close rescaled to which one."""
        if self.anchor == self.session:
            return f"printed close {self.price:,.2f} USD of {self.session:%Y-%m-%d}"
        return (f"price level {self.price:,.2f} USD on {self.session:%Y-%m-%d} (adjusted close rescaled to the "
                f"printed close of {self.anchor:%Y-%m-%d})")


def level_on(adjusted: pd.Series, ticker: str, session: pd.Timestamp,
             fundamentals_rows: pd.DataFrame | None = None) -> LevelOn:
    """Return :func:`price_level` of ``ticker`` on ``session`` with the anchor it rests on.

    Same rule as :func:`rescale_to_printed` (nearest anchor session, ties to the later one).
    NotCheckable where the series has no close on ``session`` or the facts no printed close.
    """
    own = adjusted.dropna()
    if session not in own.index:
        raise NotCheckable(f"{ticker} has no close on {session:%Y-%m-%d}")
    anchors = anchor_table(own, printed_closes(ticker, fundamentals_rows))
    distance = np.abs((pd.DatetimeIndex(anchors["session"]) - session).days.to_numpy())
    nearest = len(distance) - 1 - int(np.argmin(distance[::-1]))
    anchor = anchors.iloc[nearest]
    close = float(own.loc[session])
    return LevelOn(ticker, session, close * float(anchor["factor"]), close, pd.Timestamp(anchor["session"]),
                   float(anchor["printed"]))
