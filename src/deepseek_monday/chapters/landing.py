"""The landing page's answers: one short paragraph per theme, the day in numbers, the data's dates.

This module gathers numbers the theme chapters already compute, by calling their analysis
functions with their default parameters for the edition's event date; it computes nothing of
its own beyond the index return of the PHLX Semiconductor index. It sits in ``chapters/``
(not ``present/``) because it imports the chapters, and no chapter imports it. A chapter
that cannot run for a date (its parameters fail validation, or the data do not reach) gives a
paragraph saying so instead of numbers. :func:`compute` gathers the whole page: the notebook validates
its parameters, calls it and glues the results with :func:`deepseek_monday.present.glue.glue_results`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deepseek_monday.data.prices import load_snapshot, price_panel
from deepseek_monday.errors import DeepSeekMondayError, NotCheckable
from deepseek_monday.measures import group_study
from deepseek_monday.measures.levels import value_loss
from deepseek_monday.present.glue import ChapterResults
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import format_bn, format_percent
from deepseek_monday.present.wording import p_text

if TYPE_CHECKING:
    from deepseek_monday.chapters.bubble import BubbleParameters
    from deepseek_monday.claims.ledger import LedgerParameters

# The day the five articles' claims concern (their own dates are 27 to 30 January 2025).
ARTICLES_DAY = pd.Timestamp("2025-01-27")
# The PHLX Semiconductor index itself (Yahoo ^SOX): the "chip index" of the articles.
CHIP_INDEX = "SOX"
RECORD_MIN_SESSIONS = 21  # "its largest fall since D" only when D is more than about a month of sessions back


def _day(date: pd.Timestamp) -> str:
    return f"{date:%A} {long_date(date)}"


def one_day_return(prices: pd.Series, date: pd.Timestamp) -> float:
    """Return a close-to-close return on ``date`` against the series' previous row; NaN if ``date`` has no row."""
    own = prices.dropna()
    if date not in own.index:
        return float("nan")
    position = own.index.get_loc(date)
    return float(own.iloc[position] / own.iloc[position - 1] - 1) if position > 0 else float("nan")


def data_dates() -> dict[str, str]:
    """Return the snapshot's latest date and the range of its series' end dates, as prose."""
    manifest = load_snapshot().manifest
    ends = pd.to_datetime(manifest["last_date"])
    return {"data_last_date": long_date(ends.max()), "data_first_end": long_date(ends.min()),
            "data_n_series": f"{len(manifest):,}"}


def chip_index_sentence(event_date: pd.Timestamp) -> str:
    """Return the PHLX Semiconductor index's move on ``event_date`` in one sentence."""
    prices = price_panel([CHIP_INDEX])[CHIP_INDEX]
    move = one_day_return(prices, event_date)
    if np.isnan(move):
        return (f"The PHLX Semiconductor index ({CHIP_INDEX}) has no close on {long_date(event_date)} in the data "
                f"(its series ends on {long_date(prices.last_valid_index())}).")
    falls = prices.dropna().pct_change().loc[: event_date - pd.Timedelta(days=1)]
    worse = falls[falls <= move]
    if move >= 0:
        since = ""
    elif worse.empty:
        since = "its largest fall in the data"
    elif len(falls.loc[worse.index[-1]:]) > RECORD_MIN_SESSIONS:
        since = f"its largest fall since {long_date(worse.index[-1])}"
    else:  # a larger fall within the last few sessions: "largest since" would say nothing
        since = ""
    return (f"The PHLX Semiconductor index ({CHIP_INDEX}), the chip index the articles mean, returned "
            f"{format_percent(move)}" + (f", {since}." if since else "."))


def _guarded(paragraph: Callable[[pd.Timestamp], dict[str, object]], key: str,
             event_date: pd.Timestamp) -> dict[str, object]:
    """Run one theme's gatherer; when the chapter cannot run for the date, say so in its paragraph."""
    try:
        return paragraph(event_date)
    except (DeepSeekMondayError, NotCheckable) as error:
        return {key: f"The chapter cannot run for {long_date(event_date)}: {error}"}


SIGNIFICANCE_LEVEL = 0.05  # the level every chapter reads its tests at


