"""Tables of the bubble chapter for reading: USD bn and percent, readable column names.

Every table goes through :func:`deepseek_monday.present.tables.readable`: fixed decimals, a true minus
sign, an en dash where the facts lack a figure, and a meaningful index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.constants import SEQUOIA_COST_MULTIPLE
from deepseek_monday.chapters.bubble.subjects import or_reason
from deepseek_monday.eventstudy import EventStudyResult
from deepseek_monday.measures.diluted_value import market_value_approximations
from deepseek_monday.measures.levels import LevelLoss
from deepseek_monday.present.tables import MISSING, format_number, readable

TIMES = "\u00d7"  # multiplication sign


def _dates(values: pd.Series) -> pd.Series:
    """Return dates as ``YYYY-MM-DD`` text (missing dates stay missing)."""
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d")


def display_universe_ranking(ranking: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` largest event-day falls among the universe's US stocks, in percent."""
    shown = ranking.head(n).reset_index(names="ticker")
    table = pd.DataFrame({"Rank": shown["rank"].astype(int), "Ticker": shown["ticker"], "Name": shown["name"],
                          "Group": shown["group"].astype(str), "Return (%)": 100 * shown["return"]})
    return readable(table, decimals=2, index="Rank")


def display_index_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return the indices' largest falls for reading, with falls undone the next session marked."""
    table = pd.DataFrame({
        "Index": records["index"], "Rank": records["rank"].astype(int), "Date": _dates(records["date"]),
        "Previous close": records["previous_close"], "Close": records["close"],
        "Return (%)": 100 * records["return"], "Next close": records["next_close"],
        "Note": np.where(records["undone_next_day"], "undone the next session", ""),
    })
    return readable(table, decimals=2).set_index(["Index", "Rank"])


def display_event_study(result: EventStudyResult) -> pd.DataFrame:
    """Return the focus's CAR per window with its single-firm t-test and bootstrap interval (percent)."""
    car = result.car
    table = pd.DataFrame({
        "Window (trading days)": car["window"], "Days": car["n_days"].astype(int), "CAR (%)": 100 * car["car"],
        "t": car["t"], "p": car["p"],
        "95 % bootstrap interval (%)": [f"{format_number(100 * lo)} to {format_number(100 * hi)}" for lo, hi
                                        in zip(car["boot_lo"], car["boot_hi"], strict=True)],
    })
    return readable(table, decimals=2, p_values=("p",), index="Window (trading days)")


def approximation_table(ticker: str, prices: pd.Series) -> pd.DataFrame:
    """Return :func:`market_value_approximations` for reading, or why the facts cannot give it."""
    return or_reason(lambda: display_approximations(market_value_approximations(ticker, prices)))


def display_approximations(table: pd.DataFrame) -> pd.DataFrame:
    """Return the market-value approximation check for reading."""
    shown = pd.DataFrame({
        "Fiscal year": table.index, "Year end": _dates(table["period_end"]).to_numpy(),
        "Market value in the facts (USD bn)": table["market_value"].to_numpy() / 1e9,
        "Implied shares (m)": table["implied_shares"].to_numpy() / 1e6,
        "Weighted diluted shares (m)": table["diluted_shares"].to_numpy() / 1e6,
        "Count above implied (%)": 100 * table["count_gap"].to_numpy(),
        "Adjusted close (USD)": table["adjusted_close"].to_numpy(),
        "Price in the facts (USD)": table["quoted_price"].to_numpy(),
        "Adjusted below quoted (%)": -100 * table["price_gap"].to_numpy(),
        "Our market value above the facts' (%)": 100 * table["value_gap"].to_numpy(),
    })
    decimals = {"Market value in the facts (USD bn)": 1, "Implied shares (m)": 0, "Weighted diluted shares (m)": 0}
    return readable(shown, decimals={column: decimals.get(column, 2) for column in shown.columns},
                    index="Fiscal year")


