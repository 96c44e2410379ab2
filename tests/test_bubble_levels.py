"""The bubble chapter at printed levels: rescaling adjusted closes to printed ones, cover share counts, losses,
multiples, the company ranking, concentration and the verdict. SYNTHETIC series and fact rows for the
arithmetic; the real facts for the documented checks (computed here from the raw rows, never typed in)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import assert_house_numbers, requires_real_data

from deepseek_monday.chapters import bubble
from deepseek_monday.chapters.bubble import figures as bubble_figures
from deepseek_monday.chapters.bubble import findings, market, multiples
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.paths import facts_dir
from deepseek_monday.measures import levels
from deepseek_monday.present.tables import MINUS

MONDAY = pd.Timestamp("2025-01-27")


def facts_rows(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """SYNTHETIC fundamentals rows: (ticker, period_end, metric, value)."""
    return pd.DataFrame({"ticker": [r[0] for r in rows], "fiscal_period": "FYX",
                         "period_end": pd.to_datetime([r[1] for r in rows]), "metric": [r[2] for r in rows],
                         "value": [r[3] for r in rows], "unit": "USD", "source": "SYNTHETIC"})


def adjusted(values: list[float], start: str = "2025-01-06") -> pd.Series:
    """SYNTHETIC adjusted closes on consecutive business days."""
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), name="SYN", dtype=float)


# ---------------------------------------------------------------- printed closes and rescaling (SYNTHETIC)


def test_printed_closes_prefer_the_printed_row_on_a_shared_date() -> None:
    rows = facts_rows([("SYN", "2025-01-10", "close_price_split_adjusted", 9.9),
                       ("SYN", "2025-01-10", "close_price_printed", 10.0),
                       ("SYN", "2025-01-06", "close_price_split_adjusted", 5.0),
                       ("OTHER", "2025-01-06", "close_price_printed", 1.0)])
    table = levels.printed_closes("SYN", rows)
    assert list(table["price"]) == [5.0, 10.0]
    assert list(table["metric"]) == ["close_price_split_adjusted", "close_price_printed"]
    with pytest.raises(NotCheckable, match="no printed close for NONE"):
        levels.printed_closes("NONE", rows)


def test_anchor_table_maps_a_weekend_fact_to_the_last_session() -> None:
    series = adjusted([8.0, 9.0, 10.0, 11.0, 12.0])  # Mon 6 .. Fri 10 January 2025
    printed = pd.DataFrame({"date": pd.to_datetime(["2025-01-12"]), "price": [24.0],
                            "metric": ["close_price_split_adjusted"]})
    table = levels.anchor_table(series, printed)
    assert table.at[0, "session"] == pd.Timestamp("2025-01-10")
    assert table.at[0, "factor"] == pytest.approx(2.0)


def test_rescale_uses_the_nearest_anchor_and_equals_the_printed_close_there() -> None:
    series = adjusted([10.0] * 7)  # 6..14 January 2025
    anchors = pd.DataFrame({"session": pd.to_datetime(["2025-01-06", "2025-01-10"]), "factor": [1.5, 2.0]})
    level = levels.rescale_to_printed(series, anchors)
    assert level.loc["2025-01-06"] == 15.0 and level.loc["2025-01-10"] == 20.0
    assert level.loc["2025-01-07"] == 15.0  # one day from the first anchor, three from the second
    assert level.loc["2025-01-08"] == 20.0  # two days from each: the later anchor wins
    assert level.loc["2025-01-14"] == 20.0  # after the last anchor
    with pytest.raises(NotCheckable):
        levels.rescale_to_printed(series, anchors.iloc[:0])



def test_level_on_is_the_price_level_of_the_day_with_its_anchor() -> None:
    series = adjusted([10.0, 10.0, 10.0, 10.0, 10.0, 12.0, 12.0])  # 6..14 January 2025
    rows = facts_rows([("SYN", "2025-01-06", "close_price_printed", 15.0),
                       ("SYN", "2025-01-10", "close_price_split_adjusted", 20.0)])
    on_anchor = levels.level_on(series, "SYN", pd.Timestamp("2025-01-10"), rows)
    assert on_anchor.price == 20.0 and on_anchor.adjusted == 10.0 and on_anchor.anchor == pd.Timestamp("2025-01-10")
    assert on_anchor.describe().startswith("printed close 20.00 USD of 2025-01-10")
    tie = levels.level_on(series, "SYN", pd.Timestamp("2025-01-08"), rows)  # two days from each: the later wins
    assert tie.anchor == pd.Timestamp("2025-01-10") and tie.price == 20.0 and "rescaled" in tie.describe()
    after = levels.level_on(series, "SYN", pd.Timestamp("2025-01-14"), rows)
    assert after.price == pytest.approx(24.0) and after.anchor_price == 20.0
    whole = levels.rescale_to_printed(series, levels.anchor_table(series, levels.printed_closes("SYN", rows)))
    for day in series.index:  # the same rule as the whole series
        assert levels.level_on(series, "SYN", day, rows).price == pytest.approx(whole.loc[day])
    with pytest.raises(NotCheckable, match="no close on 2025-01-11"):
        levels.level_on(series, "SYN", pd.Timestamp("2025-01-11"), rows)
    with pytest.raises(NotCheckable, match="no printed close for NONE"):
        levels.level_on(series, "NONE", pd.Timestamp("2025-01-10"), rows)


# ---------------------------------------------------------------- cover share counts (SYNTHETIC)


def test_outstanding_counts_add_classes_weight_berkshire_and_restate_cisco_for_its_split() -> None:
    rows = facts_rows([("SYN", "2024-10-25", "shares_outstanding_class_a", 100.0),
                       ("SYN", "2024-10-25", "shares_outstanding_class_b", 20.0),
                       ("BRK", "2024-12-31", "shares_outstanding_class_a", 2.0),
                       ("BRK", "2024-12-31", "shares_outstanding_class_b", 1000.0),
                       ("CSCO", "2000-02-25", "shares_outstanding", 50.0),
                       ("CSCO", "2000-05-26", "shares_outstanding", 101.0)])
    syn = levels.outstanding_counts("SYN", rows)
    assert syn.at[0, "shares"] == 120.0 and syn.at[0, "classes"] == "A+B"
    assert levels.outstanding_counts("BRK", rows).at[0, "shares"] == 2.0 * 1500 + 1000.0
    cisco = levels.outstanding_counts("CSCO", rows)
    assert list(cisco["shares"]) == [100.0, 101.0]
    assert "split" in cisco.at[0, "note"] and cisco.at[1, "note"] == ""


def test_count_on_prefers_the_latest_before_then_the_earliest_after_within_the_gap() -> None:
    counts = pd.DataFrame({"as_of": pd.to_datetime(["2024-01-01", "2024-12-01"]), "shares": [1.0, 2.0],
                           "note": ["", ""]})
    assert levels.count_on(counts, pd.Timestamp("2024-03-01")).shares == 1.0
    assert levels.count_on(counts, pd.Timestamp("2024-12-15")).shares == 2.0
    assert levels.count_on(counts, pd.Timestamp("2023-12-01")).shares == 1.0  # only a later count in reach
    with pytest.raises(NotCheckable, match="within 30 days"):
        levels.count_on(counts, pd.Timestamp("2024-06-01"), "SYN", max_gap=30)
    applied = levels.counts_on(counts, pd.DatetimeIndex(["2024-03-01", "2025-12-01"]))
    assert applied["shares"].iloc[0] == 1.0 and np.isnan(applied["shares"].iloc[1])


def test_counts_on_applies_count_on_to_every_date() -> None:
    """SYNTHETIC counts: the vectorised rule gives count_on's answer on every day, gaps and edges included."""
    counts = pd.DataFrame({"as_of": pd.to_datetime(["2024-12-01", "2024-01-01", "2024-04-15"]),  # unsorted
                           "shares": [3.0, 1.0, 2.0], "note": ["", "", ""]})
    dates = pd.date_range("2023-06-01", "2025-06-01", freq="D")
    for max_gap in (0, 30, 183):
        applied = levels.counts_on(counts, dates, max_gap=max_gap)
        ordered = counts.sort_values("as_of")
        for date in dates:
            try:
                count = levels.count_on(ordered, date, max_gap=max_gap)
                assert (applied.at[date, "shares"], applied.at[date, "as_of"]) == (count.shares, count.as_of)
            except NotCheckable:
                assert np.isnan(applied.at[date, "shares"]) and pd.isna(applied.at[date, "as_of"])
    assert levels.counts_on(counts.iloc[:0], dates[:3])["shares"].isna().all()


