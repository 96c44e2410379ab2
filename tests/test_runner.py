"""The runner on tiny fixture notebooks and a tiny book, built in a temporary project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import DeadKernelError

from deepseek_monday.build import execution, runner
from deepseek_monday.build.runner import (
    NotebookExecutionError,
    build_html,
    execute_chapters,
    resolve_parameters,
)
from deepseek_monday.chapters.registry import Page
from deepseek_monday.errors import DataUnavailableError, DeepSeekMondayError, ParameterError


def reject_negative(limit: int) -> None:
    if limit < 0:
        raise ParameterError(f"limit: {limit} must not be negative")
    if limit == 7:
        raise DataUnavailableError("limit: the data stop at 6; it can run up to 6")


def Chapter(name: str, validate: object = None) -> Page:
    return Page(name, f"The {name} chapter", "The event", validate)


TINY = Chapter("tiny", reject_negative)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A temporary project with one fixture notebook whose second cell fails when limit > 10."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book").mkdir()
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("limit = 1", id="parameters")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        parameters,
        nbformat.v4.new_code_cell('assert limit <= 10, "limit too large"\nprint(limit * 2)', id="check"),
    ]
    notebook.metadata["kernelspec"] = {"name": "deepseek-monday", "display_name": "Python", "language": "python"}
    nbformat.write(notebook, tmp_path / "notebooks" / "tiny.ipynb")
    return tmp_path


def test_success_writes_sanitised_notebook_with_parameters(project: Path) -> None:
    [written], reused = execute_chapters((TINY,), {"limit": 3}, project, project / "book")
    assert written == project / "book" / "tiny.ipynb"
    assert reused == []
    notebook = json.loads(written.read_text())
    injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert "limit = 3" in "".join(injected["source"])
    assert "remove-cell" in injected["metadata"]["tags"]
    assert injected["id"] == "injected-parameters"
    check = next(c for c in notebook["cells"] if c["id"] == "check")
    assert check["outputs"][0]["text"] == ["6\n"]
    assert "start_time" not in notebook["metadata"]["papermill"]
    assert all("execution" not in c["metadata"] for c in notebook["cells"])


def test_failing_cell_is_reported_and_previous_output_kept(project: Path) -> None:
    [written], _ = execute_chapters((TINY,), {"limit": 3}, project, project / "book")
    before = written.read_bytes()
    with pytest.raises(NotebookExecutionError) as error:
        execute_chapters((TINY,), {"limit": 50}, project, project / "book")
    message = str(error.value)
    assert "notebook tiny.ipynb failed in cell" in message
    assert "AssertionError: limit too large" in message
    assert "assert limit <= 10" in message
    assert "parameters: {'limit': 50}" in message
    assert (project / "_build" / "failed" / "tiny.ipynb").is_file()
    assert written.read_bytes() == before
    execute_chapters((TINY,), {"limit": 4}, project, project / "book")
    assert not (project / "_build" / "failed" / "tiny.ipynb").exists()  # the kept failure was stale


def test_parameters_are_validated_before_anything_runs(project: Path) -> None:
    with pytest.raises(ParameterError, match="tiny: limit: -1 must not be negative"):
        execute_chapters((TINY,), {"limit": -1}, project, project / "book")
    assert not (project / "book" / "tiny.ipynb").exists()
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['limt'\]"):
        resolve_parameters((TINY,), {"limt": 2}, project)


def add_notebook(project: Path, name: str, body: str) -> Chapter:
    """Add a fixture notebook with a ``limit`` parameter and one code cell."""
    notebook = nbformat.read(project / "notebooks" / "tiny.ipynb", as_version=4)
    notebook.cells[1].source = body
    nbformat.write(notebook, project / "notebooks" / f"{name}.ipynb")
    return Chapter(name, reject_negative)


def test_cache_reuses_unchanged_chapters_and_reexecutes_changed_ones(project: Path) -> None:
    book = project / "book"
    executed, reused = execute_chapters((TINY,), {"limit": 3}, project, book)
    assert (executed, reused) == ([book / "tiny.ipynb"], [])
    executed, reused = execute_chapters((TINY,), {"limit": 3}, project, book)
    assert (executed, reused) == ([], [book / "tiny.ipynb"])  # nothing changed: not executed
    executed, _ = execute_chapters((TINY,), {"limit": 4}, project, book)
    assert executed == [book / "tiny.ipynb"]  # new parameters
    source = project / "notebooks" / "tiny.ipynb"
    source.write_text(source.read_text().replace("limit * 2", "limit * 3"))
    executed, _ = execute_chapters((TINY,), {"limit": 4}, project, book)
    assert executed == [book / "tiny.ipynb"]  # new source
    cells = json.loads((book / "tiny.ipynb").read_text())["cells"]
    assert next(c for c in cells if c["id"] == "check")["outputs"][0]["text"] == ["12\n"]


def test_cached_notebook_is_shared_by_another_destination(project: Path) -> None:
    execute_chapters((TINY,), {"limit": 3}, project, project / "book")
    edition = project / "_build" / "editions" / "x" / "book"
    executed, reused = execute_chapters((TINY,), {"limit": 3}, project, edition)
    assert (executed, reused) == ([], [edition / "tiny.ipynb"])
    assert (edition / "tiny.ipynb").read_bytes() == (project / "book" / "tiny.ipynb").read_bytes()
    executed, _ = execute_chapters((TINY,), {"limit": 3}, project, edition, use_cache=False)
    assert executed == [edition / "tiny.ipynb"]  # forced


def test_parallel_run_reports_every_failure_and_writes_nothing(project: Path) -> None:
    other = add_notebook(project, "other", 'raise ValueError("broken on purpose")')
    with pytest.raises(NotebookExecutionError) as error:
        execute_chapters((TINY, other), {"limit": 50}, project, project / "book", workers=2)
    message = str(error.value)
    assert "notebook tiny.ipynb failed" in message and "AssertionError: limit too large" in message
    assert "notebook other.ipynb failed" in message and "ValueError: broken on purpose" in message
    assert list((project / "book").iterdir()) == []


def test_parallel_run_executes_all_chapters(project: Path) -> None:
    other = add_notebook(project, "other", "print(limit + 1)")
    executed, _ = execute_chapters((TINY, other), {"limit": 2}, project, project / "book", workers=2)
    assert sorted(p.name for p in executed) == ["other.ipynb", "tiny.ipynb"]


def test_kernel_that_fails_to_start_is_retried(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = execution.papermill.execute_notebook
    calls = []

    def flaky(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise DeadKernelError("kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(execution.papermill, "execute_notebook", flaky)
    executed, _ = execute_chapters((TINY,), {"limit": 2}, project, project / "book", use_cache=False)
    assert len(calls) == 2 and executed == [project / "book" / "tiny.ipynb"]


def test_kernel_that_never_starts_fails_clearly(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def dead(*args: object, **kwargs: object) -> None:
        raise DeadKernelError("no kernel")

    monkeypatch.setattr(execution.papermill, "execute_notebook", dead)
    with pytest.raises(NotebookExecutionError, match=r"tiny.ipynb: the kernel failed 3 times \(DeadKernelError"):
        execute_chapters((TINY,), {"limit": 2}, project, project / "book", use_cache=False)


def write_book(root: Path, body: str) -> None:
    (root / "_config.yml").write_text('title: tiny\nexecute:\n  execute_notebooks: "off"\n'
                                      "only_build_toc_files: true\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (root / "intro.md").write_text(f"# Tiny\n\n{body}\n")


def test_failed_html_build_leaves_previous_book_untouched(tmp_path: Path) -> None:
    write_book(tmp_path, "A first edition.")
    html, rebuilt = build_html(tmp_path)
    assert rebuilt
    assert "A first edition." in (html / "intro.html").read_text()
    assert build_html(tmp_path) == (html, False)  # unchanged sources: nothing rebuilt
    write_book(tmp_path, "A broken {doc}`missing-page` reference.")
    with pytest.raises(DeepSeekMondayError, match=r"jupyter-book build failed .* the previous book is untouched"):
        build_html(tmp_path)
    assert "A first edition." in (tmp_path / "_build" / "html" / "intro.html").read_text()
    assert sorted(p.name for p in (tmp_path / "_build").iterdir()) == [".html.sources", "html",
                                                                      "jupyter-book-failed.log"]


def test_the_order_learns_durations_measured_during_the_run(tmp_path: Path) -> None:
    """SYNTHETIC jobs and durations: with nothing recorded, each chapter's first run orders its others."""
    from concurrent.futures import ThreadPoolExecutor

    names = ["short", "long", "short", "long", "middle"]
    jobs = [execution.Job(name, tmp_path / f"{name}.ipynb", tmp_path / f"{number}.ipynb", {}, tmp_path)
            for number, name in enumerate(names)]
    seconds = {"short": 1.0, "long": 9.0, "middle": 4.0}
    durations: dict[str, float] = {}
    started: list[str] = []

    def done(job: execution.Job, result: float) -> None:
        durations[job.name] = result

    with ThreadPoolExecutor(max_workers=1) as pool:
        execution.run_longest_first(pool, 1, jobs, durations,
                                    lambda job: started.append(job.name) or seconds[job.name], done)
    # unknown chapters first, in the given order; then the known ones, longest first
    assert started == ["short", "long", "middle", "long", "short"]


