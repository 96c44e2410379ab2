"""The claims file ``data/claims.csv``: one row per quantitative claim of the five articles.

Columns (all text): ``id`` (``NNN-MM``, NNN the article number), ``article`` (file name in
the seeds folder), ``claim`` (an English paraphrase), ``metric``, ``instrument`` (as the
article names it), ``symbols`` (snapshot symbols, ``;``-separated, empty if none),
``dates`` (``YYYY-MM-DD``, or ``start..end``: a window whose start is the base close, or
the period a date claim names),
``relation`` and ``tolerance`` (see :mod:`deepseek_monday.claims.verdicts`), ``claimed``
(a number, a range ``lo..hi``, a date or a name), ``unit``, ``measure`` (a registered
measure), ``args`` (``key=value;key=value``, lists ``a|b``), ``chapter``,
``conflicts_with`` (id of a claim it seems to contradict, if any), ``not_checkable_reason``,
``stand_in`` (``low: why`` or ``high: why`` when the measure reads a stand-in whose known bias
makes its value read low or high, see :func:`~deepseek_monday.claims.verdicts.judge_on_stand_in`)
``note`` (what a reader must know to read the verdict; no numbers, which the data give), ``form``
(when in the session a market figure holds: ``close``, ``session`` when the text does not say,
``intraday`` for a time of day or a low; ``forecast`` for a hedged forecast; see
:func:`~deepseek_monday.claims.verdicts.judge_session`). The articles' own text is not kept: the
seeds are cited by number, never republished.
Among the ``args``, ``counts=`` names what a count claim counts (plural, e.g. ``milestones``),
``attributed_to=`` what the article attaches a figure to, when the measure says what the figure is of
(a right number attached to something else is "right number, wrong attribution"), and ``scope=part``
marks a claim about a part of the whole a bounding measure is computed on (the bound cannot decide it).

A claim with a ``not_checkable_reason`` gets that verdict whatever its measure says; its
measure, if any, is evaluated only as context (e.g. a proxy ETF for a missing index).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from deepseek_monday.claims.chapters import CHAPTER_TITLES
from deepseek_monday.claims.registry import get_measure
from deepseek_monday.claims.verdicts import FORMS, RELATIONS, STAND_IN_BIASES, Tolerance, parse_tolerance
from deepseek_monday.data.paths import project_root
from deepseek_monday.data.universe import load_universe
from deepseek_monday.errors import DataValidationError

CLAIM_COLUMNS = ["id", "article", "claim", "metric", "instrument", "symbols", "dates", "relation",
                 "claimed", "unit", "tolerance", "measure", "args", "chapter", "conflicts_with",
                 "not_checkable_reason", "stand_in", "note", "form"]
UNITS = ("percent", "USD_billions", "USD_millions", "USD", "EUR", "index_points", "ratio", "date", "days",
         "year", "years", "count", "text")
_ID = re.compile(r"^(\d{3})-\d{2}$")


@dataclass(frozen=True)
class Article:
    """One source article: its number, what it is and when it appeared."""

    number: str
    file: str
    description: str
    published: str

    @property
    def label(self) -> str:
        return f"{self.number}: {self.description} ({self.published})"


ARTICLES: dict[str, Article] = {article.file: article for article in (
    Article("000", "000_6193689290939317.txt", "investor newsletter column on a possible AI bubble",
            "27-28 Jan 2025"),
    Article("001", "001_ca7dd5b8e3a44e1c.txt", "news analysis of the Monday sell-off", "28 Jan 2025"),
    Article("002", "002_d6adef265706a483.txt", "tech-investor blog, US versus China (author short Nvidia)",
            "30 Jan 2025"),
    Article("003", "003_ce1983a31930f669.txt", "opinion column on the panic sell-off", "28 Jan 2025"),
    Article("004", "004_38b926abafc6bea5.txt", "news-agency report from New York", "28 Jan 2025"),
)}


@dataclass(frozen=True)
class Claim:
    """One row of the claims file, parsed."""

    id: str
    article: str
    claim: str
    metric: str
    instrument: str
    symbols: tuple[str, ...]
    dates: tuple[pd.Timestamp, ...]
    is_window: bool
    relation: str
    claimed_text: str
    unit: str
    tolerance: Tolerance
    measure: str
    args: Mapping[str, str] = field(default_factory=dict)
    chapter: str = "claims_ledger"
    conflicts_with: str = ""
    not_checkable_reason: str = ""
    stand_in_bias: str = ""
    stand_in_reason: str = ""
    note: str = ""
    form: str = ""

    @property
    def date(self) -> pd.Timestamp:
        """The claim's single date."""
        if len(self.dates) != 1 or self.is_window:
            raise DataValidationError(f"claim {self.id}: expected one date, got {self.dates_text!r}")
        return self.dates[0]

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The claim's window (base close, last close)."""
        if not self.is_window:
            raise DataValidationError(f"claim {self.id}: expected a window start..end, got {self.dates_text!r}")
        return self.dates[0], self.dates[1]

    @property
    def symbol(self) -> str:
        """The claim's single symbol."""
        if len(self.symbols) != 1:
            raise DataValidationError(f"claim {self.id}: expected one symbol, got {list(self.symbols)}")
        return self.symbols[0]

    @property
    def dates_text(self) -> str:
        if self.is_window:
            return f"{self.dates[0]:%Y-%m-%d}..{self.dates[1]:%Y-%m-%d}"
        return ";".join(f"{d:%Y-%m-%d}" for d in self.dates)

    @property
    def checkable(self) -> bool:
        return not self.not_checkable_reason

    def arg(self, key: str, default: str | None = None) -> str:
        """Return measure argument ``key``; raise DataValidationError if missing and no default."""
        if key in self.args:
            return self.args[key]
        if default is None:
            raise DataValidationError(f"claim {self.id}: measure {self.measure!r} needs argument {key!r}")
        return default

    def arg_list(self, key: str) -> list[str]:
        """Return argument ``key`` split on ``|``."""
        return [part.strip() for part in self.arg(key).split("|") if part.strip()]

    def claimed_value(self) -> float | tuple[float, float] | str:
        """Return the claimed value as the verdict compares it (dates as day numbers)."""
        return parse_claimed(self.claimed_text, self.unit, self.relation)