def bubble_answer(event_date: pd.Timestamp) -> dict[str, object]:
    """The bubble theme: the focus stock's fall and loss of market value at printed closes, and its valuation.

    Every level is the bubble chapter's: printed-close levels and filing cover counts
    (:func:`deepseek_monday.measures.levels.value_loss`), never dividend-adjusted prices.
    """
    from deepseek_monday.chapters import bubble
    from deepseek_monday.data.universe import company_name

    params = bubble.BubbleParameters.validate(event_date)
    data = bubble.load_chapter_data(params)
    focus, name = params.focus, company_name(params.focus)
    prices = data.prices[focus]
    move = float(prices.dropna().pct_change().get(event_date, np.nan))
    text = f"On {long_date(event_date)} {name}'s shares returned {format_percent(move)}"
    try:
        loss = value_loss(focus, event_date, prices)
        rank, count = bubble.own_loss_rank(bubble.price_level(prices, focus), bubble.outstanding_counts(focus),
                                           focus, event_date)
    except NotCheckable as why:
        text += f"; its change of market value cannot be computed ({why})."
    else:
        word = "lost" if loss.loss > 0 else "gained"
        place = ("the largest" if rank == 1 else f"rank {rank:,}") if loss.loss > 0 else "a gain"
        text += (f": at printed closes it {word} **{format_bn(abs(loss.loss), 1)}** of market value, {place} "
                 f"of its {count:,} sessions with a filing share count.")
    try:
        subject = bubble.valuation_subject(focus)
        level = bubble.price_level(data.prices[subject.ticker], subject.ticker)
        own = bubble.quarterly_multiples(level, bubble.outstanding_counts(subject.ticker), subject.ticker,
                                         subject.accounts, event_date, "event day")[0]["price_to_sales"]
        cisco_prices = data.prices[bubble.DOTCOM_STOCK]
        cisco = bubble.annual_multiples(bubble.price_level(cisco_prices, bubble.DOTCOM_STOCK),
                                        bubble.outstanding_counts(bubble.DOTCOM_STOCK), bubble.DOTCOM_STOCK,
                                        bubble.dotcom_peak_date(cisco_prices, params), "dot-com peak")[0]
    except NotCheckable as why:
        text += f" Its valuation against Cisco's in 2000 cannot be set out for this date ({why})."
    else:
        text += (f" The market valued {company_name(subject.ticker)} at **{own:.1f} times** its trailing revenue; "
                 f"Cisco at its dot-com peak stood at {cisco['price_to_sales']:.1f} times the revenue of its last "
                 "fiscal year (both at printed closes).")
    try:
        text += f" **Verdict.** {bubble_verdict(params)}"
    except (NotCheckable, DeepSeekMondayError) as why:
        text += f" The chapter's verdict cannot be given for this date ({why})."
    return {"bubble_answer": text}


def bubble_verdict(params: BubbleParameters) -> str:
    """The bubble chapter's own plain answer and count of criteria, from its one computation (figures closed)."""
    import matplotlib.pyplot as plt

    from deepseek_monday.chapters.bubble import results

    computed = results.compute(params)
    for figure in computed.figures.values():
        plt.close(figure)
    return str(computed.numbers["verdict_answer_sentence"])


def saas_answer(event_date: pd.Timestamp) -> dict[str, object]:
    """Software against infrastructure: the baskets' event-day CAARs and where the "revival" stood at the end."""
    from deepseek_monday.chapters import saas

    params = saas.SaasParameters.validate(event_date)
    paths = saas.after_shock_paths(saas.load_prices(params), params)
    revival = saas.revival_numbers(paths, saas.relative_paths(paths), params)
    study_all = group_study.group_study(params.event_date)
    infra, cloud = (group_study.quote(study_all, group) for group in ("AI infrastructure", "US cloud software"))
    if infra["p"] >= SIGNIFICANCE_LEVEL and cloud["p"] >= SIGNIFICANCE_LEVEL:
        verdict = "neither portfolio's abnormal return can be told from zero that day"
    else:
        order = ("software did better than infrastructure" if cloud["car"] > infra["car"]
                 else "infrastructure did better than software")
        software = ("but the software stocks' own abnormal return cannot be told from zero once the benchmark "
                    "leaves out the AI names" if cloud["p"] >= SIGNIFICANCE_LEVEL
                    else "and the software stocks' abnormal return is significant on its own")
        verdict = f"{order} that day, {software}"
    text = (f"On {long_date(event_date)} the AI-infrastructure stocks' abnormal return, as one equal-weighted "
            f"portfolio against the S&P 500 without the AI names, was **{format_percent(infra['car'], signed=True)}** "
            f"({p_text(infra['p'])}, portfolio test), the US cloud-software stocks' "
            f"**{format_percent(cloud['car'], signed=True)}** ({p_text(cloud['p'])}): {verdict} "
            f"(the software stocks against SPY: {format_percent(cloud['market_spy'], signed=True)}). By "
            f"{long_date(paths.index[-1])} the cloud-software stocks stood "
            f"**{format_percent(revival['cloud_vs_infra_end'], 1, signed=True)}** relative to the infrastructure "
            f"stocks: the \"SaaS revival\" {revival['revival_held']} of the chapter's two comparisons.")
    return {"saas_answer": text}


