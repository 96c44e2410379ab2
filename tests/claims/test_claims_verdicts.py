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
