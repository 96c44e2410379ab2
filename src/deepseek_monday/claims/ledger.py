"""The claims ledger: every claim checked, and the tables of the ledger chapter.

:func:`evaluate` runs each claim's measure and judges it; the result is one tidy row per
claim. The other functions shape that frame for the chapter: counts by article and by
theme, the conflicting pairs, the claims the data cannot check, and MyST tables whose
"discussed in" cells link to chapters that exist (see :mod:`.chapters`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.claims.catalogue import ARTICLES, Claim, as_number, load_claims
from deepseek_monday.claims.chapters import CHAPTER_TITLES, chapter_reference, chapters_in_book
from deepseek_monday.claims.measures import day_low_move, refresh_market_data
from deepseek_monday.claims.registry import Measurement, NotCheckable, get_measure, registered_measures
from deepseek_monday.claims.verdicts import (
    CHECKED,
    VERDICT_ORDER,
    VERDICT_RULES,
    Judgement,
    Verdict,
    attribute,
    claimed_interval,
    format_band,
    judge,
    judge_bound,
    judge_on_stand_in,
    judge_range,
    judge_session,
    stand_in_allowance,
)
from deepseek_monday.data.params import check_event_date
from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.errors import DataValidationError
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MINUS, MISSING, format_number


@dataclass(frozen=True)
class LedgerParameters:
    """Validated parameters of the ledger chapter.

    Claims are checked on the dates the articles refer to, whatever the event date; the
    event date says which claims concern "the event day" in the chapter's prose.
    """

    event_date: pd.Timestamp

    @classmethod
    def validate(cls, event_date: object) -> LedgerParameters:
        """Check the parameters and return them typed; raise ParameterError otherwise."""
        return cls(check_event_date(event_date, "XNYS"))


# How a value in each unit is written after the number ("x" for ratios is attached).
UNIT_LABELS = {"percent": "%", "USD_billions": "bn USD", "USD_millions": "m USD", "USD": "USD", "EUR": "EUR",
               "index_points": "points", "ratio": "x", "date": "", "days": "days", "year": "", "years": "years",
               "count": "", "text": ""}
# Decimals of a measured number in each unit (ratios: see format_value).
DECIMALS = {"percent": 2, "USD_billions": 1, "USD_millions": 2, "USD": 0, "EUR": 0, "index_points": 2, "days": 0,
            "years": 0, "count": 0}
# Readable names of the units, for the measure registry's table.
UNIT_NAMES = {"percent": "percent (%)", "USD_billions": "bn USD", "USD_millions": "m USD", "USD": "USD",
              "EUR": "EUR", "index_points": "index points", "ratio": "ratio (x)", "date": "date", "days": "days",
              "year": "year", "years": "years", "count": "count", "text": "name"}
RELATION_SIGNS = {"approx": "", "at_least": "≥ ", "above": "> ", "at_most": "≤ ", "below": "< ",
                  "within": "", "equals": ""}
_SINGULAR_UNITS = {"days": "day", "years": "year", "points": "point"}


def _with_unit(text: str, unit: str, number: float | None = None, counts: str = "") -> str:
    label = counts if unit == "count" else UNIT_LABELS[unit]
    if number is not None and abs(number) == 1:
        label = _SINGULAR_UNITS.get(label, label[:-1] if unit == "count" and label.endswith("s") else label)
    return f"{text}{label}" if unit == "ratio" else f"{text} {label}".rstrip()


def format_value(value: float | pd.Timestamp | str, unit: str, counts: str = "") -> str:
    """Write a measured value in its unit, rounded for reading, with a true minus sign.

    Days between events read "3 days" or "1 day before" (a negative count); ``counts``
    names what a count counts ("6 milestones").
    """
    if unit == "text":
        return str(value)
    if unit == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    number = float(value)
    if unit == "ratio":
        return _with_unit(f"{number:.3g}" if abs(number) < 1 else format_number(number, 2), unit)
    if unit == "year":
        return f"{number:.0f}"
    if unit == "days" and round(number) < 0:
        return _with_unit(format_number(-number, 0), unit, -round(number)) + " before"
    rounded = round(number, DECIMALS[unit])
    return _with_unit(format_number(number, DECIMALS[unit]), unit, rounded, counts)


def format_deviation(deviation: float, unit: str) -> str:
    """Write how far a measured value lies from the claim: percentage points, days, or the unit."""
    if unit == "percent":
        return f"{format_number(deviation, 2)} pp"
    if unit == "date":
        return _with_unit(format_number(deviation, 0), "days", round(deviation))
    return format_value(deviation, unit)


def format_claimed(claim: Claim) -> str:
    """Write the claimed value as the claim states it (its own precision), with relation, unit and true minus."""
    text = claim.claimed_text.replace("..", " to ") if claim.relation == "within" else claim.claimed_text
    if claim.unit in ("USD", "EUR", "USD_billions", "USD_millions", "count", "index_points"):
        text = " to ".join(f"{float(part):,.{len(part.partition('.')[2])}f}" for part in text.split(" to "))
    if claim.unit not in ("date", "text"):
        text = text.replace("-", MINUS)
    number = claim.claimed_value() if claim.relation not in ("within", "equals") else None
    return f"{RELATION_SIGNS[claim.relation]}{_with_unit(text, claim.unit, number, claim.args.get('counts', ''))}"


LEDGER_COLUMNS = ["id", "article", "chapter", "claim", "metric", "instrument", "dates", "claimed", "measured",
                  "unit", "verdict", "deviation", "tolerance", "note", "measure", "basis", "context",
                  "conflicts_with", "quantity", "measured_value", "confirm_low", "confirm_high", "form", "qualifier",
                  "rule", "context_value"]


def _measure(claim: Claim) -> tuple[Measurement | None, str]:
    if not claim.measure:
        return None, ""
    try:
        return get_measure(claim.measure)(claim), ""
    except NotCheckable as reason:
        return None, str(reason)


def quantity_key(claim: Claim) -> str:
    """Return what a claim's measure measures: the measure, its symbols and arguments (display hints left out)."""
    arguments = ";".join(f"{key}={value}" for key, value in sorted(claim.args.items()) if key != "counts")
    return f"{claim.measure}|{';'.join(claim.symbols)}|{arguments}"


