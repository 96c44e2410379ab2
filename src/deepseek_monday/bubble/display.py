"""Tables of the bubble chapter for reading: USD bn and percent, readable column names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.bubble.parameters import BubbleParameters
from deepseek_monday.bubble.record import DayLoss, market_value_approximations
from deepseek_monday.bubble.subjects import or_reason
from deepseek_monday.eventstudy import EventStudyResult


def display_record(loss: DayLoss, own_rank: tuple[int, int], ranking: pd.DataFrame, params: BubbleParameters,
                   value_rank: tuple[int, int] | None) -> pd.DataFrame:
    """Return the record table: the focus's fall in percent and dollars and its ranks."""
    rows = {
        "previous adjusted close (USD)": round(loss.previous_close, 2),
        "adjusted close (USD)": round(loss.close, 2),
        "one-day return (%)": round(100 * loss.change, 2),
        "rank among own daily returns (1 = largest fall)": f"{own_rank[0]} of {own_rank[1]:,}",
        "rank among the universe's US stocks that day": (
            f"{int(ranking.at[params.focus, 'rank'])} of {len(ranking)}" if params.focus in ranking.index else "n/a"),
        "share count used": loss.shares.describe() if loss.shares else loss.why_no_value,
        "loss of market value (USD bn)": round(loss.loss / 1e9, 1) if loss.loss is not None else "n/a",
        "rank among own one-day market-value losses": (f"{value_rank[0]} of {value_rank[1]:,}" if value_rank
                                                        else "n/a"),
    }
    return pd.DataFrame({"value": [str(v) for v in rows.values()]}, index=pd.Index(list(rows), name="measure"))


