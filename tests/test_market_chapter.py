"""The market chapter: portfolio event study, multiple testing, parameters and prose.

Unit tests run on SYNTHETIC series (made-up returns on real NYSE sessions); the real-data
tests (``requires_real_data``) run the chapter on the S&P 500 cross-section.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepseek_monday.chapters import market
from deepseek_monday.chapters.market import analysis, prose
from deepseek_monday.chapters.market.parameters import ESTIMATION_WINDOW, MarketParameters, usable_range
from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.cross_section import CrossSection, load_cross_section
from deepseek_monday.data.paths import DATA_ENV_VAR
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures import market_wide as mw
from deepseek_monday.present import glue as glue_module
from tests.conftest import REAL_DATA, requires_real_data

SYNTHETIC_GRID = sessions("XNYS")[(sessions("XNYS") >= "2015-01-02") & (sessions("XNYS") <= "2016-06-30")]


def synthetic_cross_section(seed: int = 1) -> CrossSection:
    """A SYNTHETIC CrossSection object: two made-up members on NYSE sessions 2015-01-02..2016-06-30."""
    rng = np.random.default_rng(seed)
    returns = pd.DataFrame(rng.normal(0, 0.01, (len(SYNTHETIC_GRID), 2)), index=SYNTHETIC_GRID,
                           columns=pd.Index(["AAA", "BBB"], name="symbol"))
    returns.iloc[0] = np.nan
    prices = (1 + returns.fillna(0)).cumprod() * 100
    constituents = pd.DataFrame({"index_symbol": ["AAA", "BBB"], "name": ["synthetic A", "synthetic B"],
                                 "gics_sector": ["Energy", "Utilities"], "gics_sub_industry": ["Oil", "Water"],
                                 "has_prices": [True, True]}, index=returns.columns)
    return CrossSection(directory=Path("."), checksum="synthetic", constituents=constituents,
                        manifest=pd.DataFrame(), prices=prices, returns=returns, quality_notes=pd.DataFrame())


def test_parameters_name_the_first_usable_date() -> None:
    cs = synthetic_cross_section()
    first, last = usable_range(cs)
    assert first == SYNTHETIC_GRID[1 - ESTIMATION_WINDOW[0]]  # 250 sessions of returns after the first (row 1)
    assert last == SYNTHETIC_GRID[-6]
    assert MarketParameters.validate(first, cross_section=cs).event_date == first
    with pytest.raises(ParameterError, match=f"first usable date is {first:%Y-%m-%d}"):
        MarketParameters.validate("2015-06-01", cross_section=cs)
    with pytest.raises(ParameterError, match=f"last usable date is {last:%Y-%m-%d}"):
        MarketParameters.validate(SYNTHETIC_GRID[-2], cross_section=cs)
    with pytest.raises(ParameterError, match="weekend"):
        MarketParameters.validate("2016-01-09", cross_section=cs)
    with pytest.raises(ParameterError, match="not a date"):
        MarketParameters.validate("27 January 2016", cross_section=cs)


def synthetic_inputs(event: pd.Timestamp, shock: float = -0.05) -> analysis.MarketInputs:
    """SYNTHETIC inputs: one portfolio p = 0.0002 + 1.3 m + e, hit by ``shock`` on day 0."""
    rng = np.random.default_rng(7)
    m = rng.normal(0.0003, 0.01, len(SYNTHETIC_GRID))
    p = 0.0002 + 1.3 * m + rng.normal(0, 0.004, len(SYNTHETIC_GRID))
    p[SYNTHETIC_GRID.get_loc(event)] += shock
    returns = pd.DataFrame({"sector: Energy": p, mw.EX_AI_LABEL: m}, index=SYNTHETIC_GRID)
    returns.iloc[0] = np.nan
    portfolios = pd.DataFrame({"level": ["sector"], "label": ["Energy"], "sector": ["Energy"], "n_members": [1],
                               "n_day0": [1]}, index=pd.Index(["sector: Energy"], name="column"))
    return analysis.MarketInputs(MarketParameters(event), synthetic_cross_section(), returns, portfolios,
                                 pd.DataFrame(), None, "no factors (SYNTHETIC)")


def test_portfolio_test_uses_the_portfolios_own_residual_variance() -> None:
    event = SYNTHETIC_GRID[300]
    inputs = synthetic_inputs(event)
    table, exclusions = analysis.portfolio_study(inputs, ["sector: Energy"])
    assert exclusions.empty
    # By hand: OLS over days -250..-11, forecast-error-corrected variance of the day-0 prediction error.
    position = SYNTHETIC_GRID.get_loc(event)
    est = inputs.returns.iloc[position - 250:position - 10]
    x, y = est[mw.EX_AI_LABEL].to_numpy(), est["sector: Energy"].to_numpy()
    beta, alpha = np.polyfit(x, y, 1)
    resid = y - alpha - beta * x
    s2 = resid @ resid / (len(y) - 2)
    x0, y0 = inputs.returns.iloc[position][[mw.EX_AI_LABEL, "sector: Energy"]]
    ar = y0 - alpha - beta * x0
    variance = s2 * (1 + 1 / len(x) + (x0 - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    row = table.loc[("sector: Energy", "[0,0]")]
    assert row["car"] == pytest.approx(ar, rel=1e-9)
    assert row["t"] == pytest.approx(ar / np.sqrt(variance), rel=1e-9)
    assert row["df"] == len(y) - 2
    assert row["lo"] < row["car"] < row["hi"] and row["p"] < 0.001  # a 5 % shock against a 0.4 % residual sd
    # A longer window sums the abnormal returns of its days.
    days = inputs.returns.iloc[position:position + 2]
    two_day = (days["sector: Energy"] - alpha - beta * days[mw.EX_AI_LABEL]).sum()
    assert table.loc[("sector: Energy", "[0,+1]"), "car"] == pytest.approx(two_day, rel=1e-9)
    with pytest.raises(ParameterError, match="needs factors"):
        analysis.portfolio_study(inputs, ["sector: Energy"], model="ff3")


def test_multiple_testing_adjustment_holm_and_bh() -> None:
    p = pd.Series([0.01, 0.04, np.nan, 0.03], index=list("abcd"))
    holm = analysis.adjust(p, "holm")
    assert holm["a"] == pytest.approx(0.03) and holm["d"] == pytest.approx(0.06) and holm["b"] == pytest.approx(0.06)
    assert np.isnan(holm["c"])  # a missing p-value stays missing and is not counted in the family
    bh = analysis.adjust(p, "fdr_bh")
    assert bh["a"] == pytest.approx(0.03) and bh["b"] == pytest.approx(0.04) and bh["d"] == pytest.approx(0.04)
    assert analysis.adjust(pd.Series([np.nan]), "holm").isna().all()


def test_window_returns_compound_and_need_every_day() -> None:
    dates = SYNTHETIC_GRID[:10]
    frame = pd.DataFrame({"a": [0.01] * 10, "b": [0.01] * 10}, index=dates)  # SYNTHETIC
    frame.iloc[4, 1] = np.nan
    out = analysis.window_returns(frame, dates[2])
    assert out.at["a", "[0,0]"] == pytest.approx(0.01)
    assert out.at["a", "[0,+5]"] == pytest.approx(1.01**6 - 1)
    assert out.at["b", "[0,+1]"] == pytest.approx(1.01**2 - 1) and np.isnan(out.at["b", "[0,+5]"])


def test_model_spread_and_sentences() -> None:
    ar = pd.DataFrame({"Raw return": [-0.05], "Market model, SPY": [-0.02], "FF3": [-0.04],
                       "Carhart 4": [np.nan]}, index=["chips"])  # SYNTHETIC
    spread = analysis.model_spread(ar)
    assert spread.at["chips", "lowest_model"] == "FF3" and spread.at["chips", "spread"] == pytest.approx(0.02)
    text = prose.model_sentences(ar)
    assert "\u22124.00 % (FF3) to \u22122.00 % (Market model, SPY)" in text
    assert "2.00 percentage points" in text and "raw return of \u22125.00 %" in text


def test_prose_numbers_use_a_true_minus_and_the_survivorship_caveat() -> None:
    assert prose.pct(-0.014581) == "\u22121.46 %"
    assert prose.pct(np.nan) == "\u2013"
    assert prose.points(0.0045) == "0.45 percentage points"
    same = prose.survivorship_text(pd.Timestamp("2025-01-27"), 2, ["X", "Y"])
    other = prose.survivorship_text(pd.Timestamp("2020-03-16"), 2, ["X", "Y"])
    assert "2 members (X, Y)" in same and "NOT the index" not in same
    assert "16 March 2020" in other and "NOT the index" in other


@requires_real_data
def test_real_chapter_on_27_january(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV_VAR, str(REAL_DATA))
    cs = load_cross_section()
    with pytest.raises(ParameterError, match="first usable date is 2015-12-31"):
        MarketParameters.validate("2015-06-01", cross_section=cs)
    params = MarketParameters.validate("2025-01-27", cross_section=cs)
    inputs = market.load_inputs(params, cross_section=cs)
    study = market.sector_study(inputs)
    sectors = market.level_table(study, analysis.SECTOR)
    assert len(sectors) == 11 and sectors["n_members"].sum() == 492
    it = sectors.loc["Information Technology"]
    assert it["car [0,0]"] < 0 and it["p_adj [0,0]"] >= it["p [0,0]"]
    tested = study.table.dropna(subset=["p"])
    assert (tested["p_adj"] >= tested["p"]).all()  # an adjustment never lowers a p-value
    # The raw day-0 return of a sector portfolio is the mean of its members' returns.
    members = cs.members.index[cs.members["gics_sector"] == "Energy"]
    assert sectors.at["Energy", "raw [0,0]"] == pytest.approx(cs.returns.loc[params.event_date, members].mean())
    benchmarks = market.benchmark_table(inputs)
    assert benchmarks.at[mw.EX_AI_LABEL, "[0,0]"] > benchmarks.at[mw.ALL_LABEL, "[0,0]"]
    assert benchmarks.at["AI infrastructure (excluded)", "[0,0]"] < benchmarks.at[mw.ALL_LABEL, "[0,0]"]
    ar, p = market.model_table(inputs)
    assert list(ar.columns) == list(analysis.MODEL_COLUMNS) and np.isfinite(ar.to_numpy()).all()
    assert (ar.loc["AI chips (report)"].drop("Raw return") < 0).all()  # every model: AI chips lost on day 0
    assert p["Raw return"].isna().all()
    moves = market.movers(inputs)
    assert len(moves.losers) == 20 and moves.n_fell + moves.n_rose + moves.n_unchanged == 492
    assert analysis.members_without_prices(cs) == ["ANSS", "BK", "CTRA", "DAY", "DFS", "HES", "HOLX", "IPG",
                                                    "JNPR", "K", "WBA"]


@requires_real_data
def test_real_chapter_after_the_factors_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV_VAR, str(REAL_DATA))
    cs = load_cross_section()
    inputs = market.load_inputs(MarketParameters.validate("2026-07-15", cross_section=cs), cross_section=cs)
    assert inputs.factors is None and "factor models are not reported" in inputs.factor_note
    ar, _ = market.model_table(inputs)
    assert ar["FF3"].isna().all() and ar["Market model, SPY"].notna().all()


NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_market.ipynb"
TABLE_CELL = re.compile(r"results\.tables\[\"([^\"]+)\"\]")


def displayed_tables(path: Path) -> set[str]:
    """The tables the notebook's code cells display (``results.tables["name"]``)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return set(TABLE_CELL.findall("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")))


