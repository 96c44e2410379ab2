"""The sanctions chapter: event-list handling, compute ratios and measures.

Tests marked SYNTHETIC use small made-up series or tables; the others read the real
snapshot and facts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import assert_house_numbers, requires_real_data

from deepseek_monday.chapters import sanctions
from deepseek_monday.claims import ledger
from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.facts import load_ai_compute, load_events
from deepseek_monday.data.prices import price_panel
from deepseek_monday.errors import DataValidationError, ParameterError
from deepseek_monday.eventstudy import kolari_pynnonen_widening
from deepseek_monday.measures.levels import COUNT_MAX_GAP_DAYS, value_loss
from deepseek_monday.present.tables import MISSING

# ---------------------------------------------------------------- dates and the day-0 rule (SYNTHETIC inputs)


@pytest.mark.parametrize("value", ["2025-01-27", dt.date(2025, 1, 27), pd.Timestamp("2025-01-27")])
def test_parse_date_accepts_text_and_dates(value: object) -> None:
    assert sanctions.parse_date(value, "control_events") == pd.Timestamp("2025-01-27")


@pytest.mark.parametrize("value", ["27.01.2025", "2025-13-01", 20250127, None, "2025-01-27 10:00"])
def test_parse_date_rejects_other_values(value: object) -> None:
    with pytest.raises(ParameterError, match="control_events"):
        sanctions.parse_date(value, "control_events")


@pytest.mark.parametrize(
    ("date", "expected", "note"),
    [
        ("2025-01-27", "2025-01-27", "same day"),  # a Monday session
        ("2025-01-25", "2025-01-27", "Sat → Mon (+2 days)"),  # weekend
        ("2025-01-20", "2025-01-21", "Mon → Tue (+1 day)"),  # Martin Luther King Day
    ],
)
def test_day0_is_the_first_nyse_session_on_or_after_the_date(date: str, expected: str, note: str) -> None:
    day0 = sanctions.first_session_on_or_after(pd.Timestamp(date))
    assert day0 == pd.Timestamp(expected)
    assert sanctions.shift_note(pd.Timestamp(date), day0) == note


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("BIS updated rules (published 2023-10-25; chip rule effective 2023-11-16)", "announcement"),
        ("Effective date of October 2023 advanced computing chips interim final rule", "effective/compliance date"),
        ("Scheduled compliance date of AI Diffusion rule", "effective/compliance date"),
        ("BIS foundry due diligence IFR effective (compliance 2025-01-31)", "effective/compliance date"),
        ('BIS final rule "Revision" released: H200 to case-by-case review; effective 2026-01-15', "announcement"),
        ("Nvidia 8-K discloses a licence requirement, imposed by letter and effective immediately, for A100",
         "announcement"),
    ],
)
def test_milestone_kind_reads_the_text_outside_parentheses(text: str, kind: str) -> None:
    assert sanctions.milestone_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "date", "disclosed", "after_close", "day0"),
    [  # SYNTHETIC row texts in the style of events.csv; day 0 on the real NYSE calendar
        ("Nvidia 8-K (filed after the close 2022-08-31) discloses a licence requirement", "2022-08-31",
         "2022-08-31", True, "2022-09-01"),
        ("Trump (Truth Social, evening 2025-12-08) says H200 may ship", "2025-12-08", "2025-12-08", True,
         "2025-12-09"),
        ("Rule announced after the close on a Friday", "2025-01-24", "2025-01-24", True, "2025-01-27"),
        ("USG informs Nvidia that the rules apply immediately (Nvidia 8-K filed 2023-10-24)", "2023-10-23",
         "2023-10-24", False, "2023-10-24"),
        ("Nvidia 8-K filed 2023-10-17, same day", "2023-10-17", "2023-10-17", False, "2023-10-17"),
        ("BIS announces a rule", "2025-01-25", "2025-01-25", False, "2025-01-27"),
    ],
)
def test_day0_follows_the_disclosure_time_in_the_row_text(text: str, date: str, disclosed: str, after_close: bool,
                                                          day0: str) -> None:
    found = sanctions.disclosure(text, pd.Timestamp(date))
    assert found.date == pd.Timestamp(disclosed) and found.after_close is after_close
    assert sanctions.disclosure_day0(text, pd.Timestamp(date)) == pd.Timestamp(day0)


# ---------------------------------------------------------------- the event list (real facts and calendar)


@requires_real_data
def test_default_event_list_shifts_late_disclosures_and_leaves_out_non_events() -> None:
    table = sanctions.control_event_list(None, window_end=5).set_index("date")
    for date, day0 in (("2022-08-31", "2022-09-01"), ("2023-10-23", "2023-10-24"), ("2025-04-15", "2025-04-16"),
                       ("2025-12-08", "2025-12-09"), ("2026-01-13", "2026-01-13"), ("2025-05-13", "2025-05-13")):
        assert table.at[pd.Timestamp(date), "day0"] == pd.Timestamp(day0)
    assert "disclosed after the close" in table.at[pd.Timestamp("2022-08-31"), "shift"]
    assert table.at[pd.Timestamp("2026-01-13"), "kind"] == "announcement"
    assert pd.Timestamp("2025-05-15") not in table.index  # the rescinded compliance date is a non-event
    assert sanctions.nonevent_rows()["date"].tolist() == [pd.Timestamp("2025-05-15")]
    assert "15 May 2025" in sanctions.nonevent_note() and "left out" in sanctions.nonevent_note()


@requires_real_data
def test_default_event_list_is_every_export_control_row() -> None:
    events = load_events()
    expected = events.loc[events["category"] == "export_control", "date"].tolist()
    table = sanctions.control_event_list(None, window_end=5)
    assert table["date"].tolist() == expected
    assert table.index.tolist() == [str(n) for n in range(1, len(expected) + 1)]
    assert (table["day0"] >= table["date"]).all()
    # Approximate dates are flagged from the event text.
    assert table.loc[table["event"].str.contains("approximate"), "approximate"].all()
    assert table["approximate"].sum() == events.loc[events["category"] == "export_control", "approximate"].sum()


@requires_real_data
def test_given_dates_are_mapped_and_labelled() -> None:
    table = sanctions.control_event_list(["2025-01-25", "2022-10-07", dt.date(2024, 3, 4)], window_end=1)
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-10-07", "2024-03-04", "2025-01-25"]
    assert table.loc["3", "day0"] == pd.Timestamp("2025-01-27")
    assert table.loc["3", "shift"] == "Sat → Mon (+2 days)"
    assert table.loc["1", "event"].startswith("BIS advanced computing")  # the events.csv text of that date
    assert table.loc["2", "event"] == "date given as a parameter (not in events.csv)"


@requires_real_data
@pytest.mark.parametrize(
    ("control_events", "message"),
    [
        ([], "the list is empty"),
        ("2022-10-07", "expected None or a list of dates"),
        (["2022-10-07", "2022-10-07"], "dates listed twice"),
        (["2025-01-25", "2025-01-26"], "map to the same session 2025-01-27"),
        (["1993-03-01"], "milestone 1993-03-01 .* cannot be studied"),
        (["2026-07-30"], "milestone 2026-07-30 .* leaves only 1 trading days of data after it"),
        (["2022-10-7"], "is not a date"),
    ],
)
def test_bad_event_lists_fail_clearly(control_events: object, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        sanctions.control_event_list(control_events, window_end=5)


@requires_real_data
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event_date": "2025-01-26"}, "Sun 2025-01-26 is not a trading day of XNYS"),
        ({"event_date": "2026-12-01"}, "outside the data"),
        ({"event_date": "2022-10-07", "control_events": ["2022-10-07"]}, "every milestone falls on the event day"),
        ({"window_start": 1}, "window_start: 1 must lie between -10 and 0"),
        ({"window_end": 30}, "window_end: 30 must lie between 0 and 20"),
        ({"window_end": True}, "is not a whole number"),
        ({"chip_symbols": ["AMD", "MU"]}, "must include NVDA"),
        ({"chip_symbols": ["NVDA", "XYZ"]}, r"unknown ticker\(s\) \['XYZ'\]"),
        ({"china_symbols": ["BABA", "HSI"]}, "not stocks or ETFs"),
        ({"china_symbols": ["BABA", "NVDA"]}, "share \\['NVDA'\\]"),
        ({"china_symbols": ["KWEB", "FXI"]}, "holds no stock; the China baskets average stocks only"),
        ({"china_symbols": ["0700.HK", "9988.HK"]}, "needs at least one US-listed stock"),
        ({"china_symbols": ["BABA", "SAP.DE"]}, r"\['SAP.DE'\] trade neither in New York nor in Hong Kong"),
        ({"comparison_start": "20 Jan 2025"}, "comparison_start: '20 Jan 2025' is not a date"),
        ({"comparison_start": "2026-07-30"}, "comparison_start .* leaves only"),
        # The constraint is the China stocks' histories (BABA listed in September 2014), not a share count.
        ({"event_date": "2008-10-15"}, "event_date: 2008-10-15 is too early .* China tech stocks group needs 2 "
                                       "stocks .* only BIDU has them .* it can run from 2015-09-18"),
        ({"control_events": ["2010-05-14"]}, "control_events: the milestone with day 0 2010-05-14 is too early: .* "
                                             "give milestones from 2015-09-18"),
    ],
)
def test_sanctions_parameters_fail_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        sanctions.SanctionsParameters.validate(**kwargs)


@requires_real_data
def test_no_share_count_limits_the_dates() -> None:
    # Without a cover count near 2020 the chapter still runs: only the dollar figures go missing.
    assert sanctions.SanctionsParameters.validate(event_date="2020-03-16").event_date == pd.Timestamp("2020-03-16")
    assert len(sanctions.SanctionsParameters.validate(control_events=["2020-05-15"]).controls) == 1


@requires_real_data
def test_a_milestone_on_the_event_day_is_left_out_with_a_note() -> None:
    params = sanctions.SanctionsParameters.validate(event_date="2025-01-13")
    assert pd.Timestamp("2025-01-13") not in params.controls["day0"].tolist()
    assert params.controls.index.tolist() == [str(n) for n in range(1, len(params.controls) + 1)]
    assert params.dropped == (pd.Timestamp("2025-01-13"),)
    assert "2025-01-13" in sanctions.dropped_note(params)
    default = sanctions.SanctionsParameters.validate()
    assert sanctions.dropped_note(default) == "No milestone falls on the event day itself."


@requires_real_data
def test_parameters_keep_the_chosen_window_first() -> None:
    params = sanctions.SanctionsParameters.validate(window_start=-1, window_end=1)
    assert params.windows[0] == (-1, 1)
    assert len(params.windows) == len(set(params.windows)) == len(sanctions.REPORTED_WINDOWS)
    assert params.comparison_base == pd.Timestamp("2025-01-17")  # the close before the R1 release (a holiday)


# ---------------------------------------------------------------- small measures (SYNTHETIC series)


def test_combined_car_sums_cars_and_variances() -> None:
    # SYNTHETIC: three CARs with known standard errors; one missing is skipped.
    cars = pd.Series([-0.03, -0.01, 0.02, np.nan])
    errors = pd.Series([0.03, 0.04, 0.0, 0.05])
    combined = sanctions.combined_car(cars, errors)
    assert combined.total == pytest.approx(-0.02)
    assert combined.z == pytest.approx(-0.02 / 0.05)
    assert combined.p == pytest.approx(0.6891565, abs=1e-6)
    assert combined.n_events == 3


def test_combined_car_without_events_fails() -> None:
    with pytest.raises(DataValidationError):
        sanctions.combined_car(pd.Series([np.nan]), pd.Series([np.nan]))


def test_adjusted_p_values_holm_and_benjamini_hochberg() -> None:
    # SYNTHETIC p-values; by hand: Holm 0.01 x 3, max(0.03 x 2, ...) = 0.06, 0.06; BH 0.03, 0.04, 0.04.
    p_values = pd.Series([0.01, 0.04, 0.03, np.nan], index=["1", "2", "3", "4"])
    holm = sanctions.adjusted_p_values(p_values, "holm")
    assert holm.iloc[:3].tolist() == pytest.approx([0.03, 0.06, 0.06]) and np.isnan(holm["4"])
    assert sanctions.adjusted_p_values(p_values, "fdr_bh").iloc[:3].tolist() == pytest.approx([0.03, 0.04, 0.04])
    with pytest.raises(DataValidationError, match="unknown multiple-testing method"):
        sanctions.adjusted_p_values(p_values, "bonferoni")


def synthetic_values() -> pd.DataFrame:
    """SYNTHETIC Nvidia value table: three milestones and the event day."""
    table = pd.DataFrame({
        "kind": ["announcement", "effective/compliance date", "announcement", "event day"],
        "car": [-0.08, 0.01, -0.02, -0.13], "car_se": [0.02, 0.02, 0.02, 0.03], "p": [0.001, 0.6, 0.3, 0.0001],
        "market_value": [np.nan, 1000e9, 4000e9, 3500e9]}, index=["1", "2", "3", "E"])  # 1: no cover count
    for method in ("holm", "fdr_bh"):
        table[f"p_{method}"] = sanctions.adjusted_p_values(table.loc[["1", "2", "3"], "p"], method)
    table["abnormal_value"] = table["car"] * table["market_value"]
    return table


def test_dollar_sensitivity_sums_sets_of_milestones() -> None:
    table = sanctions.dollar_sensitivity(synthetic_values())
    assert table.loc["all milestones", "sum_car"] == pytest.approx(-0.09)  # percent: every milestone
    assert table.loc["all milestones", "sum_value"] == pytest.approx(10e9 - 80e9)  # dollars: those with a value
    assert (table.loc["all milestones", "n_valued"], table.loc["all milestones", "n"]) == (2, 3)
    assert table.loc["announcements only", "members"] == "1, 3"
    assert table.loc["significant after Holm", "members"] == "1"  # 0.001 x 3 < 0.05; 0.3 x 2 is not
    assert np.isnan(table.loc["significant after Holm", "sum_value"])  # no member valued: missing, not zero
    assert table.loc["event day", "sum_value"] == pytest.approx(-0.13 * 3500e9)
    shown = sanctions.display_dollar_sensitivity(table)
    assert "\u221270.0" in shown.to_string()  # true minus sign
    assert shown.at["All milestones", "Dollar sum covers"] == "2 of 3 (2, 3)"
    assert shown.at["Significant after Holm", "Dollar sum covers"] == "0 of 1"
    assert shown.at["Significant after Holm", "Sum of CAR \u00d7 value (USD bn)"] == MISSING


def synthetic_facts(count_as_of: str = "2024-11-15") -> pd.DataFrame:
    """SYNTHETIC facts rows: one printed close (120 USD) and one cover count (1 bn shares)."""
    return pd.DataFrame({
        "ticker": ["SYN", "SYN"], "fiscal_period": ["Q1", "Q1"], "period_end": ["2024-11-29", count_as_of],
        "metric": ["close_price_printed", "shares_outstanding"], "value": [120.0, 1e9], "unit": ["USD", "shares"],
        "source": ["synthetic", "synthetic"]})


def test_no_dollar_value_without_a_cover_count_within_reach() -> None:
    # SYNTHETIC: adjusted closes of 100 USD every weekday, printed at 120 USD; a cover count of 15 November 2024.
    # Base closes 182 days after the count (Fri 16 May 2025) are valued, 185 days after (Mon 19 May) are not.
    adjusted = pd.Series(100.0, index=pd.bdate_range("2024-06-03", "2025-12-31"), name="SYN")
    events = pd.DataFrame({"day0": pd.to_datetime(["2024-12-02", "2025-05-19", "2025-05-20"])},
                          index=pd.Index(["1", "2", "3"], name="milestone"))
    values = sanctions.nvidia_market_values(events, (0, 0), adjusted, fundamentals_rows=synthetic_facts(),
                                            ticker="SYN")
    assert values["base_date"].tolist() == list(pd.to_datetime(["2024-11-29", "2025-05-16", "2025-05-19"]))
    assert values.loc[["1", "2"], "market_value"].tolist() == [120e9, 120e9]  # printed level, never the adjusted 100
    assert values.loc[["1", "2"], "reason"].tolist() == ["", ""]
    assert np.isnan(values.at["3", "market_value"]) and np.isnan(values.at["3", "shares"])
    assert f"within {COUNT_MAX_GAP_DAYS} days of 2025-05-19" in values.at["3", "reason"]
    assert sanctions.valued_count(values) == 2
    # A count far from every base close: no dollar value at all, each with its reason.
    far = sanctions.nvidia_market_values(events, (0, 0), adjusted, fundamentals_rows=synthetic_facts("2023-01-02"),
                                         ticker="SYN")
    assert far["market_value"].isna().all() and far["reason"].str.contains("share count is dated within").all()


def test_significance_phrases() -> None:
    values = synthetic_values()
    assert sanctions.significant_after_holm(values) == "milestone 1 (\u22128.00 %, Holm-adjusted p = 0.003)"
    values["p_holm"] = 0.5
    assert sanctions.significant_after_holm(values) == "none of them"
    assert sanctions.sum_verdict(0.051) == "not distinguishable from zero at the 5 % level"
    assert sanctions.sum_verdict(0.01) == "distinguishable from zero at the 5 % level"
    assert sanctions.percent_text(-0.1335) == "\u221213.35 %" and sanctions.percent_text(0.0645) == "+6.45 %"
    assert sanctions.percent_text(float("nan")) == MISSING  # a dash alone, no "%"


def test_rebase_basket_and_returns_over() -> None:
    # SYNTHETIC prices: B has no row on the 3rd (not filled); the start date is a Saturday.
    dates = pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07"])
    prices = pd.DataFrame({"A": [100.0, 110.0, 121.0, 99.0], "B": [50.0, np.nan, 40.0, 60.0]}, index=dates)
    rebased = sanctions.rebase(prices, pd.Timestamp("2025-01-04"))
    # Each series starts at its own base: B's last price by the 4th is on the 2nd, A's on the 3rd.
    assert rebased.index[0] == pd.Timestamp("2025-01-02")
    assert np.isnan(rebased.loc["2025-01-02", "A"]) and rebased.loc["2025-01-03", "A"] == 1.0
    assert rebased.loc["2025-01-06", "A"] == pytest.approx(1.1)
    assert rebased.loc["2025-01-06", "B"] == pytest.approx(0.8)  # base: B's last price on or before, the 2nd
    basket = sanctions.basket_value(prices, ["A", "B"], pd.Timestamp("2025-01-06"))
    assert basket.index.tolist() == [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-07")]
    # Bought at the close before the 6th: A at 110, B at 50 (its last price before).
    assert basket.loc["2025-01-07"] == pytest.approx((99 / 110 + 60 / 50) / 2 - 1)
    table = sanctions.returns_over(prices, pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-06"))
    assert table.loc["A", "return"] == pytest.approx(121 / 110 - 1)
    assert table.loc["B", "base_date"] == pd.Timestamp("2025-01-02")


def test_label_levels_stagger_close_dates() -> None:
    # SYNTHETIC dates: two within 3 % of the axis share no row, a distant one returns to row 0.
    dates = pd.Series(pd.to_datetime(["2025-01-13", "2025-01-16", "2025-01-27", "2025-06-01"]))
    from deepseek_monday.chapters.sanctions.figures import label_levels

    levels = label_levels(dates, pd.Timestamp("2024-01-01"), pd.Timestamp("2026-01-01"))
    assert levels == [0, 1, 2, 0]


def test_windows_overlap_other() -> None:
    # SYNTHETIC event list on real NYSE sessions: Jan 13 and Jan 16 2025 are three sessions apart.
    events = pd.DataFrame({"day0": pd.to_datetime(["2025-01-13", "2025-01-16", "2025-04-15"])}, index=["1", "2", "3"])
    assert sanctions.windows_overlap_other(events, (0, 1)).tolist() == ["", "", ""]
    assert sanctions.windows_overlap_other(events, (0, 5)).tolist() == ["2", "1", ""]


# ---------------------------------------------------------------- compute ratios


def _synthetic_compute() -> pd.DataFrame:
    """SYNTHETIC training figures in the layout of ai_compute.csv."""
    return pd.DataFrame({
        "model": ["Small", "Large", "Unknown"], "gpu_count": [100.0, 800.0, np.nan],
        "gpu_hours": [1_000.0, 12_000.0, np.nan], "reported_cost_usd": [2_000.0, np.nan, 50_000.0],
        "params_active": [10e9, 100e9, np.nan], "training_tokens": [1e12, 2e12, np.nan],
    })


def test_compute_ratio_synthetic() -> None:
    compute = _synthetic_compute()
    assert sanctions.compute_ratio(compute, "Large", "Small", "gpu_hours") == 12.0
    assert sanctions.compute_ratio(compute, "Small", "Large", "gpu_count") == 0.125
    assert np.isnan(sanctions.compute_ratio(compute, "Large", "Small", "reported_cost_usd"))
    with pytest.raises(DataValidationError, match="no row 'Medium'"):
        sanctions.compute_ratio(compute, "Medium", "Small", "gpu_hours")


def test_approximate_training_flops() -> None:
    assert sanctions.approximate_training_flops(37e9, 14.8e12) == pytest.approx(6 * 37e9 * 14.8e12)


@requires_real_data
def test_compute_ratios_match_the_facts_and_the_ledger() -> None:
    compute = load_ai_compute()
    ratios = sanctions.compute_ratios(compute)
    sanctions.check_against_ledger(ratios, compute)  # raises if the chapter and the ledger disagree
    assert ratios.at["v3_over_llama_gpus", "value"] == pytest.approx(2048 / 16384)
    assert ratios.at["llama_over_v3_gpu_hours", "value"] == pytest.approx(30.8e6 / 2.788e6)
    assert ratios.at["gpt4_over_v3_cost", "value"] == pytest.approx(100e6 / 5.576e6)
    assert ratios.at["llama_over_v3_active_params", "value"] == pytest.approx(405 / 37)
    assert ratios.at["fleet_over_v3_gpus", "value"] == pytest.approx(50_000 / 2048)
    # Per token and per FLOP, V3's pre-training stage stands against Llama's run (the tokens are pre-training's).
    assert ratios.at["llama_over_v3_hours_per_token", "value"] == pytest.approx(
        (30.8e6 / 15.6e12) / (2.664e6 / 14.8e12))
    assert ratios.at["v3_over_llama_hours_per_flop", "value"] == pytest.approx(
        ratios.at["llama_over_v3_flops", "value"] / (30.8e6 / 2.664e6))
    assert ratios.at["r1_over_v3_gpu_hours", "value"] == pytest.approx(147_336 / 2.788e6)  # total against total
    assert ratios.at["gpt4_over_v3_cost", "like_for_like"].startswith("no:")
    assert ratios.at["fleet_over_v3_gpus", "like_for_like"].startswith("no:")
    models = sanctions.compute_models_table(compute)
    assert set(sanctions.R1_STAGES) <= set(models.index) and models["scope"].notna().all()
    assert models.loc[list(sanctions.R1_STAGES), "gpu_hours"].sum() == pytest.approx(
        models.at[sanctions.compute_efficiency.R1_TOTAL, "gpu_hours"])


@requires_real_data
def test_cost_breakdown_of_the_v3_run() -> None:
    breakdown = sanctions.cost_breakdown(load_ai_compute())
    assert breakdown["usd_per_gpu_hour"] == pytest.approx(2.0)
    assert breakdown["v3_cost_musd"] == pytest.approx(5.576)
    assert breakdown["v3_plus_r1_musd"] == pytest.approx(5.576 + 0.294)
    assert breakdown["cost_excludes"] == "prior research and ablations"
    assert 0.9 < breakdown["pretraining_share"] < 1.0


@requires_real_data
def test_check_stage_sums_keeps_totals_apart_from_their_stages_synthetic() -> None:
    rows = [(sanctions.V3_FULL, 100.0), *[(stage, 100.0 / 3) for stage in sanctions.V3_STAGES],
            (sanctions.compute_efficiency.R1_TOTAL, 10.0), *[(stage, 2.0) for stage in sanctions.R1_STAGES]]
    compute = pd.DataFrame(rows, columns=["model", "gpu_hours"])  # SYNTHETIC: R1's stages sum to 6, not 10
    with pytest.raises(DataValidationError, match="sum to 6, not 10"):
        sanctions.check_stage_sums(compute)
    compute.loc[compute["model"].isin(sanctions.R1_STAGES), "gpu_hours"] = 10.0 / 3
    assert sanctions.check_stage_sums(compute) == {sanctions.V3_FULL: 100.0,
                                                   sanctions.compute_efficiency.R1_TOTAL: 10.0}


def test_cost_breakdown_refuses_stages_that_do_not_add_up() -> None:
    compute = load_ai_compute().copy()
    compute.loc[compute["model"] == sanctions.V3_STAGES[1], "gpu_hours"] *= 2  # SYNTHETIC corruption
    with pytest.raises(DataValidationError, match=r"stage GPU-hours of .DeepSeek-V3 \(full training\). sum to"):
        sanctions.cost_breakdown(compute)


# ---------------------------------------------------------------- the event study and the tables (real data)


@pytest.fixture(scope="module")
def chapter() -> dict[str, object]:
    params = sanctions.SanctionsParameters.validate()
    events = sanctions.study_events(params)
    study = sanctions.run_sanctions_study(sanctions.load_study_returns(params), params)
    return {"params": params, "events": events, "study": study}


@requires_real_data
def test_comparison_table_takes_the_engines_cars(chapter: dict) -> None:
    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    table = sanctions.comparison_table(study, events, params.window)
    assert table.index.tolist() == [*params.controls.index, sanctions.EVENT_DAY_LABEL]
    car = study.car[(study.car["symbol"] == "NVDA") & (study.car["event_date"] == params.event_date)
                    & (study.car["window"] == "[0,0]")]["car"].item()
    assert table.at[sanctions.EVENT_DAY_LABEL, "nvda_car"] == car
    ar = study.abnormal_returns
    day0_ar = ar[(ar["symbol"] == "NVDA") & (ar["event_date"] == params.event_date) & (ar["rel_day"] == 0)]["ar"]
    same_day = sanctions.nvidia_windows_table(study, events, [(0, 0)])
    assert same_day.at[sanctions.EVENT_DAY_LABEL, "[0,0]"] == pytest.approx(round(day0_ar.item() * 100, 2))
    assert day0_ar.item() < -0.10  # the DeepSeek Monday fall, beyond the market's
    assert table.at[sanctions.EVENT_DAY_LABEL, "chips_n"] == len(params.chip_symbols)
    assert (table["chips_n"].dropna() <= len(params.chip_symbols)).all()


@requires_real_data
def test_masking_keeps_every_firm_above_the_minimum(chapter: dict) -> None:
    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    estimation = sanctions.estimation_table(study, events)
    assert estimation["fewest_days"].min() >= sanctions.MIN_ESTIMATION_OBS
    assert estimation["most_masked"].max() > 0  # milestones under a year apart do mask days
    excluded = sanctions.display_exclusions(study, events)
    # Firms drop out only for a stated reason: no data after the milestone (the Hong Kong names end in
    # May 2025), or too few estimation days once other milestones' windows are masked.
    short = excluded["Reason"].str.contains("valid estimation observations")
    assert int(short.sum()) == sanctions.excluded_for_estimation(study)
    hong_kong = excluded.loc[~short, "Firm"]
    assert set(hong_kong) <= {"0700.HK", "9988.HK", "0981.HK"}
    assert (params.controls.loc[hong_kong.index.unique(), "day0"] > pd.Timestamp("2025-05-22")).all()


@requires_real_data
def test_nvidia_value_is_car_times_market_value(chapter: dict) -> None:
    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    values = sanctions.nvidia_value_table(study, events, params.window)
    row = values.loc[sanctions.EVENT_DAY_LABEL]
    assert row["base_date"] == pd.Timestamp("2025-01-24")  # the close before day 0
    # The event day's value is measures.levels' (the bubble chapter's and the ledger's 592.7 bn USD loss).
    loss = value_loss("NVDA", params.event_date)
    assert loss.previous_date == row["base_date"]
    assert row["market_value"] == pytest.approx(loss.previous_value, rel=1e-12)
    assert (row["price"], row["shares"], row["count_as_of"]) == (142.62, 24.49e9, pd.Timestamp("2024-11-15"))
    assert row["market_value"] * -loss.change == pytest.approx(loss.loss, rel=1e-12)
    assert round(loss.loss / 1e9, 1) == 592.7
    assert row["abnormal_value"] == pytest.approx(row["car"] * row["market_value"])
    # Percent results for every milestone; dollars only within reach of a cover count, else the reason.
    assert values["car"].notna().all() and values["p"].notna().all()
    valued = values["market_value"].notna()
    assert ((values.loc[valued, "base_date"] - values.loc[valued, "count_as_of"]).abs().dt.days
            <= COUNT_MAX_GAP_DAYS).all()
    assert values.loc[~valued, "reason"].str.contains(f"within {COUNT_MAX_GAP_DAYS} days").all()
    assert 0 < valued.sum() < len(values)  # 2022-23 milestones have no cover count within reach
    shown = sanctions.display_value_table(values)
    assert (shown.loc[~valued.to_numpy(), "Market value (USD bn)"] == MISSING).all()
    sensitivity = sanctions.dollar_sensitivity(values)
    milestones = values.drop(index="E")
    assert sensitivity.at["all milestones", "sum_value"] == pytest.approx(milestones["abnormal_value"].sum())
    assert sensitivity.at["all milestones", "n_valued"] == milestones["market_value"].notna().sum()
    assert (values.drop(index="E")["p_holm"] >= values.drop(index="E")["p"]).all()  # adjusting only raises p
    assert np.isnan(values.at["E", "p_holm"])  # the event day is not part of the family
    hurt_more = sanctions.hurt_more_by_window(study, events, params.windows)
    assert "sum_value" not in hurt_more.columns  # the window comparison is percent only
    counts = sanctions.window_robustness(hurt_more)
    assert all(0 <= n <= len(params.windows) for n in counts.values())


@requires_real_data
def test_performance_since_the_r1_release(chapter: dict) -> None:
    params = chapter["params"]
    table = sanctions.performance_since(params)
    assert table.attrs["common_end"] == pd.Timestamp("2025-05-22")  # the Hong Kong series' last day
    assert (table["base_date"] == pd.Timestamp("2025-01-17")).all()
    # The baskets average stocks only (the report's China groups), one per market; KWEB stands beside.
    baskets = sanctions.china_baskets(params)
    assert baskets[sanctions.CHINA_US_BASKET].members == ("BABA", "BIDU")
    assert baskets[sanctions.CHINA_HK_BASKET].members == ("0700.HK", "9988.HK", "0981.HK")
    prices = price_panel(["BABA", "BIDU", "KWEB"])
    relatives = prices.loc["2025-05-22"] / prices.loc["2025-01-17"]
    china = table.at[sanctions.CHINA_US_BASKET, "return_to_common_end"]
    assert china == pytest.approx(relatives[["BABA", "BIDU"]].mean() - 1)
    assert china != pytest.approx(relatives.mean() - 1)  # KWEB averaged in would give another number
    assert table.at["KWEB", "group"] == sanctions.BESIDE_GROUP
    assert "KWEB" not in table.at[sanctions.CHINA_US_BASKET, "name"]
    assert "USD" in table.at[sanctions.CHINA_US_BASKET, "name"] and "HKD" in table.at[sanctions.CHINA_HK_BASKET, "name"]
    hong_kong = price_panel(["0700.HK", "9988.HK", "0981.HK"])
    hk_relatives = hong_kong.loc["2025-05-22"] / hong_kong.loc["2025-01-17"]
    assert table.at[sanctions.CHINA_HK_BASKET, "return_to_common_end"] == pytest.approx(hk_relatives.mean() - 1)
    paths = sanctions.comparison_paths(params)
    relative = sanctions.relative_path(paths)
    assert relative.index[0] >= params.comparison_base
    assert paths.at[pd.Timestamp("2025-05-22"), sanctions.CHINA_US_BASKET] == pytest.approx(china)
    assert paths.at[pd.Timestamp("2025-05-22"), "KWEB"] == pytest.approx(relatives["KWEB"] - 1)  # beside, alone


@requires_real_data
def test_kweb_is_never_averaged_into_the_china_basket(chapter: dict) -> None:
    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    from deepseek_monday.measures import group_study

    # The default China stocks are the report's China groups' members; KWEB is shown beside them.
    members = (*group_study.definition(sanctions.CHINA_US_GROUP).members,
               *group_study.definition(sanctions.CHINA_HK_GROUP).members)
    assert params.china_symbols == members == params.china_stocks and params.china_beside == ("KWEB",)
    assert "KWEB" in group_study.definition(sanctions.CHINA_US_GROUP).beside
    assert "KWEB" not in set(study.car["symbol"])  # not in the milestone study's firms
    table = sanctions.comparison_table(study, events, params.window)
    assert table.at[sanctions.EVENT_DAY_LABEL, "china_n"] == len(members)
    # The China mean on the event day is the mean of the stocks' CARs, nothing else.
    cars = study.car[(study.car["event_date"] == params.event_date) & (study.car["window"] == "[0,0]")]
    china_cars = cars[cars["symbol"].isin(members)]["car"]
    assert table.at[sanctions.EVENT_DAY_LABEL, "china_caar"] == pytest.approx(china_cars.mean())
    # An ETF given as a parameter is shown beside, never averaged in; a changed list is "(this run)".
    run = sanctions.SanctionsParameters.validate(china_symbols=["KWEB", "BABA", "0700.HK"])
    assert run.china_stocks == ("BABA", "0700.HK") and run.china_beside == ("KWEB",)
    assert "KWEB" not in sanctions.event_study.group_map(run)
    groups = sanctions.china_groups(run)
    assert [g.name for g in groups] == [f"{sanctions.CHINA_US_GROUP} (this run)",
                                        f"{sanctions.CHINA_HK_GROUP} (this run)"]
    assert groups[0].members == ("BABA",) and groups[0].beside == ("KWEB",) and groups[1].index == "HSI"
    baskets = sanctions.performance_since(run)
    assert baskets.at[sanctions.CHINA_US_BASKET, "group"] == f"{sanctions.CHINA_US_GROUP} (this run)"
    prices = price_panel(["BABA"])
    assert baskets.at[sanctions.CHINA_US_BASKET, "return_to_common_end"] == pytest.approx(
        prices.at[pd.Timestamp("2025-05-22"), "BABA"] / prices.at[pd.Timestamp("2025-01-17"), "BABA"] - 1)


@requires_real_data
def test_theme_claims_come_from_the_ledger() -> None:
    claims = ledger.evaluate()
    table = sanctions.theme_claims_table(claims)
    expected = claims.loc[claims["chapter"] == "30_sanctions", "id"].tolist()
    assert table.index.tolist() == expected
    assert list(table.columns) == ["claim", "article", "claimed", "measured", "verdict"]
    assert (table["article"] == table.index.str[:3]).all()
    compute_claims = sanctions.compute_claims_table(claims)
    assert "003-05" in compute_claims.index and "003-07" not in compute_claims.index  # causal claims excluded
    counts = sanctions.verdict_counts(claims)
    classes = sum(v for k, v in counts.items() if k not in ("n_claims", "n_checked"))
    assert counts["n_claims"] == len(expected) == classes


@requires_real_data
def test_compute_figure_has_titles_labels_and_source() -> None:
    from deepseek_monday.chapters.sanctions.figures import compute_figure

    fig = compute_figure(sanctions.compute_models_table(load_ai_compute()))
    assert fig.get_suptitle()
    assert all(ax.get_xlabel() and ax.get_title() for ax in fig.axes)
    assert any(text.get_text().startswith("Source:") for text in fig.texts)
    assert_house_numbers(fig)


@requires_real_data
def test_headline_numbers_agree_with_the_tables(chapter: dict) -> None:
    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    comparison = sanctions.comparison_table(study, events, params.window)
    values = sanctions.nvidia_value_table(study, events, params.window)
    hurt_more = sanctions.hurt_more_by_window(study, events, params.windows)
    performance = sanctions.performance_since(params)
    compute = load_ai_compute()
    numbers = sanctions.headline_numbers(
        params, comparison, values, sanctions.estimation_table(study, events), sanctions.timeline_returns(params),
        performance, sanctions.relative_path(sanctions.comparison_paths(params)), sanctions.compute_ratios(compute),
        sanctions.cost_breakdown(compute))
    assert numbers["nvda_car_event"] == comparison.at["E", "nvda_car"]
    assert numbers["nvda_car_controls_sum"] == pytest.approx(comparison.drop(index="E")["nvda_car"].sum())
    assert not any(key.startswith(("nvda_value", "market_value")) for key in numbers)  # no dollar headline
    assert numbers["n_valued_phrase"] == (f"{values.drop(index='E')['market_value'].notna().sum()} of the "
                                          f"{len(params.controls)} milestones")
    assert "as of 15 November 2024" in numbers["dollar_coverage_sentence"]
    assert numbers["nvda_car_event_text"] == sanctions.percent_text(numbers["nvda_car_event"])
    assert "-" not in numbers["nvda_car_event_text"]  # a true minus sign, not a hyphen
    assert numbers["window"] == "[0,0]"  # the headline is day 0
    assert numbers["since_china_us_common"] == performance.at[sanctions.CHINA_US_BASKET, "return_to_common_end"]
    assert numbers["since_china_etf_common"] == performance.at["KWEB", "return_to_common_end"]
    assert numbers["china_us_members"] == "BABA, BIDU" and "KWEB" not in numbers["china_members"]
    assert numbers["v3_gpus_as_fraction"] == "1/8"
    assert numbers["n_controls"] == len(params.controls)
    study_numbers = sanctions.study_numbers(study, params, hurt_more)
    assert study_numbers["n_excluded"] == len(sanctions.display_exclusions(study, events))
    assert study_numbers["estimation_window"] == "[-250, -11]"


# ---------------------------------------------------------------- intervals that agree with the reported test


def test_kolari_pynnonen_widening() -> None:
    # SYNTHETIC: no correlation leaves the standard error alone; r = 0.25 with N = 7 widens it by
    # sqrt((1 + 6 * 0.25) / 0.75) = sqrt(10 / 3); an undefined factor is NaN.
    factors = kolari_pynnonen_widening(np.array([7, 7, 7]), np.array([0.0, 0.25, 1.0]))
    assert factors[0] == pytest.approx(1.0)
    assert factors[1] == pytest.approx(np.sqrt(10 / 3))
    assert np.isnan(factors[2])


def synthetic_comparison(caar: list[float], half: list[float], p_kp: list[float]) -> pd.DataFrame:
    """SYNTHETIC comparison rows: one group's CAAR, half-width and KP p-value, the other group empty."""
    index = pd.Index([str(n) for n in range(1, len(caar) + 1)], name="milestone")
    return pd.DataFrame({"chips_caar": caar, "chips_half": half, "chips_p_kp": p_kp,
                         "china_caar": np.nan, "china_half": np.nan, "china_p_kp": np.nan}, index=index)


