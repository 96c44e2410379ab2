"""Parameter validation of the overview chapter and its measures (real snapshot)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday.chapters.overview import analysis as overview
from deepseek_monday.data.params import check_positive_int
from deepseek_monday.errors import ParameterError
from deepseek_monday.present.tables import MINUS, MISSING, format_number

pytestmark = requires_real_data


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event_date": "2025-01-26"}, "Sun 2025-01-26 is not a trading day of XNYS"),
        ({"event_date": "2026-12-01"}, r"outside the data \(SPY, the reference series for XNYS"),
        ({"event_date": "2026-07-30"}, "leaves only 1 trading days of data after it"),
        ({"event_date": "2025-01-27", "lookback_days": 1}, "lookback_days: 1 is too short"),
        ({"event_date": "2025-01-27", "lookahead_days": "ten"}, "lookahead_days: 'ten' is not a whole number"),
        ({"event_date": "2025-01-27", "symbols": ["NVDA", "XYZ"]}, r"unknown ticker\(s\) \['XYZ'\]"),
        ({"event_date": "2025-01-27", "symbols": []}, r"symbols: the list is empty"),
        ({"event_date": "2025-01-27", "market": "XLON"}, "market: 'XLON' is not supported"),
    ],
)
def test_overview_parameters_fail_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        overview.OverviewParameters.validate(**kwargs)


def test_booleans_are_not_window_lengths() -> None:
    with pytest.raises(ParameterError):
        check_positive_int(True, "lookback_days")


def test_event_day_table_and_group_summary() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "AAPL", "SPY", "VIX", "0700.HK"])
    returns = overview.load_event_returns(params)
    table = overview.event_day_returns(returns, params.event_date)
    assert table.loc["NVDA", "return"] == returns.loc["2025-01-27", "NVDA"]
    summary = overview.group_summary(table)
    # VIX is a volatility level: shown in the table, never averaged.
    assert not np.isnan(table.loc["VIX", "return"])
    assert summary.loc["indices/benchmarks", "instruments"] == 1
    assert summary.loc["hyperscalers and megacaps", "mean"] == table.loc["AAPL", "return"]


def test_holiday_on_an_instruments_exchange_is_a_gap_with_a_note() -> None:
    # 2025-01-29 was Lunar New Year in Hong Kong: NYSE traded, HKEX did not.
    params = overview.OverviewParameters.validate("2025-01-29", symbols=["NVDA", "0700.HK"])
    table = overview.event_day_returns(overview.load_event_returns(params), params.event_date)
    assert np.isnan(table.loc["0700.HK", "return"])
    assert table.loc["0700.HK", "note"] == "no session on this date"


def test_index_moves_use_previous_own_session() -> None:
    moves = overview.index_moves(pd.Timestamp("2025-01-27"))
    assert moves.loc["GSPC", "close"] == pytest.approx(6012.28, abs=0.01)
    assert moves.loc["GSPC", "return"] == pytest.approx(6012.28 / moves.loc["GSPC", "previous_close"] - 1, abs=1e-6)


def test_index_move_across_a_missing_session_is_undefined() -> None:
    # The snapshot's DAX file lacks a few Xetra sessions (see the data page). On the day after such a
    # gap the previous calendar session is missing, so there must be no one-day return.
    from deepseek_monday.data.prices import price_panel
    from deepseek_monday.data.returns import daily_returns

    prices = price_panel(["GDAXI"])["GDAXI"].dropna()
    returns = daily_returns(["GDAXI"])["GDAXI"]
    gap_days = returns.loc[prices.index[1:]][returns.loc[prices.index[1:]].isna()].index
    assert len(gap_days) > 0
    moves = overview.index_moves(gap_days[-1])
    assert np.isnan(moves.loc["GDAXI", "return"]) and np.isnan(moves.loc["GDAXI", "previous_close"])


def test_cumulative_returns_compound_own_returns() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "SPY"])
    returns = overview.load_event_returns(params)
    paths = overview.cumulative_returns(returns, params.event_date, 3, 2)
    window = returns.loc[paths.index, "NVDA"]
    assert paths["NVDA"].iloc[-1] == pytest.approx(np.prod(1 + window) - 1)
    groups = overview.group_cumulative_returns(returns, params.event_date, 3, 2)
    assert list(groups.index) == [-3, -2, -1, 0, 1, 2]


def test_group_event_study_tables() -> None:
    params = overview.OverviewParameters.validate(
        "2025-01-27", symbols=["NVDA", "AVGO", "AMD", "MU", "AAPL", "MSFT", "VST", "CEG", "SPY", "GSPC"])
    study = overview.group_event_study(overview.load_event_returns(params), params.event_date)
    shown = overview.display_group_tests(study)
    assert shown.index.names == ["Group", "Window (trading days)"]
    chips = shown.loc["AI chips"]
    assert list(chips.index) == ["[0,0]", "[\u22121,+1]", "[0,+10]", "[\u22125,+5]"]  # the order of OVERVIEW_WINDOWS
    assert chips["Firms"].tolist() == ["4", "4", "4", "4"]
    day0 = study.car[(study.car["window"] == "[0,0]") & study.car["symbol"].isin(["NVDA", "AVGO", "AMD", "MU"])]
    assert chips["CAAR (%)"].iloc[0] == format_number(100 * day0["car"].mean())
    assert set(shown.index.get_level_values("Group")) <= set(overview.GROUPS)  # no pooled "All" row per group
    p_values = shown[list(overview.GROUP_TESTS.values())].to_numpy().ravel()
    assert all(p == MISSING or p == "<0.001" or (len(p) == 5 and p.startswith(("0.", "1."))) for p in p_values)
    # Groups below MIN_FIRMS_FOR_PATH are not drawn; indices are excluded with a plain reason, the
    # benchmark SPY (not studied itself) is listed too, so studied and left out add up.
    assert overview.equity_groups(study) == ["AI chips"]
    excluded = overview.display_exclusions(study, params.symbols)
    assert excluded.at["GSPC", "Why it is left out"].startswith("an index:")
    assert excluded.at["SPY", "Why it is left out"].startswith("the benchmark itself")
    assert not excluded["Why it is left out"].str.contains("=...", regex=False).any()
    numbers = overview.event_study_numbers(study, params.symbols)
    assert numbers["n_studied"] + numbers["n_excluded"] == len(params.symbols) == numbers["n_instruments_total"]
    assert numbers["chips_n"] == 4
    assert f"{numbers['chips_caar'] * 100:.2f}".replace("-", MINUS) == chips["CAAR (%)"].iloc[0]


@pytest.mark.parametrize(
    ("reason", "kind", "plain"),
    [
        ("no benchmark for this symbol (pass benchmark=...)", "fx", "an exchange rate: the report measures only"),
        ("no benchmark for this symbol (pass benchmark=...)", "stock", "no market benchmark is assigned to it"),
        ("estimation window [-250,-11] does not fit the data: GEV has 207 sessions before and 379 after day 0 "
         "(2025-01-27)", "stock", "price history too short: 207 trading days before the event, 250 needed"),
        ("event windows [-5,+10] does not fit the data: X has 900 sessions before and 3 after day 0 (2026-07-27)",
         "stock", "too few trading days after the event in the data: 3, 10 needed"),
        ("event date 2025-01-29 is not a session of 0700.HK (no return that day; day0='next' takes the next "
         "session)", "stock", "no trading session on the event date"),
        ("something new", "stock", "something new"),
    ],
)
def test_exclusion_reasons_in_plain_english(reason: str, kind: str, plain: str) -> None:
    assert overview.plain_reason(reason, kind).startswith(plain)


def test_an_event_date_outside_a_series_is_not_called_a_holiday() -> None:
    reason = "event date 2020-03-16 is not a session of ARM (no return that day; day0='next' takes the next session)"
    listed = (pd.Timestamp("2023-09-14"), pd.Timestamp("2026-07-31"))
    assert overview.plain_reason(reason, "stock", listed, pd.Timestamp("2020-03-16")) == (
        "no price data on the event date: its series starts on 14 September 2023")
    params = overview.OverviewParameters.validate("2020-03-16", symbols=["NVDA", "ARM", "SPY"])
    study = overview.group_event_study(overview.load_event_returns(params), params.event_date)
    assert overview.display_exclusions(study, params.symbols).at["ARM", "Why it is left out"].startswith(
        "no price data on the event date: its series starts on")


def test_kolari_pynnonen_factor_widens_bands_for_correlated_firms() -> None:
    # r = 0: independent firms, no widening; one firm or no estimate: no widening; a negative r never narrows.
    assert overview.kolari_pynnonen_factor(10, 0.0) == pytest.approx(1.0)
    assert overview.kolari_pynnonen_factor(1, 0.5) == pytest.approx(1.0)
    assert overview.kolari_pynnonen_factor(5, np.nan) == pytest.approx(1.0)
    assert overview.kolari_pynnonen_factor(3, -0.4) == pytest.approx(1.0)
    assert overview.kolari_pynnonen_factor(10, 0.1) == pytest.approx(np.sqrt(1.9 / 0.9))


def test_car_bands_are_widened_by_the_groups_correlation() -> None:
    from deepseek_monday.eventstudy import car_paths

    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "AVGO", "AMD", "MU", "SPY"])
    study = overview.group_event_study(overview.load_event_returns(params), params.event_date)
    plain = car_paths(study, start=-5, end=10, by="group").set_index(["group", "rel_day"])
    adjusted = overview.correlation_adjusted_paths(study, start=-5, end=10).set_index(["group", "rel_day"])
    r_bar = study.caar.set_index("group").loc["AI chips", "r_bar"].iloc[0]
    chips_plain, chips = plain.loc["AI chips"], adjusted.loc["AI chips"]
    assert np.allclose(chips["car"], chips_plain["car"])
    expected = overview.kolari_pynnonen_factor(chips_plain["n_firms"].to_numpy(), r_bar)
    assert np.allclose(chips["upper"] - chips["car"], expected * (chips_plain["upper"] - chips_plain["car"]))
    assert (chips["widening"] >= 1).all()


def test_readable_overview_tables() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "VIX", "SPY"])
    table = overview.event_day_returns(overview.load_event_returns(params), params.event_date)
    shown = overview.display_event_table(table, params.event_date)
    assert shown.index.name == "Symbol"
    assert shown.at["VIX", "Return (%)"] == MISSING  # a volatility level has no return
    assert shown.at["VIX", "Note"].startswith("a volatility index, not a return: closed at")
    assert shown.at["NVDA", "Return (%)"] == format_number(100 * table.at["NVDA", "return"])
    indices = overview.display_index_moves(overview.index_moves(params.event_date))
    assert list(indices.columns) == ["Series", "Previous close", "Close", "Return (%)"]
    assert indices.at["GSPC", "Close"] == "6,012.28"


def test_key_findings_reuse_the_chapters_numbers() -> None:
    from deepseek_monday.claims import ledger

    findings = overview.key_findings(pd.Timestamp("2025-01-27"))
    assert findings["findings_day"] == "Monday 27 January 2025"
    nvidia = ledger.evaluate().set_index("id").at["003-01", "measured"]  # the ledger's market-value loss
    assert f"about {float(nvidia.split()[0]):,.0f} billion US dollars off" in findings["finding_nvidia"]
    moves = overview.index_moves(pd.Timestamp("2025-01-27"))
    assert findings["finding_chips"].startswith(
        f"The chip index, the PHLX Semiconductor index, returned {moves.at['SOX', 'return']:+.2%}")
    assert moves.at["SOX", "return"] == pytest.approx(-0.0915, abs=5e-5)  # the README's -9.15%
    assert f"{moves.at['SMH', 'return']:+.2%}" in findings["finding_chips"]
    assert findings["finding_market"].startswith(f"The S&P 500 returned {moves.at['GSPC', 'return']:+.2%}")
    # Before Nvidia's first share count the change in market value is said to be missing, not estimated.
    early = overview.key_findings(pd.Timestamp("2020-03-16"))
    assert "cannot be computed" in early["finding_nvidia"]


def test_index_returns_do_not_depend_on_the_chosen_symbols() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "AMD"])
    indices = overview.load_index_returns()
    assert list(indices.columns) == list(overview.INDEX_ROWS)
    window = overview.cumulative_returns(indices, params.event_date, params.lookback_days, params.lookahead_days)
    assert window.notna().any().all()


def test_index_paragraph_never_prints_nan() -> None:
    """SYNTHETIC returns: three indices without data for the day are named as such, never as nan."""
    returns = {"GSPC": -0.0048, "IXIC": np.nan, "NDX": -0.0144, "DJI": np.nan, "GDAXI": np.nan,
               "SOX": np.nan, "SMH": -0.0416, "SOXX": np.nan}
    indices = pd.DataFrame({"return": returns})
    text = overview.index_paragraph(indices)
    assert "nan" not in text.lower()
    assert text.startswith("Among the headline indices, the S&P 500 returned -0.48% and the Nasdaq-100 -1.44%; "
                           "the Nasdaq Composite, the Dow and the DAX have no data for that day.")
    assert "The chip index the articles cite, the PHLX Semiconductor index has no data for that day" in text
    assert "SMH returned -4.16%; SOXX has no data for that day" in text


def test_market_names_are_readable() -> None:
    assert [overview.market_name(m) for m in ("XNYS", "XETR", "XHKG", "XTKS", "XLON")] == [
        "NYSE", "Xetra", "HKEX", "Tokyo Stock Exchange", "XLON"]


def test_cumulative_panels_leave_out_series_without_data() -> None:
    """SYNTHETIC paths: an all-NaN index and an all-NaN group get no line and no legend entry."""
    from deepseek_monday.chapters.overview import figures

    dates = pd.bdate_range("2030-01-01", periods=5)
    indices = pd.DataFrame({"GSPC": [0.0, 0.01, -0.02, 0.0, 0.01], "IXIC": np.nan}, index=dates)
    groups = pd.DataFrame({"AI chips": [0.0, -0.05, -0.1, -0.08, -0.07], "crypto": np.nan},
                          index=pd.Index(range(-2, 3), name="rel_day"))
    fig = figures.cumulative_panels(indices, groups, dates[2], market="XETR")
    left, *panels = fig.axes
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["S&P 500"]
    assert [ax.get_title() for ax in panels] == ["AI chips"]  # one small panel per group with data
    assert any("Xetra sessions" in text.get_text() for text in fig.texts)
    plt.close(fig)


def test_group_sentence_with_no_one_or_several_equity_groups() -> None:
    """SYNTHETIC group means: the sentence never indexes an empty summary."""
    several = pd.DataFrame({"mean": [-0.05, 0.01]}, index=["AI chips", "Europe"])
    assert overview.group_sentence(several) == ("Averaged with equal weights, the hardest-hit equity group was "
                                                "*AI chips* (-5.00%) and the best-placed was *Europe* (+1.00%).")
    assert overview.group_sentence(several.iloc[:1]) == (
        "Averaged with equal weights, the only equity group, *AI chips*, returned -5.00%.")
    assert "no group average" in overview.group_sentence(several.iloc[:0])


def test_headline_numbers_without_equity_groups() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["GSPC"])
    table = overview.event_day_returns(overview.load_event_returns(params), params.event_date)
    numbers = overview.headline_numbers(table, overview.group_summary(table), overview.index_moves(params.event_date),
                                        params)
    assert "no group average" in numbers["group_sentence"]


def test_chips_sentence_without_chip_firms_quotes_no_nan() -> None:
    """SYNTHETIC CAAR rows: a chip group is quoted with its tests; no chip group says so."""
    row = pd.Series({"caar": -0.1234, "n_firms": 4, "p_t_cs": 0.0001, "p_kp": 0.0412, "p_corrado": 0.2, "r_bar": 0.3})
    text = overview.chips_sentence(row)
    assert "of the 4 AI-chip stocks and ETFs" in text and "was -12.34%" in text
    assert "p = 0.000)" in text and "(p = 0.041)" in text and "gives p = 0.200." in text
    missing = overview.chips_sentence(row * np.nan)
    assert "nan" not in missing.lower() and "no group CAAR" in missing


def test_event_study_of_chosen_symbols_loads_their_benchmark() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "AMD"])
    study = overview.group_event_study(overview.load_event_returns(params), params.event_date)
    assert sorted(study.car["symbol"].unique()) == ["AMD", "NVDA"]  # SPY is their benchmark, not studied
    assert overview.display_exclusions(study, params.symbols).empty
    assert overview.event_study_numbers(study, params.symbols)["chips_n"] == 2
