"""jupyter-book's command line in a process started before its build is due.

An HTML build can only start once the notebooks are executed, but about 2 s of it (importing
Sphinx, myst-nb, the theme and the book's extensions) depends on nothing the notebooks
produce. :class:`JupyterBookProcess` can start ``python -m deepseek_monday.jupyter_book_process``
ahead of time: it does those imports at low priority (so it takes only what the notebook
kernels leave of the CPU), waits for its arguments on standard input and then runs
jupyter-book's own command line with them. Without :meth:`~JupyterBookProcess.prepare`,
:meth:`~JupyterBookProcess.run` starts the process when called. Either way the build is
jupyter-book's, with the same arguments; only the imports happen earlier.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence

# What jupyter-book's build imports before it reads a page: its command line, Sphinx, and the
# modules of the extensions and theme the book loads (some only inside their ``setup``).
PRELOADED_MODULES = (
    "jupyter_book.cli.main", "jupyter_book.sphinx", "sphinx.application", "sphinx.builders.html",
    "sphinx.ext.intersphinx", "myst_nb.sphinx_ext", "myst_nb.sphinx_", "myst_parser.sphinx_ext.main",
    "linkify_it", "sphinx_book_theme", "pydata_sphinx_theme", "sphinx_togglebutton", "sphinx_copybutton",
    "sphinx_comments", "sphinx_external_toc", "sphinx_jupyterbook_latex", "sphinx_multitoc_numbering",
    "sphinx_design", "sphinx_design.extension", "sphinx_thebe", "deepseek_monday.build.sphinx_ext",
)
# Niceness of a prepared process while it imports (and builds): below the kernels' priority.
PREPARE_NICENESS = 10


def _start(niceness: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", __name__, str(niceness)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class JupyterBookProcess:
    """One jupyter-book run, whose process may be started before its arguments are known."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def prepare(self) -> None:
        """Start the process, which preloads jupyter-book's imports at low priority (once)."""
        if self._process is None:
            self._process = _start(PREPARE_NICENESS)

    def run(self, arguments: Sequence[str]) -> subprocess.CompletedProcess[str]:
        """Run ``jupyter-book ARGUMENTS`` in the prepared process (one is started if none was)."""
        process, self._process = self._process or _start(0), None
        stdout, stderr = process.communicate(json.dumps(list(arguments)) + "\n")
        return subprocess.CompletedProcess(["jupyter-book", *arguments], process.returncode, stdout, stderr)

    def close(self) -> None:
        """Stop a prepared process that was never given its arguments."""
        if self._process is not None:
            process, self._process = self._process, None
            process.kill()
            process.communicate()

    def __enter__(self) -> JupyterBookProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _preload() -> None:
    for name in PRELOADED_MODULES:
        # An extension this book does not use is skipped: the build imports what it needs itself.
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def main(niceness: int) -> int:
    """Preload at ``niceness``, read the arguments (a JSON list) from stdin, run jupyter-book with them."""
    os.nice(niceness)
    _preload()
    line = sys.stdin.readline()
    if not line:
        return 0  # closed without a build
    from jupyter_book.cli.main import main as jupyter_book

    sys.argv = ["jupyter-book", *json.loads(line)]
    try:
        jupyter_book(args=sys.argv[1:], prog_name="jupyter-book")
    except SystemExit as exit_:  # click ends every run this way
        return 0 if exit_.code is None else exit_.code if isinstance(exit_.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
