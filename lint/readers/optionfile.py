"""MySQL/MariaDB option files (my.ini / my.cnf), read the way the server reads them.

This follows the server's own reader (`mysys/my_default.c`, checked byte for byte against
`my_print_defaults` of MariaDB 10.11; MySQL 8.0 has the same code):

- The file is read as bytes, line by line with `fgets` into a 4095-byte buffer: a line of
  more than 4094 bytes is cut, and the rest is read as a line of its own. A NUL byte ends
  the line for everything that follows.
- White space is the latin-1 set: TAB, LF, VT, FF, CR, space and 0xA0 (so the trailing
  byte of a UTF-8 `à` is stripped from the end of a value).
- Blank lines and lines starting with `#` or `;` are comments. `#` also starts a comment
  anywhere outside quotes, in the name as well as in the value; `;` after a value does not.
- `!include PATH` and `!includedir PATH` (case-sensitive, white space after the word) are
  followed; any other `!` line is ignored. The path is the rest of the line, trimmed: no
  quotes are removed and `#` is part of it. The server drops the last byte of the line
  assuming it is the line break, so on a last line without one the path loses its last
  character. `!includedir` reads the files of the folder whose extension (after the last
  dot, case-sensitive) is `.cnf` (Unix) or `.cnf`/`.ini` (Windows), in byte order.
  Includes nest at most 10 deep; deeper directives are skipped, so a file that includes
  itself is read 11 times.
- `[name]` opens a group; text after `]` is ignored, trailing white space inside the
  brackets is removed, leading white space is not (`[ mysqld ]` is the group " mysqld").
  Group names match case-insensitively (ASCII). Each file starts outside any group.
- `name = value`: the name ends at the first `=` and is trimmed; the value is trimmed, one
  pair of matching quotes around it is removed, then the escapes `\\b \\t \\n \\r \\s \\\\
  \\" \\'` apply; any other backslash stays.
- An option before any group, a group line without `]`, an `!include`/`!includedir` without
  a path and a missing `!includedir` folder end the reading of that file with an error. In
  the top file the server then does not start; in an included file the rest of that file
  is skipped and the including file goes on.

Relative include paths resolve against the folder of the file that holds the directive (the
server uses its working folder, which a repository cannot know); absolute ones name files
on the database server and are not followed.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from olclint.core import platform
from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import INCLUDE_NOT_FOLLOWED as NOT_FOLLOWED
from olclint.core.ids import MISSING_INPUT_FILE
from olclint.core.ids import OPTION_FILE_ERROR as ERROR
from olclint.core.ids import OPTION_FILE_LINE_IGNORED as IGNORED
from olclint.core.limits import MAX_FINDINGS_PER_FILE, too_many
from olclint.core.secrets import REDACTED, is_secret_name, redact_text
from olclint.readers.bulk import Rows
from olclint.readers.winpath import windows_name_problem
from olclint.readers.workspace import Workspace, is_absolute_ref

MAX_INCLUDE_DEPTH = 10  # max_recursion_level in my_default.c
LINE_CHUNK = 4094  # fgets(buff, sizeof(buff) - 1) with buff[4096]: 4094 bytes per read
MAX_FILE_READS = 4096  # our own bound on the work an include loop can cause
MAX_READ_BYTES = 64 * 1024 * 1024  # ... and on the bytes all reads of one tree add up to

_SPACE = frozenset(b"\t\n\x0b\x0c\r \xa0")
_ESCAPES = {
    ord("n"): b"\n",
    ord("t"): b"\t",
    ord("r"): b"\r",
    ord("b"): b"\b",
    ord("s"): b" ",
    ord('"'): b'"',
    ord("'"): b"'",
    ord("\\"): b"\\",
}
_UTF8_BOM = b"\xef\xbb\xbf"
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True, slots=True)
class Option:
    """One `name[=value]` line of a group, as the server reads it.

    `location` is the option name (end: the end of the option text, before any comment);
    `value_location` the value as written (quotes included). `value` is the value after
    quote stripping and escapes, `raw_value` the text before; both are REDACTED for a
    secret.
    """

    group: str
    name: str
    key: str
    value: str | None
    location: Location
    value_location: Location | None
    secret: bool = False
    raw_value: str | None = None
    empty: bool = False  # no value, or an empty one (`password=`)


@dataclass(frozen=True, slots=True)
class GroupHeader:
    """A `[group]` line; `name` is lowercased, as between the brackets (trailing blanks cut)."""

    name: str
    location: Location


# An option of a common line, before it is asked for: (group, name, key, value, path, line,
# column, end column, value column or None for no `=`, secret, empty); a group header's:
# (name, path, line, column, end column)
_Row = tuple
_GROUP_OF, _SECRET_OF, _EMPTY_OF = 0, 9, 10


def _option_of(row: _Row) -> Option:
    group, name, key, value, path, line, column, end, v, secret, empty = row
    here = Location(path, line, column, line, end)
    at = None if v is None else Location(path, line, v, line, end)
    return Option(group, name, key, value, here, at, secret, value, empty)


def _header_of(row: _Row) -> GroupHeader:
    name, path, line, column, end = row
    return GroupHeader(name, Location(path, line, column, line, end))


@dataclass(frozen=True)
class OptionFile:
    path: str
    # the options and `[group]` lines in order, as values or rows (`_Row`): see `Rows`
    option_rows: Rows = field(default_factory=lambda: Rows((), _option_of), repr=False)
    group_rows: Rows = field(default_factory=lambda: Rows((), _header_of), repr=False)
    files: tuple[str, ...] = ()
    diagnostics: tuple[Finding, ...] = ()
    fatal: bool = False
    # (path, st_mode) of each file read from disk, includes too (empty for text in memory
    # and on Windows, whose modes say nothing); meaningful only when the files were
    # collected with their modes (rsync -a, tar -p)
    modes: tuple[tuple[str, int], ...] = ()

    @property
    def options(self) -> tuple[Option, ...]:
        """Every option, in the order the server reads them."""
        return self.option_rows.values()

    @property
    def groups(self) -> tuple[GroupHeader, ...]:
        """Every `[group]` line, in order."""
        return self.group_rows.values()

    @functools.cached_property
    def _by_group(self) -> dict[str, list[int]]:
        """group key -> the indexes of its options, built on the first `options_for`."""
        by: dict[str, list[int]] = {}
        for i, item in enumerate(self.option_rows.raw()):
            by.setdefault(item[_GROUP_OF] if type(item) is tuple else item.group, []).append(i)
        return by

    def options_for(self, groups: Iterable[str]) -> tuple[Option, ...]:
        """The options of these groups (case-insensitive), in the order the server reads them."""
        wanted = {group_key(g) for g in groups}
        picked = sorted(i for group in wanted for i in self._by_group.get(group, ()))
        return tuple(self.option_rows[i] for i in picked)

    def secret_options(self) -> tuple[Option, ...]:
        """The options whose value is a secret and not empty, in order."""
        picked = []
        for i, item in enumerate(self.option_rows.raw()):
            if type(item) is tuple:
                secret, empty = item[_SECRET_OF], item[_EMPTY_OF]
            else:
                secret, empty = item.secret, item.empty
            if secret and not empty:
                picked.append(self.option_rows[i])
        return tuple(picked)

    def last(self, key: str, groups: Iterable[str]) -> Option | None:
        """The option of `key` (dash or underscore alike) that wins in these groups, if any."""
        wanted = option_key(key)
        found = None
        for option in self.options_for(groups):
            if option.key == wanted:
                found = option
        return found


def option_key(name: str) -> str:
    """An option name normalised: lowercase, `_` as `-` (prefixes such as `loose-` kept)."""
    return name.lower().replace("_", "-")


def group_key(name: str) -> str:
    """A group name as compared by the server: ASCII case folded."""
    return name.translate(_ASCII_LOWER)


# -- text decoding -----------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _cp1252_map() -> dict[int, str]:
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


def codec_of(data: bytes) -> str:
    """ "utf-8" when the bytes are UTF-8, else "cp1252" (the usual ANSI code page of Windows)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode(data: bytes, codec: str) -> str:
    """Bytes as text: UTF-8 (bad sequences replaced) or cp1252 (undefined bytes as latin-1)."""
    if codec == "utf-8":
        return data.decode("utf-8", "replace")
    return data.decode("latin-1").translate(_cp1252_map())


