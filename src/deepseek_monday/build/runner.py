"""Build the report: validate parameters, execute the notebooks, assemble the HTML book.

The flow: validate every chapter's parameters before anything runs; execute the chapters
whose execution key changed (see :mod:`deepseek_monday.build.execution`) with papermill, in a
process pool, into a staging folder; only when all succeed copy them into the edition's
``book/``; build the HTML with jupyter-book into a staging folder (execution off,
warnings as errors) and swap it into place only on success, skipping the build when its
sources are unchanged. A failure leaves the previous book untouched and names each
failing notebook, its cell and its parameters.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import papermill

from deepseek_monday.build import editions
from deepseek_monday.build.execution import (
    ExecutionCache,
    Job,
    NotebookExecutionError,
    execution_key,
    run_jobs,
    shared_inputs_digest,
)
from deepseek_monday.build.jupyter_book_process import JupyterBookProcess
from deepseek_monday.build.kernel_template import KernelTemplate
from deepseek_monday.build.toc import toc_documents
from deepseek_monday.chapters.bubble import BubbleParameters
from deepseek_monday.chapters.cross_event.analysis import CrossEventParameters
from deepseek_monday.chapters.market import MarketParameters
from deepseek_monday.chapters.overview.analysis import OverviewParameters
from deepseek_monday.chapters.saas.analysis import SaasParameters
from deepseek_monday.chapters.sanctions import SanctionsParameters
from deepseek_monday.claims.ledger import LedgerParameters
from deepseek_monday.data.facts import check_facts
from deepseek_monday.data.paths import html_sources_stamp, project_root
from deepseek_monday.data.prices import check_data_dir
from deepseek_monday.errors import DeepSeekMondayError, ParameterError

__all__ = ["CHAPTERS", "BuildReport", "Chapter", "NotebookExecutionError", "build", "build_html",
           "execute_chapters", "resolve_parameters"]


@dataclass(frozen=True)
class Chapter:
    """A notebook of ``notebooks/`` and the validator of its parameters."""

    name: str
    validate: Callable[..., object] | None = None

    def source(self, root: Path) -> Path:
        return root / "notebooks" / f"{self.name}.ipynb"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("intro", LedgerParameters.validate),
    Chapter("00_overview", OverviewParameters.validate),
    Chapter("05_market", MarketParameters.validate),
    Chapter("10_bubble", BubbleParameters.validate),
    Chapter("20_saas", SaasParameters.validate),
    Chapter("30_sanctions", SanctionsParameters.validate),
    Chapter("40_cross_event", CrossEventParameters.validate),
    Chapter("claims_ledger", LedgerParameters.validate),
    Chapter("data_sources", check_data_dir),
)
# Parameters the runner sets itself; notebooks may declare them, overrides may not.
RUNNER_PARAMETERS = ("edition",)


@dataclass
class BuildReport:
    """What a build did."""

    executed: list[Path] = field(default_factory=list)
    reused: list[Path] = field(default_factory=list)
    html: Path | None = None
    html_rebuilt: bool = False
    edition: str | None = None
    editions_index: Path | None = None


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Return the defaults of the notebook's ``parameters`` cell as Python values."""
    declared = papermill.inspect_notebook(str(path))
    return {name: ast.literal_eval(spec["default"]) for name, spec in declared.items()}


