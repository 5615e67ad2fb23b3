"""File names that Windows reads as something else than a file of the repository.

OL Connect and its database run on Windows, the files are collected there, and many
olclint users run it there. A reference in `cluster.yaml` or an `!include` line is judged
the same way on every system, so that a repository gives the same findings on Linux CI
and on a Windows desktop:

- a component that is a DOS device name (`CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`,
  `LPT1`-`LPT9`, `CONIN$`, `CONOUT$`), with or without an extension (`nul.ini`) or
  trailing blanks: Windows opens the device, and reading `CON` waits for the keyboard;
- a `:` in a relative path: Windows reads `my.ini:x` as the data stream `x` of `my.ini`,
  and `C:x` as a path relative to the current folder of drive `C:`.

Absolute paths in either syntax (drive letters, `\\\\server\\share`, `\\\\?\\` and a leading
`\\` or `/`) are `workspace.is_absolute_ref`'s business; this module names the rest.
"""

from __future__ import annotations

import re

DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in "123456789\u00b9\u00b2\u00b3"}
)
_SEPARATORS = re.compile(r"[\\/]")


def device_name(ref: str) -> str | None:
    """The device that a component of `ref` names on Windows (upper case), else None."""
    for part in _SEPARATORS.split(ref):
        stem = re.split(r"[.:]", part, maxsplit=1)[0].rstrip(" ").upper()
        if stem in DEVICES:
            return stem
    return None


def windows_name_problem(ref: str) -> str | None:
    """Why Windows would not open `ref` (a relative path) as a file, else None."""
    device = device_name(ref)
    if device is not None:
        return f"names the Windows device {device}, not a file"
    if ":" in ref:
        return "holds ':', which Windows reads as a drive or a data stream, not a file name"
    return None