def _encoding_problem(data: bytes) -> str | None:
    if data.startswith(_UTF8_BOM):
        return "starts with a UTF-8 byte order mark"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "is UTF-16 text (it starts with a UTF-16 byte order mark)"
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 4 >= len(head):
        return "is UTF-16 text (every other byte is NUL)"
    return None


def _file_text(data: bytes, codec: str) -> str:
    if data.startswith(_UTF8_BOM):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return decode(data, codec)


# -- the reader ------------------------------------------------------------------------


# The lines most files are made of, found in one pass over the file: at each line start,
# a `[group]` or `name[=value]` line of plain ASCII (no quotes, backslashes or NULs, white
# space only spaces and tabs, and CR before the LF; a name of letters, digits and `_.-`),
# at most one fgets() read long (LINE_CHUNK bytes with its LF), or else an empty match at
# any line that is not a short blank or comment line. Blank and comment lines are skipped
# inside the search; the lines of the empty matches go through `_Reader._physical`. Each
# part can end in one place only (a value starts and ends with no blank, the blanks after
# it are only there), and no part looks further than LINE_CHUNK bytes, so a line that
# fails costs time in proportion to its length at most.
_PLAIN = rb"[^\x00-\x20\x7f-\xff#\"'\\]+"
_COMMON = re.compile(
    rb"^(?:(?=[^\n]{0,4093}(?:\n|\Z))(?P<lead>[ \t]*)"
    rb"(?:\[(?P<group>[A-Za-z0-9_.\-]+)\][^\n\0]*"
    rb"|(?P<name>[A-Za-z0-9_.\-]+)[ \t\r]*"
    rb"(?:(?P<eq>=)[ \t\r]*(?:(?P<value>" + _PLAIN + rb"(?:[ \t]+" + _PLAIN + rb")*)[ \t\r]*)?)?"
    rb"(?P<comment>\#[^\n\0]*)?)"
    rb"(?:\n|\Z)"
    rb"|(?![ \t\r]{0,64}(?:[#;][^\n\0]{0,4000})?(?:\n|\Z)))",
    re.M,
)
_LEAD, _GROUP, _NAME, _EQ, _VALUE, _COMMENT = (
    _COMMON.groupindex[g] for g in ("lead", "group", "name", "eq", "value", "comment")
)


