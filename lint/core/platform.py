"""What really differs between the systems olclint runs on, in one place.

OL Connect runs on Windows only, so its administrators and their CI agents run olclint
there; olclint is developed and tested on Linux. Everything else in the package is
portable Python: a call that exists on one system only (`os.sched_getaffinity`, POSIX
file modes, the `fork` start method) is made here and nowhere else, and
`tests/test_platform.py` scans the package for uses outside this module.

- `WINDOWS`: whether this is Windows. The functions below read it when they are called,
  so a test can set it to simulate Windows on Linux.
- `file_modes_kept()`: whether `os.stat(...).st_mode` tells who may read a file. On
  Windows it does not: every file reads as `0o666` (`0o444` when read-only), whatever
  its access control list says.
- `usable_cpus()`: the CPUs this process may run on.
- `start_method()`: how the process pool starts its workers. `fork` only on Linux when
  this process runs no other thread (workers start at once, with olclint imported);
  `spawn` everywhere else, and always on Windows, which has nothing else. The
  `OLCLINT_START_METHOD` environment variable (`fork`, `spawn` or `forkserver`) forces
  one where it exists, so the pool is tested under `spawn` on Linux; another value, or a
  method this system lacks, is ignored.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping

WINDOWS = os.name == "nt"

START_METHOD_ENV = "OLCLINT_START_METHOD"
START_METHODS = ("fork", "spawn", "forkserver")


def file_modes_kept() -> bool:
    """Whether the file system gives files POSIX modes that mean something."""
    return not WINDOWS


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only
    if affinity is not None:
        try:
            return max(1, len(affinity(0)))
        except OSError:
            pass
    return max(1, os.cpu_count() or 1)


def available_start_methods() -> tuple[str, ...]:
    """The start methods of `multiprocessing` on this system (Windows: spawn only)."""
    if WINDOWS:
        return ("spawn",)
    import multiprocessing

    return tuple(m for m in START_METHODS if m in multiprocessing.get_all_start_methods())


def start_method(environ: Mapping[str, str] | None = None) -> str:
    """The start method for olclint's process pool (see the module docstring)."""
    env = os.environ if environ is None else environ
    available = available_start_methods()
    forced = env.get(START_METHOD_ENV, "").strip().lower()
    if forced in available:
        return forced
    if (
        not WINDOWS
        and sys.platform.startswith("linux")
        and "fork" in available
        and threading.active_count() == 1
    ):
        return "fork"
    return "spawn"


def only_mine(*states: os.stat_result) -> bool:
    """Whether files belong to this user and nobody else may write them (POSIX owners and
    modes). On Windows, where the user's cache lives in their own profile, always True."""
    if WINDOWS:
        return True
    uid = os.geteuid()
    return all(st.st_uid == uid and not st.st_mode & 0o022 for st in states)
