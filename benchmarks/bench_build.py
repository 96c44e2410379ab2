"""Benchmark of the build workflow (prints figures; not a test).

Measured in one run, on this machine, each as wall time of the real command:
  cold      `deepseek_monday build` with no _build/ and no data cache
  warm      the same command again, nothing changed (execution and HTML skipped)
  edition   `build --event-date NEW_DATE` (a new date; chapters whose inputs do not
            depend on the date are reused from the execution cache); then the same
            edition again from scratch with `--spawn-kernels` (no kernel template)
  sequential / parallel   `build --force --jobs 1` against `--jobs N` (execution only:
            the HTML is skipped because the executed notebooks come out identical)
  baseline  jupyter-book's own execution of the same notebooks (`execute_notebooks: force`)
            plus its HTML build, from a copy of the sources
Targets (issue 8): warm <= 5 s; edition <= 30 s; parallel <= 0.7 x sequential.

Run from the project root: .venv/bin/python benchmarks/bench_build.py [--edition-date 2024-08-05]
It rewrites _build/ and data/cache (build products) and book/*.ipynb (byte-identical results).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "deepseek_monday", "build"]


def timed(command: list[str], cwd: Path = ROOT) -> tuple[float, int]:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        print(f"  ! {' '.join(command[-4:])} exited {completed.returncode}:\n{completed.stderr[-2000:]}")
    return elapsed, completed.returncode


def baseline_source(target: Path) -> Path:
    """A copy of the book whose notebooks are the unexecuted sources, executed by jupyter-book itself."""
    shutil.copyfile(ROOT / "_toc.yml", target / "_toc.yml")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "force"
    (target / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    shutil.copytree(ROOT / "book", target / "book", ignore=shutil.ignore_patterns("*.ipynb"))
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copyfile(notebook, target / "book" / notebook.name)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edition-date", default="2024-08-05")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; parallel runs use {args.jobs} workers")

    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    shutil.rmtree(ROOT / "data" / "cache", ignore_errors=True)
    cold, _ = timed(CLI)
    warm, _ = timed(CLI)
    executed = ROOT / "_build" / "cache" / "executed"
    before = set(executed.iterdir())
    edition, _ = timed([*CLI, "--event-date", args.edition_date])
    # The same edition again from scratch, every kernel spawned afresh instead of forked.
    for entry in set(executed.iterdir()) - before:
        entry.unlink()
    shutil.rmtree(ROOT / "_build" / "editions" / args.edition_date, ignore_errors=True)
    edition_spawned, _ = timed([*CLI, "--event-date", args.edition_date, "--spawn-kernels"])
    sequential, _ = timed([*CLI, "--force", "--jobs", "1"])
    parallel, _ = timed([*CLI, "--force", "--jobs", str(args.jobs)])
    with tempfile.TemporaryDirectory(prefix="jb-baseline-") as scratch:
        source = baseline_source(Path(scratch))
        jupyter_book = Path(sys.executable).with_name("jupyter-book")
        baseline, code = timed([str(jupyter_book), "build", str(source), "--builder", "html"])

    rows = [
        ("cold make book (execute all + HTML)", cold, "", ""),
        ("warm rebuild, nothing changed", warm, "<= 5 s", "met" if warm <= 5 else "NOT met"),
        (f"new-date edition ({args.edition_date})", edition, "<= 30 s", "met" if edition <= 30 else "NOT met"),
        ("  the same edition, kernels spawned (--spawn-kernels)", edition_spawned, "", ""),
        ("execution, sequential (--jobs 1)", sequential, "", ""),
        (f"execution, parallel (--jobs {args.jobs})", parallel, "<= 0.7 x sequential",
         "met" if parallel <= 0.7 * sequential else "NOT met"),
        (f"jupyter-book execute_notebooks: force + HTML (exit {code})", baseline, "", ""),
    ]
    print(f"\n{'step':58} {'seconds':>8}  target")
    for name, seconds, target, verdict in rows:
        print(f"{name:58} {seconds:8.1f}  {target} {verdict}")
    print("\nratios measured in this run:")
    print(f"  warm / cold                        {warm / cold:6.3f}")
    print(f"  edition / cold                     {edition / cold:6.3f}")
    print(f"  edition: warm / spawned kernels    {edition / edition_spawned:6.3f}")
    print(f"  parallel / sequential              {parallel / sequential:6.3f}")
    print(f"  cold (ours) / jupyter-book force   {cold / baseline:6.3f}")
    print(f"  warm (ours) / jupyter-book force   {warm / baseline:6.3f}")


if __name__ == "__main__":
    main()
