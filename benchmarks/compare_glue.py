"""Compare two executed notebooks' glued and shown outputs (a check, not a test); exit 1 on a difference.

Glued outputs are matched by their scrapbook name: every name must be in both notebooks with the
same data under each MIME type (the ``application/papermill.record/`` prefix dropped). Images are
compared as bytes; where the bytes differ the decoded pixels are compared too, so a difference in
metadata alone is named as such (and still counts as a difference). Shown outputs (everything not
glued: tables, text) are matched by cell id; a cell kept in one notebook only must show nothing.
Moving a chapter's computation out of its notebook should change neither.

Run: python benchmarks/compare_glue.py BEFORE.ipynb AFTER.ipynb
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
from pathlib import Path

PREFIX = "application/papermill.record/"
# Output fields that vary from one execution to the next.
VOLATILE = ("execution_count",)


def _text(value: object) -> object:
    return "".join(value) if isinstance(value, list) else value


def glued(notebook: dict) -> dict[str, dict[str, object]]:
    """Return every glued output: {name: {MIME type: data}} (the last glue of a name wins, as in the book)."""
    found: dict[str, dict[str, object]] = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                found[scrapbook["name"]] = {mime.removeprefix(PREFIX): _text(data)
                                            for mime, data in output.get("data", {}).items()}
    return found


def shown(notebook: dict) -> dict[str, list[dict]]:
    """Return each code cell's outputs other than glue, by cell id (volatile fields dropped)."""
    found = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        outputs = [{key: value for key, value in output.items() if key not in VOLATILE}
                   for output in cell.get("outputs", []) if not output.get("metadata", {}).get("scrapbook")]
        found[cell["id"]] = outputs
    return found


def _pixels(data: object) -> bytes | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(base64.b64decode(str(data)))) as image:
            return image.convert("RGBA").tobytes() + repr(image.size).encode()
    except OSError:
        return None


def compare(before: dict, after: dict) -> list[str]:
    """Return the differences between two executed notebooks' glued and shown outputs."""
    problems = []
    old, new = glued(before), glued(after)
    for name in sorted(set(old) ^ set(new)):
        problems.append(f"glue {name}: only in {'before' if name in old else 'after'}")
    for name in sorted(set(old) & set(new)):
        for mime in sorted(set(old[name]) | set(new[name])):
            a, b = old[name].get(mime), new[name].get(mime)
            if a == b:
                continue
            if mime.startswith("image/") and a is not None and b is not None and _pixels(a) == _pixels(b):
                problems.append(f"glue {name} {mime}: bytes differ, pixels identical (metadata only)")
            else:
                problems.append(f"glue {name} {mime}: differs")
    old_shown, new_shown = shown(before), shown(after)
    for cell_id in sorted(set(old_shown) | set(new_shown)):
        a, b = old_shown.get(cell_id, []), new_shown.get(cell_id, [])
        if a != b:
            problems.append(f"cell {cell_id}: shown outputs differ ({len(a)} before, {len(b)} after)")
    print(f"{len(set(old) & set(new))} glue names in both, "
          f"{sum(bool(v) for v in old_shown.values())} cells with shown outputs before, "
          f"{sum(bool(v) for v in new_shown.values())} after")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    problems = compare(*(json.loads(path.read_text(encoding="utf-8")) for path in (args.before, args.after)))
    for problem in problems:
        print(problem)
    print("identical" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
