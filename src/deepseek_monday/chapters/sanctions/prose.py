"""Numbers for the sanctions chapter's prose, keyed by glue name.

Every percentage the text quotes is glued as preformatted text (true minus sign, a space
before %) under ``<name>_text``; the plain value stays under ``<name>`` for tests and tables.
"""

from __future__ import annotations

import pandas as pd

from deepseek_monday.chapters.sanctions.china_performance import (
    CHINA_HK_BASKET,
    CHINA_US_BASKET,
    CHIPS_BASKET,
    china_baskets,
)
from deepseek_monday.chapters.sanctions.event_study import (
    adjusted_p_values,
    interval_note,
    sanctions_vs_event,
)
from deepseek_monday.chapters.sanctions.parameters import (
    CHINA_GROUP,
    CHINA_HK_GROUP,
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
from deepseek_monday.measures.levels import COUNT_MAX_GAP_DAYS
from deepseek_monday.present.tables import MISSING, format_number
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
    "timeline_kweb": 0, "timeline_fxi": 0, "since_china_us_common": 1, "since_china_hk_common": 1,
    "since_china_etf_common": 1, "since_us_chip_firms_common": 1, "since_smh_common": 1, "since_china_us_last": 1,
    "since_china_etf_last": 1, "since_us_chip_firms_last": 1, "since_smh_last": 1,
    "relative_end": 1, "relative_peak": 1, "relative_trough": 1,
}
# Basket or series of the performance table -> the glue name's stem (since_<stem>_common, since_<stem>_last).
SINCE_STEMS = {CHINA_US_BASKET: "china_us", CHINA_HK_BASKET: "china_hk", CHIPS_BASKET: "us_chip_firms",
               SEMICONDUCTOR_ETF: "smh"}


def percent_text(value: float, decimals: int = 2, signed: bool = True) -> str:
    """Write a fraction as a percentage for prose: -0.1335 -> "-13.35 %" (with a true minus, a space before %).

    A missing value is :data:`~deepseek_monday.present.tables.MISSING` alone (no "%").
    """
    text = format_number(100 * value, decimals, signed=signed)
    return text if text == MISSING else f"{text} %"


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
    nan = float("nan")
    controls = comparison.drop(index=EVENT_DAY_LABEL)
    event = comparison.loc[EVENT_DAY_LABEL]
    combined = sanctions_vs_event(values)
    all_controls = combined["all"]
    milestone_values = values.drop(index=EVENT_DAY_LABEL)
    worst = controls["nvda_car"].idxmin()
    common_end = performance.attrs["common_end"]
    baskets = china_baskets(params)
    rebound = _comparison_for(next_day)
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A} {params.event_date.day} {params.event_date:%B %Y}",
        "window": params.window_text,
        "chip_members": ", ".join(params.chip_symbols),
        "china_members": ", ".join(params.china_stocks),
        "china_us_members": ", ".join(baskets[CHINA_US_BASKET].members),
        "china_us_name": baskets[CHINA_US_BASKET].name,
        "china_hk_members": ", ".join(baskets[CHINA_HK_BASKET].members) if CHINA_HK_BASKET in baskets else "none",
        "china_hk_name": baskets[CHINA_HK_BASKET].name if CHINA_HK_BASKET in baskets else CHINA_HK_GROUP,
        "china_etf": params.china_beside[0],
        "china_beside": ", ".join(params.china_beside),
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
        "price_level_growth": format_number(float(milestone_values["price"].iloc[-1]
                                                  / milestone_values["price"].iloc[0]), 1),
        "first_control_value_date": _day(milestone_values["base_date"].iloc[0]),
        "last_control_value_date": _day(milestone_values["base_date"].iloc[-1]),
        "dollar_coverage_sentence": dollar_coverage_sentence(values),
        "n_valued_phrase": of_total(int(milestone_values["market_value"].notna().sum()), len(milestone_values),
                                    "milestones"),
        "count_max_gap_days": COUNT_MAX_GAP_DAYS,
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
    for key, stem in {**SINCE_STEMS, params.china_beside[0]: "china_etf"}.items():
        found = key in performance.index
        numbers[f"since_{stem}_common"] = float(performance.at[key, "return_to_common_end"]) if found else nan
        numbers[f"since_{stem}_last"] = float(performance.at[key, "return_to_last_date"]) if found else nan
    numbers["since_last_date"] = _day(performance.at[CHIPS_BASKET, "last_date"])
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
    for name in P_VALUE_NAMES:
        numbers[f"{name}_text"] = p_text(float(numbers[name]))
    for name, decimals in PERCENT_NAMES.items():
        numbers[f"{name}_text"] = percent_text(float(numbers[name]), decimals)
    numbers["answer_sentence"] = answer_sentence(numbers)
    return numbers


