"""Cross-event comparison: the overview's key measures for several shock days side by side.

Each day is measured with the event-day measures the overview uses (:mod:`deepseek_monday.measures.event_day`:
``event_day_returns``, ``group_summary``, ``index_moves`` and ``breadth``) on one returns frame loaded once.
Instruments without data on a day stay NaN (never filled); the tables say how many instruments had a return
on each day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.chapters.cross_event.kinds import ordinal
from deepseek_monday.claims import calculations as calc
from deepseek_monday.data.params import check_event_date
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.spikes import without_flagged
from deepseek_monday.data.universe import GROUPS, load_universe
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures.event_day import NON_EQUITY_GROUPS, breadth, event_day_returns, group_summary, index_moves
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import format_number, format_percent, readable
from deepseek_monday.present.wording import flagged_sentence

DEFAULT_SHOCK_DAYS = ("2000-04-14", "2008-10-15", "2020-03-16", "2024-08-05", "2025-01-27", "2025-04-03",
                      "2025-04-04")
DEFAULT_EVENT_DATE = "2025-01-27"
MIN_SHOCK_DAYS = 2
# Series whose every daily return is ranked (full history in the snapshot).
HISTORY_SERIES: dict[str, str] = {"GSPC": "S&P 500", "IXIC": "Nasdaq Composite", "SOX": "PHLX Semiconductor"}
# Short labels of the overview's headline series for tables and figures.
SHORT_NAMES: dict[str, str] = {"GSPC": "S&P 500", "IXIC": "Nasdaq Composite", "NDX": "Nasdaq-100",
                               "DJI": "Dow Jones", "GDAXI": "DAX 40", "SOX": "PHLX Semiconductor",
                               "SMH": "SMH ETF", "SOXX": "SOXX ETF"}
EQUITY_GROUPS = [g for g in GROUPS if g not in NON_EQUITY_GROUPS]


@dataclass(frozen=True)
class Measure:
    """A row of the side-by-side table: its label, unit and which direction is more severe."""

    label: str
    unit: str  # "%" for fractions shown in percent, "points" for levels
    lower_is_worse: bool
    spec: str = "+.2%"  # how the prose formats a value

    def text(self, value: float) -> str:
        """Return ``value`` formatted for the prose, or 'no data' when it is missing."""
        if np.isnan(value):
            return "no data"
        if self.unit == "points":
            return f"{format_number(value, 2, signed=True)} points"
        return format_percent(value, 1 if self.spec == ".1%" else 2, signed=self.spec.startswith("+"))


# Key measures in table order: the headline indices, breadth, the worst instrument, the VIX.
MEASURES: dict[str, Measure] = {
    **{symbol: Measure(label, "%", True) for symbol, label in SHORT_NAMES.items()},
    "share_down": Measure("Instruments that fell", "%", False, ".1%"),
    "worst_return": Measure("Largest single-instrument fall", "%", True),
    "vix_points": Measure("VIX change", "points", False, "+.2f"),
    "vix_change": Measure("VIX change", "%", False, "+.1%"),
}


@dataclass(frozen=True)
class CrossEventParameters:
    """Validated parameters of the cross-event chapter (days in chronological order).

    ``highlight`` is the event date: the day ranked among the shock days, which include it.
    """

    shock_days: tuple[pd.Timestamp, ...]
    highlight: pd.Timestamp
    market: str

    @classmethod
    def validate(cls, shock_days: object = DEFAULT_SHOCK_DAYS, event_date: object = DEFAULT_EVENT_DATE,
                 market: str = "XNYS") -> CrossEventParameters:
        """Check every parameter and return them typed; raise ParameterError otherwise.

        An ``event_date`` that is not among ``shock_days`` joins them.
        """
        if isinstance(shock_days, str) or not isinstance(shock_days, list | tuple):
            raise ParameterError(f"shock_days: {shock_days!r} is not a list of dates (use [\"YYYY-MM-DD\", ...])")
        # One previous session is needed for a return on the day itself.
        days = [check_event_date(day, market, before=1, parameter=f"shock_days[{i}]")
                for i, day in enumerate(shock_days)]
        repeated = sorted({day for day in days if days.count(day) > 1})
        if repeated:
            raise ParameterError(f"shock_days: listed more than once: {[f'{d:%Y-%m-%d}' for d in repeated]}")
        chosen = check_event_date(event_date, market, before=1, parameter="event_date")
        days = days if chosen in days else [*days, chosen]
        if len(days) < MIN_SHOCK_DAYS:
            raise ParameterError(f"shock_days: {list(shock_days)} with event_date {chosen:%Y-%m-%d} make "
                                 f"{len(days)} day; a comparison needs at least {MIN_SHOCK_DAYS}")
        return cls(tuple(sorted(days)), chosen, market)


@dataclass(frozen=True)
class CrossEventMeasures:
    """Every measure of the chapter, one column (or row) per shock day.

    ``key``: MEASURES keys x days (fractions; VIX points in points). ``groups`` and
    ``group_counts``: equity groups x days, equal-weighted mean return and members with a
    return. ``instruments``: per day counts, breadth and the largest fall. ``history``: per
    HISTORY_SERIES and day, the return's rank among all daily returns of that series.
    ``notes``: per day and headline series without a value, why.
    """

    days: tuple[pd.Timestamp, ...]
    highlight: pd.Timestamp
    key: pd.DataFrame
    groups: pd.DataFrame
    group_counts: pd.DataFrame
    instruments: pd.DataFrame
    history: pd.DataFrame
    notes: pd.DataFrame


def load_cross_event_returns() -> pd.DataFrame:
    """Return daily returns of the whole universe over the snapshot's full history."""
    return daily_returns(load_universe().index.tolist())


