"""Files of a run: root confinement, size limits, and the redacted text kept for snippets.

Every reader opens files only through `Workspace`: it refuses absolute paths and paths
that leave the repository root (after `..` and symlinks), and remembers each file's lines,
with secrets redacted, so reporters can show a source line without opening a file again.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import MISSING_INPUT_FILE as MISSING
from olclint.core.secrets import REDACTED, redact_lines, redact_text
from olclint.core.text import printable
from olclint.readers.winpath import windows_name_problem

DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024
# errors a path's state explains (it is missing, not a folder, too long, a link loop, not
# readable by its mode): the same next time unless the state changes
_STABLE_ERRORS = frozenset(
    getattr(errno, name)
    for name in ("ENOENT", "ENOTDIR", "ENAMETOOLONG", "ELOOP", "EACCES", "EPERM", "EISDIR")
    if hasattr(errno, name)
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def git_probes(start: Path) -> list[Path]:
    """The `.git` paths `git_root` asks about, nearest first: one in the folder of
    `start` and in each folder above it."""
    folder = Path(os.path.abspath(start))
    probe = folder if folder.is_dir() else folder.parent
    probes = [probe / ".git"]
    while probe.parent != probe:
        probe = probe.parent
        probes.append(probe / ".git")
    return probes


def git_root(start: Path) -> Path | None:
    """The top of the git work tree holding `start`, or None outside every work tree."""
    folder = Path(os.path.abspath(start))
    folder = folder if folder.is_dir() else folder.parent
    for probe in git_probes(start):
        if probe.exists():
            return probe.parent
    try:  # a worktree or submodule whose .git lies elsewhere
        out = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def find_root(start: Path) -> Path:
    """The top of the git work tree holding `start`, else `start`'s folder."""
    root = git_root(start)
    if root is not None:
        return root
    return start if start.is_dir() else start.parent


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each span replaced by REDACTED; the line breaks inside a span are kept,
    so every later line keeps its number."""
    out: list[str] = []
    at = 0
    for start, end in sorted(spans):
        start = max(start, at)
        if end <= start:
            continue
        hidden = text[start:end]
        breaks = ""
        if "\n" in hidden or "\r" in hidden:
            breaks = "".join(m[0] for m in _LINE_BREAK.finditer(hidden))
        out += [text[at:start], REDACTED, breaks]
        at = end
    out.append(text[at:])
    return "".join(out)


def split_lines(text: str, lf_only: bool) -> list[str]:
    """The lines of `text` (no line end kept; no empty line after a last line end): split
    at LF, CRLF or CR, or at LF only (a CR before it dropped)."""
    if lf_only:
        lines = [line.removesuffix("\r") for line in text.split("\n")]
    else:
        lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


class ReadRefused(Exception):
    """A file of the run's own (configuration, baseline) refused: one line, exit 2."""


def read_confined(root: Path, path: Path, what: str, max_bytes: int) -> bytes:
    """The bytes of a file the run itself needs (the configuration, a baseline), under the
    same rules as inputs: inside the root after symbolic links, a regular file, at most
    `max_bytes`. Raises `ReadRefused` with a one-line message naming `what` and `path`."""
    data, problem = Workspace(root, max_file_bytes=max_bytes)._read(path)
    if data is None:
        if problem is not None and problem.startswith("cannot be read: No such file"):
            problem = "no such file"
        raise ReadRefused(f"{what} {path}: {problem}" if what else f"{path}: {problem}")
    return data


def is_absolute_ref(ref: str) -> bool:
    """Absolute in either world: `/etc/x`, `C:/x`, `C:\\x`, `\\\\server\\share`, and `\\x`
    (rooted on the current drive)."""
    # what pathlib calls absolute or anchored in either syntax, by the text alone (tested
    # against PurePosixPath and PureWindowsPath on every string of up to five pieces)
    return ref.startswith(("/", "\\")) or (ref[1:2] == ":" and ref[0].isalpha())


