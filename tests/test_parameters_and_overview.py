"""Parameter validation of the overview chapter and its measures (real snapshot)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import assert_house_numbers, requires_real_data

from deepseek_monday.chapters import overview as chapter
from deepseek_monday.chapters.overview import analysis as overview
from deepseek_monday.chapters.overview import figures
from deepseek_monday.data.params import check_positive_int
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures import event_day
from deepseek_monday.present.glue import referenced_glue_names
from deepseek_monday.present.tables import MISSING, format_number

pytestmark = requires_real_data

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "00_overview.ipynb"


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


def test_cumulative_returns_compound_own_returns() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "SPY"])
    returns = overview.load_event_returns(params)
    paths = overview.cumulative_returns(returns, params.event_date, 3, 2)
    window = returns.loc[paths.index, "NVDA"]
    assert paths["NVDA"].iloc[-1] == pytest.approx(np.prod(1 + window) - 1)
    groups = overview.group_cumulative_returns(returns, params.event_date, 3, 2)
    assert list(groups.index) == [-3, -2, -1, 0, 1, 2]
    assert list(groups.columns) == ["AI chips"]  # SPY is no stock: indices/benchmarks has no average


def test_group_paths_average_stocks_only_and_other_assets_stay_apart() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "AMD", "SMH", "BTC-USD", "EURUSD"])
    returns = overview.load_event_returns(params)
    groups = overview.group_cumulative_returns(returns, params.event_date, 3, 2)
    assert list(groups.columns) == ["AI chips"]
    stocks = returns.reindex(overview.window_sessions(params.event_date, 3, 2).index)[["NVDA", "AMD"]]
    assert groups["AI chips"].iloc[-1] == pytest.approx(np.prod(1 + stocks.mean(axis=1)) - 1)  # SMH not in it
    others = overview.other_asset_returns(returns, params.event_date, 3, 2)
    assert list(others.columns) == ["BTC-USD", "EURUSD"]  # each on its own, never averaged
    assert list(others.index) == [-3, -2, -1, 0, 1, 2]
    # Bitcoin compounds its weekend days too: day 0 (Monday 27 January) includes 25 and 26 January.
    btc = returns["BTC-USD"].loc["2025-01-22":"2025-01-27"]
    assert others.at[0, "BTC-USD"] == pytest.approx(np.prod(1 + btc) - 1)


def test_readable_overview_tables() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "VIX", "SPY"])
    table = event_day.event_day_returns(overview.load_event_returns(params), params.event_date)
    shown = overview.display_event_table(table, params.event_date)
    assert shown.index.name == "Symbol"
    assert shown.at["VIX", "Return (%)"] == MISSING  # a volatility level has no return
    assert shown.at["VIX", "Note"].startswith("a volatility index, not a return: closed at")
    assert shown.at["NVDA", "Return (%)"] == format_number(100 * table.at["NVDA", "return"])
    indices = overview.display_index_moves(event_day.index_moves(params.event_date))
    assert list(indices.columns) == ["Series", "Previous close", "Close", "Return (%)"]
    assert indices.at["GSPC", "Close"] == "6,012.28"


def test_key_findings_reuse_the_chapters_numbers() -> None:
    from deepseek_monday.claims import ledger

    findings = overview.key_findings(pd.Timestamp("2025-01-27"))
    assert findings["findings_day"] == "Monday 27 January 2025"
    nvidia = ledger.evaluate().set_index("id").at["003-01", "measured"]  # the ledger's market-value loss
    assert f"about {float(nvidia.split()[0]):,.0f} billion US dollars off" in findings["finding_nvidia"]
    moves = event_day.index_moves(pd.Timestamp("2025-01-27"))
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
    assert list(indices.columns) == list(event_day.INDEX_ROWS)
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


def panel_title(ax: plt.Axes) -> str:
    """The axes' title wherever the style places it (the house style sets it on the left)."""
    return "".join(ax.get_title(loc) for loc in ("left", "center", "right"))


def test_cumulative_panels_leave_out_series_without_data() -> None:
    """SYNTHETIC paths: an all-NaN index and an all-NaN group get no line and no legend entry."""
    dates = pd.bdate_range("2030-01-01", periods=5)
    indices = pd.DataFrame({"GSPC": [0.0, 0.01, -0.02, 0.0, 0.01], "IXIC": np.nan}, index=dates)
    groups = pd.DataFrame({"AI chips": [0.0, -0.05, -0.1, -0.08, -0.07], "Europe": np.nan},
                          index=pd.Index(range(-2, 3), name="rel_day"))
    fig = figures.cumulative_panels(indices, groups, dates[2], market="XETR")
    left, *panels = fig.axes
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["S&P 500"]
    assert [panel_title(ax) for ax in panels] == ["AI chips"]  # one small panel per group with data
    assert any("Xetra sessions" in text.get_text() for text in fig.texts)
    assert_house_numbers(fig)
    plt.close(fig)