def test_level_loss_is_count_times_the_fall_of_the_printed_level() -> None:
    level = adjusted([100.0, 90.0, 99.0])
    counts = pd.DataFrame({"as_of": pd.to_datetime(["2025-01-01"]), "shares": [1e9], "note": [""]})
    loss = levels.level_loss(level, counts, "SYN", pd.Timestamp("2025-01-07"))
    assert loss.loss == pytest.approx(10e9) and loss.change == pytest.approx(-0.1)
    assert loss.previous_value == pytest.approx(100e9)
    table = levels.level_losses(level, counts, "SYN")
    assert list(table["loss"]) == pytest.approx([10e9, -9e9])
    with pytest.raises(NotCheckable):
        levels.level_loss(level, counts, "SYN", pd.Timestamp("2025-01-06"))  # no earlier close


# ---------------------------------------------------------------- multiples (SYNTHETIC)


def synthetic_accounts() -> pd.DataFrame:
    """SYNTHETIC quarterly accounts: eight quarters of 10 bn revenue and 5 bn net income, published in turn."""
    quarters = [f"FY2025Q{q}" for q in range(1, 5)] + [f"FY2026Q{q}" for q in range(1, 5)]
    published = pd.date_range("2024-02-01", periods=8, freq="91D")
    return pd.DataFrame({"revenue": 10e9, "net_income": [5e9] * 4 + [-1e9, 5e9, 5e9, 5e9],
                         "published": published}, index=quarters)


