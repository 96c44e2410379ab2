"""The SaaS chapter's one-sentence answer, worded from SYNTHETIC numbers (signs and p-values made up)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deepseek_monday.chapters.saas import synthesis

DAY = pd.Timestamp("2025-01-27")
END = pd.Timestamp("2025-12-31")
MINUS = "\u2212"


def answer(infra=(-0.17, 0.0001), software=(-0.004, 0.84), end=-0.42, peak=0.23, cut=False) -> str:
    return synthesis.plain_answer(DAY, infra, software, end, peak, END, cut)


def test_answer_opens_with_a_plain_verdict_then_the_numbers() -> None:
    text = answer()
    assert text.startswith("Only in part: on 27 January 2025 the news of cheaper AI hurt the AI-infrastructure")
    assert f"({MINUS}17.00 %, p < 0.001), but did not help the application-software stocks ({MINUS}0.40 %, " \
           "p = 0.840)" in text
    assert "early lead over the infrastructure stocks did not last (by 31 December 2025 they were 42.0 % behind)" \
        in text
    assert text.endswith("the hyperscalers' capex figures show no cut after the event day.")
    assert "-" not in text.replace("AI-infrastructure", "").replace("application-software", "")


@pytest.mark.parametrize(("infra", "software", "cut", "opening"), [
    ((-0.17, 0.001), (0.03, 0.01), True, "Yes"),
    ((0.01, 0.6), (-0.01, 0.5), False, "No"),
    ((-0.05, 0.20), (0.02, 0.30), None, "No"),  # falls and gains within chance support nothing
    ((-0.17, 0.001), (0.03, 0.01), False, "Only in part"),
    ((0.01, 0.6), (0.03, 0.01), None, "Only in part"),
])
def test_opening_follows_the_signs_and_the_tests(infra, software, cut, opening) -> None:
    assert answer(infra, software, cut=cut).startswith(f"{opening}: ")


def test_clauses_follow_sign_and_significance() -> None:
    assert "did not measurably hurt the AI-infrastructure suppliers" in answer(infra=(-0.05, 0.2))
    assert "did not hurt the AI-infrastructure suppliers (+1.00 %" in answer(infra=(0.01, 0.001))
    assert "helped the application-software stocks (+3.00 %, p = 0.010)" in answer(software=(0.03, 0.01))
    assert "did not measurably help" in answer(software=(0.03, 0.2))
    assert "hurt the application-software stocks as well" in answer(software=(-0.03, 0.01))
    # "and" joins two clauses that both support the blog's reading (or both do not), "but" a mixed pair.
    assert ", and helped" in answer(software=(0.03, 0.01)) and ", but did not help" in answer()
    assert "still 5.0 % ahead of the infrastructure stocks" in answer(end=0.05)
    assert "never got ahead" in answer(end=-0.1, peak=-0.01)
    assert "the facts cannot show" in answer(cut=None) and "below plan or below the year before" in answer(cut=True)


def test_capex_cut_reads_plans_after_the_event_and_outcomes() -> None:
    """SYNTHETIC plans: a cut is a later plan below the year before or an outcome below its plan's lower end."""
    outcomes = pd.DataFrame({"timing": ["before", "after"], "plan_vs_prior": [0.5, 0.4],
                             "actual": [70.0, np.nan], "plan_low": [60.0, 75.0]}, index=["A", "B"])
    assert synthesis.capex_cut(outcomes) is False
    assert synthesis.capex_cut(outcomes.assign(plan_vs_prior=[0.5, -0.1])) is True
    assert synthesis.capex_cut(outcomes.assign(actual=[50.0, np.nan])) is True
    assert synthesis.capex_cut(outcomes.assign(timing="before", actual=np.nan)) is None