def test_interval_note_names_disagreements() -> None:
    agreeing = synthetic_comparison([-0.05, 0.01], [0.04, 0.02], [0.01, 0.60])
    assert sanctions.interval_disagreements(agreeing) == []
    assert sanctions.interval_note(agreeing).startswith("Every group interval")
    clashing = synthetic_comparison([-0.05, 0.01], [0.04, 0.02], [0.20, 0.60])  # excludes zero, p = 0.20
    assert sanctions.interval_disagreements(clashing) == [("US chip firms", "1")]
    assert "for US chip firms around milestone 1 (" in sanctions.interval_note(clashing)


@requires_real_data
def test_group_intervals_agree_with_the_kolari_pynnonen_test(chapter: dict) -> None:
    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    table = sanctions.comparison_table(study, events, params.window)
    # The US chip firms on the event day: the plain cross-sectional interval excluded zero while
    # p_KP = 0.110; the widened interval does not.
    row = table.loc[sanctions.EVENT_DAY_LABEL]
    assert row["chips_p_kp"] > 0.05 and abs(row["chips_caar"]) < row["chips_half"]
    # Milestone 12 (August 2025) comes after the Hong Kong data end: two China stocks (BABA, BIDU) with
    # almost equal CARs, so the cross-sectional interval is narrow while p_KP = 0.080 (the test
    # standardises each firm's CAR first); the caption's note then names that bar.
    assert table.at["12", "china_n"] == 2 and table.at["12", "china_p_kp"] > 0.05
    assert sanctions.interval_disagreements(table) == [(sanctions.CHINA_GROUP, "12")]
    assert f"for {sanctions.CHINA_GROUP} around milestone 12 (" in sanctions.interval_note(table)
    wider = sanctions.comparison_table(study, events, (0, 5))
    assert sanctions.interval_disagreements(wider) == []