def test_jobs_start_longest_first_by_recorded_durations(tmp_path: Path) -> None:
    jobs = [execution.Job(name, tmp_path / f"{name}.ipynb", tmp_path / "out", {}, tmp_path)
            for name in ("short", "new", "long", "middle")]
    ordered = execution.longest_first(jobs, {"short": 1.0, "long": 9.5, "middle": 4.0})
    assert [job.name for job in ordered] == ["new", "long", "middle", "short"]


def test_durations_are_recorded_and_an_unreadable_record_is_replaced(project: Path) -> None:
    record = project / "_build" / "cache" / "durations.json"
    record.parent.mkdir(parents=True)
    record.write_text("{not json")
    execute_chapters((TINY,), {"limit": 2}, project, project / "book")
    durations = json.loads(record.read_text())
    assert list(durations) == ["tiny"] and durations["tiny"] > 0


def test_root_redirect_names_the_icon(tmp_path: Path) -> None:
    # Without it a browser asks for /favicon.ico, which the site does not have (a 404 in the console).
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "favicon.png").write_bytes(b"png")
    (tmp_path / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/intro.html" />\n')
    runner._link_icon_from_redirect(tmp_path)
    runner._link_icon_from_redirect(tmp_path)  # idempotent
    text = (tmp_path / "index.html").read_text()
    assert text.count('<link rel="icon" href="_static/favicon.png" />') == 1
    assert 'url=book/intro.html' in text


def test_resolve_parameters_checks_the_facts_files_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deepseek_monday.data import facts
    from deepseek_monday.data.paths import project_root
    from deepseek_monday.errors import DataValidationError

    # SYNTHETIC facts folder: fundamentals.csv with an extra field on line 2.
    (tmp_path / "fundamentals.csv").write_text("ticker,fiscal_period,period_end,metric,value,unit,source\n"
                                               "NVDA,FY2025,2025-01-26,revenue,130,497,USD_millions,synthetic\n")
    monkeypatch.setenv("DEEPSEEK_MONDAY_FACTS", str(tmp_path))
    loaders = (facts.load_fundamentals, facts.load_events, facts.load_ai_compute)
    for loader in loaders:
        loader.cache_clear()
    try:
        with pytest.raises(DataValidationError, match=r"fundamentals\.csv: line 2: 8 fields, expected 7"):
            resolve_parameters(runner.CHAPTERS, {}, project_root())
    finally:
        for loader in loaders:
            loader.cache_clear()


def test_a_chapter_the_data_cannot_serve_becomes_a_page_saying_why(project: Path) -> None:
    other = add_notebook(project, "other", "print(limit + 1)")
    resolved = resolve_parameters((TINY, other), {"limit": 7}, project)
    assert resolved.unavailable == {"tiny": "limit: the data stop at 6; it can run up to 6",
                                    "other": "limit: the data stop at 6; it can run up to 6"}
    executed, reused = execute_chapters((TINY,), {"limit": 7}, project, project / "book")
    assert (executed, reused) == ([], [])  # nothing executed: the page is written instead
    page = nbformat.read(project / "book" / "tiny.ipynb", as_version=4)
    [cell] = page.cells
    assert cell.cell_type == "markdown" and cell.source.startswith("# The tiny chapter\n")
    assert "Not available in this edition" in cell.source
    assert "it can run up to 6" in cell.source  # the validator's own message, with the date it runs from/to
    assert page.metadata["deepseek_monday"] == {"unavailable": "limit: the data stop at 6; it can run up to 6"}


def test_a_parameter_error_still_stops_when_another_chapter_is_unavailable(project: Path) -> None:
    def strict(limit: int) -> None:
        raise ParameterError(f"limit: {limit} is malformed")

    other = add_notebook(project, "other", "print(limit)")
    with pytest.raises(ParameterError, match="other: limit: 7 is malformed"):
        execute_chapters((TINY, Page("other", "Other", "The event", strict)), {"limit": 7}, project,
                         project / "book")
    assert not (project / "book" / "tiny.ipynb").exists() and other.name == "other"


def test_glued_values_are_printed_by_a_checked_hidden_cell(project: Path) -> None:
    glued = add_notebook(project, "glued", 'from myst_nb import glue\nglue("doubled", limit * 2, display=False)\n'
                                            'glue("label", f"limit {limit}", display=False)')
    [written], _ = execute_chapters((glued,), {"limit": 3}, project, project / "book")
    cells = nbformat.read(written, as_version=4).cells
    first, last = cells[0], cells[-1]
    assert first.id == "glue-record" and "remove-cell" in first.metadata.tags
    assert last.id == "glue-check" and last.source.startswith("# NBVAL_CHECK_OUTPUT")
    assert "remove-cell" in last.metadata.tags
    assert "".join(last.outputs[0]["text"]) == "doubled: 6\nlabel: 'limit 3'\n"
    source = nbformat.read(project / "notebooks" / "glued.ipynb", as_version=4)
    assert [c.id for c in source.cells] == ["parameters", "check"]  # the authors' notebook is untouched


def test_the_glue_check_fails_under_nbval_when_a_glued_value_changes(project: Path) -> None:
    glued = add_notebook(project, "glued", 'from myst_nb import glue\nglue("doubled", limit * 2, display=False)')
    [written], _ = execute_chapters((glued,), {"limit": 3}, project, project / "book")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--nbval-lax",
               "--nbval-current-env", str(written), "-k", "not conftest"]
    passed = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stdout[-2000:]
    notebook = nbformat.read(written, as_version=4)
    notebook.cells[-1].outputs[0]["text"] = "doubled: 8\n"  # as if the computation had changed
    nbformat.write(notebook, written)
    failed = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert failed.returncode != 0 and "doubled: 6" in failed.stdout + failed.stderr


def test_every_build_module_a_notebook_imports_is_in_the_execution_key() -> None:
    import re

    from deepseek_monday.data.paths import project_root

    imported = set()
    for notebook in (project_root() / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for module in re.findall(r"from deepseek_monday\.build(?:\.(\w+))? import ([\w, ]+)", cell.source):
                names = [module[0]] if module[0] else [n.strip() for n in module[1].split(",")]
                imported.update(f"{name}.py" for name in names)
    imported.add("glue_check.py")  # the cells the build adds
    assert imported <= set(execution.BUILD_MODULES_IN_KERNELS)
    sources = "".join(c.source for n in (project_root() / "notebooks").glob("*.ipynb")
                      for c in nbformat.read(n, as_version=4).cells)
    assert "chapters.registry" not in sources and "import registry" not in sources  # left out of the key too