def confirmed_range(claim: Claim) -> tuple[float, float]:
    """Return the values that would confirm a numeric claim: its interval widened by the confirm band."""
    interval = claimed_interval(claim.relation, claim.claimed_value())
    low = interval.low - claim.tolerance.band("confirm", interval.low) if np.isfinite(interval.low) else -np.inf
    high = interval.high + claim.tolerance.band("confirm", interval.high) if np.isfinite(interval.high) else np.inf
    return float(low), float(high)


def _stand_in_note(claim: Claim, plain: Verdict, judgement: Judgement, allowance: str) -> str:
    """Say that the value comes from a stand-in, which way its bias points, and whether allowing for it mattered."""
    side = "below" if claim.stand_in_bias == "low" else "above"
    if judgement.allowance:
        outcome = (f"allowing {allowance} for that bias makes the verdict {judgement.verdict.value} "
                   f"rather than {plain.value}")
    else:
        outcome = f"allowing {allowance} for that bias does not change the verdict"
    return f"Measured on a stand-in that may read {side} the claimed index: {claim.stand_in_reason}; {outcome}"


def _not_decided(row: dict[str, object], verdict: Verdict, basis: str, context: str) -> dict[str, object]:
    row.update(verdict=verdict.value, basis=basis, context=context, rule=VERDICT_RULES[verdict])
    return row


def _judge_measured(claim: Claim, measurement: Measurement, measured: float | str) -> Judgement:
    """Judge a measured value by the claim's form: a session figure, an intraday low, a bound, or plainly."""
    if claim.relation == "equals":
        return judge(claim.relation, claim.claimed_value(), measured, claim.tolerance)
    if measurement.bound:
        return judge_bound(claim.relation, claim.claimed_value(), float(measured), measurement.bound, claim.tolerance)
    if claim.form == "intraday" and claim.measure == "intraday_move":
        plain = judge(claim.relation, claim.claimed_value(), measured, claim.tolerance)
        return Judgement(plain.verdict, plain.deviation, qualifier=f"intraday {claim.args.get('level', 'low')}")
    if claim.form == "range" and measurement.day_range is not None:
        return judge_range(claim.relation, claim.claimed_value(), *measurement.day_range, claim.tolerance)
    if claim.form in ("close", "session", "intraday"):
        return judge_session(claim.relation, claim.claimed_value(), float(measured), measurement.day_range,
                             claim.tolerance, claim.form)
    return judge(claim.relation, claim.claimed_value(), measured, claim.tolerance)


