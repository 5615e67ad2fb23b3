"""Every file olclint writes goes through `Writer`: nothing lost, nothing outside the root.

Reports (`--output`), baselines (`--write-baseline`), and later fixes, SQL scripts and
collected files are all written with one mechanism:

```python
writer = Writer(root, protected=[*files_the_run_read])
writer.protect(another_input)           # e.g. the configuration file, the baseline read
writer.write_text(Path(args.output), text, what="--output")
```

What `write_text` / `write_bytes` guarantee:

- **Atomic.** The data goes to a new temporary file in the target's own folder
  (`.NAME.XXXXXXXX.tmp`), is flushed to disk (`fsync`), then renamed over the target
  (`os.replace`). A full disk, a file-size limit, an exception or an interrupt leaves the
  old file as it was, and the temporary file is removed (a killed process may leave one
  behind; never a truncated target). A new file gets the usual mode (0666 less the umask);
  a replaced file keeps its mode.
- **Never over an input.** A target that is the same file (same device and inode, so
  another spelling, a symbolic link or a hard link too) as a protected file is refused.
- **Never out of the root through a link.** A target whose path is inside the root but
  whose real path (after symbolic links) is outside it is refused: a committed
  `olclint.sarif -> /somewhere/else` symlink cannot redirect a write. A target that is
  outside the root as written (`--output /tmp/report.txt`) is the user's own choice and
  is written. A symbolic link whose target is inside the root is followed: the file it
  points at is replaced and the link stays.
- **Only regular files.** A folder, FIFO or socket target is refused (a FIFO would block
  the run). A character device (`/dev/null`) is written to directly, since it cannot be
  renamed over.

Every refusal or failure raises `WriteError`, whose message is one line naming the file as
the user wrote it; the CLI turns it into exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from olclint.core.text import printable


class WriteError(Exception):
    """A file olclint was asked to write was refused or could not be written."""


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class Writer:
    """Writes files for one run, refusing the run's inputs and links out of `root`."""

    def __init__(self, root: Path, protected: Iterable[Path] = ()) -> None:
        self.root = os.path.realpath(root)
        self._protected: set[tuple[int, int]] = set()
        for path in protected:
            self.protect(path)

    def protect(self, path: Path) -> None:
        """Refuse later writes over `path` (a file the run read); a missing file is ignored."""
        ident = _identity(Path(path))
        if ident is not None:
            self._protected.add(ident)

    def write_text(self, path: Path, text: str, *, what: str = "", encoding: str = "utf-8") -> None:
        """Write `text` to `path` atomically (see the module docstring); lone surrogates
        become U+FFFD (`olclint.core.text.printable`)."""
        try:
            data = printable(text).encode(encoding)
        except UnicodeEncodeError as exc:  # a character the encoding lacks
            raise WriteError(f"{self._shown(path, what)}: cannot be encoded: {exc.reason}") from exc
        self.write_bytes(path, data, what=what)

    def write_bytes(self, path: Path, data: bytes, *, what: str = "") -> None:
        """Write `data` to `path` atomically (see the module docstring)."""
        shown = self._shown(path, what)
        target = self._target(Path(path), shown)
        try:
            st = os.stat(target)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise WriteError(f"{shown}: cannot be written: {_reason(exc)}") from exc
        if st is not None:
            if (st.st_dev, st.st_ino) in self._protected:
                raise WriteError(f"{shown}: is a file this run read; it was not overwritten")
            if stat.S_ISCHR(st.st_mode):
                self._write_device(target, data, shown)
                return
            if not stat.S_ISREG(st.st_mode):
                raise WriteError(f"{shown}: is not a regular file; it was not written")
        self._replace(target, data, shown, None if st is None else stat.S_IMODE(st.st_mode))

    # -- internals ----------------------------------------------------------------------

    @staticmethod
    def _shown(path: Path, what: str) -> str:
        return f"{what} {path}" if what else str(path)

    def _target(self, path: Path, shown: str) -> str:
        """The real file to replace; refuses a path in the root that a link takes out of it."""
        try:
            written = os.path.abspath(path)
            real = os.path.realpath(path)
        except (OSError, ValueError) as exc:
            raise WriteError(f"{shown}: cannot be written: {_reason(exc)}") from exc
        if _inside(written, self.root) and not _inside(real, self.root):
            raise WriteError(
                f"{shown}: is a symbolic link out of the repository root; it was not written"
            )
        return real

    def _replace(self, target: str, data: bytes, shown: str, mode: int | None) -> None:
        folder, name = os.path.split(target)
        tmp = ""
        fd = -1
        try:
            for _ in range(100):
                tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
                try:
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                    break
                except FileExistsError:
                    continue
            else:  # pragma: no cover - 100 random names taken
                raise WriteError(f"{shown}: cannot be written: no free temporary name")
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            os.close(fd)
            fd = -1
            os.replace(tmp, target)
            tmp = ""
        except OSError as exc:
            raise WriteError(f"{shown}: cannot be written: {_reason(exc)}") from exc
        finally:  # also on KeyboardInterrupt: no partial file is left
            if fd >= 0:
                os.close(fd)
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        _sync_folder(folder)

    @staticmethod
    def _write_device(target: str, data: bytes, shown: str) -> None:
        try:
            fd = os.open(target, os.O_WRONLY)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except OSError as exc:
            raise WriteError(f"{shown}: cannot be written: {_reason(exc)}") from exc


def _sync_folder(folder: str) -> None:
    """Make the rename durable where the OS allows it (best effort)."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.EFBIG:
            return "file too large (a file-size limit); the old file is unchanged"
        if exc.errno == errno.ENOSPC:
            return "no space left on the device; the old file is unchanged"
        return exc.strerror or str(exc)
    return str(exc)
