"""Cross-event chapter: parameter validation, measures and displays.

Tests marked SYNTHETIC use made-up series; the others read the real snapshot.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday.chapters.cross_event import analysis as ce
from deepseek_monday.chapters.overview import analysis as overview
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.spikes import flagged_days
from deepseek_monday.errors import ParameterError
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MISSING

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


def test_rank_text_names_missing_data() -> None:
    assert ce.rank_text(2, 7) == "2nd of 7"
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
def test_index_moves_match_overview_and_manifest(measures: ce.CrossEventMeasures) -> None:
    # The snapshot's S&P 500 move of 2025-01-27 is -1.46 %.
    assert measures.key.at["GSPC", DAY] == pytest.approx(-0.0146, abs=5e-5)
    moves = overview.index_moves(DAY)["return"]
    for symbol in overview.INDEX_ROWS:
        assert measures.key.at[symbol, DAY] == pytest.approx(moves[symbol], abs=1e-12)
    assert ce.display_key_measures(measures).at["S&P 500 (%)", "27 January 2025"] == "\u22121.46"


@requires_real_data
def test_missing_instruments_stay_nan_with_a_note(measures: ce.CrossEventMeasures, returns: pd.DataFrame) -> None:
    early = pd.Timestamp("2000-04-14")  # before SMH (2000-06) and SOXX (2001-07) began
    assert np.isnan(measures.key.at["SMH", early]) and np.isnan(measures.key.at["SOXX", early])
    notes = ce.display_notes(measures)
    assert notes.loc[("14 April 2000", "SMH ETF"), "Why there is no value"] == "outside this series' data"
    table = overview.event_day_returns(returns, early)
    usable = table[table["kind"] != "volatility"]["return"].notna().sum()
    info = measures.instruments.loc[early]
    assert info["n_instruments"] == usable
    # Every instrument is counted once: with a return, outside its data, without a session, or the VIX.
    assert info["n_instruments"] + info["n_outside"] + info["n_no_session"] + 1 == len(returns.columns)
    assert measures.group_counts.at["power for AI", early] == 0
    assert np.isnan(measures.groups.at["power for AI", early])


@requires_real_data
def test_breadth_worst_and_groups_come_from_the_overview(measures: ce.CrossEventMeasures,
                                                         returns: pd.DataFrame) -> None:
    table = overview.event_day_returns(returns, DAY)
    usable = table[table["kind"] != "volatility"].dropna(subset=["return"])
    assert measures.key.at["share_down", DAY] == pytest.approx((usable["return"] < 0).mean())
    assert measures.key.at["worst_return", DAY] == usable["return"].min()
    assert measures.instruments.at[DAY, "worst_name"].endswith(f"({usable['return'].idxmin()})")
    summary = overview.group_summary(table)
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
    assert numbers["SMH_rank"].endswith("of 6")  # SMH has no return on 2000-04-14
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
    plt.close("all")
