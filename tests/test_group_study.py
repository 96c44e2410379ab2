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


def _notebook_source(name: str) -> str:
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).parents[1] / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells)


def test_sanctions_chapter_quotes_the_group_study_for_the_event_day(study: group_study.GroupStudy) -> None:
    """The sanctions chapter's event-day answer for US chip firms is the group study's, as the notebook glues it.

    Its milestone study measures the event day like the milestones (SPY, masked estimation days);
    that figure is shown as such, but the event day's group answer (text, bullet and headline
    table) is the group study's number, never a recomputation.
    """
    from deepseek_monday.chapters import sanctions
    from deepseek_monday.chapters.sanctions import prose

    params = sanctions.SanctionsParameters.validate(EVENT)
    assert set(params.chip_symbols) == set(group_study.definition(sanctions.CHIPS_GROUP).members)
    numbers = sanctions.group_study_numbers(params)
    q = group_study.quote(study, sanctions.CHIPS_GROUP)
    assert numbers["chips_study_car"] == q["car"] and numbers["chips_study_p"] == q["p"]
    assert numbers["chips_study_p_kp"] == q["p_kp"] and numbers["chips_study_n"] == q["n_firms"]
    assert numbers["chips_study_car_text"] in numbers["chips_study_sentence"]
    # The chapter's compute() glues these numbers, and its headline table and summary bullet quote them.
    glued = sanctions.compute(params).numbers
    assert all(glued[key] == value for key, value in numbers.items())
    source = _notebook_source("30_sanctions.ipynb")
    assert "{glue:text}`chips_study_sentence`" in source
    bullet = source.split("**The event day.**")[1].split("- **")[0]
    assert "chips_study_car_text" in bullet and "chips_study_p_text" in bullet
    rows = {label: (value, p) for label, value, p in prose.HEADLINE_ROWS}
    event_rows = [label for label in rows if label.startswith("US chip firms, event day")]
    assert rows[event_rows[0]] == ("chips_study_car_text", "chips_study_p_text")
    # A changed chip list is another group under another name, never the report's "US chip firms".
    other = sanctions.SanctionsParameters.validate(EVENT, chip_symbols=["NVDA", "AMD", "SMH"])
    assert sanctions.chips_group_definition(other).name == f"{sanctions.CHIPS_GROUP} (this run)"
    assert sanctions.chips_group_definition(other).beside == ("SMH",)


def test_sanctions_chapter_quotes_the_group_study_for_china(study: group_study.GroupStudy) -> None:
    """The sanctions chapter's China event-day numbers are the group study's, one per China group, stocks only;
    KWEB is quoted beside from the study's own test of it, never as part of a group."""
    from deepseek_monday.chapters import sanctions
    from deepseek_monday.chapters.sanctions import prose

    params = sanctions.SanctionsParameters.validate(EVENT)
    numbers = sanctions.group_study_numbers(params)
    for prefix, group in (("china_us", "China (US-listed)"), ("china_hk", "China (Hong Kong)")):
        q = group_study.quote(study, group)
        assert numbers[f"{prefix}_study_name"] == group
        assert numbers[f"{prefix}_study_car"] == q["car"] and numbers[f"{prefix}_study_p"] == q["p"], group
        assert numbers[f"{prefix}_study_p_kp"] == q["p_kp"] and numbers[f"{prefix}_study_n"] == q["n_firms"]
        assert numbers[f"{prefix}_study_car_text"] in numbers["china_study_sentence"]
    members = set(group_study.definition("China (US-listed)").members)
    assert "KWEB" not in members and numbers["china_us_study_n"] == len(members)
    kweb = study.beside[(study.beside["symbol"] == "KWEB") & (study.beside["window"] == "[0,0]")].iloc[0]
    assert numbers["china_us_etf_raw"] == kweb["raw"] and numbers["china_us_etf_car"] == kweb["car"]
    assert numbers["china_us_study_car"] != pytest.approx(kweb["car"])
    # The notebook glues the sentence; the bullet and the headline table quote the group study's numbers.
    source = _notebook_source("30_sanctions.ipynb")
    assert "{glue:text}`china_study_sentence`" in source
    bullet = source.split("**The event day.**")[1].split("- **")[0]
    assert "china_us_study_car_text" in bullet and "china_hk_study_car_text" in bullet
    rows = {label: (value, p) for label, value, p in prose.HEADLINE_ROWS}
    assert rows["China (US-listed), event day, day 0 (group study: portfolio test)"] == (
        "china_us_study_car_text", "china_us_study_p_text")
    assert rows["China (Hong Kong), event day, day 0 (group study: portfolio test)"] == (
        "china_hk_study_car_text", "china_hk_study_p_text")
    china_rows = [label for label in rows if label.startswith("China") and "group study" not in label]
    assert china_rows == [f"{sanctions.CHINA_GROUP}, event day, day 0, measured as the milestones"]