def sanctions_answer(event_date: pd.Timestamp) -> dict[str, object]:
    """The sanctions irony: what the event day cost Nvidia against the export-control milestones, and China tech."""
    from deepseek_monday.chapters import sanctions
    from deepseek_monday.chapters.sanctions.event_study import SIGNIFICANCE, sanctions_vs_event

    params = sanctions.SanctionsParameters.validate(event_date)
    events = sanctions.study_events(params)
    study = sanctions.run_sanctions_study(sanctions.load_study_returns(params), params)
    comparison = sanctions.comparison_table(study, events, params.window)
    event = comparison.loc[sanctions.EVENT_DAY_LABEL]
    controls = comparison.drop(index=sanctions.EVENT_DAY_LABEL)
    values = sanctions.nvidia_car_table(study, events, params.window)  # percent only: no share count
    milestones = values.drop(index=sanctions.EVENT_DAY_LABEL)
    holm = int((milestones["p_holm"] < SIGNIFICANCE).sum())
    combined = sanctions_vs_event(values)["all"]
    performance = sanctions.performance_since(params)
    china, chips = (performance.at[key, "return_to_common_end"]
                    for key in (sanctions.CHINA_US_BASKET, sanctions.CHIPS_BASKET))
    etf = params.china_beside[0]
    etf_return = performance.at[etf, "return_to_common_end"]
    members = " and ".join(sanctions.china_baskets(params)[sanctions.CHINA_US_BASKET].members)
    survivors = ("none stays significant" if holm == 0 else f"{holm} stay{'s' if holm == 1 else ''} significant")
    when = (f"On {long_date(event_date)}" if params.window == (0, 0)
            else f"Over sessions {params.window_text} around {long_date(event_date)}")
    text = (f"{when}, Nvidia's abnormal return, measured as the milestones are, was "
            f"**{format_percent(event['nvda_car'], signed=True)}** ({p_text(float(event['nvda_p']))}). Of its "
            f"{len(controls)} export-control milestones, {survivors} at the 5 % level once the tests are adjusted for "
            f"reading them all at once (Holm); together they add up to "
            f"**{format_percent(combined.total, signed=True)}** ({p_text(combined.p)}). "
            f"After the R1 release the US-listed China stocks ({members}, equal-weighted, in US dollars) returned "
            f"**{format_percent(china, 1, signed=True)}** against {format_percent(chips, 1, signed=True)} for US "
            f"chip firms to {long_date(performance.attrs['common_end'])} (the ETF {etf}, shown beside and not "
            f"averaged in: {format_percent(etf_return, 1, signed=True)}). Prices can rank the costs; whether the "
            "controls caused DeepSeek's efficiency they cannot show.")
    return {"sanctions_answer": text}


def theme_answers(event_date: pd.Timestamp) -> dict[str, object]:
    """Return the three theme paragraphs for ``event_date``, keyed by glue name (Markdown text)."""
    numbers: dict[str, object] = {}
    for gather, key in ((bubble_answer, "bubble_answer"), (saas_answer, "saas_answer"),
                        (sanctions_answer, "sanctions_answer")):
        numbers |= _guarded(gather, key, event_date)
    return numbers


