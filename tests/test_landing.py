"""The landing page's sentences on real data: what they claim follows from the numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from conftest import requires_real_data

from deepseek_monday.chapters import landing


@requires_real_data
def test_the_chip_index_record_is_named_only_when_it_reaches_back() -> None:
    monday = landing.chip_index_sentence(pd.Timestamp("2025-01-27"))
    assert "returned \u22129.15 %, its largest fall since 18 March 2020." in monday
    # 5 Aug 2024: the SOX fell less than on 2 Aug 2024, the session before; "largest since" would say nothing.
    yen = landing.chip_index_sentence(pd.Timestamp("2024-08-05"))
    assert "largest fall" not in yen and yen.endswith("returned \u22121.92 %.")


@requires_real_data
def test_the_software_answer_claims_no_order_when_neither_portfolio_is_significant() -> None:
    monday = landing.saas_answer(pd.Timestamp("2025-01-27"))["saas_answer"]
    assert "software did better than infrastructure that day, but the software stocks' own" in monday
    yen = landing.saas_answer(pd.Timestamp("2024-08-05"))["saas_answer"]
    assert "neither portfolio's abnormal return can be told from zero that day" in yen
    assert "did better" not in yen


@requires_real_data
def test_the_sanctions_answer_names_the_day_for_a_one_day_window() -> None:
    text = landing.sanctions_answer(pd.Timestamp("2025-01-27"))["sanctions_answer"]
    assert text.startswith("On 27 January 2025, Nvidia's abnormal return, measured as the milestones are, was ")


INTRO = Path(__file__).resolve().parents[1] / "notebooks" / "intro.ipynb"


@requires_real_data
def test_compute_offers_every_glue_key_the_landing_page_quotes() -> None:
    """compute() on the notebook's defaults offers every name its prose quotes and every table a cell shows."""
    from deepseek_monday.build.runner import RUNNER_PARAMETERS, notebook_parameters
    from deepseek_monday.claims.ledger import LedgerParameters
    from deepseek_monday.present.glue import referenced_glue_names

    parameters = {k: v for k, v in notebook_parameters(INTRO).items() if k not in RUNNER_PARAMETERS}
    results = landing.compute(LedgerParameters.validate(**parameters))
    cells = json.loads(INTRO.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    displayed = set(re.findall(r'results\.tables\["([^"]+)"\]', code))
    referenced = referenced_glue_names(INTRO)
    assert len(referenced) > 10 and len(displayed) == 3 and not results.figures
    assert referenced - set(results.numbers) == set(), "glue keys the notebook quotes but compute does not offer"
    assert displayed == set(results.tables), "tables the notebook displays differ from those compute offers"
    assert set(re.findall(r"\{glue:md\}`([^`:]+)", prose)) <= results.markdown <= set(results.numbers)
    assert {"opening", "bubble_answer", "saas_answer", "sanctions_answer"} <= results.markdown
    assert "verdict_sentence" not in results.markdown
    assert all(isinstance(table, pd.DataFrame) and not table.empty for table in results.tables.values())
    assert list(results.tables["table_day"].index) == list(landing.DAY_SYMBOLS)


@requires_real_data
def test_the_bubble_answer_ends_with_the_chapters_own_verdict() -> None:
    from deepseek_monday.chapters import bubble

    day = pd.Timestamp("2025-01-27")
    answer = str(landing.bubble_answer(day)["bubble_answer"])
    verdict = str(bubble.compute(bubble.BubbleParameters.validate(day)).numbers["verdict_answer_sentence"])
    assert answer.endswith(f"**Verdict.** {verdict}")  # one answer to the question across the book
    assert re.search(r"the data meet \d, do not meet \d and cannot decide \d\.$", verdict)


def test_the_verdict_counts_quote_each_verdict_name() -> None:
    """SYNTHETIC counts: names that hold commas and colons stay readable in the list."""
    sentence = landing.verdict_sentence({"n_claims": 10, "n_confirmed": 6, "n_not_checkable": 4})
    assert sentence.startswith("The five articles make 10 quantitative claims. The claims ledger's verdicts: "
                               "6 \u201cconfirmed\u201d; ")
    assert sentence.endswith("; and 4 \u201cnot checkable\u201d.")
    assert "0 \u201cintraday: within the day's range\u201d" in sentence
