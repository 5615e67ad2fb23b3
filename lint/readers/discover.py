"""From command-line paths to cluster files.

A path is a `cluster.yaml`, a folder searched recursively for `cluster.yaml` (hidden
folders, `node_modules` and virtual environments are skipped), or any collected file
(my.ini, grants.sql, a .prefs file...): it selects the cluster whose folder holds it, the
nearest `cluster.yaml` above it inside the root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CLUSTER_FILE = "cluster.yaml"
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".hypothesis"}


@dataclass(frozen=True)
class Discovery:
    clusters: tuple[Path, ...]
    errors: tuple[str, ...]  # usage problems: a missing path, a folder without clusters


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        if CLUSTER_FILE in files:
            found.append(Path(current) / CLUSTER_FILE)
    return found


def _owner(path: Path, root: Path) -> Path | None:
    folder = Path(os.path.abspath(path)).parent  # `my.ini` has no parent to climb to
    root = Path(os.path.realpath(root))
    while True:
        candidate = folder / CLUSTER_FILE
        if candidate.is_file():
            return candidate
        real = Path(os.path.realpath(folder))
        if real == root or folder.parent == folder or root not in real.parents:
            return None
        folder = folder.parent


def discover(paths: list[str], root: Path) -> Discovery:
    clusters: list[Path] = []
    errors: list[str] = []
    for text in paths:
        path = Path(text)
        if not path.exists():
            errors.append(f"{text}: no such file or folder")
            continue
        if path.is_dir():
            found = _walk(path)
            if not found:
                errors.append(f"{text}: no {CLUSTER_FILE} in this folder or below")
            clusters.extend(found)
        elif path.name == CLUSTER_FILE:
            clusters.append(path)
        else:
            owner = _owner(path, root)
            if owner is None:
                errors.append(f"{text}: no {CLUSTER_FILE} in its folder or above it")
            else:
                clusters.append(owner)
    unique: dict[str, Path] = {}
    for cluster in clusters:
        unique.setdefault(os.path.realpath(cluster), cluster)
    return Discovery(tuple(unique.values()), tuple(errors))
