"""Warm kernels forked from a template: same outputs as spawned kernels, and a safe fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import requires_real_data

from deepseek_monday.build.execution import (
    KERNEL_NAME,
    Job,
    ensure_kernel,
    execute_job,
    kernel_template,
    run_jobs,
    sanitize_notebook,
)
from deepseek_monday.build.kernel_template import KernelTemplate, notebook_imports, request_kernel
from deepseek_monday.data.paths import DATA_ENV_VAR

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="warm kernels need os.fork")

# Cells whose outputs depend on how the kernel started: what pandas and matplotlib detected
# on import, the working directory and import path, the environment, and a drawn figure.
PROBE_CELLS = [
    "import os, sys\nimport pandas as pd\nimport matplotlib\nimport matplotlib.pyplot as plt",
    "print(pd.get_option('display.max_columns'), pd.get_option('display.width'))",
    "pd.DataFrame({f'column {i}': [i * 1.5] for i in range(30)})",
    "print(matplotlib.get_backend())",
    "print(os.getcwd() == os.environ['PROBE_CWD'], "
    "'' in sys.path or os.getcwd() in sys.path, os.environ['PROBE_MARK'])",
    "print(os.path.basename(sys.argv[0]), type(get_ipython()).__name__)",
    "fig, ax = plt.subplots(figsize=(2, 1))\nax.plot([0, 1], [1, 0])\nfig",
]
PID_CELL = "print(os.getpid(), os.getppid())"


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A notebook that prints what a kernel's start-up could change, and its own pid and parent pid."""
    ensure_kernel()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source, id=f"probe-{i}")
                      for i, source in enumerate([*PROBE_CELLS, PID_CELL])]
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python", "language": "python"}
    path = tmp_path / "probe.ipynb"
    nbformat.write(notebook, path)
    (tmp_path / "run").mkdir()
    monkeypatch.setenv("PROBE_CWD", str(tmp_path / "run"))
    monkeypatch.setenv("PROBE_MARK", "set-by-the-parent")
    return path


def run(probe: Path, name: str, socket_path: str) -> tuple[list[dict], int, int]:
    """Execute the probe; return its outputs except the pid cell's, and the kernel's pid and parent pid."""
    job = Job(name, probe, probe.parent / f"{name}.ipynb", {}, probe.parent / "run")
    assert execute_job(job, probe.parent / "failed", socket_path) is None
    sanitize_notebook(job.output)
    cells = json.loads(job.output.read_text())["cells"]
    pid, parent = map(int, cells[-1]["outputs"][0]["text"][0].split())
    return [cell["outputs"] for cell in cells[:-1]], pid, parent