def check_claim(claim: Claim) -> dict[str, object]:
    """Measure and judge one claim; return its ledger row (verdict, rule, qualifier, measured value)."""
    measurement, failure = _measure(claim)
    numeric = claim.relation != "equals"
    low, high = confirmed_range(claim) if numeric else (np.nan, np.nan)
    row: dict[str, object] = {
        "id": claim.id, "article": ARTICLES[claim.article].number, "chapter": claim.chapter,
        "claim": claim.claim, "metric": claim.metric, "instrument": claim.instrument,
        "dates": claim.dates_text, "claimed": format_claimed(claim), "measured": "", "unit": claim.unit,
        "verdict": "", "deviation": np.nan, "tolerance": claim.tolerance.describe(claim.unit), "note": claim.note,
        "measure": claim.measure, "basis": "", "context": "", "conflicts_with": claim.conflicts_with,
        "quantity": quantity_key(claim), "measured_value": np.nan, "confirm_low": low, "confirm_high": high,
        "form": claim.form, "qualifier": "", "rule": "", "context_value": "",
    }
    counts = claim.args.get("counts", "")
    context = (f"{format_value(measurement.value, claim.unit, counts)} ({measurement.basis})"
               if measurement is not None else "")
    if measurement is not None:  # shown only where no comparison decides; prose may quote it as context
        row["context_value"] = format_value(measurement.value, claim.unit, counts)
    if claim.form == "forecast":
        return _not_decided(row, Verdict.FORECAST, claim.not_checkable_reason or "a hedged forecast: it says what "
                            "may happen, which no later value can confirm or refute", f"what the data later "
                            f"showed: {context}" if context else failure)
    if not claim.checkable or measurement is None:
        return _not_decided(row, Verdict.NOT_CHECKABLE, claim.not_checkable_reason or failure, context)
    if measurement.bound and claim.args.get("scope") == "part":
        return _not_decided(row, Verdict.NOT_CHECKABLE, f"the data give only an {measurement.bound} bound on "
                            f"{measurement.bound_of}; the claim concerns a part of it, which can lie beyond a "
                            f"bound on the whole", f"the bound: {context}")
    measured = measurement.value if claim.unit == "text" else as_number(measurement.value, claim.unit)
    judgement = _judge_measured(claim, measurement, measured)
    if judgement.verdict == Verdict.NOT_CHECKABLE:
        return _not_decided(row, Verdict.NOT_CHECKABLE, f"the data give only an {measurement.bound} bound, "
                            "which does not decide the claim", f"the bound: {context}")
    if claim.stand_in_bias and numeric and not measurement.bound:
        plain = judgement.verdict
        judgement = judge_on_stand_in(claim.relation, claim.claimed_value(), measured, claim.tolerance,
                                      claim.stand_in_bias)
        allowance = format_band(stand_in_allowance(claim.relation, claim.claimed_value(), measured,
                                                   claim.tolerance), claim.unit)
        row["note"] = "; ".join(filter(None, (_stand_in_note(claim, plain, judgement, allowance), claim.note)))
        row["tolerance"] = f"{row['tolerance']}, plus {allowance} for the stand-in"
    judgement = attribute(judgement, claim.args.get("attributed_to", ""), measurement.scope)
    row["context_value"] = ""
    shown = format_value(measurement.value, claim.unit, counts)
    if claim.form == "range" and measurement.day_range is not None:
        shown = " to ".join(format_value(end, claim.unit, counts) for end in measurement.day_range)
    row.update(measured=shown, verdict=judgement.verdict.value,
               deviation=np.nan if judgement.deviation is None else judgement.deviation, basis=measurement.basis,
               measured_value=measured if numeric else np.nan, qualifier=judgement.qualifier,
               rule="; ".join(filter(None, (judgement.qualifier, str(row["tolerance"])))))
    return row


