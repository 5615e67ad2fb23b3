"""The result cache of `olclint check`: a second run on unchanged inputs skips the check stage.

What is cached is the check stage's output only (findings, notifications, the redacted
source lines and which files each cluster read); suppressions, the baseline, levels and
the report are applied on every run. An entry is found only under a key that covers
everything the check stage depends on:

- olclint itself: its version, and the path, size and modification time of every module
  of the package and its rules (a changed source file is another olclint), Python's
  version, the platform, and the time-zone database (its search path and the state of
  its files);
- the configuration as the check stage uses it: the root, the cluster files (as given and
  resolved), the active rules with their levels, `preference_keys`, the file-size limit;
- the run's date when an active rule reads it (`USES_DATE = True` in its module);
- the repository: every folder listing, file mode, size, modification and change time
  and inode under the root (`.git` aside), so a file that is edited, added, removed,
  renamed, made executable or replaced by a link misses the cache. A run that read a file
  inside `.git` is not stored.

The entries live in the user's cache folder (`OLCLINT_CACHE_DIR`, else
`$XDG_CACHE_HOME/olclint`, `~/.cache/olclint`; `%LOCALAPPDATA%\\olclint\\cache` on
Windows), never in the repository, so a repository cannot bring entries of its own.
`--no-cache` turns it off. No secret is stored: findings and source lines are already
redacted as every report shows them, and the model (which holds setting values) is not
kept. A run with an `html` report (its pictures need the model) does not use the cache.
Entries are written with the one writer (`olclint.core.writer`); a cache that cannot be
read or written is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

FORMAT = 1
MAX_ENTRIES = 32
_SKIP = frozenset({".git"})


def cache_dir() -> Path:
    env = os.environ.get("OLCLINT_CACHE_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return Path(base, "olclint", "cache")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base, "olclint")


def _stat_row(path: str, name: str) -> tuple:
    try:
        st = os.lstat(path)
    except OSError as exc:
        return (name, "error", exc.errno)
    link = None
    if stat.S_ISLNK(st.st_mode):
        try:
            link = os.readlink(path)
        except OSError:
            link = "?"
    return (name, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, link)


def tree_state(root: Path, digest: Any) -> None:
    """Every folder listing and entry state under `root` (not following links), into
    `digest`; `.git` is left out."""
    top = os.fspath(root)
    digest.update(repr(_stat_row(top, ".")).encode())
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            digest.update(f"\0listdir {folder} {exc.errno}".encode())
            continue
        digest.update(f"\0dir {os.path.relpath(folder, top)}:{len(names)}".encode())
        for name in names:
            if folder == top and name in _SKIP:
                continue
            path = os.path.join(folder, name)
            row = _stat_row(path, name)
            digest.update(repr(row).encode("utf-8", "surrogateescape"))
            if len(row) > 2 and stat.S_ISDIR(row[1]):
                stack.append(path)


def _olclint_state(digest: Any) -> None:
    import olclint
    import olclint.rules

    digest.update(f"olclint {olclint.__version__} {sys.version} {sys.platform}".encode())
    for package in (olclint, olclint.rules):
        for folder in package.__path__:
            for current, dirs, files in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for name in sorted(files):
                    if name.endswith((".py", ".json")):
                        path = os.path.join(current, name)
                        digest.update(repr(_stat_row(path, path)).encode())
    import zoneinfo

    for base in zoneinfo.TZPATH:
        digest.update(repr(_stat_row(base, base)).encode())
        for name in ("tzdata.zi", "zone1970.tab", "zone.tab"):
            digest.update(repr(_stat_row(os.path.join(base, name), name)).encode())
    try:
        import importlib.util

        spec = importlib.util.find_spec("tzdata")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        digest.update(repr(_stat_row(spec.origin, "tzdata")).encode())


def run_key(run: Any, cluster_files: list[Path]) -> str:
    """The key of a run's check stage (see the module docstring)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"format {FORMAT}\0".encode())
    _olclint_state(digest)
    active = run.active
    ids = [(r.id, str(r.level), r.check.__module__) for r in active]
    config = run.config
    digest.update(repr(ids).encode())
    digest.update(repr(sorted((config.preference_keys or {}).items())).encode())
    digest.update(repr(config.max_file_size).encode())
    if any(r.uses_date for r in active):
        digest.update(f"today {run.today.isoformat()}".encode())
    digest.update(repr(os.fspath(run.root)).encode("utf-8", "surrogateescape"))
    for path in cluster_files:
        shown = (os.fspath(path), os.path.abspath(path), os.path.realpath(path))
        digest.update(repr(shown).encode("utf-8", "surrogateescape"))
    tree_state(Path(run.root), digest)
    return digest.hexdigest()


def load(key: str) -> dict | None:
    """The entry stored under `key`, or None (none, unreadable, another format)."""
    path = cache_dir() / f"{key}.pickle"
    try:
        with open(path, "rb") as handle:
            entry = pickle.load(handle)
    except Exception:  # missing, truncated, foreign: a miss
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or entry.get("format") != FORMAT:
        return None
    return entry


def store(key: str, payload: dict) -> None:
    """Write the entry (atomically, through the one writer) and keep the cache small."""
    from olclint.core.writer import Writer

    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps({"format": FORMAT, "key": key, **payload}, protocol=4)
        Writer(folder).write_bytes(folder / f"{key}.pickle", data, what="cache")
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink()
    except Exception:  # a cache that cannot be written is no cache
        return
