"""Numbers for the sanctions chapter's prose, keyed by glue name."""

from __future__ import annotations

import pandas as pd

from deepseek_monday.chapters.sanctions.china_performance import nyse_members
from deepseek_monday.chapters.sanctions.event_study import (
    cost_comparison_sentence,
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
)
from deepseek_monday.present.wording import of_total, p_text

# The p-values the prose quotes; each is also glued as text ("p = 0.067", "p < 0.001") under <name>_text.
P_VALUE_NAMES = ("nvda_p_event", "chips_p_kp_event", "china_p_kp_event", "china_p_corrado_event", "worst_control_p",
                 "nvda_p_controls_sum", "nvda_p_announcements_sum")


def headline_numbers(params: SanctionsParameters, comparison: pd.DataFrame, values: pd.DataFrame,
                     estimation: pd.DataFrame, timeline: pd.DataFrame, performance: pd.DataFrame,
                     relative: pd.Series, ratios: pd.DataFrame, breakdown: dict[str, float | str]) -> dict[str, object]:
    """Return the numbers the chapter's prose quotes, keyed by glue name (plain Python values)."""
    controls = comparison.drop(index=EVENT_DAY_LABEL)
    event = comparison.loc[EVENT_DAY_LABEL]
    combined = sanctions_vs_event(values)
    all_controls = combined["all"]
    worst = controls["nvda_car"].idxmin()
    common_end = performance.attrs["common_end"]
    china_basket = nyse_members(params.china_symbols)
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A %d %B %Y}",
        "window": params.window_text,
        "chip_members": ", ".join(params.chip_symbols),
        "china_members": ", ".join(params.china_symbols),
        "china_basket_members": ", ".join(china_basket),
        "n_controls": len(controls),
        "first_control": f"{controls['date'].min():%d %B %Y}",
        "last_control": f"{controls['date'].max():%d %B %Y}",
        "n_approximate": int(controls["approximate"].sum()),
        "n_shifted": int((params.controls["day0"] != params.controls["date"]).sum()),
        "dropped_note": dropped_note(params),
        "n_effective": int((controls["kind"] != "announcement").sum()),
        "nvda_car_event": float(event["nvda_car"]), "nvda_p_event": float(event["nvda_p"]),
        "chips_caar_event": float(event["chips_caar"]), "chips_p_kp_event": float(event["chips_p_kp"]),
        "china_caar_event": float(event["china_caar"]), "china_p_kp_event": float(event["china_p_kp"]),
        "china_p_corrado_event": float(event["china_p_corrado"]),
        "nvda_n_negative": int((controls["nvda_car"] < 0).sum()),
        "nvda_n_significant": int((controls["nvda_p"] < SIGNIFICANCE).sum()),
        "chips_n_significant": int((controls["chips_p_kp"] < SIGNIFICANCE).sum()),
        "china_n_significant": int((controls["china_p_kp"] < SIGNIFICANCE).sum()),
        "china_n_negative": int((controls["china_caar"] < 0).sum()),
        "chips_caar_controls_mean": float(controls["chips_caar"].mean()),
        "china_caar_controls_mean": float(controls["china_caar"].mean()),
        "worst_control": f"milestone {worst}, {controls.at[worst, 'date']:%d %B %Y}",
        "worst_control_car": float(controls.at[worst, "nvda_car"]),
        "worst_control_p": float(controls.at[worst, "nvda_p"]),
        "nvda_car_controls_sum": all_controls.total, "nvda_p_controls_sum": all_controls.p,
        "nvda_value_event_bn": float(combined["event_value"]) / 1e9,
        "nvda_value_controls_bn": float(combined["value_all"]) / 1e9,
        "nvda_value_worst_bn": float(values.at[worst, "abnormal_value"]) / 1e9,
        "cost_comparison": cost_comparison_sentence(float(combined["event_car"]), all_controls.total,
                                                    float(combined["event_value"]), float(combined["value_all"])),
        "fewest_estimation_days": int(estimation["fewest_days"].min()),
        "most_masked_days": int(estimation["most_masked"].max()),
        "timeline_base": f"{timeline['base_date'].min():%d %B %Y}",
        "common_end": f"{common_end:%d %B %Y}",
        "comparison_start": f"{params.comparison_start:%d %B %Y}",
        "relative_end": float(relative.iloc[-1]),
        "relative_end_date": f"{relative.index[-1]:%d %B %Y}",
        "relative_peak": float(relative.max()),
        "relative_peak_date": f"{relative.idxmax():%d %B %Y}",
        "relative_trough": float(relative.min()),
        "relative_trough_date": f"{relative.idxmin():%d %B %Y}",
    }
    announcements = combined.get("announcements")  # absent when every milestone is an effective date
    numbers["nvda_car_announcements_sum"] = announcements.total if announcements else float("nan")
    numbers["nvda_p_announcements_sum"] = announcements.p if announcements else float("nan")
    numbers["nvda_value_announcements_bn"] = float(combined.get("value_announcements", float("nan"))) / 1e9
    for symbol in ("NVDA", SEMICONDUCTOR_ETF, "KWEB", "FXI"):
        numbers[f"timeline_{symbol.lower()}"] = float(timeline.at[symbol, "return"])
    for key in (f"{CHINA_GROUP} basket", f"{CHIPS_GROUP} basket", SEMICONDUCTOR_ETF):
        name = key.split(" basket")[0].lower().replace(" ", "_")
        numbers[f"since_{name}_common"] = float(performance.at[key, "return_to_common_end"])
        numbers[f"since_{name}_last"] = float(performance.at[key, "return_to_last_date"])
    numbers["since_last_date"] = f"{performance.at[f'{CHIPS_GROUP} basket', 'last_date']:%d %B %Y}"
    for key, value in ratios["value"].items():
        numbers[key] = float(value)
    numbers["v3_gpus_as_fraction"] = f"1/{1 / ratios.at['v3_over_llama_gpus', 'value']:.0f}"
    numbers |= breakdown
    numbers |= count_phrases(params, controls)
    numbers["interval_note"] = interval_note(comparison)
    numbers["market_value_error"] = market_value_error_sentence()
    for name in P_VALUE_NAMES:
        numbers[f"{name}_text"] = p_text(float(numbers[name]))
    return numbers


def count_phrases(params: SanctionsParameters, controls: pd.DataFrame) -> dict[str, str]:
    """Return the counts the prose quotes as phrases ("none of the 10 milestones"), so zero and all read well."""
    total = len(controls)
    shifted = int((params.controls["day0"] != params.controls["date"]).sum())
    return {
        "shifted_note": f"{of_total(shifted, len(params.controls), 'dates')} here needed that",
        "nvda_negative_phrase": of_total(int((controls["nvda_car"] < 0).sum()), total, "milestones"),
        "nvda_significant_phrase": of_total(int((controls["nvda_p"] < SIGNIFICANCE).sum()), total, "milestones"),
        "chips_significant_phrase": of_total(int((controls["chips_p_kp"] < SIGNIFICANCE).sum()), total,
                                             "milestones"),
        "china_negative_phrase": of_total(int((controls["china_caar"] < 0).sum()), total, "milestones"),
        "china_significant_phrase": of_total(int((controls["china_p_kp"] < SIGNIFICANCE).sum()), total,
                                             "milestones"),
    }
