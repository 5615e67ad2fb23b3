"""The report cache: a repeated `olclint check` command line is answered from the bytes it
wrote the last time, before the command line is even parsed.

A process's command line (`main()` without arguments) is looked up under a key of
everything besides the files that can change what it writes:

- the arguments (`sys.argv`), the current folder, the interpreter (its path, version,
  flags and `-X` options, `sys.path`), olclint's version, the user and groups the process
  runs as, the date (UTC), and the environment variables olclint or Python read:
  `ENV_NAMES` and every name starting with one of `ENV_PREFIXES`;
- what standard output and standard error are: a terminal or not, their encoding and
  error handler, line buffering.

The entry holds the paths the run depended on, checked again on every lookup as strictly
as the result cache checks the readers' paths (`paths_state`: each path's state as itself
and followed, its folders up to the root, the listing of every folder with each entry's
kind): every path the readers looked at (`Workspace.looked`), every folder discovery
listed and path it examined, the configuration files, the baseline; olclint's own modules
and folders, the time-zone database, every `sys.path` folder but the first (an installed
or upgraded package changes its listing); of the first (the current folder with `-m`),
the entries Python would import in place of a module the run imported; and, for the git
work tree that decided the root, whether each `.git` between the first path and the root
exists. Any change is a miss, and a miss
runs the command as usual and records it again.

What is stored is what the run wrote to standard output and standard error, call by call
(writes and flushes, text or bytes), and its exit code. The run's start and end times in a
report (SARIF, JUnit) are stored as slots filled with the times of the run that replays
it; the report is rendered a second time with other times, and the run is stored only if
filling the slots gives exactly that second rendering. Only a `check` that writes nothing
but its report on standard output is stored (not `--fix`, `--diff`, `--sql`,
`--write-baseline`, `--output`, `--format FMT=FILE`, `--staged-deletions`, a GitHub report
with a job summary, nor `--no-cache`); nor a run whose root did not come from `--root` or
a `.git` found by looking up from the first path; nor one during which, or shortly before
which (`MARGIN_NS`), something it depended on changed; nor one that depended on a path
inside `.git` or a path in which a secret shows. Reports never show a secret, so neither
does an entry. Entries (`*.report`, `marshal`, written with the one writer) live beside
the result cache's (`cache_dir`); one that cannot be read is a miss.

This module imports nothing that is not loaded with the interpreter, so that a hit costs
little more than starting Python.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
import time

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the module
    from hashlib import blake2b

FORMAT = 1
SUFFIX = ".report"
MAX_ENTRIES = 32
# A file changed this shortly before the run began may share its timestamp with a change
# during the run (file systems keep coarse times): such a run is not stored.
MARGIN_NS = 2_000_000_000
ENV_NAMES = frozenset(
    {
        "CI",
        "FORCE_COLOR",
        "HOME",
        "LANG",
        "LANGUAGE",
        "LOCALAPPDATA",
        "NO_COLOR",
        "PATH",
        "SOURCE_DATE_EPOCH",
        "TERM",
        "TZ",
        "USERPROFILE",
        "XDG_CACHE_HOME",
    }
)
ENV_PREFIXES = ("OLCLINT_", "GITHUB_", "GIT_", "PYTHON", "LC_")
# the times a stored report is rendered with a second time (see the module docstring)
OTHER_TIMES = ("1970-01-02T03:04:05.000006Z", "1970-01-03T04:05:06.000007Z")


def cache_dir() -> str:
    """The user's cache folder for olclint (`OLCLINT_CACHE_DIR` first)."""
    env = os.environ.get("OLCLINT_CACHE_DIR")
    if env:
        return env
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "olclint", "cache")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "olclint")


def utc_now() -> str:
    """The time now in UTC, as reports show it: `2026-01-15T10:00:00.123456Z`."""
    ns = time.time_ns()
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 1_000_000_000))
    return f"{seconds}.{ns // 1000 % 1_000_000:06d}Z"


# --- the state of paths (shared with the result cache, olclint.cli.cache) ----------------


