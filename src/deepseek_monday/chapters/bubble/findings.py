"""Sentences of the bubble chapter on printed levels: the record, the ranking, the valuation against Cisco,
concentration, and the closing verdict. Every number is formatted here (true minus sign, thousands
separators, dates written out), so the notebook glues finished text and Markdown never formats a float.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.data import company_name
from deepseek_monday.chapters.bubble.valuation import latest_known_quarter
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.measures.levels import LevelLoss
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import format_number


def bn(value: float, decimals: int = 1) -> str:
    """Write a USD amount in billions: ``592.7 bn USD``."""
    return f"{format_number(value / 1e9, decimals)} bn USD"


def pct(fraction: float, decimals: int = 2, signed: bool = True) -> str:
    """Write a fraction as percent with a true minus sign: ``-16.97 %`` (typeset with U+2212)."""
    return f"{format_number(100 * fraction, decimals, signed=signed)} %"


def times(value: float) -> str:
    """Write a multiple: ``25.6 times``, or ``not meaningful`` where it is missing (a loss, no data)."""
    return "not meaningful" if value is None or pd.isna(value) else f"{format_number(value, 1)} times"


def possessive(name: str) -> str:
    """Return the possessive of a company name: ``NVIDIA's``, ``Cisco Systems'``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def level_record_sentence(loss: LevelLoss) -> str:
    """Say how much market value the company lost on the day, from printed closes and a cover count."""
    name = company_name(loss.ticker)
    verb = "lost" if loss.loss > 0 else "gained"
    return (f"On {loss.date:%A} {long_date(loss.date)} {name} {verb} **{bn(abs(loss.loss))}** of market value: "
            f"its printed close went from {format_number(loss.previous_close)} USD ({long_date(loss.previous_date)}) "
            f"to {format_number(loss.close)} USD, **{pct(loss.change)}**, on {loss.count.describe()}.")


def ranking_sentence(ranked: pd.DataFrame, left_out: pd.DataFrame) -> str:
    """Say which companies' largest losses the facts allow to rank, and which they do not."""
    if ranked.empty:
        return "The facts allow no company's loss of market value to be computed at printed levels."
    parts = [f"{possessive(company_name(row['ticker']))} {bn(row['loss'])} on {long_date(row['date'])} "
             f"({long_date(row['from'])} to {long_date(row['to'])} covered)" for _, row in ranked.iterrows()]
    text = (f"At printed levels the facts allow {len(ranked)} "
            f"{'company' if len(ranked) == 1 else 'companies'} to be ranked: " + "; ".join(parts) + ".")
    if not left_out.empty:
        text += (f" The other {len(left_out)} companies with share counts in the facts "
                 f"({', '.join(left_out['ticker'])}) have no printed close there, so their levels, and any loss in "
                 "dollars, are not computed: the ranking cannot say whether a loss of theirs (Meta's on "
                 "3 February 2022 is the usual comparison) was larger, and the facts hold no count of early 2022 "
                 "for Meta either.")
    return text


def history_sentence(history: pd.DataFrame, rank: tuple[int, int], ticker: str, date: pd.Timestamp,
                     max_gap: int) -> str:
    """Say where the event day's loss stands in the company's own history at printed levels."""
    name = company_name(ticker)
    span = (f"the {rank[1]:,} sessions from {long_date(history.attrs['from'])} to {long_date(history.attrs['to'])} "
            f"(those within {max_gap} days of a cover share count of {name} in the facts)")
    if rank[0] != 1:
        return f"Among {span}, {long_date(date)} ranks {rank[0]:,}."
    second = history[history["date"] != date].iloc[0]
    return (f"Among {span}, {long_date(date)} ranks **first**; the next largest loss, {bn(second['loss'])} on "
            f"{long_date(second['date'])} ({pct(second['return'])}), was {loss_multiple(history, date)} smaller.")


