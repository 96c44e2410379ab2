"""Editions: naming, source layout, and the index that links them."""

from __future__ import annotations

import shutil
from pathlib import Path

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
    assert editions.publish(root) is None  # no canonical site yet
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("canonical")
    built = root / "_build" / "editions" / "2024-08-05" / "html"
    built.mkdir(parents=True)
    (built / "index.html").write_text("edition")
    editions.record(root, "2024-08-05", {"event_date": "2024-08-05"})
    (root / "_build" / "editions" / "2020-03-16").mkdir()  # recorded nowhere, no HTML: not listed
    index = editions.publish(root)
    assert (root / "_build" / "html" / "editions" / "2024-08-05" / "index.html").read_text() == "edition"
    page = index.read_text()
    assert 'href="2024-08-05/index.html"' in page and "2020-03-16" not in page
    assert "<td>event date 5 August 2024</td>" in page  # the parameters as text, not JSON
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
    editions.publish(root)
    site = root / "_build" / "html" / "editions"
    first = {name: (site / name).stat().st_ino for name in ("2024-08-05", "2020-03-16")}

    # 2024-08-05 rebuilt from new sources (build_html swaps in a new folder); 2020-03-16 unchanged.
    rebuilt = root / "_build" / "editions" / "2024-08-05" / "html"
    shutil.rmtree(rebuilt)
    rebuilt.mkdir()
    (rebuilt / "index.html").write_text("edition 2024-08-05, rebuilt")
    html_sources_stamp(rebuilt).write_text("new sources")
    editions.publish(root)
    assert (site / "2024-08-05" / "index.html").read_text() == "edition 2024-08-05, rebuilt"
    assert (site / "2024-08-05").stat().st_ino != first["2024-08-05"]
    assert (site / "2020-03-16").stat().st_ino == first["2020-03-16"]  # not copied again

    shutil.rmtree(root / "_build" / "editions" / "2020-03-16")
    page = editions.publish(root).read_text()
    assert not (site / "2020-03-16").exists() and "2020-03-16" not in page
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["2024-08-05"]


def test_landing_link_points_to_index_or_back_to_canonical() -> None:
    assert 'href="../editions/index.html"' in editions.landing_link(None)
    assert 'href="../../../index.html"' in editions.landing_link("2024-08-05")


def test_edition_parameters_read_as_text_not_json() -> None:
    text = editions.parameters_text({"lookback_days": 15, "event_date": "2024-08-05", "symbols": ["NVDA", "AMD"]})
    assert text == "event date 5 August 2024; lookback_days = 15; symbols = NVDA, AMD"
    page = editions.index_page([{"name": "2024-08-05", "parameters": {"event_date": "2024-08-05"}}],
                               "{name}/index.html", "../index.html", "../_static")
    assert "event date 5 August 2024" in page and "{&quot;" not in page and '{"' not in page