def history_rank(series: pd.Series, day: pd.Timestamp) -> dict[str, object]:
    """Rank ``day``'s return among all of ``series``' daily returns (1 = lowest; ties share the best rank).

    Also returns the number of returns ranked, their first and last dates, and the last
    earlier day with a return at or below it (None if there is none), as the claims ledger
    defines it. NaN rank if the day has no return.
    """
    history = series.dropna()
    value = history.get(day, np.nan)
    result: dict[str, object] = {"return": float(value), "n": len(history), "first": history.index[0],
                                 "last": history.index[-1], "rank": np.nan, "last_lower": None}
    if np.isnan(value):
        return result
    result["rank"], _ = calc.fall_rank(history, day)
    result["last_lower"] = calc.previous_larger_fall(history, day)
    return result


def level_moves(symbol: str, days: tuple[pd.Timestamp, ...], returns: pd.DataFrame) -> pd.DataFrame:
    """Return a level series' previous close, close and change in points and percent on each day.

    The general form of :func:`~deepseek_monday.measures.event_day.index_moves` for one series (here the VIX,
    whose change is read in points). A day without a return in ``returns`` (no session, or the previous
    session missing from the data) is NaN.
    """
    series = price_panel([symbol])[symbol].dropna()
    rows = []
    for day in days:
        usable = day in series.index and series.index.get_loc(day) > 0 and not np.isnan(returns.at[day, symbol])
        if not usable:
            rows.append((day, np.nan, np.nan, np.nan, np.nan))
            continue
        position = series.index.get_loc(day)
        previous, close = series.iloc[position - 1], series.iloc[position]
        rows.append((day, previous, close, close - previous, close / previous - 1))
    return pd.DataFrame(rows, columns=["day", "previous_close", "close", "points", "change"]).set_index("day")


def compute_measures(returns: pd.DataFrame, parameters: CrossEventParameters) -> CrossEventMeasures:
    """Measure every shock day with the overview's event-day measures on one returns frame."""
    days = parameters.shock_days
    key, groups, counts, instruments, notes = {}, {}, {}, {}, []
    vix = level_moves("VIX", days, returns)
    for day in days:
        table = event_day_returns(returns, day)
        summary = group_summary(table)
        indices = index_moves(day)
        moved = breadth(table)
        moves = indices["return"]
        # index_moves takes the previous row; keep only moves that are one-session returns.
        moves = moves.where(table.loc[moves.index, "return"].notna())
        for symbol in moves.index[moves.isna()]:
            notes.append((day, symbol, table.at[symbol, "note"] or "previous session missing from the data"))
        if np.isnan(vix.at[day, "points"]):
            notes.append((day, "VIX", table.at["VIX", "note"] or "previous session missing from the data"))
        equity = summary.reindex(EQUITY_GROUPS)
        groups[day], counts[day] = equity["mean"], equity["instruments"].fillna(0).astype(int)
        n_instruments = moved.n_instruments
        key[day] = pd.Series({**moves.to_dict(), "share_down": moved.n_down / n_instruments,
                              "worst_return": moved.worst_return, "vix_points": vix.at[day, "points"],
                              "vix_change": vix.at[day, "change"]})
        instruments[day] = {
            "weekday": f"{day:%A}", "n_instruments": n_instruments, "n_down": moved.n_down,
            "n_up": moved.n_up, "share_down": moved.n_down / n_instruments,
            "n_outside": int((table["note"] == "outside this series' data").sum()),
            "n_no_session": int((table["note"] == "no session on this date").sum()),
            "worst_name": moved.worst_name, "worst_return": moved.worst_return,
        }
    ranked = without_flagged(returns[list(HISTORY_SERIES)])  # suspected bad prints are never ranked
    history = pd.DataFrame([
        {"series": symbol, "day": day, **history_rank(ranked[symbol], day)}
        for symbol in HISTORY_SERIES for day in days
    ]).set_index(["series", "day"])
    return CrossEventMeasures(
        days=days, highlight=parameters.highlight,
        key=pd.DataFrame(key).reindex(list(MEASURES)).astype(float),
        groups=pd.DataFrame(groups).astype(float), group_counts=pd.DataFrame(counts),
        instruments=pd.DataFrame(instruments).T.rename_axis("day"),
        history=history,
        notes=pd.DataFrame(notes, columns=["day", "symbol", "note"]),
    )