def display_valuation(comparison: pd.DataFrame) -> pd.DataFrame:
    """Return the valuation comparison for reading: USD bn, ratio, percent."""
    shown = pd.DataFrame({
        "Company": comparison["company"], "When": comparison["when"], "Date": _dates(comparison["date"]),
        "Market value (USD bn)": comparison["market_value"] / 1e9, "Revenue (USD bn)": comparison["revenue"] / 1e9,
        "Revenue basis": comparison["revenue_basis"],
        f"Price to sales ({TIMES})": comparison["price_to_sales"],
        "Net margin (%)": 100 * comparison["net_margin"], "Note": comparison["note"],
    })
    return readable(shown, decimals=1).set_index(["Company", "When"])


def display_quarters(accounts: pd.DataFrame) -> pd.DataFrame:
    """Return the quarterly accounts for reading: USD bn and percent (a dash where the facts lack a figure)."""
    shown = pd.DataFrame({
        "Fiscal quarter": accounts.index, "Quarter end": _dates(accounts["period_end"]).to_numpy(),
        "Published": _dates(accounts["published"]).to_numpy(),
        "Revenue (USD bn)": accounts["revenue"].to_numpy() / 1e9,
        "Growth on a year (%)": 100 * accounts["revenue_growth"].to_numpy(),
        "Gross margin (%)": 100 * accounts["gross_margin"].to_numpy(),
        "Net margin (%)": 100 * accounts["net_margin"].to_numpy(),
        "Data-centre revenue (USD bn)": accounts["data_centre_revenue"].to_numpy() / 1e9,
    })
    decimals = {"Revenue (USD bn)": 2, "Data-centre revenue (USD bn)": 2}
    return readable(shown, decimals={column: decimals.get(column, 1) for column in shown.columns},
                    index="Fiscal quarter")


def display_fiscal_years(years: pd.DataFrame) -> pd.DataFrame:
    """Return the annual figures for reading (a dash where the facts lack a figure)."""
    shown = pd.DataFrame({
        "Fiscal year": years.index, "Revenue (USD bn)": years["revenue"].to_numpy() / 1e9,
        "Growth (%)": 100 * years["revenue_growth"].to_numpy(),
        "Net income (USD bn)": years["net_income"].to_numpy() / 1e9,
        "Net margin (%)": 100 * years["net_margin"].to_numpy(),
    })
    return readable(shown, decimals=1, index="Fiscal year")


def display_overlay(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the overlay summary for reading: levels in percent of the peak (a dash beyond the data)."""
    shown = pd.DataFrame({
        "Series": summary["series"], "Era": summary["era"], "Peak": _dates(summary["peak"]),
        "One year on (% of peak)": 100 * summary["after_1y"],
        "Two years on (% of peak)": 100 * summary["after_2y"],
        "Lowest (% of peak)": 100 * summary["lowest"], "Lowest on": _dates(summary["lowest_on"]),
        "Largest drawdown (%)": 100 * summary["max_drawdown"], "Data end": _dates(summary["data_end"]),
    })
    return readable(shown, decimals=1, index="Series")


def display_volatility(summary: pd.DataFrame, window: int) -> pd.DataFrame:
    """Return the volatility summary for reading: annualised percent and the after/before ratio.

    The labels say which sessions each column covers: the event day is in neither the
    "before" nor the "after" window, but in the last column's (as in the figure's rolling line).
    """
    shown = pd.DataFrame({
        "Series": summary.index,
        f"{window} sessions before, event day excluded (% a year)": 100 * summary["before"].to_numpy(),
        f"{window} sessions after, event day excluded (% a year)": 100 * summary["after"].to_numpy(),
        "After / before (ratio)": summary["ratio"].to_numpy(),
        f"{window} sessions from the event day on (% a year)": 100 * summary["from_event"].to_numpy(),
    })
    decimals = {"After / before (ratio)": 2}
    return readable(shown, decimals={column: decimals.get(column, 1) for column in shown.columns}, index="Series")


def display_sequoia(table: pd.DataFrame) -> pd.DataFrame:
    """Return Sequoia's arithmetic for reading, USD bn."""
    shown = pd.DataFrame({
        "Fiscal quarter": table.index, "Quarter end": _dates(table["period_end"]).to_numpy(),
        "Published": _dates(table["published"]).to_numpy(),
        "Data-centre revenue (USD bn)": table["data_centre_revenue"].to_numpy() / 1e9,
        f"Run-rate {TIMES}4 (USD bn)": table["run_rate"].to_numpy() / 1e9,
        f"Data-centre spending {TIMES}{SEQUOIA_COST_MULTIPLE:g} (USD bn)": table["spending"].to_numpy() / 1e9,
        "Required AI revenue (USD bn)": table["required_revenue"].to_numpy() / 1e9,
    })
    decimals = {"Data-centre revenue (USD bn)": 2}
    return readable(shown, decimals={column: decimals.get(column, 1) for column in shown.columns},
                    index="Fiscal quarter")


