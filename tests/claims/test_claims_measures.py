"""Each registered measure on the real snapshot and facts.

Expected values come either from the snapshot's own documentation (NVDA -16.97 % on
2025-01-27; the S&P 500 and DAX closes its README quotes) or from the raw CSV files,
read here directly with pandas, independently of the package's data layer.
"""

from __future__ import annotations

import pandas as pd
import pytest

from deepseek_monday.claims import measures
from deepseek_monday.claims.catalogue import CLAIM_COLUMNS, Claim, parse_claims
from deepseek_monday.claims.registry import NotCheckable, get_measure
from deepseek_monday.data.paths import facts_dir, market_data_dir, universe_file
from deepseek_monday.errors import DataValidationError

MONDAY = "2025-01-27"


def make_claim(measure: str, unit: str, **fields: str) -> Claim:
    """Build one validated claim that only serves to call ``measure``."""
    row = dict.fromkeys(CLAIM_COLUMNS, "")
    row.update(id="001-01", article="001_ca7dd5b8e3a44e1c.txt", claim="test", metric="test", relation="approx",
               claimed="2025-01-27" if unit == "date" else "1", unit=unit, tolerance="abs 0/0", measure=measure,
               chapter="claims_ledger")
    row.update(fields)
    return parse_claims(pd.DataFrame([row]))[0]


def measured(measure: str, unit: str, **fields: str) -> float | pd.Timestamp | str:
    return get_measure(measure)(make_claim(measure, unit, **fields)).value


def raw_prices(symbol: str) -> pd.DataFrame:
    frame = pd.read_csv(market_data_dir() / "prices" / f"{symbol}.csv", parse_dates=["date"])
    return frame.set_index("date")


def raw_price(symbol: str) -> pd.Series:
    frame = raw_prices(symbol)
    return frame["adj_close"] if frame["adj_close"].notna().all() else frame["close"]


def raw_return(symbol: str, date: str) -> float:
    prices = raw_price(symbol)
    position = prices.index.get_loc(pd.Timestamp(date))
    return prices.iloc[position] / prices.iloc[position - 1] - 1


@pytest.fixture(scope="module")
def raw_fundamentals() -> pd.DataFrame:
    return pd.read_csv(facts_dir() / "fundamentals.csv")


@pytest.fixture(scope="module")
def raw_events() -> pd.DataFrame:
    return pd.read_csv(facts_dir() / "events.csv", parse_dates=["date"])


# ---------------------------------------------------------------- market measures


def test_session_return_matches_the_documented_nvidia_fall() -> None:
    value = measured("session_return", "percent", symbols="NVDA", dates=MONDAY)
    assert round(value, 2) == -16.97
    assert value == pytest.approx(100 * raw_return("NVDA", MONDAY))


def test_session_return_is_not_checkable_without_a_session() -> None:
    with pytest.raises(NotCheckable, match="2025-01-25"):
        measured("session_return", "percent", symbols="NVDA", dates="2025-01-25")


def test_close_level_matches_the_documented_index_closes() -> None:
    assert round(measured("close_level", "index_points", symbols="GSPC", dates=MONDAY), 2) == 6012.28
    assert round(measured("close_level", "index_points", symbols="GDAXI", dates=MONDAY), 2) == 21282.18
    with pytest.raises(NotCheckable, match="adjusted"):
        measured("close_level", "USD", symbols="NVDA", dates=MONDAY)


def test_basket_returns_take_the_extremes() -> None:
    symbols = ["NVDA", "AVGO", "ANET"]
    raw = [100 * raw_return(s, MONDAY) for s in symbols]
    basket = {"symbols": ";".join(symbols), "dates": MONDAY}
    assert measured("basket_lowest_return", "percent", **basket) == pytest.approx(min(raw))
    assert measured("basket_highest_return", "percent", **basket) == pytest.approx(max(raw))


def test_intraday_move_and_record_high_use_the_index_bars() -> None:
    bars = raw_prices("GDAXI")
    low = bars.at[pd.Timestamp(MONDAY), "low"] / bars.at[pd.Timestamp("2025-01-24"), "close"] - 1
    move = measured("intraday_move", "percent", symbols="GDAXI", dates=MONDAY, args="level=low")
    assert move == pytest.approx(100 * low)
    high = bars.loc[:"2025-01-24", "high"].max()
    assert measured("record_high", "index_points", symbols="GDAXI", dates="2025-01-24") == pytest.approx(high)
    with pytest.raises(NotCheckable, match="intraday"):
        measured("intraday_move", "percent", symbols="NVDA", dates=MONDAY, args="level=low")


