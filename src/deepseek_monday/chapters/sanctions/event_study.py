"""The sanctions chapter's event study: what each export-control milestone and the event day cost Nvidia,
US chip firms and China tech in abnormal returns, and, where the facts allow, Nvidia in market value.

The abnormal returns and their tests need prices only. A dollar figure needs a level: Nvidia's
printed-close price level times the filing cover count that applies (:mod:`deepseek_monday.measures.levels`),
so a milestone without a cover count within :data:`~deepseek_monday.measures.levels.COUNT_MAX_GAP_DAYS`
days of its base close has no dollar figure, and says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.stats.multitest import multipletests

from deepseek_monday.chapters.sanctions.parameters import (
    CHINA_GROUP,
    CHIPS_GROUP,
    CONFIDENCE,
    ESTIMATION_WINDOW,
    EVENT_DAY_LABEL,
    MARKET,
    MIN_ESTIMATION_OBS,
    OVERLAP_RULE,
    SIGNIFICANCE,
    SanctionsParameters,
    study_events,
)
from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import load_universe
from deepseek_monday.errors import DataValidationError, NotCheckable
from deepseek_monday.eventstudy import (
    DEFAULT_MIN_ESTIMATION_OBS,
    EventStudyResult,
    kolari_pynnonen_widening,
    run_event_study,
    window_label,
)
from deepseek_monday.measures.levels import count_on, level_on, outstanding_counts
from deepseek_monday.measures.stock_study import market_model_study
from deepseek_monday.present.tables import format_number, readable
from deepseek_monday.present.wording import of_total

EN_DASH = "\u2013"  # between the two names of the Kolari\u2013Pynnönen test


def group_map(params: SanctionsParameters) -> dict[str, str]:
    """Return symbol -> group (US chip firms or China tech stocks) for the event study (China: stocks only)."""
    return {symbol: CHIPS_GROUP for symbol in params.chip_symbols} | {
        symbol: CHINA_GROUP for symbol in params.china_stocks}


def load_study_returns(params: SanctionsParameters) -> pd.DataFrame:
    """Return daily returns of the studied firms and their benchmarks (from the universe)."""
    firms = [*params.chip_symbols, *params.china_stocks]
    benchmarks = [b for b in load_universe().loc[firms, "benchmark"] if b]
    return daily_returns(list(dict.fromkeys([*firms, *benchmarks])))


def run_sanctions_study(returns: pd.DataFrame, params: SanctionsParameters) -> EventStudyResult:
    """Run the market-model event study of every firm around every milestone and the event day.

    Day 0 is each milestone's mapped NYSE session (for Hong Kong names: their first session
    on or after it), against its own market (SPY, the Hang Seng), so the China mean averages
    abnormal returns each measured in its own market and currency. Only the China stocks are
    studied: ETFs of ``china_symbols`` are shown beside, never averaged in. Estimation window
    [-250, -11] with ``overlap="mask"``: estimation days inside another event's window are
    dropped, so one shock does not inflate the normal-return variance of the next event's test;
    firms left with fewer than the chapter's minimum of valid days are excluded.
    """
    events = study_events(params)
    return run_event_study(
        returns, list(events["day0"]), symbols=[*params.chip_symbols, *params.china_stocks],
        model="market", estimation_window=ESTIMATION_WINDOW, event_windows=params.windows,
        min_estimation_obs=MIN_ESTIMATION_OBS, groups=group_map(params), pooled_group=None,
        day0="next", overlap=OVERLAP_RULE)


def _label_events(frame: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    labels = pd.Series(events.index, index=events["day0"])
    return frame["event_date"].map(labels)


def firm_cars(result: EventStudyResult, events: pd.DataFrame, symbol: str, window: tuple[int, int]) -> pd.DataFrame:
    """Return one firm's CAR, its standard error and t-test p-value per event, in event-list order."""
    label = window_label(window)
    rows = result.car[(result.car["symbol"] == symbol) & (result.car["window"] == label)].copy()
    rows["milestone"] = _label_events(rows, events)
    table = rows.set_index("milestone")[["car", "car_se", "p", "df"]]
    return table.reindex(events.index)


