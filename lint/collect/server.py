"""`olclint collect server PATH --output DIR`: a Connect server's files, from a folder.

PATH is the server's files as a folder: a mounted share of its system drive, or a copy.
Paths under it are found without flags, comparing names without case as Windows does:

- the preference store: `ProgramData/Objectif Lune/OL Connect/.settings/*.prefs` (or
  `.settings` right under PATH) goes to `DIR/settings/`, and the start-up overrides in
  `.../OL Connect/Initialization/Preferences/*.prefs` go to `DIR/initialization/`;
  `Initialization/Secrets` is never read;
- the database's option file, the first of `OPTION_FILES` that exists (or `--option-file`),
  goes to `DIR/` under its own name, with what it includes: a relative `!include` or
  `!includedir` keeps its place beside it; an absolute one (`C:/...`, `C:\\...`, `/etc/...`)
  is read from the same path under PATH, copied to `DIR/includes/<that path>`, and its
  directive line in the copy is changed to that relative path (the only change made to a
  collected file; the line keeps its number), so `olclint check` can follow it. What the
  server ignores (a quoted path, a comment after the path) is copied and not followed.

No path that leaves PATH (through `..` or a symbolic link) is followed. A `.prefs` file
that is no longer on the server is removed from `DIR/settings/` and `DIR/initialization/`,
so a second collection of an unchanged server changes nothing and git shows real drift.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from olclint.collect.files import CollectError, confined, write_file

CONNECT_DATA = ("ProgramData", "Objectif Lune", "OL Connect")
SETTINGS_DIR = "settings"
INIT_DIR = "initialization"
INCLUDES_DIR = "includes"
# where a Connect server's database option file lives, in the order they are tried
OPTION_FILES: tuple[tuple[str, ...], ...] = (
    (*CONNECT_DATA, "MySQL", "my.ini"),
    (*CONNECT_DATA, "MySQL", "data", "my.ini"),
    ("Program Files", "Objectif Lune", "OL Connect", "MySQL", "my.ini"),
    (*CONNECT_DATA, "MariaDB", "my.ini"),
    (*CONNECT_DATA, "MariaDB", "data", "my.ini"),
    ("Program Files", "Objectif Lune", "OL Connect", "MariaDB", "my.ini"),
    ("Program Files", "MariaDB *", "data", "my.ini"),
    ("ProgramData", "MySQL", "MySQL Server *", "my.ini"),
    ("etc", "mysql", "my.cnf"),
    ("etc", "my.cnf"),
)
_DIRECTIVE = re.compile(rb"^(?P<head>[ \t]*!include(?P<dir>dir)?[ \t]+)(?P<arg>[^\r\n]*?)[ \t]*$")
_MAX_INCLUDES = 200


def _inside(base: Path, path: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(base)))


def find(base: Path, parts: tuple[str, ...]) -> Path | None:
    """`base/parts...`, each name compared without case (`*` patterns allowed), inside base."""
    current = [base]
    for part in parts:
        found: list[Path] = []
        for folder in current:
            try:
                children = sorted(folder.iterdir())
            except OSError:
                continue
            found.extend(
                child
                for child in children
                if fnmatch.fnmatchcase(child.name.lower(), part.lower()) and _inside(base, child)
            )
        if not found:
            return None
        current = found
    return current[0]


def _prefs_files(folder: Path | None, base: Path) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() == ".prefs" and p.is_file() and _inside(base, p)
    )


def _under_base(base: Path, ref: str) -> tuple[Path, PurePosixPath] | None:
    """An absolute path of the server as (the path under PATH, its relative form)."""
    win = PureWindowsPath(ref)
    if win.drive or ref.startswith(("\\", "/")):
        parts = [p for p in win.parts[1:] if p not in ("\\", "/")] if win.drive else None
        if parts is None:
            parts = [p for p in PurePosixPath(ref.replace("\\", "/")).parts if p != "/"]
        if not parts or any(p == ".." for p in parts):
            return None
        located = find(base, tuple(parts))
        return (located, PurePosixPath(*parts)) if located is not None else None
    return None


class _OptionCollector:
    def __init__(self, base: Path, root: Path, output: Path) -> None:
        self.base, self.root, self.output = base, root, output
        self.written: list[tuple[Path, bool]] = []
        self.seen: set[str] = set()

    def collect(self, source: Path, target: Path) -> None:
        real = os.path.realpath(source)
        if real in self.seen or len(self.seen) >= _MAX_INCLUDES:
            return  # an include loop: the copy is there already
        self.seen.add(real)
        data = _read(source)
        lines = data.split(b"\n")
        for i, line in enumerate(lines):
            m = _DIRECTIVE.match(line.removesuffix(b"\r"))
            if not m:
                continue
            arg = m["arg"].decode("utf-8", "replace")
            if not arg or arg[0] in "'\"" or "#" in arg:
                continue  # the server ignores it: nothing to follow
            new_ref = self._follow(source, target, arg, bool(m["dir"]))
            if new_ref is not None and new_ref != arg:
                ending = b"\r" if line.endswith(b"\r") else b""
                lines[i] = m["head"] + new_ref.encode("utf-8") + ending
        self.written.append((target, write_file(self.root, target, b"\n".join(lines))))

    def _follow(self, source: Path, target: Path, arg: str, is_dir: bool) -> str | None:
        """Collect what a directive names; the reference the copy should hold."""
        absolute = _under_base(self.base, arg)
        if absolute is not None:
            found, rel = absolute
            copy = self.output / INCLUDES_DIR / rel
            new_ref = os.path.relpath(copy, target.parent).replace(os.sep, "/")
        else:
            if PureWindowsPath(arg).drive or arg.startswith(("/", "\\")):
                return None  # absolute, and not under PATH: left as the server has it
            found = source.parent / arg.replace("\\", "/")
            copy = target.parent / arg.replace("\\", "/")
            new_ref = arg
            if not _inside(self.base, found) or not _inside(self.output, copy):
                return None
        if not found.exists() or not _inside(self.base, found):
            return None
        if is_dir:
            if not found.is_dir():
                return None
            for child in sorted(found.iterdir()):
                readable = child.suffix.lower() in (".cnf", ".ini") and child.is_file()
                if readable and _inside(self.base, child):
                    self.collect(child, copy / child.name)
        elif found.is_file():
            self.collect(found, copy)
        return new_ref


MAX_FILE_BYTES = 8 * 1024 * 1024  # as check's default max-file-size


def _read(source: Path) -> bytes:
    """A regular file's bytes: a FIFO, device or folder is refused before it is opened
    (it could block forever), and so is a file over MAX_FILE_BYTES."""
    try:
        st = os.stat(source)
        if not stat.S_ISREG(st.st_mode):
            raise CollectError(f"{source} is not a regular file; nothing was collected from it")
        if st.st_size > MAX_FILE_BYTES:
            raise CollectError(f"{source} is over {MAX_FILE_BYTES} bytes; it was not collected")
        return source.read_bytes()
    except OSError as exc:
        raise CollectError(f"cannot read {source}: {exc.strerror or exc}") from exc


REMOVED_NOTE = "# olclint collect: secret values removed from this copy (db.password...)"


def _without_secrets(data: bytes, name: str) -> bytes:
    """The `.prefs` file with the value of every secret key and the password of every URL
    removed (Connect stores `db.password` encrypted, which is still a secret), as the
    reader finds them (`olclint.readers.prefs`), and a comment line saying so; every other
    byte as it was, so a second collection changes nothing."""
    from olclint.readers.prefs import parse_prefs_text

    text = data.decode("latin-1")  # Java reads .prefs as ISO-8859-1: every byte a character
    spans = sorted(parse_prefs_text(text, name).secrets)
    if not spans:
        return data
    out, at = [], 0
    for start, end in spans:
        out.append(text[at:start])
        at = max(at, end)
    out.append(text[at:])
    eol = "\r\n" if "\r\n" in text else "\n"
    return (REMOVED_NOTE + eol + "".join(out)).encode("latin-1")


def _sync_prefs(
    root: Path, base: Path, files: list[Path], folder: Path
) -> list[tuple[Path, bool | None]]:
    written = []
    names = set()
    for source in files:
        data = _without_secrets(_read(source), source.name)
        names.add(source.name)
        written.append((folder / source.name, write_file(root, folder / source.name, data)))
    if folder.is_dir():
        for stale in sorted(folder.iterdir()):
            if stale.suffix == ".prefs" and stale.name not in names and stale.is_file():
                confined(root, stale).unlink()
                written.append((stale, None))  # removed
    return written


def collect_server(
    path: Path, root: Path, output: Path, option_file: str | None = None
) -> list[tuple[Path, bool | None]]:
    """Copy a server's preference store and option file (with includes) into `output`:
    (path, True: written, False: unchanged, None: removed) of each file."""
    if not path.is_dir():
        raise CollectError(f"{path} is not a folder")
    base = Path(os.path.realpath(path))
    data = find(base, CONNECT_DATA)
    if data is None and find(base, (".settings",)) is not None:
        data = base  # PATH is the OL Connect folder itself
    store = find(data, (".settings",)) if data is not None else None
    overrides = find(data, ("Initialization", "Preferences")) if data is not None else None
    if option_file is not None:
        ini = find(base, tuple(PurePosixPath(option_file.replace("\\", "/")).parts))
        if ini is None or not ini.is_file():
            raise CollectError(f"--option-file {option_file} is not a file under {path}")
    else:
        ini = next((f for f in (find(base, parts) for parts in OPTION_FILES) if f), None)
    settings = _prefs_files(store, base)
    initial = _prefs_files(overrides, base)
    if not settings and not initial and ini is None:
        raise CollectError(
            f"{path} holds neither a Connect preference store "
            f"({'/'.join(CONNECT_DATA)}/.settings) nor a database option file"
        )
    written = _sync_prefs(root, base, settings, output / SETTINGS_DIR)
    written += _sync_prefs(root, base, initial, output / INIT_DIR)
    if ini is not None:
        options = _OptionCollector(base, root, output)
        options.collect(ini, output / ini.name.lower())
        written += options.written
    return written
