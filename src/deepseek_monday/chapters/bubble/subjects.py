"""The bubble chapter's subjects: the company its valuation section measures, the ledger's claims on the
record, and a table saying why where the data cannot answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from deepseek_monday.chapters.bubble.data import company_name
from deepseek_monday.chapters.bubble.valuation import quarterly_accounts
from deepseek_monday.claims.registry import NotCheckable

# The company whose accounts stand in when the focus has no quarterly accounts in the facts, and
# whose data-centre revenue Sequoia's essay rests on.
ACCOUNTS_FALLBACK = "NVDA"


@dataclass(frozen=True)
class ValuationSubject:
    """The company the valuation section measures, its quarterly accounts, and why it was chosen."""

    ticker: str
    accounts: pd.DataFrame
    note: str


def valuation_subject(focus: str) -> ValuationSubject:
    """Return the focus's quarterly accounts, or Nvidia's (saying why) when the facts hold none for the focus."""
    try:
        return ValuationSubject(focus, quarterly_accounts(focus),
                                f"The facts hold quarterly accounts for {company_name(focus)} ({focus}).")
    except NotCheckable as reason:
        fallback = quarterly_accounts(ACCOUNTS_FALLBACK)
        return ValuationSubject(ACCOUNTS_FALLBACK, fallback,
                                f"This section measures {company_name(ACCOUNTS_FALLBACK)} ({ACCOUNTS_FALLBACK}), "
                                f"not {focus}: {reason}.")


def or_reason(function: Callable[..., pd.DataFrame], *args: object) -> pd.DataFrame:
    """Return ``function(*args)``, or a one-row frame saying why the data cannot answer."""
    try:
        return function(*args)
    except NotCheckable as reason:
        return pd.DataFrame({"not available": [str(reason)]})


def fiscal_year_after(accounts: pd.DataFrame, date: pd.Timestamp) -> str:
    """Return the first fiscal year whose fourth quarter ends after ``date``."""
    fourth = accounts[accounts.index.str.endswith("Q4") & (accounts["period_end"] > date)]
    if fourth.empty:
        raise NotCheckable(f"the facts hold no fiscal year ending after {date:%Y-%m-%d}")
    return str(fourth.index[0][:6])


def record_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger's rows on the articles' record: every market-value-loss claim and the session-return
    claims on the same instrument and date (with the ledger's verdicts)."""
    losses = claims[claims["measure"] == "market_value_loss"]
    keys = set(zip(losses["instrument"], losses["dates"], strict=True))
    same = pd.Series([key in keys for key in zip(claims["instrument"], claims["dates"], strict=True)],
                     index=claims.index)
    chosen = claims[same & claims["measure"].isin(["market_value_loss", "session_return"])]
    shown = chosen.set_index("id")[["claim", "claimed", "measured", "verdict"]].copy()
    shown["verdict"] = shown["verdict"].astype(str)
    return shown