def valuation_numbers_at_levels(table: pd.DataFrame, old: pd.DataFrame, subject: str) -> dict[str, str]:
    """Return the valuation's glued text: the subject and Cisco at printed levels, and Cisco before the fix.

    ``table`` is :func:`.multiples.multiples_table` (rows: subject at pre-event peak and event day, trailing
    then hindsight; Cisco at its peak, last year then containing year); ``old`` is the adjusted-close
    comparison of :func:`.valuation.valuation_comparison` (Cisco rows only are read).
    """
    def row(company: str, when: str, position: int) -> pd.Series:
        rows = table[(table["company"] == company) & (table["when"] == when)]
        return rows.iloc[position]

    event, peak, cisco_last, cisco_year = (row(subject, "event day", 0), row(subject, "pre-event peak", 0),
                                           row("CSCO", "dot-com peak", 0), row("CSCO", "dot-com peak", 1))
    event_next = row(subject, "event day", 1)
    old_cisco = old[old["company"] == "CSCO"].reset_index(drop=True)
    name = company_name(subject)
    numbers = {
        "cisco_value_printed": bn(cisco_last["market_value"]),
        "cisco_value_adjusted": bn(old_cisco.at[0, "market_value"]),
        "cisco_price_printed": f"{format_number(cisco_last['price'], 4)} USD",
        "cisco_count": cisco_last["count"].describe(),
        "cisco_peak_day": long_date(cisco_last["date"]),
        "cisco_ps_last": times(cisco_last["price_to_sales"]),
        "cisco_ps_year": times(cisco_year["price_to_sales"]),
        "cisco_pe_last": times(cisco_last["price_to_earnings"]),
        "cisco_pe_year": times(cisco_year["price_to_earnings"]),
        "cisco_ps_last_old": times(old_cisco.at[0, "price_to_sales"]),
        "cisco_ps_year_old": times(old_cisco.at[1, "price_to_sales"]),
        "cisco_last_year": str(cisco_last["revenue_basis"]).split()[0],
        "cisco_containing_year": str(cisco_year["revenue_basis"]).split()[0],
        "subject_ps_event": times(event["price_to_sales"]), "subject_pe_event": times(event["price_to_earnings"]),
        "subject_ps_peak": times(peak["price_to_sales"]), "subject_pe_peak": times(peak["price_to_earnings"]),
        "subject_pe_event_next": times(event_next["price_to_earnings"]),
        "subject_ps_event_next": times(event_next["price_to_sales"]),
        "subject_peak_day": long_date(peak["date"]),
        "subject_value_event": bn(event["market_value"]), "subject_value_peak": bn(peak["market_value"]),
    }
    was_above = peak["price_to_sales"] >= old_cisco.at[0, "price_to_sales"]
    is_above = peak["price_to_sales"] >= cisco_last["price_to_sales"]
    if was_above and not is_above:
        change = (f"On adjusted closes Cisco's peak multiple looked lower than {name}'s at its own peak "
                  f"({numbers['cisco_ps_last_old']} against {numbers['subject_ps_peak']}); at the printed close it is "
                  "higher, so the comparison turns round")
    elif is_above:
        change = (f"Even at the printed close Cisco's peak multiple ({numbers['cisco_ps_last']}) stays at or below "
                  f"{name}'s at its own peak ({numbers['subject_ps_peak']})")
    else:
        change = (f"The fix widens the gap: Cisco's peak multiple rises from {numbers['cisco_ps_last_old']} to "
                  f"{numbers['cisco_ps_last']}, further above {name}'s {numbers['subject_ps_peak']} at its own peak")
    ratio = cisco_last["price_to_sales"] / event["price_to_sales"]
    numbers["comparison_sentence"] = (
        f"{change}. On the event day {name} traded at {numbers['subject_ps_event']} trailing sales; Cisco's "
        f"{numbers['cisco_ps_last']} on the last annual revenue reported before its peak was {format_number(ratio, 1)} "
        f"times as high. On earnings the gap is wider: {numbers['subject_pe_event']} against "
        f"{numbers['cisco_pe_last']}.")
    return numbers


