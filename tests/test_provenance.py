"""The data page: reference checks counted, the manifest shown whole with readable headers (real snapshot)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from conftest import requires_real_data

from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.present import provenance, style

pytestmark = requires_real_data


def test_origin_names_each_repository_with_its_commit() -> None:
    assert provenance.origin_text("a/one", "0123456789abcdef") == "a/one @ 0123456"
    assert provenance.origin_text("a/one + b/two", "0123456789 + fedcba9876") == "a/one @ 0123456 + b/two @ fedcba9"
    assert provenance.source_repositories(provenance.pd.Series(["a/one + b/two", "a/one"])) == {"a/one", "b/two"}


def test_checked_and_unchecked_files_add_up_to_the_snapshot() -> None:
    snapshot = load_snapshot()
    numbers = provenance.snapshot_numbers(snapshot)
    assert numbers["n_checked"] + numbers["n_not_checked"] == numbers["n_files"] == len(snapshot.manifest)
    checked = snapshot.manifest["validated"].str.startswith("yes")
    assert numbers["n_checked"] == int(checked.sum()) > 0
    assert numbers["first_date"] == style.long_date(snapshot.manifest["first_date"].min())


def test_manifest_table_is_readable() -> None:
    snapshot = load_snapshot()
    table = provenance.manifest_table(snapshot)
    assert table.index.name == "Symbol" and list(table.index) == list(snapshot.manifest.index)
    assert not any("_" in column for column in table.columns)  # no first_date, adj_close ...
    assert set(table["Returns from"]) <= {"adjusted close", "close"}
    assert set(table["Checked against a reference value"]) == {"yes", "no"}
    assert table.at["NVDA", "Returns from"] == "adjusted close"
    assert " + " in table.at["IXIC", "Source repository @ commit"]  # a spliced file names both sources
    assert not table.apply(lambda column: column.astype(str).str.contains("...", regex=False)).any().any()


def test_long_date_has_no_leading_zero() -> None:
    assert style.long_date("2024-08-05") == "5 August 2024"


DATA_PAGE = Path(__file__).resolve().parents[1] / "notebooks" / "data_sources.ipynb"


def test_compute_offers_every_glue_key_the_data_page_quotes() -> None:
    """compute() on the notebook's defaults offers every name its prose quotes and every table a cell shows."""
    import matplotlib
    import matplotlib.pyplot as plt

    from deepseek_monday.build.runner import notebook_parameters
    from deepseek_monday.data.prices import check_data_dir
    from deepseek_monday.present import data_page
    from deepseek_monday.present.glue import referenced_glue_names

    with matplotlib.rc_context():  # compute() sets the house style; undone for the other tests
        results = data_page.compute(check_data_dir(**notebook_parameters(DATA_PAGE)))
    try:
        cells = json.loads(DATA_PAGE.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        displayed = set(re.findall(r'results\.tables\["([^"]+)"\]', code))
        referenced = referenced_glue_names(DATA_PAGE)
        offered = set(results.numbers) | set(results.figures) | set(results.tables)
        assert len(referenced) > 10 and len(displayed) == 5 and set(results.figures) == {"fig_coverage"}
        assert referenced - offered == set(), "glue keys the notebook quotes but compute does not offer"
        assert displayed == set(results.tables), "tables the notebook displays differ from those compute offers"
        assert not results.markdown and not (set(results.numbers) & set(results.tables))
        assert all(isinstance(table, pd.DataFrame) for table in results.tables.values())
        assert not results.tables["table_manifest"].empty and not results.tables["table_facts"].empty
        assert results.numbers["n_flagged"] == str(len(results.tables["table_flagged"]))
    finally:
        for fig in results.figures.values():
            plt.close(fig)


def test_flagged_table_shows_each_flagged_day_in_percent_by_symbol_and_date() -> None:
    """Synthetic flagged day (made up for the test): returns in decimals become percent, dates ISO."""
    flagged = pd.DataFrame({"symbol": ["XYZ"], "date": pd.to_datetime(["2008-12-08"]), "return": [0.1731],
                            "next_date": pd.to_datetime(["2008-12-09"]), "next_return": [-0.1335],
                            "robust_sigma": [0.0098]})
    table = provenance.flagged_table(flagged)
    assert table.index.names == ["Symbol", "Date"]
    assert table.loc[("XYZ", "2008-12-08")].to_dict() == {"Return (%)": 17.31, "Next session": "2008-12-09",
                                                          "Next return (%)": -13.35, "Robust sigma (%)": 0.98}