def _comment_start(line: bytes, start: int) -> int:
    """remove_end_comment(): the index of the first `#` outside quotes, else len(line)."""
    quote = 0
    escape = False
    for i in range(start, len(line)):
        c = line[i]
        if c in (0x22, 0x27) and not escape:
            if not quote:
                quote = c
            elif quote == c:
                quote = 0
        if not quote and c == 0x23:
            return i
        escape = bool(quote) and c == 0x5C and not escape
    return len(line)


def _unescape(value: bytes) -> bytes:
    out = bytearray()
    i = 0
    last = len(value) - 1
    while i <= last:
        c = value[i]
        if c == 0x5C and i != last:
            nxt = value[i + 1]
            out += _ESCAPES.get(nxt, bytes((0x5C, nxt)))
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


def _argument(line: bytes, start: int) -> tuple[int, int] | None:
    """get_argument(): the path after `!include`/`!includedir` (start: just after the word)."""
    while start < len(line) and line[start] in _SPACE:
        start += 1
    end = len(line) - 1  # the server assumes the last byte is the line break
    while end >= 1 and line[end - 1] in _SPACE:
        end -= 1
    if end <= start:
        return None
    return start, end


@dataclass
class _File:
    rel: str
    data: bytes
    codec: str
    folder: Path | None
    real: str