# ---------------------------------------------------------------- prose that reads well for any count


@pytest.mark.parametrize(("count", "total", "expected"), [
    (0, 10, "none of the 10 milestones"), (3, 10, "3 of the 10 milestones"), (10, 10, "all 10 milestones"),
    (1, 1, "the one milestone"), (0, 1, "no milestone")])
def test_of_total(count: int, total: int, expected: str) -> None:
    from deepseek_monday.present.wording import of_total

    assert of_total(count, total, "milestones") == expected


def test_p_text() -> None:
    from deepseek_monday.present.wording import p_text

    assert p_text(0.0004) == "p < 0.001"
    assert p_text(0.0671) == "p = 0.067"
    assert p_text(float("nan")) == "p not available"


def test_window_robustness_sentence_counts_windows() -> None:
    # SYNTHETIC windows: the event day beats every milestone in both, the milestones' sum in one.
    hurt_more = pd.DataFrame({"event_car": [-0.10, -0.05], "worst_car": [-0.06, -0.04], "sum_car": [-0.08, -0.20]},
                             index=["[0,0]", "[0,+1]"])
    sentence = sanctions.window_robustness_sentence(hurt_more)
    assert "every single milestone in all 2 windows" in sentence
    assert "below the sum over all milestones in 1 of the 2 windows" in sentence
    assert sanctions.window_robustness(hurt_more) == {"n_windows_event_worst": 2, "n_windows_event_more_percent": 1}


