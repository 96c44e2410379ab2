"""Benchmark: the event study over the S&P 500 cross-section (492 firms, 27 Jan 2025, 3 windows).

Run from the project directory: ``.venv/bin/python benchmarks/bench_market_event_study.py``.

Real data: the cross-section's daily returns (:mod:`deepseek_monday.data.cross_section`) and the
Fama-French factors (:func:`deepseek_monday.data.facts.load_ff_factors`). Each factor model and
the market model on the equal-weighted S&P 500 "ex AI infrastructure" benchmark runs with
event windows [0,0], [0,+1], [0,+5], groups = GICS sectors (plus the pooled group), every
cross-sectional test but the bootstrap (``n_boot=0``). Target: <= 1 s per run (best of 3,
data already loaded).
"""

from __future__ import annotations

import time

from deepseek_monday.data.cross_section import load_cross_section
from deepseek_monday.data.facts import load_ff_factors
from deepseek_monday.eventstudy import run_event_study
from deepseek_monday.measures.market_wide import EX_AI_LABEL, ex_ai_benchmark

EVENT = "2025-01-27"
WINDOWS = [(0, 0), (0, 1), (0, 5)]
REPEATS = 3


def main() -> None:
    cs = load_cross_section()
    factors = load_ff_factors()
    returns = cs.returns.assign(**{EX_AI_LABEL: ex_ai_benchmark(cs)[EX_AI_LABEL]})
    firms = list(cs.returns.columns)
    sectors = cs.members["gics_sector"].to_dict()
    runs = {
        "market model on S&P 500 ex AI (EW)": dict(model="market", benchmark=EX_AI_LABEL),
        "ff3": dict(model="ff3", factors=factors),
        "carhart4": dict(model="carhart4", factors=factors),
        "ff5": dict(model="ff5", factors=factors),
    }
    print(f"{len(firms)} firms, event {EVENT}, windows {WINDOWS}, groups: 11 GICS sectors + All, n_boot=0")
    print(f"{'model':<40}{'pairs':>7}{'best s':>9}{'first s':>9}  target <= 1 s")
    for label, options in runs.items():
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            result = run_event_study(returns, EVENT, symbols=firms, event_windows=WINDOWS, groups=sectors,
                                     n_boot=0, **options)
            times.append(time.perf_counter() - start)
        print(f"{label:<40}{result.settings['n_pairs']:>7}{min(times):>9.3f}{times[0]:>9.3f}  "
              f"{'met' if min(times) <= 1.0 else 'not met'}")
    print("(The machine may be shared: timings vary between runs.)")


if __name__ == "__main__":
    main()
