"""Settings of the bubble chapter shared by its modules: the comparison series,
the event-study settings and the two assumptions of Sequoia's question."""

from __future__ import annotations

DOTCOM_STOCK = "CSCO"
DOTCOM_INDEX = "IXIC"
PRESENT_INDEX = "NDX"
SEMICONDUCTOR_ETFS = ("SMH", "SOXX")
VOLATILITY_INDEX = "VIX"
HISTORY_INDICES: dict[str, str] = {"GSPC": "S&P 500", "IXIC": "Nasdaq Composite"}
# Labels of the overlay's comparison series.
SERIES_NAMES: dict[str, str] = {"NDX": "Nasdaq-100", "IXIC": "Nasdaq Composite", "SMH": "SMH semiconductor ETF",
                                "SOXX": "SOXX semiconductor ETF", "CSCO": "Cisco"}
MEGACAP_GROUP = "hyperscalers and megacaps"
TRADING_DAYS_PER_YEAR = 252
DAYS_PER_YEAR = 365.25
# A one-day fall whose next close is back within this distance of the previous close is flagged.
REVERSAL_TOLERANCE = 0.02
# Event-study settings (windows: measures.stock_study.EVENT_WINDOWS): the engine's default estimation window
# needs 250 sessions before the event.
ESTIMATION_SESSIONS = 250
MIN_SESSIONS_AFTER = 10
# Sequoia's "$600B question" (D. Cahn, 2024): two assumptions of the essay, not data.
SEQUOIA_COST_MULTIPLE = 2.0  # GPUs are half of a data centre's total cost: x2
SEQUOIA_END_USER_MARGIN = 0.5  # the AI companies buying that capacity need a 50 % gross margin
