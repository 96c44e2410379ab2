"""Part 5 of the bubble chapter, *Sequoia's question*: the required end-user revenue implied by data-centre
revenue."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from deepseek_monday.chapters.bubble.constants import SEQUOIA_COST_MULTIPLE, SEQUOIA_END_USER_MARGIN
from deepseek_monday.claims.measures import EVENT_TEXT_PATTERNS, find_event
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.facts import fundamentals
from deepseek_monday.errors import ParameterError


@dataclass(frozen=True)
class SequoiaQuestion:
    """The amount of Sequoia's question (USD) and the date the event timeline gives it."""

    amount: float
    date: pd.Timestamp
    date_approximate: bool

    def describe_date(self) -> str:
        """Return the date as the prose and figures quote it."""
        return f"{self.date:%B %Y}" + (", date approximate" if self.date_approximate else "")


def sequoia_question() -> SequoiaQuestion:
    """Return Sequoia's question as the event timeline records it."""
    row = find_event("Sequoia")
    match = re.search(EVENT_TEXT_PATTERNS["dollar_b"], row["event"])
    if not match:
        raise NotCheckable("the Sequoia event states no amount")
    return SequoiaQuestion(float(match.group(1)) * 1e9, pd.Timestamp(row["date"]), bool(row["approximate"]))


def required_revenue(data_centre_run_rate: float, cost_multiple: float = SEQUOIA_COST_MULTIPLE,
                     end_user_margin: float = SEQUOIA_END_USER_MARGIN) -> float:
    """Return Sequoia's required end-user AI revenue: run-rate x cost multiple / (1 - end-user gross margin)."""
    if not 0 <= end_user_margin < 1:
        raise ParameterError(f"end_user_margin: {end_user_margin} must be a fraction in [0, 1)")
    return data_centre_run_rate * cost_multiple / (1 - end_user_margin)


def implied_run_rate(question: float, cost_multiple: float = SEQUOIA_COST_MULTIPLE,
                     end_user_margin: float = SEQUOIA_END_USER_MARGIN) -> float:
    """Return the annual data-centre run-rate that makes :func:`required_revenue` equal ``question``."""
    return question * (1 - end_user_margin) / cost_multiple


def sequoia_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """Return Sequoia's arithmetic per quarter with data-centre revenue in the facts (USD).

    run-rate = quarterly data-centre revenue x 4; data-centre spending = run-rate x cost
    multiple; required revenue = spending / (1 - end-user margin).
    """
    rows = accounts.dropna(subset=["data_centre_revenue"])
    if rows.empty:
        raise NotCheckable("the facts hold no quarterly data-centre revenue")
    table = pd.DataFrame({"period_end": rows["period_end"], "published": rows["published"],
                          "data_centre_revenue": rows["data_centre_revenue"]})
    table["run_rate"] = 4 * table["data_centre_revenue"]
    table["spending"] = table["run_rate"] * SEQUOIA_COST_MULTIPLE
    table["required_revenue"] = [required_revenue(r) for r in table["run_rate"]]
    return table


def annual_data_centre_question(ticker: str) -> pd.DataFrame:
    """Return the question on full fiscal years of data-centre revenue (USD); empty where the facts have none."""
    try:
        rows = fundamentals(ticker, "data_center_revenue", "USD")
    except ParameterError:
        return pd.DataFrame(columns=["data_centre_revenue", "required_revenue"], dtype=float)
    rows = rows[rows["fiscal_period"].str.fullmatch(r"FY\d{4}")].drop_duplicates("fiscal_period")
    table = rows.set_index("fiscal_period")[["value"]].rename(columns={"value": "data_centre_revenue"})
    table["required_revenue"] = [required_revenue(v) for v in table["data_centre_revenue"]]
    return table
