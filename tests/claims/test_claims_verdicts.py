"""Verdicts at the edges of their tolerance bands (all values here are made up for the test)."""

from __future__ import annotations

import math

import pytest

from deepseek_monday.claims.verdicts import (
    Tolerance,
    Verdict,
    judge,
    judge_on_stand_in,
    parse_tolerance,
    stand_in_allowance,
)
from deepseek_monday.errors import DataValidationError

C, R, X = Verdict.CONFIRMED, Verdict.ROUGHLY_RIGHT, Verdict.CONTRADICTED
ABS = Tolerance("abs", 0.5, 2.5)
REL = Tolerance("rel", 2, 10)
EXACT = Tolerance("exact")


@pytest.mark.parametrize(("spec", "expected"), [
    ("abs 0.5/2.5", Tolerance("abs", 0.5, 2.5)),
    ("rel 2/10", Tolerance("rel", 2.0, 10.0)),
    ("abs 0/0", Tolerance("abs", 0.0, 0.0)),
    ("exact", Tolerance("exact")),
])
def test_parse_tolerance(spec: str, expected: Tolerance) -> None:
    assert parse_tolerance(spec) == expected


@pytest.mark.parametrize("spec", ["abs 2/1", "pp 0.5/2", "abs 0.5", "rel -1/2", ""])
def test_parse_tolerance_rejects_malformed_specs(spec: str) -> None:
    with pytest.raises(DataValidationError):
        parse_tolerance(spec)


@pytest.mark.parametrize(("measured", "verdict"), [
    (-17.0, C), (-16.5, C), (-17.5, C),          # confirm band edges are inside
    (-16.49, R), (-17.51, R),                    # just beyond: roughly right
    (-14.5, R), (-19.5, R),                      # rough band edges are inside
    (-14.49, X), (-19.51, X),                    # just beyond: contradicted
])
def test_approx_with_absolute_bands(measured: float, verdict: Verdict) -> None:
    assert judge("approx", -17.0, measured, ABS).verdict == verdict


@pytest.mark.parametrize(("measured", "verdict"), [
    (600.0, C), (588.0, C), (612.0, C),          # 2 % of 600 = 12
    (587.9, R), (540.0, R), (660.0, R),          # 10 % of 600 = 60
    (539.9, X), (660.1, X),
])
def test_approx_with_relative_bands(measured: float, verdict: Verdict) -> None:
    assert judge("approx", 600.0, measured, REL).verdict == verdict


@pytest.mark.parametrize(("relation", "measured", "verdict"), [
    ("at_least", 600.0, C), ("at_least", 588.0, C), ("at_least", 587.9, R), ("at_least", 539.9, X),
    ("at_least", 10_000.0, C),
    ("at_most", 600.0, C), ("at_most", 612.0, C), ("at_most", 612.1, R), ("at_most", 660.1, X),
    ("at_most", -5.0, C),
])
def test_closed_thresholds_with_relative_bands(relation: str, measured: float, verdict: Verdict) -> None:
    assert judge(relation, 600.0, measured, REL).verdict == verdict


@pytest.mark.parametrize(("relation", "measured", "verdict"), [
    ("above", 1e-12, C), ("above", 0.0, X), ("above", -1e-12, X),
    ("below", -1e-12, C), ("below", 0.0, X), ("below", 3.0, X),
])
def test_direction_claims_are_strict(relation: str, measured: float, verdict: Verdict) -> None:
    """'Rose' is contradicted by an unchanged price: open ends stay open."""
    assert judge(relation, 0.0, measured, Tolerance("abs", 0, 0)).verdict == verdict


def test_open_end_stays_open_at_the_band_edge() -> None:
    tolerance = Tolerance("abs", 0, 10)
    assert judge("above", 50.0, 40.0, tolerance).verdict == X
    assert judge("above", 50.0, 40.01, tolerance).verdict == R
    assert judge("above", 50.0, 50.01, tolerance).verdict == C


@pytest.mark.parametrize(("measured", "verdict"), [
    (-3.0, C), (-2.7, C), (-2.85, C), (-3.05, C), (-2.65, C),
    (-3.06, R), (-2.45, R), (-3.25, R),
    (-3.26, X), (-2.44, X),
])
def test_within_a_range(measured: float, verdict: Verdict) -> None:
    assert judge("within", (-3.0, -2.7), measured, Tolerance("abs", 0.05, 0.25)).verdict == verdict