def display_universe_ranking(ranking: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` largest event-day falls among the universe's US stocks, in percent."""
    shown = ranking.head(n).copy()
    shown["return"] = (100 * shown["return"]).round(2)
    shown["group"] = shown["group"].astype(str)
    return shown.rename(columns={"name": "Name", "group": "Group", "return": "Return (%)", "rank": "Rank"})


def display_value_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return market-value losses for reading: USD bn and percent (ranked if ``rank`` is a column)."""
    shown = records.copy()
    if "rank" not in shown.columns:
        shown.insert(0, "rank", range(1, len(shown) + 1))
    shown["date"] = shown["date"].dt.strftime("%Y-%m-%d")
    shown["return"] = (100 * shown["return"]).round(2)
    shown["loss"] = (shown["loss"] / 1e9).round(1)
    return shown.rename(columns={"rank": "Rank", "ticker": "Ticker", "name": "Name", "date": "Date",
                                 "return": "Return (%)", "loss": "Loss (USD bn)"}).set_index("Rank")


def display_index_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return the indices' largest falls for reading, with falls undone the next session marked."""
    shown = records.copy()
    shown["date"] = shown["date"].dt.strftime("%Y-%m-%d")
    for column in ("previous_close", "close", "next_close"):
        shown[column] = shown[column].round(2)
    shown["return"] = (100 * shown["return"]).round(2)
    shown["undone_next_day"] = np.where(shown["undone_next_day"], "undone the next session", "")
    return shown.rename(columns={"index": "Index", "rank": "Rank", "date": "Date", "previous_close": "Previous close",
                                 "close": "Close", "return": "Return (%)", "next_close": "Next close",
                                 "undone_next_day": "Note"}).set_index(["Index", "Rank"])


def display_event_study(result: EventStudyResult) -> pd.DataFrame:
    """Return the focus's CAR per window with its single-firm t-test and bootstrap interval (percent)."""
    car = result.car
    return pd.DataFrame({
        "Window": car["window"], "Days": car["n_days"], "CAR (%)": (100 * car["car"]).round(2),
        "t": car["t"].round(2), "p": car["p"].round(4),
        "95 % bootstrap interval (%)": [f"{100 * lo:.2f} to {100 * hi:.2f}" for lo, hi
                                        in zip(car["boot_lo"], car["boot_hi"], strict=True)],
    }).set_index("Window")


def approximation_table(ticker: str, prices: pd.Series) -> pd.DataFrame:
    """Return :func:`market_value_approximations` for reading, or why the facts cannot give it."""
    return or_reason(lambda: display_approximations(market_value_approximations(ticker, prices)))


def display_approximations(table: pd.DataFrame) -> pd.DataFrame:
    """Return the market-value approximation check for reading."""
    return pd.DataFrame({
        "Year end": table["period_end"].dt.strftime("%Y-%m-%d"),
        "Market value in the facts (USD bn)": (table["market_value"] / 1e9).round(1),
        "Implied shares (m)": (table["implied_shares"] / 1e6).round(0),
        "Weighted diluted shares (m)": (table["diluted_shares"] / 1e6).round(0),
        "Count above implied (%)": (100 * table["count_gap"]).round(2),
        "Adjusted close (USD)": table["adjusted_close"].round(2),
        "Price in the facts (USD)": table["quoted_price"].round(2),
        "Adjusted below quoted (%)": (-100 * table["price_gap"]).round(2),
    })


def display_valuation(comparison: pd.DataFrame) -> pd.DataFrame:
    """Return the valuation comparison for reading: USD bn, ratio, percent."""
    shown = pd.DataFrame({
        "Company": comparison["company"], "When": comparison["when"],
        "Date": pd.to_datetime(comparison["date"]).dt.strftime("%Y-%m-%d"),
        "Market value (USD bn)": (comparison["market_value"] / 1e9).round(1),
        "Revenue (USD bn)": (comparison["revenue"] / 1e9).round(1),
        "Revenue basis": comparison["revenue_basis"].fillna(""),
        "Price to sales": comparison["price_to_sales"].round(1),
        "Net margin (%)": (100 * comparison["net_margin"]).round(1),
        "Note": comparison["note"],
    })
    return shown.set_index(["Company", "When"])


def display_quarters(accounts: pd.DataFrame) -> pd.DataFrame:
    """Return the quarterly accounts for reading: USD bn and percent."""
    return pd.DataFrame({
        "Quarter end": accounts["period_end"].dt.strftime("%Y-%m-%d"),
        "Published": accounts["published"].dt.strftime("%Y-%m-%d"),
        "Revenue (USD bn)": (accounts["revenue"] / 1e9).round(2),
        "Growth on a year (%)": (100 * accounts["revenue_growth"]).round(1),
        "Gross margin (%)": (100 * accounts["gross_margin"]).round(1),
        "Net margin (%)": (100 * accounts["net_margin"]).round(1),
        "Data-centre revenue (USD bn)": (accounts["data_centre_revenue"] / 1e9).round(2),
    })


def display_fiscal_years(years: pd.DataFrame) -> pd.DataFrame:
    """Return the annual figures for reading."""
    return pd.DataFrame({
        "Revenue (USD bn)": (years["revenue"] / 1e9).round(1),
        "Growth (%)": (100 * years["revenue_growth"]).round(1),
        "Net income (USD bn)": (years["net_income"] / 1e9).round(1),
        "Net margin (%)": (100 * years["net_margin"]).round(1),
    })


def display_overlay(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the overlay summary for reading: levels in percent of the peak."""
    def date_text(values: pd.Series) -> pd.Series:
        return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")

    return pd.DataFrame({
        "Series": summary["series"], "Era": summary["era"], "Peak": date_text(summary["peak"]),
        "One year on (% of peak)": (100 * summary["after_1y"]).round(1),
        "Two years on (% of peak)": (100 * summary["after_2y"]).round(1),
        "Lowest (% of peak)": (100 * summary["lowest"]).round(1), "Lowest on": date_text(summary["lowest_on"]),
        "Largest drawdown (%)": (100 * summary["max_drawdown"]).round(1),
        "Data end": date_text(summary["data_end"]),
    }).set_index("Series")


def display_volatility(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the volatility summary for reading: annualised percent and the after/before ratio."""
    shown = (100 * summary[["before", "after"]]).round(1)
    shown["ratio"] = summary["ratio"].round(2)
    return shown.rename(columns={"before": "Before (% a year)", "after": "After (% a year)",
                                 "ratio": "After / before"})


def display_sequoia(table: pd.DataFrame) -> pd.DataFrame:
    """Return Sequoia's arithmetic for reading, USD bn."""
    return pd.DataFrame({
        "Quarter end": table["period_end"].dt.strftime("%Y-%m-%d"),
        "Published": table["published"].dt.strftime("%Y-%m-%d"),
        "Data-centre revenue (USD bn)": (table["data_centre_revenue"] / 1e9).round(2),
        "Run-rate x4 (USD bn)": (table["run_rate"] / 1e9).round(1),
        "Data-centre spending x2 (USD bn)": (table["spending"] / 1e9).round(1),
        "Required AI revenue (USD bn)": (table["required_revenue"] / 1e9).round(1),
    })