def highest_multiple_sentence(series: pd.DataFrame, event_date: pd.Timestamp, cisco_ps: float, name: str,
                              accounts: pd.DataFrame) -> str:
    """Say the highest daily price-to-sales ratio before the event, its count basis, and how it compares.

    Where the quarter after the revenue used enters on an assumed publication date, the sentence says so:
    the ratio may then rest on revenue the market had already seen superseded.
    """
    before = series.loc[:event_date - pd.Timedelta(days=1)].dropna(subset=["price_to_sales"])
    if before.empty:
        return f"No daily price-to-sales ratio of {name} can be computed before the event."
    day = before["price_to_sales"].idxmax()
    value = float(before.at[day, "price_to_sales"])
    against = ("above" if value > cisco_ps else "at" if round(value, 1) == round(cisco_ps, 1) else "below")
    text = (f"Over the sessions from {long_date(before.index[0])} to the event with a filing cover count in reach, "
            f"{name}'s highest trailing multiple was **{times(value)}** sales on {long_date(day)}, {against} "
            f"Cisco's {times(cisco_ps)}.")
    quarter = latest_known_quarter(accounts, day)
    position = accounts.index.get_loc(quarter)
    if position + 1 < len(accounts):
        following = accounts.iloc[position + 1]
        if str(following["published_basis"]).startswith("assumed"):
            text += (f" That day's revenue ends with {quarter}; {accounts.index[position + 1]} enters only after "
                     f"{long_date(following['published'])}, a date assumed because the event timeline does not give "
                     "it, so the ratio may rest on revenue already superseded and overstate the multiple.")
    return text


def concentration_sentence(companies: pd.DataFrame, summary: pd.DataFrame, event_date: pd.Timestamp) -> str:
    """Say what share of the S&P 500's value the companies with counts held (a lower bound), and its gaps."""
    event = summary[summary["date"] == event_date].iloc[0]
    first = summary.iloc[0]
    day = companies[(companies["date"] == event_date)].dropna(subset=["value"])
    named = ", ".join(day.sort_values("value", ascending=False)["ticker"])
    return (f"The {int(event['companies'])} companies with a share count in the facts ({named}) were worth "
            f"{bn(event['value'], 0)} on {long_date(event_date)}: **at least {pct(event['share'], 1, False)}** of the "
            f"S&P 500's total market value ({bn(first['total'], 0)} on {long_date(first['total_date'])}, carried "
            f"to the day by the index's own move to {bn(event['total'], 0)}), against at least "
            f"{pct(first['share'], 1, False)} on {long_date(first['date'])}, the date of the total itself. It is a "
            f"lower bound twice over: {int(event['companies']) - int(event['printed'])} of the "
            f"{int(event['companies'])} "
            "are valued at their adjusted closes, which sit below the printed ones by the dividends paid since, and "
            "large companies without a count in the facts are left out.")


