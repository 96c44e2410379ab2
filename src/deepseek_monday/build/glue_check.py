"""The glued values, checked by nbval: two hidden cells the build adds to every executed notebook.

The prose quotes numbers through ``myst_nb.glue``; nbval compares only the outputs of cells
marked ``# NBVAL_CHECK_OUTPUT``, which the glue calls are not. So the build (not the chapter
authors) adds a first cell that records every value glued in the kernel (an IPython display
hook that sees each glue's display message) and a last cell, marked ``# NBVAL_CHECK_OUTPUT``,
that prints them all as text. When nbval re-executes ``book/*.ipynb``, a glued value that
comes out different fails that cell. Both cells are removed from the rendered page.
"""

from __future__ import annotations

from typing import Any

import nbformat

RECORD_ID, CHECK_ID = "glue-record", "glue-check"
RECORD_SOURCE = ("# Added by the build (deepseek_monday.build.glue_check): record every glued value.\n"
                 "from deepseek_monday.build import glue_check as _glue_check\n\n"
                 "_glue_check.start()")
CHECK_SOURCE = ("# NBVAL_CHECK_OUTPUT\n"
                "# Added by the build (deepseek_monday.build.glue_check): every glued value, compared by nbval.\n"
                "_glue_check.report()")
# Preferred text of a glued value: the markdown the prose shows, else its plain-text form.
TEXT_MIMES = ("text/markdown", "text/plain")

_glued: dict[str, str] = {}


def _hook(message: dict[str, Any]) -> dict[str, Any]:
    """Record the text of a glue's display message; pass every message on unchanged."""
    content = message.get("content", {})
    scrapbook = content.get("metadata", {}).get("scrapbook")
    if isinstance(scrapbook, dict) and "name" in scrapbook:
        prefix = scrapbook.get("mime_prefix", "")
        data = content.get("data", {})
        for mime in TEXT_MIMES:
            if prefix + mime in data:
                _glued[str(scrapbook["name"])] = str(data[prefix + mime])
                break
    return message


def start() -> None:
    """Start recording the values glued in this kernel (from here on)."""
    from IPython import get_ipython

    shell = get_ipython()
    _glued.clear()
    if shell is not None and hasattr(shell.display_pub, "register_hook"):
        shell.display_pub.register_hook(_hook)


def glued() -> dict[str, str]:
    """Return the values glued since :func:`start`, by name."""
    return dict(_glued)


def report() -> None:
    """Print every glued value, one ``name: text`` per line, sorted by name."""
    if not _glued:
        print("no glued values")
    for name in sorted(_glued):
        print(f"{name}: {_glued[name]}")


def _hidden(source: str, cell_id: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, id=cell_id)
    cell.metadata["tags"] = ["remove-cell"]
    return cell


def add_cells(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Add the recording cell first and the checked report cell last (once); return ``notebook``."""
    ids = {cell.get("id") for cell in notebook.cells}
    if RECORD_ID not in ids:
        notebook.cells.insert(0, _hidden(RECORD_SOURCE, RECORD_ID))
    if CHECK_ID not in ids:
        notebook.cells.append(_hidden(CHECK_SOURCE, CHECK_ID))
    return notebook
