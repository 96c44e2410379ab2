"""THE list of the book's pages, as plain data: every chapter notebook and markdown page in reading order,
with its title, the part of the table of contents it belongs to and the validator of its parameters.

Every layer may read it: the claims ledger takes its chapter titles from here, and
:mod:`deepseek_monday.chapters.registry` resolves the validators and writes ``_toc.yml`` from it (the
build knows chapters only through that registry). Adding a chapter is one line here, e.g. after the
overview::

    Page("05_market", "Who paid: the whole market", "The event", "market:MarketParameters.validate"),

Validators are only named here, as ``module:attribute`` (a module not starting with ``deepseek_monday.``
is one of ``deepseek_monday.chapters``), so reading the list imports no chapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Parts of the table of contents, in order (the root page belongs to none).
PARTS = ("The event", "The themes", "The claims", "About the report")
ROOT = "intro"


@dataclass(frozen=True)
class Page:
    """A page of the book: a notebook of ``notebooks/`` executed into ``book/``, or a markdown page of ``book/``.

    ``validator``: ``"module:Class.method"`` (or ``"module:function"``) checking the notebook's
    parameters as keyword arguments; raises ParameterError (DataUnavailableError when the data
    cannot serve the date). ``parent``: the page this one is a section of (TOC nesting).
    ``discusses_claims``: ``data/claims.csv`` may name the page as the chapter that discusses a claim.
    """

    name: str
    title: str
    part: str | None
    validator: str | Callable[..., object] | None = None
    notebook: bool = True
    parent: str | None = None
    discusses_claims: bool = False


_LEDGER = "deepseek_monday.claims.ledger:LedgerParameters.validate"

PAGES: tuple[Page, ...] = (
    Page(ROOT, "DeepSeek Monday", None, _LEDGER),
    Page("00_overview", "The event day in numbers", "The event", "overview.analysis:OverviewParameters.validate",
         discusses_claims=True),
    Page("05_market", "Who paid: the whole market", "The event", "market:MarketParameters.validate"),
    Page("40_cross_event", "Shock days compared", "The event", "cross_event.analysis:CrossEventParameters.validate"),
    Page("10_bubble", "An AI bubble?", "The themes", "bubble:BubbleParameters.validate", discusses_claims=True),
    Page("20_saas", "Software against infrastructure", "The themes", "saas.analysis:SaasParameters.validate",
         discusses_claims=True),
    Page("30_sanctions", "Export controls and efficiency", "The themes", "sanctions:SanctionsParameters.validate",
         discusses_claims=True),
    Page("claims_ledger", "The claims ledger", "The claims", _LEDGER, discusses_claims=True),
    Page("data_sources", "Data and provenance", "About the report", "deepseek_monday.data.prices:check_data_dir"),
    Page("methods", "Methods", "About the report", notebook=False),
    Page("methods_event_study", "The event study", "About the report", notebook=False, parent="methods"),
    Page("references", "References", "About the report", notebook=False),
)


def page(name: str) -> Page:
    """Return the page called ``name``."""
    for candidate in PAGES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no page {name!r} in the registry")