def ranks_among_days(values: pd.DataFrame, lower_is_worse: dict[str, bool] | bool) -> pd.DataFrame:
    """Rank each row's days from most severe (1) to least; ties share the better rank; NaN stays missing."""
    ranks = {}
    for row, series in values.iterrows():
        ascending = lower_is_worse[row] if isinstance(lower_is_worse, dict) else lower_is_worse
        ranks[row] = series.rank(ascending=ascending, method="min")
    return pd.DataFrame(ranks).T.reindex(values.index).astype("Int64")


def key_ranks(measures: CrossEventMeasures) -> pd.DataFrame:
    """Rank the days on every key measure and every equity group's mean (1 = most severe)."""
    key = ranks_among_days(measures.key, {k: m.lower_is_worse for k, m in MEASURES.items()})
    groups = ranks_among_days(measures.groups, True)
    return pd.concat([key, groups])


def rank_text(rank: object, available: int) -> str:
    """Return 'the 2nd-most severe of 7 shock days' ('the least severe' for the last), or 'not ranked'."""
    if rank is pd.NA or rank is None or (isinstance(rank, float) and np.isnan(rank)):
        return "not ranked (no data that day)"
    place = ("the most severe" if int(rank) == 1 else "the least severe" if int(rank) == available
             else f"the {ordinal(int(rank))}-most severe")
    return f"{place} of {available} shock days"


_long_date = long_date


def _label(row: str) -> str:
    if row in MEASURES:
        return f"{MEASURES[row].label} ({MEASURES[row].unit})"
    return f"{row}: group mean (%)"


def headline_numbers(measures: CrossEventMeasures) -> dict[str, object]:
    """Return the numbers the chapter's prose quotes, keyed by glue name.

    Values that can be missing for some parameters (a series without data on a day) are
    glued as formatted text ('no data' when missing), so the prose never shows 'nan'.
    """
    day, days = measures.highlight, measures.days
    ranks = key_ranks(measures)
    values = pd.concat([measures.key, measures.groups])
    numbers: dict[str, object] = {
        "highlight_day": f"{day:%A} {_long_date(day)}", "n_days": len(days),
        "first_day": _long_date(days[0]), "last_day": _long_date(days[-1]),
        "day_list": ", ".join(_long_date(d) for d in days),
    }
    for row, measure in MEASURES.items():
        available = int(values.loc[row].notna().sum())
        numbers[f"{row}_value"] = measure.text(float(values.at[row, day]))
        numbers[f"{row}_rank"] = rank_text(ranks.at[row, day], available)
        extremes = ranks.columns[(ranks.loc[row] == 1).fillna(False).to_numpy()]
        numbers[f"{row}_extreme_day"] = " and ".join(_long_date(d) for d in extremes) or "no day with data"
        numbers[f"{row}_extreme_value"] = measure.text(float(values.at[row, extremes[0]]) if available else np.nan)
    first = [row for row in MEASURES if ranks.at[row, day] is not pd.NA and ranks.at[row, day] == 1]
    numbers["n_measures"] = sum(ranks.at[row, day] is not pd.NA for row in MEASURES)
    numbers["n_first"] = len(first)
    numbers["first_measures"] = ", ".join(f"“{_label(row)}”" for row in first) or "none"
    # Groups: the highlight's hardest-hit equity group and where that group's mean ranks among the days.
    on_day = measures.groups[day].dropna()
    numbers.update({"n_groups": len(on_day), "worst_group": "none (no equity group had data)",
                    "worst_group_mean": "no data", "worst_group_rank": "not ranked", "n_groups_first": 0})
    if len(on_day):
        group = str(on_day.idxmin())
        numbers["worst_group"] = group
        numbers["worst_group_mean"] = format_percent(on_day.min(), signed=True)
        numbers["worst_group_rank"] = rank_text(ranks.at[group, day], int(measures.groups.loc[group].notna().sum()))
        numbers["n_groups_first"] = int((ranks.loc[on_day.index, day] == 1).sum())
    info = measures.instruments.loc[day]
    numbers.update({"worst_name": info["worst_name"], "n_instruments": int(info["n_instruments"]),
                    "n_down": int(info["n_down"]),
                    "min_instruments": int(measures.instruments["n_instruments"].min()),
                    "max_instruments": int(measures.instruments["n_instruments"].max())})
    for symbol in HISTORY_SERIES:
        row = measures.history.loc[(symbol, day)]
        prefix = symbol.lower()
        numbers[f"{prefix}_hist_n"] = f"{int(row['n']):,}"
        numbers[f"{prefix}_hist_first"] = _long_date(row["first"])
        numbers[f"{prefix}_hist_last"] = _long_date(row["last"])
        if np.isnan(row["rank"]):
            numbers[f"{prefix}_hist_rank"] = "no return that day, not ranked"
            numbers[f"{prefix}_last_lower"] = "not applicable"
            continue
        numbers[f"{prefix}_hist_rank"] = f"the {ordinal(int(row['rank']))} lowest"
        lower = row["last_lower"]
        numbers[f"{prefix}_last_lower"] = "none in the data" if pd.isna(lower) else _long_date(lower)
    return numbers


