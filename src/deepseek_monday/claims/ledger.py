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
from deepseek_monday.claims.verdicts import VERDICT_ORDER, Verdict, judge
from deepseek_monday.errors import DataValidationError
from deepseek_monday.params import check_event_date
from deepseek_monday.prices import load_snapshot


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
# How a measured number in each unit is rounded for reading (ratios: see format_value).
NUMBER_FORMATS = {"percent": "{:.2f}", "USD_billions": "{:,.1f}", "USD_millions": "{:,.2f}", "USD": "{:,.0f}",
                  "EUR": "{:,.0f}", "index_points": "{:,.2f}", "days": "{:.0f}", "year": "{:.0f}",
                  "years": "{:.0f}", "count": "{:,.0f}"}
RELATION_SIGNS = {"approx": "", "at_least": "≥ ", "above": "> ", "at_most": "≤ ", "below": "< ",
                  "within": "", "equals": ""}


def _with_unit(text: str, unit: str) -> str:
    label = UNIT_LABELS[unit]
    return f"{text}{label}" if unit == "ratio" else f"{text} {label}".rstrip()


def format_value(value: float | pd.Timestamp | str, unit: str) -> str:
    """Write a measured value in its unit, rounded for reading."""
    if unit == "text":
        return str(value)
    if unit == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    number = float(value)
    if unit == "ratio":
        return _with_unit(f"{number:.3g}" if abs(number) < 1 else f"{number:,.2f}", unit)
    return _with_unit(NUMBER_FORMATS[unit].format(number), unit)


def format_deviation(deviation: float, unit: str) -> str:
    """Write how far a measured value lies from the claim: percentage points, days, or the unit."""
    if unit == "percent":
        return f"{deviation:.2f} pp"
    if unit == "date":
        return f"{deviation:.0f} days"
    return format_value(deviation, unit)


def format_claimed(claim: Claim) -> str:
    """Write the claimed value as the claim states it (its own precision), with relation and unit."""
    text = claim.claimed_text.replace("..", " to ") if claim.relation == "within" else claim.claimed_text
    if claim.unit in ("USD", "EUR", "USD_billions", "USD_millions", "count", "index_points"):
        text = " to ".join(f"{float(part):,.{len(part.partition('.')[2])}f}" for part in text.split(" to "))
    return f"{RELATION_SIGNS[claim.relation]}{_with_unit(text, claim.unit)}"


LEDGER_COLUMNS = ["id", "article", "chapter", "claim", "metric", "instrument", "dates", "claimed", "measured",
                  "unit", "verdict", "deviation", "tolerance", "measure", "basis", "context", "conflicts_with"]


def _measure(claim: Claim) -> tuple[Measurement | None, str]:
    if not claim.measure:
        return None, ""
    try:
        return get_measure(claim.measure)(claim), ""
    except NotCheckable as reason:
        return None, str(reason)


def check_claim(claim: Claim) -> dict[str, object]:
    """Measure and judge one claim; return its ledger row."""
    measurement, failure = _measure(claim)
    row: dict[str, object] = {
        "id": claim.id, "article": ARTICLES[claim.article].number, "chapter": claim.chapter,
        "claim": claim.claim, "metric": claim.metric, "instrument": claim.instrument,
        "dates": claim.dates_text, "claimed": format_claimed(claim), "measured": "", "unit": claim.unit,
        "verdict": "",
        "deviation": np.nan, "tolerance": claim.tolerance.describe(claim.unit), "measure": claim.measure,
        "basis": "", "context": "", "conflicts_with": claim.conflicts_with,
    }
    if not claim.checkable or measurement is None:
        row["verdict"] = Verdict.NOT_CHECKABLE.value
        row["basis"] = claim.not_checkable_reason or failure
        if measurement is not None:
            row["context"] = f"{format_value(measurement.value, claim.unit)} ({measurement.basis})"
        return row
    measured = measurement.value if claim.unit == "text" else as_number(measurement.value, claim.unit)
    judgement = judge(claim.relation, claim.claimed_value(), measured, claim.tolerance)
    row.update(measured=format_value(measurement.value, claim.unit), verdict=judgement.verdict.value,
               deviation=np.nan if judgement.deviation is None else judgement.deviation, basis=measurement.basis)
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


def verdict_counts(ledger: pd.DataFrame, by: str) -> pd.DataFrame:
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


def claims_table(ledger: pd.DataFrame, *, article: str | None = None, chapter: str | None = None) -> pd.DataFrame:
    """Return the claims of one article or one chapter for display: claimed, measured, verdict."""
    rows = ledger
    if article is not None:
        rows = rows[rows["article"] == article]
    if chapter is not None:
        rows = rows[rows["chapter"] == chapter]
    shown = rows.set_index("id")[["claim", "claimed", "measured", "verdict"]].copy()
    shown["verdict"] = shown["verdict"].astype(str)
    return shown