def resolve_parameters(chapters: tuple[Chapter, ...], overrides: Mapping[str, Any], root: Path,
                       runner_values: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Merge overrides into each chapter's defaults and validate them all before any run.

    ``runner_values`` (e.g. the edition's name) go to the notebooks that declare them and
    are not validated as chapter parameters. The report's own chapters read the facts
    files, so these are checked first (a defect is named by file and line).
    """
    if set(chapters) & set(CHAPTERS):
        check_facts()
    reserved = sorted(set(overrides) & set(RUNNER_PARAMETERS))
    if reserved:
        raise ParameterError(f"{reserved} are set by the runner and cannot be overridden")
    resolved: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for chapter in chapters:
        defaults = notebook_parameters(chapter.source(root))
        chosen = {key: value for key, value in overrides.items() if key in defaults}
        used.update(chosen)
        parameters = {**defaults, **chosen}
        checked = {key: value for key, value in parameters.items() if key not in RUNNER_PARAMETERS}
        if chapter.validate is not None:
            try:
                chapter.validate(**checked)
            except ParameterError as error:
                raise ParameterError(f"{chapter.name}: {error}") from error
        extra = {key: value for key, value in (runner_values or {}).items() if key in defaults}
        resolved[chapter.name] = {**parameters, **extra}
    unknown = sorted(set(overrides) - used)
    if unknown:
        raise ParameterError(f"unknown parameter(s) {unknown}: no chapter declares them")
    return resolved


def canonical_defaults(chapters: tuple[Chapter, ...], root: Path) -> dict[str, Any]:
    """Return every parameter's default across the chapters (first declaration wins)."""
    defaults: dict[str, Any] = {}
    for chapter in chapters:
        for key, value in notebook_parameters(chapter.source(root)).items():
            defaults.setdefault(key, value)
    return defaults


def _build_dir(root: Path) -> Path:
    path = root / "_build"
    path.mkdir(exist_ok=True)
    return path


def execute_chapters(chapters: tuple[Chapter, ...], overrides: Mapping[str, Any], root: Path,
                     destination: Path, workers: int = 1, runner_values: Mapping[str, Any] | None = None,
                     use_cache: bool = True, progress: bool = False, warm_kernels: bool = True,
                     template: KernelTemplate | None = None,
                     on_execute: Callable[[], None] | None = None) -> tuple[list[Path], list[Path]]:
    """Validate, execute the chapters whose key is not cached, and copy them to ``destination``.

    Executed notebooks are cached under their key, so any edition with the same inputs
    reuses them. ``use_cache=False`` re-executes everything (and refreshes the cache).
    ``warm_kernels`` forks kernels from a preloaded template, ``template`` if the caller
    started one (see :func:`execution.run_jobs`). ``on_execute`` is called before any
    chapter is executed (not when all are cached).
    Returns (executed, reused). Nothing in ``destination`` changes unless every chapter
    succeeded.
    """
    resolved = resolve_parameters(chapters, overrides, root, runner_values)
    cache = ExecutionCache(_build_dir(root) / "cache" / "executed")
    shared = shared_inputs_digest(root)  # also with use_cache=False: a forced run refreshes the cache
    staging = Path(tempfile.mkdtemp(prefix="execute-", dir=_build_dir(root)))
    try:
        jobs, keys, cached = [], {}, {}
        for chapter in chapters:
            job = Job(chapter.name, chapter.source(root), staging / f"{chapter.name}.ipynb",
                      resolved[chapter.name], root / "book")
            keys[job.name] = execution_key(job, shared)
            hit = cache.lookup(keys[job.name]) if use_cache else None
            if hit is None:
                jobs.append(job)
            else:
                cached[job.name] = hit
        if jobs and on_execute is not None:
            on_execute()
        failures = run_jobs(jobs, root / "_build" / "failed", workers, progress, warm_kernels,
                            durations_path=_build_dir(root) / "cache" / "durations.json", template=template)
        if failures:
            raise NotebookExecutionError("\n".join(failures))
        destination.mkdir(parents=True, exist_ok=True)
        executed, reused = [], []
        for job in jobs:
            cache.store(keys[job.name], job.output)
            executed.append(_install(job.output, destination))
        for name, hit in cached.items():
            reused.append(_install(hit, destination, name=f"{name}.ipynb"))
        return executed, reused
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _install(executed: Path, destination: Path, name: str | None = None) -> Path:
    """Copy an executed notebook into ``destination`` unless an identical copy is there already."""
    target = destination / (name or executed.name)
    if not target.is_file() or target.read_bytes() != executed.read_bytes():
        shutil.copyfile(executed, target)
    return target


def book_sources_digest(source: Path) -> str:
    """Return a SHA-256 over what the HTML is built from: config, table of contents, listed pages."""
    digest = hashlib.sha256(version("jupyter-book").encode())
    documents = sorted(toc_documents(source / "_toc.yml"))
    pages = [source / f"{document}{suffix}" for document in documents for suffix in (".md", ".ipynb")]
    for path in [source / "_config.yml", source / "_toc.yml", *pages]:
        if path.is_file():
            digest.update(str(path.relative_to(source)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _link_icon_from_redirect(html: Path) -> None:
    """Name the site's icon in jupyter-book's root redirect page, so a browser does not ask for /favicon.ico."""
    redirect, icon = html / "index.html", html / "_static" / "favicon.png"
    text = redirect.read_text(encoding="utf-8")
    if icon.is_file() and 'rel="icon"' not in text:
        redirect.write_text(f'<link rel="icon" href="_static/{icon.name}" />\n{text}', encoding="utf-8")


def build_html(source: Path, target: Path | None = None, force: bool = False,
               jupyter_book: JupyterBookProcess | None = None) -> tuple[Path, bool]:
    """Build the HTML book of ``source`` and swap it into ``target`` (default ``source/_build/html``).

    Skips the build when ``target`` was built from the same sources (unless ``force``).
    ``jupyter_book``: a process prepared for the build, if the caller started one.
    Returns the target and whether it was rebuilt.
    """
    target = target or source / "_build" / "html"
    stamp_path = html_sources_stamp(target)
    digest = book_sources_digest(source)
    if not force and (target / "index.html").is_file() and stamp_path.is_file() \
            and stamp_path.read_text() == digest:
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="book-", dir=target.parent))
    arguments = ["build", str(source), "--path-output", str(staging), "--builder", "html", "-W", "-n", "--keep-going"]
    completed = (jupyter_book or JupyterBookProcess()).run(arguments)
    built = staging / "_build" / "html"
    if completed.returncode != 0 or not (built / "index.html").is_file():
        log_path = target.parent / "jupyter-book-failed.log"
        log_path.write_text(completed.stdout + completed.stderr, encoding="utf-8")
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-15:])
        raise DeepSeekMondayError(
            f"jupyter-book build failed (exit {completed.returncode}); the previous book is "
            f"untouched. Full log: {log_path}\n{tail}"
        )
    _link_icon_from_redirect(built)
    retired = target.parent / f"{target.name}.old-{staging.name}"
    if target.exists():
        target.rename(retired)
    built.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    stamp_path.write_text(digest)
    return target, True