def test_within_with_relative_bands_uses_each_bound() -> None:
    tolerance = Tolerance("rel", 0, 10)
    assert judge("within", (100.0, 999.0), 90.0, tolerance).verdict == R       # 10 % of 100
    assert judge("within", (100.0, 999.0), 89.9, tolerance).verdict == X
    assert judge("within", (100.0, 999.0), 1098.9, tolerance).verdict == R     # 10 % of 999


def test_deviation_is_the_distance_to_the_claimed_interval() -> None:
    assert judge("approx", -1.9, -1.46, Tolerance("abs", 0.05, 0.25)).deviation == pytest.approx(0.44)
    assert judge("within", (1.0, 7.0), -1.0, Tolerance("abs", 0, 1)).deviation == pytest.approx(2.0)
    assert judge("at_least", 600.0, 700.0, REL).deviation == 0.0


def test_equals_compares_names_ignoring_case() -> None:
    assert judge("equals", "H800", "h800 ", EXACT).verdict == C
    assert judge("equals", "H800", "H100", EXACT).verdict == X
    assert judge("equals", "H800", "H100", EXACT).deviation is None


def test_judge_refuses_nonsense() -> None:
    with pytest.raises(DataValidationError):
        judge("approx", 0.0, 1.0, REL)              # relative band around zero
    with pytest.raises(DataValidationError):
        judge("approx", 1.0, math.nan, ABS)         # a measure must raise NotCheckable instead
    with pytest.raises(DataValidationError):
        judge("within", 1.0, 1.0, ABS)              # a range is needed
    with pytest.raises(DataValidationError):
        judge("approx", (1.0, 2.0), 1.0, ABS)
    with pytest.raises(DataValidationError):
        judge("equals", 1.0, 1.0, EXACT)
    with pytest.raises(DataValidationError):
        judge("about", 1.0, 1.0, ABS)


def test_tolerance_describe() -> None:
    assert ABS.describe("percent") == "±0.5 pp confirmed, ±2.5 pp roughly right"
    assert REL.describe("USD_billions") == "±2 % confirmed, ±10 % roughly right (of the claimed value)"
    assert EXACT.describe("text") == "must match exactly"
    assert Tolerance("abs", 0, 1).describe("date") == "confirmed only as claimed, ±1 day roughly right"
    assert Tolerance("abs", 0, 0).describe("percent") == "only as claimed (no margin)"
    assert Tolerance("abs", 0.5, 2.5).describe("ratio") == "±0.5x confirmed, ±2.5x roughly right"


# A stand-in that reads low (a fund trailing its index): SYNTHETIC values around a claim of -35 %.
@pytest.mark.parametrize(("measured", "bias", "verdict", "allowance"), [
    (-37.52, "low", R, 0.5),     # 2.52 pp off: the true value may be 0.5 pp higher, within the rough band
    (-37.52, "high", X, 0.0),    # the bias points away from the claim: no help
    (-38.10, "low", X, 0.0),     # beyond the rough band even with the allowance
    (-35.70, "low", C, 0.5),     # just outside the confirm band, on the bias side
    (-34.20, "low", R, 0.0),     # on the other side: judged as measured
    (-35.20, "low", C, 0.0),     # confirmed anyway: the allowance changes nothing
])
def test_judge_on_stand_in(measured: float, bias: str, verdict: Verdict, allowance: float) -> None:
    judgement = judge_on_stand_in("approx", -35.0, measured, ABS, bias)
    assert judgement.verdict == verdict
    assert judgement.allowance == allowance
    assert judgement.deviation == pytest.approx(judge("approx", -35.0, measured, ABS).deviation)


def test_stand_in_allowance_is_one_confirm_band() -> None:
    assert stand_in_allowance("approx", -35.0, -37.5, ABS) == 0.5
    assert stand_in_allowance("approx", 600.0, 500.0, REL) == pytest.approx(12.0)
    assert stand_in_allowance("above", 0.0, -1.0, Tolerance("abs", 0, 0)) == 0.0
    with pytest.raises(DataValidationError):
        judge_on_stand_in("approx", -35.0, -37.5, ABS, "sideways")


# ---------------------------------------------------------------- verdict classes beyond the bands

