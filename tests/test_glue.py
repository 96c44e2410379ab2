"""glue_results glues a chapter's numbers and figures under their names; SYNTHETIC values, no kernel."""

from __future__ import annotations

import matplotlib.pyplot as plt
import myst_nb
import pandas as pd
import pytest
from IPython.display import Markdown

from deepseek_monday.present.glue import ChapterResults, glue_results


def test_glue_results_glues_numbers_as_markdown_where_named_and_figures_closed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, object, bool]] = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display)))
    fig, _ = plt.subplots()
    results = ChapterResults(numbers={"count": 3, "loss_sentence": "A **loss**.", "day": "6 January 2025"},
                             figures={"fig_probe": fig}, tables={"shown": pd.DataFrame({"a": [1]})},
                             markdown=frozenset({"loss_sentence"}))
    glue_results(results)
    assert [name for name, _, _ in calls] == ["count", "loss_sentence", "day", "fig_probe"]  # tables not glued
    assert not any(display for _, _, display in calls)
    values = {name: value for name, value, _ in calls}
    assert values["count"] == 3 and values["day"] == "6 January 2025" and values["fig_probe"] is fig
    assert isinstance(values["loss_sentence"], Markdown) and values["loss_sentence"].data == "A **loss**."
    assert not plt.fignum_exists(fig.number)  # closed once glued
