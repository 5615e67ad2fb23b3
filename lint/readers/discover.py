"""From command-line paths to cluster files.

A path is a `cluster.yaml`, a folder searched recursively for `cluster.yaml` (hidden
folders, `node_modules` and virtual environments are skipped), or any collected file
(my.ini, grants.sql, a .prefs file...): it selects the cluster whose folder holds it, the
nearest `cluster.yaml` above it inside the root.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

CLUSTER_FILE = "cluster.yaml"
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".hypothesis"}


@dataclass(frozen=True)
class Discovery:
    clusters: tuple[Path, ...]
    errors: tuple[str, ...]  # usage problems: a missing path, a folder without clusters


def _walk(folder: Path, looked: set[str]) -> list[Path]:
    """Every cluster file below `folder`, in sorted top-down order. A loop over a stack,
    not recursion: a folder nested thousands deep is walked, not a RecursionError; a
    folder that cannot be listed (or whose path is too long) is skipped, as os.walk does.
    Symbolic links to folders are not followed."""
    found: list[Path] = []
    stack = [os.fspath(folder)]
    while stack:
        current = stack.pop()
        looked.add(os.path.abspath(current))
        try:
            with os.scandir(current) as entries:
                items = list(entries)
        except (OSError, ValueError):
            continue
        subdirs = []
        for entry in items:
            try:
                if entry.name == CLUSTER_FILE and not entry.is_dir():
                    found.append(Path(current) / CLUSTER_FILE)
                elif (
                    entry.is_dir(follow_symlinks=False)
                    and entry.name not in SKIP_DIRS
                    and not entry.name.startswith(".")
                ):
                    subdirs.append(entry.path)
            except OSError:
                continue
        stack.extend(sorted(subdirs, reverse=True))  # popped in sorted order
    return found


def _owner(path: Path, root: Path, looked: set[str]) -> Path | None:
    folder = Path(os.path.abspath(path)).parent  # `my.ini` has no parent to climb to
    root = Path(os.path.realpath(root))
    while True:
        candidate = folder / CLUSTER_FILE
        looked.add(os.fspath(candidate))
        if is_regular_file(candidate):
            return candidate
        real = Path(os.path.realpath(folder))
        if real == root or folder.parent == folder or root not in real.parents:
            return None
        folder = folder.parent


def is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):  # EACCES, ENAMETOOLONG, a NUL: not a usable file
        return False


def _mode(path: Path) -> int | str:
    """The file's mode, or why it cannot be examined."""
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file or folder"
    except (OSError, ValueError) as exc:
        return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def discover(paths: list[str], root: Path, looked: set[str] | None = None) -> Discovery:
    """The cluster files of `paths`; every folder listed and path examined on the way is
    added to `looked` (the report cache, olclint.cli.replay, checks them again)."""
    looked = set() if looked is None else looked
    clusters: list[Path] = []
    errors: list[str] = []
    for text in paths:
        path = Path(text)
        looked.add(os.path.abspath(path))
        mode = _mode(path)
        if isinstance(mode, str):
            errors.append(f"{text}: {mode}")
            continue
        if stat.S_ISDIR(mode):
            found = _walk(path, looked)
            if not found:
                errors.append(f"{text}: no {CLUSTER_FILE} in this folder or below")
            clusters.extend(found)
        elif path.name == CLUSTER_FILE:
            clusters.append(path)
        else:
            owner = _owner(path, root, looked)
            if owner is None:
                errors.append(f"{text}: no {CLUSTER_FILE} in its folder or above it")
            else:
                clusters.append(owner)
    unique: dict[str, Path] = {}
    for cluster in clusters:
        unique.setdefault(os.path.realpath(cluster), cluster)
    return Discovery(tuple(unique.values()), tuple(errors))
