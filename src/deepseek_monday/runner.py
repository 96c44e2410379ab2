"""Execute the chapter notebooks with papermill and build the book with jupyter-book.

The flow: validate every chapter's parameters before anything runs; execute each
notebook of ``notebooks/`` with papermill into a staging folder; only when all succeed,
strip run-specific metadata and copy them into ``book/``; build the HTML with
jupyter-book into a staging folder (execution off, warnings as errors) and swap it into
``_build/html`` only on success. A failure leaves the previous book untouched and names
the notebook, the failing cell and the parameters.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import papermill
from papermill.exceptions import PapermillExecutionError

from deepseek_monday.claims.ledger import LedgerParameters
from deepseek_monday.errors import DeepSeekMondayError, ParameterError
from deepseek_monday.overview import OverviewParameters
from deepseek_monday.paths import project_root

KERNEL_NAME = "deepseek-monday"
# Cell and notebook metadata that changes on every run and is removed from executed copies.
_VOLATILE_NOTEBOOK_KEYS = ("duration", "end_time", "start_time", "input_path", "output_path",
                           "environment_variables", "version")
_VOLATILE_CELL_KEYS = ("execution",)


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
    Chapter("claims_ledger", LedgerParameters.validate),
    Chapter("data_sources"),
)


class NotebookExecutionError(DeepSeekMondayError):
    """A chapter notebook failed; the message names the notebook, cell and parameters."""


@dataclass
class BuildReport:
    """What a build did."""

    executed: list[Path] = field(default_factory=list)
    html: Path | None = None


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Return the defaults of the notebook's ``parameters`` cell as Python values."""
    declared = papermill.inspect_notebook(str(path))
    return {name: ast.literal_eval(spec["default"]) for name, spec in declared.items()}


def resolve_parameters(chapters: tuple[Chapter, ...], overrides: Mapping[str, Any],
                       root: Path) -> dict[str, dict[str, Any]]:
    """Merge overrides into each chapter's defaults and validate them all before any run."""
    resolved: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for chapter in chapters:
        defaults = notebook_parameters(chapter.source(root))
        chosen = {key: value for key, value in overrides.items() if key in defaults}
        used.update(chosen)
        parameters = {**defaults, **chosen}
        if chapter.validate is not None:
            try:
                chapter.validate(**parameters)
            except ParameterError as error:
                raise ParameterError(f"{chapter.name}: {error}") from error
        resolved[chapter.name] = parameters
    unknown = sorted(set(overrides) - used)
    if unknown:
        raise ParameterError(f"unknown parameter(s) {unknown}: no chapter declares them")
    return resolved


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
        for key in _VOLATILE_CELL_KEYS:
            meta.pop(key, None)
        cell_papermill = meta.get("papermill", {})
        for key in _VOLATILE_NOTEBOOK_KEYS:
            cell_papermill.pop(key, None)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _describe_failure(chapter: Chapter, error: PapermillExecutionError, parameters: Mapping[str, Any],
                      kept: Path) -> str:
    source = error.source.strip().splitlines()
    excerpt = "\n    ".join(source[:6]) + ("\n    ..." if len(source) > 6 else "")
    return (
        f"notebook {chapter.name}.ipynb failed in cell {error.cell_index} "
        f"(execution count {error.exec_count}): {error.ename}: {error.evalue}\n"
        f"  cell source:\n    {excerpt}\n"
        f"  parameters: {dict(parameters)}\n"
        f"  the executed notebook with the traceback is kept at {kept}"
    )


def execute_chapter(chapter: Chapter, parameters: Mapping[str, Any], output: Path,
                    root: Path, failed_dir: Path) -> Path:
    """Execute one chapter into ``output``; raise NotebookExecutionError on failure."""
    try:
        papermill.execute_notebook(
            str(chapter.source(root)), str(output), parameters=dict(parameters),
            kernel_name=KERNEL_NAME, cwd=str(root / "book"), progress_bar=False,
            log_output=False, request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as error:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / output.name
        shutil.copyfile(output, kept)
        raise NotebookExecutionError(_describe_failure(chapter, error, parameters, kept)) from None
    return output


def execute_chapters(chapters: tuple[Chapter, ...], overrides: Mapping[str, Any], root: Path,
                     destination: Path) -> list[Path]:
    """Validate, execute all chapters into a staging folder, then copy them to ``destination``.

    Nothing in ``destination`` changes unless every chapter succeeded.
    """
    resolved = resolve_parameters(chapters, overrides, root)
    ensure_kernel()
    failed_dir = root / "_build" / "failed"
    staging = Path(tempfile.mkdtemp(prefix="execute-", dir=_build_dir(root)))
    try:
        outputs = []
        for chapter in chapters:
            output = execute_chapter(chapter, resolved[chapter.name], staging / f"{chapter.name}.ipynb",
                                     root, failed_dir)
            sanitize_notebook(output)
            outputs.append(output)
        destination.mkdir(parents=True, exist_ok=True)
        final = []
        for output in outputs:
            shutil.copyfile(output, destination / output.name)
            final.append(destination / output.name)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _build_dir(root: Path) -> Path:
    path = root / "_build"
    path.mkdir(exist_ok=True)
    return path


def build_html(root: Path) -> Path:
    """Build the HTML book into a staging folder and swap it into ``_build/html``."""
    staging = Path(tempfile.mkdtemp(prefix="book-", dir=_build_dir(root)))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(root), "--path-output", str(staging),
               "--builder", "html", "-W", "-n", "--keep-going"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    built = staging / "_build" / "html"
    if completed.returncode != 0 or not (built / "index.html").is_file():
        log_path = _build_dir(root) / "jupyter-book-failed.log"
        log_path.write_text(completed.stdout + completed.stderr, encoding="utf-8")
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-15:])
        raise DeepSeekMondayError(
            f"jupyter-book build failed (exit {completed.returncode}); the previous book is "
            f"untouched. Full log: {log_path}\n{tail}"
        )
    target = root / "_build" / "html"
    retired = root / "_build" / f"html.old-{staging.name}"
    if target.exists():
        target.rename(retired)
    built.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def build(overrides: Mapping[str, Any] | None = None, execute: bool = True,
          root: Path | None = None) -> BuildReport:
    """Execute the chapters (unless ``execute`` is false) and build the HTML book."""
    root = root or project_root()
    report = BuildReport()
    if execute:
        report.executed = execute_chapters(CHAPTERS, overrides or {}, root, root / "book")
    report.html = build_html(root)
    return report
