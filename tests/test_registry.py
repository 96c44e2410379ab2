"""The chapter registry is the one list of chapters: the table of contents, the notebooks and the defaults agree."""

from __future__ import annotations

import inspect

import pytest
import yaml
from sphinx_external_toc.parsing import parse_toc_yaml

from deepseek_monday.build.runner import CHAPTERS, notebook_parameters, source_of
from deepseek_monday.chapters import registry
from deepseek_monday.claims.chapters import CHAPTER_TITLES
from deepseek_monday.data.paths import project_root

ROOT = project_root()


def test_committed_toc_is_the_one_generated_from_the_registry() -> None:
    assert (ROOT / "_toc.yml").read_text(encoding="utf-8") == registry.toc_text(), \
        "_toc.yml is generated from pages.py: run the build (or write registry.toc_text())"
    documents = list(parse_toc_yaml(ROOT / "_toc.yml"))
    assert documents == [f"book/{page.name}" for page in registry.PAGES]  # reading order, nothing else


def test_every_page_exists_and_every_notebook_is_registered() -> None:
    for page in registry.PAGES:
        where = ROOT / "notebooks" / f"{page.name}.ipynb" if page.notebook else ROOT / "book" / f"{page.name}.md"
        assert where.is_file(), f"{page.name}: {where} missing"
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == sorted(p.name for p in CHAPTERS)
    assert tuple(p for p in registry.PAGES if p.notebook) == CHAPTERS


def test_a_new_chapter_is_one_line_and_lands_in_its_part() -> None:
    new = registry.Page("07_extra", "An extra chapter", "The event", "builtins:dict")
    pages = (*registry.PAGES[:3], new, *registry.PAGES[3:])
    event = yaml.safe_load(registry.toc_text(pages))["parts"][0]
    assert event["caption"] == "The event"
    assert [c["file"] for c in event["chapters"]] == [
        "book/00_overview", "book/05_market", "book/07_extra", "book/40_cross_event"]
    with pytest.raises(ValueError, match="not in PARTS"):
        registry.toc((registry.Page("x", "X", "No such part"),))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_validator_defaults_equal_the_notebooks_parameters_cell(chapter: registry.Page) -> None:
    """The parameters cell is the one source of defaults; a validator's keyword defaults may only repeat it."""
    declared = notebook_parameters(source_of(chapter, ROOT))
    validate = registry.validator(chapter)
    assert validate is not None, f"{chapter.name}: a notebook without a validator"
    signature = inspect.signature(validate)
    accepted = {name for name in signature.parameters if name not in ("cls", "self")}
    assert set(declared) - {"edition"} <= accepted, f"{chapter.name}: the validator misses notebook parameters"
    for name, parameter in signature.parameters.items():
        if parameter.default is not inspect.Parameter.empty and name in declared:
            default = list(parameter.default) if isinstance(parameter.default, tuple) else parameter.default
            assert default == declared[name], (
                f"{chapter.name}: validate({name}={parameter.default!r}) but the notebook says {declared[name]!r}")


def test_claims_chapters_are_the_registrys_pages_that_discuss_claims() -> None:
    # The ledger's titles come from the one list: the pages flagged there, in reading order.
    assert list(CHAPTER_TITLES) == ["00_overview", "10_bubble", "20_saas", "30_sanctions", "claims_ledger"]
    for name, title in CHAPTER_TITLES.items():
        assert registry.page(name).title == title and registry.page(name).notebook
