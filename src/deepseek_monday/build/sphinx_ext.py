"""A small Sphinx extension for the book: drop duplicated script tags from every page.

sphinx-thebe 0.3 registers its inline configuration script in ``env-before-read-docs``,
which fires more than once in a jupyter-book build; each page then declares
``const THEBE_JS_URL`` twice and the browser logs a SyntaxError. Script entries with the same
file (or inline body) and attributes are kept once, in their first position.
"""

from __future__ import annotations

from typing import Any


def _drop_duplicate_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                            doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[Any, ...]] = set()
    unique: list[Any] = []
    for script in scripts:
        # One copy has filename "" and the other None, so compare on a normalised key.
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", script) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Any) -> dict[str, Any]:
    # Before the theme's handlers: Sphinx stops at the first handler that returns a template.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