# ---------------------------------------------------------------- the same abnormal return in two chapters


@requires_real_data
def test_event_day_car_sentence_explains_the_bubble_chapters_value(chapter: dict) -> None:
    from deepseek_monday.chapters import bubble

    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    returns = sanctions.load_study_returns(params)
    alone = sanctions.single_event_day_car(returns, params.event_date)
    bubble_params = bubble.BubbleParameters.validate(params.event_date)
    bubble_study = bubble.focus_event_study(bubble.load_chapter_data(bubble_params), bubble_params)
    assert alone == pytest.approx(bubble_study.car.set_index("window").at["[0,0]", "car"], rel=1e-12)
    sentence = sanctions.event_day_car_sentence(study, events, returns, params.event_date)
    assert "\u221213.35 % here and \u221213.33 % in the bubble chapter" in sentence
    assert "7 estimation days" in sentence


# ---------------------------------------------------------------- one base for the timeline's chart and table


@requires_real_data
def test_timeline_levels_share_the_tables_base(chapter: dict) -> None:
    params = chapter["params"]
    levels = sanctions.timeline_levels(params)
    returns = sanctions.timeline_returns(params)
    base = sanctions.timeline_base(params)
    market = sessions("XNYS")
    assert base == market[market.get_loc(params.controls["day0"].min()) - 1]
    assert levels.index[0] < base  # the chart starts earlier
    for symbol in ("NVDA", "KWEB", "0700.HK"):
        assert levels.at[returns.at[symbol, "base_date"], symbol] == pytest.approx(1.0)
        assert levels[symbol].dropna().iloc[-1] - 1 == pytest.approx(returns.at[symbol, "return"])
    assert sanctions.hong_kong_end_note(levels) == "whose data end on 22 May 2025"


