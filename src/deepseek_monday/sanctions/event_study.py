"""The sanctions chapter's event study: what each export-control milestone and the event day cost Nvidia,
US chip firms and China tech in abnormal returns, and Nvidia in market value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from deepseek_monday.calendars import sessions
from deepseek_monday.claims.measures import nvidia_shares
from deepseek_monday.errors import DataValidationError
from deepseek_monday.eventstudy import EventStudyResult, run_event_study, window_label
from deepseek_monday.prices import price_panel
from deepseek_monday.returns import daily_returns
from deepseek_monday.sanctions.parameters import (
    CHINA_GROUP,
    CHIPS_GROUP,
    CONFIDENCE,
    ESTIMATION_WINDOW,
    EVENT_DAY_LABEL,
    MARKET,
    MIN_ESTIMATION_OBS,
    OVERLAP_RULE,
    SanctionsParameters,
    study_events,
)
from deepseek_monday.universe import load_universe


def group_map(params: SanctionsParameters) -> dict[str, str]:
    """Return symbol -> group (US chip firms or China tech) for the event study."""
    return {symbol: CHIPS_GROUP for symbol in params.chip_symbols} | {
        symbol: CHINA_GROUP for symbol in params.china_symbols}


def load_study_returns(params: SanctionsParameters) -> pd.DataFrame:
    """Return daily returns of the studied firms and their benchmarks (from the universe)."""
    firms = [*params.chip_symbols, *params.china_symbols]
    benchmarks = [b for b in load_universe().loc[firms, "benchmark"] if b]
    return daily_returns(list(dict.fromkeys([*firms, *benchmarks])))


def run_sanctions_study(returns: pd.DataFrame, params: SanctionsParameters) -> EventStudyResult:
    """Run the market-model event study of every firm around every milestone and the event day.

    Day 0 is each milestone's mapped NYSE session (for Hong Kong names: their first session
    on or after it). Estimation window [-250, -11] with ``overlap="mask"``: estimation days
    inside another event's window are dropped, so one shock does not inflate the normal-return
    variance of the next event's test; firms left with fewer than 200 days are excluded.
    """
    events = study_events(params)
    return run_event_study(
        returns, list(events["day0"]), symbols=[*params.chip_symbols, *params.china_symbols],
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
    table = rows.set_index("milestone")[["n_firms", "caar", "caar_se", "p_t_cs", "p_kp", "p_corrado", "p_sign"]]
    return table.reindex(events.index)


def comparison_table(result: EventStudyResult, events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return, per event, Nvidia's CAR and both groups' CAAR over ``window``, with tests and 95 % half-widths.

    Half-widths: t quantile x standard error (Nvidia: the forecast-error standard error with the
    model's degrees of freedom; groups: the cross-sectional standard error with N - 1).
    """
    nvda = firm_cars(result, events, "NVDA", window)
    chips = group_caars(result, events, CHIPS_GROUP, window)
    china = group_caars(result, events, CHINA_GROUP, window)
    quantile = 0.5 + CONFIDENCE / 2

    def group_half(table: pd.DataFrame) -> pd.Series:
        degrees = (table["n_firms"] - 1).where(table["n_firms"] > 1)
        return pd.Series(special.stdtrit(degrees, quantile), index=table.index) * table["caar_se"]  # t quantile

    return pd.DataFrame({
        "date": events["date"], "day0": events["day0"], "approximate": events["approximate"],
        "kind": events["kind"],
        "nvda_car": nvda["car"], "nvda_p": nvda["p"],
        "nvda_half": pd.Series(special.stdtrit(nvda["df"], quantile), index=nvda.index) * nvda["car_se"],
        "chips_n": chips["n_firms"], "chips_caar": chips["caar"], "chips_p_kp": chips["p_kp"],
        "chips_p_corrado": chips["p_corrado"], "chips_half": group_half(chips),
        "china_n": china["n_firms"], "china_caar": china["caar"], "china_p_kp": china["p_kp"],
        "china_p_corrado": china["p_corrado"], "china_half": group_half(china),
    }, index=events.index)


def display_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """Return the comparison table for readers: percent and p-values rounded, approximate dates marked."""
    date = table["date"].dt.strftime("%Y-%m-%d") + np.where(table["approximate"], " (approx.)", "")
    shown = pd.DataFrame({"Date": date, "Day 0": table["day0"].dt.strftime("%Y-%m-%d")}, index=table.index)
    shown["NVDA CAR (%)"] = (table["nvda_car"] * 100).round(2)
    shown["NVDA p"] = table["nvda_p"].round(3)
    for prefix, name in (("chips", "US chips"), ("china", "China tech")):
        shown[f"{name} N"] = table[f"{prefix}_n"].astype("Int64")
        shown[f"{name} CAAR (%)"] = (table[f"{prefix}_caar"] * 100).round(2)
        shown[f"{name} p KP"] = table[f"{prefix}_p_kp"].round(3)
        shown[f"{name} p rank"] = table[f"{prefix}_p_corrado"].round(3)
    return shown


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


