"""The market chapter's tables for readers and its sentences (every number formatted, true minus)."""

from __future__ import annotations

import pandas as pd

from deepseek_monday.chapters.market.analysis import (
    DAY0,
    GSPC,
    SPY,
    WINDOW_LABELS,
    MarketInputs,
    SectorStudy,
    model_spread,
)
from deepseek_monday.chapters.market.parameters import (
    CONFIDENCE,
    SECTOR_ADJUSTMENT,
    SIGNIFICANCE,
    SUB_INDUSTRY_ADJUSTMENT,
)
from deepseek_monday.data.cross_section import MEMBERSHIP_DATE
from deepseek_monday.measures import market_wide as mw
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import format_number, format_p_value, readable
from deepseek_monday.present.wording import of_total, p_text

METHOD_NAMES = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}


def pct(value: float, decimals: int = 2, signed: bool = False) -> str:
    """A fraction as a percentage for prose: ``\u22121.46 %`` (true minus, a space before %)."""
    text = format_number(value * 100 if value == value else value, decimals, signed)
    return text if text == format_number(None) else f"{text} %"


def points(value: float, decimals: int = 2) -> str:
    """A difference of two fractions in percentage points: ``4.49 percentage points``."""
    return f"{format_number(value * 100, decimals)} percentage points"


def interval(lo: float, hi: float) -> str:
    return f"{format_number(lo * 100, 2)} to {format_number(hi * 100, 2)}"


def display_sectors(table: pd.DataFrame) -> pd.DataFrame:
    """The sector table for readers: returns in %, day-0 interval, raw and Holm-adjusted p-values."""
    out = pd.DataFrame({"Sector": table.index, "Members": table["n_members"].astype(int),
                        f"Raw return {DAY0} (%)": table[f"raw {DAY0}"] * 100,
                        f"Abnormal {DAY0} (%)": table[f"car {DAY0}"] * 100,
                        f"{CONFIDENCE * 100:.0f} % interval": [
                            interval(lo, hi) for lo, hi in zip(table[f"lo {DAY0}"], table[f"hi {DAY0}"], strict=True)],
                        f"p {DAY0}": table[f"p {DAY0}"], f"p {DAY0} (Holm)": table[f"p_adj {DAY0}"]})
    for label in WINDOW_LABELS[1:]:
        out[f"CAR {label} % (p Holm)"] = [f"{format_number(c * 100)} ({format_p_value(p)})" for c, p in
                                          zip(table[f"car {label}"], table[f"p_adj {label}"], strict=True)]
    p_columns = tuple(c for c in out.columns if c.startswith("p "))
    return readable(out, decimals=2, p_values=p_columns, index="Sector")


def display_sub_industries(table: pd.DataFrame) -> pd.DataFrame:
    """The sub-industry table for readers: day-0 abnormal return, p and BH-adjusted p (q) per window."""
    out = pd.DataFrame({"Sub-industry": table.index, "Sector": table["sector"],
                        "Members": table["n_members"].astype(int),
                        f"Raw return {DAY0} (%)": table[f"raw {DAY0}"] * 100})
    for label in WINDOW_LABELS:
        out[f"CAR {label} (%)"] = table[f"car {label}"] * 100
        out[f"q {label} (BH)"] = table[f"p_adj {label}"]
    p_columns = tuple(c for c in out.columns if c.startswith("q "))
    return readable(out, decimals=2, p_values=p_columns, index="Sub-industry")


def display_movers(frame: pd.DataFrame) -> pd.DataFrame:
    """Losers or winners for readers: symbol, name, sector, sub-industry, return in %."""
    out = pd.DataFrame({"Symbol": frame.index, "Name": frame["name"], "Sector": frame["gics_sector"],
                        "Sub-industry": frame["gics_sub_industry"], "Return (%)": frame["return"] * 100})
    out.insert(0, "Rank", range(1, len(out) + 1))
    return readable(out, decimals=2, index="Rank")