# ---------------------------------------------------------------- printed levels (levels.py, market.py, multiples.py)


def display_level_record(loss: LevelLoss, own_rank: tuple[int, int], ranking: pd.DataFrame, focus: str,
                         value_rank: tuple[int, int] | None) -> pd.DataFrame:
    """Return the record table at printed levels: closes, return, ranks, share count, loss."""
    rows = {
        "Previous printed close (USD)": format_number(loss.previous_close),
        "Printed close (USD)": format_number(loss.close),
        "One-day return (%)": format_number(100 * loss.change, 2, signed=True),
        "Rank among own daily returns (1 = largest fall)": f"{own_rank[0]:,} of {own_rank[1]:,}",
        "Rank among the universe's US stocks that day": (
            f"{int(ranking.at[focus, 'rank'])} of {len(ranking)}" if focus in ranking.index else MISSING),
        "Share count used": loss.count.describe(),
        "Market value the session before (USD bn)": format_number(loss.previous_value / 1e9, 1),
        "Loss of market value (USD bn)": format_number(loss.loss / 1e9, 1),
        "Rank among own one-day losses covered": (f"{value_rank[0]:,} of {value_rank[1]:,}" if value_rank
                                                  else MISSING),
    }
    return pd.DataFrame({"Value": list(rows.values())}, index=pd.Index(list(rows), name="Measure"))