def test_quarterly_multiples_trailing_and_hindsight() -> None:
    accounts = synthetic_accounts()
    day = pd.Timestamp("2025-01-06")  # after the fourth quarter's publication (2024-10-31)
    level = adjusted([50.0], start="2025-01-06")
    counts = pd.DataFrame({"as_of": pd.to_datetime(["2025-01-01"]), "shares": [4e9], "note": [""]})
    trailing, forward = multiples.quarterly_multiples(level, counts, "SYN", accounts, day, "event day")
    assert trailing["market_value"] == 200e9
    assert trailing["price_to_sales"] == pytest.approx(5.0) and trailing["price_to_earnings"] == pytest.approx(10.0)
    assert "FY2025Q1" in trailing["revenue_basis"] and "FY2025Q4" in trailing["revenue_basis"]
    assert forward["price_to_earnings"] == pytest.approx(200 / 14)
    assert "hindsight" in forward["note"]


def test_a_loss_or_missing_earnings_has_no_price_to_earnings() -> None:
    assert np.isnan(multiples.ratio_or_nan(10.0, -1.0))
    assert np.isnan(multiples.ratio_or_nan(10.0, np.nan))
    assert multiples.ratio_or_nan(10.0, 4.0) == 2.5


# ---------------------------------------------------------------- concentration and prose (SYNTHETIC)