def test_series_end_note_synthetic() -> None:
    # SYNTHETIC levels: A runs to the end, B and C stop early on different days.
    index = pd.bdate_range("2024-01-01", periods=5)
    levels = pd.DataFrame({"A": 1.0, "B": [1.0, 1.0, 1.0, np.nan, np.nan], "C": [1.0, 1.0, np.nan, np.nan, np.nan]},
                          index=index)
    assert sanctions.series_end_note(levels, ("A",)) == "whose data run to the end of the chart"
    assert sanctions.series_end_note(levels, ("B",)) == "whose data end on 3 January 2024"
    assert sanctions.series_end_note(levels, ("B", "C")) == (
        "whose data end early: B on 3 January 2024, C on 2 January 2024")


# ---------------------------------------------------------------- how readers see the tables


@requires_real_data
def test_display_tables_have_no_false_precision(chapter: dict) -> None:
    params, events, study = chapter["params"], chapter["events"], chapter["study"]
    compute = load_ai_compute()
    ratios = sanctions.display_ratios(sanctions.compute_ratios(compute))
    assert ratios["Value"].iloc[0] == "11.05" and "11.000" not in ratios.to_string()
    hurt_more = sanctions.display_hurt_more(sanctions.hurt_more_by_window(study, events, params.windows))
    assert hurt_more.at["[0,0]", "Event day p"] == "<0.001"
    models = sanctions.display_compute_models(sanctions.compute_models_table(compute))
    assert "Training compute (\u00d710\u00b2\u2074 FLOP, \u2248 6\u00b7N\u00b7D)" in models.columns
    for table in (ratios, hurt_more, models, sanctions.display_comparison(
            sanctions.comparison_table(study, events, params.window))):
        assert "NaN" not in table.to_string() and "nan" not in table.to_string()


