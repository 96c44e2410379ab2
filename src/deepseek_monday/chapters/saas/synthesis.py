"""The chapter's answer in one plain sentence, worded from the measured numbers (their signs and tests).

The question is the blog's (article 002): did cheaper AI help application software and hurt the
suppliers of AI infrastructure and the hyperscalers' capex plans? :func:`plain_answer` words the
answer from numbers only; :func:`synthesis_answer` takes them from the chapter's tables.
"""

from __future__ import annotations

import pandas as pd

from deepseek_monday.chapters.saas.analysis import BasketStudy, SaasParameters, revival_numbers
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import format_percent
from deepseek_monday.present.wording import p_text

SIGNIFICANCE_LEVEL = 0.05  # the level every chapter reads its tests at
DAY0 = "[0,0]"


def _infrastructure_clause(car: float, p: float) -> tuple[str, bool]:
    numbers = f"{format_percent(car, signed=True)}, {p_text(p)}"
    if car < 0 and p < SIGNIFICANCE_LEVEL:
        return f"hurt the AI-infrastructure suppliers, whose stocks fell beyond the market ({numbers})", True
    if car < 0:
        return f"did not measurably hurt the AI-infrastructure suppliers ({numbers})", False
    return f"did not hurt the AI-infrastructure suppliers ({numbers})", False


def _software_clause(car: float, p: float) -> tuple[str, bool]:
    numbers = f"{format_percent(car, signed=True)}, {p_text(p)}"
    if car > 0 and p < SIGNIFICANCE_LEVEL:
        return f"helped the application-software stocks ({numbers})", True
    if car > 0:
        return f"did not measurably help the application-software stocks ({numbers})", False
    if p < SIGNIFICANCE_LEVEL:
        return f"hurt the application-software stocks as well ({numbers})", False
    return f"did not help the application-software stocks ({numbers})", False


def _lasting_clause(relative_end: float, relative_peak: float, end_date: pd.Timestamp) -> str:
    gap = format_percent(abs(relative_end), 1)
    if relative_end > 0:
        return f"by {long_date(end_date)} the software stocks were still {gap} ahead of the infrastructure stocks"
    if relative_peak > 0:
        return (f"the software stocks' early lead over the infrastructure stocks did not last (by "
                f"{long_date(end_date)} they were {gap} behind)")
    return (f"the software stocks never got ahead of the infrastructure stocks (by {long_date(end_date)} they "
            f"were {gap} behind)")


def _capex_clause(cut: bool | None) -> str:
    if cut is None:
        return "whether the hyperscalers cut their capex plans the facts cannot show"
    if cut:
        return "some of the hyperscalers' capex came in below plan or below the year before"
    return "the hyperscalers' capex figures show no cut after the event day"


def plain_answer(event_date: pd.Timestamp, infra: tuple[float, float], software: tuple[float, float],
                 relative_end: float, relative_peak: float, end_date: pd.Timestamp, capex_cut: bool | None) -> str:
    """Answer the chapter's question in one sentence, worded by the signs and tests of the numbers.

    ``infra`` and ``software``: each basket's day-0 abnormal return (a fraction) and its portfolio
    test's p-value; ``relative_end``/``relative_peak``: the software stocks against the
    infrastructure stocks at the end of the data and at their best after the event;
    ``capex_cut``: whether any dated plan or outcome fell below the year before or the plan (None:
    nothing comparable). "Yes" if the data support all three parts of the blog's reading, "No" if
    none, "Only in part" otherwise.
    """
    infra_text, infra_hurt = _infrastructure_clause(*infra)
    software_text, software_helped = _software_clause(*software)
    supported = [infra_hurt, software_helped, capex_cut is True]
    opening = "Yes" if all(supported) else "No" if not any(supported) else "Only in part"
    joint = "and" if infra_hurt == software_helped else "but"
    return (f"{opening}: on {long_date(event_date)} the news of cheaper AI {infra_text}, {joint} {software_text}; "
            f"{_lasting_clause(relative_end, relative_peak, end_date)}; and {_capex_clause(capex_cut)}.")


def capex_cut(outcomes: pd.DataFrame) -> bool | None:
    """Whether a plan announced after the event lay below the year before, or an outcome below its plan's lower end.

    None if the facts hold neither a dated plan after the event with its year before nor a plan with an
    outcome of its own measure (see :func:`deepseek_monday.chapters.saas.analysis.plan_outcomes`).
    """
    after = outcomes[(outcomes["timing"] == "after") & outcomes["plan_vs_prior"].notna()]
    compared = outcomes.dropna(subset=["actual"])
    if after.empty and compared.empty:
        return None
    return bool((after["plan_vs_prior"] < 0).any() or (compared["actual"] < compared["plan_low"]).any())


def synthesis_answer(study: BasketStudy, paths: pd.DataFrame, relative: pd.DataFrame, outcomes: pd.DataFrame,
                     params: SaasParameters) -> str:
    """Return the synthesis's first sentence from the chapter's event study, after-shock paths and capex plans."""
    caar = study.caar.set_index(["basket", "window"])

    def day0(basket: str) -> tuple[float, float]:
        row = caar.loc[(basket, DAY0)]
        return float(row["caar"]), float(row["p"])

    revival = revival_numbers(paths, relative, params)
    return plain_answer(params.event_date, day0("AI infrastructure"), day0("cloud software"),
                        float(revival["cloud_vs_infra_end"]), float(revival["cloud_vs_infra_peak"]),
                        paths.index[-1], capex_cut(outcomes))