def test_rolled_total_follows_the_index() -> None:
    index = adjusted([100.0, 110.0, 121.0])
    assert market.rolled_total(1000.0, pd.Timestamp("2025-01-06"), index, pd.Timestamp("2025-01-08")) == 1210.0


def test_numbers_in_prose_use_the_true_minus_sign() -> None:
    assert findings.pct(-0.1697) == f"{MINUS}16.97 %"
    assert findings.pct(0.05, 1) == "+5.0 %"
    assert findings.bn(-592.658e9) == f"{MINUS}592.7 bn USD"
    assert findings.times(np.nan) == "not meaningful" and findings.times(25.604) == "25.6 times"


def verdict_numbers(**changes: object) -> dict[str, object]:
    """SYNTHETIC inputs of the verdict."""
    numbers: dict[str, object] = {
        "name": "Syn", "fall": -0.17, "fall_text": f"{MINUS}17.00 %", "loss_text": "600.0 bn USD",
        "loss_multiple": "2.1 times",
        "ps_event": 25.0, "pe_event": 46.0, "ps_event_text": "25.0 times", "pe_event_text": "46.0 times",
        "pe_next_text": "29.0 times", "ps_peak_text": "32.0 times", "pe_peak_text": "58.0 times",
        "cisco_ps": 45.0, "cisco_pe": 275.0, "cisco_ps_text": "45.0 times", "cisco_pe_text": "275.0 times",
        "after_1y": 1.2, "after_1y_text": "120 %", "cisco_after_1y": 0.4, "cisco_after_1y_text": "40 %",
        "cisco_drawdown_text": "86 %", "horizon": 3, "share_text": "36.3 %", "sequoia_text": "600 bn USD",
        "cisco_income_text": "2.7 bn USD", "cisco_loss_text": "1.0 bn USD", "highest_text": ""}
    numbers.update(changes)
    return numbers


def test_verdict_counts_the_criteria_from_the_numbers() -> None:
    text = findings.verdict_paragraphs(verdict_numbers())
    # A plain answer first, worded from the counts, then the counts.
    assert text.startswith("Not on the whole: of the marks of a bubble, Syn showed fragility, but not a valuation "
                           "like Cisco's at the dot-com peak or an aftermath like Cisco's; concentration and the "
                           "revenue to justify the spending the data cannot decide. Of the five criteria set out at "
                           "the start, the data meet 1, do not meet 2 and cannot decide 2.")
    assert "**Fragility.**" in text and "well below Cisco's 45.0 times" in text
    richer = findings.verdict_paragraphs(verdict_numbers(ps_event=50.0, after_1y=0.45))
    assert "the data meet 3, do not meet 0" in richer
    assert richer.startswith("By the criteria the data can decide, yes: of the marks of a bubble, Syn showed "
                             "fragility, a valuation like")
    unknown = findings.verdict_paragraphs(verdict_numbers(after_1y=np.nan))
    assert "cannot decide 3" in unknown and unknown.startswith("In part: ")
    calm = findings.verdict_paragraphs(verdict_numbers(fall=-0.01))
    assert calm.startswith("Not on this evidence: of the marks of a bubble, Syn showed neither fragility, a valuation "
                           "like Cisco's at the dot-com peak nor an aftermath like Cisco's;")
    assert "2.1 times its next-largest loss" in text
    unranked = findings.verdict_paragraphs(verdict_numbers(loss_multiple=""))  # the day is not in the history shown
    assert f"off its value in one session ({MINUS}17.00 %). Such a shock" in unranked


def test_loss_multiple_against_the_next_largest() -> None:
    history = pd.DataFrame({"date": pd.to_datetime(["2025-01-27", "2024-09-03"]), "loss": [600.0, 300.0]})
    assert findings.loss_multiple(history, MONDAY) == "2.0 times"
    with pytest.raises(NotCheckable):
        findings.loss_multiple(history, pd.Timestamp("2020-01-02"))


# ---------------------------------------------------------------- figures (SYNTHETIC)


