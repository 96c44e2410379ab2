"""The SaaS-versus-infrastructure chapter: baskets, parameters and measures.

Tests marked SYNTHETIC use small made-up series (not market data); the others use the
real snapshot and facts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import assert_house_numbers, requires_real_data

from deepseek_monday.chapters.saas import analysis as saas
from deepseek_monday.chapters.saas import figures as saas_figures
from deepseek_monday.claims import get_measure, load_claims
from deepseek_monday.data.facts import load_capex_guidance
from deepseek_monday.errors import DataValidationError, ParameterError
from deepseek_monday.present.wording import of_total, p_text

EVENT = "2025-01-27"


def _dates(n: int, start: str = "2025-01-06") -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


# ---------------------------------------------------------------- SYNTHETIC series: the pure measures


def test_best_window_return_finds_lowest_base_before_highest_end_synthetic() -> None:
    prices = pd.Series([80.0, 100.0, 90.0, 95.0, 110.0, 105.0], index=_dates(6))  # SYNTHETIC
    value, base, end = saas.best_window_return(prices, prices.index[-1], sessions=4)
    # The close of 80 lies outside the last 4 + 1 closes, so the base is the 90.
    assert value == pytest.approx(110 / 90 - 1)
    assert (base, end) == (prices.index[2], prices.index[4])
    wider, base, _ = saas.best_window_return(prices, prices.index[-1], sessions=5)
    assert wider == pytest.approx(110 / 80 - 1) and base == prices.index[0]


def test_best_window_return_never_pairs_an_end_with_a_later_base_synthetic() -> None:
    prices = pd.Series([120.0, 100.0, 80.0], index=_dates(3))  # SYNTHETIC: falling only
    value, base, end = saas.best_window_return(prices, prices.index[-1], sessions=2)
    assert value == 0.0 and base == end


def test_basket_value_is_equal_weighted_buy_and_hold_synthetic() -> None:
    dates = _dates(3)
    prices = pd.DataFrame({"A": [100.0, 110.0, 121.0], "B": [50.0, 45.0, 50.0], "C": [np.nan, 10.0, 20.0]},
                          index=dates)  # SYNTHETIC; C has no price on the base date
    value = saas.basket_value(prices, ["A", "B", "C"], dates[0])
    assert value.tolist() == pytest.approx([0.0, (1.1 + 0.9) / 2 - 1, (1.21 + 1.0) / 2 - 1])
    with pytest.raises(ParameterError, match="no member"):
        saas.basket_value(prices, ["C"], dates[0])


def test_rebalanced_value_compounds_daily_means_and_admits_new_members_synthetic() -> None:
    dates = _dates(3)
    returns = pd.DataFrame({"A": [0.10, 0.0, 0.05], "B": [-0.10, 0.20, np.nan], "C": [np.nan, np.nan, 0.15]},
                           index=dates)  # SYNTHETIC
    value = saas.rebalanced_value(returns, ["A", "B", "C"], dates[0])
    expected = np.cumprod([1.0, 1.10, 1.10]) - 1  # day 3: mean of A and C only
    assert value.tolist() == pytest.approx(expected.tolist())


def test_relative_performance_is_a_ratio_not_a_difference_synthetic() -> None:
    first, second = pd.Series([0.2, -0.5]), pd.Series([0.1, -0.6])  # SYNTHETIC
    assert saas.relative_performance(first, second).tolist() == pytest.approx([1.2 / 1.1 - 1, 0.5 / 0.4 - 1])


def test_calendar_year_returns_synthetic() -> None:
    dates = pd.to_datetime(["2024-06-28", "2024-12-31", "2025-03-31", "2025-12-31"])
    value = pd.Series([0.1, 0.2, 0.5, 0.8], index=dates)  # SYNTHETIC cumulative returns from 0
    years = saas.calendar_year_returns(value, [2024, 2025, 2026])
    assert years[2024] == pytest.approx(0.2)  # from the series' base (0)
    assert years[2025] == pytest.approx(1.8 / 1.2 - 1)
    assert np.isnan(years[2026])


def test_fiscal_year_lookalikes_flag_calendar_labels_with_fiscal_values_synthetic() -> None:
    rows = pd.DataFrame({  # SYNTHETIC capex rows
        "ticker": ["X", "X", "X", "Y"], "fiscal_period": ["CY2021", "FY2022", "CY2022", "CY2021"],
        "value": [20.0, 20.0, 30.0, 20.0],
    })
    assert saas.fiscal_year_lookalikes(rows).tolist() == [True, False, False, False]


def test_revival_numbers_say_when_the_lead_ended_synthetic() -> None:
    dates = _dates(4, start="2025-01-24")
    paths = pd.DataFrame({"cloud software": [0.0, 0.10, 0.05, 0.0], "AI infrastructure": [0.0, -0.10, 0.05, 0.20],
                          "WCLD": [0.0, 0.02, 0.03, 0.04], "QQQ": [0.0, 0.01, 0.02, 0.03]}, index=dates)  # SYNTHETIC
    params = saas.SaasParameters(dates[1], 5, 1, (), False)
    relative = saas.relative_paths(paths)
    numbers = saas.revival_numbers(paths, relative, params)
    assert numbers["cloud_vs_infra_peak_date"] == f"{dates[1]:%d %B %Y}"
    assert numbers["cloud_vs_infra_last_ahead"] == f"last ahead on {dates[1]:%d %B %Y}"
    assert numbers["cloud_vs_infra_end_word"] == "behind"
    assert numbers["wcld_vs_qqq_end_word"] == "ahead of"
    assert numbers["revival_held"] == "held on one"


# ---------------------------------------------------------------- baskets and parameters (universe file)


@requires_real_data
def test_default_baskets_agree_with_the_universe() -> None:
    baskets = saas.default_baskets()
    assert list(baskets) == list(saas.BASKETS)
    assert "WCLD" in baskets["cloud software"] and "NVDA" in baskets["AI infrastructure"]


@requires_real_data
def test_default_baskets_refuse_a_member_from_the_wrong_group(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(saas.DEFAULT_BASKETS, "hyperscalers", ("MSFT", "NVDA"))
    with pytest.raises(DataValidationError, match=r"NVDA \(hyperscalers\) belongs to universe group 'AI chips'"):
        saas.default_baskets()


@requires_real_data
@pytest.mark.parametrize(
    ("overrides", "allow_overlap", "message"),
    [
        ({"software": ["CRM"]}, False, "unknown basket 'software'"),
        ({"cloud software": []}, False, "the basket is empty"),
        ({"cloud software": "CRM"}, False, "expected a list of tickers"),
        ({"cloud software": ["CRM", "CRM"]}, False, r"tickers listed twice: \['CRM'\]"),
        ({"cloud software": ["CRM", "XYZ"]}, False, r"unknown ticker\(s\) \['XYZ'\]"),
        ({"benchmarks": ["GSPC"]}, False, "not US-listed stocks or ETFs"),
        ({"hyperscalers": ["0700.HK"]}, False, "not US-listed stocks or ETFs"),
        ({"hyperscalers": ["MSFT", "NVDA"]}, False, "NVDA is in both 'AI infrastructure' and 'hyperscalers'"),
        (["CRM"], False, "expected a dict basket -> list of tickers"),
        (None, "yes", "allow_overlap: 'yes' must be True or False"),
    ],
)
def test_basket_overrides_fail_clearly(overrides: object, allow_overlap: object, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        saas.check_baskets(overrides, allow_overlap)


@requires_real_data
def test_basket_overrides_replace_one_basket_and_may_overlap_when_allowed() -> None:
    baskets = saas.check_baskets({"hyperscalers": ["MSFT", "NVDA"]}, allow_overlap=True)
    assert baskets["hyperscalers"] == ("MSFT", "NVDA")
    assert baskets["AI infrastructure"] == saas.DEFAULT_BASKETS["AI infrastructure"]


@requires_real_data
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event_date": "2025-01-25"}, "Sat 2025-01-25 is not a trading day of XNYS"),
        ({"event_date": "2026-12-01"}, "outside the data"),
        ({"event_date": "2026-07-29"}, "leaves only 2 trading days of data after it"),
        ({"event_date": "1993-06-01"}, "this chapter needs 251"),
        ({"event_date": EVENT, "pre_days": 4}, "pre_days: 4 is too short"),
        ({"event_date": EVENT, "post_days": "ten"}, "post_days: 'ten' is not a whole number"),
        ({"event_date": "2019-06-03", "baskets": {"cloud software": ["SNOW"]}},
         "no stock of basket 'cloud software'"),
        ({"event_date": EVENT, "baskets": {"cloud software": ["WCLD"]}}, "no stock of basket 'cloud software'"),
        ({"event_date": "2019-06-03", "baskets": {"benchmarks": ["WCLD"]}, "allow_overlap": True},
         "no member of basket 'benchmarks'"),
        ({"event_date": "2008-10-15"}, "WCLD from 2019-09-06. With these baskets the chapter can run from 2019-09-09"),
    ],
)
def test_parameters_fail_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        saas.SaasParameters.validate(**kwargs)


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def chapter() -> dict[str, object]:
    """The chapter's inputs for 27 January 2025 with the default baskets (real snapshot)."""
    try:
        params = saas.SaasParameters.validate(EVENT)
    except DataValidationError as error:
        pytest.skip(f"real data absent: {error}")
    returns = saas.load_returns(params)
    return {"params": params, "returns": returns, "prices": saas.load_prices(params),
            "study": saas.basket_event_study(returns, params)}


