"""Small sentence builders the chapters share: counts out of a total, p-values, left-out bad prints."""

from __future__ import annotations

from collections.abc import Mapping

from deepseek_monday.data.spikes import flagged_days
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MISSING, format_p_value, format_percent

COUNT_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight", 9: "Nine", 10: "Ten"}


def of_total(count: int, total: int, noun: str, singular: str | None = None) -> str:
    """Say ``count`` out of ``total`` things: "none of the 10 milestones", "3 of the 10 milestones", "all 4 windows".

    ``noun`` is the plural; a total of one reads "the one milestone" or "no milestone" (``singular``,
    by default ``noun`` without a final "s").
    """
    if not 0 <= count <= total:
        raise ValueError(f"count {count} is not between 0 and {total}")
    if singular is None:
        singular = noun[:-1] if noun.endswith("s") else noun
    if total == 1:
        return f"the one {singular}" if count == 1 else f"no {singular}"
    if count == 0:
        return f"none of the {total} {noun}"
    if count == total:
        return f"all {total} {noun}"
    return f"{count} of the {total} {noun}"


def p_text(p: float) -> str:
    """Write a p-value for prose: "p = 0.067", "p < 0.001", or "p not available"."""
    shown = format_p_value(p)
    if shown == MISSING:
        return "p not available"
    return f"p < {shown[1:]}" if shown.startswith("<") else f"p = {shown}"


def flagged_sentence(symbols: list[str], names: Mapping[str, str] | None = None) -> str:
    """Return the sentence saying which flagged days of ``symbols`` a ranking leaves out ("" if none)."""
    flagged = flagged_days(symbols)
    if flagged.empty:
        return ""
    names = dict(names or {})
    items = [f"{names.get(f['symbol'], f['symbol'])} on {long_date(f['date'])} "
             f"({format_percent(f['return'], 1, signed=True)}, undone by "
             f"{format_percent(f['next_return'], 1, signed=True)} on the next session)" for _, f in flagged.iterrows()]
    listed = items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]
    count = "One day is" if len(items) == 1 else f"{COUNT_WORDS.get(len(items), str(len(items)))} days are"
    return (f"{count} left out of the rankings as suspected bad prints (an isolated one-day spike that the next "
            f"session reverses; both returns are left out): {listed}.")
