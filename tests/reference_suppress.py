"""Test-only reference: `olclint.filter.suppress.scan` as it was before it looked only at
the lines that hold a mark: every line, in order, through the same per-line reading
(`scan_line`), so that tests/test_readers_differential.py can compare the two. Not part
of the package. One behaviour was corrected in both since: a comment line that ends in a
backslash does not continue (java.util.Properties never continues a comment)."""

from __future__ import annotations

from collections.abc import Sequence

from olclint.filter.suppress import PREFS, InlineSuppression, _continues, covering, scan_line


def scan(path: str, lines: Sequence[str], kind: str) -> list[InlineSuppression]:
    own: list[tuple[int, int, tuple[str, ...], str]] = []
    found: list[InlineSuppression] = []
    continued = False
    for index, line in enumerate(lines):
        comment = not continued and line.lstrip(" \t\f").startswith(("#", "!"))
        was_continued, continued = continued, kind == PREFS and _continues(line) and not comment
        if was_continued:
            continue
        scan_line(path, index, line, kind, own, found)
    return covering(path, own, found)
