"""Text that can always be written: lone surrogates replaced.

A lone surrogate reaches olclint's strings from a `\\uD800` escape in a .prefs file, a
file name that is not UTF-8 (decoded with `surrogateescape`) or a baseline; UTF-8 cannot
encode it, so every output goes through `printable` (stdout in `olclint.cli.guard`,
files in `olclint.core.writer`).
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD, so it encodes as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)