def evaluate(claims: Sequence[Claim] | None = None) -> pd.DataFrame:
    """Return the ledger: one row per claim with its claimed and measured value and verdict.

    The ledger of the whole catalogue (``claims`` None) is computed once per snapshot and
    copied out, as five chapters show it.
    """
    if claims is not None:
        return _evaluate(claims)
    return load_snapshot().derived("claims ledger", lambda: _evaluate(load_claims())).copy()


def _evaluate(claims: Sequence[Claim]) -> pd.DataFrame:
    refresh_market_data()
    ledger = pd.DataFrame([check_claim(claim) for claim in claims], columns=LEDGER_COLUMNS)
    ledger["verdict"] = pd.Categorical(ledger["verdict"], categories=VERDICT_ORDER, ordered=True)
    return ledger


def warm_up() -> None:
    """Evaluate the catalogue once (the kernel template calls this, so forked kernels start with it)."""
    evaluate()


# ---------------------------------------------------------------- summaries


def article_label(number: str) -> str:
    """Return ``NNN: description (date)`` for an article number."""
    return next(article.label for article in ARTICLES.values() if article.number == number)


def verdict_counts(ledger_frame: pd.DataFrame, chapter: str | None = None) -> dict[str, int]:
    """Return how many claims (of one chapter, or all) got each verdict class, keyed for glue.

    Keys: ``n_claims``, ``n_checked`` (verdicts resting on a comparison, :data:`CHECKED`) and
    ``n_<class>`` for every :class:`Verdict` (``n_confirmed``, ``n_close_differs``...), zeros included.
    The landing page, the ledger and every chapter take their counts from here.
    """
    rows = ledger_frame if chapter is None else ledger_frame[ledger_frame["chapter"] == chapter]
    counts = rows["verdict"].astype(str).value_counts()
    numbers = {"n_claims": len(rows), "n_checked": int(sum(counts.get(v.value, 0) for v in CHECKED))}
    return numbers | {f"n_{verdict.name.lower()}": int(counts.get(verdict.value, 0)) for verdict in Verdict}


def verdict_rules_table() -> pd.DataFrame:
    """Return the verdict classes with the rule of each, from :data:`VERDICT_RULES` (for the ledger page)."""
    rows = [{"verdict": verdict.value, "counts as checked": "yes" if verdict in CHECKED else "no",
             "rule": VERDICT_RULES[verdict]} for verdict in Verdict]
    return pd.DataFrame(rows).set_index("verdict")


def verdict_table(ledger: pd.DataFrame, by: str) -> pd.DataFrame:
    """Count verdicts per article (``by="article"``) or per chapter (``by="chapter"``), with totals."""
    counts = pd.crosstab(ledger[by], ledger["verdict"], dropna=False).reindex(columns=list(VERDICT_ORDER),
                                                                            fill_value=0)
    if by == "chapter":
        counts = counts.reindex([c for c in CHAPTER_TITLES if c in counts.index])
        counts.index = [f"{CHAPTER_TITLES[c]} ({c})" for c in counts.index]
    else:
        counts.index = [article_label(n) for n in counts.index]
    counts.loc["all articles" if by == "article" else "all chapters"] = counts.sum()
    counts["total"] = counts.sum(axis=1)
    counts.index.name, counts.columns.name = by, None
    return counts.astype(int)


DISPLAY_COLUMNS = ["claim", "claimed", "measured", "verdict", "rule", "note"]
BRIEF_COLUMNS = ["claim", "claimed", "measured", "verdict"]