@dataclass
class _Reader:
    ws: Workspace | None
    include_exts: tuple[str, ...]
    # absolute folder on the database server -> its collected copy in the repository
    include_map: dict[str, Path] = field(default_factory=dict)
    options: list[Option | _Row] = field(default_factory=list)  # see OptionFile
    groups: list[GroupHeader | _Row] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    diagnostics: list[Finding] = field(default_factory=list)
    reads: int = 0
    bytes_read: int = 0
    modes: dict = field(default_factory=dict)
    _mute: int = 0
    _seen: set = field(default_factory=set)
    _cache: dict = field(default_factory=dict)
    _loops: set = field(default_factory=set)
    _columns: tuple | None = None  # (line, byte offset, columns before it): see _column
    _counts: dict = field(default_factory=dict)  # (rule, path) -> findings reported
    _over_bytes: bool = False  # MAX_READ_BYTES was hit

    # -- findings

    def report(self, rule: str, level: Level, message: str, loc: Location, subject: str) -> None:
        if self._mute:
            return
        count = self._counts.get((rule, loc.path), 0)
        if count >= MAX_FINDINGS_PER_FILE:  # counted, not kept: see result()
            self._counts[(rule, loc.path)] = count + 1
            return
        # messages quote file text (paths, names): `!include x.cnf # password=y` must not leak
        message, subject = redact_text(message), redact_text(subject)
        key = (rule, loc, message)
        if key not in self._seen:
            self._counts[(rule, loc.path)] = count + 1
            self._seen.add(key)
            self.diagnostics.append(diag(rule, level, message, loc, subject=subject))

    def error(self, message: str, loc: Location, subject: str) -> None:
        self.report(ERROR, Level.ERROR, message, loc, subject)

    def ignored(self, message: str, loc: Location, subject: str) -> None:
        self.report(IGNORED, Level.WARNING, message, loc, subject)

    # -- one file

    def read(self, f: _File, level: int, stack: tuple[str, ...]) -> bool:
        """Read one file; False when the server's reader fails on it (return -1)."""
        self.reads += 1
        self.bytes_read += len(f.data)
        if f.rel not in self.files:
            self.files.append(f.rel)
            if self.ws is not None:
                self.ws.remember(f.rel, _file_text(f.data, f.codec), lf_only=True)
                if platform.file_modes_kept():  # Windows: st_mode says nothing (ACLs)
                    with contextlib.suppress(OSError):  # a file that vanished keeps no mode
                        self.modes[f.rel] = os.stat(f.real).st_mode
        problem = _encoding_problem(f.data)
        if problem is None:
            return self._read_lines(f, level, stack)
        at = len(self.diagnostics)
        self._mute += 1  # what the server reads of such a file is noise: say it once
        try:
            ok = self._read_lines(f, level, stack)
        finally:
            self._mute -= 1
        if not ok:
            effect = "the server fails on its first line" + (
                " and does not start" if level == 0 else " and skips the file"
            )
        else:
            effect = "the server reads it byte by byte and finds no usable option in it"
        message = f"'{f.rel}' {problem}: {effect}; save it as UTF-8 without BOM (or ANSI)"
        found = diag(
            ERROR, Level.ERROR, message, Location(f.rel, 1, 1), subject=f"{f.rel}:encoding"
        )
        self.diagnostics.insert(at, found)
        return ok

    def _read_lines(self, f: _File, level: int, stack: tuple[str, ...]) -> bool:
        """The lines of one file, in one pass: `_COMMON` finds the plain `[group]` and
        `name[=value]` lines and the unusual ones; the unusual ones (and an option before
        any group) go through `_physical`, the server's reader step by step. A common line
        is ASCII up to what is located in it, so its columns are byte offsets."""
        data, rel = f.data, f.rel
        options, headers = self.options, self.groups
        names: dict[bytes, tuple[str, str, bool]] = {}  # name as written -> name, key, secret
        groups: dict[bytes, str] = {}
        group: str | None = None
        last, number = 0, 1
        for m in _COMMON.finditer(data):
            start, end = m.span()
            number += data.count(b"\n", last, start)
            last = start
            written = m[_GROUP]
            if start == end or (group is None and written is None):
                eol = data.find(b"\n", start)
                physical = data[start:] if eol < 0 else data[start : eol + 1]
                ok, group = self._physical(f, number, physical, group, level, stack)
                if not ok:
                    return False
                continue
            p = m.end(_LEAD) - start + 1  # the column of '[' or of the name
            if written is not None:
                name = groups.get(written)
                if name is None:
                    name = groups[written] = decode(written.lower(), f.codec)
                headers.append((name, rel, number, p, m.end(_GROUP) - start + 2))
                group = name
                continue
            written = m[_NAME]
            known = names.get(written)
            if known is None:
                name = decode(written, f.codec)
                known = names[written] = (name, option_key(name), is_secret_name(name))
            name, key, secret = known
            if m.start(_EQ) < 0:
                if secret:
                    name = redact_text(name)  # as _option does (a plain name keeps its text)
                    key = option_key(name)
                end = m.end(_NAME) - start + 1
                options.append((group, name, key, None, rel, number, p, end, None, secret, True))
                continue
            v, ve = m.span(_VALUE)
            if v >= 0:
                raw = REDACTED if secret else m[_VALUE].decode("ascii")
                v, ve = v - start, ve - start
            else:  # `name=`: the value is empty where the comment or the line ends
                comment = m.start(_COMMENT)
                v = ve = (end if comment < 0 else comment) - start
                raw = REDACTED if secret else ""
            row = (group, name, key, raw, rel, number, p, ve + 1, v + 1, secret, v == ve)
            options.append(row)
        return True

    def _physical(
        self,
        f: _File,
        number: int,
        physical: bytes,
        group: str | None,
        level: int,
        stack: tuple[str, ...],
    ) -> tuple[bool, str | None]:
        """One physical line (LF kept) as fgets() reads it: cut in chunks of LINE_CHUNK
        bytes, each up to a NUL read as a line of its own."""
        for start in range(0, max(len(physical), 1), LINE_CHUNK):
            chunk = physical[start : start + LINE_CHUNK]
            if start == 0 and len(physical.rstrip(b"\n")) > LINE_CHUNK and not self._mute:
                self.ignored(
                    f"line {number} is longer than {LINE_CHUNK} bytes; the server cuts it "
                    "and reads the rest as a line of its own",
                    self._loc(f, number, physical, LINE_CHUNK),
                    f"{f.rel}:long-line",
                )
            nul = chunk.find(b"\0")
            if nul >= 0:
                if not self._mute:
                    self.ignored(
                        f"line {number} holds a NUL byte; the server ignores the rest of the line",
                        self._loc(f, number, physical, start + nul),
                        f"{f.rel}:nul",
                    )
                chunk = chunk[:nul]
            ok, group = self._line(f, number, physical, start, chunk, group, level, stack)
            if not ok:
                return False, group
        return True, group

    def _loc(
        self, f: _File, number: int, physical: bytes, begin: int, end: int | None = None
    ) -> Location:
        column = self._column(f, physical, begin)
        end_column = None if end is None else self._column(f, physical, end)
        return Location(f.rel, number, column, None if end is None else number, end_column)

    def _column(self, f: _File, physical: bytes, offset: int) -> int:
        """The 1-based column of byte `offset`. On a long line (cut in chunks) the column
        is counted on from the last one asked for, so a line of megabytes costs linear
        time, not the square of its length."""
        if len(physical) <= LINE_CHUNK:
            return len(decode(physical[:offset], f.codec)) + 1
        cached = self._columns
        if cached is None or cached[0] is not physical or cached[1] > offset:
            cached = (physical, 0, 0)
        _, done, count = cached
        # step back to a character start, so a chunk edge never splits a UTF-8 sequence
        stop = offset
        if f.codec == "utf-8":
            while stop > done and physical[stop - 1] & 0xC0 == 0x80:
                stop -= 1
            if stop > done and physical[stop - 1] >= 0xC0:
                stop -= 1
        count += len(decode(physical[done:stop], f.codec))
        self._columns = (physical, stop, count)
        return count + len(decode(physical[stop:offset], f.codec)) + 1

    def _line(
        self,
        f: _File,
        number: int,
        physical: bytes,
        base: int,
        line: bytes,
        group: str | None,
        level: int,
        stack: tuple[str, ...],
    ) -> tuple[bool, str | None]:
        def loc(begin: int, end: int | None = None) -> Location:
            return self._loc(f, number, physical, base + begin, None if end is None else base + end)

        p = 0
        while p < len(line) and line[p] in _SPACE:
            p += 1
        if p == len(line) or line[p] in b"#;":
            return True, group
        if line[p] == 0x21:  # '!'
            return self._directive(f, number, physical, base, line, p, level, stack), group
        if line[p] == 0x5B:  # '['
            close = line.find(b"]", p + 1)
            if close < 0:
                self.error(
                    f"the group line has no ']': the server stops reading '{f.rel}' here"
                    + (" and does not start" if level == 0 else ""),
                    loc(p, len(line.rstrip(bytes(_SPACE)))),
                    f"{f.rel}:group-without-bracket",
                )
                return False, group
            end = close
            while line[end - 1] in _SPACE:
                end -= 1
            raw = line[p + 1 : end]
            name = decode(raw.lower(), f.codec)
            self.groups.append(GroupHeader(name, loc(p, close + 1)))
            blank = next((i for i, c in enumerate(raw) if c in _SPACE), None)
            if blank is not None:
                where = "before" if blank == 0 else "inside"
                written = decode(line[p + 1 : close], f.codec)
                self.ignored(
                    f"the group name [{written}] has white space {where} it: the server "
                    "compares it as written, so no program reads this group"
                    + (f" (write [{name.strip()}])" if blank == 0 else ""),
                    loc(p + 1 + blank, end),
                    f"{f.rel}:group-space:{name.strip()}",
                )
            return True, name
        if group is None:
            name_end = _comment_start(line, p)
            eq = line.find(b"=", p, name_end)
            shown = decode(line[p : eq if eq >= 0 else name_end].strip(bytes(_SPACE)), f.codec)
            if is_secret_name(shown) and eq < 0:
                shown = shown.split()[0] if shown.split() else shown
            self.error(
                f"the option '{shown}' comes before any [group]: the server stops reading "
                f"'{f.rel}' here" + (" and does not start" if level == 0 else ""),
                loc(p, len(line.rstrip(bytes(_SPACE)))),
                f"{f.rel}:option-before-group:{shown}",
            )
            return False, group
        self.options.append(self._option(f, loc, line, p, group))
        return True, group

    def _option(self, f: _File, loc, line: bytes, p: int, group: str) -> Option:
        cend = _comment_start(line, p)
        eq = line.find(b"=", p, cend)
        end = eq if eq >= 0 else cend
        while end > 0 and line[end - 1] in _SPACE:
            end -= 1
        if eq < 0:
            name_b = line[p:end]
            name = decode(name_b, f.codec)
            secret = is_secret_name(name)
            if secret and any(c in _SPACE for c in name_b):
                # `password hunter2`: the name itself holds the secret
                name = f"{name.split()[0]} {REDACTED}"
            elif secret:
                name = redact_text(name)  # `password:hunter2`
            return Option(
                group=group,
                name=name,
                key=option_key(name),
                value=None,
                location=loc(p, end),
                value_location=None,
                secret=secret,
                raw_value=None,
                empty=True,
            )
        # an empty name after leading blanks makes the server copy the rest of the line
        name_b = line[p:cend] if end < p else line[p:end]
        v = eq + 1
        while v < cend and line[v] in _SPACE:
            v += 1
        ve = cend
        while ve > v and line[ve - 1] in _SPACE:
            ve -= 1
        qs, qe = v, ve
        if ve - v >= 2 and line[v] in b"\"'" and line[v] == line[ve - 1]:
            qs, qe = v + 1, ve - 1
        name = decode(name_b, f.codec)
        secret = is_secret_name(name)
        value = decode(_unescape(line[qs:qe]), f.codec)
        raw_value = decode(line[v:ve], f.codec)
        if secret:
            value = raw_value = REDACTED
        return Option(
            group=group,
            name=name,
            key=option_key(name),
            value=value,
            location=loc(p, max(ve, end)),
            value_location=loc(v, ve),
            secret=secret,
            raw_value=raw_value,
            empty=v == ve,
        )

    # -- directives

    def _directive(
        self,
        f: _File,
        number: int,
        physical: bytes,
        base: int,
        line: bytes,
        p: int,
        level: int,
        stack: tuple[str, ...],
    ) -> bool:
        def loc(begin: int, end: int | None = None) -> Location:
            return self._loc(f, number, physical, base + begin, None if end is None else base + end)

        text_end = len(line.rstrip(bytes(_SPACE)))
        here = loc(p, text_end)
        if level >= MAX_INCLUDE_DEPTH:
            if len(set(stack)) == len(stack):  # a loop is reported where it closes
                self.ignored(
                    f"includes nest more than {MAX_INCLUDE_DEPTH} deep: the server skips "
                    "this directive",
                    here,
                    f"{f.rel}:include-depth",
                )
            return True
        q = p + 1
        while q < len(line) and line[q] in _SPACE:
            q += 1
        word = None
        for keyword in (b"includedir", b"include"):
            after = q + len(keyword)
            if line.startswith(keyword, q) and after < len(line) and line[after] in _SPACE:
                word = keyword
                break
        if word is None:
            shown = decode(line[p:text_end], f.codec)
            bare = line[q:text_end] in (b"include", b"includedir")
            self.ignored(
                f"'{shown}' has no path and no line break after it: the server ignores it"
                if bare
                else f"unknown directive '{shown}': the server ignores this line "
                "(only '!include' and '!includedir' exist, in lower case)",
                here,
                f"{f.rel}:directive:{shown}",
            )
            return True
        directive = "!" + word.decode()
        span = _argument(line, q + len(word))
        if span is None:
            self.error(
                f"'{directive}' without a path: the server stops reading '{f.rel}' here"
                + (" and does not start" if level == 0 else ""),
                here,
                f"{f.rel}:{directive}-empty",
            )
            return False
        a, b = span
        arg = decode(line[a:b], f.codec)
        intended = decode(line[a:text_end], f.codec)
        at = loc(a, text_end)
        notes = []
        if intended != arg:
            notes.append("the line has no line break, so the server drops its last character")
        if arg[:1] in ("'", '"'):
            notes.append("the server does not remove quotes around the path")
        if "#" in arg:
            notes.append("a comment after the path is read as part of the path")
        mapped = map_server_path(arg, self.include_map) if self.ws is not None else None
        if mapped is None and (is_absolute_ref(arg) or arg.startswith("~")):
            self.report(
                NOT_FOLLOWED,
                Level.WARNING,
                f"'{directive} {arg}' names a path on the database server that is not in the "
                "repository: the effective configuration could not be decided (map the "
                "server's folder onto the collected one with database.include_map)",
                at,
                f"{f.rel}:{directive}:{arg}",
            )
            return True
        if mapped is not None and self.ws is not None:
            if not self.ws.inside(mapped):
                _, problems = self.ws.resolve(mapped.parent, mapped.name, at, f"'{directive}' path")
                self.diagnostics.extend(_redacted(problems))
                return True
            if word == b"include":
                return self._include(f, mapped, arg, intended, notes, at, level, stack)
            return self._includedir(f, mapped, arg, intended, notes, at, level, stack)
        if self.ws is None or f.folder is None:
            if notes:
                self.ignored(
                    f"'{directive} {intended}': {'; '.join(notes)}, so the server looks for "
                    f"'{arg}'",
                    at,
                    f"{f.rel}:{directive}:{intended}",
                )
            return True
        target = f.folder / arg.replace("\\", "/")
        # a quoted or commented path is one the server looks for literally and never finds:
        # OLC004 says so below, before any question of Windows names
        quoted = arg[:1] in ("'", '"') or "#" in arg
        if not self.ws.inside(target) or (windows_name_problem(arg) and not quoted):
            _, problems = self.ws.resolve(f.folder, arg, at, f"'{directive}' path")
            self.diagnostics.extend(_redacted(problems))
            return True
        if word == b"include":
            return self._include(f, target, arg, intended, notes, at, level, stack)
        return self._includedir(f, target, arg, intended, notes, at, level, stack)

    def _include(self, f, target, arg, intended, notes, at, level, stack) -> bool:
        if not target.exists():
            why = (
                f"{'; '.join(notes)}: the server looks for '{arg}', which"
                if notes
                else ("the file")
            )
            self.ignored(
                f"'!include {intended}': {why} does not exist, and the server silently "
                "ignores this line",
                at,
                f"{f.rel}:!include:{intended}",
            )
            return True
        if target.is_dir():
            self.ignored(
                f"'!include {arg}' names a folder: the server reads nothing from it "
                "(use '!includedir')",
                at,
                f"{f.rel}:!include:{arg}",
            )
            return True
        self._follow(f, target, at, level, stack)
        return True

    def _includedir(self, f, target, arg, intended, notes, at, level, stack) -> bool:
        if not target.is_dir():
            what = "is not a folder" if target.exists() else "does not exist"
            why = (
                f"{'; '.join(notes)}: the server looks for '{arg}', which"
                if notes
                else ("the folder")
            )
            self.error(
                f"'!includedir {intended}': {why} {what}, and the server stops reading "
                f"'{f.rel}' here" + (" and does not start" if level == 0 else ""),
                at,
                f"{f.rel}:!includedir:{intended}",
            )
            return False
        try:
            names = os.listdir(target)
        except OSError as exc:
            self.error(
                f"'!includedir {arg}' cannot be listed ({exc.strerror or exc}): the server "
                f"stops reading '{f.rel}' here",
                at,
                f"{f.rel}:!includedir:{arg}",
            )
            return False
        for name in sorted(names, key=os.fsencode):
            dot = name.rfind(".")
            if dot < 0 or name[dot:] not in self.include_exts:
                continue
            path = target / name
            if path.is_dir():
                continue  # the server opens it and reads no line
            if not self.ws.inside(path):
                _, problems = self.ws.resolve(target, name, at, "'!includedir' file")
                self.diagnostics.extend(_redacted(problems))
                continue
            self._follow(f, path, at, level, stack)
        return True

    def _follow(self, f: _File, path: Path, at: Location, level: int, stack) -> None:
        real = os.path.realpath(path)
        rel = self.ws.rel(path)
        if real in stack:
            cycle = frozenset(stack[stack.index(real) :])
            if cycle not in self._loops:
                self._loops.add(cycle)
                self.error(
                    f"include loop: '{f.rel}' includes '{rel}', which is already being read; "
                    "the server reads the files again and again until includes are "
                    f"{MAX_INCLUDE_DEPTH} deep, so their options repeat",
                    at,
                    f"{f.rel}:include-loop:{rel}",
                )
        if self.reads >= MAX_FILE_READS:
            self.error(
                f"includes read more than {MAX_FILE_READS} files; the rest was not followed",
                at,
                f"{f.rel}:include-budget",
            )
            return
        data = self._cache.get(real)
        if data is None:
            data, problems = self.ws.read_bytes(path, at, "included option file")
            self.diagnostics.extend(problems)
            if data is None:
                return
            self._cache[real] = data
        if self.bytes_read + len(data) > MAX_READ_BYTES:
            if self._over_bytes:
                return  # said once, at the first include not followed
            self._over_bytes = True
            self.error(
                f"includes add up to more than {MAX_READ_BYTES} bytes read (one file "
                "included many times?); the rest was not followed",
                at,
                f"{f.rel}:include-bytes",
            )
            return
        child = _File(rel, data, codec_of(data), path.parent, real)
        self.read(child, level + 1, (*stack, real))  # an error there skips only that file

    def result(self, path: str, fatal: bool) -> OptionFile:
        over = [
            too_many(rule, file, count - MAX_FINDINGS_PER_FILE)
            for (rule, file), count in sorted(self._counts.items())
            if count > MAX_FINDINGS_PER_FILE
        ]
        return OptionFile(
            path=path,
            option_rows=Rows(self.options, _option_of),
            group_rows=Rows(self.groups, _header_of),
            files=tuple(self.files),
            diagnostics=(*self.diagnostics, *over),
            fatal=fatal,
            modes=tuple(self.modes.items()),
        )