def display_anchors(anchors: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return each company's printed closes against its adjusted closes: the factor that rescales the series."""
    parts = []
    for ticker, table in anchors.items():
        parts.append(pd.DataFrame({
            "Company": ticker, "Session": _dates(table["session"]).to_numpy(),
            "Printed close (USD)": table["printed"].to_numpy(), "Adjusted close (USD)": table["adjusted"].to_numpy(),
            "Printed / adjusted": table["factor"].to_numpy(),
            "Kind of fact": table["metric"].map({"close_price_printed": "printed close",
                                                 "close_price_split_adjusted": "printed close restated for splits"})
            .to_numpy()}))
    shown = pd.concat(parts, ignore_index=True)
    decimals = {"Printed close (USD)": 4, "Adjusted close (USD)": 4, "Printed / adjusted": 4}
    return readable(shown, decimals=decimals).set_index(["Company", "Session"])


def display_company_losses(ranked: pd.DataFrame) -> pd.DataFrame:
    """Return each company's largest one-day loss at printed levels, ranked (one row per company)."""
    shown = pd.DataFrame({
        "Rank": ranked["rank"].astype(int), "Company": ranked["ticker"], "Date": _dates(ranked["date"]),
        "Previous close (USD)": ranked["previous_close"], "Close (USD)": ranked["close"],
        "Return (%)": 100 * ranked["return"], "Shares (bn)": ranked["shares"] / 1e9,
        "Count as of": _dates(ranked["as_of"]), "Loss (USD bn)": ranked["loss"] / 1e9,
        "Sessions covered": [f"{a:%Y-%m-%d} to {b:%Y-%m-%d}" for a, b in zip(ranked["from"], ranked["to"],
                                                                              strict=True)],
    })
    return readable(shown, decimals={"Return (%)": 2, "Shares (bn)": 3, "Loss (USD bn)": 1,
                                     "Previous close (USD)": 2, "Close (USD)": 2}, index="Rank")


def display_left_out(left_out: pd.DataFrame) -> pd.DataFrame:
    """Return the companies with share counts that cannot be ranked, and why."""
    shown = pd.DataFrame({"Company": left_out["ticker"], "Why not ranked": left_out["reason"]})
    return readable(shown, index="Company")


def display_history(history: pd.DataFrame) -> pd.DataFrame:
    """Return one company's largest one-day losses at printed levels, ranked."""
    shown = pd.DataFrame({
        "Rank": history["rank"].astype(int), "Date": _dates(history["date"]),
        "Previous close (USD)": history["previous_close"], "Close (USD)": history["close"],
        "Return (%)": 100 * history["return"], "Loss (USD bn)": history["loss"] / 1e9,
    })
    return readable(shown, decimals={"Return (%)": 2, "Loss (USD bn)": 1, "Previous close (USD)": 2,
                                     "Close (USD)": 2}, index="Rank")


def display_multiples(table: pd.DataFrame) -> pd.DataFrame:
    """Return price to sales and price to earnings at printed levels for reading."""
    shown = pd.DataFrame({
        "Company": table["company"], "When": [f"{w}, {d:%Y-%m-%d}" for w, d in zip(table["when"], table["date"],
                                                                                    strict=True)],
        "Market value (USD bn)": table["market_value"] / 1e9,
        "Accounts": table["revenue_basis"], "Revenue (USD bn)": table["revenue"] / 1e9,
        f"Price to sales ({TIMES})": table["price_to_sales"], "Net income (USD bn)": table["net_income"] / 1e9,
        f"Price to earnings ({TIMES})": table["price_to_earnings"],
    })
    table_text = readable(shown, decimals=1)
    return table_text.set_index(["Company", "When", "Accounts"])


def display_concentration(companies: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Return the concentration table: each company's value per date, then the sum, the S&P 500 total and the share."""
    values = companies.pivot(index="ticker", columns="date", values="value").dropna(how="all")
    order = values.iloc[:, -1].sort_values(ascending=False).index
    values = values.reindex(order)
    first = companies.drop_duplicates("ticker").set_index("ticker").reindex(order)
    dates = list(values.columns)
    rows = []
    for ticker in order:
        rows.append({"Company": ticker, "Price used": first.at[ticker, "basis"],
                     "Shares (bn)": format_number(first.at[ticker, "shares"] / 1e9, 3),
                     "Count as of": f"{first.at[ticker, 'as_of']:%Y-%m-%d}" if pd.notna(first.at[ticker, "as_of"])
                     else MISSING,
                     **{f"{d:%Y-%m-%d} (USD bn)": format_number(values.at[ticker, d] / 1e9, 0) for d in dates}})
    by_date = summary.set_index("date")
    for label, basis, column, scale, decimals in (
            ("Sum of these companies", "", "value", 1e-9, 0),
            ("S&P 500 total", "facts' total of the first date, carried by the index", "total", 1e-9, 0),
            ("Share of the total (%)", "lower bound", "share", 100, 1)):
        rows.append({"Company": label, "Price used": basis, "Shares (bn)": "", "Count as of": "",
                     **{f"{d:%Y-%m-%d} (USD bn)": format_number(by_date.at[d, column] * scale, decimals)
                        for d in dates}})
    return pd.DataFrame(rows).set_index("Company")
