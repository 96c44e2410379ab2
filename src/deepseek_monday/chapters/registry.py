"""THE list of the book's pages: every chapter notebook (with the validator of its parameters) and
markdown page, in reading order, with the part of the table of contents it belongs to.

The build knows chapters only through :data:`PAGES`: it executes the notebooks listed here, validates
their parameters with the validator named here, and writes ``_toc.yml`` from this list
(:func:`toc`). Adding a chapter is one line here, e.g. after the overview::

    Page("05_market", "Who paid: the whole market", "The event", "market:MarketParameters.validate"),

Validators are named as ``module:attribute`` (a module not starting with ``deepseek_monday.`` is one
of ``deepseek_monday.chapters``) and imported only when used, so reading the list imports no chapter.

A notebook's parameter defaults live in ONE place, its ``parameters`` cell; a test checks that
each validator's keyword defaults equal them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

# Parts of the table of contents, in order (the root page belongs to none).
PARTS = ("The event", "The themes", "The claims", "About the report")
ROOT = "intro"


@dataclass(frozen=True)
class Page:
    """A page of the book: a notebook of ``notebooks/`` executed into ``book/``, or a markdown page of ``book/``.

    ``validator``: ``"module:Class.method"`` (or ``"module:function"``) checking the notebook's
    parameters as keyword arguments; raises ParameterError (DataUnavailableError when the data
    cannot serve the date). ``parent``: the page this one is a section of (TOC nesting).
    """

    name: str
    title: str
    part: str | None
    validator: str | Callable[..., object] | None = None
    notebook: bool = True
    parent: str | None = None

    @property
    def validate(self) -> Callable[..., object] | None:
        if self.validator is None or callable(self.validator):
            return self.validator
        return _resolve(self.validator)


@cache
def _resolve(dotted: str) -> Callable[..., object]:
    module, _, attribute = dotted.partition(":")
    if not module.startswith("deepseek_monday."):
        module = f"deepseek_monday.chapters.{module}"
    found: object = importlib.import_module(module)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found  # type: ignore[return-value]


_LEDGER = "deepseek_monday.claims.ledger:LedgerParameters.validate"

PAGES: tuple[Page, ...] = (
    Page(ROOT, "DeepSeek Monday", None, _LEDGER),
    Page("00_overview", "The event day in numbers", "The event", "overview.analysis:OverviewParameters.validate"),
    Page("05_market", "Who paid: the whole market", "The event", "market:MarketParameters.validate"),
    Page("40_cross_event", "Shock days compared", "The event", "cross_event.analysis:CrossEventParameters.validate"),
    Page("10_bubble", "An AI bubble?", "The themes", "bubble:BubbleParameters.validate"),
    Page("20_saas", "Software against infrastructure", "The themes", "saas.analysis:SaasParameters.validate"),
    Page("30_sanctions", "Export controls and efficiency", "The themes", "sanctions:SanctionsParameters.validate"),
    Page("claims_ledger", "The claims ledger", "The claims", _LEDGER),
    Page("data_sources", "Data and provenance", "About the report", "deepseek_monday.data.prices:check_data_dir"),
    Page("methods", "Methods", "About the report", notebook=False),
    Page("methods_event_study", "The event study", "About the report", notebook=False, parent="methods"),
    Page("references", "References", "About the report", notebook=False),
)

NOTEBOOKS: tuple[Page, ...] = tuple(page for page in PAGES if page.notebook)


def page(name: str) -> Page:
    """Return the page called ``name``."""
    for candidate in PAGES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no page {name!r} in the registry")


def toc(pages: tuple[Page, ...] = PAGES) -> dict[str, object]:
    """Return the table of contents (the ``_toc.yml`` structure of jupyter-book) of ``pages``."""
    unknown = {p.part for p in pages if p.part is not None} - set(PARTS)
    if unknown:
        raise ValueError(f"pages name parts {sorted(unknown)} not in PARTS {PARTS}")

    def entry(item: Page) -> dict[str, object]:
        sections = [entry(child) for child in pages if child.parent == item.name]
        return {"file": f"book/{item.name}", **({"sections": sections} if sections else {})}

    parts = [{"caption": part, "chapters": [entry(p) for p in pages if p.part == part and p.parent is None]}
             for part in PARTS]
    return {"format": "jb-book", "root": f"book/{ROOT}", "parts": [p for p in parts if p["chapters"]]}


TOC_HEADER = ("# Table of contents, GENERATED from src/deepseek_monday/chapters/registry.py by the build\n"
              "# (do not edit; add a chapter there). Chapters under book/ ending in .ipynb are executed\n"
              "# copies of notebooks/ written by `python -m deepseek_monday build`.\n")


def toc_text(pages: tuple[Page, ...] = PAGES) -> str:
    """Return ``_toc.yml``'s text for ``pages``."""
    import yaml

    return TOC_HEADER + yaml.safe_dump(toc(pages), sort_keys=False, allow_unicode=True)
