"""Verdicts: how a claimed value is compared with a measured one.

Every claim states a *relation* between the truth and a claimed value, and a
*tolerance* with two bands:

- relations: ``approx`` (the value is c), ``at_least`` (≥ c), ``above`` (> c),
  ``at_most`` (≤ c), ``below`` (< c), ``within`` (lo ≤ value ≤ hi, written ``lo..hi``),
  ``equals`` (a name, compared ignoring case);
- tolerance ``abs A/B``: the claimed interval widened by A (confirmed) or B (roughly
  right) in the claim's own unit (percentage points for returns, points, days...);
  ``rel A/B``: widened by A % or B % of the bound's magnitude (money amounts, ratios);
  ``exact``: no widening (names, and claims whose only content is a direction).

The claimed interval is widened only at its finite ends; closed ends stay closed and
open ends (``above``/``below``) stay open, so "rose" (``above 0``, ``abs 0/0``) is
confirmed by any gain and contradicted by a return of exactly zero. Closed ends allow a
floating-point slack of 1e-9 relative, so that a value exactly on a band edge counts as
inside. Outside the rough band the claim is contradicted. The *deviation* reported with
a verdict is the distance from the measured value to the claimed interval (0 inside).

*Stand-ins*: a value measured on a stand-in (a fund for the index it tracks) whose bias is
known in direction but not in size (fees the data do not give) is judged by
:func:`judge_on_stand_in`: the true value may lie up to one confirm band beyond the
measured value, on the side the bias hides it, and the verdict is the best one within that
reach. The deviation stays that of the measured value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from deepseek_monday.errors import DataValidationError


class Verdict(StrEnum):
    """The verdict classes of the ledger, in the order the tables show them (rules: :data:`VERDICT_RULES`)."""

    CONFIRMED = "confirmed"
    ROUGHLY_RIGHT = "roughly right"
    INTRADAY = "intraday: within the day's range"
    CLOSE_DIFFERS = "close differs; intraday not checkable"
    MISATTRIBUTED = "right number, wrong attribution"
    CONTRADICTED = "contradicted"
    FORECAST = "forecast, hedged: not testable as stated"
    NOT_CHECKABLE = "not checkable"


VERDICT_ORDER: tuple[str, ...] = tuple(v.value for v in Verdict)
# Verdicts that rest on a measured value compared with the claim (the others say why no comparison decides).
CHECKED: frozenset[Verdict] = frozenset({Verdict.CONFIRMED, Verdict.ROUGHLY_RIGHT, Verdict.INTRADAY,
                                         Verdict.CLOSE_DIFFERS, Verdict.MISATTRIBUTED, Verdict.CONTRADICTED})
VERDICT_RULES: dict[Verdict, str] = {
    Verdict.CONFIRMED: "the measured value lies in the claimed interval widened by the confirm band "
                       "(a day's move with no time of day: the close does; a figure taken from a stated range, "
                       "such as guidance of 60-65 bn: any value of the range, its low end included)",
    Verdict.ROUGHLY_RIGHT: "the measured value lies outside the confirm band but inside the rough band",
    Verdict.INTRADAY: "a day's move or level that is not the close (or is stated for a time of day): the close "
                      "is outside the rough band, but the claimed value lies within the session's low-high "
                      "range widened by the confirm band; daily bars cannot say when",
    Verdict.CLOSE_DIFFERS: "as for a move within the day's range, but the series has closes only: the close "
                           "is outside the rough band and the intraday path is not in the data",
    Verdict.MISATTRIBUTED: "the figure is confirmed or roughly right, but it is the figure of something else "
                           "than the article attaches it to",
    Verdict.CONTRADICTED: "the measured value (or, for a day's move, the whole session's range) lies outside "
                          "the rough band, or a bound on the claimed quantity excludes the claim",
    Verdict.FORECAST: "a hedged forecast (may, could) is not a measurement: what the data showed later is "
                      "given as context, never as a verdict",
    Verdict.NOT_CHECKABLE: "the data lack the instrument or fact, or hold only a bound that does not decide "
                           "the claim (a bound on a whole does not bound a part); the reason is given",
}
RELATIONS = ("approx", "at_least", "above", "at_most", "below", "within", "equals")
# How a claim states when in the session its figure holds (column ``form`` of the claims file).
FORMS = ("", "close", "session", "intraday", "range", "forecast")
_FLOAT_SLACK = 1e-9
_TOLERANCE = re.compile(r"^(abs|rel)\s+([0-9.]+)\s*/\s*([0-9.]+)$")


@dataclass(frozen=True)
class Tolerance:
    """Two bands around the claimed interval: ``confirm`` ≤ ``rough``, absolute or relative (%)."""

    kind: str  # "abs", "rel" or "exact"
    confirm: float = 0.0
    rough: float = 0.0

    def band(self, which: str, bound: float) -> float:
        """Return the widening, in the claim's unit, of band ``which`` at ``bound``."""
        width = self.confirm if which == "confirm" else self.rough
        return width * abs(bound) / 100 if self.kind == "rel" else width

    def describe(self, unit: str) -> str:
        """Return the tolerance in words, e.g. ``±0.5 pp confirmed, ±2.5 pp roughly right``."""
        if self.kind == "exact":
            return "must match exactly"
        if self.rough == 0:
            return "only as claimed (no margin)"
        confirm = "confirmed only as claimed" if self.confirm == 0 else f"{self._width(self.confirm, unit)} confirmed"
        words = f"{confirm}, {self._width(self.rough, unit)} roughly right"
        return f"{words} (of the claimed value)" if self.kind == "rel" else words

    def _width(self, width: float, unit: str) -> str:
        if self.kind == "rel":
            return f"±{width:g} %"
        return format_band(width, unit, signed=True)