def group_caars(result: EventStudyResult, events: pd.DataFrame, group: str, window: tuple[int, int]) -> pd.DataFrame:
    """Return a group's CAAR, firm count and test p-values per event, in event-list order."""
    label = window_label(window)
    rows = result.caar[(result.caar["group"] == group) & (result.caar["window"] == label)].copy()
    rows["milestone"] = _label_events(rows, events)
    table = rows.set_index("milestone")[["n_firms", "caar", "caar_se", "r_bar", "p_t_cs", "p_kp", "p_corrado",
                                         "p_sign"]]
    return table.reindex(events.index)


def group_half_width(table: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.Series:
    """Return a group's CAAR half-width allowing for cross-correlation: t(N - 1) x SE_cs x the KP factor."""
    degrees = (table["n_firms"] - 1).where(table["n_firms"] > 1)
    quantile = pd.Series(special.stdtrit(degrees, 0.5 + confidence / 2), index=table.index)  # t quantile
    return quantile * table["caar_se"] * kolari_pynnonen_widening(table["n_firms"], table["r_bar"])


def comparison_table(result: EventStudyResult, events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return, per event, Nvidia's CAR and both groups' CAAR over ``window``, with tests and 95 % half-widths.

    Half-widths: t quantile x standard error. Nvidia: the forecast-error standard error with the
    model's degrees of freedom (the interval of its t-test). Groups: the cross-sectional standard
    error with N - 1, inflated by :func:`~deepseek_monday.eventstudy.kolari_pynnonen_widening` as in the Kolari-Pynnonen
    test, so that the interval allows for firms sharing an event date as the reported test does.
    """
    nvda = firm_cars(result, events, "NVDA", window)
    chips = group_caars(result, events, CHIPS_GROUP, window)
    china = group_caars(result, events, CHINA_GROUP, window)
    quantile = 0.5 + CONFIDENCE / 2

    return pd.DataFrame({
        "date": events["date"], "day0": events["day0"], "approximate": events["approximate"],
        "kind": events["kind"],
        "nvda_car": nvda["car"], "nvda_p": nvda["p"],
        "nvda_half": pd.Series(special.stdtrit(nvda["df"], quantile), index=nvda.index) * nvda["car_se"],
        "chips_n": chips["n_firms"], "chips_caar": chips["caar"], "chips_p_kp": chips["p_kp"],
        "chips_p_corrado": chips["p_corrado"], "chips_r_bar": chips["r_bar"], "chips_half": group_half_width(chips),
        "china_n": china["n_firms"], "china_caar": china["caar"], "china_p_kp": china["p_kp"],
        "china_p_corrado": china["p_corrado"], "china_r_bar": china["r_bar"], "china_half": group_half_width(china),
    }, index=events.index)


def interval_disagreements(comparison: pd.DataFrame, significance: float = 1 - CONFIDENCE) -> list[tuple[str, str]]:
    """Return (group, event label) of the bars whose interval and Kolari-Pynnonen test disagree on significance.

    The interval inflates the cross-sectional standard error of the mean CAR; the test
    standardises each firm's CAR first (BMP), so the two can, rarely, fall on different sides.
    """
    disagree = []
    for prefix, group in (("chips", CHIPS_GROUP), ("china", CHINA_GROUP)):
        present = comparison.dropna(subset=[f"{prefix}_half", f"{prefix}_p_kp"])
        excludes_zero = present[f"{prefix}_caar"].abs() > present[f"{prefix}_half"]
        rejects = present[f"{prefix}_p_kp"] < significance
        disagree += [(group, str(label)) for label in present.index[excludes_zero != rejects]]
    return disagree


def interval_note(comparison: pd.DataFrame) -> str:
    """Say whether every group interval of the figure agrees with the Kolari-Pynnonen test at 5 %."""
    disagree = interval_disagreements(comparison)
    if not disagree:
        return (f"Every group interval excludes zero exactly where the Kolari{EN_DASH}Pynnönen test is significant at "
                "the 5 % level.")
    which = "; ".join(f"{group} {'on the event day' if label == EVENT_DAY_LABEL else f'around milestone {label}'}"
                      for group, label in disagree)
    return (f"The interval and the Kolari{EN_DASH}Pynnönen test disagree at the 5 % level for {which} (the test "
            "standardises each firm's CAR before averaging; the interval does not).")


def display_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """Return the comparison table for readers: percent, p-values (``<0.001`` below), approximate dates marked."""
    date = table["date"].dt.strftime("%Y-%m-%d") + np.where(table["approximate"], " (approx.)", "")
    shown = pd.DataFrame({"Date": date, "Day 0": table["day0"].dt.strftime("%Y-%m-%d"),
                          "NVDA CAR (%)": 100 * table["nvda_car"], "NVDA p": table["nvda_p"]}, index=table.index)
    p_values = ["NVDA p"]
    for prefix, name in (("chips", "US chips"), ("china", "China tech")):
        shown[f"{name} N"] = table[f"{prefix}_n"].astype("Int64")
        shown[f"{name} CAAR (%)"] = 100 * table[f"{prefix}_caar"]
        shown[f"{name} p KP"] = table[f"{prefix}_p_kp"]
        shown[f"{name} p rank"] = table[f"{prefix}_p_corrado"]
        p_values += [f"{name} p KP", f"{name} p rank"]
    return readable(shown, decimals=2, p_values=tuple(p_values)).rename_axis("Milestone")


def nvidia_windows_table(result: EventStudyResult, events: pd.DataFrame,
                         windows: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Return Nvidia's CAR (%) per event (rows) and window (columns): how robust the ranking is."""
    columns = {window_label(w): firm_cars(result, events, "NVDA", w)["car"] * 100 for w in windows}
    table = pd.DataFrame(columns).round(2)
    table.columns.name = "NVDA CAR (%) over window"
    return table


def windows_overlap_other(events: pd.DataFrame, window: tuple[int, int], market: str = MARKET) -> pd.Series:
    """Return, per event, the labels of other events whose window shares a session with its own."""
    positions = sessions(market).get_indexer(events["day0"])
    span = window[1] - window[0]
    overlaps = {}
    for label, position in zip(events.index, positions, strict=True):
        others = [other for other, p in zip(events.index, positions, strict=True)
                  if other != label and abs(int(p) - int(position)) <= span]
        overlaps[label] = ", ".join(others)
    return pd.Series(overlaps, name="overlaps")


@dataclass(frozen=True)
class CombinedCar:
    """Sum of CARs over several events with a z-test (independent, non-overlapping windows)."""

    total: float
    z: float
    p: float
    n_events: int


def combined_car(cars: pd.Series, standard_errors: pd.Series) -> CombinedCar:
    """Return the sum of CARs and its z-test: z = sum CAR / sqrt(sum Var CAR), two-sided p."""
    present = cars.notna() & standard_errors.notna()
    if not present.any():
        raise DataValidationError("no event with a CAR to combine")
    total = float(cars[present].sum())
    z = total / math.sqrt(float((standard_errors[present] ** 2).sum()))
    return CombinedCar(total, z, float(2 * special.ndtr(-abs(z))), int(present.sum()))  # normal tails


def nvidia_market_values(events: pd.DataFrame, window: tuple[int, int], adjusted: pd.Series | None = None,
                         counts: pd.DataFrame | None = None, fundamentals_rows: pd.DataFrame | None = None,
                         ticker: str = "NVDA") -> pd.DataFrame:
    """Return Nvidia's market value at the close before each event window, where the facts allow one.

    Value = printed-close price level (:func:`~deepseek_monday.measures.levels.level_on`) x the filing cover
    count that applies (:func:`~deepseek_monday.measures.levels.count_on`, within ``COUNT_MAX_GAP_DAYS`` of
    the base close), never an adjusted close or a weighted diluted count. Where either is missing the
    value is NaN and ``reason`` says why. Columns: base_date, price, shares, count_as_of, market_value,
    reason. ``adjusted`` (the snapshot's closes), ``counts`` (:func:`outstanding_counts`) and
    ``fundamentals_rows`` (the facts) default to the project's data.
    """
    prices = (price_panel([ticker])[ticker] if adjusted is None else adjusted).dropna()
    if counts is None:
        try:
            counts = outstanding_counts(ticker, fundamentals_rows)
        except NotCheckable:
            counts = pd.DataFrame({"as_of": pd.DatetimeIndex([]), "shares": [], "note": []})
    rows = []
    for label, day0 in events["day0"].items():
        position = prices.index.get_loc(day0) + window[0] - 1 if day0 in prices.index else -1
        base = prices.index[position] if position >= 0 else pd.NaT
        row = {"milestone": label, "base_date": base, "price": np.nan, "shares": np.nan, "count_as_of": pd.NaT,
               "market_value": np.nan, "reason": ""}
        if position < 0:
            rows.append(row | {"reason": f"{ticker} has no close before day 0 ({day0:%Y-%m-%d})"})
            continue
        try:
            level = level_on(prices, ticker, base, fundamentals_rows)
            row["price"] = level.price
            count = count_on(counts, base, ticker)
        except NotCheckable as why:
            row["reason"] = str(why)
        else:
            row |= {"shares": count.shares, "count_as_of": count.as_of, "market_value": count.shares * level.price}
        rows.append(row)
    return pd.DataFrame(rows).set_index("milestone")


def valued_count(values: pd.DataFrame) -> int:
    """Return how many rows of a value table carry a dollar value."""
    return int(values["market_value"].notna().sum())


TIMES = "\u00d7"
BH_COLUMN = f"p, Benjamini{EN_DASH}Hochberg"
MULTIPLE_TESTS = {"holm": "Holm", "fdr_bh": f"Benjamini{EN_DASH}Hochberg"}


def adjusted_p_values(p_values: pd.Series, method: str) -> pd.Series:
    """Return p-values adjusted for testing them all together (``holm`` or ``fdr_bh``); NaN stays NaN.

    Holm (1979) controls the chance of any false rejection among the tests (family-wise error);
    Benjamini and Hochberg (1995) control the expected share of false rejections among the
    rejections (false discovery rate). Computed by ``statsmodels.stats.multitest.multipletests``.
    """
    if method not in MULTIPLE_TESTS:
        raise DataValidationError(f"unknown multiple-testing method {method!r}; use one of {list(MULTIPLE_TESTS)}")
    present = p_values.dropna()
    adjusted = pd.Series(np.nan, index=p_values.index, dtype=float)
    if not present.empty:
        adjusted[present.index] = multipletests(present.to_numpy(dtype=float), method=method)[1]
    return adjusted


def nvidia_car_table(result: EventStudyResult, events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return per event Nvidia's CAR, its standard error and p-value, raw and adjusted across the milestones.

    Percent only: no share count or price level enters. The adjustments (Holm, Benjamini-Hochberg)
    run over the milestones only; the event day is the hypothesis the chapter set out to test, so
    its own p-value stands unadjusted.
    """
    cars = firm_cars(result, events, "NVDA", window)
    table = pd.DataFrame({"kind": events["kind"], "car": cars["car"], "car_se": cars["car_se"], "p": cars["p"]},
                         index=events.index)
    milestones = table.index != EVENT_DAY_LABEL
    for method in MULTIPLE_TESTS:
        table[f"p_{method}"] = adjusted_p_values(table.loc[milestones, "p"], method).reindex(table.index)
    return table


def nvidia_value_table(result: EventStudyResult, events: pd.DataFrame, window: tuple[int, int],
                       market_values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return :func:`nvidia_car_table` with Nvidia's market value and CAR x market value where the facts allow.

    ``market_values`` defaults to :func:`nvidia_market_values` (printed levels, cover counts); a
    milestone without one keeps its CAR and tests, its dollar columns NaN and its ``reason``.
    """
    values = nvidia_market_values(events, window) if market_values is None else market_values
    table = nvidia_car_table(result, events, window)
    for column in ("base_date", "price", "shares", "count_as_of", "market_value", "reason"):
        table[column] = values[column].reindex(table.index)
    table["abnormal_value"] = table["car"] * table["market_value"]
    return table


def display_value_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return the per-milestone sensitivity table: CAR, raw and adjusted p-values, market value and CAR x value.

    A milestone without a dollar value shows a dash in the dollar columns and the reason in "No value because".
    """
    shown = pd.DataFrame({
        "Milestone": table.index, "Kind": table["kind"].to_numpy(),
        "CAR (%)": 100 * table["car"].to_numpy(), "p": table["p"].to_numpy(),
        "p, Holm": table["p_holm"].to_numpy(), BH_COLUMN: table["p_fdr_bh"].to_numpy(),
        "Value at close of": table["base_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Price level (USD)": table["price"].to_numpy(),
        "Shares outstanding as of": table["count_as_of"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Market value (USD bn)": table["market_value"].to_numpy() / 1e9,
        f"CAR {TIMES} value (USD bn)": table["abnormal_value"].to_numpy() / 1e9,
        "No value because": table["reason"].fillna("").to_numpy(),
    })
    return readable(shown, decimals={"Market value (USD bn)": 0, "CAR (%)": 2, f"CAR {TIMES} value (USD bn)": 1,
                                     "Price level (USD)": 2},
                    p_values=("p", "p, Holm", BH_COLUMN), index="Milestone")


def dollar_sensitivity(values: pd.DataFrame, significance: float = SIGNIFICANCE) -> pd.DataFrame:
    """Return sums of CAR and of CAR x market value over sets of milestones, beside the event day.

    Rows: the event day; all milestones; announcements only; the milestones significant after
    the Holm adjustment. Each sum of CARs has its z-test (:func:`combined_car`); a sum over no
    milestone is NaN. The dollar sum covers only the members with a dollar value (``n_valued``
    of ``n``; NaN if none), so it is a sensitivity, never a total: it also weights each move by a
    market value that grew many-fold over the period.
    """
    controls = values.drop(index=EVENT_DAY_LABEL)
    sets = {
        "event day": values.loc[[EVENT_DAY_LABEL]],
        "all milestones": controls,
        "announcements only": controls[controls["kind"] == "announcement"],
        "significant after Holm": controls[controls["p_holm"] < significance],
    }
    rows = []
    for name, part in sets.items():
        if part["car"].notna().any():
            combined = combined_car(part["car"], part["car_se"])
            total, p_value = combined.total, combined.p
        else:
            total = p_value = np.nan
        valued = part["abnormal_value"].notna()
        rows.append({"set": name, "n": int(part["car"].notna().sum()), "sum_car": total, "p": p_value,
                     "n_valued": int(valued.sum()), "sum_value": float(part["abnormal_value"].sum(min_count=1)),
                     "members": ", ".join(part.index), "valued_members": ", ".join(part.index[valued])})
    return pd.DataFrame(rows).set_index("set")


def display_dollar_sensitivity(table: pd.DataFrame) -> pd.DataFrame:
    """Return the dollar sensitivity table for readers: each dollar sum says how many of the set it covers."""
    covers = [f"{valued} of {n}" + (f" ({members})" if 0 < valued < n else "")
              for valued, n, members in zip(table["n_valued"], table["n"], table["valued_members"], strict=True)]
    shown = pd.DataFrame({
        "Events": [s[0].upper() + s[1:] for s in table.index], "Count": table["n"].to_numpy(),
        "Which": table["members"].replace("", "none").to_numpy(),
        "Sum of CAR (%)": 100 * table["sum_car"].to_numpy(), "p (z-test of the sum)": table["p"].to_numpy(),
        f"Sum of CAR {TIMES} value (USD bn)": table["sum_value"].to_numpy() / 1e9,
        "Dollar sum covers": covers,
    })
    return readable(shown, decimals={"Sum of CAR (%)": 2, f"Sum of CAR {TIMES} value (USD bn)": 1},
                    p_values=("p (z-test of the sum)",), index="Events")


def sanctions_vs_event(values: pd.DataFrame) -> dict[str, CombinedCar | float]:
    """Return the milestones' combined CAR (all, announcements only) against the event day's CAR (percent only)."""
    controls = values.drop(index=EVENT_DAY_LABEL)
    announcements = controls[controls["kind"] == "announcement"]
    result: dict[str, CombinedCar | float] = {
        "all": combined_car(controls["car"], controls["car_se"]),
        "event_car": float(values.at[EVENT_DAY_LABEL, "car"]),
        "event_p": float(values.at[EVENT_DAY_LABEL, "p"]),
    }
    if not announcements.empty:
        result["announcements"] = combined_car(announcements["car"], announcements["car_se"])
    return result


def hurt_more_by_window(result: EventStudyResult, events: pd.DataFrame,
                        windows: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Return, per window, Nvidia's event-day CAR against the worst milestone and all milestones combined.

    Percent only. ``overlapping_pairs`` counts milestone pairs whose windows share a session (their
    sum then counts those days twice).
    """
    rows = []
    for window in windows:
        values = nvidia_car_table(result, events, window)
        combined = sanctions_vs_event(values)
        controls = values.drop(index=EVENT_DAY_LABEL)
        overlaps = windows_overlap_other(events.drop(index=EVENT_DAY_LABEL), window)
        rows.append({
            "window": window_label(window), "event_car": combined["event_car"], "event_p": combined["event_p"],
            "worst_car": float(controls["car"].min()), "worst_milestone": str(controls["car"].idxmin()),
            "worst_p": float(controls.at[controls["car"].idxmin(), "p"]),
            "sum_car": combined["all"].total, "sum_p": combined["all"].p,
            "announcements_car": combined["announcements"].total if "announcements" in combined else np.nan,
            "announcements_p": combined["announcements"].p if "announcements" in combined else np.nan,
            "overlapping_pairs": int(sum(len(o.split(", ")) for o in overlaps if o) // 2),
        })
    return pd.DataFrame(rows).set_index("window")


def display_hurt_more(table: pd.DataFrame) -> pd.DataFrame:
    """Return the window comparison for readers: percent and p-values (the dollar sums are in their own table)."""
    shown = pd.DataFrame({
        "Window (trading days)": table.index,
        "Event day CAR (%)": 100 * table["event_car"].to_numpy(), "Event day p": table["event_p"].to_numpy(),
        "Worst milestone": table["worst_milestone"].to_numpy(),
        "Worst milestone CAR (%)": 100 * table["worst_car"].to_numpy(),
        "Worst milestone p": table["worst_p"].to_numpy(),
        "All milestones, sum CAR (%)": 100 * table["sum_car"].to_numpy(), "Sum p": table["sum_p"].to_numpy(),
        "Announcements, sum CAR (%)": 100 * table["announcements_car"].to_numpy(),
        "Announcements p": table["announcements_p"].to_numpy(),
        "Overlapping pairs": table["overlapping_pairs"].astype(int).to_numpy(),
    })
    return readable(shown, decimals=2, p_values=("Event day p", "Worst milestone p", "Sum p", "Announcements p"),
                    index="Window (trading days)")


def window_robustness(hurt_more: pd.DataFrame) -> dict[str, int]:
    """Count the windows in which the event day's CAR is below every milestone's, and below the milestones' sum."""
    return {
        "n_windows_event_worst": int((hurt_more["event_car"] < hurt_more["worst_car"]).sum()),
        "n_windows_event_more_percent": int((hurt_more["event_car"] < hurt_more["sum_car"]).sum()),
    }


def window_robustness_sentence(hurt_more: pd.DataFrame) -> str:
    """Say in how many windows the event day's CAR was below every milestone's, and below their sum (percent)."""
    total = len(hurt_more)
    worst = int((hurt_more["event_car"] < hurt_more["worst_car"]).sum())
    below_sum = int((hurt_more["event_car"] < hurt_more["sum_car"]).sum())
    return (f"Across these windows, the event day's abnormal return was below that of every single milestone in "
            f"{of_total(worst, total, 'windows')}, and below the sum over all milestones in "
            f"{of_total(below_sum, total, 'windows')}.")


def estimation_table(result: EventStudyResult, events: pd.DataFrame) -> pd.DataFrame:
    """Return per event the fewest and most estimation days of any firm and the most days masked."""
    fits = result.fits.copy()
    fits["milestone"] = _label_events(fits, events)
    table = fits.groupby("milestone").agg(firms=("symbol", "size"), fewest_days=("n_obs", "min"),
                                          most_days=("n_obs", "max"), most_masked=("masked_for_other_events", "max"))
    return table.reindex(events.index)


def study_numbers(result: EventStudyResult, params: SanctionsParameters, hurt_more: pd.DataFrame) -> dict[str, object]:
    """Return the event study's settings and counts the prose quotes (glue names)."""
    estimation_days = ESTIMATION_WINDOW[1] - ESTIMATION_WINDOW[0] + 1
    return {
        "estimation_window": f"[{ESTIMATION_WINDOW[0]}, {ESTIMATION_WINDOW[1]}]",
        "estimation_days": estimation_days,
        "engine_min_obs": DEFAULT_MIN_ESTIMATION_OBS,
        "min_estimation_obs": MIN_ESTIMATION_OBS,
        # a beta's standard error grows with 1/sqrt(n): at the minimum, this factor times the full window's
        "beta_se_factor": format_number(math.sqrt(estimation_days / MIN_ESTIMATION_OBS), 2),
        "n_excluded": len(result.exclusions),
        "n_excluded_masking": excluded_for_estimation(result),
        "n_reported_windows": len(params.windows),
        **window_robustness(hurt_more),
        "window_robustness_sentence": window_robustness_sentence(hurt_more),
    }


def single_event_day_car(returns: pd.DataFrame, event_date: pd.Timestamp, symbol: str = "NVDA") -> float:
    """Return ``symbol``'s day-0 abnormal return from the bubble chapter's study of the event day alone.

    That study (:func:`deepseek_monday.chapters.bubble.market_model_study`) has no other event, so no
    estimation day is masked.
    """
    benchmark = str(load_universe().at[symbol, "benchmark"])
    study = market_model_study(returns, symbol, benchmark, event_date)
    return float(study.car.set_index("window").at[window_label((0, 0)), "car"])


def event_day_car_sentence(result: EventStudyResult, events: pd.DataFrame, returns: pd.DataFrame,
                           event_date: pd.Timestamp) -> str:
    """Say why Nvidia's day-0 abnormal return here differs slightly from the bubble chapter's (masked days)."""
    here = float(firm_cars(result, events, "NVDA", (0, 0)).at[EVENT_DAY_LABEL, "car"])
    alone = single_event_day_car(returns, event_date)
    fits = result.fits
    masked = fits.loc[(fits["symbol"] == "NVDA") & (fits["event_date"] == event_date), "masked_for_other_events"]
    n_masked = int(masked.iloc[0]) if not masked.empty else 0

    def percent(value: float) -> str:
        return f"{format_number(100 * value, 2, signed=True)} %"

    if n_masked == 0:
        return (f"On day 0 alone Nvidia's abnormal return is {percent(here)}, as in the bubble chapter's study of the "
                "event day alone: no estimation day falls in another milestone's window.")
    days = "day" if n_masked == 1 else "days"
    return (f"On day 0 alone Nvidia's abnormal return is {percent(here)} here and {percent(alone)} in the bubble "
            f"chapter: this study leaves the {n_masked} estimation {days} inside other milestones' windows out of "
            "the market model's estimation sample, which the bubble chapter's study of the event day alone keeps.")


def excluded_for_estimation(result: EventStudyResult) -> int:
    """Return how many (firm, event) pairs fell below the minimum of valid estimation days."""
    return int(result.exclusions["reason"].str.contains("valid estimation observations", regex=False).sum())


def display_estimation(table: pd.DataFrame) -> pd.DataFrame:
    """Return the estimation table with readable column names."""
    shown = table.rename(columns={"firms": "Firms studied", "fewest_days": "Fewest estimation days",
                                  "most_days": "Most estimation days", "most_masked": "Most days masked"})
    return readable(shown.rename_axis("Milestone"))


def display_exclusions(result: EventStudyResult, events: pd.DataFrame) -> pd.DataFrame:
    """Return the (firm, event) pairs left out of the study and why."""
    excluded = result.exclusions.copy()
    if excluded.empty:
        return pd.DataFrame({"Firm": [], "Reason": []}, index=pd.Index([], name="Milestone"))
    excluded["Milestone"] = _label_events(excluded, events)
    return excluded.rename(columns={"symbol": "Firm", "reason": "Reason"}).set_index("Milestone")[["Firm", "Reason"]]
