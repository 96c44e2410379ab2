"""Everything the SaaS chapter computes, in one call: :func:`compute` returns :class:`SaasResults`.

The chapter's notebook validates its parameters, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; its prose quotes the glue names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from deepseek_monday.chapters.saas import analysis as saas
from deepseek_monday.chapters.saas import figures
from deepseek_monday.chapters.saas.analysis import SaasParameters
from deepseek_monday.chapters.saas.synthesis import synthesis_answer
from deepseek_monday.claims import ledger
from deepseek_monday.data.facts import load_capex_guidance
from deepseek_monday.present import style
from deepseek_monday.present.tables import format_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class SaasResults:
    """The SaaS chapter's glued outputs, each by its glue name."""

    numbers: dict[str, object] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def compute(params: SaasParameters) -> SaasResults:
    """Run the chapter for ``params``: its numbers and sentences, its figures and its displayed tables.

    Applies the house style first (the figures are drawn here).
    """
    numbers: dict[str, object] = {}
    tables: dict[str, pd.DataFrame] = {}
    fig: dict[str, Figure] = {}
    style.use_house_style()

    # The shock by basket.
    returns = saas.load_returns(params)
    prices = saas.load_prices(params)
    members = saas.membership(params)
    study = saas.basket_event_study(returns, params)
    table = saas.event_day_table(returns, study, params)
    summary = saas.basket_day_summary(table)
    numbers |= saas.headline_numbers(table, summary, study, returns, params)
    paths = saas.after_shock_paths(prices, params)
    numbers["end_date"] = f"{paths.index[-1]:%-d %B %Y}"
    tables["table_membership"] = saas.display_membership(members)
    tables["table_day_summary"] = saas.display_day_summary(summary)
    tables["table_caar"] = saas.display_caar(study, params)
    tables["table_etf_cars"] = saas.display_etf_cars(study, params)
    tables["table_exclusions"] = saas.display_exclusions(study)
    fig["fig_firm_ar"] = figures.firm_abnormal_bars(table, params)
    fig["fig_heatmap"] = figures.returns_heatmap(saas.heatmap_returns(returns, params), params)
    fig["fig_car_paths"] = figures.basket_car_paths(study.paths, params)

    # The article's claims.
    windows = saas.cloud_claim_windows(prices)
    drawdowns = saas.cloud_drawdowns(prices)
    claims = ledger.evaluate()
    numbers |= saas.claim_window_numbers(windows, drawdowns) | saas.claim_values(claims)
    fig["fig_cloud_claim"] = figures.cloud_claim_figure(prices, windows, drawdowns)
    tables["table_claim_windows"] = saas.display_claim_windows(windows)
    tables["table_drawdowns"] = saas.display_drawdowns(drawdowns)

    # After the shock.
    relative = saas.relative_paths(paths)
    member_returns = saas.member_returns_to_end(prices, params)
    events = saas.later_events(params, paths.index[-1])
    numbers |= saas.revival_numbers(paths, relative, params) | saas.member_numbers(member_returns)
    fig["fig_after"] = figures.after_shock_figure(paths, relative, events, params)
    after = saas.after_shock_table(paths, member_returns, params)
    tables["table_after_shock"] = saas.display_after_shock(after)
    tables["table_events"] = saas.display_events(events)

    # Capex against infrastructure.
    capex = saas.hyperscaler_capex()
    guidance = load_capex_guidance()
    outcomes = saas.plan_outcomes(capex, guidance, params.event_date)
    calendar = saas.calendar_capex(capex)
    long_run = saas.long_run_baskets(returns, params, saas.capex_start(capex))
    years = saas.calendar_year_returns(long_run["AI infrastructure"], [2024, 2025])
    hyper_years = saas.calendar_year_returns(long_run["hyperscalers"], [2024, 2025])
    for year in (2024, 2025):
        numbers[f"infra_{year}"] = f"{format_number(100 * years[year], 0, signed=True)} %"
        numbers[f"hyper_{year}"] = f"{format_number(100 * hyper_years[year], 0, signed=True)} %"
    capex_glue = saas.capex_numbers(capex) | saas.plan_outcome_numbers(outcomes, calendar)
    capex_glue |= {"msft_unmatched": saas.unmatched_plan_sentence(outcomes, "MSFT"),
                   "amzn_unmatched": saas.unmatched_plan_sentence(outcomes, "AMZN"),
                   "rethink_sentence": saas.rethink_sentence(outcomes)}
    numbers |= capex_glue
    numbers["long_run_start"] = f"{long_run.index[0].day} {long_run.index[0]:%B %Y}"
    fig["fig_capex"] = figures.capex_figure(saas.plan_outcome_points(outcomes, capex), outcomes, params)
    fig["fig_capex_baskets"] = figures.capex_baskets_figure(long_run, params)
    tables["table_plan_outcomes"] = saas.display_plan_outcomes(outcomes)
    tables["table_calendar_capex"] = saas.display_calendar_capex(calendar)
    tables["table_guidance"] = saas.display_guidance(saas.guidance_revisions(capex))
    tables["table_capex"] = saas.display_capex(capex)
    tables["table_claims"] = saas.display_claims(claims)
    numbers["synthesis_answer"] = synthesis_answer(study, paths, relative, outcomes, params)
    return SaasResults(numbers=numbers, figures=fig, tables=tables)