# How a difference in each unit is written (plural; see difference_unit for the singular).
UNIT_SUFFIX = {"percent": "pp", "USD_billions": "bn USD", "USD_millions": "m USD", "USD": "USD", "EUR": "EUR",
               "index_points": "points", "date": "days", "days": "days", "year": "years",
               "years": "years", "ratio": "x", "count": ""}
_SINGULAR = {"points": "point", "days": "day", "years": "year"}


def format_band(width: float, unit: str, signed: bool = False) -> str:
    """Return a band's width in the claim's unit as written in the tables: ``±0.5 pp``, ``0.5x``, ``1 day``."""
    suffix = difference_unit(unit, width)
    text = f"{'±' if signed else ''}{width:g}"
    return f"{text}{suffix}" if unit == "ratio" else f"{text} {suffix}".rstrip()


def difference_unit(unit: str, amount: float) -> str:
    """Return how a difference of ``amount`` in ``unit`` is written: ``pp``, ``days``, ``1 day``..."""
    suffix = UNIT_SUFFIX.get(unit, unit)
    return _SINGULAR.get(suffix, suffix) if abs(amount) == 1 else suffix


def parse_tolerance(spec: str) -> Tolerance:
    """Parse ``abs A/B``, ``rel A/B`` or ``exact``; raise DataValidationError otherwise."""
    text = spec.strip()
    if text == "exact":
        return Tolerance("exact")
    match = _TOLERANCE.match(text)
    if not match:
        raise DataValidationError(f"tolerance {spec!r} is not 'abs A/B', 'rel A/B' or 'exact'")
    kind, confirm, rough = match.group(1), float(match.group(2)), float(match.group(3))
    if confirm > rough:
        raise DataValidationError(f"tolerance {spec!r}: the confirm band must not exceed the rough band")
    return Tolerance(kind, confirm, rough)


