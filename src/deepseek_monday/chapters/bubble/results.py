"""The bubble chapter computed in one call: :func:`compute` returns every number, figure and table of the page.

The notebook validates its parameters, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; it shows each table in a one-line cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from deepseek_monday.chapters import bubble
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims import ledger
from deepseek_monday.data.cross_section import load_cross_section
from deepseek_monday.present import style
from deepseek_monday.present.glue import ChapterResults

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class BubbleResults(ChapterResults):
    """The bubble chapter's results: ``numbers``, ``figures`` and ``tables`` by the names the notebook uses."""


def _add(numbers: dict[str, object], new: Mapping[str, object]) -> None:
    """Add ``new`` to ``numbers``; a name glued twice is an error (the page could quote either value)."""
    twice = sorted(set(numbers) & set(new))
    if twice:
        raise ValueError(f"glue names computed twice: {', '.join(twice)}")
    numbers.update(new)


def compute(params: bubble.BubbleParameters) -> BubbleResults:
    """Compute the chapter for validated ``params``: every glued number, figure and shown table, by name."""
    from deepseek_monday.chapters.bubble import figures as bubble_figures  # figures imports this package

    numbers: dict[str, object] = {}
    figures: dict[str, Figure] = {}
    tables: dict[str, pd.DataFrame] = {}
    style.use_house_style()
    data = bubble.load_chapter_data(params)
    claims = ledger.evaluate()
    sp500 = load_cross_section().prices

    def adjusted_closes(ticker: str) -> pd.Series:
        """Adjusted closes of a ticker's listed class: the chapter's panel, else the S&P 500 cross-section."""
        symbol = bubble.PRICE_SYMBOLS.get(ticker, ticker)
        return data.prices[symbol] if symbol in data.prices.columns else sp500[symbol]

    # 1. Market value and the record. Levels and dollar losses from printed closes and cover share counts;
    # returns from adjusted closes.
    focus_level = bubble.price_level(data.prices[params.focus], params.focus)
    focus_counts = bubble.outstanding_counts(params.focus)
    loss = bubble.level_loss(focus_level, focus_counts, params.focus, params.event_date)
    value_rank = bubble.own_loss_rank(focus_level, focus_counts, params.focus, params.event_date)
    own_rank = calc.fall_rank(data.returns[params.focus], params.event_date)
    ranking = bubble.universe_stock_ranking(data, params.event_date)
    index_ranks = bubble.event_day_index_ranks(data, params.event_date)
    _add(numbers, bubble.headline_numbers(params, data, loss.change, own_rank, ranking, index_ranks))
    _add(numbers, bubble.ledger_numbers(claims))
    _add(numbers, bubble.setting_numbers(params))
    _add(numbers, {"record_sentence": bubble.level_record_sentence(loss),
                   "universe_worst_return_text": bubble.findings.pct(ranking["return"].iloc[0], 1)})
    tables["level_record"] = bubble.display_level_record(loss, own_rank, ranking, params.focus, value_rank)
    tables["universe_ranking"] = bubble.display_universe_ranking(ranking)

    anchors = {ticker: bubble.anchor_table(data.prices[ticker], bubble.printed_closes(ticker))
               for ticker in dict.fromkeys([params.focus, bubble.DOTCOM_STOCK])}
    _add(numbers, {"count_gap": f"{bubble.COUNT_MAX_GAP_DAYS}"})
    tables["anchors"] = bubble.display_anchors(anchors)

    ranked, left_out = bubble.company_record_losses(adjusted_closes, bubble.tickers_with_counts())
    history = bubble.own_history(focus_level, focus_counts, params.focus)
    _add(numbers, {"ranking_sentence": bubble.ranking_sentence(ranked, left_out),
                   "history_sentence": bubble.history_sentence(history, value_rank, params.focus,
                                                               params.event_date, bubble.COUNT_MAX_GAP_DAYS)})
    figures["fig_own_history"] = bubble_figures.own_history_bars(history, params.focus, params.event_date)
    tables["company_losses"] = bubble.display_company_losses(ranked)
    tables["left_out"] = bubble.display_left_out(left_out)
    tables["history"] = bubble.display_history(history)
    tables["index_records"] = bubble.display_index_records(bubble.index_records(data))
    _add(numbers, {"records_flagged": bubble.records_flagged_sentence()})

    study = bubble.focus_event_study(data, params)
    event_numbers = bubble.event_study_numbers(study)
    event_numbers.update({"car_day0_text": bubble.findings.pct(event_numbers["car_day0"]),
                          "car_0_10_text": bubble.findings.pct(event_numbers["car_0_10"])})
    _add(numbers, event_numbers)
    tables["event_study"] = bubble.display_event_study(study)
    tables["record_claims"] = bubble.record_claims(claims)

    # 2. Valuation.
    subject = bubble.valuation_subject(params.focus)
    subject_prices = data.prices[subject.ticker]
    subject_level = bubble.price_level(subject_prices, subject.ticker)
    subject_counts = bubble.outstanding_counts(subject.ticker)
    peak_day = bubble.pre_event_peak_date(subject_prices, params)
    cisco_level = bubble.price_level(data.prices[bubble.DOTCOM_STOCK], bubble.DOTCOM_STOCK)
    cisco_peak = bubble.dotcom_peak_date(data.prices[bubble.DOTCOM_STOCK], params)
    multiples = bubble.multiples_table(
        bubble.quarterly_multiples(subject_level, subject_counts, subject.ticker, subject.accounts, peak_day,
                                   "pre-event peak")
        + bubble.quarterly_multiples(subject_level, subject_counts, subject.ticker, subject.accounts,
                                     params.event_date, "event day")
        + bubble.annual_multiples(cisco_level, bubble.outstanding_counts(bubble.DOTCOM_STOCK),
                                  bubble.DOTCOM_STOCK, cisco_peak, "dot-com peak"))
    adjusted_comparison = bubble.valuation_comparison(data, params, subject.ticker, subject.accounts)
    valuation_text = bubble.valuation_numbers_at_levels(multiples, adjusted_comparison, subject.ticker)
    _add(numbers, valuation_text)
    years = bubble.fiscal_years(subject.ticker, subject.accounts)
    _add(numbers, {key: value for key, value in bubble.valuation_numbers(subject, adjusted_comparison, years,
                                                                         params.event_date).items()
                   if key in ("subject", "subject_name", "subject_note", "gross_margin_sentence",
                              "fiscal_year_sentence")})
    series = bubble.price_to_sales_at_levels(subject_level, subject.ticker, subject_counts, subject.accounts)
    cisco_rows = multiples[multiples["company"] == bubble.DOTCOM_STOCK]
    references = {f"Cisco at its dot-com peak on {basis.split()[0]} revenue": value
                  for basis, value in zip(cisco_rows["revenue_basis"], cisco_rows["price_to_sales"], strict=True)}
    figures["fig_price_to_sales"] = bubble_figures.price_to_sales_line(series["price_to_sales"], subject.ticker,
                                                                       params.event_date, references)
    highest = bubble.findings.highest_multiple_sentence(series, params.event_date,
                                                       float(cisco_rows["price_to_sales"].iloc[0]),
                                                       bubble.data.company_name(subject.ticker), subject.accounts)
    _add(numbers, {"highest_sentence": highest})
    _add(numbers, {"first_cover_day": style.long_date(series.index[series["basis"] == "cover count"][0]),
                   "last_cover_day": style.long_date(series.index[series["basis"] == "cover count"][-1])})
    tables["multiples"] = bubble.display_multiples(multiples)
    figures["fig_fundamentals"] = bubble_figures.fundamentals_panels(subject.accounts, subject.ticker,
                                                                     params.event_date)
    tables["quarters"] = bubble.display_quarters(subject.accounts)
    tables["fiscal_years"] = bubble.display_fiscal_years(years)

    # 3. Dot-com overlay.
    overlay = bubble.overlay_series(data, params)
    paths = bubble.overlay_paths(data, overlay, params.horizon_years)
    overlay_summary = bubble.overlay_summary(data, overlay, params.horizon_years)
    _add(numbers, {"overlay_sentences": bubble.overlay_sentences(overlay_summary)})
    figures["fig_overlay"] = bubble_figures.overlay_panels(paths, overlay, params.horizon_years)
    tables["overlay"] = bubble.display_overlay(overlay_summary)

    # 4. Concentration and volatility.
    dates = [bubble.market.index_total(params.event_date)[1], calc.last_row_on_or_before(
        data.prices[params.focus], params.event_date - pd.Timedelta(days=1)), params.event_date]
    companies, concentration_summary = bubble.concentration(adjusted_closes, data.prices["GSPC"],
                                                            bubble.tickers_with_counts(), dates)
    _add(numbers, {"concentration_sentence": bubble.concentration_sentence(companies, concentration_summary,
                                                                           params.event_date)})
    value_series = {ticker: bubble.market_value_series(bubble.price_level(data.prices[ticker], ticker),
                                                       bubble.outstanding_counts(ticker))
                    for ticker in dict.fromkeys([params.focus, bubble.DOTCOM_STOCK])}
    titles = {params.focus: f"{params.focus}, AI era", bubble.DOTCOM_STOCK: "CSCO (Cisco), dot-com era"}
    figures["fig_market_values"] = bubble_figures.market_value_panels(value_series, titles)
    tables["concentration"] = bubble.display_concentration(companies, concentration_summary)

    volatility = bubble.volatility_summary(data, params)
    _add(numbers, {"volatility_sentence": bubble.volatility_sentence(volatility, params)})
    _add(numbers, {"vix_sentence": bubble.vix_sentence(data, params)})
    figures["fig_volatility"] = bubble_figures.volatility_lines(
        bubble.volatility_around(data, params), params.focus, params.benchmark, params.event_date,
        params.volatility_window)
    tables["volatility"] = bubble.display_volatility(volatility, params.volatility_window)

    # 5. Sequoia's question.
    question = bubble.sequoia_question()
    sequoia_accounts = bubble.quarterly_accounts(bubble.ACCOUNTS_FALLBACK)
    sequoia = bubble.sequoia_table(sequoia_accounts)
    annual = bubble.annual_data_centre_question(bubble.ACCOUNTS_FALLBACK)
    _add(numbers, bubble.sequoia_numbers(sequoia, question, annual, params.event_date))
    figures["fig_sequoia"] = bubble_figures.sequoia_bars(sequoia, sequoia_accounts.index, question,
                                                         bubble.ACCOUNTS_FALLBACK)
    tables["sequoia"] = bubble.display_sequoia(sequoia)

    # Verdict.
    _add(numbers, bubble.claim_counts(claims))
    cisco_years = bubble.fiscal_years(bubble.DOTCOM_STOCK)
    inputs = bubble.verdict_inputs(loss, history, multiples, overlay_summary, concentration_summary, sequoia,
                                   cisco_years, params.event_date, params.horizon_years, highest)
    _add(numbers, {"verdict_sentences": bubble.verdict_paragraphs(inputs),
                   "verdict_answer_sentence": bubble.verdict_answer(inputs)[0]})  # the landing page quotes it
    # The headline numbers the prose glues, one table for nbval to compare.
    tables["headline"] = pd.DataFrame(
        {"Value": [bubble.findings.bn(loss.loss), bubble.findings.pct(loss.change),
                   valuation_text["cisco_value_printed"], valuation_text["cisco_ps_last"],
                   valuation_text["subject_ps_event"], valuation_text["subject_pe_event"],
                   inputs["share_text"]]},
        index=pd.Index(["Focus loss on the event day", "Focus return on the event day",
                        "Cisco at its dot-com peak", "Cisco price to sales (last year)",
                        "Focus price to sales (event day)", "Focus price to earnings (event day)",
                        "Companies with counts: share of the S&P 500 (lower bound)"], name="Headline"))
    tables["claims"] = ledger.claims_table(claims, chapter="10_bubble")
    tables["not_checkable"] = ledger.not_checkable_table(claims[claims["chapter"] == "10_bubble"])
    markdown = frozenset(name for name in numbers if name.endswith(bubble.MARKDOWN_SUFFIXES))
    return BubbleResults(numbers=numbers, figures=figures, tables=tables, markdown=markdown)
