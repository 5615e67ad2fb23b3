"""Test-only reference: the `.prefs` reader as it was before the one-pass rewrite, when
Java's LineReader ran step by step over the whole text (`_logical_lines`) and every entry
went through the careful split and conversion (`_Reader.entry`, then the body of the
loop); none was taken by the `_COMMON` search. What tests/test_readers_differential.py
compares is the line loop. Not part of the package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from olclint.readers import prefs as live


def _logical_lines(text: str) -> Iterator[tuple[int, list[str], list[int]]]:
    """Java's LineReader: each logical line as its start, its characters and their offsets."""
    i, n = 0, len(text)
    while True:
        while i < n and (text[i] in live._BLANK or text[i] in live._EOL):
            i += 1
        if i >= n:
            return
        if text[i] in "#!":
            eol = live._EOL_AT.search(text, i)
            i = eol.start() if eol else n
            continue
        start = i
        chars, offsets, i, emit = live._logical_line(text, i)
        if emit:
            yield start, chars, offsets


def parse_prefs_text(text: str, rel: str) -> live.PrefsFile:
    reader = live._Reader(rel, text)
    for start, chars, offsets in _logical_lines(text):
        reader.entry(start, chars, offsets)
    return reader.result()


def read_prefs(ws, path: Path, where=None) -> live.PrefsFile:
    saved = live.parse_prefs_text
    live.parse_prefs_text = parse_prefs_text
    try:
        return live.read_prefs(ws, path, where)
    finally:
        live.parse_prefs_text = saved