def nvidia_market_values(events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return Nvidia's market value at the close before each event window (adjusted close x shares).

    Shares: the claims ledger's convention (:func:`deepseek_monday.claims.measures.nvidia_shares`,
    the latest annual weighted diluted count of a fiscal year ended before day 0), so values
    are approximate to about 1 %.
    """
    prices = price_panel(["NVDA"])["NVDA"].dropna()
    rows = []
    for label, day0 in events["day0"].items():
        position = prices.index.get_loc(day0) + window[0] - 1
        base = prices.index[position]
        shares, basis = nvidia_shares(day0)  # the ledger's convention: a fiscal year ended before the event
        rows.append((label, base, shares * prices.iloc[position], basis))
    return pd.DataFrame(rows, columns=["milestone", "base_date", "market_value", "shares_basis"]).set_index("milestone")


def nvidia_value_table(result: EventStudyResult, events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return per event Nvidia's CAR and the abnormal change in market value it implies (CAR x value)."""
    cars = firm_cars(result, events, "NVDA", window)
    values = nvidia_market_values(events, window)
    table = pd.DataFrame({"kind": events["kind"], "base_date": values["base_date"],
                          "market_value": values["market_value"], "car": cars["car"], "car_se": cars["car_se"],
                          "p": cars["p"]}, index=events.index)
    table["abnormal_value"] = table["car"] * table["market_value"]
    return table


def display_value_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return the Nvidia value table in USD bn and percent."""
    return pd.DataFrame({
        "Kind": table["kind"], "Value at close of": table["base_date"].dt.strftime("%Y-%m-%d"),
        "Market value (USD bn)": (table["market_value"] / 1e9).round(0),
        "CAR (%)": (table["car"] * 100).round(2), "p": table["p"].round(3),
        "Abnormal change (USD bn)": (table["abnormal_value"] / 1e9).round(1),
    }, index=table.index)


def sanctions_vs_event(values: pd.DataFrame) -> dict[str, CombinedCar | float]:
    """Return the milestones' combined CAR (all, announcements only) and abnormal value against the event day."""
    controls = values.drop(index=EVENT_DAY_LABEL)
    announcements = controls[controls["kind"] == "announcement"]
    result: dict[str, CombinedCar | float] = {
        "all": combined_car(controls["car"], controls["car_se"]),
        "value_all": float(controls["abnormal_value"].sum()),
        "event_car": float(values.at[EVENT_DAY_LABEL, "car"]),
        "event_p": float(values.at[EVENT_DAY_LABEL, "p"]),
        "event_value": float(values.at[EVENT_DAY_LABEL, "abnormal_value"]),
    }
    if not announcements.empty:
        result["announcements"] = combined_car(announcements["car"], announcements["car_se"])
        result["value_announcements"] = float(announcements["abnormal_value"].sum())
    return result