def opening(event_date: pd.Timestamp) -> str:
    """Return the landing page's opening: the articles' day, or this edition's own day and what the claims concern."""
    if event_date == ARTICLES_DAY:
        return (f"On {_day(event_date)}, a week after the Chinese laboratory DeepSeek released its open reasoning "
                f"model R1, shares of AI-chip makers and other AI-infrastructure companies fell sharply.")
    return (f"This edition measures {_day(event_date)}. The five press articles the report tests, and so the "
            f"claims ledger's verdicts, concern {_day(ARTICLES_DAY)}, the day of the DeepSeek sell-off; "
            f"the chapters below apply the same measures to this edition's day.")


# The day in numbers: the chip index itself, the stock at the centre, the chip ETFs and the headline indices.
DAY_SYMBOLS: tuple[str, ...] = ("SOX", "NVDA", "SMH", "SOXX", "GSPC", "NDX", "IXIC", "DJI", "GDAXI")


def day_table(event_date: pd.Timestamp, symbols: tuple[str, ...] = DAY_SYMBOLS) -> pd.DataFrame:
    """Return each instrument's close-to-close return on ``event_date`` (a fraction) and the close it is taken from.

    Each instrument on its own exchange's sessions: the return is against the previous row of its
    own file; an instrument without a row that day has no return (NaN), never a zero.
    """
    manifest = load_snapshot().manifest
    prices = price_panel(list(symbols))
    rows = []
    for symbol in symbols:
        own = prices[symbol].dropna()
        previous = own.index[own.index < event_date]
        rows.append({"symbol": symbol, "name": str(manifest.at[symbol, "name"]),
                     "return": one_day_return(own, event_date),
                     "previous_close_date": previous[-1] if len(previous) else pd.NaT})
    return pd.DataFrame(rows).set_index("symbol")


def display_day_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`day_table` for readers: names, the return in percent (true minus), the base date."""
    from deepseek_monday.present.tables import readable

    shown = pd.DataFrame({"Instrument": table["name"], "Return (%)": 100 * table["return"],
                          "From the close of": [long_date(d) if pd.notna(d) else None
                                                for d in table["previous_close_date"]]},
                         index=table.index.rename("Symbol"))
    return readable(shown.reset_index(), decimals=2, index="Symbol")


def verdict_sentence(numbers: dict[str, object]) -> str:
    """Return the ledger's verdict counts in one sentence, for whatever verdicts the ledger has."""
    from deepseek_monday.claims.verdicts import Verdict

    # The verdicts' own names hold commas and colons: each is quoted, and the list is split by semicolons.
    parts = [f"{numbers.get(f'n_{verdict.name.lower()}', 0)} \u201c{verdict.value}\u201d" for verdict in Verdict]
    return (f"The five articles make {numbers['n_claims']} quantitative claims. The claims ledger's verdicts: "
            + "; ".join(parts[:-1]) + f"; and {parts[-1]}.")


@dataclass(frozen=True)
class LandingResults(ChapterResults):
    """The landing page's results: ``numbers`` and ``tables`` (no figures) by the names the notebook uses.

    ``tables`` holds each shown table and, as ``*_csv``, the numbers a reader downloads with it.
    """


def compute(params: LedgerParameters) -> LandingResults:
    """Gather the landing page for ``params``: the ledger's verdicts, the key findings, the theme answers,
    the data's dates, the day in numbers and the verdicts by article."""
    from deepseek_monday.chapters import overview
    from deepseek_monday.claims import ledger

    claims = ledger.evaluate()
    verdicts = ledger.headline_numbers(claims, params)
    numbers: dict[str, object] = dict(verdicts)
    numbers["verdict_sentence"] = verdict_sentence(verdicts)
    numbers |= overview.key_findings(params.event_date)
    numbers["opening"] = opening(params.event_date)
    numbers["chip_index_sentence"] = chip_index_sentence(params.event_date)
    answers = theme_answers(params.event_date)
    numbers |= answers
    numbers |= data_dates()
    day = day_table(params.event_date)
    counts = ledger.verdict_table(claims, by="article")
    tables = {"table_day": display_day_table(day), "table_day_csv": day, "table_verdicts": counts}
    return LandingResults(numbers=numbers, figures={}, tables=tables, markdown=frozenset({"opening", *answers}))
