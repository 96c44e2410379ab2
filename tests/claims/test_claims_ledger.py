"""The ledger: every claim evaluated once, its tables, and links that only point at existing chapters."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday.claims import ledger as ledger_module
from deepseek_monday.claims.catalogue import load_claims
from deepseek_monday.claims.chapters import CHAPTER_TITLES, chapter_reference, chapters_in_book
from deepseek_monday.claims.verdicts import CHECKED, VERDICT_ORDER, Verdict, tolerance_rule
from deepseek_monday.data.paths import market_data_dir
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures.levels import value_loss


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    return ledger_module.evaluate()


def test_one_row_per_claim_with_a_verdict(ledger: pd.DataFrame) -> None:
    claims = load_claims()
    assert ledger["id"].tolist() == [claim.id for claim in claims]
    assert ledger["verdict"].notna().all()
    assert set(ledger["verdict"].astype(str)) <= set(VERDICT_ORDER)


def test_claims_declared_not_checkable_stay_not_checkable(ledger: pd.DataFrame) -> None:
    declared = {claim.id for claim in load_claims() if not claim.checkable}
    rows = ledger.set_index("id")
    for claim_id in declared:
        assert rows.at[claim_id, "verdict"] == Verdict.NOT_CHECKABLE.value
    not_checkable = ledger[ledger["verdict"] == Verdict.NOT_CHECKABLE.value]
    assert (not_checkable["basis"].str.len() > 0).all(), "every not-checkable verdict gives its reason"
    assert (not_checkable["measured"] == "").all(), "context never poses as a measured value"


def test_checked_claims_show_a_measured_value(ledger: pd.DataFrame) -> None:
    checked = ledger[ledger["verdict"].astype(str).isin([v.value for v in CHECKED])]
    assert (checked["measured"] != "").all()
    assert (checked["basis"] != "").all()


def test_missing_instruments_are_never_estimated(ledger: pd.DataFrame) -> None:
    """Claims about Siemens Energy alone, Suss, Aixtron... are not checkable whatever the proxies show."""
    rows = ledger.set_index("id")
    for claim in load_claims():
        if claim.instrument == "Siemens Energy" or any(name in claim.instrument for name in ("Suss", "Aixtron")):
            assert rows.at[claim.id, "verdict"] == Verdict.NOT_CHECKABLE.value, claim.id


def test_a_close_only_series_never_contradicts_a_possibly_intraday_figure(ledger: pd.DataFrame) -> None:
    """Infineon (closes only): "more than 4 %" against a close of -1.88 % is "close differs", not contradicted."""
    rows = ledger.set_index("id")
    assert rows.at["001-26", "verdict"] == Verdict.CLOSE_DIFFERS.value
    assert rows.at["001-21", "verdict"] == Verdict.CLOSE_DIFFERS.value
    for claim_id in ("001-10", "001-11", "001-25"):  # indices with lows and highs: within the day's range
        assert rows.at[claim_id, "verdict"] == Verdict.INTRADAY.value, claim_id
    assert rows.at["001-22", "qualifier"] == "intraday low"


def test_chip_index_claims_are_checked_with_the_index_itself(ledger: pd.DataFrame) -> None:
    """^SOX is in the snapshot now: the chip-index claims are measured on SOX, never on the ETFs."""
    rows = ledger.set_index("id")
    for claim in load_claims():
        if "^SOX" in claim.instrument:
            assert claim.symbols == ("SOX",), claim.id
            assert rows.at[claim.id, "verdict"] != Verdict.NOT_CHECKABLE.value, claim.id


def test_the_sp500_contradiction_in_article_001_is_resolved_by_the_close(ledger: pd.DataFrame) -> None:
    """The close of 27 Jan (the README's 6012.28) against the raw previous close decides -1.5 % over -1.9 %."""
    raw = pd.read_csv(market_data_dir() / "prices" / "GSPC.csv", index_col="date")["close"]
    move = 100 * (raw.loc["2025-01-27"] / raw.loc["2025-01-24"] - 1)
    assert abs(move - -1.5) < abs(move - -1.9)
    table = ledger_module.conflicts_table(ledger)
    assert table.loc["001-10 / 001-15", "nearer the data"] == "001-15"
    assert f"001-15 is confirmed and 001-10 {Verdict.INTRADAY.value}" in ledger_module.conflict_sentences(ledger)


def test_a_measure_that_cannot_measure_gives_not_checkable_with_its_reason() -> None:
    (claim,) = [c for c in load_claims() if c.id == "001-14"]
    saturday = dataclasses.replace(claim, dates=(pd.Timestamp("2025-01-25"),))
    row = ledger_module.check_claim(saturday)
    assert row["verdict"] == Verdict.NOT_CHECKABLE.value
    assert "2025-01-25" in row["basis"]


def test_measures_table_lists_every_measure_once(ledger: pd.DataFrame) -> None:
    table = ledger_module.measures_table(ledger)
    assert table["claims"].sum() == (ledger["measure"] != "").sum()
    assert table.index.is_unique and (table.index.str.len() > 0).all()
    assert not table.index.str.contains(r"_|``|=").any(), "readers see what a measure computes, not its code name"
    assert not table["unit"].str.contains("_").any()


def test_prose_helpers(ledger: pd.DataFrame) -> None:
    row = ledger_module.first_measured_by(ledger, "market_value_loss")
    assert row["measured"].endswith("bn USD")
    moves = ledger_module.day_low_moves(load_claims(), ["GSPC"])
    raw = pd.read_csv(market_data_dir() / "prices" / "GSPC.csv", index_col="date")
    expected = 100 * (raw.at["2025-01-27", "low"] / raw.at["2025-01-24", "close"] - 1)
    assert moves["GSPC"] == (pd.Timestamp("2025-01-27"), pytest.approx(expected))


def test_closer_claim_orders_by_verdict_then_deviation() -> None:
    def row(claim_id: str, verdict: str, deviation: float) -> pd.Series:
        return pd.Series({"id": claim_id, "verdict": verdict, "deviation": deviation})

    assert ledger_module.closer_claim(row("a", "confirmed", 0.3), row("b", "roughly right", 0.0)) == "a"
    assert ledger_module.closer_claim(row("a", "confirmed", 0.3), row("b", "confirmed", 0.1)) == "b"
    assert ledger_module.closer_claim(row("a", "confirmed", 0.0), row("b", "confirmed", 0.0)) == "both"
    assert ledger_module.closer_claim(row("a", "contradicted", 3), row("b", "contradicted", 1)) == "neither"
    assert ledger_module.closer_claim(row("a", "not checkable", 0), row("b", "confirmed", 0)) == "cannot tell"


def test_verdict_counts_add_up(ledger: pd.DataFrame) -> None:
    for by in ("article", "chapter"):
        counts = ledger_module.verdict_table(ledger, by)
        assert counts["total"].iloc[-1] == len(ledger)
        assert (counts.iloc[:-1].sum() == counts.iloc[-1]).all()
        assert list(counts.columns) == [*VERDICT_ORDER, "total"]


def test_every_conflict_appears_once(ledger: pd.DataFrame) -> None:
    pairs = {frozenset((a, b)) for a, b in ledger.loc[ledger["conflicts_with"] != "", ["id", "conflicts_with"]].values}
    real, apparent = ledger_module.conflicts_table(ledger), ledger_module.apparent_conflicts_table(ledger)
    assert len(real) + len(apparent) == len(pairs)
    assert not set(real.index) & set(apparent.index)


def test_claims_on_different_stocks_only_appear_to_conflict(ledger: pd.DataFrame) -> None:
    """000-14 and 002-04 count different groups of stocks, so both can hold."""
    apparent = ledger_module.apparent_conflicts_table(ledger)
    assert apparent.at["000-14 / 002-04", "why both can hold"] == "they measure different things"
    assert "000-14 / 002-04" not in ledger_module.conflicts_table(ledger).index
    assert "000-14" not in ledger_module.conflict_sentences(ledger)
    assert "Both can hold" in ledger_module.apparent_conflict_sentences(ledger)


def _pair_row(claim_id: str, quantity: str, measured: float, low: float, high: float) -> pd.Series:
    return pd.Series({"id": claim_id, "quantity": quantity, "measured_value": measured,
                      "confirm_low": low, "confirm_high": high})


def test_why_both_can_hold() -> None:
    # SYNTHETIC ranges and values.
    same = ledger_module.why_both_can_hold(_pair_row("a", "q", -1.46, -1.95, -1.85),
                                           _pair_row("b", "q", -1.46, -1.55, -1.45))
    assert same == "", "the same quantity with confirmed ranges apart: a real conflict"
    touching = ledger_module.why_both_can_hold(_pair_row("a", "q", 5.6, 5.55, 5.65),
                                               _pair_row("b", "q", 5.6, 5.45, 5.55))
    assert touching.startswith("their confirmed ranges overlap")
    other = ledger_module.why_both_can_hold(_pair_row("a", "q1", 64.0, 50, float("inf")),
                                            _pair_row("b", "q2", 69.0, 50, float("inf")))
    assert other == "they measure different things"


def test_headline_numbers(ledger: pd.DataFrame) -> None:
    params = ledger_module.LedgerParameters.validate("2025-01-27")
    numbers = ledger_module.headline_numbers(ledger, params)
    verdict_total = sum(numbers[f"n_{v.name.lower()}"] for v in Verdict)
    assert verdict_total == numbers["n_claims"] == len(ledger)
    assert numbers["n_checkable"] == numbers["n_checked"] == sum(numbers[f"n_{v.name.lower()}"] for v in CHECKED)
    assert numbers == numbers | ledger_module.verdict_counts(ledger), "one count for the landing page and the ledger"
    assert 0 < numbers["n_event_day_claims"] < numbers["n_claims"]
    assert numbers["event_day"] == "Monday 27 January 2025"


@pytest.mark.parametrize("bad", ["2025-01-25", "27.01.2025", "1800-01-03", 20250127])
def test_parameters_are_validated(bad: object) -> None:
    with pytest.raises(ParameterError):
        ledger_module.LedgerParameters.validate(bad)


def test_format_value_and_claimed() -> None:
    assert ledger_module.format_value(-16.9683, "percent") == "\u221216.97 %"
    assert ledger_module.format_value(599.36, "USD_billions") == "599.4 bn USD"
    assert ledger_module.format_value(-1.0, "days") == "1 day before"
    assert ledger_module.format_value(6.0, "days") == "6 days"
    assert ledger_module.format_value(6.0, "count", "milestones") == "6 milestones"
    assert ledger_module.format_value(1.0, "count", "milestones") == "1 milestone"
    assert ledger_module.format_value(2029.0, "year") == "2029"
    assert ledger_module.format_value(27.048, "ratio") == "27.05x"
    assert ledger_module.format_value(pd.Timestamp("2025-01-20"), "date") == "2025-01-20"
    claims = {c.id: c for c in load_claims()}
    assert ledger_module.format_claimed(claims["001-24"]) == "21,282.18 points"
    assert ledger_module.format_claimed(claims["004-01"]) == "540 to 600 bn USD"
    assert ledger_module.format_claimed(claims["003-01"]) == "≥ 600 bn USD"
    assert ledger_module.format_claimed(claims["001-16"]) == "\u22123 to \u22122.7 %"
    assert ledger_module.format_claimed(claims["000-15"]) == "≥ 1 milestone"


def test_displayed_tables_carry_tolerance_and_notes(ledger: pd.DataFrame) -> None:
    table = ledger_module.claims_table(ledger, chapter="20_saas", detailed=True)
    assert list(table.columns) == ["claim", "claimed", "measured", "verdict", "rule", "note"]
    assert list(ledger_module.claims_table(ledger, chapter="20_saas").columns) == [
        "claim", "claimed", "measured", "verdict"]
    assert not (table == "").any().any(), "empty cells show an en dash"
    assert table.at["002-18", "rule"].endswith("±0.5 pp confirmed, ±2.5 pp roughly right, plus 0.5 pp for the stand-in")
    markdown = ledger_module.article_markdown(ledger, "003", frozenset())
    assert "| rule |" in markdown
    assert "<details>" not in markdown  # the articles are cited by number, their text is not republished


def test_a_stand_in_bias_of_unknown_size_does_not_decide_the_verdict(ledger: pd.DataFrame) -> None:
    """002-18: WCLD reads low (fees); one narrow band of allowance keeps it from flipping on its bias."""
    rows = ledger.set_index("id")
    assert rows.at["002-18", "verdict"] == Verdict.ROUGHLY_RIGHT.value
    assert "stand-in" in rows.at["002-18", "note"] and "rather than contradicted" in rows.at["002-18", "note"]
    assert rows.at["002-15", "verdict"] == Verdict.CONTRADICTED.value
    assert "does not change the verdict" in rows.at["002-15", "note"]


def test_cost_claims_are_about_the_reported_figure(ledger: pd.DataFrame) -> None:
    """One rule: a claim passing on the reported figure is judged on it; the development cost is not checkable."""
    rows = ledger.set_index("id")
    for claim_id in ("000-09", "001-06", "002-13", "004-10"):
        assert "reported figure" in rows.at[claim_id, "note"], claim_id
        assert "final training run" in rows.at[claim_id, "note"], claim_id
    assert "R1" in rows.at["000-09", "note"]
    assert rows.at["000-09", "verdict"] == Verdict.MISATTRIBUTED.value
    assert rows.at["004-14", "verdict"] == Verdict.CONFIRMED.value
    assert rows.at["004-14", "qualifier"] == "lower bound implies the claim"


def test_the_low_end_of_a_guided_range_is_a_match(ledger: pd.DataFrame) -> None:
    row = ledger.set_index("id").loc["004-13"]
    assert row["verdict"] == Verdict.CONFIRMED.value and row["qualifier"] == "within the stated range"


def test_a_bound_on_a_whole_does_not_decide_a_claim_about_a_part(ledger: pd.DataFrame) -> None:
    rows = ledger.set_index("id")
    for claim_id in ("002-19", "002-20"):
        assert rows.at[claim_id, "verdict"] == Verdict.NOT_CHECKABLE.value
        assert "data-centre segment" in rows.at[claim_id, "basis"] and rows.at[claim_id, "context"]


def test_a_hedged_forecast_is_not_judged(ledger: pd.DataFrame) -> None:
    row = ledger.set_index("id").loc["000-16"]
    assert row["verdict"] == Verdict.FORECAST.value
    assert row["measured"] == "" and row["context"].startswith("what the data later showed")


def test_like_claims_get_like_rules() -> None:
    """No two claims with the same measure and relation get different verdict rules (form and tolerance rule)."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for claim in load_claims():
        if not claim.measure or not claim.checkable:
            continue
        form = "session" if claim.form in ("close", "session", "intraday") else claim.form
        rule = (form, tolerance_rule(claim.relation, claim.claimed_text, claim.tolerance))
        key = (claim.measure, claim.relation)
        assert seen.setdefault(key, rule) == rule, (claim.id, key, seen[key], rule)


def test_every_verdict_class_has_a_rule_on_the_page() -> None:
    table = ledger_module.verdict_rules_table()
    assert list(table.index) == list(VERDICT_ORDER)
    assert (table["rule"].str.len() > 20).all()


def test_the_market_value_loss_is_the_books_one_computation(ledger: pd.DataFrame) -> None:
    """The ledger quotes measures.levels.value_loss: printed-close levels times the filing cover count."""
    row = ledger_module.first_measured_by(ledger, "market_value_loss")
    assert "printed-close levels" in row["basis"] and "filing cover count" in row["basis"]
    loss = value_loss("NVDA", pd.Timestamp(row["dates"]))
    assert float(row["measured_value"]) == pytest.approx(loss.loss / 1e9, rel=1e-12)


def test_markdown_table_escapes_pipes() -> None:
    frame = pd.DataFrame({"claim": ["a | b"]}, index=pd.Index(["x"], name="id"))
    assert ledger_module.markdown_table(frame).splitlines() == ["| id | claim |", "|---|---|", "| x | a \\| b |"]


# ---------------------------------------------------------------- links


def _book(tmp_path: Path, toc: str, files: list[str]) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text(toc, encoding="utf-8")
    for name in files:
        (tmp_path / "book" / name).write_text("{}", encoding="utf-8")
    return tmp_path


TOC = """
format: jb-book
root: book/intro
parts:
  - caption: The event
    chapters:
      - file: book/00_overview
      - file: book/10_bubble
"""


def test_a_chapter_is_linked_only_when_its_page_exists_and_the_toc_lists_it(tmp_path: Path) -> None:
    root = _book(tmp_path, TOC, ["00_overview.ipynb", "20_saas.ipynb"])
    available = chapters_in_book(root)
    assert available == frozenset({"00_overview"})      # 10_bubble: no page; 20_saas: not in the toc
    assert chapter_reference("00_overview", available) == "{doc}`The event day in numbers <00_overview>`"
    assert chapter_reference("10_bubble", available) == "An AI bubble? (`10_bubble`, to come)"
    assert chapter_reference("claims_ledger", available) == "this chapter"
    (root / "book" / "10_bubble.md").write_text("# Bubble", encoding="utf-8")
    assert chapters_in_book(root) == frozenset({"00_overview", "10_bubble"})


def test_a_chapter_source_in_notebooks_counts_once_the_toc_lists_it(tmp_path: Path) -> None:
    """The runner executes notebooks/<name>.ipynb into book/ in the same build."""
    root = _book(tmp_path, TOC + "      - file: book/30_sanctions\n", ["00_overview.ipynb"])
    (root / "notebooks").mkdir()
    (root / "notebooks" / "30_sanctions.ipynb").write_text("{}", encoding="utf-8")
    assert chapters_in_book(root) == frozenset({"00_overview", "30_sanctions"})


def test_article_markdown_links_rows_to_existing_chapters(ledger: pd.DataFrame) -> None:
    text = ledger_module.article_markdown(ledger, "001", frozenset({"00_overview"}))
    lines = text.splitlines()
    assert len(lines) == 2 + (ledger["article"] == "001").sum()
    assert "{doc}`The event day in numbers <00_overview>`" in text
    assert "{doc}`" not in "".join(line for line in lines if "30_sanctions" in line)
    assert set(CHAPTER_TITLES) >= set(ledger["chapter"])


def test_relative_to_previous_close_reads_without_double_negatives() -> None:
    # SYNTHETIC moves in percent.
    assert ledger_module.relative_to_previous_close(-2.2711) == "2.27 % below"
    assert ledger_module.relative_to_previous_close(0.4) == "0.40 % above"
    assert ledger_module.relative_to_previous_close(0.0) == "at"


def test_event_day_sentence_names_the_claims_day_when_the_edition_differs() -> None:
    """SYNTHETIC ledger: three claims about one day, one about a range, one without a date."""
    synthetic = pd.DataFrame({"dates": ["2025-01-27", "2025-01-27", "2025-01-27", "2025-01-20..2025-01-24", ""]})
    assert ledger_module.claims_day(synthetic) == pd.Timestamp("2025-01-27")
    same = ledger_module.event_day_sentence(synthetic, ledger_module.LedgerParameters.validate("2025-01-27"))
    assert same == ("3 claims concern the event day, Monday 27 January 2025; the others concern the days "
                    "around it, the companies' accounts or DeepSeek's model.")
    other = ledger_module.event_day_sentence(synthetic, ledger_module.LedgerParameters.validate("2024-08-05"))
    assert other.startswith("The articles' claims concern 27 January 2025 (3 of them that day itself")
    assert other.endswith("this edition's event day is Monday 5 August 2024, so the verdicts below are those "
                          "of 27 January 2025.")
    assert "0 claims" not in other


LEDGER_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "claims_ledger.ipynb"


@requires_real_data
def test_compute_offers_every_glue_key_the_notebook_quotes(ledger: pd.DataFrame) -> None:
    """compute() on the notebook's defaults offers every name its prose quotes and every table a cell shows."""
    import json
    import re

    from deepseek_monday.build.runner import notebook_parameters
    from deepseek_monday.claims import results as ledger_results
    from deepseek_monday.present.glue import referenced_glue_names

    params = ledger_module.LedgerParameters.validate(**notebook_parameters(LEDGER_NOTEBOOK))
    results = ledger_results.compute(params, claims=ledger)
    cells = json.loads(LEDGER_NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    displayed = re.findall(r'results\.tables\["([^"]+)"\]', code)
    referenced = referenced_glue_names(LEDGER_NOTEBOOK)
    assert len(referenced) > 25 and len(displayed) == len(set(displayed)) == 13 and not results.figures
    assert referenced - set(results.numbers) == set(), "glue keys the notebook quotes but compute does not offer"
    assert set(displayed) == set(results.tables), "tables the notebook displays differ from those compute offers"
    assert set(re.findall(r"\{glue:md\}`([^`:]+)", prose)) <= results.markdown <= set(results.numbers)
    assert {"conflicts", "apparent_conflicts"} <= results.markdown and "n_claims" not in results.markdown
    assert all(isinstance(table, pd.DataFrame) and not table.empty for table in results.tables.values())
    assert results.numbers["n_claims"] == len(ledger)