def hurt_more_by_window(result: EventStudyResult, events: pd.DataFrame,
                        windows: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Return, per window, Nvidia's event-day CAR against the worst milestone and all milestones combined.

    ``overlapping_pairs`` counts milestone pairs whose windows share a session (their sum
    then counts those days twice).
    """
    rows = []
    for window in windows:
        values = nvidia_value_table(result, events, window)
        combined = sanctions_vs_event(values)
        controls = values.drop(index=EVENT_DAY_LABEL)
        overlaps = windows_overlap_other(events.drop(index=EVENT_DAY_LABEL), window)
        rows.append({
            "window": window_label(window), "event_car": combined["event_car"], "event_p": combined["event_p"],
            "worst_car": float(controls["car"].min()), "worst_milestone": str(controls["car"].idxmin()),
            "sum_car": combined["all"].total, "sum_p": combined["all"].p,
            "announcements_car": combined["announcements"].total if "announcements" in combined else np.nan,
            "announcements_p": combined["announcements"].p if "announcements" in combined else np.nan,
            "event_value": combined["event_value"], "sum_value": combined["value_all"],
            "overlapping_pairs": int(sum(len(o.split(", ")) for o in overlaps if o) // 2),
        })
    return pd.DataFrame(rows).set_index("window")


def display_hurt_more(table: pd.DataFrame) -> pd.DataFrame:
    """Return the window comparison for readers: percent, USD bn, p-values rounded."""
    return pd.DataFrame({
        "Event day CAR (%)": (table["event_car"] * 100).round(2), "Event day p": table["event_p"].round(3),
        "Worst milestone": table["worst_milestone"], "Worst milestone CAR (%)": (table["worst_car"] * 100).round(2),
        "All milestones, sum CAR (%)": (table["sum_car"] * 100).round(2), "Sum p": table["sum_p"].round(3),
        "Announcements, sum CAR (%)": (table["announcements_car"] * 100).round(2),
        "Announcements p": table["announcements_p"].round(3),
        "Event day (USD bn)": (table["event_value"] / 1e9).round(1),
        "All milestones (USD bn)": (table["sum_value"] / 1e9).round(1),
        "Overlapping pairs": table["overlapping_pairs"],
    }, index=table.index)


def larger_loss(event_loss: float, controls_loss: float) -> str:
    """Return which of two abnormal changes is the larger loss: "event day", "milestones" or "neither"."""
    if np.isnan(event_loss) or np.isnan(controls_loss):
        raise DataValidationError("cannot compare a missing abnormal return")
    if min(event_loss, controls_loss) >= 0:
        return "neither"
    return "event day" if event_loss < controls_loss else "milestones"


_LOSER_TEXT = {"event day": "the event day cost Nvidia more than all the milestones together",
               "milestones": "all the milestones together cost Nvidia more than the event day",
               "neither": "neither the event day nor the milestones show an abnormal loss"}


def cost_comparison_sentence(event_car: float, sum_car: float, event_value: float, sum_value: float) -> str:
    """Return one sentence saying which cost Nvidia more, in percent and in dollars."""
    percent, dollars = larger_loss(event_car, sum_car), larger_loss(event_value, sum_value)
    if percent == dollars:
        return f"Over this window {_LOSER_TEXT[percent]}, in percent and in dollars."
    return (f"Over this window, in percent {_LOSER_TEXT[percent]}; in dollars, weighted by the market "
            f"value of the day, {_LOSER_TEXT[dollars]}.")


def window_robustness(hurt_more: pd.DataFrame) -> dict[str, int]:
    """Count the windows in which the event day's loss beats every milestone, and the milestones' sum."""
    return {
        "n_windows_event_worst": int((hurt_more["event_car"] < hurt_more["worst_car"]).sum()),
        "n_windows_event_more_percent": int((hurt_more["event_car"] < hurt_more["sum_car"]).sum()),
        "n_windows_event_more_dollars": int((hurt_more["event_value"] < hurt_more["sum_value"]).sum()),
    }


def estimation_table(result: EventStudyResult, events: pd.DataFrame) -> pd.DataFrame:
    """Return per event the fewest and most estimation days of any firm and the most days masked."""
    fits = result.fits.copy()
    fits["milestone"] = _label_events(fits, events)
    table = fits.groupby("milestone").agg(firms=("symbol", "size"), fewest_days=("n_obs", "min"),
                                          most_days=("n_obs", "max"), most_masked=("masked_for_other_events", "max"))
    return table.reindex(events.index)


def study_numbers(result: EventStudyResult, params: SanctionsParameters, hurt_more: pd.DataFrame) -> dict[str, object]:
    """Return the event study's settings and counts the prose quotes (glue names)."""
    return {
        "estimation_window": f"[{ESTIMATION_WINDOW[0]}, {ESTIMATION_WINDOW[1]}]",
        "min_estimation_obs": MIN_ESTIMATION_OBS,
        "n_excluded": len(result.exclusions),
        "n_excluded_masking": excluded_for_estimation(result),
        "n_reported_windows": len(params.windows),
        **window_robustness(hurt_more),
    }


def excluded_for_estimation(result: EventStudyResult) -> int:
    """Return how many (firm, event) pairs fell below the minimum of valid estimation days."""
    return int(result.exclusions["reason"].str.contains("valid estimation observations", regex=False).sum())


def display_estimation(table: pd.DataFrame) -> pd.DataFrame:
    """Return the estimation table with readable column names."""
    return table.rename(columns={"firms": "Firms studied", "fewest_days": "Fewest estimation days",
                                 "most_days": "Most estimation days", "most_masked": "Most days masked"})


def display_exclusions(result: EventStudyResult, events: pd.DataFrame) -> pd.DataFrame:
    """Return the (firm, event) pairs left out of the study and why."""
    excluded = result.exclusions.copy()
    if excluded.empty:
        return pd.DataFrame({"Firm": [], "Reason": []}, index=pd.Index([], name="milestone"))
    excluded["milestone"] = _label_events(excluded, events)
    return excluded.rename(columns={"symbol": "Firm", "reason": "Reason"}).set_index("milestone")[["Firm", "Reason"]]
