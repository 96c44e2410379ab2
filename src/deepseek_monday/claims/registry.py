"""The measure registry: named functions that compute a claim's value from the data layer.

A measure is registered with ``@measure("name", unit="percent")``. It receives the
:class:`~deepseek_monday.claims.catalogue.Claim` being checked (its symbols, dates and
arguments say what to measure) and returns a :class:`Measurement` in the unit it declares
(``unit=None``: in the claim's own unit, converted by the measure). A measure that cannot
measure with the data at hand raises :class:`NotCheckable` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from deepseek_monday.errors import DataValidationError
from deepseek_monday.errors import NotCheckable as NotCheckable  # re-exported: measures raise it from here

if TYPE_CHECKING:
    from deepseek_monday.claims.catalogue import Claim

MeasuredValue = float | pd.Timestamp | str


@dataclass(frozen=True)
class Measurement:
    """A measured value in the claim's unit and a sentence saying how it was obtained.

    Optional: ``day_range`` (the session's low and high in the same unit, for a day's move or level),
    ``scope`` (what the figure is the figure of, e.g. a training run), ``bound`` (``upper``/``lower``: the
    value only bounds the quantity) and ``bound_of`` (the whole the bound is computed on).
    """

    value: MeasuredValue
    basis: str
    day_range: tuple[float, float] | None = None
    scope: str = ""
    bound: str = ""
    bound_of: str = ""


MeasureFunction = Callable[["Claim"], Measurement]


@dataclass(frozen=True)
class Measure:
    """A registered measure: its name, output unit (None: the claim's unit) and function."""

    name: str
    unit: str | None
    function: MeasureFunction
    description: str

    def __call__(self, claim: Claim) -> Measurement:
        return self.function(claim)


_REGISTRY: dict[str, Measure] = {}


def measure(name: str, unit: str | None) -> Callable[[MeasureFunction], MeasureFunction]:
    """Register the decorated function as the measure ``name`` returning values in ``unit``."""

    def register(function: MeasureFunction) -> MeasureFunction:
        if name in _REGISTRY:
            raise DataValidationError(f"measure {name!r} is registered twice")
        first_line = (function.__doc__ or "").strip().splitlines()[:1]
        description = first_line[0].replace("``", "") if first_line else ""
        _REGISTRY[name] = Measure(name, unit, function, description)
        return function

    return register


def get_measure(name: str) -> Measure:
    """Return the registered measure ``name``; raise DataValidationError if there is none."""
    _load_measures()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise DataValidationError(
            f"no measure named {name!r}; registered: {', '.join(sorted(_REGISTRY))}"
        ) from None


def registered_measures() -> dict[str, Measure]:
    """Return every registered measure by name."""
    _load_measures()
    return dict(sorted(_REGISTRY.items()))


def _load_measures() -> None:
    """Import the module that registers the measures (once)."""
    from deepseek_monday.claims import measures  # noqa: F401 - imported for its registrations
