"""The result cache of `olclint check`: a second run on unchanged inputs skips the check stage.

What is cached is the check stage's output only (findings, notifications, the redacted
source lines and which files each cluster read); suppressions, the baseline, levels and
the report are applied on every run. An entry is found only under a key that covers
everything the check stage depends on:

- olclint itself: its version, and the state of every module and folder of the package,
  its rules and its schemas (a changed source file is another olclint), Python's
  version, the platform, and the time-zone database (its search path and the state of
  its files): `olclint.cli.replay.olclint_paths`;
- the configuration as the check stage uses it: the root, the cluster files (as given and
  resolved), the active rules with their levels, `preference_keys`, the file-size limit;
- the run's date when an active rule reads it (`USES_DATE = True` in its module);
- what the readers looked at: every path the check asked `Workspace.inside` about (each
  file opened or examined, found or not, each folder listed), with its state (link or not,
  mode, size, modification and change time, inode, as itself and followed), the listing of
  each such folder, and the state of every folder between it and the root. A file that is
  edited, created where a reference pointed, removed, renamed, made executable or replaced
  by a link, and a folder that gains or loses an entry, misses the cache. The paths come
  from the run that stored the entry; the lookup checks their state again.

The entries live in the user's cache folder (`OLCLINT_CACHE_DIR`, else
`$XDG_CACHE_HOME/olclint`, `~/.cache/olclint`; `%LOCALAPPDATA%\\olclint\\cache` on
Windows), never in the repository, so a repository cannot bring entries of its own.
`--no-cache` turns it off. No secret is stored: findings and source lines are already
redacted as every report shows them, the model (which holds setting values) is not kept,
and a run that looked at a path in which a secret shows is not stored. A run with an
`html` report (its pictures need the model) does not use the cache.
Entries are written with the one writer (`olclint.core.writer`); a cache that cannot be
read or written is ignored. The report cache (`olclint.cli.replay`), consulted before this
one, answers a whole repeated command line; the state of paths is computed by the same
function (`paths_state`) for both.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from olclint.cli import replay
from olclint.cli.replay import paths_state

__all__ = ["cache_dir", "load", "paths_state", "run_key", "store"]

FORMAT = 1
MAX_ENTRIES = 32


def cache_dir() -> Path:
    return Path(replay.cache_dir())


def _olclint_state(digest: Any) -> None:
    import olclint

    digest.update(f"olclint {olclint.__version__} {sys.version} {sys.platform}".encode())
    for path in replay.olclint_paths():
        digest.update(repr(replay.stat_row(path)).encode("utf-8", "surrogateescape"))


def run_key(run: Any, cluster_files: list[Path]) -> str:
    """The key of a run's check stage, all but what the readers looked at (the entry
    holds those paths and their state, checked by `load`)."""
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
    return digest.hexdigest()


def load(key: str, root: Path) -> dict | None:
    """The entry stored under `key` if nothing it looked at changed, else None (also when
    there is none, or it is unreadable or of another format)."""
    path = cache_dir() / f"{key}.pickle"
    try:
        with open(path, "rb") as handle:
            if not replay.trusted(handle.fileno(), path):
                return None
            entry = pickle.load(handle)
    except Exception:  # missing, truncated, foreign: a miss
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or entry.get("format") != FORMAT:
        return None
    looked = entry.get("looked")
    if (
        not isinstance(looked, list)
        or entry.get("state") != paths_state(root, looked, kinds=True)[0]
    ):
        return None
    return entry


def store(
    key: str,
    root: Path,
    looked: list[str],
    payload: dict,
    started_ns: int,
    read_rows: dict | None = None,
) -> None:
    """Write the entry (atomically, through the one writer) and keep the cache small.

    Not stored: a run that looked inside `.git` (which changes with every commit), one
    that looked at a path that looks like it holds a secret (`!include x # password=...`
    names a file of that name: the path would be stored in clear), and a
    run during which something it looked at changed (a time at or after `started_ns`,
    when the check began, less the report cache's margin for coarse file times; or a file
    whose state is not the one it was read in, whatever the clocks say): its results may
    be of the old state, its key of the new. A run that met a read error its paths' state
    does not explain (`Workspace.read_rows`) is not stored either."""
    from olclint.core.writer import Writer

    git = os.path.join(os.path.abspath(root), ".git")
    if any(p == git or p.startswith(git + os.sep) for p in looked):
        return
    from olclint.core.secrets import redact_line

    if any(redact_line(p) != p for p in looked):
        return  # a path made of what a file says may hold a secret: never written down
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        state, newest = paths_state(root, looked, kinds=True)
        if newest >= started_ns - replay.MARGIN_NS or not replay.as_read(read_rows or {}):
            return
        entry = {"format": FORMAT, "key": key, "looked": looked, "state": state, **payload}
        data = pickle.dumps(entry, protocol=4)
        Writer(folder).write_bytes(folder / f"{key}.pickle", data, what="cache")
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink()
    except Exception:  # a cache that cannot be written is no cache
        return