def as_number(value: float | pd.Timestamp, unit: str) -> float:
    """Return a value as a number for comparison: dates become days since 1970-01-01."""
    if unit == "date":
        return float((pd.Timestamp(value) - pd.Timestamp("1970-01-01")).days)
    return float(value)


def _parse_scalar(text: str, unit: str) -> float:
    if unit == "date":
        return as_number(pd.Timestamp(text), unit)
    return float(text)


def parse_claimed(text: str, unit: str, relation: str) -> float | tuple[float, float] | str:
    """Parse a claimed value: a name for ``equals``, a range ``lo..hi`` for ``within``, else a number or date."""
    if relation == "equals":
        return text.strip()
    if relation == "within":
        low, separator, high = text.partition("..")
        if not separator:
            raise DataValidationError(f"claimed {text!r}: relation 'within' needs lo..hi")
        return _parse_scalar(low.strip(), unit), _parse_scalar(high.strip(), unit)
    return _parse_scalar(text.strip(), unit)


def _parse_dates(text: str) -> tuple[tuple[pd.Timestamp, ...], bool]:
    text = text.strip()
    if not text:
        return (), False
    if ".." in text:
        start, end = (pd.Timestamp(part.strip()) for part in text.split(".."))
        if end <= start:
            raise DataValidationError(f"window {text!r} does not run forwards")
        return (start, end), True
    return tuple(pd.Timestamp(part.strip()) for part in text.split(";")), False


def _parse_args(text: str) -> Mapping[str, str]:
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, separator, value = part.partition("=")
        if not separator:
            raise DataValidationError(f"argument {part!r} is not key=value")
        pairs[key.strip()] = value.strip()
    return MappingProxyType(pairs)


def claims_file() -> Path:
    """Return the path of ``data/claims.csv``."""
    return project_root() / "data" / "claims.csv"


