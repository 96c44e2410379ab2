"""One number style in rendered text: a true minus sign before a number, a space before "%", "6 January 2025".

:func:`typeset` fixes a plain string; :func:`typeset_html` fixes the text of an HTML fragment
(a table rendered by pandas) and leaves tags, attributes, styles, scripts and code alone.
The book's Sphinx extension applies both to every page (see ``build.sphinx_ext``).
"""

from __future__ import annotations

import re

MINUS = "\u2212"
# A hyphen-minus used as a sign: at the start, or after a space, "(", "[", a comma, a semicolon or a
# comparison sign ("[-250,-11]", "p=-0.2", "<-5"), and before a digit. After a letter or a digit it is
# a hyphen ("x-1", "2025-01-27").
SIGN = re.compile(r"(?:^|(?<=[\s(\[,;=<>\u2264\u2265]))-(?=\.?\d)")
# A percent sign glued to a number: "17%" -> "17 %".
PERCENT = re.compile(r"(?<=\d)%")
# A day of the month written with a leading zero before the month's name: "06 January 2025".
LEADING_ZERO_DAY = re.compile(r"(?<![\d.,])0(\d) (January|February|March|April|May|June|July|August|September|October|"
                              r"November|December)\b")
# Elements whose content is not prose: their text is left as it is.
VERBATIM = ("script", "style", "code", "pre", "kbd", "samp", "tt", "math")
TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")


def typeset(text: str) -> str:
    """Return ``text`` with sign hyphens as U+2212, a space between a number and "%", "6 January" for "06 January"."""
    return LEADING_ZERO_DAY.sub(r"\1 \2", PERCENT.sub(" %", SIGN.sub(MINUS, text)))


def hyphen_signs(text: str) -> list[str]:
    """Return every hyphen-minus that stands as a sign before a number in ``text``, with its context."""
    return [text[max(0, m.start() - 20): m.end() + 12] for m in SIGN.finditer(text)]


def typeset_html(fragment: str) -> str:
    """Return an HTML fragment with :func:`typeset` applied to its text outside tags and verbatim elements."""
    parts = TAG.split(fragment)
    depth = 0
    for position, part in enumerate(parts):
        if position % 2:  # a tag or a comment
            match = TAG_NAME.match(part)
            if match and match.group(2).lower() in VERBATIM and not part.rstrip().endswith("/>"):
                depth = max(0, depth + (-1 if match.group(1) else 1))
        elif depth == 0 and part:
            parts[position] = typeset(part)
    return "".join(parts)