def not_checkable_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return the claims the data cannot check, with the reason and any context measured."""
    rows = ledger[ledger["verdict"] == Verdict.NOT_CHECKABLE.value]
    return rows.set_index("id")[["claim", "claimed", "basis", "context"]].rename(columns={"basis": "why"})


_RANK = {verdict: position for position, verdict in enumerate(VERDICT_ORDER)}


def closer_claim(first: pd.Series, second: pd.Series) -> str:
    """Return the id of the claim nearer the data (better verdict, then smaller deviation), or "both"/"neither"."""
    verdicts = (str(first["verdict"]), str(second["verdict"]))
    if Verdict.NOT_CHECKABLE.value in verdicts:
        return "cannot tell"
    if _RANK[verdicts[0]] != _RANK[verdicts[1]]:
        return first["id"] if _RANK[verdicts[0]] < _RANK[verdicts[1]] else second["id"]
    if verdicts[0] == Verdict.CONTRADICTED.value:
        return "neither"
    if np.isclose(first["deviation"], second["deviation"]):
        return "both"
    return first["id"] if first["deviation"] < second["deviation"] else second["id"]


def conflicts_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return each pair of conflicting claims once, with both verdicts and which is nearer the data."""
    indexed = ledger.set_index("id", drop=False)
    seen, rows = set(), []
    for _, claim in ledger[ledger["conflicts_with"] != ""].iterrows():
        pair = tuple(sorted((claim["id"], claim["conflicts_with"])))
        if pair in seen:
            continue
        seen.add(pair)
        first, second = indexed.loc[pair[0]], indexed.loc[pair[1]]
        same = first["measured"] == second["measured"]
        rows.append({"claims": f"{pair[0]} / {pair[1]}", "instrument": first["instrument"],
                     "first claims": first["claimed"], "second claims": second["claimed"],
                     "measured": first["measured"] if same else f"{first['measured']} / {second['measured']}",
                     "verdicts": f"{first['verdict']} / {second['verdict']}",
                     "nearer the data": closer_claim(first, second)})
    return pd.DataFrame(rows).set_index("claims")


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
    """Return the measure registry: each measure's unit, what it computes, and how many claims use it."""
    used = ledger[ledger["measure"] != ""].groupby("measure").size()
    rows = [{"measure": name, "unit": entry.unit or "the claim's", "computes": entry.description,
             "claims": int(used.get(name, 0))} for name, entry in registered_measures().items()]
    return pd.DataFrame(rows).set_index("measure")


def conflict_sentences(ledger: pd.DataFrame) -> str:
    """Return one Markdown bullet per conflicting pair saying what the data give and which claim holds."""
    indexed = ledger.set_index("id", drop=False)
    lines = []
    for pair, row in conflicts_table(ledger).iterrows():
        first, second = (indexed.loc[i] for i in pair.split(" / "))
        verdict = _pair_sentence(first, second, row["nearer the data"])
        if first["metric"] == second["metric"] and first["measured"] == second["measured"]:
            lines.append(f"- {first['instrument']}, {first['metric']}: {first['id']} says {first['claimed']} and "
                         f"{second['id']} says {second['claimed']}; the data give {first['measured']}, so {verdict}.")
        else:
            lines.append(f"- {first['id']} ({first['metric']}) says {first['claimed']} and {second['id']} "
                         f"({second['metric']}) says {second['claimed']}; the data give {first['measured']} and "
                         f"{second['measured']}, so {verdict}.")
    return "\n".join(lines)


def tolerance_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return how many claims use each tolerance (confirm band / rough band)."""
    counts = ledger.groupby("tolerance").size().rename("claims")
    return counts.sort_values(ascending=False, kind="stable").to_frame()


def first_measured_by(ledger: pd.DataFrame, measure: str) -> pd.Series:
    """Return the first ledger row checked with ``measure`` (to quote its value and basis in prose)."""
    rows = ledger[(ledger["measure"] == measure) & (ledger["measured"] != "")]
    if rows.empty:
        raise DataValidationError(f"no claim was measured with {measure!r}")
    return rows.iloc[0]


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
    rows = ledger[ledger["article"] == article].set_index("id")
    shown = rows[["claim", "claimed", "measured", "verdict"]].astype(str)
    shown["discussed in"] = [chapter_reference(c, available) for c in rows["chapter"]]
    return markdown_table(shown)


def chapter_markdown(chapter: str, available: frozenset[str] | None = None) -> str:
    """Return a chapter's name as MyST: a link once the chapter is in the book ("this chapter" for the ledger)."""
    available = chapters_in_book() if available is None else available
    return chapter_reference(chapter, available)


# ---------------------------------------------------------------- numbers for the prose


def headline_numbers(ledger: pd.DataFrame, params: LedgerParameters) -> dict[str, object]:
    """Return the numbers the chapter quotes, keyed by glue name (plain Python values)."""
    counts = ledger["verdict"].value_counts()
    checkable = int(len(ledger) - counts.get(Verdict.NOT_CHECKABLE.value, 0))
    on_event_day = ledger["dates"].str.contains(f"{params.event_date:%Y-%m-%d}", regex=False)
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A %d %B %Y}",
        "n_claims": len(ledger),
        "n_articles": int(ledger["article"].nunique()),
        "n_checkable": checkable,
        "n_event_day_claims": int(on_event_day.sum()),
        "n_conflict_pairs": len(conflicts_table(ledger)) if (ledger["conflicts_with"] != "").any() else 0,
        "share_confirmed": float(counts.get(Verdict.CONFIRMED.value, 0) / checkable) if checkable else 0.0,
    }
    for verdict in Verdict:
        numbers[f"n_{verdict.name.lower()}"] = int(counts.get(verdict.value, 0))
    return numbers