def gone(pid: int, timeout: float = 10.0) -> bool:
    """Wait until process ``pid`` has exited (a zombie not yet reaped counts as exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            stat = Path(f"/proc/{pid}/stat")
            if stat.is_file() and stat.read_text().rpartition(")")[2].split()[0] == "Z":
                return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.05)
    return False


def test_forked_kernel_gives_the_outputs_of_a_spawned_kernel(probe: Path, tmp_path: Path) -> None:
    spawned, spawned_pid, _ = run(probe, "spawned", "")
    with KernelTemplate([probe], tmp_path / "template.log") as template:
        assert template.wait_ready()
        forked, forked_pid, forked_parent = run(probe, "forked", str(template.socket_path))
        assert forked_parent == template.process.pid  # really forked from the template
    assert forked == spawned
    printed = "".join(forked[1][0]["text"]) + "".join(forked[4][0]["text"]) + "".join(forked[5][0]["text"])
    assert printed == "20 80\nTrue True set-by-the-parent\nipykernel_launcher.py ZMQInteractiveShell\n"
    assert "image/png" in forked[6][0]["data"]
    assert gone(forked_pid) and gone(spawned_pid)  # kernels end with their notebook


def test_a_template_started_by_the_caller_is_used_and_left_to_the_caller(probe: Path, tmp_path: Path) -> None:
    job = Job("probe", probe, tmp_path / "executed.ipynb", {}, tmp_path / "run")
    with KernelTemplate([probe], tmp_path / "template.log") as template:
        assert run_jobs([job], tmp_path / "failed", progress=False, template=template) == []
        assert template.process.poll() is None  # still running: the caller stops it
        cells = json.loads(job.output.read_text())["cells"]
        assert int(cells[-1]["outputs"][0]["text"][0].split()[1]) == template.process.pid


def test_forked_kernel_ends_when_its_manager_is_gone(tmp_path: Path) -> None:
    manager = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "kernel.json")]
    env = {**os.environ, "JPY_PARENT_PID": str(manager.pid)}
    with KernelTemplate([], tmp_path / "template.log") as template:
        assert template.wait_ready()
        kernel = request_kernel(str(template.socket_path), argv, env, str(tmp_path))
        assert not gone(kernel, timeout=2)  # alive while its manager is
        manager.kill()
        manager.wait()
        assert gone(kernel)


def test_template_ends_when_the_build_that_started_it_is_gone(tmp_path: Path) -> None:
    starter = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from deepseek_monday.build.kernel_template import KernelTemplate\n"
         "template = KernelTemplate([], Path(sys.argv[1]))\nprint(template.process.pid, flush=True)\n"
         "time.sleep(60)", str(tmp_path / "template.log")],
        stdout=subprocess.PIPE, text=True)
    template_pid = int(starter.stdout.readline())
    assert not gone(template_pid, timeout=1)
    starter.kill()
    starter.wait()
    assert gone(template_pid)


@requires_real_data
def test_forked_kernels_start_with_the_snapshot_loaded(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from deepseek_monday.data import prices\nprint(prices._load_snapshot.cache_info().currsize)")]
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python", "language": "python"}
    nbformat.write(notebook, tmp_path / "loaded.ipynb")
    job = Job("loaded", tmp_path / "loaded.ipynb", tmp_path / "out.ipynb", {}, tmp_path)
    with KernelTemplate([job.source], tmp_path / "template.log") as template:
        assert template.wait_ready()
        assert execute_job(job, tmp_path / "failed", str(template.socket_path)) is None
    assert json.loads(job.output.read_text())["cells"][0]["outputs"][0]["text"] == ["1\n"]
    assert "deepseek_monday.data.returns:warm_up in" in (tmp_path / "template.log").read_text()


def test_a_failed_warm_up_is_logged_and_the_template_still_serves(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "no-data-here"))
    with KernelTemplate([], tmp_path / "template.log") as template:
        assert template.wait_ready()
    assert "deepseek_monday.data.returns:warm_up failed" in (tmp_path / "template.log").read_text()


def test_template_stops_and_removes_its_socket(tmp_path: Path) -> None:
    template = KernelTemplate([], tmp_path / "template.log")
    assert template.wait_ready()
    template.close()
    assert template.process.returncode is not None
    assert not template.socket_path.exists()
    assert "kernel template: imported 0 modules" in (tmp_path / "template.log").read_text()


def test_unreachable_template_falls_back_to_a_spawned_kernel(probe: Path, tmp_path: Path) -> None:
    outputs, _, parent = run(probe, "fallback", str(tmp_path / "no-such.sock"))
    assert parent == os.getpid()  # spawned by this process
    assert "image/png" in outputs[6][0]["data"]


def test_template_that_cannot_start_means_spawned_kernels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken_on_import.py").write_text("raise RuntimeError('cannot be imported')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import broken_on_import")]
    nbformat.write(notebook, tmp_path / "uses_broken.ipynb")
    job = Job("uses_broken", tmp_path / "uses_broken.ipynb", tmp_path / "out.ipynb", {}, tmp_path)
    with pytest.warns(RuntimeWarning, match="kernel template did not start"), \
            kernel_template([job], tmp_path / "template.log", warm_kernels=True) as socket_path:
        assert socket_path == ""
    assert "RuntimeError: cannot be imported" in (tmp_path / "template.log").read_text()


def test_spawning_can_be_asked_for(tmp_path: Path) -> None:
    with kernel_template([], tmp_path / "template.log", warm_kernels=False) as socket_path:
        assert socket_path == ""
    assert not (tmp_path / "template.log").exists()


def test_notebook_imports_lists_every_imported_module(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import pandas as pd, numpy\nfrom deepseek_monday import style, overview"),
        nbformat.v4.new_code_cell("%matplotlib inline"),  # a magic: not Python, skipped
        nbformat.v4.new_code_cell("def f():\n    from scipy import stats\n    return stats"),
        nbformat.v4.new_code_cell("from .relative import thing"),  # relative: no module to preload
        nbformat.v4.new_markdown_cell("import not_code"),
    ]
    nbformat.write(notebook, tmp_path / "n.ipynb")
    assert notebook_imports([tmp_path / "n.ipynb"]) == [
        "deepseek_monday", "deepseek_monday.overview", "deepseek_monday.style", "numpy", "pandas", "scipy",
        "scipy.stats",
    ]