def test_parameters_default_windows(chapter: dict) -> None:
    params = chapter["params"]
    assert params.estimation_window == (-250, -11)
    assert params.event_windows == ((0, 0), (0, 1), (0, 5))  # the report's group study, the same in every chapter
    assert params.symbols[:2] == ["NVDA", "AVGO"] and "SPY" in params.symbols


def test_basket_study_is_the_report_group_study_stocks_only(chapter: dict) -> None:
    from deepseek_monday.measures import group_study

    params, study = chapter["params"], chapter["study"]
    shared = group_study.group_study(params.event_date)
    mine = study.caar.set_index(["basket", "window"]).loc[("AI infrastructure", "[0,0]")]
    assert mine["caar"] == shared.row("AI infrastructure")["car"]
    assert mine["p"] == shared.row("AI infrastructure")["p"] and mine["p_kp"] == shared.row("AI infrastructure")["p_kp"]
    assert mine["n_firms"] == 13
    assert study.caar.set_index(["basket", "window"]).at[("cloud software", "[0,0]"), "group"] == "US cloud software"
    cloud_day0 = study.car[(study.car["basket"] == "cloud software") & (study.car["window"] == "[0,0]")]
    assert set(cloud_day0.loc[~cloud_day0["in_caar"], "symbol"]) == {"WCLD", "IGV"}
    assert set(study.exclusions["symbol"]) == {"GEV"}  # too short a history for its own model
    shown = saas.display_caar(study, params)
    assert shown.index.get_level_values("Basket").unique().tolist() == [
        "AI infrastructure", "hyperscalers", "cloud software"]
    assert shown.index.names == ["Basket", "Window (trading days)"]  # no row numbers
    assert "p, portfolio test" in shown.columns and not shown.isin(["nan", "NaN", "<NA>"]).any().any()


