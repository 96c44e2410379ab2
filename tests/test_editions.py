"""Editions: naming, source layout, and the index that links them."""

from __future__ import annotations

import datetime
import html
import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from deepseek_monday.build import editions
from deepseek_monday.data.paths import html_sources_stamp

DEFAULTS = {"event_date": "2025-01-27", "lookback_days": 10}


def test_canonical_parameters_make_no_edition() -> None:
    assert editions.edition_name({}, DEFAULTS) is None
    assert editions.edition_name({"event_date": "2025-01-27"}, DEFAULTS) is None


def test_edition_names_date_and_hash_other_overrides() -> None:
    assert editions.edition_name({"event_date": "2024-08-05"}, DEFAULTS) == "2024-08-05"
    named = editions.edition_name({"event_date": "2024-08-05", "lookback_days": 15}, DEFAULTS)
    assert named.startswith("2024-08-05-") and len(named) == len("2024-08-05-") + 6
    assert named != editions.edition_name({"event_date": "2024-08-05", "lookback_days": 20}, DEFAULTS)
    assert editions.edition_name({"lookback_days": 15}, DEFAULTS).startswith("2025-01-27-")


def fake_project(root: Path) -> Path:
    (root / "book").mkdir(parents=True)
    (root / "_config.yml").write_text(yaml.safe_dump({"title": "DeepSeek Monday", "html": {"favicon": "book/f.png"}}))
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
    (root / "book" / "methods.md").write_text("# Methods\n")
    (root / "book" / "f.png").write_bytes(b"\x89PNG fake icon")
    (root / "book" / "intro.ipynb").write_text("{}")
    return root


def test_edition_source_has_config_pages_and_assets_but_no_canonical_notebooks(tmp_path: Path) -> None:
    root = fake_project(tmp_path)
    source = editions.prepare_source(root, "2024-08-05")
    assert yaml.safe_load((source / "_config.yml").read_text())["title"] == "DeepSeek Monday: edition 2024-08-05"
    assert sorted(p.name for p in (source / "book").iterdir()) == ["f.png", "methods.md"]
    assert (source / "_toc.yml").read_text() == (root / "_toc.yml").read_text()


def test_publish_copies_built_editions_and_writes_an_index(tmp_path: Path) -> None:
    root = fake_project(tmp_path)
    built = root / "_build" / "editions" / "2024-08-05" / "html"
    built.mkdir(parents=True)
    (built / "index.html").write_text("edition")
    editions.record(root, "2024-08-05", {"event_date": "2024-08-05"})
    standalone = publish_without_figures(root)  # no canonical site yet: only the stand-alone index
    assert standalone == root / "_build" / "editions" / "index.html"
    assert 'href="2024-08-05/html/index.html"' in standalone.read_text()
    assert not (root / "_build" / "html").exists()
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("canonical")
    (root / "_build" / "editions" / "2020-03-16").mkdir()  # recorded nowhere, no HTML: not listed
    index = publish_without_figures(root)
    assert (root / "_build" / "html" / "editions" / "2024-08-05" / "index.html").read_text() == "edition"
    page = index.read_text()
    assert 'href="2024-08-05/index.html"' in page and "2020-03-16" not in page
    assert "<td>5 August 2024</td>" in page  # the date as the prose writes it
    assert 'href="../index.html"' in page


def test_publish_copies_only_editions_built_anew_and_drops_removed_ones(tmp_path: Path) -> None:
    root = fake_project(tmp_path)
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("canonical")
    for name in ("2024-08-05", "2020-03-16"):
        built = root / "_build" / "editions" / name / "html"
        built.mkdir(parents=True)
        (built / "index.html").write_text(f"edition {name}")
        html_sources_stamp(built).write_text(f"sources of {name}")
        editions.record(root, name, {"event_date": name})
    publish_without_figures(root)
    site = root / "_build" / "html" / "editions"
    first = {name: (site / name).stat().st_ino for name in ("2024-08-05", "2020-03-16")}

    # 2024-08-05 rebuilt from new sources (build_html swaps in a new folder); 2020-03-16 unchanged.
    rebuilt = root / "_build" / "editions" / "2024-08-05" / "html"
    shutil.rmtree(rebuilt)
    rebuilt.mkdir()
    (rebuilt / "index.html").write_text("edition 2024-08-05, rebuilt")
    html_sources_stamp(rebuilt).write_text("new sources")
    publish_without_figures(root)
    assert (site / "2024-08-05" / "index.html").read_text() == "edition 2024-08-05, rebuilt"
    assert (site / "2024-08-05").stat().st_ino != first["2024-08-05"]
    assert (site / "2020-03-16").stat().st_ino == first["2020-03-16"]  # not copied again

    shutil.rmtree(root / "_build" / "editions" / "2020-03-16")
    page = publish_without_figures(root).read_text()
    assert not (site / "2020-03-16").exists() and "2020-03-16" not in page
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["2024-08-05"]


