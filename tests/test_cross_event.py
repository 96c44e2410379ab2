"""Cross-event chapter: parameter validation, measures and displays.

Tests marked SYNTHETIC use made-up series; the others read the real snapshot.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import assert_house_numbers, requires_real_data

from deepseek_monday.chapters.cross_event import analysis as ce
from deepseek_monday.chapters.cross_event import kinds
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.spikes import flagged_days
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures import event_day
from deepseek_monday.present.glue import referenced_glue_names
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MISSING, format_number

DAY = pd.Timestamp("2025-01-27")


# --- SYNTHETIC: pure functions -------------------------------------------------------------

def test_history_rank_on_synthetic_series() -> None:
    # SYNTHETIC returns: a tie at -0.05 and a missing day.
    dates = pd.bdate_range("2024-01-01", periods=6)
    series = pd.Series([-0.05, 0.01, np.nan, -0.05, -0.02, -0.10], index=dates)
    tied = ce.history_rank(series, dates[3])
    assert tied["rank"] == 2  # one lower return (-0.10); ties share the better rank
    assert tied["n"] == 5
    assert tied["last_lower"] == dates[0]  # the last earlier return at or below -0.05 (the ledger's rule)
    assert ce.history_rank(series, dates[4])["last_lower"] == dates[3]
    assert ce.history_rank(series, dates[5])["rank"] == 1
    missing = ce.history_rank(series, dates[2])
    assert np.isnan(missing["rank"]) and missing["last_lower"] is None


def test_ranks_among_days_direction_ties_and_gaps() -> None:
    # SYNTHETIC measures: three days, one missing value, one tie.
    values = pd.DataFrame({"d1": [-0.05, 0.9, 3.0], "d2": [-0.10, 0.9, np.nan], "d3": [0.01, 0.5, 5.0]},
                          index=["fall", "share", "vix"])
    ranks = ce.ranks_among_days(values, {"fall": True, "share": False, "vix": False})
    assert ranks.loc["fall"].tolist() == [2, 1, 3]
    assert ranks.loc["share"].tolist() == [1, 1, 3]
    assert ranks.at["vix", "d2"] is pd.NA
    assert ranks.at["vix", "d3"] == 1


@pytest.mark.parametrize(("number", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                              (12, "12th"), (13, "13th"), (21, "21st"), (112, "112th"),
                                              (1013, "1,013th"), (1584, "1,584th")])
def test_ordinal(number: int, text: str) -> None:
    assert ce.ordinal(number) == text


def test_rank_text_says_what_it_ranks_against() -> None:
    assert ce.rank_text(2, 7) == "the 2nd-most severe of 7 shock days"
    assert ce.rank_text(1, 6) == "the most severe of 6 shock days"
    assert ce.rank_text(6, 6) == "the least severe of 6 shock days"
    assert ce.rank_text(pd.NA, 6).startswith("not ranked")


# --- Parameters (real calendar and snapshot) ------------------------------------------------

@requires_real_data
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shock_days": "2025-01-27"}, "shock_days: '2025-01-27' is not a list of dates"),
        ({"shock_days": []}, r"shock_days: \[\] with event_date 2025-01-27 make 1 day; a comparison needs at "
                             "least 2"),
        ({"shock_days": ["2025-01-27"]}, "make 1 day; a comparison needs at least 2"),
        ({"shock_days": ["2025-01-27", "2025-01-26"]},
         r"shock_days\[1\]: Sun 2025-01-26 is not a trading day of XNYS .*"
         r"before: Fri 2025-01-24, after: Mon 2025-01-27"),
        ({"shock_days": ["2025-01-27", "2025-01-20"]}, r"shock_days\[1\]: Mon 2025-01-20 .*a holiday or closure"),
        ({"shock_days": ["2025-01-27", "27.01.2025"]}, r"shock_days\[1\]: '27.01.2025' is not a date"),
        ({"shock_days": ["1987-10-19", "2025-01-27"]}, r"shock_days\[0\]: 1987-10-19 is outside the data"),
        ({"shock_days": ["1993-01-29", "2025-01-27"]}, "leaves only 0 trading days of data before it"),
        ({"shock_days": ["2025-01-27", "2024-08-05", "2025-01-27"]}, r"listed more than once: \['2025-01-27'\]"),
        ({"shock_days": ["2024-08-05", "2025-01-27"], "event_date": "2025-01-25"},
         "event_date: Sat 2025-01-25 is not a trading day"),
        ({"market": "XLON"}, "market: 'XLON' is not supported"),
    ],
)
def test_parameters_fail_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        ce.CrossEventParameters.validate(**kwargs)


@requires_real_data
def test_parameters_default_and_order() -> None:
    params = ce.CrossEventParameters.validate()
    assert [f"{d:%Y-%m-%d}" for d in params.shock_days] == list(ce.DEFAULT_SHOCK_DAYS)
    assert params.highlight == DAY
    shuffled = ce.CrossEventParameters.validate(("2025-04-04", "2024-08-05"), "2025-04-04")
    assert shuffled.shock_days == (pd.Timestamp("2024-08-05"), pd.Timestamp("2025-04-04"))


@requires_real_data
def test_an_event_date_not_listed_joins_the_shock_days() -> None:
    params = ce.CrossEventParameters.validate(("2024-08-05", "2025-04-04"), "2025-01-27")
    assert params.highlight == DAY
    assert params.shock_days == tuple(pd.to_datetime(["2024-08-05", "2025-01-27", "2025-04-04"]))


# --- Measures on the real snapshot ----------------------------------------------------------

@pytest.fixture(scope="module")
def returns() -> pd.DataFrame:
    return ce.load_cross_event_returns()


@pytest.fixture(scope="module")
def measures(returns: pd.DataFrame) -> ce.CrossEventMeasures:
    return ce.compute_measures(returns, ce.CrossEventParameters.validate())


@requires_real_data
def test_index_moves_match_the_event_day_measure(measures: ce.CrossEventMeasures) -> None:
    # The snapshot's S&P 500 move of 2025-01-27 is -1.46 %.
    assert measures.key.at["GSPC", DAY] == pytest.approx(-0.0146, abs=5e-5)
    moves = event_day.index_moves(DAY)["return"]
    for symbol in event_day.INDEX_ROWS:
        assert measures.key.at[symbol, DAY] == pytest.approx(moves[symbol], abs=1e-12)
    assert ce.display_key_measures(measures).at["S&P 500 (%)", "27 January 2025"] == "\u22121.46"


@requires_real_data
def test_missing_instruments_stay_nan_with_a_note(measures: ce.CrossEventMeasures, returns: pd.DataFrame) -> None:
    early = pd.Timestamp("2000-04-14")  # before SMH (2000-06) and SOXX (2001-07) began
    assert np.isnan(measures.key.at["SMH", early]) and np.isnan(measures.key.at["SOXX", early])
    notes = ce.display_notes(measures)
    assert notes.loc[("14 April 2000", "SMH ETF"), "Why there is no value"] == "outside this series' data"
    table = event_day.event_day_returns(returns, early)
    usable = table[table["kind"] != "volatility"]["return"].notna().sum()
    info = measures.instruments.loc[early]
    assert info["n_instruments"] == usable
    # Every instrument is counted once: with a return, outside its data, without a session, or the VIX.
    assert info["n_instruments"] + info["n_outside"] + info["n_no_session"] + 1 == len(returns.columns)
    assert measures.group_counts.at["power for AI", early] == 0
    assert np.isnan(measures.groups.at["power for AI", early])


@requires_real_data
def test_breadth_worst_and_groups_come_from_the_event_day_measures(measures: ce.CrossEventMeasures,
                                                         returns: pd.DataFrame) -> None:
    table = event_day.event_day_returns(returns, DAY)
    usable = table[table["kind"] != "volatility"].dropna(subset=["return"])
    assert measures.key.at["share_down", DAY] == pytest.approx((usable["return"] < 0).mean())
    assert measures.key.at["worst_return", DAY] == usable["return"].min()
    assert measures.instruments.at[DAY, "worst_name"].endswith(f"({usable['return'].idxmin()})")
    summary = event_day.group_summary(table)
    assert measures.groups.at["AI chips", DAY] == pytest.approx(summary.at["AI chips", "mean"])
    assert list(measures.groups.index) == ce.EQUITY_GROUPS


@requires_real_data
def test_vix_change_in_points(measures: ce.CrossEventMeasures) -> None:
    vix = price_panel(["VIX"])["VIX"].dropna()
    position = vix.index.get_loc(DAY)
    assert measures.key.at["vix_points", DAY] == pytest.approx(vix.iloc[position] - vix.iloc[position - 1])


@requires_real_data
def test_history_rank_of_the_covid_crash(measures: ce.CrossEventMeasures, returns: pd.DataFrame) -> None:
    crash = pd.Timestamp("2020-03-16")
    row = measures.history.loc[("GSPC", crash)]
    gspc = returns["GSPC"].dropna()
    bad = flagged_days(["GSPC"])  # suspected bad prints: the spike and its reversal are not ranked
    assert pd.Timestamp("1935-04-16") in set(bad["date"])
    ranked = gspc.drop([*bad["date"], *bad["next_date"]])
    assert row["rank"] == int((ranked < gspc[crash]).sum()) + 1
    assert row["n"] == len(gspc) - 2 * len(bad)
    assert row["last_lower"] == pd.Timestamp("1987-10-19")  # Black Monday, the only lower S&P 500 day before
    assert measures.history.loc[("IXIC", crash), "rank"] == 1


@requires_real_data
def test_headline_numbers_and_ranks_are_consistent(measures: ce.CrossEventMeasures) -> None:
    numbers = ce.headline_numbers(measures)
    ranks = ce.key_ranks(measures)
    assert numbers["GSPC_rank"] == ce.rank_text(ranks.at["GSPC", DAY], 7)
    assert numbers["SMH_rank"].endswith("of 6 shock days")  # SMH has no return on 2000-04-14
    assert numbers["GSPC_value"] == "\u22121.46 %"  # true minus, a space before %
    assert numbers["highlight_day"] == "Monday 27 January 2025"
    assert numbers["GSPC_extreme_day"] == "16 March 2020"
    assert numbers["n_first"] == sum(ranks.loc[list(ce.MEASURES), DAY] == 1)
    shown = ce.display_ranks(measures)
    assert set(shown.loc["S&P 500 (%)"]) <= {str(rank) for rank in range(1, 8)} and "1" in set(shown.loc["S&P 500 (%)"])
    assert shown.at["SMH ETF (%)", "14 April 2000"] == MISSING  # not ranked: no return that day


@requires_real_data
def test_displays_are_readable_text_tables(measures: ce.CrossEventMeasures) -> None:
    for frame in (ce.display_key_measures(measures), ce.display_group_means(measures), ce.display_ranks(measures),
                  ce.display_instruments(measures), ce.display_history(measures)):
        assert isinstance(frame, pd.DataFrame) and not isinstance(frame.index, pd.RangeIndex)
        texts = frame.astype(str).to_numpy().ravel()
        assert not any(text in ("nan", "<NA>", "NaN", "None") for text in texts)
        assert not any(text[:1].isdigit() and "-" in text for text in texts)  # no ISO dates, no hyphen minus
    instruments = ce.display_instruments(measures)
    assert instruments.at["27 January 2025", "Fell (%)"] == f"{measures.key.at['share_down', DAY] * 100:.1f}"
    assert list(ce.display_key_measures(measures).columns) == [long_date(day) for day in ce.DEFAULT_SHOCK_DAYS]


@requires_real_data
def test_figures_have_titles_and_labels(measures: ce.CrossEventMeasures) -> None:
    from deepseek_monday.chapters.cross_event import figures as cf

    bars = cf.index_move_panels(measures)
    assert len(bars.axes) == len(cf.PANEL_ROWS) == 9 and bars.axes[0].get_xlabel() == "One-day return (%)"
    assert bars.axes[-1].get_xlabel() == "Change in index points"
    heat = cf.group_heatmap(measures)
    assert heat._suptitle.get_text() == "Equity groups on each shock day"
    assert heat.axes[0].get_ylabel().startswith("Equity group")
    assert_house_numbers(bars)
    assert_house_numbers(heat)
    plt.close("all")


# --- Kinds of shock (kinds.py) ---------------------------------------------------------------

def test_worst_days_adds_the_event_when_it_ranks_lower() -> None:
    # SYNTHETIC returns with a tie for the worst day.
    dates = pd.bdate_range("2024-01-01", periods=6)
    series = pd.Series([-0.05, 0.02, -0.05, -0.01, np.nan, -0.03], index=dates)
    top = kinds.worst_days(series, 2)
    assert top["rank"].tolist() == [1, 1] and list(top.index) == [dates[0], dates[2]]
    with_event = kinds.worst_days(series, 2, include=dates[1])
    assert list(with_event.index)[-1] == dates[1] and with_event["rank"].iloc[-1] == 5
    assert len(kinds.worst_days(series, 2, include=dates[0])) == 2  # already listed: not repeated


def test_pooled_stock_days_start_when_every_stock_trades() -> None:
    # SYNTHETIC: B lists on the third day.
    dates = pd.bdate_range("2024-01-01", periods=5)
    frame = pd.DataFrame({"A": [-0.2, 0.1, -0.01, 0.02, -0.03], "B": [np.nan, np.nan, -0.04, 0.0, -0.05]},
                         index=dates)
    pool = kinds.pooled(kinds.common_window(frame))
    assert len(pool) == 6 and pool.index.get_level_values("date").min() == dates[2]
    assert pool.idxmin() == (dates[4], "B")  # A's -20 % on the first day is outside the window


def _facts(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["ticker", "period_end", "metric", "value", "unit"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def test_dollar_loss_needs_printed_closes_and_a_period_share_count() -> None:
    # SYNTHETIC facts: two share classes counted on the same day, a later count, a diluted count to ignore.
    facts = _facts([("X", "2024-11-01", "shares_outstanding_class_a", 900.0, "shares"),
                    ("X", "2024-11-01", "shares_outstanding_class_b", 100.0, "shares"),
                    ("X", "2025-02-01", "shares_outstanding", 5000.0, "shares"),
                    ("X", "2025-01-01", "diluted_shares_weighted", 7.0, "millions_of_shares"),
                    ("X", "2025-01-24", "close_price_printed", 10.0, "USD"),
                    ("X", "2025-01-27", "close_price_printed", 8.0, "USD")])
    day, previous = pd.Timestamp("2025-01-27"), pd.Timestamp("2025-01-24")
    loss = kinds.dollar_loss("X", day, previous, facts)
    assert loss["loss"] == pytest.approx(1000 * 2.0) and loss["shares_date"] == pd.Timestamp("2024-11-01")
    missing = kinds.dollar_loss("X", pd.Timestamp("2025-01-28"), day, facts)
    assert np.isnan(missing["loss"]) and "28 January 2025" in missing["why"]
    assert "share count" in kinds.dollar_loss("Y", day, previous, facts.assign(ticker="Y").iloc[4:])["why"]


def test_series_sentence_says_what_the_rank_is_against() -> None:
    # SYNTHETIC ranks.
    base = {"name": "X", "n": 8104, "first": pd.Timestamp("1994-05-05"), "last": pd.Timestamp("2026-07-17")}
    fall = pd.Series({**base, "return": -0.0915, "rank": 12.0, "last_lower": pd.Timestamp("2020-03-18")})
    assert kinds.series_sentence(fall, "SOX") == (
        "SOX fell \u22129.15 %, the 12th-worst of its 8,104 daily returns from 5 May 1994 to 17 July 2026, "
        "the largest fall since 18 March 2020")
    first = pd.Series({**base, "return": -0.2, "rank": 1.0, "last_lower": None})
    assert "the worst of its" in kinds.series_sentence(first, "X") and "no earlier fall" in \
        kinds.series_sentence(first, "X")
    rise = pd.Series({**base, "return": 0.03, "rank": 8000.0, "last_lower": None})
    assert kinds.series_sentence(rise, "X").startswith("X rose 3.00 % (rank 8,000 from the worst")
    gap = pd.Series({**base, "return": np.nan, "rank": np.nan, "last_lower": None})
    assert "has no return that day" in kinds.series_sentence(gap, "X")


@requires_real_data
@pytest.mark.parametrize("day", ["2025-01-27", "2008-10-15"])
def test_kinds_on_the_snapshot(returns: pd.DataFrame, day: str) -> None:
    day = pd.Timestamp(day)
    ranked = kinds.rank_by_kind(returns, day)
    sox = ranked.sector.loc["SOX"]
    history = returns["SOX"].dropna()
    assert sox["rank"] == int((history < history[day]).sum()) + 1 and sox["n"] == len(history)
    # The S&P 500 ranks leave the flagged 1930s prints out.
    assert ranked.market.at["GSPC", "n"] == returns["GSPC"].notna().sum() - 2 * len(flagged_days(["GSPC"]))
    numbers = kinds.headline_numbers(ranked)
    for text in numbers.values():
        assert "nan" not in text and not re.search(r"(^|[\s(])-\d", text), text  # a true minus, never NaN
    shown = kinds.display_kind(ranked, "sector")
    assert shown.at["PHLX Semiconductor index", "Return that day (%)"] == format_number(sox["return"] * 100)
    for kind in ("megacaps", "sector", "market"):
        for frame in (kinds.display_kind(ranked, kind), kinds.display_worst(ranked, kind)):
            assert not any(text in ("nan", "<NA>", "None") for text in frame.astype(str).to_numpy().ravel())


@requires_real_data
def test_nvidia_dollar_loss_from_printed_closes(returns: pd.DataFrame) -> None:
    ranked = kinds.rank_by_kind(returns, DAY)
    # The facts README's check: 24.49bn x (142.62 - 118.42) = 592.7bn USD.
    assert ranked.dollars["NVDA"]["loss"] == pytest.approx(24.49e9 * (142.62 - 118.42))
    assert all(np.isnan(d["loss"]) for symbol, d in ranked.dollars.items() if symbol != "NVDA")
    assert ranked.megacap_symbol == ranked.megacaps["return"].idxmin()
    assert ranked.megacaps.at["NVDA", "return"] == pytest.approx(-0.1697, abs=5e-5)
    assert "593 bn USD" in kinds.headline_numbers(ranked)["mc_dollar"]


@requires_real_data
def test_kind_figure_marks_the_event(returns: pd.DataFrame) -> None:
    from deepseek_monday.chapters.cross_event import figures as cf

    ranked = kinds.rank_by_kind(returns, DAY)
    market = kinds.worst_for_figure(ranked, "market", 15)
    assert len(market) == 16 and market["event"].tolist() == [False] * 15 + [True]  # S&P 500: added below
    assert kinds.worst_for_figure(ranked, "megacaps", 15)["event"].sum() == 2  # Broadcom and Nvidia
    fig = cf.kind_worst_days(ranked)
    assert [ax.get_xlabel() for ax in fig.axes] == ["One-day return (%)"] * 3
    assert fig.axes[0].get_title(loc="left").startswith("Mega-cap stocks, pooled, since 21 May 2012")
    early = cf.kind_worst_days(kinds.rank_by_kind(returns, pd.Timestamp("2008-10-15")))
    assert "not in this ranking" in early.axes[0].get_title(loc="left")
    assert_house_numbers(fig)
    plt.close("all")


NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "40_cross_event.ipynb"


@requires_real_data
def test_compute_offers_every_glue_key_the_notebook_quotes() -> None:
    """compute() on the notebook's defaults offers every name its prose quotes and every table a cell shows."""
    import matplotlib

    from deepseek_monday.build.runner import notebook_parameters
    from deepseek_monday.chapters import cross_event as chapter

    with matplotlib.rc_context():  # compute() sets the house style; undone for the other tests
        results = chapter.compute(chapter.CrossEventParameters.validate(**notebook_parameters(NOTEBOOK)))
    try:
        cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        displayed = set(re.findall(r'results\.tables\["([^"]+)"\]', code))
        referenced = referenced_glue_names(NOTEBOOK)
        offered = set(results.numbers) | set(results.figures) | set(results.tables)
        assert len(referenced) > 80 and len(displayed) == 12 and len(results.figures) == 3
        assert referenced - offered == set(), "glue keys the notebook quotes but compute does not offer"
        assert displayed == set(results.tables), "tables the notebook displays differ from those compute offers"
        assert set(re.findall(r"\{glue:md\}`([^`:]+)", prose)) <= results.markdown <= set(results.numbers)
        assert set(kinds.SENTENCES) <= results.markdown and "highlight_day" not in results.markdown
        assert not (set(results.numbers) & set(results.figures)) and not (set(results.numbers) & set(results.tables))
        assert all(isinstance(table, pd.DataFrame) and not table.empty for table in results.tables.values())
    finally:
        for fig in results.figures.values():
            plt.close(fig)
