"""Small sentence builders the chapters share: counts out of a total and p-values in words."""

from __future__ import annotations

from deepseek_monday.present.tables import MISSING, format_p_value


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