def test_event_against_controls_says_what_the_tests_support() -> None:
    # SYNTHETIC results: the event day measured, the milestones' sum not; both measured.
    one = sanctions.event_against_controls(-0.1335, 0.0001, -0.1776, 0.051)
    assert one.startswith("The tests support one comparison only") and "\u221217.76 %" in one
    both = sanctions.event_against_controls(-0.10, 0.001, -0.20, 0.01)
    assert both.endswith("the milestones together cost more.")
    assert sanctions.event_against_controls(-0.01, 0.5, -0.02, 0.6).startswith("Neither")


def test_groups_holm_sentence_reads_plainly() -> None:
    from deepseek_monday.chapters.sanctions.prose import groups_holm_sentence

    assert groups_holm_sentence(0, 0, 14) == ("Neither US chip firms as a group nor China tech moved significantly "
                                              "on any milestone.")
    assert groups_holm_sentence(2, 0, 14) == ("US chip firms as a group moved significantly on 2 of the 14 "
                                              "milestones, China tech on none.")


SANCTIONS_NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "30_sanctions.ipynb"


@requires_real_data
def test_compute_offers_every_glue_key_the_notebook_quotes() -> None:
    import matplotlib
    import matplotlib.pyplot as plt

    from deepseek_monday.build.runner import notebook_parameters
    from deepseek_monday.present.glue import referenced_glue_names

    with matplotlib.rc_context():  # compute() sets the house style; undone for the other tests
        results = sanctions.compute(sanctions.SanctionsParameters.validate(**notebook_parameters(SANCTIONS_NOTEBOOK)))
    try:
        referenced = referenced_glue_names(SANCTIONS_NOTEBOOK)
        cells = json.loads(SANCTIONS_NOTEBOOK.read_text(encoding="utf-8"))["cells"]
        displayed = set(re.findall(r'results\.tables\["([^"]+)"\]',
                                   "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")))
        offered = set(results.numbers) | set(results.figures) | set(results.tables)
        assert len(referenced) > 100 and len(displayed) == 14 and len(results.figures) == 4
        assert referenced - offered == set(), "glue keys the notebook quotes but compute does not offer"
        assert displayed - set(results.tables) == set(), "tables the notebook displays but compute does not offer"
        assert {name for name in referenced if name.startswith("fig_")} == set(results.figures)
        assert not (set(results.numbers) & set(results.figures)) and not (set(results.numbers) & set(results.tables))
        assert not results.markdown  # the chapter glues its numbers as they are, none as Markdown
        assert all(isinstance(table, pd.DataFrame) for table in results.tables.values())
        assert all(not results.tables[name].empty for name in displayed - {"exclusions"})  # none may be left out
    finally:
        for fig in results.figures.values():
            plt.close(fig)
