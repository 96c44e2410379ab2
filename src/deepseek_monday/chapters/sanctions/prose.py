"""Numbers for the sanctions chapter's prose, keyed by glue name.

Every percentage the text quotes is glued as preformatted text (true minus sign, a space
before %) under ``<name>_text``; the plain value stays under ``<name>`` for tests and tables.
"""

from __future__ import annotations

import pandas as pd

from deepseek_monday.chapters.sanctions.china_performance import nyse_members
from deepseek_monday.chapters.sanctions.event_study import (
    adjusted_p_values,
    interval_note,
    market_value_error_sentence,
    sanctions_vs_event,
)
from deepseek_monday.chapters.sanctions.parameters import (
    CHINA_GROUP,
    CHIPS_GROUP,
    EVENT_DAY_LABEL,
    SEMICONDUCTOR_ETF,
    SIGNIFICANCE,
    SanctionsParameters,
    dropped_note,
    nonevent_note,
)
from deepseek_monday.data.universe import load_universe
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures import group_study
from deepseek_monday.present.tables import format_number
from deepseek_monday.present.wording import of_total, p_text

# The p-values the prose quotes; each is also glued as text ("p = 0.067", "p < 0.001") under <name>_text.
P_VALUE_NAMES = ("nvda_p_event", "nvda_p_day1", "chips_p_kp_event", "chips_p_kp_day1", "china_p_kp_event",
                 "china_p_corrado_event", "worst_control_p", "worst_control_p_holm", "nvda_p_controls_sum",
                 "nvda_p_announcements_sum")
# The fractions the prose quotes as percentages, with their decimals; glued as text under <name>_text.
PERCENT_NAMES = {
    "nvda_car_event": 2, "nvda_car_day1": 2, "chips_caar_event": 2, "chips_caar_day1": 2, "china_caar_event": 2,
    "china_caar_day1": 2, "worst_control_car": 2, "chips_caar_controls_mean": 2, "china_caar_controls_mean": 2,
    "nvda_car_controls_sum": 2, "nvda_car_announcements_sum": 2, "timeline_nvda": 0, "timeline_smh": 0,
    "timeline_kweb": 0, "timeline_fxi": 0, "since_china_tech_common": 1, "since_us_chip_firms_common": 1,
    "since_smh_common": 1, "since_china_tech_last": 1, "since_us_chip_firms_last": 1, "since_smh_last": 1,
    "relative_end": 1, "relative_peak": 1, "relative_trough": 1,
}


def percent_text(value: float, decimals: int = 2, signed: bool = True) -> str:
    """Write a fraction as a percentage for prose: -0.1335 -> "-13.35 %" (with a true minus, a space before %)."""
    return f"{format_number(100 * value, decimals, signed=signed)} %"


def billions_text(value: float, decimals: int = 0, signed: bool = True) -> str:
    """Write a USD amount in billions for prose: -6.1e11 -> "-610 bn USD" (true minus)."""
    return f"{format_number(value / 1e9, decimals, signed=signed)} bn USD"


def _comparison_for(window_table: pd.DataFrame | None) -> pd.Series:
    if window_table is None:
        return pd.Series(dtype=float)
    return window_table.loc[EVENT_DAY_LABEL]