@dataclass
class Workspace:
    root: Path
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    sources: dict[str, list[str]] = field(default_factory=dict)
    _real_folders: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # every path the readers asked about (absolute): what the result cache keys on
    looked: set[str] = field(default_factory=set, repr=False, compare=False)
    # each file read (absolute) -> its state as it was read (`stat_row`'s followed part),
    # or ("unstable", errno) after an error that may not be there next time (EIO, EMFILE)
    read_rows: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.root = Path(os.path.realpath(self.root))
        root = str(self.root)
        self._root_text = root
        self._root_prefix = root if root.endswith(os.sep) else root + os.sep

    def _below_root(self, absolute: str) -> str | None:
        """`absolute` (normalized) relative to the root, POSIX style, when its text starts
        with the root's; None otherwise (the caller asks pathlib, which also knows that a
        Windows path is compared without case)."""
        if absolute == self._root_text:
            return "."
        if absolute.startswith(self._root_prefix):
            rest = absolute[len(self._root_prefix) :]
            if rest.startswith((os.sep, "/")):  # `//x` under the root `/`: pathlib decides
                return None
            return rest.replace(os.sep, "/") if os.sep != "/" else rest
        return None

    def rel(self, path: Path) -> str:
        """`path` relative to the root, POSIX style (absolute when outside it); a name that
        is not UTF-8 shows U+FFFD where its bad bytes are (`printable`)."""
        return printable(self._rel(path))

    def _rel(self, path: Path) -> str:
        fast = self._below_root(os.path.abspath(path))
        if fast is not None:
            return fast
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            real = Path(os.path.realpath(path))
            try:
                return real.relative_to(self.root).as_posix()
            except ValueError:
                return absolute.as_posix()

    def inside(self, path: Path) -> bool:
        """Whether `path` is inside the root (after links). Every file the readers open or
        examine is asked about here first, so `looked` records it."""
        self.looked.add(os.path.abspath(path))
        real = self._realpath(path)
        if self._below_root(real) is not None:
            return True
        return Path(real).is_relative_to(self.root)  # the root itself or below it

    def _realpath(self, path: Path) -> str:
        """`os.path.realpath(path)`, with the real path of each folder resolved once per
        run: realpath(folder/name) is realpath(folder)/name unless name is a link."""
        absolute = os.path.abspath(path)
        folder, name = os.path.split(absolute)
        if not name:
            return os.path.realpath(absolute)
        full = os.path.join(self._real_folder(folder), name)
        if os.path.islink(full):
            return os.path.realpath(full)
        return full

    def _real_folder(self, folder: str) -> str:
        """The real path of an absolute, normalized folder, from its nearest folder already
        resolved: each folder below it is its parent's real path and its name, unless it
        is a link (one lstat per new folder, not one per component of its path)."""
        real = self._real_folders.get(folder)
        if real is not None:
            return real
        if "\0" in folder:
            return os.path.realpath(folder)  # raises ValueError, as for any such path
        pending: list[str] = []
        while real is None:
            parent, name = os.path.split(folder)
            if not name or parent == folder:  # the top: `/`, a drive, a share
                real = self._real_folders[folder] = os.path.realpath(folder)
                break
            pending.append(folder)
            folder = parent
            real = self._real_folders.get(folder)
        for below in reversed(pending):
            full = os.path.join(real, os.path.basename(below))
            real = os.path.realpath(full) if os.path.islink(full) else full
            self._real_folders[below] = real
        return real

    def resolve(
        self, base_dir: Path, ref: str, where: Location | None, what: str, *, kind: str = "file"
    ) -> tuple[Path | None, list[Finding]]:
        """Resolve `ref` (relative to `base_dir`) to an existing path inside the root.

        Returns the path, or None with an OLC002 finding at `where`. `kind` is "file",
        "dir" or "any".
        """
        if not ref or is_absolute_ref(ref):
            msg = (
                f"{what} '{ref}' is an absolute path; paths must be relative to the cluster folder"
            )
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        problem = windows_name_problem(ref)
        if problem is not None:  # the same finding on every system: Windows opens no file
            msg = f"{what} '{ref}' {problem}; it was not opened"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        path = base_dir / ref.replace("\\", "/")
        if not self.inside(path):
            msg = f"{what} '{ref}' leaves the repository root; it was not opened"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError) as exc:  # ENOENT, EACCES, ENAMETOOLONG, ELOOP, a NUL
            self._unstable(path, exc)
            if isinstance(exc, FileNotFoundError | NotADirectoryError):
                msg = f"{what} '{ref}' does not exist"
            else:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                msg = f"{what} '{ref}' cannot be examined: {reason}"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        if kind == "file" and not stat.S_ISREG(mode):
            msg = f"{what} '{ref}' is not a file"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        if kind == "dir" and not stat.S_ISDIR(mode):
            msg = f"{what} '{ref}' is not a folder"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        return path, []

    def _unstable(self, path: Path, exc: Exception) -> None:
        """Note an error that the path's state does not show (a disk error, too many open
        files, a Windows sharing violation): a run that met one is not cached."""
        code = getattr(exc, "errno", None)
        if isinstance(exc, OSError) and code not in _STABLE_ERRORS:
            self.read_rows[os.path.abspath(path)] = ("unstable", code)

    def read_bytes(
        self, path: Path, where: Location | None, what: str
    ) -> tuple[bytes | None, list[Finding]]:
        """The bytes of a file already resolved inside the root, within the size limit.

        A path out of the root, a file that is not regular (a FIFO would block forever, a
        device never ends), a file over the limit or one that cannot be read is an OLC002
        finding at `where`, decided before the file is opened."""
        rel = self.rel(path)
        data, problem = self._read(path)
        if problem is not None:
            msg = f"{what} '{rel}' {problem}"
            return None, [diag(MISSING, Level.ERROR, msg, where or Location(rel), subject=rel)]
        return data, []

    def _read(self, path: Path) -> tuple[bytes | None, str | None]:
        """The bytes, or None and why not (a phrase that follows the file's name)."""
        if not self.inside(path):
            return None, "leaves the repository root; it was not opened"
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                return None, f"is not a regular file ({_kind(st.st_mode)}); it was not opened"
            if st.st_size > self.max_file_bytes:
                return None, (
                    f"is {st.st_size} bytes, over the limit of {self.max_file_bytes} bytes; "
                    "it was not read"
                )
            # O_NONBLOCK: a file swapped for a FIFO after the stat does not block the open
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with open(fd, "rb") as handle:
                opened = os.fstat(fd)
                if not stat.S_ISREG(opened.st_mode):
                    return None, "is not a regular file; it was not read"
                self.read_rows[os.path.abspath(path)] = (
                    opened.st_mode,
                    opened.st_size,
                    opened.st_mtime_ns,
                    opened.st_ctime_ns,
                    opened.st_ino,
                )
                # sized by the stat: a read of the limit allocates the limit (8 MiB) per file
                data = handle.read(st.st_size + 1)
                if len(data) > st.st_size:  # it grew since the stat
                    data += handle.read(self.max_file_bytes + 1 - len(data))
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
            self._unstable(path, exc)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            return None, f"cannot be read: {reason}"
        if len(data) > self.max_file_bytes:
            return None, f"grew over the limit of {self.max_file_bytes} bytes while read"
        return data, None

    def remember(
        self,
        rel: str,
        text: str,
        *,
        lf_only: bool = False,
        secrets: Iterable[tuple[int, int]] = (),
    ) -> None:
        """Keep the (redacted) lines of a file that was read, for snippets.

        Lines end at LF, CRLF or CR, as the YAML, .prefs and grants readers count them;
        `lf_only` for option files, whose reader ends a line at LF only. `secrets` are the
        spans (`text[start:end]`) that the file's parser understood as secret values: they
        are hidden whatever their spelling (escapes, continuation lines, doubled quotes,
        comments inside a statement); the patterns of `olclint.core.secrets` run after.
        """
        text = redact_text(mask_spans(text, secrets))
        self.sources[rel] = redact_lines(split_lines(text, lf_only))
