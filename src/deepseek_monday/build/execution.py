"""Executing chapter notebooks: papermill jobs in a process pool, with warm kernels, a cache and retries.

A job is re-executed only when its execution key changes: a SHA-256 over the notebook's
source, its parameters, the package's code, the data it reads (snapshot checksum, facts,
the project's own data files) and the versions of the libraries that shape its outputs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import papermill
import tenacity
from nbclient.exceptions import DeadKernelError
from papermill.exceptions import PapermillExecutionError
from tqdm import tqdm
from traitlets.config import Config

import deepseek_monday
from deepseek_monday.build.kernel_template import KernelTemplate, TemplateKernelManager
from deepseek_monday.data.paths import facts_dir
from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.errors import DeepSeekMondayError

KERNEL_NAME = "deepseek-monday"
# A kernel that fails to start is retried this many times before the job fails.
KERNEL_START_RETRIES = 2
# What a kernel that dies or does not start raises (a failing cell raises PapermillExecutionError).
KERNEL_FAILURES = (DeadKernelError, RuntimeError, TimeoutError)
# Libraries whose versions can change a notebook's outputs.
OUTPUT_LIBRARIES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "exchange_calendars",
                    "myst-nb", "papermill", "ipykernel")
# The build's modules that shape an executed notebook: the cells it adds, the kernels' start-up and
# the sanitising of the output, and editions (the landing page imports it). The others (command
# line, runner, HTML) do not, so editing them re-executes nothing (the notebooks never import them;
# tests/test_runner.py checks).
BUILD_MODULES_IN_KERNELS = ("__init__.py", "glue_check.py", "kernel_template.py", "execution.py", "editions.py")
# Modules outside build/ that only the build reads (no notebook imports them).
BUILD_ONLY_MODULES = ("chapters/registry.py",)
_VOLATILE_NOTEBOOK_KEYS = ("duration", "end_time", "start_time", "input_path", "output_path",
                           "environment_variables", "version")


class NotebookExecutionError(DeepSeekMondayError):
    """One or more notebooks failed; the message names each notebook, cell and parameters."""


@dataclass(frozen=True)
class Job:
    """One notebook to execute: its source, where the executed copy goes, and its parameters."""

    name: str
    source: Path
    output: Path
    parameters: Mapping[str, Any]
    cwd: Path


def ensure_kernel() -> None:
    """Install this environment's Jupyter kernel under :data:`KERNEL_NAME` if it is missing."""
    from ipykernel.kernelspec import install
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        install(kernel_name=KERNEL_NAME, display_name="Python (deepseek-monday)", prefix=sys.prefix)