def headline_numbers(params: SanctionsParameters, comparison: pd.DataFrame, values: pd.DataFrame,
                     estimation: pd.DataFrame, timeline: pd.DataFrame, performance: pd.DataFrame,
                     relative: pd.Series, ratios: pd.DataFrame, breakdown: dict[str, float | str],
                     next_day: pd.DataFrame | None = None) -> dict[str, object]:
    """Return the numbers the chapter's prose quotes, keyed by glue name.

    ``comparison`` and ``values`` are for the main window (day 0 by default); ``next_day`` is
    the comparison table of day +1 alone (the rebound after the event day), if given.
    """
    controls = comparison.drop(index=EVENT_DAY_LABEL)
    event = comparison.loc[EVENT_DAY_LABEL]
    combined = sanctions_vs_event(values)
    all_controls = combined["all"]
    milestone_values = values.drop(index=EVENT_DAY_LABEL)
    worst = controls["nvda_car"].idxmin()
    common_end = performance.attrs["common_end"]
    china_basket = nyse_members(params.china_symbols)
    rebound = _comparison_for(next_day)
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A} {params.event_date.day} {params.event_date:%B %Y}",
        "window": params.window_text,
        "chip_members": ", ".join(params.chip_symbols),
        "china_members": ", ".join(params.china_symbols),
        "china_basket_members": ", ".join(china_basket),
        "n_controls": len(controls),
        "first_control": _day(controls["date"].min()),
        "last_control": _day(controls["date"].max()),
        "n_approximate": int(controls["approximate"].sum()),
        "n_shifted": int((params.controls["day0"] != params.controls["date"]).sum()),
        "n_disclosed_later": int(params.controls["shift"].str.contains("disclosed").sum()),
        "dropped_note": dropped_note(params),
        "nonevent_note": nonevent_note(),
        "n_effective": int((controls["kind"] != "announcement").sum()),
        "nvda_car_event": float(event["nvda_car"]), "nvda_p_event": float(event["nvda_p"]),
        "chips_caar_event": float(event["chips_caar"]), "chips_p_kp_event": float(event["chips_p_kp"]),
        "china_caar_event": float(event["china_caar"]), "china_p_kp_event": float(event["china_p_kp"]),
        "china_p_corrado_event": float(event["china_p_corrado"]),
        "nvda_car_day1": float(rebound.get("nvda_car", float("nan"))),
        "nvda_p_day1": float(rebound.get("nvda_p", float("nan"))),
        "chips_caar_day1": float(rebound.get("chips_caar", float("nan"))),
        "chips_p_kp_day1": float(rebound.get("chips_p_kp", float("nan"))),
        "china_caar_day1": float(rebound.get("china_caar", float("nan"))),
        "chips_caar_controls_mean": float(controls["chips_caar"].mean()),
        "china_caar_controls_mean": float(controls["china_caar"].mean()),
        "worst_control": f"milestone {worst} ({_day(controls.at[worst, 'date'])})",
        "worst_control_car": float(controls.at[worst, "nvda_car"]),
        "worst_control_p": float(controls.at[worst, "nvda_p"]),
        "worst_control_p_holm": float(values.at[worst, "p_holm"]),
        "nvda_car_controls_sum": all_controls.total, "nvda_p_controls_sum": all_controls.p,
        "nvda_value_event_bn": float(combined["event_value"]) / 1e9,
        "nvda_value_controls_bn": float(combined["value_all"]) / 1e9,
        "nvda_value_event_text": billions_text(float(combined["event_value"])),
        "nvda_value_controls_text": billions_text(float(combined["value_all"])),
        "market_value_first_text": billions_text(float(milestone_values["market_value"].iloc[0]), signed=False),
        "market_value_last_text": billions_text(float(milestone_values["market_value"].iloc[-1]), signed=False),
        "market_value_growth": format_number(float(milestone_values["market_value"].iloc[-1]
                                                   / milestone_values["market_value"].iloc[0]), 1),
        "first_control_value_date": _day(milestone_values["base_date"].iloc[0]),
        "last_control_value_date": _day(milestone_values["base_date"].iloc[-1]),
        "fewest_estimation_days": int(estimation["fewest_days"].min()),
        "most_masked_days": int(estimation["most_masked"].max()),
        "timeline_base": _day(timeline["base_date"].min()),
        "common_end": _day(common_end),
        "comparison_start": _day(params.comparison_start),
        "relative_end": float(relative.iloc[-1]),
        "relative_end_date": _day(relative.index[-1]),
        "relative_peak": float(relative.max()),
        "relative_peak_date": _day(relative.idxmax()),
        "relative_trough": float(relative.min()),
        "relative_trough_date": _day(relative.idxmin()),
    }
    announcements = combined.get("announcements")  # absent when every milestone is an effective date
    numbers["nvda_car_announcements_sum"] = announcements.total if announcements else float("nan")
    numbers["nvda_p_announcements_sum"] = announcements.p if announcements else float("nan")
    for symbol in ("NVDA", SEMICONDUCTOR_ETF, "KWEB", "FXI"):
        numbers[f"timeline_{symbol.lower()}"] = float(timeline.at[symbol, "return"])
    for key in (f"{CHINA_GROUP} basket", f"{CHIPS_GROUP} basket", SEMICONDUCTOR_ETF):
        name = key.split(" basket")[0].lower().replace(" ", "_")
        numbers[f"since_{name}_common"] = float(performance.at[key, "return_to_common_end"])
        numbers[f"since_{name}_last"] = float(performance.at[key, "return_to_last_date"])
    numbers["since_last_date"] = _day(performance.at[f"{CHIPS_GROUP} basket", "last_date"])
    for key, value in ratios["value"].items():
        numbers[key] = float(value)
    numbers["v3_gpus_as_fraction"] = f"1/{1 / ratios.at['v3_over_llama_gpus', 'value']:.0f}"
    numbers |= breakdown
    numbers |= count_phrases(params, controls, values)
    numbers["holm_significant"] = significant_after_holm(values)
    numbers["sum_verdict"] = sum_verdict(all_controls.p)
    numbers["event_against_controls"] = event_against_controls(float(event["nvda_car"]), float(event["nvda_p"]),
                                                               all_controls.total, all_controls.p)
    numbers["h800_milestones"] = milestones_mentioning(params.controls, "H800")
    numbers["interval_note"] = interval_note(comparison)
    numbers["market_value_error"] = market_value_error_sentence()
    for name in P_VALUE_NAMES:
        numbers[f"{name}_text"] = p_text(float(numbers[name]))
    for name, decimals in PERCENT_NAMES.items():
        numbers[f"{name}_text"] = percent_text(float(numbers[name]), decimals)
    return numbers