def test_event_day_table_and_summary(chapter: dict) -> None:
    params, returns, study = chapter["params"], chapter["returns"], chapter["study"]
    table = saas.event_day_table(returns, study, params)
    nvda = table.set_index("symbol").loc["NVDA"]
    assert nvda["return"] == returns.at[params.event_date, "NVDA"]
    assert nvda["abnormal"] == pytest.approx(
        study.car.set_index(["symbol", "window"]).at[("NVDA", "[0,0]"), "car"])
    summary = saas.basket_day_summary(table)
    assert summary.at["AI infrastructure", "stocks"] == 13  # GEV has a return, though no abnormal return
    assert summary.at["cloud software", "mean"] == pytest.approx(
        table[(table["basket"] == "cloud software") & table["in_caar"]]["return"].mean())


def test_heatmap_spans_five_days_before_to_post_days(chapter: dict) -> None:
    params, returns = chapter["params"], chapter["returns"]
    frame = saas.heatmap_returns(returns, params)
    assert list(frame.columns) == list(range(-5, 11))
    assert frame.loc[("AI infrastructure", "NVDA"), 0] == returns.at[params.event_date, "NVDA"]
    assert len(frame) == len(saas.membership(params))


def test_cloud_claim_measures_agree_with_the_claims_ledger(chapter: dict) -> None:
    prices = chapter["prices"]
    claims = {c.id: c for c in load_claims()}
    windows = saas.cloud_claim_windows(prices)
    ledger_rise = get_measure("window_return")(claims[saas.CLOUD_RISE_CLAIM]).value
    assert 100 * windows.loc["ledger window", "WCLD"] == pytest.approx(ledger_rise)
    best = windows.iloc[2]
    assert best["WCLD"] >= windows.loc["ledger window", "WCLD"]  # the most favourable window is at least as good
    drawdowns = saas.cloud_drawdowns(prices)
    ledger_drawdown = get_measure("drawdown_from_high")(claims[saas.CLOUD_DRAWDOWN_CLAIM]).value
    assert 100 * drawdowns.iloc[0]["below the high"] == pytest.approx(ledger_drawdown)