from deepseek_monday.claims.verdicts import (  # noqa: E402
    attribute,
    judge_bound,
    judge_range,
    judge_session,
    tolerance_rule,
)

P = parse_tolerance("abs 0.05/0.25")


def test_a_session_figure_is_judged_at_the_close_first() -> None:
    assert judge_session("approx", -1.5, -1.46, (-2.27, -1.38), P, "session").verdict == Verdict.CONFIRMED
    assert judge_session("approx", -1.5, -1.46, None, P, "session").qualifier == "at the close"


def test_a_session_figure_off_the_close_but_inside_the_range_is_intraday() -> None:
    judgement = judge_session("approx", -1.9, -1.46, (-2.27, -1.38), P, "session")
    assert judgement.verdict == Verdict.INTRADAY
    assert judgement.deviation == pytest.approx(0.44)


def test_a_session_figure_outside_the_range_is_contradicted() -> None:
    assert judge_session("approx", -3.0, -1.46, (-2.27, -1.38), P, "session").verdict == Verdict.CONTRADICTED


def test_closes_only_never_contradict_a_figure_that_may_be_intraday() -> None:
    wide = parse_tolerance("abs 0.5/1")
    assert judge_session("below", -4, -1.88, None, wide, "session").verdict == Verdict.CLOSE_DIFFERS
    assert judge_session("below", -4, -4.5, None, wide, "session").verdict == Verdict.CONFIRMED


def test_a_figure_stated_as_the_close_is_judged_on_the_close_only() -> None:
    assert judge_session("approx", -1.9, -1.46, (-2.27, -1.38), P, "close").verdict == Verdict.CONTRADICTED


def test_a_time_of_day_figure_is_judged_on_the_range() -> None:
    exact = parse_tolerance("abs 0.005/0.025")
    assert judge_session("approx", 0.62, 0.70, (0.06, 0.91), exact, "intraday").verdict == Verdict.INTRADAY


def test_bounds_decide_only_when_they_exclude_or_imply_the_claim() -> None:
    money = parse_tolerance("rel 2/10")
    assert judge_bound("above", 5, 5.86, "lower", money).verdict == Verdict.CONFIRMED
    assert judge_bound("above", 5, 4.0, "lower", money).verdict == Verdict.NOT_CHECKABLE
    assert judge_bound("at_least", 90, 80, "upper", P).verdict == Verdict.CONTRADICTED
    assert judge_bound("at_least", 90, 95, "upper", P).verdict == Verdict.NOT_CHECKABLE
    with pytest.raises(DataValidationError):
        judge_bound("above", 5, 5.0, "sideways", money)


def test_the_low_end_of_a_range_is_a_match() -> None:
    money = parse_tolerance("rel 2/10")
    assert judge_range("approx", 60, 60, 65, money).verdict == Verdict.CONFIRMED
    assert judge_range("approx", 62, 60, 65, money).verdict == Verdict.CONFIRMED
    assert judge_range("approx", 70, 60, 65, money).verdict == Verdict.ROUGHLY_RIGHT
    assert judge_range("approx", 90, 60, 65, money).verdict == Verdict.CONTRADICTED


def test_a_right_number_attached_to_something_else_is_misattributed() -> None:
    right = judge("approx", 5.6, 5.576, P)
    flagged = attribute(right, "developing DeepSeek-R1", "the DeepSeek-V3 training run")
    assert flagged.verdict == Verdict.MISATTRIBUTED and "DeepSeek-V3" in flagged.qualifier
    assert attribute(right, "", "the DeepSeek-V3 training run") == right
    wrong = judge("approx", 9.0, 5.576, P)
    assert attribute(wrong, "developing DeepSeek-R1", "the V3 run").verdict == Verdict.CONTRADICTED


def test_tolerance_rules_are_named() -> None:
    assert tolerance_rule("approx", "-1.9", P) == "precision of the stated figure"
    assert tolerance_rule("below", "-4", parse_tolerance("abs 0.5/1")) == "precision of the stated figure"
    assert tolerance_rule("below", "0", parse_tolerance("abs 0/0")) == "direction only (no margin)"
    assert tolerance_rule("approx", "500", parse_tolerance("rel 2/10")) == "relative 2 %/10 %"
    assert tolerance_rule("approx", "-4", parse_tolerance("abs 0.5/2.5")) == "absolute 0.5/2.5"