def test_landing_link_points_to_index_or_back_to_canonical() -> None:
    assert 'href="../editions/index.html"' in editions.landing_link(None)
    assert 'href="../../../index.html"' in editions.landing_link("2024-08-05")


def test_edition_parameters_read_as_text_not_json() -> None:
    text = editions.parameters_text({"lookback_days": 15, "event_date": "2024-08-05", "symbols": ["NVDA", "AMD"]})
    assert text == "event date 5 August 2024; lookback_days = 15; symbols = NVDA, AMD"
    page = editions.index_page([{"name": "2024-08-05-abc123", "parameters": {"event_date": "2024-08-05",
                                                                             "lookback_days": 15}}],
                               "{name}/index.html", "../index.html", "../_static")
    assert "5 August 2024" in page and "lookback_days = 15" in page
    assert "{&quot;" not in page and '{"' not in page


def publish_without_figures(root: Path) -> Path:
    """Publish with the key figures left empty (these tests have no market data)."""
    original = editions.key_figures
    editions.key_figures = lambda days: {}
    try:
        return editions.publish(root)
    finally:
        editions.key_figures = original


GALLERY = """
editions:
  - name: Lehman aftermath
    event_date: 2008-10-15
    description: A month after Lehman.
  - name: Longer look
    event_date: "2024-08-05"
    description: The yen carry unwind.
    parameters: {lookback_days: 15}
"""


def test_gallery_entries_are_read_with_dates_as_iso_text() -> None:
    lehman, longer = editions.parse_gallery(GALLERY)
    assert lehman == editions.GalleryEdition("Lehman aftermath", "2008-10-15", "A month after Lehman.", {})
    assert longer.overrides == {"event_date": "2024-08-05", "lookback_days": 15}


@pytest.mark.parametrize(("text", "message"), [
    ("editions: [", r"not valid YAML at line 1"),
    ("editions: []", r"non-empty list 'editions:'"),
    ("editions:\n  - name: X\n    event_date: 2008-10-15\n", r"entry 1 \(X\): missing \['description'\]"),
    ("editions:\n  - {name: X, event_date: 2008-10-15, description: d, colour: red}",
     r"entry 1 \(X\): unknown field\(s\) \['colour'\]"),
    ("editions:\n  - {name: X, event_date: 15.10.2008, description: d}",
     r"entry 1 \(X\): event_date: '15.10.2008' is not a date \(YYYY-MM-DD\)"),
    ("editions:\n  - {name: X, event_date: '2008-02-30', description: d}", r"is not a calendar date"),
    ("editions:\n  - {name: X, event_date: 2008-10-15, description: d, parameters: {event_date: 2009-01-02}}",
     r"parameters: \['event_date'\] cannot be set here"),
    ("editions:\n  - {name: X, event_date: 2008-10-15, description: d, parameters: [1]}",
     r"parameters: expected a mapping"),
    ("editions:\n  - {name: X, event_date: 2008-10-15, description: d}\n"
     "  - {name: X, event_date: 2009-10-15, description: d}", r"entries 1 and 2 have the same name"),
    ("editions:\n  - {name: X, event_date: 2008-10-15, description: d}\n"
     "  - {name: Y, event_date: 2008-10-15, description: d}", r"entries 1 and 2 have the same event date and param"),
    ("editions:\n  - {name: X, event_date: 2008-10-15, description: [d]}", r"description: expected one line"),
])
def test_gallery_errors_name_the_entry_and_the_field(text: str, message: str) -> None:
    with pytest.raises(editions.GalleryError, match=message):
        editions.parse_gallery(text)


def test_the_projects_gallery_holds_the_shock_days_of_issue_22() -> None:
    from deepseek_monday.data.calendars import check_trading_day
    from deepseek_monday.data.paths import project_root

    gallery = editions.load_gallery(project_root() / "editions.yml")
    days = [entry.event_date for entry in gallery]
    assert days == ["2000-04-14", "2008-10-15", "2020-03-16", "2024-08-05", "2024-09-03", "2025-01-27",
                    "2025-04-03"]
    for day in days:
        assert check_trading_day(day, "XNYS", "event_date") == datetime.datetime.fromisoformat(day)


