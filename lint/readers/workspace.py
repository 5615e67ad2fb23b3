"""Files of a run: root confinement, size limits, and the redacted text kept for snippets.

Every reader opens files only through `Workspace`: it refuses absolute paths and paths
that leave the repository root (after `..` and symlinks), and remembers each file's lines,
with secrets redacted, so reporters can show a source line without opening a file again.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import MISSING_INPUT_FILE as MISSING
from olclint.core.secrets import redact_line, redact_text
from olclint.readers.winpath import windows_name_problem

DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def git_root(start: Path) -> Path | None:
    """The top of the git work tree holding `start`, or None outside every work tree."""
    folder = Path(os.path.abspath(start))
    folder = folder if folder.is_dir() else folder.parent
    probe = folder
    while True:
        if (probe / ".git").exists():
            return probe
        if probe.parent == probe:
            break
        probe = probe.parent
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


def is_absolute_ref(ref: str) -> bool:
    """Absolute in either world: `/etc/x`, `C:/x`, `C:\\x`, `\\\\server\\share`, and `\\x`
    (rooted on the current drive)."""
    return (
        PurePosixPath(ref).is_absolute()
        or PureWindowsPath(ref).is_absolute()
        or bool(PureWindowsPath(ref).anchor)  # `\\x`, `C:x`: drive or root only
        or (len(ref) >= 2 and ref[1] == ":" and ref[0].isalpha())
    )


@dataclass
class Workspace:
    root: Path
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    sources: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(os.path.realpath(self.root))

    def rel(self, path: Path) -> str:
        """`path` relative to the root, POSIX style (absolute when outside it)."""
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
        real = Path(os.path.realpath(path))
        return real.is_relative_to(self.root)  # the root itself or below it

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
        if not path.exists():
            msg = f"{what} '{ref}' does not exist"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        if kind == "file" and not path.is_file():
            msg = f"{what} '{ref}' is not a file"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        if kind == "dir" and not path.is_dir():
            msg = f"{what} '{ref}' is not a folder"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=ref)]
        return path, []

    def read_bytes(
        self, path: Path, where: Location | None, what: str
    ) -> tuple[bytes | None, list[Finding]]:
        """The bytes of a file already resolved inside the root, within the size limit."""
        rel = self.rel(path)
        if not self.inside(path):
            msg = f"{what} '{rel}' leaves the repository root; it was not opened"
            return None, [diag(MISSING, Level.ERROR, msg, where, subject=rel)]
        try:
            size = path.stat().st_size
            if size > self.max_file_bytes:
                msg = (
                    f"{what} '{rel}' is {size} bytes, over the limit of "
                    f"{self.max_file_bytes} bytes; it was not read"
                )
                return None, [diag(MISSING, Level.ERROR, msg, where or Location(rel), subject=rel)]
            with open(path, "rb") as handle:
                data = handle.read(self.max_file_bytes + 1)
        except OSError as exc:
            msg = f"{what} '{rel}' cannot be read: {exc.strerror or exc}"
            return None, [diag(MISSING, Level.ERROR, msg, where or Location(rel), subject=rel)]
        if len(data) > self.max_file_bytes:
            msg = f"{what} '{rel}' grew over the limit of {self.max_file_bytes} bytes while read"
            return None, [diag(MISSING, Level.ERROR, msg, where or Location(rel), subject=rel)]
        return data, []

    def remember(self, rel: str, text: str, *, lf_only: bool = False) -> None:
        """Keep the (redacted) lines of a file that was read, for snippets.

        Lines end at LF, CRLF or CR, as the YAML, .prefs and grants readers count them;
        `lf_only` for option files, whose reader ends a line at LF only.
        """
        text = redact_text(text)
        if lf_only:
            lines = [line.removesuffix("\r") for line in text.split("\n")]
        else:
            lines = _LINE_BREAK.split(text)
        if lines and lines[-1] == "":
            lines.pop()
        self.sources[rel] = [redact_line(line) for line in lines]
