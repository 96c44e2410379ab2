"""The calculations behind the measures, on small SYNTHETIC series (made-up prices, not market data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.registry import NotCheckable

# SYNTHETIC: five weekday closes around a weekend, chosen so the arithmetic is easy.
SYNTHETIC_DATES = pd.to_datetime(["2030-01-02", "2030-01-03", "2030-01-04", "2030-01-07", "2030-01-08"])
SYNTHETIC_CLOSE = pd.Series([100.0, 110.0, 99.0, 99.0, 118.8], index=SYNTHETIC_DATES)
SYNTHETIC_LOW = pd.Series([98.0, 104.5, 88.0, 97.0, 99.0], index=SYNTHETIC_DATES)


def test_row_on_raises_not_checkable_without_a_row() -> None:
    assert calc.row_on(SYNTHETIC_CLOSE, pd.Timestamp("2030-01-03")) == 110.0
    with pytest.raises(NotCheckable, match="2030-01-05"):
        calc.row_on(SYNTHETIC_CLOSE, pd.Timestamp("2030-01-05"))


def test_return_between_uses_the_last_rows_on_or_before_each_end() -> None:
    value, base, last = calc.return_between(SYNTHETIC_CLOSE, pd.Timestamp("2030-01-05"), pd.Timestamp("2030-01-08"))
    assert (base, last) == (pd.Timestamp("2030-01-04"), pd.Timestamp("2030-01-08"))
    assert value == pytest.approx(118.8 / 99.0 - 1)


def test_return_between_needs_a_trading_day_after_the_start() -> None:
    with pytest.raises(NotCheckable):
        calc.return_between(SYNTHETIC_CLOSE, pd.Timestamp("2030-01-04"), pd.Timestamp("2030-01-06"))
    with pytest.raises(NotCheckable):
        calc.return_between(SYNTHETIC_CLOSE, pd.Timestamp("2029-12-01"), pd.Timestamp("2030-01-08"))


def test_move_from_previous_close() -> None:
    # low of 2030-01-04 (88) against the close of 2030-01-03 (110): -20 %
    move = calc.move_from_previous_close(SYNTHETIC_CLOSE, SYNTHETIC_LOW, pd.Timestamp("2030-01-04"))
    assert move == pytest.approx(-0.2)
    with pytest.raises(NotCheckable):
        calc.move_from_previous_close(SYNTHETIC_CLOSE, SYNTHETIC_LOW, pd.Timestamp("2030-01-02"))


def test_previous_larger_fall() -> None:
    # SYNTHETIC returns: a -10 % day, later a -5 % day and a -12 % day
    returns = pd.Series([0.01, -0.10, 0.02, -0.05, -0.12, 0.0],
                        index=pd.date_range("2030-03-01", periods=6, freq="D"))
    assert calc.previous_larger_fall(returns, pd.Timestamp("2030-03-04")) == pd.Timestamp("2030-03-02")
    assert calc.previous_larger_fall(returns, pd.Timestamp("2030-03-05")) is None
    # a tie counts as "as large"
    tie = pd.Series([-0.05, 0.01, -0.05], index=pd.date_range("2030-03-01", periods=3, freq="D"))
    assert calc.previous_larger_fall(tie, pd.Timestamp("2030-03-03")) == pd.Timestamp("2030-03-01")


def test_drawdown_from_high() -> None:
    value, high_date, day = calc.drawdown_from_high(SYNTHETIC_CLOSE, pd.Timestamp("2030-01-01"),
                                                    pd.Timestamp("2030-01-04"), pd.Timestamp("2030-01-06"))
    assert (high_date, day) == (pd.Timestamp("2030-01-03"), pd.Timestamp("2030-01-04"))
    assert value == pytest.approx(99.0 / 110.0 - 1)
    with pytest.raises(NotCheckable):
        calc.drawdown_from_high(SYNTHETIC_CLOSE, pd.Timestamp("2031-01-01"), pd.Timestamp("2031-02-01"),
                                pd.Timestamp("2030-01-08"))


def test_share_beyond_is_strict_and_ignores_missing() -> None:
    values = pd.Series([-0.03, -0.02, 0.01, np.nan, -0.025])
    assert calc.share_beyond(values, -0.02, "below") == pytest.approx(2 / 4)
    assert calc.share_beyond(values, -0.02, "above") == pytest.approx(1 / 4)
    with pytest.raises(ValueError):
        calc.share_beyond(values, 0.0, "sideways")
    with pytest.raises(NotCheckable):
        calc.share_beyond(pd.Series([np.nan]), 0.0, "below")


def test_volatility_ratio_excludes_the_event_day() -> None:
    # SYNTHETIC: calm (+-1 %) before, a huge event day, twice as volatile (+-2 %) after
    before, after = [0.01, -0.01] * 2, [0.02, -0.02] * 2
    returns = pd.Series([*before, -0.5, *after], index=pd.date_range("2030-01-01", periods=9, freq="D"))
    assert calc.volatility_ratio(returns, pd.Timestamp("2030-01-05"), 4) == pytest.approx(2.0)
    with pytest.raises(NotCheckable):
        calc.volatility_ratio(returns, pd.Timestamp("2030-01-05"), 5)


def test_worst_peak_to_trough() -> None:
    # SYNTHETIC quarterly revenue: peak 8, trough 6 (-25 %), later a smaller dip
    revenue = pd.Series([5.0, 8.0, 7.0, 6.0, 9.0, 8.1], index=pd.date_range("2030-03-31", periods=6, freq="QE"))
    fall, peak, trough = calc.worst_peak_to_trough(revenue)
    assert fall == pytest.approx(-0.25)
    assert (peak, trough) == (revenue.index[1], revenue.index[3])
    rising = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2030-03-31", periods=3, freq="QE"))
    assert calc.worst_peak_to_trough(rising)[0] == 0.0


def test_margin_and_markup_ceilings() -> None:
    # company gross profit 85 on segment revenue 100: the segment margin is at most 85 %
    assert calc.gross_margin_ceiling(85.0, 100.0) == pytest.approx(0.85)
    assert calc.markup_ceiling(0.85) == pytest.approx(1 / 0.15)
    assert calc.gross_margin_ceiling(120.0, 100.0) == 1.0
    assert calc.markup_ceiling(1.0) == np.inf
    # a 90 % margin is a tenfold markup
    assert calc.markup_ceiling(0.9) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        calc.gross_margin_ceiling(1.0, 0.0)


def test_market_value_loss() -> None:
    assert calc.market_value_loss(2e9, 150.0, 120.0) == pytest.approx(60e9)
    assert calc.market_value_loss(2e9, 120.0, 150.0) == pytest.approx(-60e9)


def test_implied_share_count() -> None:
    # SYNTHETIC market value and quoted price.
    assert calc.implied_share_count(3_000e9, 150.0) == pytest.approx(20e9)
    with pytest.raises(ValueError):
        calc.implied_share_count(3_000e9, 0.0)
