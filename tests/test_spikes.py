"""The spike screen: isolated reversing spikes are flagged, real market moves are not.

Series here are SYNTHETIC unless marked requires_real_data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.data.spikes import drop_flagged, screen_spikes


def _random_walk(seed: int, days: int = 400, sigma: float = 0.01) -> pd.Series:
    """A SYNTHETIC price series: a Gaussian random walk of log returns."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-01-01", periods=days)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, sigma, days))), index=dates)


def test_isolated_bad_print_is_flagged_and_both_of_its_returns_dropped() -> None:
    prices = _random_walk(1)
    bad = prices.index[200]
    prices[bad] *= 0.9  # SYNTHETIC bad print: one close 10% too low, the next day back
    flagged = screen_spikes(prices.to_frame("AAA"))
    assert flagged[["symbol", "date"]].values.tolist() == [["AAA", bad]]
    assert flagged.at[0, "return"] < -0.05 < 0.05 < flagged.at[0, "next_return"]
    assert flagged.at[0, "next_date"] == prices.index[201]
    returns = prices.pct_change().to_frame("AAA")
    cleaned = drop_flagged(returns, flagged)
    assert cleaned.loc[[bad, prices.index[201]], "AAA"].isna().all()
    assert cleaned["AAA"].notna().sum() == returns["AAA"].notna().sum() - 2


def test_a_crash_that_is_not_undone_or_is_clustered_is_not_flagged() -> None:
    crash = _random_walk(2)
    crash[crash.index[200]:] *= 0.85  # SYNTHETIC permanent fall: no reversal
    clustered = _random_walk(3)
    log_moves = np.log(clustered).diff().fillna(0)
    log_moves.iloc[195:206] = [0.06, -0.07, 0.05, -0.08, 0.09, -0.10, 0.09, -0.06, 0.07, -0.05, 0.06]
    clustered = 100 * np.exp(log_moves.cumsum())  # SYNTHETIC turbulent fortnight, not one bad close
    assert screen_spikes(pd.DataFrame({"CRASH": crash, "TURB": clustered})).empty


def test_a_spike_shared_by_a_peer_on_the_same_exchange_is_a_real_move() -> None:
    one, two = _random_walk(4), _random_walk(5)
    day = one.index[250]
    for series in (one, two):
        series[day] *= 0.9  # SYNTHETIC: both fall 10% and recover the next day
    panel = pd.DataFrame({"ONE": one, "TWO": two})
    assert len(screen_spikes(panel)) == 2  # without peers each looks like a bad print
    assert screen_spikes(panel, {"ONE": "XTKS", "TWO": "XTKS"}).empty
    assert len(screen_spikes(panel, {"ONE": "XTKS", "TWO": "XNYS"})) == 2


@requires_real_data
def test_real_snapshot_flags_the_known_sp500_bad_print() -> None:
    snapshot = load_snapshot()
    flagged = snapshot.flagged_days
    gspc = flagged[flagged["symbol"] == "GSPC"].set_index("date")
    assert pd.Timestamp("1935-04-16") in gspc.index
    assert gspc.at[pd.Timestamp("1935-04-16"), "return"] == pytest.approx(8.22 / 9.13 - 1, abs=1e-3)
    assert not flagged["date"].between("2025-01-01", "2025-12-31").any()  # the event's own days are real
    assert snapshot.derived("flagged days", lambda: None) is snapshot.derived("flagged days", lambda: None)


@requires_real_data
def test_the_sentence_names_each_left_out_day_in_house_style() -> None:
    from deepseek_monday.present.wording import flagged_sentence

    sentence = flagged_sentence(["GSPC"], {"GSPC": "S&P 500"})
    assert sentence.startswith("Four days are left out of the rankings as suspected bad prints")
    assert "S&P 500 on 16 April 1935 (\u221210.0 %, undone by +9.6 % on the next session)" in sentence
    assert flagged_sentence(["NVDA"]) == ""  # no flagged day: nothing to say