def _day_labels(days: pd.Index | tuple[pd.Timestamp, ...]) -> list[str]:
    return [_long_date(d) for d in days]


def display_key_measures(measures: CrossEventMeasures) -> pd.DataFrame:
    """Return the side-by-side table: key measures (rows, with units) x shock days (columns), as text."""
    shown = measures.key.copy()
    for row, measure in MEASURES.items():
        if measure.unit == "%":
            shown.loc[row] = shown.loc[row] * 100
    shown.index = pd.Index([_label(row) for row in shown.index], name="Measure")
    shown.columns = pd.Index(_day_labels(shown.columns), name="Day")
    return readable(shown.astype(float))


def display_group_means(measures: CrossEventMeasures) -> pd.DataFrame:
    """Return each equity group's mean return in percent (rows) per shock day (columns), as text."""
    shown = measures.groups.astype(float) * 100
    shown.index = pd.Index([f"{g} (%)" for g in shown.index], name="Equity group")
    shown.columns = pd.Index(_day_labels(shown.columns), name="Day")
    return readable(shown)


def display_ranks(measures: CrossEventMeasures) -> pd.DataFrame:
    """Return each day's rank among the shock days on every measure (1 = most severe; a dash where not ranked)."""
    ranks = key_ranks(measures).astype("Int64")
    ranks.index = pd.Index([_label(row) for row in ranks.index], name="Measure")
    ranks.columns = pd.Index(_day_labels(ranks.columns), name="Day")
    return readable(ranks)


def display_instruments(measures: CrossEventMeasures) -> pd.DataFrame:
    """Return per day: instruments with a return, without data, breadth and the largest fall."""
    info = measures.instruments
    shown = pd.DataFrame({
        "Weekday": info["weekday"],
        "With a return": info["n_instruments"].astype(int),
        "No data (before listing or after series end)": info["n_outside"].astype(int),
        "No session that day": info["n_no_session"].astype(int),
        "Fell": info["n_down"].astype(int),
        "Fell (%)": info["share_down"].astype(float) * 100,
        "Largest fall": info["worst_name"],
        "Largest fall (%)": info["worst_return"].astype(float) * 100,
    })
    shown.index = pd.Index(_day_labels(shown.index), name="Day")
    return readable(shown, decimals={"Fell (%)": 1, "Largest fall (%)": 2})


def display_history(measures: CrossEventMeasures) -> pd.DataFrame:
    """Return per day and history series: the return, its rank in the series' history, the last day as low or lower."""
    columns = {}
    for symbol, name in HISTORY_SERIES.items():
        part = measures.history.loc[symbol]
        n = int(part["n"].iloc[0])
        columns[f"{name} (%)"] = part["return"].astype(float) * 100
        columns[f"{name}: rank of {n:,} (1 = lowest)"] = part["rank"].astype("Int64")
        columns[f"{name}: last earlier day as low or lower"] = [
            "no return that day" if pd.isna(rank) else "none in the data" if pd.isna(lower) else _long_date(lower)
            for rank, lower in zip(part["rank"], part["last_lower"], strict=True)]
    shown = pd.DataFrame(columns)
    shown.index = pd.Index(_day_labels(shown.index), name="Day")
    return readable(shown)


def display_notes(measures: CrossEventMeasures) -> pd.DataFrame:
    """Return the headline series without a value on a day, and why (empty table if none)."""
    notes = measures.notes.copy()
    shown = pd.DataFrame({
        "Day": _day_labels(pd.DatetimeIndex(notes["day"])),
        "Series": notes["symbol"].map({**SHORT_NAMES, "VIX": "VIX"}),
        "Why there is no value": notes["note"],
    })
    return shown.set_index(["Day", "Series"])


def history_flagged_sentence() -> str:
    """Return the sentence naming the suspected bad prints left out of the history ranks ("" if none)."""
    return flagged_sentence(list(HISTORY_SERIES), HISTORY_SERIES)