def test_editions_page_sets_every_gallery_edition_side_by_side() -> None:
    gallery = editions.parse_gallery(GALLERY)
    records = [{"name": "2008-10-15", "parameters": gallery[0].overrides, "ran": ["intro", "00_overview"],
                "unavailable": {"20_saas": "event_date: too early; it can run from 2019-09-09"},
                "gallery": {"name": gallery[0].name, "description": gallery[0].description}},
               {"name": "2024-08-05-abc123", "parameters": gallery[1].overrides, "ran": ["intro", "20_saas"],
                "unavailable": {}, "gallery": {"name": gallery[1].name, "description": gallery[1].description}}]
    figures = {"2008-10-15": {"GSPC": -0.0903, "IXIC": float("nan"), "SOX": -0.089, "NVDA": -0.108},
               "2025-01-27": {"GSPC": -0.0146, "IXIC": -0.0307, "SOX": -0.0923, "NVDA": -0.1697}}
    canonical = {"name": None, "parameters": {"event_date": "2025-01-27"}, "ran": ["intro"], "unavailable": {}}
    page = editions.index_page(records, "{name}/index.html", "../index.html", "../_static", canonical, figures)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].strip().splitlines()
    assert len(rows) == 3
    assert 'href="../index.html"' in rows[0] and "27 January 2025" in rows[0] and "\u22121.46 %" in rows[0]
    assert 'href="2008-10-15/index.html">Lehman aftermath' in rows[1]
    assert "\u22129.03 %" in rows[1] and "\u2013" in rows[1]  # a missing figure is a dash, not nan
    assert "2 of 3 ran; " in rows[1] and "Software against infrastructure" in rows[1]
    assert "it can run from 2019-09-09" in rows[1]  # the reason, on hover
    assert 'href="2024-08-05-abc123/index.html">Longer look' in rows[2] and "The yen carry unwind." in rows[2]
    for heading in editions.KEY_FIGURES.values():
        assert html.escape(heading) in page


# The S&P 500 cross-section starts in 2015, Nvidia's share count is dated 2024-11-15, WCLD starts
# in 2019 and the sanctions chapter's China tech group needs two stocks with a year of returns (BABA: 2014).
UNAVAILABLE_IN_2008 = ["05_market", "10_bubble", "20_saas", "30_sanctions"]


# The one real edition of the suite: slow (a few minutes), built once for the tests below.
@pytest.fixture(scope="module")
def lehman_edition() -> Path:
    from deepseek_monday.build.runner import build
    from deepseek_monday.data.paths import project_root

    report = build({"event_date": "2008-10-15"}, root=project_root(), progress=False)
    assert report.edition == "2008-10-15"
    assert sorted(report.unavailable) == UNAVAILABLE_IN_2008
    return report.html


@pytest.mark.slow
def test_an_edition_for_2008_is_built_with_its_unavailable_chapters_as_pages(lehman_edition: Path) -> None:
    for name in UNAVAILABLE_IN_2008:
        page = (lehman_edition / "book" / f"{name}.html").read_text()
        assert "Not available in this edition" in page and "15 October 2008" in page
        assert "can run from" in page
    sanctions = (lehman_edition / "book" / "30_sanctions.html").read_text()
    assert "it can run from 2015-09-18" in sanctions and "only BIDU has them" in sanctions
    for name in ("00_overview", "40_cross_event", "claims_ledger", "data_sources"):
        assert "Not available in this edition" not in (lehman_edition / "book" / f"{name}.html").read_text()
    source = lehman_edition.parent / "source" / "book"
    overview = nbformat.read(source / "00_overview.ipynb", as_version=4)
    assert overview.metadata["papermill"]["parameters"]["event_date"] == "2008-10-15"
    record = json.loads((lehman_edition.parent / editions.EDITION_FILE).read_text())
    assert sorted(record["unavailable"]) == UNAVAILABLE_IN_2008 and "00_overview" in record["ran"]


@pytest.mark.slow
def test_the_published_editions_page_links_the_2008_edition(lehman_edition: Path) -> None:
    from deepseek_monday.data.paths import project_root

    index = project_root() / "_build" / "editions" / "index.html"
    page = index.read_text()
    assert 'href="2008-10-15/html/index.html"' in page and "15 October 2008" in page
    assert "not for this date: " in page and "Software against infrastructure, Export controls and efficiency" in page