def _shown(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return ``columns`` of ledger rows as text, indexed by claim id, an en dash where a cell is empty."""
    shown = rows.set_index("id")[columns].astype(str)
    return shown.where(shown != "", MISSING)


def claims_table(ledger: pd.DataFrame, *, article: str | None = None, chapter: str | None = None,
                 detailed: bool = False) -> pd.DataFrame:
    """Return the claims of one article or one chapter for display: claimed, measured, verdict.

    ``detailed`` adds the tolerance and the note on the verdict, which a reader needs to see
    why a value near a band edge got its verdict.
    """
    rows = ledger
    if article is not None:
        rows = rows[rows["article"] == article]
    if chapter is not None:
        rows = rows[rows["chapter"] == chapter]
    return _shown(rows, DISPLAY_COLUMNS if detailed else BRIEF_COLUMNS)


def not_checkable_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return the claims no comparison decides (not checkable, hedged forecasts), with the reason and any context."""
    rows = ledger[~ledger["verdict"].astype(str).isin([v.value for v in CHECKED])]
    return _shown(rows, ["claim", "claimed", "basis", "context"]).rename(columns={"basis": "why"})


_RANK = {verdict: position for position, verdict in enumerate(VERDICT_ORDER)}


def closer_claim(first: pd.Series, second: pd.Series) -> str:
    """Return the id of the claim nearer the data (better verdict, then smaller deviation), or "both"/"neither"."""
    verdicts = (str(first["verdict"]), str(second["verdict"]))
    if any(Verdict(v) not in CHECKED for v in verdicts):
        return "cannot tell"
    if _RANK[verdicts[0]] != _RANK[verdicts[1]]:
        return first["id"] if _RANK[verdicts[0]] < _RANK[verdicts[1]] else second["id"]
    if verdicts[0] == Verdict.CONTRADICTED.value:
        return "neither"
    if np.isclose(first["deviation"], second["deviation"]):
        return "both"
    return first["id"] if first["deviation"] < second["deviation"] else second["id"]


def why_both_can_hold(first: pd.Series, second: pd.Series) -> str:
    """Return why two claims filed as conflicting can both be true ("" if they cannot).

    They can when they measure different quantities (another measure, other instruments or
    other arguments), or the same quantity with confirmed ranges that overlap. Names
    (``equals``) conflict when they differ.
    """
    if first["quantity"] != second["quantity"]:
        return "they measure different things"
    same_value = np.isclose(first["measured_value"], second["measured_value"], equal_nan=True)
    if not same_value:
        return "they measure different things"
    if np.isnan(first["confirm_low"]) or np.isnan(second["confirm_low"]):
        return ""
    if first["confirm_low"] <= second["confirm_high"] and second["confirm_low"] <= first["confirm_high"]:
        return "their confirmed ranges overlap, so one value can confirm both"
    return ""


def _pairs(ledger: pd.DataFrame) -> list[tuple[pd.Series, pd.Series]]:
    """Return each pair of claims filed as conflicting once, in file order."""
    indexed = ledger.set_index("id", drop=False)
    seen, pairs = set(), []
    for _, claim in ledger[ledger["conflicts_with"] != ""].iterrows():
        pair = tuple(sorted((claim["id"], claim["conflicts_with"])))
        if pair not in seen:
            seen.add(pair)
            pairs.append((indexed.loc[pair[0]], indexed.loc[pair[1]]))
    return pairs


def _pair_row(first: pd.Series, second: pd.Series) -> dict[str, str]:
    same = first["measured"] == second["measured"]
    measured = first["measured"] if same else f"{first['measured'] or MISSING} / {second['measured'] or MISSING}"
    return {"claims": f"{first['id']} / {second['id']}", "instrument": first["instrument"],
            "first claims": first["claimed"], "second claims": second["claimed"], "measured": measured or MISSING,
            "verdicts": f"{first['verdict']} / {second['verdict']}"}


def conflicts_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return each pair of claims that cannot both be true (same quantity, confirmed ranges apart), once.

    Columns: both claimed values, the measured value(s), both verdicts and which claim is nearer the data.
    """
    rows = [_pair_row(first, second) | {"nearer the data": closer_claim(first, second)}
            for first, second in _pairs(ledger) if not why_both_can_hold(first, second)]
    columns = ["claims", "instrument", "first claims", "second claims", "measured", "verdicts", "nearer the data"]
    return pd.DataFrame(rows, columns=columns).set_index("claims")


def apparent_conflicts_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return the pairs filed as conflicting that can both be true, with the reason."""
    rows = [_pair_row(first, second) | {"why both can hold": reason}
            for first, second in _pairs(ledger) if (reason := why_both_can_hold(first, second))]
    columns = ["claims", "instrument", "first claims", "second claims", "measured", "verdicts", "why both can hold"]
    return pd.DataFrame(rows, columns=columns).set_index("claims")


def _pair_sentence(first: pd.Series, second: pd.Series, nearer: str) -> str:
    if nearer in ("neither", "cannot tell"):
        return {"neither": "neither is within tolerance", "cannot tell": "the data cannot decide"}[nearer]
    if nearer == "both":
        return "both are within tolerance"
    winner, loser = (first, second) if nearer == first["id"] else (second, first)
    if winner["verdict"] == loser["verdict"]:
        return (f"both are {winner['verdict']}, but {winner['id']} is closer ({loser['id']} is off by "
                f"{format_deviation(loser['deviation'], loser['unit'])})")
    return f"{winner['id']} is {winner['verdict']} and {loser['id']} {loser['verdict']}"


def measures_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return the measure registry for readers: what each measure computes, its unit, how many claims use it."""
    used = ledger[ledger["measure"] != ""].groupby("measure").size()
    rows = [{"measure": entry.description.rstrip("."), "unit": UNIT_NAMES[entry.unit] if entry.unit else "the claim's",
             "claims": int(used.get(name, 0))} for name, entry in registered_measures().items()]
    return pd.DataFrame(rows).set_index("measure").sort_index()


def _conflict_lines(ledger: pd.DataFrame, pairs: pd.DataFrame, apparent: bool) -> str:
    indexed = ledger.set_index("id", drop=False)
    lines = []
    for pair, row in pairs.iterrows():
        first, second = (indexed.loc[i] for i in pair.split(" / "))
        if first["metric"] == second["metric"] and first["instrument"] == second["instrument"]:
            said = (f"{first['instrument']}, {first['metric']}: {first['id']} says {first['claimed']} and "
                    f"{second['id']} says {second['claimed']}")
        else:
            said = (f"{first['id']} ({first['metric']}) says {first['claimed']} and {second['id']} "
                    f"({second['metric']}) says {second['claimed']}")
        given = (f"the data give {first['measured'] or 'no value'}" if first["measured"] == second["measured"]
                 else f"the data give {first['measured'] or 'no value'} and {second['measured'] or 'no value'}")
        if apparent:
            verdicts = (f"both are {first['verdict']}" if first["verdict"] == second["verdict"]
                        else f"{first['id']} is {first['verdict']} and {second['id']} {second['verdict']}")
            lines.append(f"- {said}. Both can hold: {row['why both can hold']}; {given}, and {verdicts}.")
        else:
            lines.append(f"- {said}; {given}, so {_pair_sentence(first, second, row['nearer the data'])}.")
    return "\n".join(lines)


def conflict_sentences(ledger: pd.DataFrame) -> str:
    """Return one Markdown bullet per pair that cannot both be true, saying what the data give and which holds."""
    return _conflict_lines(ledger, conflicts_table(ledger), apparent=False)


def apparent_conflict_sentences(ledger: pd.DataFrame) -> str:
    """Return one Markdown bullet per pair that only appears to conflict, saying why both can hold."""
    return _conflict_lines(ledger, apparent_conflicts_table(ledger), apparent=True)


def tolerance_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return how many claims use each tolerance (confirm band, rough band), most used first."""
    counts = ledger.groupby("tolerance").size().rename("claims")
    return counts.sort_values(ascending=False, kind="stable").to_frame()


def first_measured_by(ledger: pd.DataFrame, measure: str) -> pd.Series:
    """Return the first ledger row checked with ``measure`` (to quote its value and basis in prose)."""
    rows = ledger[(ledger["measure"] == measure) & (ledger["measured"] != "")]
    if rows.empty:
        raise DataValidationError(f"no claim was measured with {measure!r}")
    return rows.iloc[0]


def relative_to_previous_close(move: float) -> str:
    """Write a move in percent as a distance from the previous close: ``2.27 % below``, ``0.40 % above``."""
    if move == 0:
        return "at"
    return f"{format_number(abs(move), 2)} % {'below' if move < 0 else 'above'}"


def day_low_moves(claims: Sequence[Claim], symbols: Sequence[str]) -> dict[str, tuple[pd.Timestamp, float]]:
    """Return, per index, the date of its session-return claims and the day's low against the previous close (%)."""
    moves = {}
    for symbol in symbols:
        dates = {c.date for c in claims if c.measure == "session_return" and c.symbols == (symbol,)}
        if len(dates) != 1:
            raise DataValidationError(f"expected the session-return claims on {symbol} to share one date, got {dates}")
        (date,) = dates
        moves[symbol] = (date, day_low_move(symbol, date))
    return moves


# ---------------------------------------------------------------- MyST tables with links


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame) -> str:
    """Render a frame (index included) as a MyST pipe table."""
    columns = [frame.index.name or "", *frame.columns]
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    for index, row in frame.iterrows():
        lines.append("| " + " | ".join(_cell(v) for v in [index, *row.tolist()]) + " |")
    return "\n".join(lines)