def build(overrides: Mapping[str, Any] | None = None, execute: bool = True, root: Path | None = None,
          workers: int | None = None, use_cache: bool = True, progress: bool = False,
          warm_kernels: bool = True, template: KernelTemplate | None = None) -> BuildReport:
    """Execute the chapters (unless ``execute`` is false) and build the HTML book.

    Overrides that leave the canonical parameters build the canonical edition into
    ``book/`` and ``_build/html``; any other set builds an edition (see :mod:`editions`).
    ``template``: a kernel template the caller started early (see :func:`execute_chapters`).
    """
    root = root or project_root()
    overrides = dict(overrides or {})
    workers = workers or os.cpu_count() or 1
    name = editions.edition_name(overrides, canonical_defaults(CHAPTERS, root))
    report = BuildReport(edition=name)
    if name is None:
        source, target = root, root / "_build" / "html"
    else:
        if not execute:
            raise ParameterError("an edition for other parameters must be executed; drop --no-execute")
        resolve_parameters(CHAPTERS, overrides, root)  # fail fast, before laying anything out
        source = editions.prepare_source(root, name)
        target = editions.editions_dir(root) / name / "html"
    with JupyterBookProcess() as jupyter_book:
        if execute:
            # Executed chapters mean a new HTML build: its process imports while they run.
            report.executed, report.reused = execute_chapters(
                CHAPTERS, overrides, root, source / "book", workers, {"edition": name}, use_cache, progress,
                warm_kernels, template, on_execute=jupyter_book.prepare)
        report.html, report.html_rebuilt = build_html(source, target, jupyter_book=jupyter_book)
    if name is not None:
        editions.record(root, name, overrides)
    report.editions_index = editions.publish(root)
    return report
