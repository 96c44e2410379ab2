"""Numbers and sentences for the bubble chapter's prose.

Plain values are glued as numbers; where the data may not answer (another focus or date),
a sentence is built here and glued as Markdown, so the prose never prints "nan".
"""

from __future__ import annotations

import pandas as pd

from deepseek_monday.chapters.bubble.constants import DOTCOM_STOCK, SEQUOIA_COST_MULTIPLE, SEQUOIA_END_USER_MARGIN
from deepseek_monday.chapters.bubble.data import ChapterData, company_name
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.chapters.bubble.sequoia import SequoiaQuestion, implied_run_rate, required_revenue
from deepseek_monday.chapters.bubble.subjects import ValuationSubject, fiscal_year_after
from deepseek_monday.claims.ledger import verdict_counts
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.eventstudy import EventStudyResult
from deepseek_monday.measures.diluted_value import largest_approximation_error
from deepseek_monday.present.tables import format_number

# Glue names ending so hold Markdown text (sentences), to be glued with IPython's Markdown.
MARKDOWN_SUFFIXES = ("_sentence", "_sentences", "_note")


def _pct(value: float) -> str:
    return f"{format_number(100 * value, 1, signed=True)} %"


def _bn(value: float) -> str:
    return f"{value / 1e9:,.1f} bn USD"


def setting_numbers(params: BubbleParameters) -> dict[str, object]:
    """Return the chapter's settings the prose and captions quote, in plain words rather than parameter names."""
    return {"peak_lookback_days": params.peak_lookback_days, "peak_search_days": params.peak_search_days,
            "dotcom_anchor": f"{params.dotcom_peak:%-d %B %Y}", "volatility_window": params.volatility_window,
            "horizon_years": params.horizon_years}


def headline_numbers(params: BubbleParameters, data: ChapterData, change: float, own_rank: tuple[int, int],
                     ranking: pd.DataFrame, index_ranks: pd.DataFrame) -> dict[str, object]:
    """Return the record's numbers the prose quotes, keyed by glue name (plain Python values).

    ``change`` is the focus's event-day return; its loss of market value is glued from printed closes
    (:func:`deepseek_monday.chapters.bubble.findings.level_record_sentence`).
    """
    name = company_name(params.focus)
    worst = ranking.index[0]
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A %-d %B %Y}",
        "focus": params.focus,
        "focus_name": f"{name} ({params.focus})",
        "benchmark": params.benchmark,
        "focus_return": float(change),
        "own_rank": own_rank[0],
        "own_count": own_rank[1],
        "own_since": f"{data.returns[params.focus].dropna().index[0]:%Y}",
        "universe_rank": int(ranking.at[params.focus, "rank"]) if params.focus in ranking.index else 0,
        "universe_count": len(ranking),
        "universe_worst": f"{ranking.at[worst, 'name']} ({worst})",
        "universe_worst_return": float(ranking.at[worst, "return"]),
    }
    parts = []
    for name, row in index_ranks.iterrows():
        numbers[f"{row['symbol'].lower()}_since"] = f"{row['from']:%Y}"
        if pd.isna(row["return"]):
            parts.append(f"the {name} has no return that day in the snapshot (its returns run from "
                         f"{row['from']:%-d %B %Y} to {row['to']:%-d %B %Y})")
        else:
            returned = format_number(100 * row["return"], 2, signed=True)
            parts.append(f"the {name} returned {returned} %, rank {int(row['rank']):,} of its {row['sessions']:,} "
                         "sessions")
    numbers["index_day_sentence"] = "On the event day " + "; ".join(parts) + "."
    return numbers


def event_study_numbers(result: EventStudyResult) -> dict[str, object]:
    """Return the focus's abnormal return on the event day and over [0, +10], with p-values."""
    car = result.car.set_index("window")
    start, end = result.settings["estimation_window"]
    return {"estimation_window": f"{format_number(start, 0)} to {format_number(end, 0)}",
            "car_day0": float(car.at["[0,0]", "car"]), "p_day0": p_value_text(float(car.at["[0,0]", "p"])),
            "car_0_10": float(car.at["[0,+10]", "car"]), "p_0_10": p_value_text(float(car.at["[0,+10]", "p"]))}