def test_glue_names_are_parsed_from_markdown_roles_and_directives(tmp_path: Path) -> None:
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["On {glue:text}`event_day` it fell {glue:text}`drop:+.2%`.\n",
                                             "```{glue:figure} fig_x\n", ":name: x\n", "```"]},
        {"cell_type": "code", "source": ["results.tables[\"table_y\"]  # {glue:text}`not_markdown`"]}]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert glue_module.referenced_glue_names(path) == {"event_day", "drop", "fig_x"}
    assert displayed_tables(path) == {"table_y"}


def test_glue_results_glues_the_market_results_numbers_and_figures_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt
    import myst_nb

    calls: list[tuple[str, object, bool]] = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display)))
    fig = plt.figure()
    glue_module.glue_results(market.MarketResults(numbers={"n": "1"}, figures={"fig_f": fig},
                                                  tables={"table_t": pd.DataFrame({"a": [1]})}))
    assert [(name, display) for name, _, display in calls] == [("n", False), ("fig_f", False)]  # tables shown by cells
    assert calls[1][1] is fig
    assert not plt.fignum_exists(fig.number)  # glued figures are closed


@requires_real_data
def test_compute_offers_every_glue_key_the_notebook_quotes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV_VAR, str(REAL_DATA))
    import matplotlib.pyplot as plt

    from deepseek_monday.build.runner import notebook_parameters

    results = market.compute(MarketParameters.validate(**notebook_parameters(NOTEBOOK)))
    try:
        referenced, displayed = glue_module.referenced_glue_names(NOTEBOOK), displayed_tables(NOTEBOOK)
        offered = set(results.numbers) | set(results.figures) | set(results.tables)
        assert len(referenced) > 30 and len(displayed) == 8
        assert referenced - offered == set(), "glue keys the notebook quotes but compute does not offer"
        assert displayed - set(results.tables) == set(), "tables the notebook displays but compute does not offer"
        assert not (set(results.numbers) & set(results.figures)) and not (set(results.numbers) & set(results.tables))
        assert all(isinstance(value, str) and value for value in results.numbers.values())
        assert all(isinstance(table, pd.DataFrame) and not table.empty for table in results.tables.values())
    finally:
        for fig in results.figures.values():
            plt.close(fig)
