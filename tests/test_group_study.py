"""Tests of measures.group_study: one definition and one number per group, wherever the book quotes it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import adjust_p_values
from deepseek_monday.measures import group_study
from deepseek_monday.measures.group_study import GroupDefinition

EVENT = "2025-01-27"


def _universe() -> pd.DataFrame:
    """SYNTHETIC universe: two stocks, an ETF and an index."""
    return pd.DataFrame({"kind": ["stock", "stock", "etf", "etf", "index"],
                         "calendar": ["XNYS", "XNYS", "XNYS", "XNYS", "XNYS"]},
                        index=pd.Index(["AAA", "BBB", "ETF1", "SPY", "IDX"], name="symbol"))


def test_groups_hold_stocks_only_synthetic() -> None:
    universe = _universe()
    ok = GroupDefinition("g", ("AAA", "BBB"), beside=("ETF1", "IDX"))
    assert group_study.check_definitions([ok], universe) == (ok,)
    with pytest.raises(ParameterError, match="not stocks"):
        group_study.check_definitions([GroupDefinition("g", ("AAA", "ETF1"))], universe)
    with pytest.raises(ParameterError, match="no members"):
        group_study.check_definitions([GroupDefinition("g", ())], universe)
    with pytest.raises(ParameterError, match="names repeated"):
        group_study.check_definitions([ok, ok], universe)
    with pytest.raises(ParameterError, match=r"not in data/universe\.csv"):
        group_study.check_definitions([GroupDefinition("g", ("ZZZ",))], universe)


def test_report_groups_are_stocks_and_differently_named_when_members_differ() -> None:
    from deepseek_monday.data.universe import load_universe

    universe = load_universe()
    definitions = group_study.check_definitions(group_study.GROUPS)
    for group in definitions:
        assert (universe.loc[list(group.members), "kind"] == "stock").all(), group.name
        assert not (universe.loc[list(group.beside), "kind"] == "stock").any(), group.name
    members = {g.name: set(g.members) for g in definitions}
    assert len({frozenset(m) for m in members.values()}) == len(members)  # one name per membership
    assert members["AI chips"] != members["AI infrastructure"]
    assert "SAP" in members["cloud software"] and "SAP" not in members["US cloud software"]


def test_clean_benchmark_falls_back_where_it_does_not_reach_synthetic() -> None:
    dates = pd.bdate_range("2014-01-01", periods=40)
    spy = pd.Series(0.001, index=dates)
    clean = pd.Series(np.where(dates >= dates[20], 0.002, np.nan), index=dates)  # starts at row 20
    assert group_study.clean_benchmark_covers(clean, spy, dates[30], (-5, 5))
    assert not group_study.clean_benchmark_covers(clean, spy, dates[22], (-5, 5))  # reaches before its start
    assert not group_study.clean_benchmark_covers(clean, spy, dates[36], (-5, 5))  # past the data's end
    assert not group_study.clean_benchmark_covers(clean, spy.drop(dates[30]), dates[30], (-5, 5))  # no session


def test_adjusted_p_values_match_statsmodels_synthetic() -> None:
    p = np.array([0.01, 0.04, np.nan, 0.03, 0.2, 0.0005])
    for method in ("holm", "bh"):
        assert np.allclose(group_study.adjust_p(p, method), adjust_p_values(p, method), equal_nan=True)


@pytest.fixture(scope="module")
def study() -> group_study.GroupStudy:
    return group_study.group_study(EVENT)


def test_study_is_cached_and_uses_the_clean_benchmark(study: group_study.GroupStudy) -> None:
    assert group_study.group_study(pd.Timestamp(EVENT)) is study
    assert study.clean_benchmark_used and study.dropped.empty
    chips = study.row("AI chips")
    assert chips["benchmark"] == group_study.CLEAN_LABEL and chips["n_firms"] == 10
    assert chips["car"] < 0 and chips["p"] < 0.01  # a crash the portfolio test does see
    bench = study.benchmarks.set_index(["group", "window"]).loc[("AI chips", "[0,0]")]
    assert bench["headline"] == bench["market_clean"] == chips["car"]
    # SPY holds the chip stocks: against it the chip crash looks smaller and software looks better.
    assert bench["market_spy"] > bench["market_clean"]
    soft = study.benchmarks.set_index(["group", "window"]).loc[("cloud software", "[0,0]")]
    assert soft["market_spy"] > soft["market_clean"]
    assert np.isnan(study.benchmarks.set_index(["group", "window"]).at[("Japan", "[0,0]"), "market_clean"])


def test_raw_return_is_the_equal_weighted_stocks_only(study: group_study.GroupStudy) -> None:
    from deepseek_monday.data.returns import daily_returns

    members = group_study.definition("AI chips").members
    day = daily_returns(list(members)).loc[EVENT]
    raw = study.benchmarks.set_index(["group", "window"]).at[("AI chips", "[0,0]"), "raw"]
    assert raw == pytest.approx(day.mean())


def test_pre_trend_and_tests_tables(study: group_study.GroupStudy) -> None:
    assert set(study.pre_trend["window"]) == {"[-1,-1]", "[-5,-1]", "[-10,-1]"}
    tests = study.tests
    assert {"portfolio time-series", "clustered cross-section"} <= set(tests["family"])
    finite = tests["p"].notna()
    assert (tests.loc[finite, "p_holm"] >= tests.loc[finite, "p"] - 1e-12).all()
    assert (tests.loc[finite, "p_bh"] <= tests.loc[finite, "p_holm"] + 1e-12).all()
    paths = study.paths(-5, 10)
    day0 = paths[(paths["group"] == "AI chips") & (paths["rel_day"] == 0)].iloc[0]
    assert day0["lower"] < day0["car"] < day0["upper"]


def test_both_chapters_quote_the_same_numbers(study: group_study.GroupStudy) -> None:
    """The overview's and the SaaS chapter's glue functions, called as their notebooks call them."""
    from deepseek_monday.chapters import overview, saas

    o_params = overview.OverviewParameters.validate(EVENT)
    o_numbers = overview.event_study_numbers(overview.study_groups(o_params.event_date),
                                             overview.overview_groups(o_params.symbols))
    assert o_numbers["chips_car"] == study.row("AI chips")["car"]
    assert o_numbers["chips_p"] == study.row("AI chips")["p"]
    assert o_numbers["chips_p_kp"] == study.row("AI chips")["p_kp"]

    s_params = saas.SaasParameters.validate(EVENT)
    returns = saas.load_returns(s_params)
    basket = saas.basket_event_study(returns, s_params)
    table = saas.event_day_table(returns, basket, s_params)
    s_numbers = saas.headline_numbers(table, saas.basket_day_summary(table), basket, returns, s_params)
    for key, group in (("infra", "AI infrastructure"), ("hyper", "hyperscalers"), ("cloud", "US cloud software")):
        for suffix, window in (("day0", "[0,0]"), ("p1", "[0,+1]"), ("p5", "[0,+5]")):
            row = study.row(group, window)
            assert s_numbers[f"{key}_car_{suffix}"] == row["car"], (key, window)
    assert s_numbers["cloud_market_clean_day0"] == group_study.quote(study, "US cloud software")["market_clean"]
    # The overview's "cloud software" (with SAP) is another group with another number, under another name.
    assert study.row("cloud software")["car"] != study.row("US cloud software")["car"]
    # Same group, window and test in the overview's tables and in quote().
    shown = overview.display_headline(study, ["AI chips"])
    q = group_study.quote(study, "AI chips")
    assert shown.loc[("AI chips", "[0,0]"), "CAR (%)"].replace("\u2212", "-") == f"{100 * q['car']:.2f}"


def test_before_2015_us_groups_fall_back_to_spy() -> None:
    early = group_study.group_study("2014-03-03")
    assert not early.clean_benchmark_used and "fall back to SPY" in early.benchmark_note
    assert set(early.headline.loc[early.headline["group"] == "AI chips", "benchmark"]) == {"SPY"}
    assert "power for AI" in set(early.dropped["group"])  # no member listed yet