def verdict_answer(numbers: dict[str, object]) -> tuple[str, list[str]]:
    """Return the plain answer with its count of criteria, and one bullet per criterion (see :func:`verdict_inputs`)."""
    n = numbers
    met, not_met, open_ = [], [], []
    if n["fall"] <= -0.10:
        largest = (f", {n['loss_multiple']} its next-largest loss in the sessions the facts cover"
                   if n["loss_multiple"] else "")
        met.append(f"**Fragility.** News that did not touch {n['name']}'s accounts took {n['loss_text']} off its "
                   f"value in one session ({n['fall_text']}){largest}. Such a shock is what a price resting on "
                   "expectations produces; on its own it does not show the expectations were wrong.")
    else:
        not_met.append(f"**Fragility.** The event-day move of {n['fall_text']} is not the kind of collapse the "
                       "criterion asks for.")
    if n["ps_event"] >= n["cisco_ps"] or n["pe_event"] >= n["cisco_pe"]:
        met.append(f"**Valuation.** {n['name']} at {n['ps_event_text']} trailing sales and {n['pe_event_text']} "
                   f"trailing earnings reached Cisco's peak multiples ({n['cisco_ps_text']}, {n['cisco_pe_text']}).")
    else:
        not_met.append(f"**Valuation.** {n['name']} traded at {n['ps_event_text']} trailing sales and "
                       f"{n['pe_event_text']} trailing earnings on the event day ({n['ps_peak_text']} and "
                       f"{n['pe_peak_text']} at its pre-event peak), well below Cisco's {n['cisco_ps_text']} and "
                       f"{n['cisco_pe_text']} at the dot-com peak; on the earnings it reported over the next four "
                       f"quarters the event-day price was {n['pe_next_text']} earnings. {n['highest_text']}")
    if pd.isna(n["after_1y"]):
        open_.append(f"**The aftermath.** A year after {n['name']}'s peak is not yet in the data.")
    elif n["after_1y"] >= n["cisco_after_1y"] + 0.25:
        not_met.append(f"**The aftermath.** A year after its pre-event peak {n['name']} stood at "
                       f"{n['after_1y_text']} of it; Cisco a year after its peak stood at {n['cisco_after_1y_text']} "
                       f"and fell {n['cisco_drawdown_text']} within {n['horizon']} years. Nothing like that has "
                       "followed so far.")
    else:
        met.append(f"**The aftermath.** A year after its peak {n['name']} stood at {n['after_1y_text']} of it, "
                   f"close to Cisco's {n['cisco_after_1y_text']}.")
    open_.append(f"**Concentration.** The companies the facts can value held at least {n['share_text']} of the "
                 "S&P 500 on the event day: a high share, but the facts give no total for 2000, so whether it "
                 "exceeds the dot-com peak's cannot be said here.")
    open_.append(f"**Revenue to justify the spending.** Sequoia's arithmetic puts the AI revenue needed at "
                  f"{n['sequoia_text']} a year on the data-centre revenue known at the event; what AI applications "
                  "earn is not in the data.")
    verdict = (f"{plain_answer(n['name'], met, not_met, open_)} Of the five criteria set out at the start, the data "
               f"meet {len(met)}, do not meet {len(not_met)} and cannot decide {len(open_)}.")
    return verdict, met + not_met + open_


def verdict_paragraphs(numbers: dict[str, object]) -> str:
    """Return the chapter's closing verdict from the measured numbers (see :func:`verdict_inputs`)."""
    n = numbers
    verdict, criteria = verdict_answer(numbers)
    change = (f"What would change this verdict: earnings that fall as Cisco's did (from {n['cisco_income_text']} "
              f"in its fiscal year of the peak to a loss of {n['cisco_loss_text']} the year after), which would "
              f"lift {n['name']}'s price-to-earnings ratio at any given price; multiples that climb to Cisco's "
              "levels without the earnings to match; a path after the peak like Cisco's; or, for concentration, "
              "an S&P 500 total and share counts for March 2000 in the facts.")
    bullets = "\n".join(f"- {line}" for line in criteria)
    return f"{verdict}\n\n{bullets}\n\n{change}"


# How the plain answer names each criterion (by the bold label that opens its bullet).
CRITERION_NAMES = {"Fragility": "fragility", "Valuation": "a valuation like Cisco's at the dot-com peak",
                   "The aftermath": "an aftermath like Cisco's", "Concentration": "concentration",
                   "Revenue to justify the spending": "the revenue to justify the spending"}


def _criteria(bullets: list[str], conjunction: str = "and") -> str:
    names = [CRITERION_NAMES.get(bullet[2:bullet.index(".**")], bullet) for bullet in bullets]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def plain_answer(name: str, met: list[str], not_met: list[str], open_: list[str]) -> str:
    """Answer "a bubble?" in one plain sentence from which criteria the data meet, do not meet and cannot decide.

    The bullets are :func:`verdict_paragraphs`' (each opens with its criterion in bold). "Not on this evidence"
    if the data meet none, "yes" if they meet every one they can decide, "not on the whole" if they meet fewer
    than they reject, "in part" otherwise.
    """
    opening = ("Not on this evidence" if not met else "By the criteria the data can decide, yes" if not not_met
               else "Not on the whole" if len(met) < len(not_met) else "In part")
    if not met:
        shown = f"{name} showed neither {_criteria(not_met, 'nor')}" if len(not_met) > 1 else \
            f"{name} did not show {_criteria(not_met)}"
    else:
        shown = f"{name} showed {_criteria(met)}" + (f", but not {_criteria(not_met, 'or')}" if not_met else "")
    return f"{opening}: of the marks of a bubble, {shown}" + (
        f"; {_criteria(open_)} the data cannot decide." if open_ else ".")


