"""The package's layers import only downwards, and chapters never import each other.

data → eventstudy → measures → claims/present → chapters → build: the check parses every module of
``src/deepseek_monday`` with :mod:`ast` (imports inside functions included) and lists each import that
breaks a rule. The checker is itself tested on SYNTHETIC in-memory sources, so it can fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = "deepseek_monday"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE
# Layers below the chapters: none of them may import a chapter or the build.
LOWER_LAYERS = ("data", "eventstudy", "measures", "claims", "present")
# Layers below the claims and the presentation: they may not import either.
BELOW_CLAIMS = ("data", "eventstudy", "measures")
# Modules of the package outside every layer, importable by all (they import no layer above them).
BOTTOM_MODULES = ("errors", "pages")
# chapters/ modules that may import chapters: the landing page gathers their answers, the registry lists them.
CHAPTER_GATHERERS = ("landing", "registry")
# The one chapters/ module the build may import.
BUILD_ENTRY = "registry"


def imported(source: str, module: str) -> Iterator[str]:
    """Yield the absolute dotted name of everything ``module``'s source imports from the package.

    ``from a.b import c`` yields ``a.b.c`` (c may be a module or a name in it); relative imports are
    resolved against ``module`` (a package's ``__init__`` is named ``a.b.__init__``). Imports inside
    functions count as much as those at the top.
    """
    package = module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        yield from (name for name in names if name == PACKAGE or name.startswith(f"{PACKAGE}."))


def violations(sources: Mapping[str, str]) -> list[str]:
    """Return every import of ``sources`` (dotted module name -> source) that breaks the layering rules.

    ``chapters/<a>/`` modules may import ``chapters.<a>`` only (the gatherers excepted); a package's own
    ``__init__`` is named ``deepseek_monday.<layer>.<a>.__init__``.
    """
    found = []
    for module, source in sources.items():
        parts = module.split(".")[1:]  # without the package name
        layer = parts[0] if parts else ""
        for target in imported(source, module):
            to = target.split(".")[1:]
            to_layer = to[0] if to else ""
            problem = ""
            if layer in (*LOWER_LAYERS, *BOTTOM_MODULES) and to_layer in ("chapters", "build"):
                problem = f"the {layer} layer imports the {to_layer} layer"
            elif layer in BELOW_CLAIMS and to_layer in ("claims", "present"):
                problem = f"the {layer} layer imports the {to_layer} layer, which sits above it"
            elif layer in BOTTOM_MODULES and to_layer and to_layer not in BOTTOM_MODULES:
                problem = f"{layer} is below every layer but imports {to_layer}"
            elif layer == "build" and to_layer == "chapters" and (len(to) < 2 or to[1] != BUILD_ENTRY):
                problem = "the build knows chapters only through chapters.registry"
            elif (layer == "chapters" and to_layer == "chapters" and len(parts) > 1 and len(to) > 1
                  and parts[1] not in CHAPTER_GATHERERS and to[1] != parts[1]):
                problem = f"chapter {parts[1]} imports chapter {to[1]}"
            if problem:
                found.append(f"{module} imports {target}: {problem}")
    return found


def package_sources(root: Path = SOURCE) -> dict[str, str]:
    """Return every module of the package as dotted name (``a.b.__init__`` for a package) -> source."""
    return {".".join(path.relative_to(root.parent).with_suffix("").parts): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*.py"))}


def test_the_package_keeps_its_layers() -> None:
    sources = package_sources()
    assert f"{PACKAGE}.chapters.bubble.record" in sources and f"{PACKAGE}.measures.event_day" in sources
    assert violations(sources) == []


# ---------------------------------------------------------------- the checker on SYNTHETIC sources


@pytest.mark.parametrize(("module", "source", "problem"), [
    ("deepseek_monday.chapters.saas.analysis",
     "from deepseek_monday.chapters.overview.analysis import group_summary", "chapter saas imports chapter overview"),
    ("deepseek_monday.chapters.sanctions.event_study",
     "def f():\n    from deepseek_monday.chapters import bubble\n    return bubble",
     "chapter sanctions imports chapter bubble"),
    ("deepseek_monday.chapters.cross_event.analysis",
     "from ..overview import analysis as overview", "chapter cross_event imports chapter overview"),
    ("deepseek_monday.chapters.bubble.__init__",
     "from .record import day_loss\nfrom ..saas import analysis", "chapter bubble imports chapter saas"),
    ("deepseek_monday.measures.event_day",
     "import deepseek_monday.chapters.overview.analysis", "the measures layer imports the chapters layer"),
    ("deepseek_monday.claims.ledger", "from deepseek_monday.build import runner",
     "the claims layer imports the build layer"),
    ("deepseek_monday.present.tables", "from deepseek_monday.chapters import registry",
     "the present layer imports the chapters layer"),
    ("deepseek_monday.measures.diluted_value", "from deepseek_monday.claims import calculations",
     "the measures layer imports the claims layer"),
    ("deepseek_monday.data.spikes", "def f():\n    from deepseek_monday.present.style import long_date",
     "the data layer imports the present layer"),
    ("deepseek_monday.pages", "from deepseek_monday.data.paths import project_root", "pages is below every layer"),
    ("deepseek_monday.build.runner", "from deepseek_monday.chapters.bubble import BubbleParameters",
     "the build knows chapters only through chapters.registry"),
])
def test_the_checker_finds_an_upward_or_sideways_import(module: str, source: str, problem: str) -> None:
    found = violations({module: source})
    assert len(found) == 1 and problem in found[0], found


def test_the_checker_allows_what_the_rules_allow() -> None:
    allowed = {
        "deepseek_monday.chapters.bubble.record": "from deepseek_monday.chapters.bubble.data import ChapterData\n"
                                                  "from deepseek_monday.measures.event_day import event_day_returns\n"
                                                  "from deepseek_monday.claims import calculations as calc",
        "deepseek_monday.chapters.bubble.__init__": "from .record import day_loss",
        "deepseek_monday.chapters.bubble.prose": "from . import record\nfrom .data import company_name",
        "deepseek_monday.chapters.landing": "def f():\n    from deepseek_monday.chapters import bubble, saas",
        "deepseek_monday.chapters.registry": "import importlib",
        "deepseek_monday.claims.chapters": "from deepseek_monday.pages import PAGES",
        "deepseek_monday.build.runner": "from deepseek_monday.chapters import registry\nimport pandas",
        "deepseek_monday.measures.levels": "from deepseek_monday.data.facts import load_fundamentals\n"
                                           "from deepseek_monday.errors import NotCheckable",
    }
    assert violations(allowed) == []