def p_value_text(p: float) -> str:
    """Write a p-value for prose: three decimals, or "< 0.001"."""
    if pd.isna(p):
        return "not available"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def valuation_numbers(subject: ValuationSubject, comparison: pd.DataFrame, years: pd.DataFrame,
                      event_date: pd.Timestamp) -> dict[str, object]:
    """Return the valuation numbers and sentences the prose quotes."""
    accounts = subject.accounts
    name = company_name(subject.ticker)
    numbers: dict[str, object] = {"subject": subject.ticker, "subject_name": f"{name} ({subject.ticker})",
                                  "subject_note": subject.note}
    cisco = comparison[comparison["company"] == DOTCOM_STOCK].reset_index(drop=True)
    numbers.update({"cisco_ps_last_year": float(cisco.at[0, "price_to_sales"]),
                    "cisco_ps_last_year_basis": str(cisco.at[0, "revenue_basis"]),
                    "cisco_ps_containing_year": float(cisco.at[1, "price_to_sales"]),
                    "cisco_ps_containing_year_basis": str(cisco.at[1, "revenue_basis"]),
                    "cisco_peak_day": f"{cisco.at[0, 'date']:%-d %B %Y}",
                    "cisco_market_value": float(cisco.at[0, "market_value"]),
                    "cisco_net_margin": float(cisco.at[1, "net_margin"])})
    margins = accounts.dropna(subset=["gross_margin"])
    known = margins[margins["published"] < event_date]
    span = (f"over the {len(margins)} quarters with a gross margin in the facts ({margins.index[0]} to "
            f"{margins.index[-1]}) it ranged from {100 * margins['gross_margin'].min():.1f} % to "
            f"{100 * margins['gross_margin'].max():.1f} %")
    if known.empty:
        numbers["gross_margin_sentence"] = f"No quarterly gross margin was published before the event date; {span}."
    else:
        last = known.index[-1]
        numbers["gross_margin_sentence"] = (
            f"The last quarterly gross margin published before the event, for {last}, was "
            f"**{100 * known.at[last, 'gross_margin']:.1f} %**; {span}.")
    try:
        year = fiscal_year_after(accounts, event_date)
        row = years.loc[year]
        margin = (f" and a net margin of **{100 * row['net_margin']:.1f} %**" if pd.notna(row["net_margin"])
                  else "; its net margin cannot be computed from the facts")
        numbers["fiscal_year_sentence"] = (
            f"For {year}, the first fiscal year to end after the event date, {name} later reported revenue of "
            f"{_bn(row['revenue'])}, growth of **{_pct(row['revenue_growth'])}** on the year before{margin}.")
    except (NotCheckable, KeyError):
        numbers["fiscal_year_sentence"] = (f"The facts do not yet hold {name}'s full accounts for the first fiscal "
                                           "year to end after the event date.")
    return numbers


def _level_phrase(lead: str, value: float, data_end: pd.Timestamp) -> str:
    """Say where a series stood relative to its peak, or that the data do not reach that far yet."""
    if pd.isna(value):
        return f"{lead}: not yet in the data (which end on {data_end:%-d %B %Y})"
    return f"{lead} at {100 * value:.0f} % of the peak"


def overlay_sentences(summary: pd.DataFrame) -> str:
    """Return one Markdown bullet per overlay series: its peak, its level one and two years on, its worst drawdown."""
    lines = []
    for _, row in summary.iterrows():
        lines.append(f"- **{row['series']}** ({row['era']}, peak {row['peak']:%-d %B %Y}): "
                     f"{_level_phrase('one year on', row['after_1y'], row['data_end'])}; "
                     f"{_level_phrase('two years on', row['after_2y'], row['data_end'])}; largest drawdown within "
                     f"the window {format_number(100 * row['max_drawdown'], 0)} % "
                     f"(trough {row['drawdown_trough']:%-d %B %Y}).")
    return "\n".join(lines)


def volatility_sentence(summary: pd.DataFrame, params: BubbleParameters) -> str:
    """Say how realised volatility after the event compares with before, for focus and benchmark.

    Both windows leave the event day out; the sessions from the event day on, which the figure's
    rolling line covers, are quoted separately.
    """
    window = params.volatility_window
    measured = summary.dropna(subset=["ratio"])
    parts = [f"{symbol} {100 * row['before']:.0f} % and {100 * row['after']:.0f} % (ratio {row['ratio']:.2f})"
             for symbol, row in measured.iterrows()]
    missing = [str(symbol) for symbol in summary.index if symbol not in measured.index]
    sentences = []
    if parts:
        sentences.append(f"Realised volatility, annualised, in the {window} sessions before the event and the "
                         f"{window} after it, the event day left out of both: {'; '.join(parts)}.")
    if missing:
        sentences.append(f"The volatility of {' and '.join(missing)} after the event cannot be measured yet (fewer "
                         f"than {window} sessions of data after it).")
    with_event = summary["from_event"].dropna()
    if not with_event.empty:
        values = " and ".join(f"{100 * value:.0f} % for {symbol}" for symbol, value in with_event.items())
        sentences.append(f"Counting the event day, as the figure's rolling line does, the {window} sessions from "
                         f"the event day on give {values}.")
    return " ".join(sentences)