def chips_group_definition(params: SanctionsParameters) -> group_study.GroupDefinition:
    """The group of :mod:`deepseek_monday.measures.group_study` behind the chip firms: the report's "US chip
    firms" if this run's stocks are its members, else "US chip firms (this run)" (ETFs beside, never averaged)."""
    universe = load_universe()
    stocks = tuple(s for s in params.chip_symbols if universe.at[s, "kind"] == "stock")
    etfs = tuple(s for s in params.chip_symbols if universe.at[s, "kind"] != "stock")
    default = group_study.definition(CHIPS_GROUP)
    if set(stocks) == set(default.members):
        return default
    return group_study.GroupDefinition(f"{CHIPS_GROUP} (this run)", stocks, beside=etfs)


def group_study_numbers(params: SanctionsParameters) -> dict[str, object]:
    """The event day's answer for the chip firms as every chapter gives it: the report's group study.

    The chapter's milestone study measures the event day as it measures the milestones (SPY,
    masked estimation days, firm by firm, Kolari-Pynnonen), so the two can be compared; whether
    the group fell abnormally on the event day is the group study's question (equal-weighted
    portfolio of the stocks against the S&P 500 without AI infrastructure, portfolio
    time-series test), quoted here from :func:`group_study.quote`, never recomputed. Keys:
    ``chips_study_car``, ``chips_study_p``, ``chips_study_p_kp`` (plain and as ``*_text``),
    ``chips_study_benchmark`` and ``chips_study_sentence``.
    """
    chosen = chips_group_definition(params)
    nan = float("nan")
    numbers: dict[str, object] = {"chips_study_car": nan, "chips_study_p": nan, "chips_study_p_kp": nan,
                                  "chips_study_n": 0, "chips_study_benchmark": ""}
    try:
        study = (group_study.group_study(params.event_date) if chosen in group_study.GROUPS
                 else group_study.group_study(params.event_date, (chosen,)))
    except ParameterError as why:
        reason = str(why)
    else:
        reason = "; ".join(study.dropped.loc[study.dropped["group"] == chosen.name, "reason"])
        if not reason:
            q = group_study.quote(study, chosen.name)
            numbers |= {"chips_study_car": q["car"], "chips_study_p": q["p"], "chips_study_p_kp": q["p_kp"],
                        "chips_study_n": int(q["n_firms"]),
                        "chips_study_benchmark": str(study.row(chosen.name)["benchmark"])}
    numbers["chips_study_car_text"] = percent_text(float(numbers["chips_study_car"]))
    for name in ("chips_study_p", "chips_study_p_kp"):
        numbers[f"{name}_text"] = p_text(float(numbers[name]))
    if numbers["chips_study_benchmark"] == "":
        numbers["chips_study_sentence"] = (f"The report's group study cannot measure the {chosen.name} on this date "
                                           f"({reason or 'no result'}).")
        return numbers
    numbers["chips_study_sentence"] = (
        "The event-day average above sets the event day beside the milestones, measured the same way. Whether "
        "the chip firms fell abnormally on the event day is answered, here as in every chapter, by the report's "
        "group study: the "
        f"equal-weighted portfolio of the group's {numbers['chips_study_n']} stocks ({chosen.name}) against the "
        f"{numbers['chips_study_benchmark']} returned {numbers['chips_study_car_text']} beyond its market model "
        f"(portfolio time-series test, {numbers['chips_study_p_text']}; Kolari\u2013Pynnönen on the same benchmark "
        f"{numbers['chips_study_p_kp_text']}). SPY holds Nvidia and Broadcom, so against SPY part of the chip fall "
        "counts as the market's.")
    return numbers