def test_other_assets_share_one_panel_one_line_each() -> None:
    """SYNTHETIC paths: Bitcoin and EUR/USD are two lines of one panel, never a group's panel or average."""
    dates = pd.bdate_range("2030-01-01", periods=5)
    rel = pd.Index(range(-2, 3), name="rel_day")
    indices = pd.DataFrame({"GSPC": [0.0, 0.01, -0.02, 0.0, 0.01]}, index=dates)
    groups = pd.DataFrame({"AI chips": [0.0, -0.05, -0.1, -0.08, -0.07]}, index=rel)
    others = pd.DataFrame({"BTC-USD": [0.0, 0.02, -0.03, 0.01, 0.0], "EURUSD": [0.0, 0.001, 0.002, 0.0, -0.001]},
                          index=rel)
    fig = figures.cumulative_panels(indices, groups, dates[2], others=others)
    _, *panels = fig.axes
    assert [panel_title(ax) for ax in panels] == ["AI chips", figures.OTHER_ASSETS_TITLE]
    labels = [t.get_text() for t in panels[-1].get_legend().get_texts()]
    assert len(labels) == 2 and labels[0].startswith("BTC-USD") and labels[1].startswith("EURUSD")
    plt.close(fig)


def test_cumulative_figure_has_no_panel_of_a_group_without_stocks() -> None:
    results = chapter.compute(overview.OverviewParameters.validate("2025-01-27"))
    fig = results.figures["fig_cumulative"]
    titles = [panel_title(ax) for ax in fig.axes]
    assert not set(titles) & set(event_day.NON_EQUITY_GROUPS), titles
    assert "AI chips" in titles and figures.OTHER_ASSETS_TITLE in titles
    assert not set(results.tables["table_group_summary"].index) & set(event_day.NON_EQUITY_GROUPS)
    assert "Stocks" in results.tables["table_group_summary"].columns
    assert "Averaging each group's stocks" in str(results.numbers["group_sentence"])
    plt.close("all")


def test_group_sentence_with_no_one_or_several_equity_groups() -> None:
    """SYNTHETIC group means: the sentence never indexes an empty summary."""
    several = pd.DataFrame({"mean": [-0.05, 0.01]}, index=["AI chips", "Europe"])
    assert overview.group_sentence(several) == (
        "Averaging each group's stocks with equal weights, the hardest-hit group was "
        "*AI chips* (\u22125.00 %) and the best-placed was *Europe* (+1.00 %).")
    assert overview.group_sentence(several.iloc[:1]) == (
        "Averaging its stocks with equal weights, the only group of stocks, *AI chips*, returned \u22125.00 %.")
    assert "no group average" in overview.group_sentence(several.iloc[:0])


def test_headline_numbers_without_equity_groups() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["GSPC"])
    table = event_day.event_day_returns(overview.load_event_returns(params), params.event_date)
    numbers = overview.headline_numbers(table, event_day.group_summary(table), event_day.index_moves(params.event_date),
                                        params)
    assert "no group average" in numbers["group_sentence"]


def test_overview_event_study_tables_come_from_group_study() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "AMD", "SOXX", "MSFT"])
    groups = overview.overview_groups(params.symbols)
    assert groups == ["AI chips", "hyperscalers and megacaps"]  # a group is studied whole, whatever the symbols
    study = overview.study_groups(params.event_date)
    shown = overview.display_headline(study, groups)
    assert shown.index.names == ["Group", "Window (trading days)"]
    assert list(shown.loc["AI chips"].index) == ["[0,0]", "[0,+1]", "[0,+5]"]
    assert shown.loc[("AI chips", "[0,0]"), "Stocks"] == "10"  # stocks only: SOXX and SMH are beside, not in
    numbers = overview.event_study_numbers(study, groups)
    assert numbers["chips_n_firms"] == 10
    assert format_number(100 * numbers["chips_car"]) == shown.loc[("AI chips", "[0,0]"), "CAR (%)"]
    assert "Kolari" in numbers["chips_sentence"] and "nan" not in numbers["chips_sentence"].lower()
    beside = overview.display_beside(study, groups)
    assert {"SOXX", "SMH", "SOX"} <= set(beside.loc["AI chips"].index)
    benchmarks = overview.display_benchmarks(study, groups)
    assert list(benchmarks.index) == groups and not benchmarks.isin(["nan", "NaN"]).any().any()
    assert MISSING not in set(benchmarks.loc["AI chips"].drop("Market model, local index (%)"))  # US: every measure
    assert overview.path_groups(study, groups) == groups



def test_compute_offers_every_glue_key_the_notebook_quotes() -> None:
    """compute() on the notebook's defaults offers every name its prose quotes and every table a cell shows."""
    import matplotlib

    from deepseek_monday.build.runner import notebook_parameters

    with matplotlib.rc_context():  # compute() sets the house style; undone for the other tests
        results = chapter.compute(chapter.OverviewParameters.validate(**notebook_parameters(NOTEBOOK)))
    try:
        cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        displayed = set(re.findall(r'results\.tables\["([^"]+)"\]', code))
        referenced = referenced_glue_names(NOTEBOOK)
        offered = set(results.numbers) | set(results.figures) | set(results.tables)
        assert len(referenced) >= 20 and len(displayed) == 9 and len(results.figures) == 3
        assert referenced - offered == set(), "glue keys the notebook quotes but compute does not offer"
        assert displayed == set(results.tables), "tables the notebook displays differ from those compute offers"
        assert set(re.findall(r"\{glue:md\}`([^`:]+)", prose)) <= results.markdown <= set(results.numbers)
        assert {"group_sentence", "index_paragraph", "benchmark_note", "chips_sentence"} <= results.markdown
        assert not (set(results.numbers) & set(results.figures)) and not (set(results.numbers) & set(results.tables))
        assert all(isinstance(table, pd.DataFrame) and not table.empty for table in results.tables.values())
    finally:
        for fig in results.figures.values():
            plt.close(fig)