def _claim_from_row(row: pd.Series) -> Claim:
    match = _ID.match(row["id"])
    if not match:
        raise DataValidationError(f"id {row['id']!r} is not NNN-MM")
    if row["article"] not in ARTICLES:
        raise DataValidationError(f"unknown article {row['article']!r}; known: {list(ARTICLES)}")
    if ARTICLES[row["article"]].number != match.group(1):
        raise DataValidationError(f"id {row['id']!r} does not start with its article's number")
    if row["chapter"] not in CHAPTER_TITLES:
        raise DataValidationError(f"unknown chapter {row['chapter']!r}; known: {list(CHAPTER_TITLES)}")
    if row["relation"] not in RELATIONS:
        raise DataValidationError(f"relation {row['relation']!r} is not one of {RELATIONS}")
    if row["form"] not in FORMS:
        raise DataValidationError(f"form {row['form']!r} is not one of {FORMS}")
    if row["unit"] not in UNITS:
        raise DataValidationError(f"unit {row['unit']!r} is not one of {UNITS}")
    if (row["unit"] == "text") != (row["relation"] == "equals"):
        raise DataValidationError("names (unit 'text') are compared with relation 'equals' and nothing else")
    if not row["measure"] and not row["not_checkable_reason"]:
        raise DataValidationError("a claim needs a measure or a not_checkable_reason")
    if not row["claim"] or not row["metric"]:
        raise DataValidationError("claim and metric must not be empty")
    dates, is_window = _parse_dates(row["dates"])
    bias, _, bias_reason = row["stand_in"].partition(":")
    if row["stand_in"] and (bias.strip() not in STAND_IN_BIASES or not bias_reason.strip()):
        raise DataValidationError(f"stand_in {row['stand_in']!r} is not 'low: why' or 'high: why'")
    claim = Claim(
        id=row["id"], article=row["article"], claim=row["claim"], metric=row["metric"],
        instrument=row["instrument"], symbols=tuple(s for s in row["symbols"].split(";") if s),
        dates=dates, is_window=is_window, relation=row["relation"], claimed_text=row["claimed"],
        unit=row["unit"], tolerance=parse_tolerance(row["tolerance"]), measure=row["measure"],
        args=_parse_args(row["args"]), chapter=row["chapter"], conflicts_with=row["conflicts_with"],
        not_checkable_reason=row["not_checkable_reason"], stand_in_bias=bias.strip(),
        stand_in_reason=bias_reason.strip(), note=row["note"], form=row["form"],
    )
    claim.claimed_value()  # raises on a malformed value
    if claim.measure:
        declared = get_measure(claim.measure).unit
        if declared is not None and declared != claim.unit:
            raise DataValidationError(f"measure {claim.measure!r} returns {declared}, the claim is in {claim.unit}")
    unknown = sorted(set(claim.symbols) - set(load_universe().index))
    if unknown:
        raise DataValidationError(f"symbols {unknown} are not in data/universe.csv")
    return claim


def parse_claims(frame: pd.DataFrame, source: str = "claims") -> tuple[Claim, ...]:
    """Validate a frame with :data:`CLAIM_COLUMNS` and return its claims; errors name the row."""
    if list(frame.columns) != CLAIM_COLUMNS:
        raise DataValidationError(f"{source}: columns {list(frame.columns)}, expected {CLAIM_COLUMNS}")
    frame = frame.fillna("").astype(str).apply(lambda column: column.str.strip())
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        raise DataValidationError(f"{source}: ids used twice: {duplicated}")
    claims = []
    for position, row in frame.iterrows():
        try:
            claims.append(_claim_from_row(row))
        except (DataValidationError, ValueError) as error:
            raise DataValidationError(f"{source}: line {position + 2} (claim {row['id']!r}): {error}") from error
    ids = {claim.id for claim in claims}
    for claim in claims:
        if claim.conflicts_with and claim.conflicts_with not in ids:
            raise DataValidationError(
                f"{source}: claim {claim.id} conflicts with unknown claim {claim.conflicts_with!r}")
    return tuple(claims)


def load_claims(path: Path | None = None) -> tuple[Claim, ...]:
    """Return every claim of ``data/claims.csv`` (or ``path``), validated, in file order.

    The file is parsed once for each version of it (its modification time and size).
    """
    path = path or claims_file()
    if not path.is_file():
        raise DataValidationError(f"{path}: claims file not found")
    status = path.stat()
    return _parsed_claims(path, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=8)
def _parsed_claims(path: Path, _mtime_ns: int, _size: int) -> tuple[Claim, ...]:
    return parse_claims(pd.read_csv(path, dtype=str, keep_default_na=False), str(path))