def test_market_value_panels_share_one_logarithmic_axis() -> None:
    values = {"AAA": pd.Series([1e12, 3e12], index=pd.to_datetime(["2024-06-03", "2025-01-06"])),
              "BBB": pd.Series([5e11, 4e11], index=pd.to_datetime(["2000-03-01", "2000-06-01"]))}
    fig = bubble_figures.market_value_panels(values, {"AAA": "AAA, AI era"})
    assert [ax.get_yscale() for ax in fig.axes] == ["log", "log"]
    assert "logarithmic" in fig.axes[0].get_ylabel() and "USD bn" in fig.axes[0].get_ylabel()
    assert fig.axes[0].get_title() == "AAA, AI era" and fig.axes[1].get_title() == "BBB"
    # Readable ticks in bn USD: round steps across both eras, not one lone power of ten.
    fig.canvas.draw()
    labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert labels == ["500", "1,000", "2,000", "3,000"]
    assert_house_numbers(fig)
    plt.close(fig)


def test_log_ticks_cover_the_range_in_round_steps() -> None:
    assert bubble_figures.log_ticks(180e9, 3_700e9) == [200e9, 300e9, 500e9, 1_000e9, 2_000e9, 3_000e9]
    assert bubble_figures.log_ticks(1.0, 1.1) == [1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 50.0]


def test_own_history_bars_highlight_the_event_day() -> None:
    history = pd.DataFrame({"date": pd.to_datetime(["2025-01-27", "2024-09-03"]), "loss": [600e9, 300e9],
                            "return": [-0.17, -0.095]})
    fig = bubble_figures.own_history_bars(history, "SYN", MONDAY)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Market value lost in one session (USD bn)"
    colours = {tuple(bar.get_facecolor()) for bar in ax.patches}
    assert len(colours) == 2
    assert any(MINUS in label.get_text() for label in ax.get_yticklabels())
    assert_house_numbers(fig)
    plt.close(fig)


# ---------------------------------------------------------------- the real facts and snapshot


def raw_facts() -> pd.DataFrame:
    """fundamentals.csv read with pandas directly (independently of the package)."""
    return pd.read_csv(facts_dir() / "fundamentals.csv")


def raw_value(ticker: str, period_end: str, metric: str) -> float:
    raw = raw_facts()
    rows = raw[(raw["ticker"] == ticker) & (raw["period_end"] == period_end) & (raw["metric"] == metric)]
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def chapter() -> tuple[bubble.BubbleParameters, bubble.ChapterData]:
    params = bubble.BubbleParameters.validate("2025-01-27")
    return params, bubble.load_chapter_data(params)


@requires_real_data
def test_nvidia_loss_on_the_event_day_matches_the_facts_check(chapter) -> None:
    _, data = chapter
    level = bubble.price_level(data.prices["NVDA"], "NVDA")
    loss = bubble.level_loss(level, bubble.outstanding_counts("NVDA"), "NVDA", MONDAY)
    expected = raw_value("NVDA", "2024-11-15", "shares_outstanding") * (
        raw_value("NVDA", "2025-01-24", "close_price_printed") - raw_value("NVDA", "2025-01-27", "close_price_printed"))
    assert loss.loss == pytest.approx(expected, rel=1e-9)
    assert loss.loss / 1e9 == pytest.approx(592.7, rel=0.01)  # the facts README's check
    reported = raw_value("NVDA", "2025-01-27", "market_value_change_1d_reported_bloomberg")
    assert abs(loss.loss / 1e9 + reported) / -reported < 0.01  # Bloomberg's 589 bn