def test_window_measures() -> None:
    wcld, gspc, nvda = raw_price("WCLD"), raw_price("GSPC"), raw_price("NVDA")
    two_weeks = wcld.loc["2025-01-29"] / wcld.loc["2025-01-15"] - 1
    assert measured("window_return", "percent", symbols="WCLD",
                    dates="2025-01-15..2025-01-29") == pytest.approx(100 * two_weeks)
    excess = (nvda.loc["2025-01-29"] / nvda.loc["2023-01-30"]) - (gspc.loc["2025-01-29"] / gspc.loc["2023-01-30"])
    assert measured("basket_lowest_excess_return", "percent", symbols="NVDA", dates="2023-01-30..2025-01-29",
                    args="benchmark=GSPC") == pytest.approx(100 * excess)
    drawdown = wcld.loc["2025-01-29"] / wcld.loc["2021-10-01":"2021-12-31"].max() - 1
    assert measured("drawdown_from_high", "percent", symbols="WCLD", dates="2025-01-29",
                    args="high_from=2021-10-01;high_to=2021-12-31") == pytest.approx(100 * drawdown)


def test_largest_fall_since() -> None:
    returns = raw_price("SMH").pct_change()
    today = returns.loc[MONDAY]
    earlier = returns.loc[:"2025-01-24"]
    expected = earlier[earlier <= today].index[-1]
    assert measured("largest_fall_since", "date", symbols="SMH", dates=MONDAY) == expected


def test_share_of_group_beyond_counts_universe_stocks() -> None:
    universe = pd.read_csv(universe_file())
    members = universe[(universe["group"] == "cloud software") & (universe["kind"] == "stock")]["symbol"]
    returns = pd.Series({s: raw_return(s, MONDAY) for s in members})
    expected = 100 * (returns > -0.02).mean()
    assert measured("share_of_group_beyond", "percent", dates=MONDAY,
                    args="groups=cloud software;side=above;threshold=-2") == pytest.approx(expected)
    without = returns.drop("CRM")
    assert measured("share_of_group_beyond", "percent", dates=MONDAY,
                    args="groups=cloud software;side=above;threshold=-2;exclude=CRM") == pytest.approx(
        100 * (without > -0.02).mean())


def test_volatility_ratio() -> None:
    returns = raw_price("NDX").pct_change().dropna()
    position = returns.index.get_loc(pd.Timestamp(MONDAY))
    expected = returns.iloc[position + 1: position + 21].std() / returns.iloc[position - 20: position].std()
    ratio = measured("volatility_ratio", "ratio", symbols="NDX", dates=MONDAY, args="sessions=20")
    assert ratio == pytest.approx(expected)


# ---------------------------------------------------------------- company facts


def test_market_value_loss_is_printed_closes_times_the_cover_count(raw_fundamentals: pd.DataFrame) -> None:
    """The facts README's own check: 24.49 bn shares x (142.62 - 118.42) USD, from the raw facts rows."""
    nvda = raw_fundamentals.query("ticker == 'NVDA'")
    printed = nvda[nvda["metric"] == "close_price_printed"].set_index("period_end")["value"].astype(float)
    counts = nvda[nvda["metric"] == "shares_outstanding"].copy()
    counts["period_end"] = pd.to_datetime(counts["period_end"])
    count = counts[counts["period_end"] <= MONDAY].sort_values("period_end")["value"].astype(float).iloc[-1]
    unit = 1e6 if counts["unit"].iloc[0] == "shares_millions" else 1.0
    expected = count * unit * (printed.loc["2025-01-24"] - printed.loc["2025-01-27"]) / 1e9
    measurement = get_measure("market_value_loss")(make_claim("market_value_loss", "USD_billions",
                                                              symbols="NVDA", dates=MONDAY))
    assert measurement.value == pytest.approx(expected, rel=1e-6)
    assert "printed-close levels" in measurement.basis


def test_latest_reported_quarter_follows_the_event_timeline() -> None:
    quarter, published = measures.latest_reported_quarter(pd.Timestamp("2025-01-30"))
    assert quarter == "FY2025Q3"
    assert published == pd.Timestamp("2024-11-20")
    assert measures.latest_reported_quarter(pd.Timestamp("2025-02-27"))[0] == "FY2025Q4"


def _cover_count(nvda: pd.DataFrame, date: str) -> float:
    """The raw facts' latest NVDA shares_outstanding count dated on or before ``date`` (shares)."""
    counts = nvda[nvda["metric"] == "shares_outstanding"].copy()
    counts["period_end"] = pd.to_datetime(counts["period_end"])
    return float(counts[counts["period_end"] <= date].sort_values("period_end")["value"].iloc[-1])