def stat_row(path: str) -> tuple:
    """A path's state as itself and followed (mode, size, times, inode), and its link."""
    rows: list = []
    for follow in (False, True):
        try:
            st = os.stat(path, follow_symlinks=follow)
        except (OSError, ValueError) as exc:
            rows.append(("error", getattr(exc, "errno", None)))
            continue
        rows.append((st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    try:
        link = os.readlink(path)
    except (OSError, ValueError):
        link = None
    return (path, *rows, link)


def trusted(fd: int, path: str | os.PathLike) -> bool:
    """Whether an open cache entry may be believed: it and its folder belong to this user
    and no one else may write them (a shared or restored cache folder could otherwise
    answer with a report that hides findings; the result cache is a pickle). Windows keeps
    the user's cache under their own profile (`%LOCALAPPDATA%`)."""
    from olclint.core.platform import only_mine

    try:
        return only_mine(os.fstat(fd), os.stat(os.path.dirname(os.path.abspath(path))))
    except OSError:
        return False


def as_read(read_rows: dict) -> bool:
    """Whether every file read is still in the state it was read in (a file's times may
    come from another clock: a share, a virtual machine), and no read met an error its
    path's state does not explain."""
    for path, row in read_rows.items():
        if row[0] == "unstable":
            return False
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return False
        if (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) != row:
            return False
    return True


def _names(path: str) -> list:
    return sorted(os.listdir(path))


def _kinds(path: str) -> list:
    """Each entry's name and kind (folder, link, and for a link what it leads to), so a
    file replaced by a folder shows, and so does a link whose target becomes a file: a
    reader that skipped the entry as a folder (`cluster.yaml` in discovery, `!includedir`)
    asked nothing else about it."""
    with os.scandir(path) as entries:
        return sorted(_kind(e) for e in entries)


def _kind(entry: os.DirEntry) -> tuple:
    if not entry.is_symlink():
        return (entry.name, entry.is_dir(follow_symlinks=False), False, None)
    try:
        led = (entry.is_dir(), entry.is_file())
    except OSError:
        led = None
    return (entry.name, False, True, led)


def paths_state(root, looked, *, kinds: bool = False) -> tuple[str, int]:
    """The state of every path looked at, of the folders between each and the root, and
    the listing of every folder among them (with each entry's kind when `kinds`); and the
    newest modification or change time among them (ns)."""
    digest = blake2b(digest_size=20)
    top = os.path.abspath(root)
    newest = 0
    paths: set[str] = set()
    for path in looked:
        paths.add(path)
        parent = os.path.dirname(path)
        while (parent == top or parent.startswith(top + os.sep)) and parent not in paths:
            paths.add(parent)
            if parent == top:
                break
            parent = os.path.dirname(parent)
    listing = _kinds if kinds else _names
    for path in sorted(paths):
        row = stat_row(path)
        digest.update(repr(row).encode("utf-8", "surrogateescape"))
        for part in row[1:3]:
            if part[0] != "error":
                newest = max(newest, part[2], part[3])
        first = row[1]
        if (first[0] != "error" and stat.S_ISDIR(first[0])) or (
            row[2][0] != "error" and stat.S_ISDIR(row[2][0])
        ):
            try:
                names = listing(path)
            except (OSError, ValueError) as exc:
                names = [f"\0error {getattr(exc, 'errno', None)}"]
            digest.update(repr(names).encode("utf-8", "surrogateescape"))
    return digest.hexdigest(), newest


def olclint_paths() -> list[str]:
    """olclint's own folders and modules, and the files of the time-zone database."""
    import importlib.util
    import zoneinfo

    paths: list[str] = []
    for package in ("olclint", "olclint.rules", "olclint.schemas"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for current, dirs, files in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                paths.append(current)
                paths += [
                    os.path.join(current, name)
                    for name in sorted(files)
                    if name.endswith((".py", ".json"))
                ]
    for base in zoneinfo.TZPATH:
        paths.append(base)
        paths += [os.path.join(base, name) for name in ("tzdata.zi", "zone1970.tab", "zone.tab")]
    try:
        spec = importlib.util.find_spec("tzdata")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        paths.append(spec.origin)
    return paths


# --- the key -----------------------------------------------------------------------------


def _stream(stream) -> tuple:
    if stream is None:
        return (None,)
    try:
        tty = stream.isatty()
    except (AttributeError, OSError, ValueError):
        tty = None
    return (
        type(stream).__name__,
        tty,
        getattr(stream, "encoding", None),
        getattr(stream, "errors", None),
        getattr(stream, "line_buffering", None),
        hasattr(stream, "buffer"),
    )


def _ids() -> tuple:
    found = []
    for name in ("getuid", "geteuid", "getgid", "getegid", "getgroups"):
        call = getattr(os, name, None)
        found.append(call() if call else None)
    return tuple(found)


def today() -> str:
    """The date of the key: the UTC date now."""
    return time.strftime("%Y-%m-%d", time.gmtime())


def command_key(argv: list[str], day: str) -> str:
    """The key of a command line on `day` (see the module docstring)."""
    import olclint

    env = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name in ENV_NAMES or name.startswith(ENV_PREFIXES)
    )
    parts = (
        FORMAT,
        olclint.__version__,
        olclint.__file__,
        sys.version,
        sys.platform,
        sys.executable,
        tuple(sys.flags),
        sorted(sys._xoptions.items()),
        list(sys.path),
        os.getcwd(),
        list(argv),
        list(sys.argv[1:]),
        env,
        _ids(),
        _stream(sys.stdout),
        _stream(sys.stderr),
        day,
    )
    return blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def wanted(argv: list[str]) -> bool:
    """Whether the command line may be answered or recorded at all: a check, with the
    cache on."""
    return bool(argv) and argv[0] == "check" and "--no-cache" not in argv


def _entry_path(key: str) -> str:
    return os.path.join(cache_dir(), f"{key}{SUFFIX}")


def _probes_hold(probes) -> bool:
    return all(os.path.exists(path) is exists for path, exists in probes)


def _state(entry: dict) -> str:
    return paths_state(entry["root"], entry["paths"], kinds=True)[0]


def _shadows(folder: str, names) -> list:
    """The entries of `folder` (the first `sys.path` folder: the current one with `-m`)
    that Python would import in place of one of the modules `names`."""
    try:
        entries = os.listdir(folder)
    except (OSError, ValueError) as exc:
        return [f"\0error {getattr(exc, 'errno', None)}"]
    return sorted(e for e in entries if e.partition(".")[0] in names)


# --- the lookup --------------------------------------------------------------------------


def _valid(entry) -> bool:
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return False
    calls = entry.get("calls")
    if not isinstance(calls, list) or not isinstance(entry.get("code"), int):
        return False
    for call in calls:
        if not (isinstance(call, tuple) and len(call) == 3 and call[0] in ("stdout", "stderr")):
            return False
        if call[1] not in ("write", "flush", "bwrite", "bflush"):
            return False
        if not isinstance(call[2], list):
            return False
        kind = bytes if call[1] == "bwrite" else str
        if not all(isinstance(p, (kind, int)) and not isinstance(p, bool) for p in call[2]):
            return False
    shadows = entry.get("shadows")
    if not (isinstance(shadows, tuple) and len(shadows) == 3 and isinstance(shadows[0], str)):
        return False
    return isinstance(entry.get("paths"), list) and isinstance(entry.get("probes"), list)


def lookup(argv: list[str]) -> dict | None:
    """The entry of this command line if nothing it depended on changed, else None."""
    if not wanted(argv):
        return None
    try:
        key = command_key(argv, today())
        path = _entry_path(key)
        with open(path, "rb") as handle:
            if not trusted(handle.fileno(), path):
                return None
            entry = marshal.load(handle)
        if not _valid(entry) or entry.get("key") != key:
            return None
        if not _probes_hold(entry["probes"]) or entry.get("state") != _state(entry):
            return None
        folder, names, shadows = entry["shadows"]
        if _shadows(folder, frozenset(names)) != shadows:
            return None
    except Exception:  # missing, truncated, foreign: a miss
        return None
    return entry


def _fill(parts: list, times: tuple[str, str]) -> str:
    slots = (times[0], times[1], times[0][:19], times[1][:19])
    return "".join(slots[p] if isinstance(p, int) else p for p in parts)


def _fill_bytes(parts: list, times: tuple[str, str]) -> bytes:
    slots = (times[0], times[1], times[0][:19], times[1][:19])
    return b"".join(slots[p].encode("ascii") if isinstance(p, int) else p for p in parts)


def replay(entry: dict) -> int:
    """Write what the stored run wrote, with this run's times, and return its exit code."""
    start = utc_now()
    for name, call, parts in entry["calls"]:
        stream = sys.stdout if name == "stdout" else sys.stderr
        if call == "write":
            stream.write(_fill(parts, (start, utc_now())))
        elif call == "flush":
            stream.flush()
        elif call == "bwrite":
            stream.buffer.write(_fill_bytes(parts, (start, utc_now())))
        else:
            stream.buffer.flush()
    sys.stdout.flush()
    return entry["code"]


# --- the recording -----------------------------------------------------------------------


class _Buffer:
    def __init__(self, tee: _Tee) -> None:
        self._tee = tee

    def write(self, data) -> int:
        self._tee.note("bwrite", bytes(data))
        if not self._tee.forward:
            return len(data)
        return self._tee.passed(lambda: self._tee.stream.buffer.write(data))

    def flush(self) -> None:
        self._tee.note("bflush", None)
        self._tee.passed(self._tee.stream.buffer.flush)

    def __getattr__(self, name: str):
        return getattr(self._tee.stream.buffer, name)


class _Tee:
    """A standard stream that notes every write and flush before passing it on (or not,
    while the report is rendered a second time)."""

    def __init__(self, name: str, stream, recording: Recording) -> None:
        self.name = name
        self.stream = stream
        self.forward = True
        self._recording = recording

    def note(self, call: str, data) -> None:
        self._recording.target.append((self.name, call, data))

    def passed(self, call):
        try:
            return call()
        except BaseException:
            self._recording.failed = True  # what the stream did is not what was noted
            raise

    def write(self, text: str) -> int:
        self.note("write", text)
        return len(text) if not self.forward else self.passed(lambda: self.stream.write(text))

    def flush(self) -> None:
        self.note("flush", None)
        self.passed(self.stream.flush)

    @property
    def buffer(self) -> _Buffer:
        self.stream.buffer  # noqa: B018 - AttributeError when the stream has none
        return _Buffer(self)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


class Recording:
    """One command line's run, noted for the report cache: `begin` puts the notes in
    place of the standard streams, `report` writes the report (and renders it a second
    time), `check` (olclint.cli.check) says what the run depended on, and `end` restores
    the streams and stores the entry when the run is one to keep."""

    def __init__(self, argv: list[str]) -> None:
        self.started = time.time_ns()
        self.day = today()
        self.key = command_key(argv, self.day)
        self.calls: list = []
        self.target = self.calls
        self.failed = False
        self.noted: dict | None = None
        self._report: tuple[int, int] | None = None
        self._again: list = []
        self._streams = (sys.stdout, sys.stderr)
        self._tees = (_Tee("stdout", sys.stdout, self), _Tee("stderr", sys.stderr, self))

    @classmethod
    def begin(cls, argv: list[str]) -> Recording | None:
        if not wanted(argv) or sys.stdout is None or sys.stderr is None:
            return None
        try:
            recording = cls(argv)
        except Exception:  # the cache is an optimisation: never a reason to fail
            return None
        sys.stdout, sys.stderr = recording._tees
        return recording

    def report(self, write, write_other) -> None:
        """`write()` writes the report; `write_other()` the same report with
        `OTHER_TIMES`, noted but not passed on (see the module docstring)."""
        first = len(self.calls)
        write()
        self._report = (first, len(self.calls))
        self.target = self._again
        for tee in self._tees:
            tee.forward = False
        try:
            write_other()
        finally:
            self.target = self.calls
            for tee in self._tees:
                tee.forward = True

    def check(self, root, paths, probes, times: tuple[str, str], code: int, read_rows=None) -> None:
        """What the run depended on (see the module docstring), its report's times and
        its exit code; `read_rows`: each file read and its state as read."""
        self.noted = {
            "read_rows": dict(read_rows or {}),
            "root": os.path.abspath(root),
            "paths": sorted(set(paths)),
            "probes": sorted(set(probes)),
            "times": times,
            "code": code,
        }

    def end(self, code: int | None) -> None:
        """Restore the streams; store the run when it is one to keep (`code`: the exit
        code of a run that returned)."""
        if sys.stdout is self._tees[0]:
            sys.stdout = self._streams[0]
        if sys.stderr is self._tees[1]:
            sys.stderr = self._streams[1]
        noted = self.noted
        if noted is None or self._report is None or self.failed or code != noted["code"]:
            return
        try:
            entry = self._entry(noted)
            if entry is not None:
                _store(self.key, entry)
        except Exception:  # a cache that cannot be written is no cache
            return

    def _entry(self, noted: dict) -> dict | None:
        calls = _template(self.calls, noted["times"])
        first, last = self._report
        if _template(self._again, OTHER_TIMES) != calls[first:last]:
            return None  # the times cannot be told from the rest of the report
        from olclint.core.secrets import redact_line

        paths = noted["paths"]
        git = os.path.join(noted["root"], ".git")
        if any(p == git or p.startswith(git + os.sep) for p in paths):
            return None
        if any(redact_line(p) != p for p in paths):
            return None  # a path made of what a file says may hold a secret
        # every sys.path folder but the first, which is often the current folder: of that
        # one, only what could be imported in place of a module the run imported
        paths = sorted({*paths, *olclint_paths(), *(os.path.abspath(p) for p in sys.path[1:])})
        first = os.path.abspath(sys.path[0]) if sys.path else os.getcwd()
        names = sorted(
            {n.partition(".")[0] for n in sys.modules} - {"__main__", *sys.builtin_module_names}
        )
        entry = {
            "format": FORMAT,
            "key": self.key,
            "root": noted["root"],
            "paths": paths,
            "probes": noted["probes"],
            "calls": calls,
            "code": noted["code"],
            "shadows": (first, names, _shadows(first, frozenset(names))),
        }
        if not _probes_hold(entry["probes"]):
            return None
        state, newest = paths_state(entry["root"], paths, kinds=True)
        if newest >= self.started - MARGIN_NS or today() != self.day:
            return None
        if not as_read(noted["read_rows"]):
            return None  # changed since it was read, whatever the clocks say
        entry["state"] = state
        return entry


def _template(calls: list, times: tuple[str, str]) -> list:
    """The calls with each of the times (and their first 19 characters) as a slot."""
    import re

    slots = (times[0], times[1], times[0][:19], times[1][:19])
    order = sorted(range(4), key=lambda i: -len(slots[i]))
    pattern = re.compile("|".join(re.escape(slots[i]) for i in order))
    found = []
    for name, call, data in calls:
        if data is None:
            found.append((name, call, []))
            continue
        text = data.decode("latin-1") if isinstance(data, bytes) else data
        parts: list = []
        at = 0
        for match in pattern.finditer(text):
            parts += [text[at : match.start()], slots.index(match.group())]
            at = match.end()
        parts.append(text[at:])
        if isinstance(data, bytes):
            parts = [p if isinstance(p, int) else p.encode("latin-1") for p in parts]
        found.append((name, call, [p for p in parts if p != "" and p != b""]))
    return found


def _store(key: str, entry: dict) -> None:
    from pathlib import Path

    from olclint.core.writer import Writer

    folder = Path(cache_dir())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    Writer(folder).write_bytes(folder / f"{key}{SUFFIX}", marshal.dumps(entry), what="cache")
    entries = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-MAX_ENTRIES]:
        old.unlink()