def article_markdown(ledger: pd.DataFrame, article: str, available: frozenset[str] | None = None) -> str:
    """Return one article's claims as a MyST table whose last column names or links the chapter."""
    available = chapters_in_book() if available is None else available
    rows = ledger[ledger["article"] == article]
    shown = _shown(rows, DISPLAY_COLUMNS)
    shown.insert(0, "article", rows["article"].to_numpy())
    shown["discussed in"] = [chapter_reference(c, available) for c in rows["chapter"]]
    return markdown_table(shown)


def chapter_markdown(chapter: str, available: frozenset[str] | None = None) -> str:
    """Return a chapter's name as MyST: a link once the chapter is in the book ("this chapter" for the ledger)."""
    available = chapters_in_book() if available is None else available
    return chapter_reference(chapter, available)


# ---------------------------------------------------------------- numbers for the prose


def claims_day(ledger: pd.DataFrame) -> pd.Timestamp | None:
    """Return the single date the most claims concern (ties: the earliest); None if no claim has one date."""
    single = ledger["dates"].astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    counts = ledger.loc[single, "dates"].value_counts()
    if counts.empty:
        return None
    most = counts[counts == counts.max()].index
    return pd.Timestamp(min(most))


def event_day_sentence(ledger: pd.DataFrame, params: LedgerParameters) -> str:
    """Return the sentence on which day the claims concern, and how it relates to the edition's event day.

    When the edition's event day is the claims' own day the sentence counts the claims about it;
    otherwise it says plainly that the verdicts are those of the claims' day, not the edition's.
    """
    event_day = f"{params.event_date:%A} {long_date(params.event_date)}"
    day = claims_day(ledger)
    on_day = int(ledger["dates"].astype(str).str.contains(f"{params.event_date:%Y-%m-%d}", regex=False).sum())
    if day is None or day == params.event_date:
        return (f"{on_day} claims concern the event day, {event_day}; the others concern the days around "
                f"it, the companies' accounts or DeepSeek's model.")
    claims_on_day = int((ledger["dates"].astype(str) == f"{day:%Y-%m-%d}").sum())
    return (f"The articles' claims concern {long_date(day)} ({claims_on_day} of them that day itself, the "
            f"others the days around it, the companies' accounts or DeepSeek's model); this edition's event "
            f"day is {event_day}, so the verdicts below are those of {long_date(day)}.")


def headline_numbers(ledger: pd.DataFrame, params: LedgerParameters) -> dict[str, object]:
    """Return the numbers the chapter quotes, keyed by glue name (plain Python values)."""
    counts = ledger["verdict"].value_counts()
    checkable = verdict_counts(ledger)["n_checked"]
    on_event_day = ledger["dates"].str.contains(f"{params.event_date:%Y-%m-%d}", regex=False)
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A} {long_date(params.event_date)}",
        "n_claims": len(ledger),
        "n_articles": int(ledger["article"].nunique()),
        "n_checkable": checkable,
        "n_event_day_claims": int(on_event_day.sum()),
        "event_day_sentence": event_day_sentence(ledger, params),
        "n_conflict_pairs": len(conflicts_table(ledger)),
        "n_apparent_conflict_pairs": len(apparent_conflicts_table(ledger)),
        "share_confirmed": float(counts.get(Verdict.CONFIRMED.value, 0) / checkable) if checkable else 0.0,
    }
    return numbers | verdict_counts(ledger)