def _printed(frame: pd.DataFrame, ticker: str, date: str) -> float:
    rows = frame.query("ticker == @ticker and metric == 'close_price_printed' and period_end == @date")
    return float(rows["value"].iloc[0])


def test_price_to_sales_is_printed_level_times_cover_count_over_four_quarters(raw_fundamentals: pd.DataFrame) -> None:
    nvda = raw_fundamentals.query("ticker == 'NVDA'")
    revenue = nvda.query("metric == 'revenue' and fiscal_period in "
                         "['FY2024Q4', 'FY2025Q1', 'FY2025Q2', 'FY2025Q3']")["value"].sum() * 1e6
    shares = _cover_count(nvda, MONDAY)
    adjusted = raw_price("NVDA")
    printed = _printed(raw_fundamentals, "NVDA", MONDAY)
    # On the event day the level is the printed close itself.
    on_monday = get_measure("price_to_sales")(make_claim("price_to_sales", "ratio", symbols="NVDA", dates=MONDAY))
    assert on_monday.value == pytest.approx(shares * printed / revenue, rel=1e-9)
    assert "printed close 118.42 USD" in on_monday.basis and "weighted diluted" not in on_monday.basis
    # Two sessions later: the adjusted close rescaled to the printed close of the event day.
    level = adjusted.loc["2025-01-29"] * printed / adjusted.loc[MONDAY]
    value = measured("price_to_sales", "ratio", symbols="NVDA", dates="2025-01-29")
    assert value == pytest.approx(shares * level / revenue, rel=1e-9)
    weighted = nvda.query("metric == 'diluted_shares_weighted' and fiscal_period == 'FY2025'")["value"].iloc[0] * 1e6
    old = weighted * adjusted.loc["2025-01-29"] / revenue  # weighted diluted count x adjusted close: not a level
    assert abs(value / old - 1) > 0.005


def test_market_value_ratio_at_printed_levels_or_as_a_bound(raw_fundamentals: pd.DataFrame) -> None:
    nvda = raw_fundamentals.query("ticker == 'NVDA'")
    aapl = raw_fundamentals.query("ticker == 'AAPL'")
    nvidia_value = _cover_count(nvda, MONDAY) * _printed(raw_fundamentals, "NVDA", MONDAY)
    # Apple has no printed close in the facts: its adjusted close only bounds its value from below.
    apple_floor = _cover_count(aapl, MONDAY) * raw_price("AAPL").loc[MONDAY]
    claim = make_claim("market_value_ratio", "ratio", symbols="AAPL;NVDA", dates=MONDAY)
    ratio = get_measure("market_value_ratio")(claim)
    assert ratio.value == pytest.approx(apple_floor / nvidia_value, rel=1e-9)
    assert ratio.bound == "lower" and "no AAPL printed close" in ratio.basis
    assert "printed close 118.42 USD" in ratio.basis
    inverse = get_measure("market_value_ratio")(make_claim("market_value_ratio", "ratio", symbols="NVDA;AAPL",
                                                           dates=MONDAY))
    assert inverse.bound == "upper" and inverse.value == pytest.approx(nvidia_value / apple_floor, rel=1e-9)
    same = get_measure("market_value_ratio")(make_claim("market_value_ratio", "ratio", symbols="NVDA;NVDA",
                                                        dates=MONDAY))
    assert same.value == pytest.approx(1.0) and same.bound == ""
    with pytest.raises(NotCheckable, match="no printed close for AAPL or MSFT"):
        measured("market_value_ratio", "ratio", symbols="AAPL;MSFT", dates=MONDAY)


def test_data_centre_ceilings(raw_fundamentals: pd.DataFrame) -> None:
    quarter = raw_fundamentals.query("ticker == 'NVDA' and fiscal_period == 'FY2025Q3'").set_index("metric")
    ceiling = quarter.at["gross_profit", "value"] / (quarter.at["data_center_revenue", "value"] * 1e3)
    assert measured("data_centre_gross_margin_ceiling", "percent", dates="2025-01-30") == pytest.approx(100 * ceiling)
    assert measured("data_centre_markup_ceiling", "ratio", dates="2025-01-30") == pytest.approx(1 / (1 - ceiling))