def test_after_shock_paths_start_at_zero_and_match_the_event_day(chapter: dict) -> None:
    params, prices, returns, study = chapter["params"], chapter["prices"], chapter["returns"], chapter["study"]
    paths = saas.after_shock_paths(prices, params)
    assert (paths.iloc[0] == 0).all() and paths.index[0] == saas.base_date(params)
    summary = saas.basket_day_summary(saas.event_day_table(returns, study, params))
    # Over one day buy-and-hold equals the mean of the stocks' returns.
    assert paths.at[params.event_date, "AI infrastructure"] == pytest.approx(summary.at["AI infrastructure", "mean"])
    assert paths.index[-1] == prices["NVDA"].dropna().index[-1]
    relative = saas.relative_paths(paths)
    assert list(relative.columns) == ["cloud software vs AI infrastructure", "WCLD vs QQQ"]
    members = saas.member_returns_to_end(prices, params)
    table = saas.after_shock_table(paths, members, params)
    assert table.at["cloud software", "median stock, to the end"] == pytest.approx(
        members[(members["basket"] == "cloud software") & members["in_caar"]]["to_end"].median())
    events = saas.later_events(params, paths.index[-1])
    assert events.index[0] == 1 and (events["date"] > params.event_date).all()


def test_hyperscaler_capex_flags_fiscal_lookalikes_and_sums() -> None:
    try:
        capex = saas.hyperscaler_capex()
    except DataValidationError as error:
        pytest.skip(f"facts absent: {error}")
    fiscal = capex[capex["fiscal_period"].str.match(r"^FY\d{4}$")]
    for _, row in capex[capex["fiscal_lookalike"]].iterrows():  # each flag has its fiscal-year twin
        twins = fiscal[(fiscal["ticker"] == row["ticker"]) & np.isclose(fiscal["value"], row["value"])]
        assert row["fiscal_period"].startswith("CY") and not twins.empty
    assert not capex.loc[capex["metric"] == "capex_combined_as_reported", "fiscal_lookalike"].any()
    numbers = saas.capex_numbers(capex)
    combined = capex[capex["metric"] == "capex_combined_as_reported"].set_index("fiscal_period")["value"]
    assert numbers["capex_growth_2024"] == pytest.approx(combined["CY2024"] / combined["CY2023"] - 1)
    revisions = saas.guidance_revisions(capex)
    assert numbers["n_plans_compared"] == int(revisions["counted"].sum()) < len(revisions)
    assert not revisions.at["AMZN", "counted"]  # Amazon's first figure is the press's, not guidance
    assert saas.capex_start(capex) == pd.Timestamp(f"{capex.loc[capex['annual'], 'period_end'].dt.year.min()}-01-01")


@requires_real_data
def test_claims_table_is_the_ledgers_for_this_chapter() -> None:
    from deepseek_monday.claims import ledger

    frame = ledger.evaluate()
    table = saas.claims_table(frame)
    assert table.index.tolist() == frame.loc[frame["chapter"] == "20_saas", "id"].tolist()
    assert list(table.columns) == ["claim", "article", "claimed", "measured", "verdict"]
    numbers = saas.claim_values(frame)
    assert numbers["n_claims"] == len(table)
    assert numbers["claim_002_15_verdict"] == table.at["002-15", "verdict"]


def test_close_events_share_one_label_and_neighbouring_labels_alternate_rows() -> None:
    positions = [0.10, 0.105, 0.11, 0.125, 0.30, 0.31, 0.335, 0.90]
    numbers = [1, 2, 3, 4, 5, 6, 7, 8]
    assert saas_figures.event_label_groups(positions, numbers, gap=0.02) == [
        (pytest.approx(0.105), "1-3", 0),   # 0.125 is 0.025 after the group's first event: a new group
        (0.125, "4", 1),                     # closer than 2 x gap to the previous label: other row
        (pytest.approx(0.305), "5-6", 0),
        (0.335, "7", 1),
        (0.90, "8", 0),
    ]
    assert saas_figures.event_label_groups([0.5, 0.51], [3, 7]) == [(pytest.approx(0.505), "3, 7", 0)]


# ---------------------------------------------------------------- what readers see: sentences, labels, tables


def test_count_phrase_handles_all_none_and_one() -> None:
    assert of_total(3, 3, "companies", "company") == "all 3 companies"
    assert of_total(0, 3, "companies", "company") == "none of the 3 companies"
    assert of_total(2, 3, "companies", "company") == "2 of the 3 companies"
    assert of_total(1, 1, "companies", "company") == "the one company"


def test_verdict_sentence_names_only_verdicts_that_occur() -> None:
    counts = {"confirmed": 4, "roughly right": 1, "contradicted": 3, "not checkable": 0}
    assert saas.verdict_sentence(counts, 8) == (
        "Of this theme's 8 claims, 4 are confirmed, 1 roughly right and 3 contradicted.")
    assert saas.verdict_sentence({"confirmed": 3, "not checkable": 0}, 3) == (
        "All 3 of this theme's claims are confirmed.")
    assert saas.verdict_sentence({"confirmed": 1, "not checkable": 2}, 3) == (
        "Of this theme's 3 claims, 1 is confirmed and 2 cannot be checked.")
    assert "0" not in saas.verdict_sentence(counts, 8)


