"""A small Sphinx extension for the book: one number style in every page, no duplicated script tags.

Typography: a post-transform sets every rendered text (prose, glued values, table cells, and
the HTML tables notebooks print) in the house style of :mod:`deepseek_monday.present.typography`:
a hyphen-minus standing as a sign before a number becomes a true minus (U+2212) and "17%"
becomes "17 %". Code, literals and math are left alone. At the end of the build the CSV tables
the executed notebooks offer are written next to the pages and zipped into one archive
(:func:`deepseek_monday.present.downloads.write_tables`, :func:`~deepseek_monday.present.downloads.zip_tables`).

Styles: ``static/deepseek_monday.css`` is added after the theme's: glued values are not bold
(myst-nb bolds them all; the prose bolds key numbers itself) and wide tables scroll sideways.

Scripts:
sphinx-thebe 0.3 registers its inline configuration script in ``env-before-read-docs``,
which fires more than once in a jupyter-book build; each page then declares
``const THEBE_JS_URL`` twice and the browser logs a SyntaxError. Script entries with the same
file (or inline body) and attributes are kept once, in their first position.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from deepseek_monday.present import downloads, typography

# Nodes whose text is code or mathematics, not prose.
VERBATIM_NODES = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.raw, nodes.comment,
                  nodes.doctest_block, nodes.target)


class NumberTypography(SphinxPostTransform):
    """Set numbers in rendered text in the house style (true minus, a space before %)."""

    default_priority = 900  # after myst-nb has put the glued values in place

    def run(self, **kwargs: Any) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if "html" in raw.get("format", "").split() and raw.astext():
                fixed = typography.typeset_html(raw.astext())
                if fixed != raw.astext():
                    raw.replace(raw.children[0], nodes.Text(fixed))
        for text in list(self.document.findall(nodes.Text)):
            if any(isinstance(parent, VERBATIM_NODES) for parent in _ancestors(text)):
                continue
            fixed = typography.typeset(str(text))
            if fixed != str(text):
                text.parent.replace(text, nodes.Text(fixed))


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def _write_tables(app: Any, exception: Exception | None) -> None:
    """Write the CSV tables the executed notebooks offer next to the site's pages, and their archive."""
    if exception is not None or app.builder.format != "html":
        return
    notebooks = [Path(app.env.doc2path(doc)) for doc in sorted(app.env.found_docs)]
    site = Path(app.outdir)
    downloads.write_tables([path for path in notebooks if path.suffix == ".ipynb"], site)
    downloads.zip_tables(site / downloads.TABLES_DIR, site / downloads.ARCHIVE_NAME)


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
    # In place: the list is the builder's own, to which extensions that run later (MathJax on a page
    # with equations) still add their scripts; a new list here would drop them.
    scripts[:] = unique


STATIC = Path(__file__).parent / "static"
STYLESHEET = "deepseek_monday.css"


def _add_static_path(app: Any, config: Any) -> None:
    """Serve the package's own static files (the book's stylesheet) with the site's."""
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _add_static_path)
    app.add_css_file(STYLESHEET)
    # Before the theme's handlers: Sphinx stops at the first handler that returns a template.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=100)
    app.add_post_transform(NumberTypography)
    app.connect("build-finished", _write_tables)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