def test_revenue_growth_margin_and_cycle(raw_fundamentals: pd.DataFrame) -> None:
    nvda = raw_fundamentals.query("ticker == 'NVDA'")
    fy26 = nvda.query("metric == 'revenue' and fiscal_period == 'FY2026'")["value"].iloc[0] * 1e3  # USD bn -> m
    fy25 = nvda.query("metric == 'revenue' and fiscal_period == 'FY2025'")["value"].iloc[0]
    assert measured("fiscal_year_revenue_growth", "percent", args="fiscal_year=FY2026") == pytest.approx(
        100 * (fy26 / fy25 - 1))
    income = nvda[(nvda["metric"] == "net_income") & nvda["fiscal_period"].str.startswith("FY2026Q")]
    in_millions = income["value"].where(income["unit"] == "USD_millions", income["value"] * 1e3)
    assert measured("fiscal_year_net_margin", "percent", args="fiscal_year=FY2026") == pytest.approx(
        100 * in_millions.sum() / fy26)
    quarterly = nvda[(nvda["metric"] == "revenue") & nvda["fiscal_period"].str.match(r"FY\d{4}Q")]
    known = quarterly[pd.to_datetime(quarterly["period_end"]) <= pd.Timestamp("2024-10-27")]["value"]
    assert measured("revenue_peak_to_trough", "percent", dates="2025-01-30") == pytest.approx(
        100 * (known / known.cummax() - 1).min())


def test_guided_range_reads_both_ends_in_the_claims_unit() -> None:
    args = "ticker=META;metric=capex_guidance_initial;fiscal_period=CY2025"
    assert measured("guided_range", "USD_billions", args=args) == pytest.approx(60.0)
    assert measured("guided_range", "USD_millions", args=args) == pytest.approx(60_000.0)
    with pytest.raises(NotCheckable):
        measured("guided_range", "USD_billions", args="ticker=META;metric=capex_guidance_initial;"
                                                      "fiscal_period=CY2031")


# ---------------------------------------------------------------- AI training facts


def test_training_measures() -> None:
    compute = pd.read_csv(facts_dir() / "ai_compute.csv").set_index("model")
    v3, llama = compute.loc["DeepSeek-V3 (full training)"], compute.loc["Llama 3.1 405B"]
    assert measured("training_cost", "USD_millions", args="model=DeepSeek-V3 (full training)") == pytest.approx(
        v3["reported_cost_usd"] / 1e6)
    assert measured("training_ratio", "ratio", args="field=gpu_hours;model=Llama 3.1 405B;"
                                                    "reference=DeepSeek-V3 (full training)") == pytest.approx(
        llama["gpu_hours"] / v3["gpu_hours"])
    assert measured("training_gpu_type", "text", relation="equals", tolerance="exact",
                    args="model=DeepSeek-V3 (full training)") == v3["gpu_type"]
    with pytest.raises(NotCheckable):
        measured("training_cost", "USD_millions", args="model=Llama 3.1 405B")   # no reported cost
    with pytest.raises(NotCheckable):
        measured("training_cost", "USD_millions", args="model=GPT-5")


# ---------------------------------------------------------------- event timeline


def test_event_measures(raw_events: pd.DataFrame) -> None:
    def date_of(keyword: str) -> pd.Timestamp:
        (date,) = raw_events.loc[raw_events["event"].str.contains(keyword, regex=False), "date"]
        return date

    release, stargate = date_of("R1 reasoning model released"), date_of("Stargate")
    assert measured("event_date", "date", args="keyword=R1 reasoning model released") == release
    assert measured("days_between_events", "days",
                    args="from=Stargate;to=R1 reasoning model released") == (release - stargate).days
    assert measured("days_since_event", "days", dates=MONDAY,
                    args="keyword=Stargate") == (pd.Timestamp(MONDAY) - stargate).days
    assert measured("amount_in_event", "USD_billions", args="keyword=Stargate;pattern=up_to_usd_bn") == 500
    assert measured("amount_in_event", "USD_billions", args="keyword=Stargate;pattern=immediate_usd_bn") == 100
    assert measured("amount_in_event", "USD_billions", args="keyword=Sequoia;pattern=dollar_b") == 600
    assert measured("horizon_years", "years", args="keyword=Stargate") == 4
    assert measured("horizon_end_year", "year", args="keyword=Stargate") == stargate.year + 4
    rules = raw_events[(raw_events["category"] == "export_control") & (raw_events["date"] < pd.Timestamp(MONDAY))]
    assert measured("export_controls_before", "count", dates=MONDAY) == len(rules)
    assert measured("export_controls_before", "count", dates="2020-01-01") == 0


def test_event_keywords_must_be_unique_and_present() -> None:
    with pytest.raises(DataValidationError, match="more specific"):
        measured("event_date", "date", args="keyword=DeepSeek")
    with pytest.raises(NotCheckable, match="no event"):
        measured("event_date", "date", args="keyword=Sputnik")
    with pytest.raises(NotCheckable, match="no figure"):
        measured("amount_in_event", "USD_billions", args="keyword=Sequoia;pattern=up_to_usd_bn")
