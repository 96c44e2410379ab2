"""Measures several chapters share: market-wide portfolios and benchmarks, group event studies."""