@requires_real_data
def test_cisco_at_its_peak_is_worth_its_printed_value(chapter) -> None:
    params, data = chapter
    cisco = bubble.price_level(data.prices["CSCO"], "CSCO")
    peak = bubble.dotcom_peak_date(data.prices["CSCO"], params)
    value, price, count = bubble.market_value_on(cisco, bubble.outstanding_counts("CSCO"), "CSCO", peak)
    assert price == raw_value("CSCO", "2000-03-27", "close_price_printed")
    assert value / 1e9 == pytest.approx(raw_value("CSCO", "2000-03-27", "market_cap_reported_basic"), rel=0.01)
    assert count.shares == 2 * raw_value("CSCO", "2000-02-25", "shares_outstanding")
    # The adjusted close is about a third lower: the level the chapter must not use.
    assert data.prices["CSCO"].loc[peak] < 0.7 * price


@requires_real_data
def test_ranking_has_one_row_per_company_and_says_why_others_are_missing(chapter) -> None:
    _, data = chapter
    ranked, left_out = bubble.company_record_losses(lambda t: data.prices[t] if t in data.prices else
                                                    pd.Series(dtype=float), bubble.tickers_with_counts())
    assert ranked["ticker"].is_unique and list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert ranked.iloc[0]["ticker"] == "NVDA" and ranked.iloc[0]["date"] == MONDAY
    assert "META" in set(left_out["ticker"]) and left_out["reason"].str.len().gt(0).all()
    assert set(ranked["ticker"]).isdisjoint(left_out["ticker"])


@requires_real_data
def test_nvidia_history_and_multiples_at_printed_levels(chapter) -> None:
    params, data = chapter
    level = bubble.price_level(data.prices["NVDA"], "NVDA")
    counts = bubble.outstanding_counts("NVDA")
    history = bubble.own_history(level, counts, "NVDA")
    assert history.iloc[0]["date"] == MONDAY and (history["ticker"] == "NVDA").all()
    assert bubble.own_loss_rank(level, counts, "NVDA", MONDAY)[0] == 1
    accounts = bubble.quarterly_accounts("NVDA")
    trailing, _ = bubble.quarterly_multiples(level, counts, "NVDA", accounts, MONDAY, "event day")
    ttm = sum(raw_value("NVDA", end, "revenue") for end in ("2024-01-28", "2024-04-28", "2024-07-28", "2024-10-27"))
    assert trailing["price_to_sales"] == pytest.approx(24.49e9 * 118.42 / (ttm * 1e6), rel=1e-3)
    cisco = bubble.annual_multiples(bubble.price_level(data.prices["CSCO"], "CSCO"), bubble.outstanding_counts("CSCO"),
                                    "CSCO", bubble.dotcom_peak_date(data.prices["CSCO"], params), "dot-com peak")
    assert cisco[0]["price_to_sales"] > trailing["price_to_sales"]
    old = bubble.valuation_comparison(data, params, "NVDA", accounts)
    assert cisco[0]["price_to_sales"] > 1.4 * old[old["company"] == "CSCO"]["price_to_sales"].iloc[0]


@requires_real_data
@pytest.mark.parametrize("day", ["2025-01-27", "2025-01-29"])
def test_the_ledgers_price_to_sales_is_the_chapters(chapter, day: str) -> None:
    """One question, one number: the claims ledger's price_to_sales measure and the chapter's trailing multiple."""
    from deepseek_monday.claims.catalogue import CLAIM_COLUMNS, parse_claims
    from deepseek_monday.claims.registry import get_measure

    _, data = chapter
    date = pd.Timestamp(day)
    level = bubble.price_level(data.prices["NVDA"], "NVDA")
    counts = bubble.outstanding_counts("NVDA")
    accounts = bubble.quarterly_accounts("NVDA")
    trailing, _ = bubble.quarterly_multiples(level, counts, "NVDA", accounts, date, "event day")
    series = bubble.price_to_sales_at_levels(level, "NVDA", counts, accounts)
    row = dict.fromkeys(CLAIM_COLUMNS, "")
    row.update(id="002-99", article="002_d6adef265706a483.txt", claim="test", metric="test", symbols="NVDA",
               dates=day, relation="approx", claimed="27", unit="ratio", tolerance="abs 0/0",
               measure="price_to_sales", chapter="10_bubble")
    ledger = get_measure("price_to_sales")(parse_claims(pd.DataFrame([row]))[0])
    assert ledger.value == pytest.approx(trailing["price_to_sales"], rel=1e-12)
    assert ledger.value == pytest.approx(series.at[date, "price_to_sales"], rel=1e-12)
    assert series.at[date, "basis"] == "cover count"
    assert trailing["count"].describe() in ledger.basis
    # Not the old adjusted-close level: the adjusted close sits below the printed one by the dividends since.
    assert ledger.value > trailing["count"].shares * data.prices["NVDA"].loc[date] / trailing["revenue"]