@dataclass(frozen=True)
class Interval:
    """The set of values a claim allows: finite or infinite ends, each closed or open."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False


def claimed_interval(relation: str, claimed: float | tuple[float, float]) -> Interval:
    """Return the interval of true values under which the claim holds exactly."""
    if relation == "within":
        if not isinstance(claimed, tuple):
            raise DataValidationError("relation 'within' needs a claimed range lo..hi")
        low, high = claimed
        if low > high:
            raise DataValidationError(f"claimed range {low}..{high} is reversed")
        return Interval(low, high)
    if isinstance(claimed, tuple):
        raise DataValidationError(f"relation {relation!r} needs a single claimed value, not a range")
    intervals = {
        "approx": Interval(claimed, claimed),
        "at_least": Interval(claimed, math.inf),
        "above": Interval(claimed, math.inf, low_open=True),
        "at_most": Interval(-math.inf, claimed),
        "below": Interval(-math.inf, claimed, high_open=True),
    }
    if relation not in intervals:
        raise DataValidationError(f"relation {relation!r} is not one of {RELATIONS}")
    return intervals[relation]


def _inside(value: float, interval: Interval, tolerance: Tolerance, which: str) -> bool:
    """Return whether ``value`` lies in ``interval`` widened by band ``which``."""
    if math.isfinite(interval.low):
        edge = interval.low - tolerance.band(which, interval.low)
        if interval.low_open:
            if not value > edge:
                return False
        elif value < edge - _FLOAT_SLACK * max(1.0, abs(edge)):
            return False
    if math.isfinite(interval.high):
        edge = interval.high + tolerance.band(which, interval.high)
        if interval.high_open:
            if not value < edge:
                return False
        elif value > edge + _FLOAT_SLACK * max(1.0, abs(edge)):
            return False
    return True


def deviation(value: float, interval: Interval) -> float:
    """Return the distance from ``value`` to the claimed interval (0 inside or on its edge)."""
    if value < interval.low:
        return interval.low - value
    if value > interval.high:
        return value - interval.high
    return 0.0


@dataclass(frozen=True)
class Judgement:
    """A verdict with the deviation of the measured value from the claim (None for names).

    ``allowance`` is the stand-in allowance that changed the verdict (0 when it did not).
    """

    verdict: Verdict
    deviation: float | None
    allowance: float = 0.0
    qualifier: str = ""


def judge(relation: str, claimed: float | tuple[float, float] | str, measured: float | str,
          tolerance: Tolerance) -> Judgement:
    """Return the verdict on a claim given the measured value (numbers, or names for ``equals``)."""
    if relation == "equals":
        if not isinstance(claimed, str) or not isinstance(measured, str):
            raise DataValidationError("relation 'equals' compares names (text), not numbers")
        same = claimed.strip().casefold() == measured.strip().casefold()
        return Judgement(Verdict.CONFIRMED if same else Verdict.CONTRADICTED, None)
    if isinstance(claimed, str) or isinstance(measured, str):
        raise DataValidationError(f"relation {relation!r} compares numbers; got {claimed!r} and {measured!r}")
    if isinstance(measured, float) and math.isnan(measured):
        raise DataValidationError("the measured value is NaN; a measure must raise NotCheckable instead")
    interval = claimed_interval(relation, claimed)
    if tolerance.kind == "rel" and 0.0 in (interval.low, interval.high):
        raise DataValidationError("a relative tolerance needs a non-zero claimed bound")
    off = deviation(measured, interval)
    if _inside(measured, interval, tolerance, "confirm"):
        return Judgement(Verdict.CONFIRMED, off)
    if _inside(measured, interval, tolerance, "rough"):
        return Judgement(Verdict.ROUGHLY_RIGHT, off)
    return Judgement(Verdict.CONTRADICTED, off)


STAND_IN_BIASES = ("low", "high")


def stand_in_allowance(relation: str, claimed: float | tuple[float, float], measured: float,
                       tolerance: Tolerance) -> float:
    """Return how far a stand-in's unknown bias may have moved the measured value: one confirm band.

    The band is taken at the claimed bound nearest the measured value (0 if that bound is infinite).
    """
    interval = claimed_interval(relation, claimed)
    bound = interval.low if measured < interval.low else interval.high
    return tolerance.band("confirm", bound) if math.isfinite(bound) else 0.0


def judge_on_stand_in(relation: str, claimed: float | tuple[float, float], measured: float,
                      tolerance: Tolerance, bias: str) -> Judgement:
    """Return the verdict on a claim measured on a stand-in whose value reads ``bias`` (low or high).

    A stand-in that reads low (a fund trailing its index by its fees) may hide up to one
    confirm band of the true value above the measured one; the verdict is the best within
    that reach, and ``allowance`` records it when it changed the verdict.
    """
    if bias not in STAND_IN_BIASES:
        raise DataValidationError(f"stand-in bias {bias!r} is not one of {STAND_IN_BIASES}")
    plain = judge(relation, claimed, measured, tolerance)
    allowance = stand_in_allowance(relation, claimed, measured, tolerance)
    reach = (measured, measured + allowance) if bias == "low" else (measured - allowance, measured)
    interval = claimed_interval(relation, claimed)
    nearest = min(max(reach[0], interval.low), reach[1], max(reach[0], min(reach[1], interval.high)))
    widened = judge(relation, claimed, nearest, tolerance)
    if _RANK[widened.verdict] < _RANK[plain.verdict]:
        return Judgement(widened.verdict, plain.deviation, allowance)
    return plain


_RANK = {verdict: position for position, verdict in enumerate(Verdict)}


def in_range(relation: str, claimed: float | tuple[float, float], low: float, high: float,
             tolerance: Tolerance) -> bool:
    """Return whether some value of the claimed interval lies in ``low..high`` widened by the confirm band."""
    interval = claimed_interval(relation, claimed)
    bound = interval.low if math.isfinite(interval.low) else interval.high
    band = tolerance.band("confirm", bound) if math.isfinite(bound) else 0.0
    return interval.low <= high + band and interval.high >= low - band


def judge_session(relation: str, claimed: float | tuple[float, float], close: float,
                  day_range: tuple[float, float] | None, tolerance: Tolerance, form: str) -> Judgement:
    """Return the verdict on a claim about one session (a move or a level), given the close and the day's range.

    ``form``: ``close`` (the article says it is the close): the close decides; ``session`` (a day's
    figure, time not stated): the close decides when it confirms or roughly confirms the claim, else the
    day's low-high range (:attr:`Verdict.INTRADAY`, or contradicted outside it), or, with closes only,
    :attr:`Verdict.CLOSE_DIFFERS`; ``intraday`` (a time of day, e.g. noon): the range decides.
    """
    at_close = judge(relation, claimed, close, tolerance)
    if form in ("", "close"):
        return Judgement(at_close.verdict, at_close.deviation, qualifier="at the close")
    if form == "session" and at_close.verdict in (Verdict.CONFIRMED, Verdict.ROUGHLY_RIGHT):
        return Judgement(at_close.verdict, at_close.deviation, qualifier="at the close")
    if day_range is None:
        return Judgement(Verdict.CLOSE_DIFFERS, at_close.deviation, qualifier="close only; no intraday data")
    low, high = day_range
    if in_range(relation, claimed, low, high, tolerance):
        return Judgement(Verdict.INTRADAY, at_close.deviation, qualifier="within the day's low-high range")
    return Judgement(Verdict.CONTRADICTED, at_close.deviation, qualifier="outside the day's low-high range")


BOUND_SIDES = ("upper", "lower")


def judge_bound(relation: str, claimed: float | tuple[float, float], bound: float, side: str,
                tolerance: Tolerance) -> Judgement:
    """Return the verdict when the data give only a bound on the claimed quantity (upper: truth ≤ bound).

    The bound decides only when every value it allows is inside the confirm band (confirmed) or outside the
    rough band (contradicted); otherwise the claim is not checkable, with the bound as context.
    """
    if side not in BOUND_SIDES:
        raise DataValidationError(f"bound side {side!r} is not one of {BOUND_SIDES}")
    interval = claimed_interval(relation, claimed)
    allowed = Interval(-math.inf, bound) if side == "upper" else Interval(bound, math.inf)
    deviation_value = deviation(bound, interval)
    widened_low = interval.low - (tolerance.band("rough", interval.low) if math.isfinite(interval.low) else 0)
    widened_high = interval.high + (tolerance.band("rough", interval.high) if math.isfinite(interval.high) else 0)
    if allowed.high < widened_low or allowed.low > widened_high:
        return Judgement(Verdict.CONTRADICTED, deviation_value, qualifier=f"{side} bound excludes the claim")
    inside_low = interval.low - (tolerance.band("confirm", interval.low) if math.isfinite(interval.low) else 0)
    inside_high = interval.high + (tolerance.band("confirm", interval.high) if math.isfinite(interval.high) else 0)
    if allowed.low >= inside_low and allowed.high <= inside_high and not (
            interval.low_open and allowed.low <= interval.low and tolerance.confirm == 0):
        return Judgement(Verdict.CONFIRMED, deviation_value, qualifier=f"{side} bound implies the claim")
    return Judgement(Verdict.NOT_CHECKABLE, deviation_value, qualifier=f"{side} bound does not decide")


def attribute(judgement: Judgement, attributed_to: str, scope: str) -> Judgement:
    """Return :attr:`Verdict.MISATTRIBUTED` when a right figure belongs to something other than the article says."""
    if (attributed_to and scope and attributed_to.strip().casefold() != scope.strip().casefold()
            and judgement.verdict in (Verdict.CONFIRMED, Verdict.ROUGHLY_RIGHT)):
        return Judgement(Verdict.MISATTRIBUTED, judgement.deviation, judgement.allowance,
                         qualifier=f"the figure is that of {scope}, not of {attributed_to}")
    return judgement


def judge_range(relation: str, claimed: float | tuple[float, float], low: float, high: float,
                tolerance: Tolerance) -> Judgement:
    """Return the verdict on a figure taken from a stated range ``low..high`` (guidance, a forecast band).

    Any value of the range matches (confirmed); otherwise the nearest end is judged with the tolerance.
    """
    if in_range(relation, claimed, low, high, tolerance):
        return Judgement(Verdict.CONFIRMED, 0.0, qualifier="within the stated range")
    interval = claimed_interval(relation, claimed)
    nearest = low if interval.high < low else high
    plain = judge(relation, claimed, nearest, tolerance)
    return Judgement(plain.verdict, plain.deviation, qualifier="against the nearest end of the stated range")


def _last_digit(text: str) -> float:
    """Return one unit of the last stated digit of a number written in the claims file (``-1.9`` -> 0.1)."""
    decimals = text.strip().partition(".")[2]
    return 10.0 ** -len(decimals)


def tolerance_rule(relation: str, claimed_text: str, tolerance: Tolerance) -> str:
    """Name the rule a claim's tolerance follows, so that like claims can be seen to get like rules.

    ``precision of the stated figure``: confirmed within half a unit of the last stated digit, roughly right
    within five times that, capped at a quarter of the figure; ``direction only``: no margin on a sign;
    ``as claimed, rough band``: vague wording (no confirm band); ``relative A %/B %``; ``exact``.
    """
    if tolerance.kind == "exact":
        return "exact"
    if tolerance.kind == "rel":
        return f"relative {tolerance.confirm:g} %/{tolerance.rough:g} %"
    if tolerance.confirm == 0 and tolerance.rough == 0:
        return "direction only (no margin)"
    if tolerance.confirm == 0:
        return "as claimed, rough band"
    parts = claimed_text.split("..") if relation == "within" else [claimed_text]
    try:
        half = max(_last_digit(part) for part in parts) / 2
        magnitude = min(abs(float(part)) for part in parts)
    except ValueError:
        return f"absolute {tolerance.confirm:g}/{tolerance.rough:g}"
    if math.isclose(tolerance.confirm, half) and math.isclose(tolerance.rough, min(5 * half, magnitude / 4)):
        return "precision of the stated figure"
    return f"absolute {tolerance.confirm:g}/{tolerance.rough:g}"