def loss_multiple(history: pd.DataFrame, date: pd.Timestamp) -> str:
    """Say how many times the date's loss exceeds the next-largest in ``history`` (``2.1 times``)."""
    losses = history.set_index("date")["loss"]
    if date not in losses.index:
        raise NotCheckable(f"{date:%Y-%m-%d} is not among the largest losses shown")
    others = losses.drop(date)
    if others.empty or others.iloc[0] <= 0:
        return "larger than any other"
    return f"{format_number(losses.loc[date] / others.iloc[0], 1)} times"


def finite(value: float) -> float:
    """Return ``value`` as float, NaN where missing (for comparisons in the verdict)."""
    return float(value) if value is not None and not pd.isna(value) else np.nan


def verdict_inputs(loss: LevelLoss, history: pd.DataFrame, table: pd.DataFrame, overlay: pd.DataFrame,
                   summary: pd.DataFrame, sequoia: pd.DataFrame, cisco_years: pd.DataFrame,
                   event_date: pd.Timestamp, horizon: int, highest_text: str = "") -> dict[str, object]:
    """Collect the measured numbers :func:`verdict_paragraphs` reasons with (floats and their finished text)."""
    ticker = loss.ticker
    event = table[(table["company"] == ticker) & (table["when"] == "event day")]
    peak = table[(table["company"] == ticker) & (table["when"] == "pre-event peak")]
    cisco = table[table["company"] == "CSCO"].iloc[0]
    focus_row, cisco_row = overlay.loc[ticker], overlay.loc["CSCO"]
    share = summary.loc[summary["date"] == event_date, "share"].iloc[0]
    known = sequoia[sequoia["published"] < event_date]
    peak_year = str(table[table["company"] == "CSCO"].iloc[1]["revenue_basis"]).split()[0]
    after_year = f"FY{int(peak_year[2:]) + 1}"
    return {
        "name": company_name(ticker), "highest_text": highest_text, "fall": loss.change, "fall_text": pct(loss.change),
        "loss_text": bn(loss.loss), "loss_multiple": (loss_multiple(history, loss.date)
                                                     if loss.date in set(history["date"]) else ""),
        "ps_event": finite(event["price_to_sales"].iloc[0]), "pe_event": finite(event["price_to_earnings"].iloc[0]),
        "ps_event_text": times(event["price_to_sales"].iloc[0]),
        "pe_event_text": times(event["price_to_earnings"].iloc[0]),
        "pe_next_text": times(event["price_to_earnings"].iloc[1]),
        "ps_peak_text": times(peak["price_to_sales"].iloc[0]),
        "pe_peak_text": times(peak["price_to_earnings"].iloc[0]),
        "cisco_ps": finite(cisco["price_to_sales"]), "cisco_pe": finite(cisco["price_to_earnings"]),
        "cisco_ps_text": times(cisco["price_to_sales"]), "cisco_pe_text": times(cisco["price_to_earnings"]),
        "after_1y": finite(focus_row["after_1y"]), "after_1y_text": pct(focus_row["after_1y"], 0, False),
        "cisco_after_1y": finite(cisco_row["after_1y"]), "cisco_after_1y_text": pct(cisco_row["after_1y"], 0, False),
        "cisco_drawdown_text": pct(-cisco_row["max_drawdown"], 0, False), "horizon": horizon,
        "share_text": pct(share, 1, False),
        "sequoia_text": (bn(known["required_revenue"].iloc[-1], 0) if not known.empty else "an amount the facts "
                         "cannot give"),
        "cisco_income_text": bn(cisco_years.at[peak_year, "net_income"]),
        "cisco_loss_text": bn(-cisco_years.at[after_year, "net_income"]),
    }