BENCHMARK_NAMES = {
    GSPC: "S&P 500 index (GSPC)",
    SPY: "SPDR S&P 500 ETF (SPY)",
    mw.ALL_LABEL: "S&P 500 members, equal-weighted",
    mw.EX_AI_LABEL: "S&P 500 without AI infrastructure, equal-weighted",
    "AI infrastructure (excluded)": "AI infrastructure (the excluded members), equal-weighted",
}


def display_benchmarks(table: pd.DataFrame) -> pd.DataFrame:
    """The benchmark comparison for readers: raw returns over each window in %."""
    out = pd.DataFrame({"Benchmark": [BENCHMARK_NAMES[i] for i in table.index],
                        "Weighting": table["weighting"], "Members": table["members"].astype("Int64")})
    for label in WINDOW_LABELS:
        out[f"Return {label} (%)"] = table[label] * 100
    return readable(out, decimals=2, index="Benchmark")


def display_excluded(excluded: pd.DataFrame) -> pd.DataFrame:
    """The members left out of the ex-AI benchmark, with the reason."""
    out = pd.DataFrame({"Symbol": excluded.index, "Name": excluded["name"],
                        "GICS sub-industry": excluded["gics_sub_industry"], "Why excluded": excluded["reason"]})
    return readable(out, index="Symbol")


def display_models(ar: pd.DataFrame, n_members: pd.Series) -> pd.DataFrame:
    """Day-0 abnormal returns of the main groups under each model, in %."""
    out = (ar * 100).rename_axis(None)
    out.index = [f"{group} ({int(n_members[group])})" for group in out.index]
    return readable(out.reset_index(names="Group (members)"), decimals=2, index="Group (members)")


def display_model_p(p: pd.DataFrame) -> pd.DataFrame:
    """The portfolio t-test p-values behind :func:`display_models` (raw return: no test)."""
    return readable(p.drop(columns="Raw return").reset_index(names="Group"),
                    p_values=tuple(c for c in p.columns if c != "Raw return"), index="Group")


def model_sentences(ar: pd.DataFrame) -> str:
    """How much the model choice moves each group's day-0 abnormal return, one sentence per group."""
    models = ar.drop(columns="Raw return")
    parts = []
    for group, row in models.iterrows():
        row = row.dropna()
        if row.empty:
            continue
        low, high = row.idxmin(), row.idxmax()
        parts.append(f"{group}: from {pct(row[low])} ({low}) to {pct(row[high])} ({high}), a spread of "
                     f"{points(row[high] - row[low])} against a raw return of {pct(ar.at[group, 'Raw return'])}.")
    return " ".join(parts)


def significance_counts(study: SectorStudy, level: str, window: str = DAY0) -> tuple[int, int, int]:
    """(significant before adjustment, after adjustment, tested) at :data:`SIGNIFICANCE` for one level and window."""
    rows = study.table[(study.table["level"] == level) & (study.table["window"] == window)].dropna(subset=["p"])
    return int((rows["p"] < SIGNIFICANCE).sum()), int((rows["p_adj"] < SIGNIFICANCE).sum()), len(rows)


def survivorship_text(event_date: pd.Timestamp, n_without_prices: int, without_prices: list[str]) -> str:
    """The survivorship limit, with a sentence for dates other than the membership date."""
    text = (f"The cross-section is the S&P 500 as constituted on {long_date(MEMBERSHIP_DATE)}, not the index's "
            f"membership on other dates: firms that left the index before 2025 are absent and firms added later are "
            f"not there. {n_without_prices} members ({', '.join(without_prices)}) have no prices in the snapshot; "
            "every average runs over the members that do.")
    if event_date != MEMBERSHIP_DATE:
        text += (f" For this edition's event date, {long_date(event_date)}, the list is therefore NOT the index "
                 "of that day: it holds the firms that would be in the index in January 2025, which biases the "
                 "cross-section towards firms that later did well (survivorship bias).")
    return text