def _redacted(findings: Iterable[Finding]) -> list[Finding]:
    return [
        replace(f, message=redact_text(f.message), subject=redact_text(f.subject)) for f in findings
    ]


def map_server_path(path: str, include_map: dict[str, Path]) -> Path | None:
    """The collected copy of an absolute server path, by the longest prefix of
    `include_map` (server folder -> repository folder) that holds it, else None. Windows
    paths (`C:\\...`, backslashes) compare without case."""
    if not include_map:
        return None
    text = path.replace("\\", "/")
    windows = len(text) >= 2 and text[1] == ":"
    best: tuple[int, Path, str] | None = None
    for prefix, folder in include_map.items():
        p = prefix.replace("\\", "/").rstrip("/")
        a, b = (text.lower(), p.lower()) if windows else (text, p)
        longer = best is None or len(p) > best[0]
        if (a == b or a.startswith(b + "/")) and longer:
            best = (len(p), folder, text[len(p) :].lstrip("/"))
    if best is None:
        return None
    _, folder, rest = best
    return folder / rest if rest else folder


def parse_option_text(
    text: str | bytes, rel: str = "my.cnf", *, include_exts: tuple[str, ...] = (".cnf", ".ini")
) -> OptionFile:
    """Read one option file from memory as the server reads it.

    `text` is the file's content (str is taken as UTF-8). `!include`/`!includedir` lines are
    checked (absolute, quoted, commented paths) but not followed.
    """
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    reader = _Reader(None, include_exts)
    ok = reader.read(_File(rel, data, codec_of(data), None, rel), 0, (rel,))
    return reader.result(rel, not ok)


