"""Checks on what staff type into the map."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

# Control characters (CR, LF, tab, NUL, …) and the Unicode line and paragraph separators.
_NOT_ON_ONE_LINE = frozenset({"Cc", "Zl", "Zp"})


def _breaks_the_line(char: str) -> bool:
    return unicodedata.category(char) in _NOT_ON_ONE_LINE


def single_line(value: str) -> None:
    """A name or title is one line of text. It also goes where a line break would change what
    it means: an email's subject, a calendar entry, a CSV cell, a page's <title>."""
    found = sorted({char for char in value if _breaks_the_line(char)})
    if found:
        raise ValidationError(
            "Keep this to one line: remove the line break or other control character (%(found)s).",
            code="single_line",
            params={"found": ", ".join(f"U+{ord(char):04X}" for char in found)},
        )


def one_line(text: str) -> str:
    """`text` as one line: each run of line breaks, control characters and spaces becomes one
    space (for text already stored before `single_line` refused them)."""
    return " ".join("".join(" " if _breaks_the_line(c) else c for c in text).split())
