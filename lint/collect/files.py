"""Writing collected files: through the one writer (atomic), confined to the repository root.

Every file `olclint collect` and `olclint init` write goes through `write_file`, so a
second collection of an unchanged server leaves every file (bytes and modification time)
as it was, and git shows real drift only.
"""

from __future__ import annotations

import os
from pathlib import Path


class CollectError(Exception):
    """A collection that cannot go on: exit 2 with this one line."""


def confined(root: Path, path: Path) -> Path:
    """`path` resolved (symlinks too); CollectError when it leaves `root`."""
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(real_root):
        raise CollectError(f"{path} leaves the repository root {real_root}; nothing was written")
    return real


def write_file(root: Path, path: Path, data: bytes) -> bool:
    """Write `data` to `path` inside `root` through olclint's one writer (a temporary file
    in the same folder, then a rename: `olclint.core.writer`); False when it already held
    `data`. Unlike a report, a collected file may never be written outside the root."""
    from olclint.core.writer import WriteError, Writer

    target = confined(root, path)
    try:
        if target.is_file() and target.read_bytes() == data:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        confined(root, target.parent)  # a folder created through a symlink
    except OSError as exc:
        raise CollectError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        Writer(root).write_bytes(target, data)
    except WriteError as exc:
        raise CollectError(str(exc)) from exc
    return True