def dollar_coverage_sentence(values: pd.DataFrame) -> str:
    """Say for how many milestones (and whether for the event day) the facts allow a dollar value.

    A value needs a printed-close level and a filing cover count within ``COUNT_MAX_GAP_DAYS`` of the
    base close (:func:`~deepseek_monday.chapters.sanctions.event_study.nvidia_market_values`).
    """
    milestones = values.drop(index=EVENT_DAY_LABEL)
    n_valued, total = int(milestones["market_value"].notna().sum()), len(milestones)
    event_valued = bool(pd.notna(values.at[EVENT_DAY_LABEL, "market_value"]))
    if n_valued == 0 and not event_valued:
        return (f"No cover count in the facts applies to any of the {total} milestones or to the event day, so the "
                "tables below have no dollar figure; they say why.")
    dates = [_day(d) for d in sorted(set(values["count_as_of"].dropna()))]
    subject = (f"A cover count (as of {dates[0]}) applies" if len(dates) == 1
               else f"Cover counts (as of {' and '.join(dates)}) apply")
    if n_valued == 0:
        text = f"{subject} to the event day only, to none of the {total} milestones"
    else:
        event = "and to the event day" if event_valued else "but not to the event day"
        text = f"{subject} to {of_total(n_valued, total, 'milestones')} {event}"
    if n_valued == total and event_valued:
        return text + "."
    return text + "; the others have no dollar figure, and the tables say why."
def answer_sentence(numbers: dict[str, object], significance: float = SIGNIFICANCE) -> str:
    """Answer the chapter's question in one plain sentence, worded by the signs and tests of ``numbers``
    (:func:`headline_numbers`' keys): did the efficiency hit Nvidia harder than the export controls did, and did
    China tech do better than US chip firms after the R1 release? Prices cannot show the cause; the sentence says so.
    """
    event, p_event = float(numbers["nvda_car_event"]), float(numbers["nvda_p_event"])
    worst = float(numbers["worst_control_car"])
    china, chips = float(numbers["since_china_us_common"]), float(numbers["since_us_chip_firms_common"])
    event_hit = event < 0 and p_event < significance
    harder = event < worst
    china_ahead = china > chips
    opening = ("The prices fit the irony" if event_hit and harder and china_ahead
               else "The prices fit the irony in part" if event_hit else "The prices do not show the irony")
    against = (f"a larger fall than on any of the {numbers['n_controls']} export-control milestones (the worst "
               f"{numbers['worst_control_car_text']}; {numbers['nvda_holm_phrase']} significant once the tests allow "
               "for their number)" if harder else
               f"less than on {numbers['worst_control']}, the worst of the export-control milestones "
               f"({numbers['worst_control_car_text']})")
    return (f"{opening}: on {numbers['event_day']} the DeepSeek news moved Nvidia by "
            f"{numbers['nvda_car_event_text']} beyond its market model ({numbers['nvda_p_event_text']}), {against}, "
            f"and after the R1 release the US-listed China stocks {'beat' if china_ahead else 'trailed'} the US chip "
            f"firms ({numbers['since_china_us_common_text']} against {numbers['since_us_chip_firms_common_text']} to "
            f"{numbers['common_end']}); whether the export controls caused DeepSeek's efficiency, prices cannot show.")


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


def _quoted(event_date: pd.Timestamp, chosen: group_study.GroupDefinition, prefix: str,
            etf: str | None = None) -> dict[str, object]:
    """The group study's day-0 answer for ``chosen`` under glue names ``<prefix>_study_*`` (NaN if not measurable).

    Keys: ``*_car``, ``*_p``, ``*_p_kp`` (plain and as ``*_text``), ``*_n``, ``*_benchmark``,
    ``*_name`` and ``*_reason`` (why there is no number; empty otherwise); with ``etf`` (shown
    beside the group) also ``<prefix>_etf_raw``, ``_etf_car`` and ``_etf_p``, the study's own test
    of that ETF on day 0 (its ``beside`` table), never part of the group's average.
    """
    nan = float("nan")
    numbers: dict[str, object] = {f"{prefix}_study_car": nan, f"{prefix}_study_p": nan,
                                  f"{prefix}_study_p_kp": nan, f"{prefix}_study_n": 0,
                                  f"{prefix}_study_benchmark": "", f"{prefix}_study_name": chosen.name}
    if etf is not None:
        numbers |= {f"{prefix}_etf_raw": nan, f"{prefix}_etf_car": nan, f"{prefix}_etf_p": nan}
    try:
        study = (group_study.group_study(event_date) if chosen in group_study.GROUPS
                 else group_study.group_study(event_date, (chosen,)))
    except ParameterError as why:
        reason = str(why)
    else:
        reason = "; ".join(study.dropped.loc[study.dropped["group"] == chosen.name, "reason"])
        if not reason:
            q = group_study.quote(study, chosen.name)
            numbers |= {f"{prefix}_study_car": q["car"], f"{prefix}_study_p": q["p"],
                        f"{prefix}_study_p_kp": q["p_kp"], f"{prefix}_study_n": int(q["n_firms"]),
                        f"{prefix}_study_benchmark": str(study.row(chosen.name)["benchmark"])}
            beside = study.beside[(study.beside["group"] == chosen.name) & (study.beside["window"] == "[0,0]")
                                  & (study.beside["symbol"] == etf)]
            if not beside.empty:
                numbers |= {f"{prefix}_etf_{k}": float(beside[k].iloc[0]) for k in ("raw", "car", "p")}
    numbers[f"{prefix}_study_reason"] = reason or ("" if numbers[f"{prefix}_study_benchmark"] else "no result")
    numbers[f"{prefix}_study_car_text"] = percent_text(float(numbers[f"{prefix}_study_car"]))
    for name in (f"{prefix}_study_p", f"{prefix}_study_p_kp"):
        numbers[f"{name}_text"] = p_text(float(numbers[name]))
    return numbers


