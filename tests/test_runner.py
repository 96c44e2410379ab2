"""The runner on tiny fixture notebooks and a tiny book, built in a temporary project."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from deepseek_monday.errors import DeepSeekMondayError, ParameterError
from deepseek_monday.runner import (
    Chapter,
    NotebookExecutionError,
    build_html,
    execute_chapters,
    resolve_parameters,
)


def reject_negative(limit: int) -> None:
    if limit < 0:
        raise ParameterError(f"limit: {limit} must not be negative")


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
    [written] = execute_chapters((TINY,), {"limit": 3}, project, project / "book")
    assert written == project / "book" / "tiny.ipynb"
    notebook = json.loads(written.read_text())
    injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert "limit = 3" in "".join(injected["source"])
    assert "remove-cell" in injected["metadata"]["tags"]
    assert injected["id"] == "injected-parameters"
    assert notebook["cells"][-1]["outputs"][0]["text"] == ["6\n"]
    assert "start_time" not in notebook["metadata"]["papermill"]
    assert all("execution" not in c["metadata"] for c in notebook["cells"])


def test_failing_cell_is_reported_and_previous_output_kept(project: Path) -> None:
    [written] = execute_chapters((TINY,), {"limit": 3}, project, project / "book")
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


def test_parameters_are_validated_before_anything_runs(project: Path) -> None:
    with pytest.raises(ParameterError, match="tiny: limit: -1 must not be negative"):
        execute_chapters((TINY,), {"limit": -1}, project, project / "book")
    assert not (project / "book" / "tiny.ipynb").exists()
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['limt'\]"):
        resolve_parameters((TINY,), {"limt": 2}, project)


def write_book(root: Path, body: str) -> None:
    (root / "_config.yml").write_text('title: tiny\nexecute:\n  execute_notebooks: "off"\n'
                                      "only_build_toc_files: true\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (root / "intro.md").write_text(f"# Tiny\n\n{body}\n")


def test_failed_html_build_leaves_previous_book_untouched(tmp_path: Path) -> None:
    write_book(tmp_path, "A first edition.")
    html = build_html(tmp_path)
    assert "A first edition." in (html / "intro.html").read_text()
    write_book(tmp_path, "A broken {doc}`missing-page` reference.")
    with pytest.raises(DeepSeekMondayError, match=r"jupyter-book build failed .* the previous book is untouched"):
        build_html(tmp_path)
    assert "A first edition." in (tmp_path / "_build" / "html" / "intro.html").read_text()
    assert sorted(p.name for p in (tmp_path / "_build").iterdir()) == ["html", "jupyter-book-failed.log"]