def sanitize_notebook(path: Path) -> None:
    """Remove timings and paths that change on every run, so unchanged results diff clean.

    Also gives papermill's injected-parameters cell a fixed id and hides it from the book.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    papermill_meta = notebook.get("metadata", {}).get("papermill", {})
    for key in _VOLATILE_NOTEBOOK_KEYS:
        papermill_meta.pop(key, None)
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {})
        tags = meta.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id on every run
            if "remove-cell" not in tags:
                tags.append("remove-cell")  # the chapter states its parameters in prose
        meta.pop("execution", None)
        cell_papermill = meta.get("papermill", {})
        for key in _VOLATILE_NOTEBOOK_KEYS:
            cell_papermill.pop(key, None)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _describe_failure(job: Job, error: PapermillExecutionError, kept: Path) -> str:
    source = error.source.strip().splitlines()
    excerpt = "\n    ".join(source[:6]) + ("\n    ..." if len(source) > 6 else "")
    return (
        f"notebook {job.source.name} failed in cell {error.cell_index} "
        f"(execution count {error.exec_count}): {error.ename}: {error.evalue}\n"
        f"  cell source:\n    {excerpt}\n"
        f"  parameters: {dict(job.parameters)}\n"
        f"  the executed notebook with the traceback is kept at {kept}"
    )


def execute_job(job: Job, failed_dir: Path, template_socket: str = "") -> str | None:
    """Execute one job; return None on success or a message naming the notebook, cell and parameters.

    The kernel is forked from the kernel template at ``template_socket`` when one is given
    (see :mod:`deepseek_monday.build.kernel_template`). A kernel that dies or fails to start is
    retried :data:`KERNEL_START_RETRIES` times (tenacity), the retries with a freshly spawned kernel.
    """
    retrying = tenacity.Retrying(stop=tenacity.stop_after_attempt(KERNEL_START_RETRIES + 1),
                                 retry=tenacity.retry_if_exception_type(KERNEL_FAILURES), reraise=True)
    try:
        for attempt in retrying:
            with attempt:
                socket = template_socket if attempt.retry_state.attempt_number == 1 else ""
                papermill.execute_notebook(
                    str(job.source), str(job.output), parameters=dict(job.parameters), kernel_name=KERNEL_NAME,
                    cwd=str(job.cwd), progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    kernel_manager_class=TemplateKernelManager,
                    config=Config({"TemplateKernelManager": {"template_socket": socket}}),
                )
    except PapermillExecutionError as error:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / job.output.name
        shutil.copyfile(job.output, kept)
        return _describe_failure(job, error, kept)
    except KERNEL_FAILURES as error:
        return (f"notebook {job.source.name}: the kernel failed {KERNEL_START_RETRIES + 1} times "
                f"({type(error).__name__}: {error}); parameters: {dict(job.parameters)}")
    sanitize_notebook(job.output)
    (failed_dir / job.output.name).unlink(missing_ok=True)  # a failure of an earlier run is stale now
    return None


@contextmanager
def kernel_template(jobs: list[Job], log_path: Path, warm_kernels: bool,
                    template: KernelTemplate | None = None) -> Iterator[str]:
    """Yield the socket of a kernel template preloaded with the jobs' imports ('' to spawn kernels).

    ``template`` is one started earlier by the caller (who stops it); otherwise one is
    started for the jobs' notebooks and stopped afterwards. Without ``warm_kernels``,
    without ``os.fork`` or when the template does not start (its log says why), kernels
    are spawned as usual.
    """
    if not warm_kernels or not hasattr(os, "fork"):
        yield ""
        return
    with ExitStack() as stack:
        if template is None:
            template = stack.enter_context(KernelTemplate([job.source for job in jobs], log_path))
        if template.wait_ready():
            yield str(template.socket_path)
        else:
            warnings.warn(f"the kernel template did not start (see {template.log_path}); spawning kernels",
                          RuntimeWarning, stacklevel=2)
            yield ""


def longest_first(jobs: list[Job], durations: Mapping[str, float]) -> list[Job]:
    """Order ``jobs`` by their last known duration, longest first (unknown ones before all).

    With fewer workers than jobs, starting the long notebooks first shortens the run.
    """
    return sorted(jobs, key=lambda job: -durations.get(job.name, math.inf))


def run_longest_first(pool: Executor, slots: int, jobs: list[Job], durations: Mapping[str, float],
                      run: Callable[[Job], Any], on_done: Callable[[Job, Any], None]) -> None:
    """Run ``run(job)`` for every job in ``pool``, ``slots`` at a time, each time starting the longest.

    The next job is chosen when a slot frees, by :func:`longest_first` over ``durations`` as
    they are then: ``on_done(job, result)`` may record a job's duration, so on a first run (no
    record) the first notebook of a chapter teaches the order of that chapter's others, and the
    longest no longer start last.
    """
    pending = list(jobs)
    running: dict[Future[Any], Job] = {}
    while pending or running:
        while pending and len(running) < slots:
            job = longest_first(pending, durations)[0]
            pending.remove(job)
            running[pool.submit(run, job)] = job
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            on_done(running.pop(future), future.result())


def _read_durations(path: Path | None) -> dict[str, float]:
    try:
        durations = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}  # none recorded yet, or unreadable: only the order of the jobs depends on it
    return {str(k): float(v) for k, v in durations.items()} if isinstance(durations, dict) else {}


def _timed_job(job: Job, *, failed_dir: Path, template_socket: str) -> tuple[str | None, float]:
    start = time.perf_counter()
    message = execute_job(job, failed_dir, template_socket)
    return message, time.perf_counter() - start


def run_jobs(jobs: list[Job], failed_dir: Path, workers: int = 1, progress: bool = True,
             warm_kernels: bool = True, durations_path: Path | None = None,
             template: KernelTemplate | None = None) -> list[str]:
    """Execute ``jobs`` (in a process pool when ``workers`` > 1); return the failure messages.

    With ``warm_kernels``, kernels are forked from a template that has done the notebooks'
    imports once (``template``, or one started here; see :mod:`deepseek_monday.build.kernel_template`);
    otherwise each is spawned.
    Jobs start longest first by the durations recorded in ``durations_path`` and those
    measured during the run (:func:`run_longest_first`); the record is then updated.
    """
    if not jobs:
        return []
    ensure_kernel()
    durations = _read_durations(durations_path)
    jobs = longest_first(jobs, durations)
    failures: list[str] = []
    bar = tqdm(total=len(jobs), desc="executing notebooks", unit="notebook", disable=not progress)

    def record(job: Job, message: str | None, seconds: float) -> None:
        failures.extend([message] if message else [])
        durations[job.name] = round(seconds, 2)
        bar.set_postfix_str(job.name)
        bar.update()

    with kernel_template(jobs, failed_dir.parent / "kernel-template.log", warm_kernels, template) as socket_path:
        if workers <= 1 or len(jobs) == 1:
            for job in jobs:
                record(job, *_timed_job(job, failed_dir=failed_dir, template_socket=socket_path))
        else:
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
                run_longest_first(pool, min(workers, len(jobs)), jobs, durations,
                                  functools.partial(_timed_job, failed_dir=failed_dir, template_socket=socket_path),
                                  lambda job, result: record(job, *result))
    bar.close()
    if durations_path is not None:
        durations_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = durations_path.with_suffix(f".tmp-{os.getpid()}")
        temporary.write_text(json.dumps(durations, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, durations_path)
    return failures


def _digest_files(digest: hashlib._Hash, root: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())


def shared_inputs_digest(root: Path) -> str:
    """Return a SHA-256 over what every notebook depends on besides its own source and parameters."""
    digest = hashlib.sha256()
    package = Path(deepseek_monday.__file__).parent
    code = (p for p in package.rglob("*") if p.suffix in (".py", ".mplstyle")
            and (p.parent.name != "build" or p.name in BUILD_MODULES_IN_KERNELS)
            and p.relative_to(package).as_posix() not in BUILD_ONLY_MODULES)
    _digest_files(digest, package, code)
    digest.update(load_snapshot().checksum.encode())
    facts = facts_dir()
    _digest_files(digest, facts, facts.glob("*.csv"))
    _digest_files(digest, root, (root / "data").glob("*.csv"))
    for library in OUTPUT_LIBRARIES:
        digest.update(f"{library}=={version(library)}".encode())
    return digest.hexdigest()


def execution_key(job: Job, shared_digest: str) -> str:
    """Return the key under which ``job``'s executed output is valid."""
    digest = hashlib.sha256(shared_digest.encode())
    digest.update(job.source.read_bytes())
    digest.update(json.dumps(dict(job.parameters), sort_keys=True, default=str).encode())
    return digest.hexdigest()


class ExecutionCache:
    """Executed notebooks stored under their execution key (git-ignored), shared by every edition."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _entry(self, key: str) -> Path:
        return self.directory / f"{key}.ipynb"

    def lookup(self, key: str) -> Path | None:
        """Return the executed notebook stored under ``key``, if any."""
        entry = self._entry(key)
        return entry if entry.is_file() else None

    def store(self, key: str, executed: Path) -> None:
        """Keep a copy of ``executed`` under ``key`` (written atomically)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self._entry(key).with_suffix(f".tmp-{os.getpid()}")
        shutil.copyfile(executed, temporary)
        os.replace(temporary, self._entry(key))