BENCHMARK_NAMES = {"HSI": "Hang Seng index"}


def china_groups_sentence(numbers: dict[str, object], params: SanctionsParameters) -> str:
    """Say what the report's group study gives for the China groups on the event day, the ETF beside them."""
    parts = []
    for prefix, where in (("china_us", "US-listed"), ("china_hk", "Hong Kong")):
        if f"{prefix}_study_name" not in numbers:
            continue
        name = numbers[f"{prefix}_study_name"]
        if numbers[f"{prefix}_study_reason"]:
            parts.append(f"the group study cannot measure the {name} group on this date "
                         f"({numbers[f'{prefix}_study_reason']})")
            continue
        session = " on Hong Kong's session of that date, which closes before New York opens" if prefix == "china_hk" \
            else ""
        n = int(numbers[f"{prefix}_study_n"])
        portfolio = f"single {where} stock" if n == 1 else f"equal-weighted portfolio of {n} {where} stocks"
        benchmark = str(numbers[f"{prefix}_study_benchmark"])
        parts.append(f"the {name} group's {portfolio} returned {numbers[f'{prefix}_study_car_text']} beyond its "
                     f"market model on the {BENCHMARK_NAMES.get(benchmark, benchmark)}{session} (portfolio "
                     "time-series test, "
                     f"{numbers[f'{prefix}_study_p_text']}; Kolari\u2013Pynnönen "
                     f"{numbers[f'{prefix}_study_p_kp_text']})")
    text = ("For the China stocks the event-day answer is likewise the group study's, one group per market: "
            + "; ".join(parts) + ".")
    etf = params.china_beside[0]
    if pd.notna(numbers.get("china_us_etf_raw", float("nan"))):
        text += (f" {etf}, shown beside and never averaged in (an ETF in a stock average counts its holdings "
                 f"twice), returned {percent_text(float(numbers['china_us_etf_raw']))} that day, "
                 f"{percent_text(float(numbers['china_us_etf_car']))} beyond its market model "
                 f"({p_text(float(numbers['china_us_etf_p']))}).")
    return text


def group_study_numbers(params: SanctionsParameters) -> dict[str, object]:
    """The event day's answer for the chip firms and the China groups as every chapter gives it: the group study.

    The chapter's milestone study measures the event day as it measures the milestones (SPY or
    the Hang Seng, masked estimation days, firm by firm, Kolari-Pynnonen), so the two can be
    compared; whether a group fell abnormally on the event day is the group study's question
    (equal-weighted portfolio of the stocks, portfolio time-series test; US groups against the S&P
    500 without AI infrastructure, the Hong Kong group against the Hang Seng), quoted here from
    :func:`group_study.quote`, never recomputed. Keys ``<prefix>_study_*`` of :func:`_quoted` for
    the prefixes ``chips``, ``china_us`` and ``china_hk`` (a China group without stocks in this run
    is absent), ``chips_study_sentence`` and ``china_study_sentence``.
    """
    chosen = chips_group_definition(params)
    numbers = _quoted(params.event_date, chosen, "chips")
    for key, group in china_baskets(params).items():
        us = key == CHINA_US_BASKET
        numbers |= _quoted(params.event_date, group, "china_us" if us else "china_hk",
                           params.china_beside[0] if us else None)
    numbers["china_study_sentence"] = china_groups_sentence(numbers, params)
    for prefix in ("china_hk",):  # the headline table quotes both China groups; a run without one says so
        if f"{prefix}_study_car_text" not in numbers:
            numbers[f"{prefix}_study_car_text"] = "no Hong Kong stock in this run"
            numbers[f"{prefix}_study_p_text"] = ""
    if numbers["chips_study_benchmark"] == "":
        numbers["chips_study_sentence"] = (f"The report's group study cannot measure the {chosen.name} on this date "
                                           f"({numbers['chips_study_reason']}).")
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
    ("China (US-listed), event day, day 0 (group study: portfolio test)", "china_us_study_car_text",
     "china_us_study_p_text"),
    ("China (Hong Kong), event day, day 0 (group study: portfolio test)", "china_hk_study_car_text",
     "china_hk_study_p_text"),
    (f"{CHINA_GROUP}, event day, day 0, measured as the milestones", "china_caar_event_text",
     "china_p_kp_event_text"),
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
