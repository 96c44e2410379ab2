"""The data layer: paths, the market-data snapshot, calendars, the universe, sourced facts, returns."""