def _day(date: pd.Timestamp) -> str:
    """Write a date as the house style does: 6 January 2025 (no leading zero)."""
    return f"{date.day} {date:%B %Y}"


def count_phrases(params: SanctionsParameters, controls: pd.DataFrame, values: pd.DataFrame) -> dict[str, str]:
    """Return the counts the prose quotes as phrases ("none of the 14 milestones"), so zero and all read well.

    Significance: raw p-values below 5 %, and after the Holm and Benjamini-Hochberg adjustments
    across the milestones (Nvidia: ``values``' adjusted columns; groups: the Kolari-Pynnonen p).
    """
    total = len(controls)
    shifted = int((params.controls["day0"] != params.controls["date"]).sum())
    milestone_values = values.drop(index=EVENT_DAY_LABEL)

    def phrase(mask: pd.Series) -> str:
        return of_total(int(mask.sum()), total, "milestones")

    phrases = {
        "shifted_note": f"{of_total(shifted, len(params.controls), 'dates')} here needed that",
        "nvda_negative_phrase": phrase(controls["nvda_car"] < 0),
        "nvda_significant_phrase": phrase(controls["nvda_p"] < SIGNIFICANCE),
        "nvda_holm_phrase": phrase(milestone_values["p_holm"] < SIGNIFICANCE),
        "nvda_bh_phrase": phrase(milestone_values["p_fdr_bh"] < SIGNIFICANCE),
        "china_negative_phrase": phrase(controls["china_caar"] < 0),
    }
    counts = {}
    for prefix in ("chips", "china"):
        phrases[f"{prefix}_significant_phrase"] = phrase(controls[f"{prefix}_p_kp"] < SIGNIFICANCE)
        holm = adjusted_p_values(controls[f"{prefix}_p_kp"], "holm") < SIGNIFICANCE
        phrases[f"{prefix}_holm_phrase"] = phrase(holm)
        counts[prefix] = int(holm.sum())
    phrases["groups_holm_sentence"] = groups_holm_sentence(counts["chips"], counts["china"], total)
    return phrases


def groups_holm_sentence(chips: int, china: int, total: int) -> str:
    """Say in one plain sentence on how many milestones each group moved significantly after Holm."""
    if chips == china == 0:
        return "Neither US chip firms as a group nor China tech moved significantly on any milestone."
    def count(n: int) -> str:
        return "none" if n == 0 else f"{n} of the {total}"
    return (f"US chip firms as a group moved significantly on {count(chips)} milestones, China tech on "
            f"{count(china)}.")


