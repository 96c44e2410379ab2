"""Benchmark of the build workflow (prints figures; not a test).

Each figure is the wall time of the real command on this machine:
  edition   `deepseek_monday build --event-date D` for dates never built before (chapters that do not
            depend on the date are reused from the execution cache), median over the dates;
            each date's new cache entries and edition are removed afterwards
  gallery   `deepseek_monday editions` (editions.yml, 7 editions incl. the canonical one): cold (no
            _build/, no data/cache) and warm (the same command again, nothing changed)
  ablation  (--ablation) one edition executed afresh (`build(use_cache=False)` in this process),
            with the longest-first order and without it (no durations record): what it saves
Targets (issue 22): edition <= 20 s median; gallery <= 180 s cold, <= 10 s warm.
The machine is shared: the load average is printed with the figures.

Run from the project root: python benchmarks/bench_build.py [--dates 2024-08-05 ...] [--ablation]
It rewrites _build/ and data/cache (build products) and book/*.ipynb (byte-identical results).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "deepseek_monday"]
EXECUTED = ROOT / "_build" / "cache" / "executed"


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        print(f"  ! {' '.join(command[2:])} exited {completed.returncode}:\n{completed.stderr[-2000:]}")
    return elapsed


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def new_date_edition(day: str) -> float:
    """Time an edition for ``day`` as if it were new, then remove what it added (cache entries, edition)."""
    before = set(EXECUTED.iterdir()) if EXECUTED.is_dir() else set()
    shutil.rmtree(ROOT / "_build" / "editions" / day, ignore_errors=True)
    seconds = timed([*CLI, "build", "--event-date", day])
    for entry in (set(EXECUTED.iterdir()) if EXECUTED.is_dir() else set()) - before:
        entry.unlink()
    shutil.rmtree(ROOT / "_build" / "editions" / day, ignore_errors=True)
    return seconds


def ablation(day: str, repeats: int) -> None:
    """Time one edition executed afresh with and without the longest-first order (in this process)."""
    from deepseek_monday.build import runner

    durations = ROOT / "_build" / "cache" / "durations.json"

    def run() -> float:
        start = time.perf_counter()
        runner.build({"event_date": day}, root=ROOT, use_cache=False, publish=False)
        return time.perf_counter() - start

    run()  # warm this process's imports and the record of durations
    recorded = durations.read_text() if durations.is_file() else None
    results: dict[str, list[float]] = {"everything": [], "no longest-first": []}
    for _ in range(repeats):
        results["everything"].append(run())
        durations.unlink(missing_ok=True)  # no record: jobs start in the registry's order
        seconds = run()
        durations.unlink(missing_ok=True)
        results["no longest-first"].append(seconds)
        if recorded is not None:
            durations.write_text(recorded)
    print(f"\nablation: edition {day} executed afresh, {repeats} runs each (load {load()})")
    base = statistics.median(results["everything"])
    for name, values in results.items():
        median = statistics.median(values)
        print(f"  {name:28} median {median:6.1f} s  ({', '.join(f'{v:.1f}' for v in values)})"
              + ("" if name == "everything" else f"  saves {median - base:+.1f} s"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", nargs="+", default=["2024-11-05", "2023-03-13", "2022-09-13"],
                        help="new dates for the edition figure (not in editions.yml)")
    parser.add_argument("--ablation", action="store_true", help="also measure what each speed-up saves")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--skip-gallery", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average at start {load()}")
    rows = []
    if not args.skip_gallery:
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        shutil.rmtree(ROOT / "data" / "cache", ignore_errors=True)
        cold = timed([*CLI, "editions"])
        rows.append(("gallery of editions.yml, cold (no _build, no data/cache)", cold, "<= 180 s", cold <= 180))
        warm = timed([*CLI, "editions"])
        rows.append(("gallery, warm (nothing changed)", warm, "<= 10 s", warm <= 10))
    editions = [new_date_edition(day) for day in args.dates]
    median = statistics.median(editions)
    rows.append((f"new-date edition, median of {', '.join(args.dates)}", median, "<= 20 s", median <= 20))
    print(f"\n{'step':62} {'seconds':>8}  target  (load {load()})")
    for name, seconds, target, met in rows:
        print(f"{name:62} {seconds:8.1f}  {target} {'met' if met else 'NOT met'}")
    print(f"  each new-date edition: {', '.join(f'{s:.1f}' for s in editions)}")
    if args.ablation:
        ablation(args.dates[0], args.repeats)


if __name__ == "__main__":
    main()