def test_distance_from_high_has_no_double_negative() -> None:
    assert saas.distance_from_high(-0.37517) == "37.52 % below it"
    assert saas.distance_from_high(0.05, "the high", 1) == "5.0 % above the high"
    assert saas.distance_from_high(0.0) == "at it"


def test_p_text_never_prints_zero() -> None:
    assert p_text(0.0004) == "p < 0.001"
    assert p_text(0.0412) == "p = 0.041"
    assert p_text(float("nan")) == "p not available"


def test_exclusion_reasons_in_plain_english() -> None:
    benchmarks, missing = {"NVDA": "SPY", "QQQ": "SPY"}, "no benchmark for this symbol (pass benchmark=...)"
    assert "benchmark itself" in saas.plain_exclusion_reason("SPY", missing, benchmarks)
    assert "=" not in saas.plain_exclusion_reason("XYZ", missing, benchmarks)
    reason = ("estimation window [-250,-11] does not fit the data: GEV has 207 sessions before and 379 after "
              "day 0 (2025-01-27)")
    assert saas.plain_exclusion_reason("GEV", reason, benchmarks) == (
        "too short a price history: 207 trading days before the event day, and the estimation window needs 250")
    frame = pd.DataFrame({"symbol": ["GEV"]})
    assert saas.exclusion_sentence(frame.iloc[:0]) == "No basket member is left out of the event study."
    assert saas.exclusion_sentence(frame).startswith("One member is left out of the event study (GEV)")


def test_labels_of_periods_sources_and_lines() -> None:
    assert saas.period_label("CY2024Q3") == "2024 Q3" and saas.period_label("FY2025") == "fiscal 2025"
    assert saas.source_label("https://www.example.com/a?p=1 (secondary)") == "example.com"
    assert saas.source_label("github:owner/repo path/file.md (secondary)") == "GitHub owner/repo"
    assert saas.basket_stocks("hyperscalers") == "hyperscaler stocks"
    assert saas.line_label("cloud software") == "cloud software stocks (equal-weighted)"
    assert saas.line_label("WCLD") == "WCLD (ETF)"