def significant_after_holm(values: pd.DataFrame, significance: float = SIGNIFICANCE) -> str:
    """Name the milestones whose Nvidia CAR stays significant after the Holm adjustment, with CAR and adjusted p."""
    controls = values.drop(index=EVENT_DAY_LABEL)
    chosen = controls[controls["p_holm"] < significance]
    if chosen.empty:
        return "none of them"
    return " and ".join(f"milestone {label} ({percent_text(float(row['car']))}, Holm-adjusted "
                        f"{p_text(float(row['p_holm']))})" for label, row in chosen.iterrows())


def sum_verdict(p_value: float, significance: float = SIGNIFICANCE) -> str:
    """Say whether a sum's test rejects zero at the chosen level, in words."""
    if pd.isna(p_value):
        return "which cannot be tested"
    if p_value < significance:
        return f"distinguishable from zero at the {format_number(100 * significance, 0)} % level"
    return f"not distinguishable from zero at the {format_number(100 * significance, 0)} % level"


def milestones_mentioning(events: pd.DataFrame, word: str) -> str:
    """Name the milestones whose text mentions ``word``: "milestones 3 (17 October 2023) and 4 (23 October 2023)"."""
    found = events[events["event"].str.contains(word, regex=False) & (events.index != EVENT_DAY_LABEL)]
    if found.empty:
        return "no milestone"
    parts = [f"{label} ({_day(date)})" for label, date in found["date"].items()]
    noun = "milestone" if len(parts) == 1 else "milestones"
    return f"{noun} {parts[0]}" if len(parts) == 1 else f"{noun} {', '.join(parts[:-1])} and {parts[-1]}"


HEADLINE_ROWS = (
    ("Nvidia, event day, day 0", "nvda_car_event_text", "nvda_p_event_text"),
    ("Nvidia, event day, day +1 (the rebound)", "nvda_car_day1_text", "nvda_p_day1_text"),
    ("US chip firms, event day, day 0 (group study: portfolio test)", "chips_study_car_text", "chips_study_p_text"),
    ("US chip firms, event day, day 0, measured as the milestones", "chips_caar_event_text", "chips_p_kp_event_text"),
    ("China tech, event day, day 0", "china_caar_event_text", "china_p_kp_event_text"),
    ("Nvidia, lowest milestone, day 0", "worst_control_car_text", "worst_control_p_holm_text"),
    ("Nvidia, sum over all milestones, day 0", "nvda_car_controls_sum_text", "nvda_p_controls_sum_text"),
)


def headline_table(numbers: dict[str, object]) -> pd.DataFrame:
    """Return the glued headline numbers as a small table (what the prose quotes, checked by nbval)."""
    rows = [(label, numbers[value], numbers[p]) for label, value, p in HEADLINE_ROWS]
    table = pd.DataFrame(rows, columns=["Measure", "Abnormal return", "Test"]).set_index("Measure")
    table.loc["Nvidia, lowest milestone, day 0", "Test"] += " (Holm-adjusted)"
    table.loc["Milestones significant for Nvidia after Holm"] = [numbers["nvda_holm_phrase"], ""]
    return table


def event_against_controls(event_car: float, event_p: float, sum_car: float, sum_p: float,
                           significance: float = SIGNIFICANCE) -> str:
    """Say what the tests support when the event day is set against all milestones together (same window)."""
    event_measured = event_p < significance
    sum_measured = sum_p < significance
    event, total = percent_text(event_car), percent_text(sum_car)
    if not event_measured and not sum_measured:
        return "Neither the event day's abnormal return nor the milestones' total can be told from zero."
    if event_measured and not sum_measured:
        return (f"The tests support one comparison only: the event day's {event} is measured, the milestones' "
                f"total of {total} is not, so they cannot show that the controls together cost Nvidia as much as "
                "the event day.")
    if sum_measured and not event_measured:
        return f"The milestones' total of {total} is measured, the event day's {event} is not."
    larger = "the milestones together" if sum_car < event_car else "the event day"
    return f"Both the event day's {event} and the milestones' total of {total} are measured; {larger} cost more."
