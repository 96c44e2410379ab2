"""Benchmark: load the S&P 500 cross-section cold (validate every file) and warm (parquet cache).

Run from the project directory: ``.venv/bin/python benchmarks/bench_cross_section.py``.

Each load runs in a fresh Python process, so nothing is reused from memory: the cold load
uses an empty temporary cache folder (every file is hashed, read and validated, and the
cache is written); the warm load uses the same folder again (every file is still hashed
and checked against the manifest's SHA-256, the panel is read from parquet). The in-process
figure is a second call in an already warm process (digests memoised, object cached).
Target: warm load <= 1 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

CHILD = """
import time
start = time.perf_counter()
from deepseek_monday.data.cross_section import load_cross_section
imported = time.perf_counter()
cs = load_cross_section()
loaded = time.perf_counter()
cs = load_cross_section()
again = time.perf_counter()
print(f"{imported - start:.3f} {loaded - imported:.3f} {again - loaded:.3f} {cs.prices.shape[1]} {len(cs.prices)}")
"""


def run_child(cache: str) -> tuple[float, float, float, int, int]:
    env = {**os.environ, "DEEPSEEK_MONDAY_CACHE": cache}
    start = time.perf_counter()
    output = subprocess.run([sys.executable, "-c", CHILD], env=env, check=True, capture_output=True,
                            text=True).stdout.split()
    total = time.perf_counter() - start
    imported, loaded, again = (float(value) for value in output[:3])
    print(f"  (process wall time {total:.2f} s, of which imports {imported:.2f} s)")
    return imported, loaded, again, int(output[3]), int(output[4])


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        print("cold load (empty cache):")
        _, cold, _, n_series, n_rows = run_child(cache)
        print("warm load (cache written by the cold run):")
        _, warm, again, _, _ = run_child(cache)
    print(f"series: {n_series}, NYSE sessions: {n_rows}")
    print(f"cold load  {cold:7.3f} s")
    print(f"warm load  {warm:7.3f} s  (target <= 1 s: {'met' if warm <= 1.0 else 'not met'})")
    print(f"in-process repeat {again:7.3f} s")


if __name__ == "__main__":
    main()