def test_landing_page_sanctions_paragraph_averages_stocks_only() -> None:
    """The landing page's China figure is the US-listed China stocks' basket; KWEB is named beside it."""
    from deepseek_monday.chapters import landing, sanctions
    from deepseek_monday.data.prices import price_panel
    from deepseek_monday.present.tables import format_percent

    text = landing.sanctions_answer(pd.Timestamp(EVENT))["sanctions_answer"]
    prices = price_panel(["BABA", "BIDU", "KWEB"])
    relatives = prices.loc["2025-05-22"] / prices.loc["2025-01-17"]
    stocks = relatives[list(group_study.definition("China (US-listed)").members)].mean() - 1
    assert f"**{format_percent(stocks, 1, signed=True)}**" in text
    assert f"**{format_percent(relatives.mean() - 1, 1, signed=True)}**" not in text  # KWEB averaged in
    assert f"KWEB, shown beside and not averaged in: {format_percent(relatives['KWEB'] - 1, 1, signed=True)}" in text
    assert sanctions.CHINA_US_BASKET == "China (US-listed) basket"


def test_landing_page_quotes_the_group_study(study: group_study.GroupStudy) -> None:
    """The landing page's SaaS paragraph quotes the group study's portfolio CARs and p-values."""
    from deepseek_monday.chapters import landing
    from deepseek_monday.present.tables import format_percent
    from deepseek_monday.present.wording import p_text

    text = landing.saas_answer(pd.Timestamp(EVENT))["saas_answer"]
    for group in ("AI infrastructure", "US cloud software"):
        q = group_study.quote(study, group)
        assert f"**{format_percent(q['car'], signed=True)}** ({p_text(q['p'])}" in text, group
    cloud = group_study.quote(study, "US cloud software")
    assert format_percent(cloud["market_spy"], signed=True) in text


def test_overview_group_means_are_the_study_raw_returns(study: group_study.GroupStudy) -> None:
    """The overview's (and cross-event's) equal-weighted group mean on the day is the group study's raw return
    for every group with the same stocks: one definition of each group."""
    from deepseek_monday.chapters import overview
    from deepseek_monday.data.universe import load_universe

    params = overview.OverviewParameters.validate(EVENT)
    table = overview.event_day_returns(overview.load_event_returns(params), params.event_date)
    summary = overview.group_summary(table)
    universe = load_universe()
    raw = study.benchmarks.set_index(["group", "window"])["raw"]
    compared = 0
    for name in group_study.OVERVIEW_GROUPS:
        members = set(group_study.definition(name).members)
        stocks = set(universe.index[(universe["group"] == name) & (universe["kind"] == "stock")])
        if name in summary.index and stocks == members:
            assert summary.at[name, "mean"] == pytest.approx(raw[(name, "[0,0]")], abs=1e-12), name
            compared += 1
    assert compared >= 5  # AI chips, networking/servers, power for AI, hyperscalers and megacaps, cloud software


def test_before_2015_us_groups_fall_back_to_spy() -> None:
    early = group_study.group_study("2014-03-03")
    assert not early.clean_benchmark_used and "fall back to SPY" in early.benchmark_note
    assert set(early.headline.loc[early.headline["group"] == "AI chips", "benchmark"]) == {"SPY"}
    assert "power for AI" in set(early.dropped["group"])  # no member listed yet