@requires_real_data
def test_concentration_is_a_lower_bound_with_its_basis(chapter) -> None:
    from deepseek_monday.data.cross_section import load_cross_section

    _, data = chapter
    sp500 = load_cross_section().prices

    def closes(ticker: str) -> pd.Series:
        symbol = bubble.PRICE_SYMBOLS.get(ticker, ticker)
        return data.prices[symbol] if symbol in data.prices.columns else sp500[symbol]

    dates = [pd.Timestamp("2024-12-31"), MONDAY]
    companies, summary = bubble.concentration(closes, data.prices["GSPC"], bubble.tickers_with_counts(), dates)
    total = raw_value("GSPC", "2024-12-31", "index_total_market_cap") * 1e9
    assert summary.at[0, "total"] == pytest.approx(total)
    assert summary["companies"].tolist() == [9, 9] and summary["printed"].tolist() == [1, 1]
    assert ((summary["share"] > 0.2) & (summary["share"] < 0.6)).all()
    day = companies[(companies["date"] == MONDAY) & companies["value"].notna()]
    assert set(day.loc[day["basis"] == "printed level", "ticker"]) == {"NVDA"}
    text = bubble.display_concentration(companies, summary).to_string()
    assert "nan" not in text.lower() and "CSCO" not in text


@requires_real_data
def test_index_total_is_the_nearest_dated_one_carried_back_before_the_first() -> None:
    latest, latest_date = market.index_total(pd.Timestamp("2025-01-27"))
    assert latest_date == pd.Timestamp("2024-12-31") and latest == raw_value("GSPC", "2024-12-31",
                                                                              "index_total_market_cap") * 1e9
    first, first_date = market.index_total(pd.Timestamp("2024-08-05"))  # before the facts' first total
    assert first_date == pd.Timestamp("2024-09-30") and first == raw_value("GSPC", "2024-09-30",
                                                                           "index_total_market_cap") * 1e9


def test_highest_multiple_says_when_the_next_quarter_enters_on_an_assumed_date() -> None:
    # SYNTHETIC: two quarters, the second taken as published on an assumed date; a daily ratio series.
    accounts = pd.DataFrame({"revenue": [1.0, 1.0], "published": pd.to_datetime(["2024-01-02", "2024-01-20"]),
                             "published_basis": ["event timeline", "assumed: quarter end + 31 days"]},
                            index=["FY2024Q1", "FY2024Q2"])
    series = pd.DataFrame({"price_to_sales": [10.0, 50.0, 20.0], "basis": "cover count"},
                          index=pd.to_datetime(["2024-01-08", "2024-01-10", "2024-01-22"]))
    text = findings.highest_multiple_sentence(series, pd.Timestamp("2024-02-01"), 45.0, "Syn", accounts)
    assert "**50.0 times** sales on 10 January 2024" in text and "above Cisco's 45.0 times" in text
    assert "FY2024Q2 enters only after 20 January 2024, a date assumed" in text
    plain = findings.highest_multiple_sentence(series, pd.Timestamp("2024-01-09"), 45.0, "Syn", accounts)
    assert "10.0 times" in plain and "below Cisco's" in plain