def _synthetic_capex() -> pd.DataFrame:
    rows = [  # SYNTHETIC capex facts: (ticker, period, period end, metric, USD bn, source)
        ("BIG4", "CY2024", "2024-12-31", "capex_combined_as_reported", 200.0, "s1"),
        ("BIG4", "CY2025", "2025-12-31", "capex_guidance_combined_initial", 260.0, "s1"),
        ("AAA", "CY2025", "2025-12-31", "capex_guidance_initial", 100.0, "s1"),
        ("AAA", "CY2025", "2025-12-31", "capex_guidance_oct2025", 90.0, "s2"),
        ("BBB", "CY2025", "2025-12-31", "capex_guidance_initial_high", 60.0, "s1"),
        ("BBB", "CY2025", "2025-12-31", "capex_guidance_oct2025_low", 65.0, "s2"),
        ("BBB", "CY2025", "2025-12-31", "capex_guidance_oct2025_high", 70.0, "s2"),
        ("CCC", "FY2025", "2025-06-30", "capex_guidance_ai_datacenter", 100.0, "s1"),
    ]
    frame = pd.DataFrame(rows, columns=["ticker", "fiscal_period", "period_end", "metric", "value", "source"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    frame["guidance"] = frame["metric"].str.contains("guidance")
    return frame


def test_guidance_revisions_keep_low_and_high_ends_synthetic() -> None:
    press = pd.DataFrame({  # SYNTHETIC: a first figure the source calls the press's reading
        "ticker": "DDD", "fiscal_period": "CY2025", "period_end": pd.Timestamp("2025-12-31"),
        "metric": ["capex_guidance_initial", "capex_guidance_oct2025"], "value": [50.0, 80.0],
        "source": ["s1; not a company figure: press reading", "s2"], "guidance": True})
    revisions = saas.guidance_revisions(pd.concat([_synthetic_capex(), press], ignore_index=True))
    assert revisions.loc["AAA", ["first_low", "first_high"]].tolist() == [100.0, 100.0]  # one figure: both ends
    assert np.isnan(revisions.at["BBB", "first_low"]) and revisions.at["BBB", "first_high"] == 60.0
    assert revisions["raised"].tolist() == [False, True, True]  # AAA cut its plan; BBB's October low is above 60
    assert revisions.at["BBB", "change_of_upper_end"] == pytest.approx(70 / 60 - 1)
    # DDD's first figure is a press reading: shown, but not counted as a company plan revised.
    assert revisions["counted"].tolist() == [True, True, False]
    shown = saas.display_guidance(revisions)
    assert shown.index.name == "Company" and shown.at["BBB (BBB)", "First plan, low (USD bn)"] == "\u2013"
    assert shown.at["AAA (AAA)", "Raised (October low above first high)"] == "no"
    assert shown.at["DDD (DDD)", "Raised (October low above first high)"].startswith("not counted")
    assert saas.revisions_not_counted_sentence(revisions).startswith("DDD is shown but not counted")
    assert saas.revisions_not_counted_sentence(revisions.iloc[:2]) == ""


def test_combined_plan_sentence_names_what_is_mixed_synthetic() -> None:
    sentence = saas.combined_plan_sentence(_synthetic_capex())
    assert sentence.startswith("The same source puts their first plans for 2025 at 260 bn USD, the sum of")
    assert "the upper end of its range" in sentence and "fiscal year to June 2025" in sentence
    assert "not a like-for-like comparison" in sentence and "+30%" in sentence
    capex = _synthetic_capex()
    capex.loc[capex["metric"] == "capex_guidance_combined_initial", "value"] = 999.0
    assert "cannot be traced" in saas.combined_plan_sentence(capex)


def test_spread_labels_keeps_order_and_gap_synthetic() -> None:
    values = [1.17, 0.117, 0.247, -0.099, -0.089, 0.250, 0.309]  # SYNTHETIC line ends
    spread = saas_figures.spread_labels(values, 0.05)
    assert np.argsort(spread).tolist() == np.argsort(values, kind="stable").tolist()
    ordered = np.sort(spread)
    assert (np.diff(ordered) >= 0.05 - 1e-9).all()
    assert spread[0] == pytest.approx(1.17)  # a label far from the others stays at its line's end
    assert saas_figures.spread_labels([0.0, 1.0], 0.1) == [0.0, 1.0]


def test_after_shock_figure_separates_baskets_and_etfs_synthetic() -> None:
    import matplotlib.pyplot as plt

    days = pd.bdate_range("2025-01-24", periods=30)
    columns = ["AI infrastructure", "hyperscalers", "cloud software", "WCLD", "IGV", "QQQ", "SPY"]
    # SYNTHETIC paths: the four ETFs end within two percentage points of each other.
    paths = pd.DataFrame({c: np.linspace(0.0, 0.1 + 0.005 * k, len(days)) for k, c in enumerate(columns)}, index=days)
    relative = pd.DataFrame({"cloud software vs AI infrastructure": 0.0, "WCLD vs QQQ": 0.0}, index=days)
    events = pd.DataFrame({"date": [days[5]], "event": ["SYNTHETIC"]}, index=pd.Index([1], name="number"))
    params = SimpleNamespace(event_date=days[1])
    fig = saas_figures.after_shock_figure(paths, relative, events, params)
    top, middle, _ = fig.axes[:3]
    assert len(top.get_lines()) >= 3 and len(top.texts) - 1 == 3  # three basket end labels (and one event label)
    etf_lines = [line for line in middle.get_lines() if line.get_label() in
                 {saas.line_label(c) for c in ("WCLD", "IGV", "QQQ", "SPY")}]
    looks = {(line.get_color(), line.get_linestyle()) for line in etf_lines}
    assert len(etf_lines) == 4 and len({colour for colour, _ in looks}) == 4
    assert not {colour for colour, _ in looks} & {saas_figures.BASKET_PALETTE[b] for b in saas.STOCK_BASKETS}
    assert middle.get_legend() is not None and not middle.texts
    assert_house_numbers(fig)
    plt.close(fig)


def test_etf_shades_differ_from_their_baskets_colour() -> None:
    colours = {saas_figures.etf_colour(s) for s in ("WCLD", "IGV")} | {saas_figures.BASKET_PALETTE["cloud software"]}
    assert len(colours) == 3
    assert saas_figures.shade("#808080", -1.0) == "#000000" and saas_figures.shade("#808080", 1.0) == "#ffffff"


@requires_real_data
def test_reader_tables_have_meaningful_rows_and_no_code_names(chapter: dict) -> None:
    params, study, prices = chapter["params"], chapter["study"], chapter["prices"]
    etfs = saas.display_etf_cars(study, params)
    assert etfs.index.names == ["ETF", "Window (trading days)"]
    assert "<0.001" in set(etfs["p, t-test (single ETF)"]) or not (study.car["p"] < 0.001).any()
    exclusions = saas.display_exclusions(study)
    assert not exclusions["Why it is left out"].str.contains("=").any()
    paths = saas.after_shock_paths(prices, params)
    after = saas.display_after_shock(saas.after_shock_table(paths, saas.member_returns_to_end(prices, params), params))
    assert not after.isin(["nan", "NaN", "<NA>"]).any().any() and "hyperscaler stocks (equal-weighted)" in after.index
    events = saas.display_events(saas.later_events(params, paths.index[-1]))
    assert not events["Category"].str.contains("_").any()
    capex = saas.hyperscaler_capex()
    shown = saas.display_capex(capex)
    assert shown.index.names == ["Company", "Period"]
    assert not shown["What the figure measures"].str.contains("_").any()
    plans = saas.display_plan_outcomes(saas.plan_outcomes(capex, load_capex_guidance(), params.event_date))
    assert not plans.isin(["nan", "NaN", "<NA>"]).any().any() and plans.index.name == "Measure"
    assert plans.at["Outcome, same measure (USD bn)", "Meta (META)"] == "72.2"


# ---------------------------------------------------------------- dated plans against the outcome of the same measure


def _synthetic_plan_facts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC capex rows and dated plans for three of the real tickers (their plan bases apply)."""
    rows = [  # (ticker, period, period end, metric, USD bn, source)
        ("META", "CY2024", "2024-12-31", "capex_incl_finance_lease_principal", 40.0, "s"),
        ("META", "CY2025", "2025-12-31", "capex_incl_finance_lease_principal", 70.0, "s"),
        ("META", "CY2025", "2025-12-31", "capex", 66.0, "s"),  # another measure: never compared with Meta's plan
        ("GOOGL", "CY2024", "2024-12-31", "capex", 50.0, "s"),
        ("GOOGL", "CY2025", "2025-12-31", "capex", 60.0, "s"),
        ("MSFT", "FY2025", "2025-06-30", "capex", 64.0, "s"),
        ("MSFT", "FY2025", "2025-06-30", "capex_incl_finance_leases", 88.0, "s"),
        ("MSFT", "CY2024", "2024-12-31", "capex", 55.0, "derived: sum of quarters"),
        ("MSFT", "CY2025", "2025-12-31", "capex", 83.0, "derived: sum of quarters"),
    ]
    capex = pd.DataFrame(rows, columns=["ticker", "fiscal_period", "period_end", "metric", "value", "source"])
    capex["period_end"] = pd.to_datetime(capex["period_end"])
    capex["annual"], capex["fiscal_lookalike"] = True, False
    guidance = pd.DataFrame({
        "ticker": ["MSFT", "META", "GOOGL"], "announced_date": pd.to_datetime(["2025-01-03", "2025-01-24",
                                                                             "2025-02-04"]),
        "period_label": ["FY2025", "CY2025", "CY2025"],
        "period_end": pd.to_datetime(["2025-06-30", "2025-12-31", "2025-12-31"]),
        "value_low": [80.0, 60.0, 75.0], "value_high": [80.0, 65.0, 75.0]})
    return capex, guidance


def test_plan_outcomes_compare_only_the_same_measure_synthetic() -> None:
    capex, guidance = _synthetic_plan_facts()
    table = saas.plan_outcomes(capex, guidance, pd.Timestamp("2025-01-27"))
    assert table["timing"].tolist() == ["before", "before", "after"]
    assert table.at["META", "actual"] == 70.0 and table.at["META", "prior"] == 40.0  # Meta's own measure
    assert table.at["META", "actual_vs_plan"] == pytest.approx(70 / 65 - 1)  # against the top of the range
    assert table.at["GOOGL", "plan_vs_prior"] == pytest.approx(75 / 50 - 1)
    assert table.at["GOOGL", "actual_vs_plan"] == pytest.approx(60 / 75 - 1)
    assert np.isnan(table.at["MSFT", "actual"])  # the plan's measure is not stated: no comparison
    assert table.at["MSFT", "other_values"] == (64.0, 88.0)
    assert table.at["MSFT", "other_actuals"].startswith("64.0 bn USD (cash purchases")
    assert saas.unmatched_plan_sentence(table, "MSFT").endswith("the plan lies between them.")
    sentence = saas.rethink_sentence(table)
    assert sentence.startswith("The one plan announced after the event day")
    assert "1 of the 2 outcomes" in sentence and "some spending below plan" in sentence  # Alphabet 60 < 75


def test_calendar_capex_uses_one_measure_and_marks_derived_years_synthetic() -> None:
    capex, _ = _synthetic_plan_facts()
    table = saas.calendar_capex(capex)
    assert table.at["MSFT", "growth"] == pytest.approx(83 / 55 - 1) and table.at["MSFT", "derived_2025"]
    assert np.isnan(table.at["META", 2024]) and table.at["META", 2025] == 66.0  # only the `capex` rows count
    assert np.isnan(table.at["AMZN", "growth"])
    shown = saas.display_calendar_capex(table)
    assert "sums of Microsoft's fiscal quarters" in shown.at["Microsoft (MSFT)", "Note"]


@requires_real_data
def test_dated_plans_against_the_2025_outcome() -> None:
    guidance = load_capex_guidance()
    assert guidance["ticker"].tolist() == ["MSFT", "META", "GOOGL", "AMZN"]
    capex = saas.hyperscaler_capex()
    table = saas.plan_outcomes(capex, guidance, pd.Timestamp("2025-01-27"))
    assert table["timing"].to_dict() == {"MSFT": "before", "META": "before", "GOOGL": "after", "AMZN": "after"}
    assert table.at["META", "metric"] == "capex_incl_finance_lease_principal"
    assert table.at["META", "actual"] == pytest.approx(72.22) and table.at["GOOGL", "actual"] == pytest.approx(91.447)
    assert table[["actual"]].loc[["MSFT", "AMZN"]].isna().all().all()  # no outcome of the plan's own measure
    calendar = saas.calendar_capex(capex)
    assert calendar.at["MSFT", 2025] == pytest.approx(83.094) and calendar.at["MSFT", "derived_2025"]
    numbers = saas.plan_outcome_numbers(table, calendar)
    assert numbers["googl_plan_vs_prior"] == "+43 %" and numbers["n_plans_after"] == 2
    assert numbers["cash_growth_range"] == "+50 % to +74 %" and numbers["cash_missing"] == "Meta"


@requires_real_data
def test_capex_figure_has_one_panel_per_company() -> None:
    capex = saas.hyperscaler_capex()
    table = saas.plan_outcomes(capex, load_capex_guidance(), pd.Timestamp("2025-01-27"))
    params = saas.SaasParameters.validate("2025-01-27", 10, 10, None, False)
    fig = saas_figures.capex_figure(saas.plan_outcome_points(table, capex), table, params)
    assert len(fig.axes) == len(table) and fig.get_suptitle()
    assert all(ax.get_title(loc="left") for ax in fig.axes) and fig.axes[-1].get_xlabel()
    assert any(text.get_text().startswith("Source:") for text in fig.texts)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[0].startswith("Microsoft, fiscal 2025") and "not compared" in titles[0]
    assert_house_numbers(fig)


@pytest.mark.parametrize(("source", "label"), [  # SYNTHETIC source texts in the style of fundamentals.csv
    ("https://www.example.com/page (secondary)", "example.com"),
    ("github:owner/repo reports/x.md (secondary)", "GitHub owner/repo"),
    ("derived: sum of the quarters 1 + 2", "derived in the facts (sum of quarters)"),
    ('Brad Smith, Microsoft blog "Title"', "Brad Smith"),
    ('Amazon FY2025 10-K accn 1 "Purchases of property"', "Amazon FY2025 10-K accn 1"),
])
def test_source_label_names_the_source_briefly(source: str, label: str) -> None:
    assert saas.source_label(source) == label


SAAS_NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "20_saas.ipynb"


@requires_real_data
def test_compute_offers_every_glue_key_the_notebook_quotes() -> None:
    import matplotlib.pyplot as plt

    from deepseek_monday.build.runner import notebook_parameters
    from deepseek_monday.chapters import saas as chapter
    from deepseek_monday.present.glue import referenced_glue_names

    results = chapter.compute(chapter.SaasParameters.validate(**notebook_parameters(SAAS_NOTEBOOK)))
    try:
        referenced = referenced_glue_names(SAAS_NOTEBOOK)
        cells = json.loads(SAAS_NOTEBOOK.read_text(encoding="utf-8"))["cells"]
        displayed = set(re.findall(r'results\.tables\["([^"]+)"\]',
                                   "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")))
        offered = set(results.numbers) | set(results.figures) | set(results.tables)
        assert len(referenced) > 100 and len(displayed) == 14 and len(results.figures) == 7
        assert referenced - offered == set(), "glue keys the notebook quotes but compute does not offer"
        assert displayed - set(results.tables) == set(), "tables the notebook displays but compute does not offer"
        assert not (set(results.numbers) & set(results.figures)) and not (set(results.numbers) & set(results.tables))
        assert all(isinstance(table, pd.DataFrame) for table in results.tables.values())
    finally:
        for fig in results.figures.values():
            plt.close(fig)