def read_option_file(
    ws: Workspace,
    path: Path,
    where: Location | None = None,
    *,
    include_exts: tuple[str, ...] = (".cnf", ".ini"),
    include_map: dict[str, Path] | None = None,
) -> OptionFile:
    """Read the option file at `path` and what it includes, as the server reads them.

    `include_map` maps absolute folders of the database server (`/etc/mysql`) to their
    collected copies in the repository: an absolute include under one is read from there.

    `where` locates the reference to the file (for OLC002 when it is missing or outside the
    root). `include_exts` are the extensions `!includedir` reads: `.cnf` and `.ini` on
    Windows, only `.cnf` on Unix.
    """
    path = Path(path)
    rel = ws.rel(path)
    problem = None
    if not ws.inside(path):
        problem = "leaves the repository root; it was not opened"
    elif not path.exists():
        problem = "does not exist"
    elif not path.is_file():
        problem = "is not a file"
    if problem:
        found = diag(
            MISSING_INPUT_FILE, Level.ERROR, f"option file '{rel}' {problem}", where, subject=rel
        )
        return OptionFile(path=rel, diagnostics=(found,))
    data, problems = ws.read_bytes(path, where, "option file")
    if data is None:
        return OptionFile(path=rel, diagnostics=tuple(problems))
    reader = _Reader(ws, tuple(include_exts), dict(include_map or {}))
    real = os.path.realpath(path)
    ok = reader.read(_File(rel, data, codec_of(data), path.parent, real), 0, (real,))
    return reader.result(rel, not ok)
