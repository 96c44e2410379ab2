"""The bubble chapter's measures: SYNTHETIC series for the arithmetic, the real snapshot and facts for
documented values and for agreement with the claims ledger (the chapter and the ledger must not disagree)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import assert_house_numbers, requires_real_data

from deepseek_monday.chapters import bubble
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims import load_claims
from deepseek_monday.claims.registry import NotCheckable, get_measure
from deepseek_monday.data.paths import facts_dir, market_data_dir
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures import diluted_value

MONDAY = pd.Timestamp("2025-01-27")

# ---------------------------------------------------------------- SYNTHETIC data


def synthetic_prices(values: list[float], start: str = "2024-01-01") -> pd.Series:
    """SYNTHETIC daily prices on consecutive business days."""
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), name="SYN", dtype=float)


# SYNTHETIC share counts of two fiscal years.
SYNTHETIC_SCHEDULE = pd.DataFrame({"fiscal_period": ["FY2023", "FY2024"],
                                   "period_end": pd.to_datetime(["2023-01-29", "2024-01-28"]),
                                   "shares": [1_000.0, 2_000.0]})


@pytest.fixture
def synthetic_shares(monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """Make every ticker use the SYNTHETIC share-count schedule."""
    monkeypatch.setattr(diluted_value, "share_count_schedule", lambda ticker: SYNTHETIC_SCHEDULE)
    return SYNTHETIC_SCHEDULE




def test_fall_rank_counts_strictly_larger_falls() -> None:
    returns = pd.Series([0.01, -0.05, -0.02, -0.10, np.nan], index=pd.bdate_range("2024-01-01", periods=5))
    assert calc.fall_rank(returns, returns.index[1]) == (2, 4)
    assert calc.fall_rank(returns, returns.index[3]) == (1, 4)


def test_largest_falls_flags_a_fall_undone_the_next_session() -> None:
    prices = synthetic_prices([100.0, 90.0, 99.0, 100.0, 80.0, 82.0])
    falls = bubble.largest_falls(prices, prices.pct_change(), n=2)
    assert falls["return"].round(4).tolist() == [-0.2, -0.1]
    assert falls["undone_next_day"].tolist() == [False, True]


def test_rebase_at_peak_levels_years_and_drawdown() -> None:
    prices = synthetic_prices([50.0, 100.0, 80.0, 120.0, 60.0])
    path = bubble.rebase_at_peak(prices, prices.index[1], years=1)
    assert path["level"].tolist() == [1.0, 0.8, 1.2, 0.6]
    assert path["drawdown"].round(4).tolist() == [0.0, -0.2, 0.0, -0.5]
    assert path["years"].iloc[0] == 0.0
    assert path["years"].iloc[1] == pytest.approx(1 / bubble.DAYS_PER_YEAR)


def test_level_after_and_peak_in() -> None:
    prices = synthetic_prices([100.0] * 300 + [50.0] * 10, start="2023-01-02")
    peak = bubble.peak_in(prices, prices.index[0], prices.index[-1])
    assert peak == prices.index[0]
    level, day = bubble.level_after(prices, peak, 1)
    assert level == 1.0 and day is not None and day <= peak + pd.DateOffset(years=1)
    assert np.isnan(bubble.level_after(prices, peak, 2)[0])


def test_realised_volatility_of_alternating_returns() -> None:
    # SYNTHETIC returns +1 %, -1 %, ...: the sample standard deviation over an even window is known.
    returns = pd.Series([0.01, -0.01] * 10, index=pd.bdate_range("2024-01-01", periods=20))
    window = 4
    expected = np.std([0.01, -0.01] * 2, ddof=1) * np.sqrt(bubble.TRADING_DAYS_PER_YEAR)
    volatility = bubble.realised_volatility(returns, window)
    assert volatility.iloc[: window - 1].isna().all()
    assert volatility.iloc[window:].to_numpy() == pytest.approx(expected)


def test_sequoia_arithmetic_and_its_inverse() -> None:
    # The essay's figures: a 150 bn USD run-rate, doubled for total cost, over a 50 % margin.
    assert bubble.required_revenue(150e9) == pytest.approx(600e9)
    assert bubble.implied_run_rate(600e9) == pytest.approx(150e9)
    assert bubble.required_revenue(100.0, cost_multiple=3.0, end_user_margin=0.25) == pytest.approx(400.0)
    with pytest.raises(ParameterError, match="end_user_margin"):
        bubble.required_revenue(1.0, end_user_margin=1.0)


def test_price_to_sales_uses_only_quarters_published_before_the_date(synthetic_shares: pd.DataFrame) -> None:
    quarters = pd.DataFrame({  # SYNTHETIC quarterly accounts
        "period_end": pd.to_datetime(["2023-04-30", "2023-07-30", "2023-10-29", "2024-01-28", "2024-04-28"]),
        "published": pd.to_datetime(["2023-05-24", "2023-08-23", "2023-11-21", "2024-02-21", "2024-05-22"]),
        "published_basis": "event timeline", "revenue": [100.0, 200.0, 300.0, 400.0, 1_000.0],
    }, index=["FY2024Q1", "FY2024Q2", "FY2024Q3", "FY2024Q4", "FY2025Q1"])
    quarters["ttm_revenue"] = quarters["revenue"].rolling(4).sum()
    prices = synthetic_prices([5.0] * 80, start="2024-04-01")
    on_publication = bubble.price_to_sales(prices, "SYN", quarters, pd.Timestamp("2024-05-22"))
    assert on_publication.last_quarter == "FY2024Q4" and not on_publication.published_assumed
    assert on_publication.ratio == pytest.approx(2_000 * 5.0 / 1_000.0)
    after = bubble.price_to_sales(prices, "SYN", quarters, pd.Timestamp("2024-05-23"))
    assert after.last_quarter == "FY2025Q1" and after.ttm_revenue == pytest.approx(1_900.0)


# ---------------------------------------------------------------- parameters (real snapshot)


@requires_real_data
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event_date": "2025-01-26"}, "Sun 2025-01-26 is not a trading day of XNYS"),
        ({"event_date": "2026-12-01"}, "outside the data"),
        ({"event_date": "2026-07-27"}, "trading days of data after it"),
        ({"event_date": "2025-01-27", "focus": "XYZ"}, r"unknown ticker\(s\) \['XYZ'\]"),
        ({"event_date": "2025-01-27", "focus": "SPY"}, "focus: SPY is a etf"),
        ({"event_date": "2025-01-27", "focus": "0700.HK"}, "US-listed stock"),
        ({"event_date": "2025-01-27", "benchmark": "NVDA"}, "benchmark: NVDA is a stock"),
        ({"event_date": "2025-01-27", "benchmark": "VIX"}, "benchmark: VIX is a volatility"),
        ({"event_date": "2025-01-27", "semiconductor_etf": "SOX"}, "semiconductor_etf: 'SOX' is not one of"),
        ({"event_date": "2025-01-27", "dotcom_peak": "2000-03-11"}, "dotcom_peak: Sat 2000-03-11"),
        ({"event_date": "2025-01-27", "dotcom_peak": "2021-03-01"}, "the two eras must not overlap"),
        ({"event_date": "2025-01-27", "dotcom_peak": "1990-03-01"}, "dotcom_peak: CSCO's data run"),
        ({"event_date": "2025-01-27", "peak_lookback_days": 5}, "peak_lookback_days: 5 is too short"),
        ({"event_date": "2025-01-27", "horizon_years": 0}, "horizon_years: 0 years is outside"),
        ({"event_date": "2025-01-27", "horizon_years": True}, "horizon_years: True is not a whole number"),
        ({"event_date": "2025-01-27", "volatility_window": 2}, "volatility_window: 2 is too short"),
        ({"event_date": "2025-01-27", "context_days": 10},
         r"volatility_window: 21 trading days is longer than context_days \(10\)"),
        ({"event_date": "2025-01-27", "volatility_window": 1000},
         r"volatility_window: 1000 trading days is longer than context_days \(125\)"),
        ({"event_date": "2024-01-10", "focus": "ARM"}, "focus: the chapter measures ARM.s market value, but the facts"),
    ],
)
def test_parameters_fail_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        bubble.BubbleParameters.validate(**kwargs)


# ---------------------------------------------------------------- real data: documented values and the ledger


@pytest.fixture(scope="module")
def params() -> bubble.BubbleParameters:
    return bubble.BubbleParameters.validate("2025-01-27")


@pytest.fixture(scope="module")
def data(params: bubble.BubbleParameters) -> bubble.ChapterData:
    return bubble.load_chapter_data(params)


@pytest.fixture(scope="module")
def nvidia_accounts() -> pd.DataFrame:
    return bubble.quarterly_accounts("NVDA")


def raw_fact(ticker: str, fiscal_period: str, metric: str) -> float:
    """One value of fundamentals.csv, read with pandas directly (independently of the package)."""
    raw = pd.read_csv(facts_dir() / "fundamentals.csv")
    rows = raw[(raw["ticker"] == ticker) & (raw["fiscal_period"] == fiscal_period) & (raw["metric"] == metric)]
    return float(rows["value"].iloc[0])


def ledger_value(claim_id: str) -> float:
    """The value the claims ledger measures for one claim of data/claims.csv."""
    claim = next(c for c in load_claims() if c.id == claim_id)
    return float(get_measure(claim.measure)(claim).value)


@requires_real_data
def test_market_value_loss_agrees_with_the_ledger(data: bubble.ChapterData) -> None:
    level = bubble.level_loss(bubble.price_level(data.prices["NVDA"], "NVDA"), bubble.outstanding_counts("NVDA"),
                              "NVDA", MONDAY)
    assert round(100 * level.change, 2) == -16.97  # documented in the snapshot's README
    assert level.loss / 1e9 == pytest.approx(ledger_value("003-01"), rel=1e-12)  # one answer: printed levels


@requires_real_data
def test_price_to_sales_agrees_with_the_ledger(data: bubble.ChapterData, nvidia_accounts: pd.DataFrame) -> None:
    claim = next(c for c in load_claims() if c.id == "002-23")
    level = bubble.price_level(data.prices["NVDA"], "NVDA")
    trailing, _ = bubble.quarterly_multiples(level, bubble.outstanding_counts("NVDA"), "NVDA", nvidia_accounts,
                                             claim.date, "claim")
    assert trailing["price_to_sales"] == pytest.approx(ledger_value("002-23"), rel=1e-12)  # printed levels both
    # The adjusted-close multiple (weighted diluted count x adjusted close) is not the ledger's any more.
    adjusted = bubble.price_to_sales(data.prices["NVDA"], "NVDA", nvidia_accounts, claim.date)
    assert abs(adjusted.ratio / ledger_value("002-23") - 1) > 0.005


@requires_real_data
def test_fiscal_year_growth_and_margin_agree_with_the_ledger(nvidia_accounts: pd.DataFrame) -> None:
    years = bubble.fiscal_years("NVDA", nvidia_accounts)
    assert 100 * years.at["FY2026", "revenue_growth"] == pytest.approx(ledger_value("002-24"), rel=1e-12)
    assert 100 * years.at["FY2026", "net_margin"] == pytest.approx(ledger_value("002-25"), rel=1e-12)


@requires_real_data
def test_quarterly_accounts_against_the_raw_facts(nvidia_accounts: pd.DataFrame) -> None:
    # Four consecutive quarters add up to the annual revenue of FY2025 (USD millions in the facts).
    assert nvidia_accounts.at["FY2025Q4", "ttm_revenue"] == pytest.approx(raw_fact("NVDA", "FY2025", "revenue") * 1e6)
    assert nvidia_accounts.at["FY2025Q4", "gross_margin"] == pytest.approx(
        raw_fact("NVDA", "FY2025Q4", "gross_profit") / raw_fact("NVDA", "FY2025Q4", "revenue"))
    assert nvidia_accounts.at["FY2026Q4", "revenue_growth"] == pytest.approx(
        raw_fact("NVDA", "FY2026Q4", "revenue") / raw_fact("NVDA", "FY2025Q4", "revenue") - 1)
    # Publication dates: from the event timeline where it has them, else the timeline's longest lag.
    assert nvidia_accounts.at["FY2025Q3", "published"] == pd.Timestamp("2024-11-20")
    _, lag = bubble.reporting_lag("NVDA")
    assert nvidia_accounts.at["FY2024Q4", "published"] == pd.Timestamp("2024-01-28") + pd.Timedelta(days=lag)


@requires_real_data
def test_cisco_at_its_peak_from_the_raw_files(data: bubble.ChapterData, params: bubble.BubbleParameters) -> None:
    comparison = bubble.valuation_comparison(data, params, "NVDA", bubble.quarterly_accounts("NVDA"))
    cisco = comparison[comparison["company"] == "CSCO"].reset_index(drop=True)
    raw_prices = pd.read_csv(market_data_dir() / "prices" / "CSCO.csv", parse_dates=["date"]).set_index("date")
    window = raw_prices.loc["2000-02-08":"2000-04-10", "adj_close"]
    assert cisco.at[0, "date"] == window.idxmax()
    value = raw_fact("CSCO", "FY1999", "diluted_shares_weighted") * window.max()  # millions of shares x USD
    assert cisco.at[0, "price_to_sales"] == pytest.approx(value / raw_fact("CSCO", "FY1999", "revenue"))
    assert cisco.at[1, "price_to_sales"] == pytest.approx(value / raw_fact("CSCO", "FY2000", "revenue"))
    assert cisco["note"].str.contains("lower bound").all()


@requires_real_data
def test_record_rankings(data: bubble.ChapterData) -> None:
    ranking = bubble.universe_stock_ranking(data, MONDAY)
    assert ranking["return"].is_monotonic_increasing
    assert ranking.at["NVDA", "return"] == pytest.approx(data.returns.at[MONDAY, "NVDA"])


@requires_real_data
def test_what_the_facts_cannot_answer(data: bubble.ChapterData) -> None:
    with pytest.raises(NotCheckable, match="ADR ratio"):
        bubble.share_count("TSM", MONDAY)
    with pytest.raises(NotCheckable, match="no share count for AVGO"):
        bubble.share_count("AVGO", MONDAY)
    subject = bubble.valuation_subject("AVGO")
    assert subject.ticker == "NVDA" and "not AVGO" in subject.note


@requires_real_data
def test_overlay_peaks_and_sequoia_amount(data: bubble.ChapterData, params: bubble.BubbleParameters) -> None:
    series = {s.symbol: s for s in bubble.overlay_series(data, params)}
    raw = pd.read_csv(market_data_dir() / "prices" / "IXIC.csv", parse_dates=["date"]).set_index("date")
    assert series["IXIC"].peak == raw.loc["2000-02-08":"2000-04-10", "close"].idxmax()
    assert series["NVDA"].peak < MONDAY
    question = bubble.sequoia_question()
    assert question.amount == 600e9 and question.date_approximate


def test_record_claims_pick_the_market_value_claims_and_their_day() -> None:
    ledger = pd.DataFrame({  # SYNTHETIC ledger rows in the ledger's columns
        "id": ["a", "b", "c", "d"], "instrument": ["Nvidia", "Nvidia", "Nvidia", "Apple"],
        "dates": ["2025-01-27", "2025-01-27", "2025-01-28", "2025-01-27"],
        "measure": ["market_value_loss", "session_return", "session_return", "session_return"],
        "claim": "x", "claimed": "1", "measured": "1", "verdict": "confirmed",
    })
    assert bubble.record_claims(ledger).index.tolist() == ["a", "b"]


def test_p_value_text() -> None:
    assert bubble.p_value_text(0.0004) == "< 0.001"
    assert bubble.p_value_text(0.0648) == "= 0.065"
    assert bubble.p_value_text(float("nan")) == "not available"


# ---------------------------------------------------------------- market values on weighted diluted counts


@requires_real_data
def test_approximation_error_sentence_quotes_the_largest_gap(data: bubble.ChapterData) -> None:
    error = bubble.largest_approximation_error("NVDA", data.prices["NVDA"])
    sentence = bubble.approximation_error_sentence("NVDA", data.prices["NVDA"])
    assert "at most **" in sentence and error.fiscal_period in sentence
    assert "cannot be measured" in bubble.approximation_error_sentence("AMD", data.prices["AMD"])


# ---------------------------------------------------------------- volatility windows


def test_volatility_summary_separates_the_event_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # SYNTHETIC returns: quiet +-1 % except a -20 % event day; window of 4 sessions.
    dates = pd.bdate_range("2024-01-01", periods=12)
    quiet = np.tile([0.01, -0.01], 6)
    returns = pd.DataFrame({"SYN": quiet, "BMK": quiet / 2}, index=dates)
    returns.loc[dates[6], "SYN"] = -0.20
    data = bubble.ChapterData(prices=(1 + returns).cumprod(), returns=returns)
    params = type("Params", (), {"focus": "SYN", "benchmark": "BMK", "event_date": dates[6],
                                 "volatility_window": 4})()
    summary = bubble.volatility_summary(data, params)
    scale = np.sqrt(bubble.TRADING_DAYS_PER_YEAR)
    assert summary.at["SYN", "after"] == pytest.approx(returns["SYN"].iloc[7:11].std() * scale)
    assert summary.at["SYN", "from_event"] == pytest.approx(returns["SYN"].iloc[6:10].std() * scale)
    assert summary.at["SYN", "from_event"] > 5 * summary.at["SYN", "after"]
    sentence = bubble.volatility_sentence(summary, params)
    assert "the event day left out of both" in sentence and "Counting the event day" in sentence


# ---------------------------------------------------------------- how readers see it


@requires_real_data
def test_display_tables_have_no_nan_and_readable_labels(data: bubble.ChapterData,
                                                        nvidia_accounts: pd.DataFrame) -> None:
    tables = [bubble.display_quarters(nvidia_accounts), bubble.display_fiscal_years(bubble.fiscal_years("NVDA")),
              bubble.display_sequoia(bubble.sequoia_table(nvidia_accounts)),
              bubble.approximation_table("NVDA", data.prices["NVDA"])]
    for table in tables:
        text = table.to_string()
        assert "NaN" not in text and "nan" not in text
        labels = [*table.columns, *table.index.names]
        assert not any("_" in str(label) for label in labels), labels
    assert bubble.display_quarters(nvidia_accounts).at["FY2023Q2", "Gross margin (%)"] == "\u2013"
    assert bubble.display_quarters(nvidia_accounts).at["FY2024Q1", "Growth on a year (%)"] == "\u221213.2"


def test_fundamentals_panels_break_lines_at_missing_quarters() -> None:
    # SYNTHETIC accounts: four quarters, the gross margin of the second missing.
    ends = pd.to_datetime(["2024-01-28", "2024-04-28", "2024-07-28", "2024-10-27"])
    accounts = pd.DataFrame({"period_end": ends, "revenue": [1e9, 2e9, 3e9, 4e9],
                             "data_centre_revenue": [np.nan, 1e9, 2e9, 3e9],
                             "gross_margin": [0.6, np.nan, 0.7, 0.75], "net_margin": [0.3, 0.4, 0.5, 0.5],
                             "revenue_growth": [np.nan, 0.5, 0.6, 0.7]},
                            index=["FY2024Q4", "FY2025Q1", "FY2025Q2", "FY2025Q3"])
    from deepseek_monday.chapters.bubble import figures as bubble_figures

    fig = bubble_figures.fundamentals_panels(accounts, "SYN", ends[2])
    middle = fig.axes[1]
    gross = next(line for line in middle.get_lines() if line.get_label() == "gross margin")
    assert np.isnan(np.asarray(gross.get_ydata(), dtype=float)[1])  # drawn as a gap, not bridged
    ticks = fig.axes[2].get_xticks()
    import matplotlib.dates as mdates

    assert [mdates.num2date(t).date() for t in ticks] == [ends[1].date(), ends[3].date()]
    assert [label.get_text() for label in fig.axes[2].get_xticklabels()] == ["FY2025 Q1", "FY2025 Q3"]
    assert_house_numbers(fig)


# ---------------------------------------------------------------- the chapter in one call


def glue_references(notebook: Path) -> dict[str, set[str]]:
    """Return the glue names a notebook's markdown cells quote, by kind: text (``{glue:text}``, ``{glue}``),
    md (``{glue:md}``, role or directive) and figure (``{glue:figure}`` directives); formats dropped."""
    found: dict[str, set[str]] = {"text": set(), "md": set(), "figure": set()}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        for kind, name in re.findall(r"\{glue(?::(\w+))?\}`([^`]+)`", source):
            found["md" if kind == "md" else "text"].add(name.split(":")[0])
        for kind, name in re.findall(r"^```\{glue:(\w+)\}[ \t]+(\S+)", source, flags=re.MULTILINE):
            found[kind].add(name)
    return found


def test_glue_references_finds_roles_and_directives(tmp_path: Path) -> None:
    """SYNTHETIC notebook: every form of reference is found, formats dropped, code cells ignored."""
    cells = [{"cell_type": "markdown", "source": "A {glue:text}`a:.1f` and {glue:md}`b_sentence`, {glue}`c`.\n"
                                               "```{glue:figure} fig_d\n:name: x\n```\n```{glue:md} e\n```"},
             {"cell_type": "code", "source": "glue('f', 1)  # {glue:text}`f`"}]
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert glue_references(path) == {"text": {"a", "c"}, "md": {"b_sentence", "e"}, "figure": {"fig_d"}}


@requires_real_data
def test_compute_returns_every_glue_name_the_notebook_quotes() -> None:
    """compute() on the default parameters holds every name the chapter's prose quotes, of the kind it quotes."""
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context():  # compute() sets the house style; undone for the other tests
        results = bubble.compute(bubble.BubbleParameters.validate(MONDAY))
    plt.close("all")
    quoted = glue_references(Path(__file__).parents[1] / "notebooks" / "10_bubble.ipynb")
    assert len(quoted["text"]) > 50 and len(quoted["figure"]) == 7
    assert quoted["text"] | quoted["md"] <= set(results.numbers), (quoted["text"] | quoted["md"]) - set(results.numbers)
    assert quoted["md"] <= results.markdown <= set(results.numbers), quoted["md"] - results.markdown
    assert quoted["figure"] == set(results.figures)
    assert {"level_record", "multiples", "sequoia", "headline", "claims"} <= set(results.tables)
    assert all(isinstance(table, pd.DataFrame) and not table.empty for table in results.tables.values())
