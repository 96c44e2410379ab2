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
import copy
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import nbformat
import papermill
from sphinx_external_toc.parsing import parse_toc_yaml

from deepseek_monday.build import editions, glue_check
from deepseek_monday.build.execution import (
    ExecutionCache,
    Job,
    NotebookExecutionError,
    execution_key,
    run_jobs,
    shared_inputs_digest,
)
from deepseek_monday.build.kernel_template import KernelTemplate
from deepseek_monday.chapters import registry
from deepseek_monday.chapters.registry import Page
from deepseek_monday.data import cross_section
from deepseek_monday.data.facts import check_facts
from deepseek_monday.data.paths import html_sources_stamp, project_root
from deepseek_monday.errors import DataUnavailableError, DeepSeekMondayError, ParameterError

__all__ = ["CHAPTERS", "BuildReport", "NotebookExecutionError", "Resolved", "build", "build_html",
           "execute_chapters", "resolve_parameters"]

# The chapter notebooks, as the registry lists them (the build knows no other list).
CHAPTERS: tuple[Page, ...] = registry.NOTEBOOKS
# Parameters the runner sets itself; notebooks may declare them, overrides may not.
RUNNER_PARAMETERS = ("edition",)
# jupyter-book's own command line, run in this interpreter (its package has no ``__main__``).
JUPYTER_BOOK = "from jupyter_book.cli.main import main; main()"


@dataclass
class BuildReport:
    """What a build did."""

    executed: list[Path] = field(default_factory=list)
    reused: list[Path] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    html: Path | None = None
    html_rebuilt: bool = False
    edition: str | None = None
    editions_index: Path | None = None


@dataclass(frozen=True)
class Resolved:
    """Every chapter's parameters (defaults merged with overrides), and the chapters the data cannot serve.

    ``unavailable`` maps a chapter to its validator's DataUnavailableError message; such a chapter
    is rendered as a page saying so instead of being executed.
    """

    parameters: dict[str, dict[str, Any]]
    unavailable: dict[str, str] = field(default_factory=dict)


def source_of(chapter: Page, root: Path) -> Path:
    """Return the chapter's source notebook under ``root``."""
    return root / "notebooks" / f"{chapter.name}.ipynb"


@cache
def _inspect(path: str, stamp: tuple[int, int]) -> tuple[tuple[str, Any], ...]:
    declared = papermill.inspect_notebook(path)
    return tuple((name, ast.literal_eval(spec["default"])) for name, spec in declared.items())


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Return the defaults of the notebook's ``parameters`` cell as Python values (the ONE source of defaults)."""
    status = path.stat()
    return copy.deepcopy(dict(_inspect(str(path), (status.st_mtime_ns, status.st_size))))


def resolve_parameters(chapters: tuple[Page, ...], overrides: Mapping[str, Any], root: Path,
                       runner_values: Mapping[str, Any] | None = None,
                       validated: Callable[[Page, Mapping[str, Any]], bool] | None = None) -> Resolved:
    """Merge overrides into each chapter's defaults and validate them all before any run.

    ``validated(chapter, parameters)``: true when these exact inputs passed validation before
    (their executed notebook is in the execution cache, whose key covers the validators' code
    and the data); such a chapter is not validated again.

    A chapter whose validator raises :class:`DataUnavailableError` (the data cannot serve its
    date) is listed in ``unavailable``; any other ParameterError stops here, named by chapter.
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
    unavailable: dict[str, str] = {}
    used: set[str] = set()
    for chapter in chapters:
        defaults = notebook_parameters(source_of(chapter, root))
        chosen = {key: value for key, value in overrides.items() if key in defaults}
        used.update(chosen)
        parameters = {**defaults, **chosen}
        checked = {key: value for key, value in parameters.items() if key not in RUNNER_PARAMETERS}
        extra = {key: value for key, value in (runner_values or {}).items() if key in defaults}
        resolved[chapter.name] = {**parameters, **extra}
        validate = registry.validator(chapter)
        if validate is not None and not (validated and validated(chapter, resolved[chapter.name])):
            try:
                validate(**checked)
            except DataUnavailableError as error:
                unavailable[chapter.name] = str(error)
            except ParameterError as error:
                raise ParameterError(f"{chapter.name}: {error}") from error
    unknown = sorted(set(overrides) - used)
    if unknown:
        raise ParameterError(f"unknown parameter(s) {unknown}: no chapter declares them")
    return Resolved(resolved, unavailable)


def canonical_defaults(chapters: tuple[Page, ...], root: Path) -> dict[str, Any]:
    """Return every parameter's default across the chapters (first declaration wins)."""
    defaults: dict[str, Any] = {}
    for chapter in chapters:
        for key, value in notebook_parameters(source_of(chapter, root)).items():
            defaults.setdefault(key, value)
    return defaults


