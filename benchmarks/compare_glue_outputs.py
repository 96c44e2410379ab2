"""Compare the glued outputs of two executions of a notebook: is a refactoring a pure move?

Run from the project directory::

    .venv/bin/python benchmarks/compare_glue_outputs.py BEFORE.ipynb AFTER.ipynb [--allow-added]

Every output that ``myst_nb.glue`` wrote (a display output whose metadata names a scrapbook record)
is read as name -> {mime type: data}. A name glued in BEFORE must be glued in AFTER with the same
mime types and the same data: text exactly, images as bytes, or, where the bytes differ, as decoded
pixels (then only the PNG's metadata differs, which is reported but passes). A name glued only in
AFTER is a difference too, unless ``--allow-added`` (e.g. tables that AFTER glues besides displaying);
each such name is reported with the output displayed BEFORE that it equals, if any.

Besides the glue, the outputs that the page shows without glue (the tables of the display cells:
``execute_result`` and plain ``display_data`` outputs, in notebook order) must be equal one by one.

Exit status 0 when everything matches, 1 on any difference (each is printed).
"""

from __future__ import annotations

import argparse
import base64
import io
import sys
from pathlib import Path
from typing import Any

import nbformat

IMAGE_PREFIX = "image/"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def glued_outputs(notebook: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """Return every glued output of ``notebook`` as name -> {mime type without the record prefix: data}.

    A name glued twice keeps its last value (as the book's glue does); the duplicate is reported.
    """
    found: dict[str, dict[str, str]] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if not isinstance(scrapbook, dict) or "name" not in scrapbook:
                continue
            prefix = scrapbook.get("mime_prefix", "")
            name = str(scrapbook["name"])
            if name in found:
                print(f"note: {name!r} is glued more than once; the last value counts")
            found[name] = {mime.removeprefix(prefix): _text(data) for mime, data in output.get("data", {}).items()}
    return found


def displayed_outputs(notebook: nbformat.NotebookNode) -> list[dict[str, str]]:
    """Return the rich outputs shown without glue (tables, Markdown), in notebook order."""
    shown = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") in ("execute_result", "display_data") and \
                    "scrapbook" not in output.get("metadata", {}):
                shown.append({mime: _text(data) for mime, data in output.get("data", {}).items()})
    return shown


def _pixels(encoded: str) -> Any:
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
        return np.asarray(image.convert("RGBA"))


def compare_data(label: str, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Return the differences between two outputs' data (empty when they match)."""
    problems = []
    if set(before) != set(after):
        problems.append(f"{label}: mime types {sorted(before)} before, {sorted(after)} after")
    for mime in sorted(set(before) & set(after)):
        if before[mime] == after[mime]:
            continue
        if mime.startswith(IMAGE_PREFIX) and mime != "image/svg+xml":
            old, new = _pixels(before[mime]), _pixels(after[mime])
            if old.shape == new.shape and (old == new).all():
                print(f"note: {label} {mime}: bytes differ, pixels equal (PNG metadata only)")
                continue
            problems.append(f"{label} {mime}: image differs ({old.shape} before, {new.shape} after)")
        else:
            at = next((i for i, (a, b) in enumerate(zip(before[mime], after[mime], strict=False)) if a != b),
                      min(len(before[mime]), len(after[mime])))
            start = max(at - 40, 0)
            problems.append(f"{label} {mime}: from character {at}, {before[mime][start:at + 80]!r} before, "
                            f"{after[mime][start:at + 80]!r} after")
    return problems


def compare(before_path: Path, after_path: Path, allow_added: bool = False) -> list[str]:
    """Return every difference between the glued and displayed outputs of two executed notebooks."""
    before_nb, after_nb = nbformat.read(before_path, 4), nbformat.read(after_path, 4)
    before, after = glued_outputs(before_nb), glued_outputs(after_nb)
    problems = [f"glued {name!r}: missing after" for name in sorted(set(before) - set(after))]
    added = sorted(set(after) - set(before))
    if added:
        (print if allow_added else problems.append)(f"glued only after ({len(added)}): {', '.join(added)}")
    for name in sorted(set(before) & set(after)):
        problems += compare_data(f"glued {name!r}", before[name], after[name])
    shown_before, shown_after = displayed_outputs(before_nb), displayed_outputs(after_nb)
    for name in added:  # a table glued only after: is it one that BEFORE displayed?
        where = [index + 1 for index, shown in enumerate(shown_before) if shown == after[name]]
        print(f"  glued only after {name!r}: " +
              (f"equals displayed output {where[0]} before" if where else "equals no output displayed before"))
    if len(shown_before) != len(shown_after):
        problems.append(f"displayed outputs: {len(shown_before)} before, {len(shown_after)} after")
    for index, (old, new) in enumerate(zip(shown_before, shown_after, strict=False)):
        problems += compare_data(f"displayed output {index + 1}", old, new)
    print(f"{before_path} -> {after_path}: {len(before)} glued names before, {len(after)} after "
          f"({len(set(before) & set(after))} compared); {min(len(shown_before), len(shown_after))} displayed "
          f"outputs compared; {len(problems)} difference(s)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--allow-added", action="store_true", help="names glued only in AFTER are not differences")
    args = parser.parse_args(argv)
    problems = compare(args.before, args.after, args.allow_added)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
