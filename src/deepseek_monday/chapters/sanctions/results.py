"""The sanctions chapter computed in one call: :func:`compute` returns every number, figure and table of the page.

The notebook validates its parameters, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; it shows each table in a one-line cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deepseek_monday.chapters import sanctions
from deepseek_monday.chapters.sanctions import figures as sanctions_figures
from deepseek_monday.chapters.sanctions.parameters import SanctionsParameters
from deepseek_monday.claims import ledger
from deepseek_monday.data.facts import load_ai_compute
from deepseek_monday.present import style
from deepseek_monday.present.glue import ChapterResults

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def compute(params: SanctionsParameters) -> ChapterResults:
    """Compute the chapter for validated ``params``: every glued number, figure and shown table, by name.

    Applies the house style first (the figures are drawn here).
    """
    style.use_house_style()

    events = sanctions.study_events(params)
    timeline = sanctions.timeline_returns(params)
    levels = sanctions.timeline_levels(params)
    returns = sanctions.load_study_returns(params)
    study = sanctions.run_sanctions_study(returns, params)
    comparison = sanctions.comparison_table(study, events, params.window)
    next_day = sanctions.comparison_table(study, events, (1, 1))  # the session after day 0, on its own
    values = sanctions.nvidia_value_table(study, events, params.window)
    sensitivity = sanctions.dollar_sensitivity(values)
    hurt_more = sanctions.hurt_more_by_window(study, events, params.windows)
    estimation = sanctions.estimation_table(study, events)
    performance = sanctions.performance_since(params)
    paths = sanctions.comparison_paths(params)
    relative = sanctions.relative_path(paths)
    ai_compute = load_ai_compute()
    ratios = sanctions.compute_ratios(ai_compute)
    sanctions.check_against_ledger(ratios, ai_compute)
    sanctions.check_stage_sums(ai_compute)
    breakdown = sanctions.cost_breakdown(ai_compute)
    claims = ledger.evaluate()

    numbers = sanctions.headline_numbers(params, comparison, values, estimation, timeline, performance, relative,
                                         ratios, breakdown, next_day)
    numbers |= sanctions.study_numbers(study, params, hurt_more)
    numbers |= sanctions.group_study_numbers(params)  # the event day's group answer, as in every chapter
    numbers |= sanctions.verdict_counts(claims)
    numbers["hk_end_note"] = sanctions.hong_kong_end_note(levels)
    numbers["event_day_car_sentence"] = sanctions.event_day_car_sentence(study, events, returns, params.event_date)

    # The page's tables and figures, in the order it shows them.
    tables: dict[str, pd.DataFrame] = {}
    figures: dict[str, Figure] = {}
    tables["event_list"] = sanctions.display_event_list(events)
    figures["fig_timeline"] = sanctions_figures.timeline_figure(levels, events, params)
    tables["timeline_returns"] = sanctions.display_timeline_returns(timeline)
    tables["comparison"] = sanctions.display_comparison(comparison)
    figures["fig_event_bars"] = sanctions_figures.event_study_bars(comparison, params.window_text)
    tables["hurt_more"] = sanctions.display_hurt_more(hurt_more)
    tables["nvidia_values"] = sanctions.display_value_table(values)
    tables["dollar_sensitivity"] = sanctions.display_dollar_sensitivity(sensitivity)
    tables["estimation"] = sanctions.display_estimation(estimation)
    tables["exclusions"] = sanctions.display_exclusions(study, events)
    figures["fig_china_after"] = sanctions_figures.china_after_figure(paths, relative, params,
                                                                      performance.attrs["common_end"])
    tables["performance"] = sanctions.display_performance(performance)
    tables["compute_models"] = sanctions.display_compute_models(sanctions.compute_models_table(ai_compute))
    tables["ratios"] = sanctions.display_ratios(ratios)
    figures["fig_compute"] = sanctions_figures.compute_figure(sanctions.compute_models_table(ai_compute))
    tables["compute_claims"] = sanctions.compute_claims_table(claims)
    tables["headline"] = sanctions.headline_table(numbers)
    tables["theme_claims"] = sanctions.theme_claims_table(claims)
    return ChapterResults(numbers=numbers, figures=figures, tables=tables)
