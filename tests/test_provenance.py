"""The data page: reference checks counted, the manifest shown whole with readable headers (real snapshot)."""

from __future__ import annotations

from conftest import requires_real_data

from deepseek_monday.data import provenance
from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.present import style

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
