"""Trading-day checks and returns on each instrument's own sessions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import manifest_row, requires_real_data, write_manifest, write_price_file

from deepseek_monday.data.calendars import check_trading_day, sessions
from deepseek_monday.data.paths import DATA_ENV_VAR
from deepseek_monday.data.prices import load_snapshot, price_panel
from deepseek_monday.data.returns import daily_returns, returns_from_prices
from deepseek_monday.errors import ParameterError


def test_trading_day_is_returned_as_timestamp() -> None:
    assert check_trading_day("2025-01-27") == pd.Timestamp("2025-01-27")


def test_weekend_names_nearest_trading_days() -> None:
    with pytest.raises(ParameterError) as error:
        check_trading_day("2025-01-25")
    message = str(error.value)
    assert "Sat 2025-01-25 is not a trading day of XNYS (a weekend day" in message
    assert "before: Fri 2025-01-24, after: Mon 2025-01-27" in message


def test_holiday_names_nearest_trading_days() -> None:
    with pytest.raises(ParameterError, match=r"a holiday or closure.*before: Fri 2025-01-17, after: Tue 2025-01-21"):
        check_trading_day("2025-01-20")


def test_date_beyond_the_calendar_is_not_called_a_holiday() -> None:
    with pytest.raises(ParameterError, match=r"2200-01-02 is outside the XNYS exchange calendar, which covers 19"):
        check_trading_day("2200-01-02")
    with pytest.raises(ParameterError, match=r"1800-01-02 is outside the XNYS exchange calendar"):
        check_trading_day("1800-01-02")


def test_other_market_calendar_is_used() -> None:
    # 2025-01-20 is a US holiday but a Xetra session; 2025-12-24 is closed in Frankfurt.
    assert check_trading_day("2025-01-20", "XETR") == pd.Timestamp("2025-01-20")
    with pytest.raises(ParameterError, match="not a trading day of XETR"):
        check_trading_day("2025-12-24", "XETR")


def test_not_a_date_and_unknown_calendar() -> None:
    with pytest.raises(ParameterError, match=r"'27\.1\.2025' is not a date"):
        check_trading_day("27.1.2025")
    with pytest.raises(ParameterError, match="unknown exchange calendar 'MOON'"):
        check_trading_day("2025-01-27", "MOON")


def test_returns_are_taken_between_own_rows_and_never_filled() -> None:
    # SYNTHETIC prices on NYSE sessions around the 2025-01-20 holiday; 2025-01-23 is missing.
    dates = pd.to_datetime(["2025-01-16", "2025-01-17", "2025-01-21", "2025-01-22", "2025-01-24"])
    prices = pd.Series([100.0, 110.0, 121.0, 121.0, 60.5], index=dates)
    result = returns_from_prices(prices, sessions("XNYS"))
    assert np.isnan(result.iloc[0])
    assert result.iloc[1] == pytest.approx(0.10)
    assert result.iloc[2] == pytest.approx(0.10)  # across the holiday: a one-session return
    assert result.iloc[3] == 0.0
    assert np.isnan(result.iloc[4])  # 2025-01-23 was a session the file lacks: undefined
    assert list(result.index) == list(dates)  # no rows invented for the holiday


def test_log_returns_and_unknown_kind() -> None:
    prices = pd.Series([100.0, 110.0], index=pd.to_datetime(["2025-01-16", "2025-01-17"]))
    assert returns_from_prices(prices, kind="log").iloc[1] == pytest.approx(np.log(1.1))
    with pytest.raises(ParameterError, match="kind: 'arithmetic'"):
        returns_from_prices(prices, kind="arithmetic")


@requires_real_data
def test_real_returns_on_own_exchange_days() -> None:
    returns = daily_returns(["NVDA", "GDAXI", "BTC-USD"])
    assert returns.loc["2025-01-27", "NVDA"] == pytest.approx(-0.1697, abs=5e-5)
    # US holiday: no NVDA return, but the DAX traded; Bitcoin trades on Sundays.
    assert np.isnan(returns.loc["2025-01-20", "NVDA"])
    assert not np.isnan(returns.loc["2025-01-20", "GDAXI"])
    assert not np.isnan(returns.loc["2025-01-26", "BTC-USD"])
    # The first NVDA return after the holiday spans one session (Fri 17 -> Tue 21).
    assert not np.isnan(returns.loc["2025-01-21", "NVDA"])


def test_panels_hold_the_dates_of_the_symbols_asked_for_and_are_copies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> None:
    # SYNTHETIC: a stock on NYSE sessions (2025-01-20 is a US holiday) and Bitcoin every day.
    stock_dates = ["2025-01-16", "2025-01-17", "2025-01-21"]
    coin_dates = ["2025-01-17", "2025-01-18", "2025-01-19", "2025-01-20", "2025-01-21"]
    directory = tmp_path / "market-data"
    write_price_file(directory, "NVDA", stock_dates, [100.0, 110.0, 99.0])
    write_price_file(directory, "BTC-USD", coin_dates, [1.0, 2.0, 3.0, 4.0, 5.0], column="close")
    write_manifest(directory, [manifest_row("NVDA", stock_dates),
                               manifest_row("BTC-USD", coin_dates, adjusted="no (n/a)")])
    monkeypatch.setenv(DATA_ENV_VAR, str(directory))

    stock = daily_returns(["NVDA"])
    assert list(stock.index) == list(pd.to_datetime(stock_dates))
    both = daily_returns(["NVDA", "BTC-USD"])
    assert len(both.index) == 6 and np.isnan(both.loc["2025-01-18", "NVDA"])
    assert both.loc["2025-01-21", "NVDA"] == pytest.approx(-0.10)  # across the holiday: one session
    assert list(price_panel(["BTC-USD"]).index) == list(pd.to_datetime(coin_dates))

    stock.iloc[1, 0] = 99.0
    panel = price_panel(["NVDA"])
    panel.iloc[0, 0] = -1.0
    assert daily_returns(["NVDA"]).iloc[1, 0] == pytest.approx(0.10)  # computed once, handed out as copies
    assert price_panel(["NVDA"]).iloc[0, 0] == 100.0


def test_a_derived_table_is_computed_once_per_key(synthetic_snapshot: Path) -> None:
    snapshot = load_snapshot()
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert snapshot.derived("a", compute) == 1
    assert snapshot.derived("a", compute) == 1
    assert snapshot.derived("b", compute) == 2


@pytest.mark.parametrize("value", [None, "", float("nan"), pd.NaT])
def test_missing_date_is_not_a_date(value: object) -> None:
    with pytest.raises(ParameterError, match=r"event_date: .* is not a date"):
        check_trading_day(value)
