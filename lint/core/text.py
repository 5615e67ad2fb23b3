"""Text that can always be written: lone surrogates replaced.

A lone surrogate reaches olclint's strings from a `\\uD800` escape in a .prefs file, a
file name that is not UTF-8 (decoded with `surrogateescape`) or a baseline; UTF-8 cannot
encode it, so every output goes through `printable` (stdout in `olclint.cli.guard`,
files in `olclint.core.writer`).
"""

from __future__ import annotations

import enum
import re

TYPE_CHECKING = False  # not typing's: the report cache's answer writes through `printable`
if TYPE_CHECKING:
    from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD, so it encodes as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def scrubbed(value: Any) -> Any:
    """`value` (a finding, a notification, a tuple or mapping of them...) with every
    string in it `printable`: what reporters get can always be encoded, hashed and quoted.
    Frozen dataclasses are rebuilt only where a string changes."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, enum.Enum) or value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, tuple):
        items = tuple(scrubbed(v) for v in value)
        return value if items == value else items
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    if isinstance(value, dict):
        return {scrubbed(k): scrubbed(v) for k, v in value.items()}
    import dataclasses  # here: the report cache's writes need `printable` only

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = scrubbed(old)
            if new is not old and new != old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