def _build_dir(root: Path) -> Path:
    path = root / "_build"
    path.mkdir(exist_ok=True)
    return path


def unavailable_notebook(chapter: Page, message: str, parameters: Mapping[str, Any]) -> nbformat.NotebookNode:
    """Return the page that stands for a chapter the data cannot serve: its title, why, and from when it runs."""
    day = parameters.get("event_date")
    when = f"the event date {editions.readable_date(day)}" if day is not None else "these parameters"
    body = (f"# {chapter.title}\n\n"
            f"```{{admonition}} Not available in this edition\n:class: warning\n"
            f"This chapter cannot run for {when}: the data cannot serve it. Its parameter check says:\n\n"
            f"{message}\n```\n\n"
            "The other chapters of this edition were built as usual; the chapter runs in every edition "
            "whose date its data cover, like the canonical edition.")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(body, id="unavailable")]
    notebook.metadata["deepseek_monday"] = {"unavailable": message}
    return notebook


def _instrument(source: Path, target: Path) -> Path:
    """Write ``source`` with the glue-check cells of :mod:`glue_check` added; return ``target``."""
    notebook = nbformat.read(source, as_version=4)
    glue_check.add_cells(notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


@dataclass
class _Plan:
    """What executing one edition's chapters takes: jobs to run, cache hits, pages of unavailable chapters."""

    destination: Path
    jobs: list[Job] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    cached: dict[str, Path] = field(default_factory=dict)
    placeholders: dict[str, nbformat.NotebookNode] = field(default_factory=dict)


def _plan(chapters: tuple[Page, ...], resolved: Resolved, root: Path, destination: Path, staging: Path,
          shared: str, cache: ExecutionCache, use_cache: bool) -> _Plan:
    plan = _Plan(destination)
    for chapter in chapters:
        parameters = resolved.parameters[chapter.name]
        if chapter.name in resolved.unavailable:
            plan.placeholders[chapter.name] = unavailable_notebook(chapter, resolved.unavailable[chapter.name],
                                                                   parameters)
            continue
        source = _instrument(source_of(chapter, root), staging / "sources" / f"{chapter.name}.ipynb")
        job = Job(chapter.name, source, staging / f"{chapter.name}.ipynb", parameters, root / "book")
        plan.keys[job.name] = execution_key(job, shared)
        hit = cache.lookup(plan.keys[job.name]) if use_cache else None
        if hit is None:
            plan.jobs.append(job)
        else:
            plan.cached[job.name] = hit
    return plan


def _run_plans(plans: list[_Plan], root: Path, cache: ExecutionCache, workers: int, progress: bool,
               warm_kernels: bool, template: KernelTemplate | None) -> list[tuple[list[Path], list[Path]]]:
    """Execute every plan's jobs in one pool (a job with the same key as another runs once), then install each."""
    unique: dict[str, Job] = {}
    for plan in plans:
        for job in plan.jobs:
            unique.setdefault(plan.keys[job.name], job)
    failures = run_jobs(list(unique.values()), root / "_build" / "failed", workers, progress, warm_kernels,
                        durations_path=_build_dir(root) / "cache" / "durations.json", template=template)
    if failures:
        raise NotebookExecutionError("\n".join(failures))
    for key, job in unique.items():
        cache.store(key, job.output)
    results = []
    for plan in plans:
        plan.destination.mkdir(parents=True, exist_ok=True)
        executed, reused = [], []
        for job in plan.jobs:
            executed.append(_install(unique[plan.keys[job.name]].output, plan.destination, name=f"{job.name}.ipynb"))
        for name, hit in plan.cached.items():
            reused.append(_install(hit, plan.destination, name=f"{name}.ipynb"))
        for name, notebook in plan.placeholders.items():
            _install_text(nbformat.writes(notebook) + "\n", plan.destination / f"{name}.ipynb")
        results.append((executed, reused))
    return results


def execute_chapters(chapters: tuple[Page, ...], overrides: Mapping[str, Any], root: Path,
                     destination: Path, workers: int = 1, runner_values: Mapping[str, Any] | None = None,
                     use_cache: bool = True, progress: bool = False, warm_kernels: bool = True,
                     template: KernelTemplate | None = None,
                     resolved: Resolved | None = None) -> tuple[list[Path], list[Path]]:
    """Validate, execute the chapters whose key is not cached, and copy them to ``destination``.

    ``resolved``: the parameters as :func:`resolve_parameters` returned them, if the caller
    validated already (they are validated once). A chapter the data cannot serve gets a page
    saying so (:func:`unavailable_notebook`) instead of being executed. Each notebook is run
    with the glue-check cells added (:mod:`glue_check`).
    Executed notebooks are cached under their key, so any edition with the same inputs
    reuses them. ``use_cache=False`` re-executes everything (and refreshes the cache).
    ``warm_kernels`` forks kernels from a preloaded template, ``template`` if the caller
    started one (see :func:`execution.run_jobs`).
    Returns (executed, reused); unavailable chapters' pages count as neither. Nothing in
    ``destination`` changes unless every chapter succeeded.
    """
    resolved = resolved or resolve_parameters(chapters, overrides, root, runner_values)
    cache = ExecutionCache(_build_dir(root) / "cache" / "executed")
    shared = shared_inputs_digest(root)  # also with use_cache=False: a forced run refreshes the cache
    staging = Path(tempfile.mkdtemp(prefix="execute-", dir=_build_dir(root)))
    try:
        plan = _plan(chapters, resolved, root, destination, staging, shared, cache, use_cache)
        [result] = _run_plans([plan], root, cache, workers, progress, warm_kernels, template)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _install_text(text: str, target: Path) -> None:
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def _install(executed: Path, destination: Path, name: str | None = None) -> Path:
    """Copy an executed notebook into ``destination`` unless an identical copy is there already."""
    target = destination / (name or executed.name)
    if not target.is_file() or target.read_bytes() != executed.read_bytes():
        shutil.copyfile(executed, target)
    return target


def book_sources_digest(source: Path) -> str:
    """Return a SHA-256 over what the HTML is built from: config, table of contents, listed pages."""
    digest = hashlib.sha256(version("jupyter-book").encode())
    documents = sorted(parse_toc_yaml(source / "_toc.yml")) if (source / "_toc.yml").is_file() else []
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


def build_html(source: Path, target: Path | None = None, force: bool = False) -> tuple[Path, bool]:
    """Build the HTML book of ``source`` and swap it into ``target`` (default ``source/_build/html``).

    Skips the build when ``target`` was built from the same sources (unless ``force``).
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
    completed = subprocess.run([sys.executable, "-c", JUPYTER_BOOK, *arguments], capture_output=True, text=True,
                               check=False)
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


def write_toc(root: Path) -> Path:
    """Write ``_toc.yml`` from the chapter registry (only when it differs, so its digest stays put)."""
    path = root / "_toc.yml"
    text = registry.toc_text()
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def build(overrides: Mapping[str, Any] | None = None, execute: bool = True, root: Path | None = None,
          workers: int | None = None, use_cache: bool = True, progress: bool = False,
          warm_kernels: bool = True, template: KernelTemplate | None = None,
          gallery_entry: Mapping[str, Any] | None = None, publish: bool = True) -> BuildReport:
    """Execute the chapters (unless ``execute`` is false) and build the HTML book.

    Overrides that leave the canonical parameters build the canonical edition into
    ``book/`` and ``_build/html``; any other set builds an edition (see :mod:`editions`).
    Parameters are validated once, before anything is laid out; chapters the data cannot
    serve become pages saying so. ``template``: a kernel template the caller started early
    (see :func:`execute_chapters`). ``gallery_entry``: the edition's entry in ``editions.yml``,
    recorded with it. ``publish``: copy the editions into the site and write its index.
    """
    root = root or project_root()
    overrides = dict(overrides or {})
    workers = workers or os.cpu_count() or 1
    write_toc(root)
    defaults = canonical_defaults(CHAPTERS, root)
    name = editions.edition_name(overrides, defaults)
    report = BuildReport(edition=name)
    if name is None:
        source, target = root, root / "_build" / "html"
    else:
        if not execute:
            raise ParameterError("an edition for other parameters must be executed; drop --no-execute")
        source = editions.prepare_source(root, name)
        target = editions.editions_dir(root) / name / "html"
    if execute:
        cross_section.warm_cache(workers=workers)  # a new snapshot's cold read on every core, before validation
    resolved = resolve_parameters(CHAPTERS, overrides, root, {"edition": name}) if execute else None
    report.unavailable = dict(resolved.unavailable) if resolved else {}
    if execute:
        report.executed, report.reused = execute_chapters(
            CHAPTERS, overrides, root, source / "book", workers, {"edition": name}, use_cache, progress,
            warm_kernels, template, resolved=resolved)
    report.html, report.html_rebuilt = build_html(source, target)
    ran = [chapter.name for chapter in CHAPTERS if chapter.name not in report.unavailable]
    recorded = overrides if name is not None else {"event_date": defaults.get("event_date")}
    editions.record(root, name, recorded, ran, report.unavailable, gallery_entry)
    if publish:
        report.editions_index = editions.publish(root)
    return report


@dataclass
class GalleryReport:
    """What a gallery build did, per edition (None: the canonical edition)."""

    builds: dict[str | None, BuildReport] = field(default_factory=dict)
    editions_index: Path | None = None


def build_gallery(gallery: list[editions.GalleryEdition], root: Path | None = None, workers: int | None = None,
                  use_cache: bool = True, progress: bool = False, warm_kernels: bool = True,
                  template: KernelTemplate | None = None) -> GalleryReport:
    """Build every edition of the gallery: validate all, execute all chapters in one pool, build the sites.

    Every edition's parameters are validated before anything runs (a parameter error stops
    all, naming the edition). The notebooks of all editions run in one process pool, longest
    first, each distinct execution once and reusing the execution cache; then the HTML sites
    are built ``workers`` at a time and published once, with the editions page.
    """
    root = root or project_root()
    workers = workers or os.cpu_count() or 1
    write_toc(root)
    cross_section.warm_cache(workers=workers)  # a new snapshot's cold read on every core, before validation
    defaults = canonical_defaults(CHAPTERS, root)
    cache = ExecutionCache(_build_dir(root) / "cache" / "executed")
    shared = shared_inputs_digest(root)
    staging = Path(tempfile.mkdtemp(prefix="gallery-", dir=_build_dir(root)))
    sources = {chapter.name: _instrument(source_of(chapter, root), staging / "sources" / f"{chapter.name}.ipynb")
               for chapter in CHAPTERS}

    def validated(chapter: Page, parameters: Mapping[str, Any]) -> bool:
        job = Job(chapter.name, sources[chapter.name], staging / "unused.ipynb", parameters, root / "book")
        return use_cache and cache.lookup(execution_key(job, shared)) is not None

    planned: list[tuple[editions.GalleryEdition, str | None, Resolved, Path, Path]] = []
    for entry in gallery:
        name = editions.edition_name(entry.overrides, defaults)
        try:
            resolved = resolve_parameters(CHAPTERS, entry.overrides, root, {"edition": name}, validated)
        except DeepSeekMondayError as error:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(error, ParameterError):
                raise ParameterError(f"edition {entry.name!r} ({entry.event_date}): {error}") from error
            raise
        if name is None:
            source, target = root, root / "_build" / "html"
        else:
            source, target = editions.prepare_source(root, name), editions.editions_dir(root) / name / "html"
        planned.append((entry, name, resolved, source, target))
    report = GalleryReport()
    try:
        plans = [_plan(CHAPTERS, resolved, root, source / "book", staging / str(number), shared, cache, use_cache)
                 for number, (_, _, resolved, source, _) in enumerate(planned)]
        results = _run_plans(plans, root, cache, workers, progress, warm_kernels, template)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        sites = list(pool.map(lambda item: build_html(item[3], item[4]), planned))
    for position, ((entry, name, resolved, _, _), (executed, reused), (html, rebuilt)) in enumerate(
            zip(planned, results, sites, strict=True)):
        recorded = entry.overrides if name is not None else {"event_date": defaults.get("event_date")}
        ran = [chapter.name for chapter in CHAPTERS if chapter.name not in resolved.unavailable]
        editions.record(root, name, recorded, ran, resolved.unavailable,
                        {"name": entry.name, "description": entry.description, "position": position})
        report.builds[name] = BuildReport(executed, reused, dict(resolved.unavailable), html, rebuilt, name)
    report.editions_index = editions.publish(root)
    return report