def sequoia_numbers(table: pd.DataFrame, question: SequoiaQuestion, annual: pd.DataFrame,
                    event_date: pd.Timestamp) -> dict[str, object]:
    """Return the numbers of Sequoia's question the prose quotes."""
    run_rate = implied_run_rate(question.amount)
    reached = table[table["run_rate"] >= run_rate]
    numbers: dict[str, object] = {
        "question_amount": question.amount / 1e9, "question_date": question.describe_date(),
        "implied_run_rate": run_rate / 1e9, "implied_quarter": run_rate / 4 / 1e9,
        "cost_multiple": SEQUOIA_COST_MULTIPLE, "end_user_margin": SEQUOIA_END_USER_MARGIN,
        "required_multiple": required_revenue(1.0),
    }
    numbers["reached_sentence"] = (
        f"Quarterly data-centre revenue first reached that level in **{reached.index[0]}** "
        f"({reached['data_centre_revenue'].iloc[0] / 1e9:.1f} bn USD, published "
        f"{reached['published'].iloc[0]:%-d %B %Y})."
        if not reached.empty else "No quarter in the facts reaches that level.")
    known = table[table["published"] < event_date]
    if known.empty:
        numbers["event_sentence"] = "No quarter with data-centre revenue was published before the event date."
    else:
        last = known.index[-1]
        numbers["event_sentence"] = (
            f"On the event date the latest published quarter with data-centre revenue in the facts was {last}: "
            f"{known.at[last, 'data_centre_revenue'] / 1e9:.1f} bn USD, a run-rate of "
            f"{known.at[last, 'run_rate'] / 1e9:,.1f} bn and a required AI revenue of "
            f"**{known.at[last, 'required_revenue'] / 1e9:,.0f} bn USD** a year.")
    latest = table.index[-1]
    numbers["latest_quarter"] = latest
    numbers["latest_required"] = float(table.at[latest, "required_revenue"] / 1e9)
    numbers["latest_published"] = f"{table.at[latest, 'published']:%-d %B %Y}"
    if not annual.empty:
        year = annual.index[-1]
        numbers["annual_sentence"] = (
            f"On a full fiscal year instead of a run-rate, {year}'s data-centre revenue of "
            f"{annual.at[year, 'data_centre_revenue'] / 1e9:,.1f} bn USD implies "
            f"{annual.at[year, 'required_revenue'] / 1e9:,.0f} bn USD.")
    return numbers


def approximation_error_sentence(ticker: str, prices: pd.Series) -> str:
    """Say by how much our market value (count x adjusted close) differs at most from the facts' year-end values."""
    try:
        error = largest_approximation_error(ticker, prices)
    except NotCheckable as reason:
        return f"How far the market value is off cannot be measured: {reason}."
    ends = "fiscal year end" if error.years == 1 else f"{error.years} fiscal year ends"
    return (f"At the {ends} where the facts give one, the market value computed here (weighted diluted count "
            f"times adjusted close) differs from the facts' by at most **{100 * error.gap:.2f} %** "
            f"({error.fiscal_period}).")


def ledger_row(claims: pd.DataFrame, measure: str, measured_only: bool = True) -> dict[str, str]:
    """Return the claimed and measured value, verdict and article of the first ledger claim checked with ``measure``.

    ``measured_only=False`` also accepts a claim the ledger could not check (its measured value is empty).
    A value the ledger shows only as context (a bound on a whole, what followed a forecast) counts as measured.
    """
    valued = (claims["measured"] != "") | (claims["context_value"] != "")
    rows = claims[(claims["measure"] == measure) & (valued | (not measured_only))]
    if rows.empty:
        raise NotCheckable(f"no ledger claim was measured with {measure!r}")
    row = rows.iloc[0]
    return {"id": str(row["id"]), "article": str(row["article"]), "claimed": str(row["claimed"]),
            "measured": str(row["measured"] or row["context_value"]), "verdict": str(row["verdict"]),
            "basis": str(row["basis"])}


def ledger_numbers(claims: pd.DataFrame) -> dict[str, object]:
    """Return the ledger's claimed and measured values the prose quotes, keyed ``ledger_<measure>_<field>``."""
    numbers: dict[str, object] = {}
    for measure in ("price_to_sales", "data_centre_gross_margin_ceiling", "data_centre_markup_ceiling",
                    "volatility_ratio", "market_value_loss", "revenue_peak_to_trough"):
        for field, value in ledger_row(claims, measure).items():
            numbers[f"ledger_{measure}_{field}"] = value
    for measure in ("fiscal_year_revenue_growth", "fiscal_year_net_margin"):
        for field, value in ledger_row(claims, measure, measured_only=False).items():
            numbers[f"ledger_{measure}_{field}"] = value
    record = claims[claims["measure"] == "market_value_loss"]
    numbers["articles_day"] = f"{pd.Timestamp(record['dates'].iloc[0]):%A %-d %B %Y}"
    return numbers


def claim_counts(claims: pd.DataFrame, chapter: str = "10_bubble") -> dict[str, object]:
    """Return how many of the chapter's ledger claims got each verdict (the ledger's one count)."""
    return verdict_counts(claims, chapter)
