"""Small sentence builders of the sanctions chapter: counts out of a total and p-values in words."""

from __future__ import annotations

import math


def of_total(count: int, total: int, noun: str) -> str:
    """Say ``count`` out of ``total`` things: "none of the 10 milestones", "3 of the 10 milestones", "all 4 windows".

    ``noun`` is the plural; a total of one reads "the one milestone" or "no milestone" (singular
    taken by dropping a final "s").
    """
    if not 0 <= count <= total:
        raise ValueError(f"count {count} is not between 0 and {total}")
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
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