def adjustment_text() -> str:
    return (f"{METHOD_NAMES[SECTOR_ADJUSTMENT]} (family-wise error rate) over the sectors and windows, "
            f"{METHOD_NAMES[SUB_INDUSTRY_ADJUSTMENT]} (false discovery rate) over the sub-industries and windows")


def index_gap_sentence(index_return: float, member_average: float) -> str:
    """Compare the cap-weighted index with the average member, and say what the gap means."""
    text = f"the S&P 500 index returned {pct(index_return)} and the average member {pct(member_average)}"
    if member_average > index_return:
        return text + (": the index, weighted by market value, did worse than the typical member, so the loss sat "
                       "in the largest names.")
    return text + (": the typical member did no better than the index, so the loss was not confined to the "
                   "largest names.")


def model_pattern_sentence(ar: pd.DataFrame) -> str:
    """Say which model gives the most and the least negative day-0 abnormal return for most groups."""
    spread = model_spread(ar)
    if spread.empty:
        return ""
    low, high = spread["lowest_model"].mode().iloc[0], spread["highest_model"].mode().iloc[0]
    n_low, n_high = int((spread["lowest_model"] == low).sum()), int((spread["highest_model"] == high).sum())
    return (f"The lowest number comes from the {low} for {n_low} of the {len(spread)} groups, the highest from the "
            f"{high} for {n_high}.")


def findings(inputs: MarketInputs, study: SectorStudy, sectors: pd.DataFrame, moves: mw.Movers,
             benchmarks: pd.DataFrame, ar: pd.DataFrame) -> list[str]:
    """The chapter's closing sentences, every number computed."""
    day = long_date(inputs.params.event_date)
    car = f"car {DAY0}"
    ranked = sectors.dropna(subset=[car]).sort_values(car)
    worst, best = ranked.index[0], ranked.index[-1]
    raw_sig, adj_sig, tested = significance_counts(study, "sector")
    sub_raw, sub_adj, sub_tested = significance_counts(study, "sub-industry")
    b = benchmarks[DAY0]
    loser, winner = moves.losers.iloc[0], moves.winners.iloc[0]
    sentences = [
        f"On {day}, {of_total(moves.n_fell, moves.n_with_return, 'members with a return')} fell; "
        + index_gap_sentence(b[GSPC], b[mw.ALL_LABEL]),
        f"Leaving out the {len(inputs.excluded)} AI-infrastructure members moves the equal-weighted benchmark from "
        f"{pct(b[mw.ALL_LABEL])} to {pct(b[mw.EX_AI_LABEL])} ({points(b[mw.EX_AI_LABEL] - b[mw.ALL_LABEL])}); the "
        f"excluded names returned {pct(b['AI infrastructure (excluded)'])} on average.",
        f"Against that benchmark, the weakest sector portfolio was {worst} ({pct(ranked.at[worst, car])} abnormal, "
        f"{p_text(ranked.at[worst, f'p_adj {DAY0}'])} after Holm) and the strongest {best} "
        f"({pct(ranked.at[best, car])}, {p_text(ranked.at[best, f'p_adj {DAY0}'])} after Holm).",
        f"On day 0, {raw_sig} of {tested} sector portfolios differ from zero at the 5 % level before adjustment and "
        f"{adj_sig} after Holm; among the sub-industries, {sub_raw} of {sub_tested} before and {sub_adj} after "
        "Benjamini-Hochberg.",
        f"The largest loser was {loser['name']} ({pct(loser['return'])}), the largest winner {winner['name']} "
        f"({pct(winner['return'])}).",
    ]
    semis = mw.SEMICONDUCTORS_LABEL
    if semis in ar.index:
        row = ar.loc[semis].drop("Raw return").dropna()
        sentences.append(f"The model matters: the semiconductor portfolio's day-0 abnormal return runs from "
                         f"{pct(row.min())} ({row.idxmin()}) to {pct(row.max())} ({row.idxmax()}).")
    return sentences
