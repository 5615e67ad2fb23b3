"""Connect preference files (`.prefs`): Java properties with the position of every entry.

A `.prefs` file is a Java properties file, read the way `java.util.Properties.load` reads
an `InputStream`:

- the bytes are ISO-8859-1 (every byte is one character);
- lines end at `\\r\\n`, `\\r` or `\\n`; leading spaces, tabs and form feeds are skipped;
- a line whose first non-blank character is `#` or `!` is a comment (a comment never
  continues onto the next line);
- a line ending in an odd number of backslashes continues on the next line, whose leading
  blanks are dropped; an empty continuation line ends the entry;
- the key ends at the first unescaped `=`, `:`, space, tab or form feed; blanks around the
  separator, and one `=` or `:` after blanks, are skipped; the rest is the value (trailing
  blanks included);
- `\\uXXXX`, `\\t`, `\\n`, `\\r`, `\\f` are escapes, and `\\x` is `x` for any other `x`.
  A malformed `\\uXXXX` makes Java reject the whole file: olclint reports it (OLC005) and
  skips that entry only, so later rules still see the rest.

A key that appears twice keeps both entries, in order; `PrefsFile.get` gives the last one,
as `Properties` does. Values of secret keys (`is_secret_name`) are never kept: they read
`REDACTED` with `secret=True`; credentials inside URL values are redacted too.

What the keys mean (the settings catalogue, JDBC URLs, `host:port`) is the domain's:
`olclint.domain.connect`.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import INPUT_VALUE_ERROR as INPUT_VALUE
from olclint.core.limits import MAX_FINDINGS_PER_FILE, too_many
from olclint.core.secrets import REDACTED, is_secret_name, redact_text, url_has_password
from olclint.readers.bulk import Rows

if TYPE_CHECKING:
    from olclint.readers.workspace import Workspace


_BLANK = " \t\f"
_EOL = "\r\n"
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_HEX = frozenset("0123456789abcdefABCDEF")
_EOL_AT = re.compile(r"[\r\n]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Property:
    """One `key=value` entry of a `.prefs` file."""

    key: str
    value: str  # REDACTED when the key is secret
    location: Location  # the key (first line of a continued entry)
    value_location: Location  # where the value starts; end_line/end_column when on one line
    secret: bool = False
    empty: bool = False  # the value is the empty string (before any redaction)
    url_password: bool = False  # a URL value that held a password (now REDACTED in it)


# A property of a common line, before it is asked for: (key, value, path, line, column,
# value column, value end column, secret, empty, url_password)
_KEY_OF, _SECRET_OF, _EMPTY_OF, _URL_PASSWORD_OF = 0, 7, 8, 9


def _property_of(row: tuple) -> Property:
    key, value, path, line, column, v, end, secret, empty, url_password = row
    at = Location(path, line, v, line, end)
    return Property(key, value, Location(path, line, column), at, secret, empty, url_password)


@dataclass(frozen=True)
class PrefsFile:
    path: str
    # the entries in order, as values or rows: see `Rows`
    property_rows: Rows
    diagnostics: tuple[Finding, ...]
    secrets: tuple[tuple[int, int], ...] = ()  # spans of secret values in the text read

    @property
    def properties(self) -> tuple[Property, ...]:
        """Every entry, in order (a key that appears twice: both)."""
        return self.property_rows.values()

    def get(self, key: str) -> Property | None:
        """The last entry with this key (the one Java keeps), or None."""
        index = self._last.get(key)
        return None if index is None else self.property_rows[index]

    def keys(self) -> Set[str]:
        """The keys of the entries, each once."""
        return self._last.keys()

    def secret_properties(self) -> tuple[Property, ...]:
        """The entries whose value is a secret and not empty, or a URL that held a
        password, in order."""
        picked = []
        for i, item in enumerate(self.property_rows.raw()):
            if type(item) is tuple:
                hit = (item[_SECRET_OF] and not item[_EMPTY_OF]) or item[_URL_PASSWORD_OF]
            else:
                hit = (item.secret and not item.empty) or item.url_password
            if hit:
                picked.append(self.property_rows[i])
        return tuple(picked)

    @functools.cached_property
    def _last(self) -> dict[str, int]:
        """key -> the index of its last entry, built on the first `get` (a lookup per key,
        not a scan)."""
        return {
            item[_KEY_OF] if type(item) is tuple else item.key: i
            for i, item in enumerate(self.property_rows.raw())
        }


class _Positions:
    """Offsets of a text to 1-based (line, column), lines ending at \\r\\n, \\r or \\n."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _LINE_END.finditer(text))]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _logical_line(text: str, i: int) -> tuple[list[str], list[int], int, bool]:
    """Java's LineReader from `i`, the first character of an entry (not blank, not a line
    end, not a comment): its characters, their offsets, where the reader stops (the line
    end after the entry, or the end of the text) and whether the entry counts."""
    n = len(text)
    chars: list[str] = []
    offsets: list[int] = []
    continued = False
    emit = True
    while True:
        segment_start = len(chars)
        eol = _EOL_AT.search(text, i)
        j = eol.start() if eol else n
        chars.extend(text[i:j])
        offsets.extend(range(i, j))
        if continued and j == i:  # an empty continuation line ends the entry
            emit = bool(chars)
            break
        run = 0
        k = len(chars) - 1
        while k >= segment_start and chars[k] == "\\":
            run += 1
            k -= 1
        if run % 2 == 0:
            break
        chars.pop()
        offsets.pop()
        if j + 1 >= n:  # end of file, or the line end is the file's last character
            j = n
            break
        j += 2 if text[j] == "\r" and text[j + 1] == "\n" else 1
        while j < n and text[j] in _BLANK:
            j += 1
        i = j
        continued = True
    return chars, offsets, j, emit


def _split_entry(chars: list[str]) -> tuple[int, int]:
    """Java's key/value split: (key length, value start)."""
    limit = len(chars)
    key_len = 0
    value_start = limit
    has_sep = False
    backslash = False
    while key_len < limit:
        c = chars[key_len]
        if c in "=:" and not backslash:
            value_start = key_len + 1
            has_sep = True
            break
        if c in _BLANK and not backslash:
            value_start = key_len + 1
            break
        backslash = (not backslash) if c == "\\" else False
        key_len += 1
    while value_start < limit:
        c = chars[value_start]
        if c not in _BLANK:
            if not has_sep and c in "=:":
                has_sep = True
            else:
                break
        value_start += 1
    return key_len, value_start


def _convert(chars: list[str]) -> tuple[str, int | None]:
    """Java's loadConvert: the unescaped text, and the index of a malformed \\u if any."""
    if "\\" not in chars:  # nothing to unescape (most entries)
        text = "".join(chars)
        if _SURROGATE.search(text):
            text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        return text, None
    out: list[str] = []
    i, n = 0, len(chars)
    while i < n:
        c = chars[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:  # cannot happen after the line reader; drop a dangling backslash
            break
        e = chars[i + 1]
        if e == "u":
            digits = chars[i + 2 : i + 6]
            if len(digits) < 4 or any(d not in _HEX for d in digits):
                return "".join(out), i
            out.append(chr(int("".join(digits), 16)))
            i += 6
            continue
        out.append(_SIMPLE_ESCAPES.get(e, e))
        i += 2
    text = "".join(out)
    if _SURROGATE.search(text):  # \uD83D\uDE00: one UTF-16 pair
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return text, None


def looks_like_url(value: str) -> bool:
    return "://" in value or value.lower().startswith("jdbc:")


def parse_prefs_text(text: str, rel: str) -> PrefsFile:
    """Read the properties of an already decoded `.prefs` text; never raises.

    One pass: `_COMMON` finds the plain `key=value` lines (no backslash, so no escape and
    no continuation) and the unusual lines; blank and comment lines are skipped inside the
    search. From an unusual line, Java's reader runs step by step (`_Reader.careful`) up to
    the next line start that the search can take over again."""
    reader = _Reader(rel, text)
    props = reader.props
    secret_keys: dict[str, bool] = {}
    count = text.count
    crs = "\r" in text  # a lone CR ends a line too
    resume, last, number = 0, 0, 1
    for m in _COMMON.finditer(text):
        start = m.start()
        if start < resume:
            continue
        number += count("\n", last, start)
        if crs:
            number += count("\r", last, start) - count("\r\n", last, start)
        last = start
        key = m[_KEY]
        if key is None:
            resume = reader.careful(start)
            continue
        k, v = m.start(_KEY) - start + 1, m.start(_VALUE)
        end = m.end(_VALUE)
        value = m[_VALUE]
        secret = secret_keys.get(key)
        if secret is None:
            secret = secret_keys[key] = is_secret_name(key)
        vc, ec = v - start + 1, end - start + 1
        if secret:
            if v < end:
                reader.secrets.append((v, end))
            props.append((key, REDACTED, rel, number, k, vc, ec, True, v == end, False))
            continue
        url_password = False
        empty = not value
        if looks_like_url(value):
            url_password = url_has_password(value)
            span = _url_password(value)
            value = redact_text(value)
            if span is not None:
                reader.secrets.append((v + span[0], v + span[1]))
        props.append((key, value, rel, number, k, vc, ec, False, empty, url_password))
    return reader.result()


# The lines most files are made of, found in one pass: at each start of a line (after a
# LF), a `key=value` line without backslash (so no escape and no continuation) and, as
# Java splits it, its key and value; or else an empty match at any line that is not blank
# or a comment. Java's reader reads such a plain line the same way: its key ends at the
# first separator or blank, one `=` or `:` and the blanks around it are skipped, the rest
# is the value, up to the line end. Each part can end in one place only (the key before a
# character it cannot hold, a value starting with no blank), so a line that fails costs
# time in proportion to its length, never more.
_COMMON = re.compile(
    r"^[ \t\f]*(?:"
    r"(?P<key>[^ \t\f\r\n=:\\#!\ud800-\udfff][^ \t\f\r\n=:\\\ud800-\udfff]*)"
    r"(?=[ \t\f\r\n=:]|\Z)"
    r"[ \t\f]*(?:[=:][ \t\f]*)?"
    r"(?P<value>(?:[^ \t\f\r\n\\\ud800-\udfff][^\r\n\\\ud800-\udfff]*)?)\r?$"
    r"|(?!(?:[#!][^\r\n]*)?\r?$))",
    re.M,
)
_KEY, _VALUE = _COMMON.groupindex["key"], _COMMON.groupindex["value"]


class _Reader:
    """What one text yields, entries in order: the common lines' from `parse_prefs_text`,
    the others' from `careful`, Java's reader step by step (positions by `_Positions`,
    built the first time an unusual line needs them)."""

    def __init__(self, rel: str, text: str) -> None:
        self.rel, self.text = rel, text
        self.props: list[Property | tuple] = []  # see PrefsFile
        self.problems: list[Finding] = []
        self.secrets: list[tuple[int, int]] = []
        self.dropped = 0
        self._pos: _Positions | None = None

    def careful(self, i: int) -> int:
        """Read the entries from `i` (a line start) as LineReader does; return where the
        reading stopped: just after a LF outside any entry, or the end of the text."""
        text, n = self.text, len(self.text)
        while True:
            while i < n and (text[i] in _BLANK or text[i] == "\r"):
                i += 1
            if i >= n:
                return n
            if text[i] == "\n":
                return i + 1
            if text[i] in "#!":
                eol = _EOL_AT.search(text, i)
                i = eol.start() if eol else n
                continue
            start = i
            chars, offsets, i, emit = _logical_line(text, i)
            if emit:
                self.entry(start, chars, offsets)

    def entry(self, start: int, chars: list[str], offsets: list[int]) -> None:
        """One logical line (its characters and their offsets) as an entry or a finding."""
        if self._pos is None:
            self._pos = _Positions(self.text)
        pos, rel = self._pos, self.rel
        end = offsets[-1] + 1 if offsets else start
        key_len, value_start = _split_entry(chars)
        line, column = pos.at(offsets[0] if offsets else start)
        location = Location(rel, line, column)
        key, bad_key = _convert(chars[:key_len])
        raw_value = chars[value_start:]
        value, bad_value = _convert(raw_value)
        if bad_key is not None or bad_value is not None:
            index = bad_key if bad_key is not None else value_start + (bad_value or 0)
            bad_line, bad_column = pos.at(offsets[index])
            if len(self.problems) >= MAX_FINDINGS_PER_FILE:  # counted, not kept
                self.dropped += 1
                return
            where = "key" if bad_key is not None else f"value of '{key}'"
            msg = (
                f"malformed \\uXXXX escape in the {where}: it needs four hex digits; "
                "Java's Properties.load rejects a file holding it (entry skipped)"
            )
            self.problems.append(
                diag(
                    INPUT_VALUE,
                    Level.ERROR,
                    msg,
                    Location(rel, bad_line, bad_column),
                    subject=key if bad_key is None else "",
                )
            )
            return
        if value_start < len(chars):
            v_line, v_column = pos.at(offsets[value_start])
            e_line, e_column = pos.at(end)
            if e_line == v_line:
                value_location = Location(rel, v_line, v_column, v_line, e_column)
            else:
                value_location = Location(rel, v_line, v_column)
        else:
            v_line, v_column = pos.at(end)
            value_location = Location(rel, v_line, v_column, v_line, v_column)
        secret = is_secret_name(key)  # the key as Java reads it: escapes decoded
        url_password = False
        if secret:
            value = REDACTED
            if value_start < len(chars):  # the value as written, continuation lines too
                self.secrets.append((offsets[value_start], end))
        elif looks_like_url(value):
            url_password = url_has_password(value)
            value = redact_text(value)
            span = _url_password("".join(raw_value))
            if span is not None:
                a, b = value_start + span[0], value_start + span[1]
                self.secrets.append((offsets[a], offsets[b - 1] + 1))
        self.props.append(
            Property(key, value, location, value_location, secret, not raw_value, url_password)
        )

    def result(self) -> PrefsFile:
        problems = self.problems
        if self.dropped:
            problems = [*problems, too_many(INPUT_VALUE, self.rel, self.dropped)]
        rows = Rows(self.props, _property_of)
        return PrefsFile(self.rel, rows, tuple(problems), secrets=tuple(self.secrets))


_ORACLE_HEAD = re.compile(r"\s*jdbc:oracle:[a-z0-9]+:", re.I)


def _url_password(raw: str) -> tuple[int, int] | None:
    """The span in a URL value `...//user:password@host` of its password: what follows
    the first `:` of the user info, which runs to the last `@` before the query, as the
    JDBC URL parser reads it (so a password may hold `/`, `@` or spaces)."""
    slash = raw.find("//")
    if slash < 0:
        oracle = _ORACLE_HEAD.match(raw)  # jdbc:oracle:thin:user/password@host
        if oracle is None:
            return None
        at = raw.find("@", oracle.end())
        cut = raw.find("/", oracle.end(), at) if at >= 0 else -1
        return (cut + 1, at) if cut >= 0 and at > cut + 1 else None
    query = raw.find("?", slash)
    at = raw.rfind("@", slash, query if query >= 0 else len(raw))
    colon = raw.find(":", slash + 2, at) if at >= 0 else -1
    if colon < 0 or at <= colon + 1:
        return None
    return colon + 1, at


def read_prefs(ws: Workspace, path: Path, where: Location | None = None) -> PrefsFile:
    """Read one `.prefs` file through the workspace (ISO-8859-1, as Java does)."""
    rel = ws.rel(path)
    data, problems = ws.read_bytes(path, where, "preference file")
    if data is None:
        return PrefsFile(rel, Rows((), _property_of), tuple(problems))
    text = data.decode("latin-1")
    parsed = parse_prefs_text(text, rel)
    ws.remember(rel, text, secrets=parsed.secrets)
    problem = _encoding_problem(data)
    if problem is not None:
        msg = f"'{rel}' {problem}; save it as ISO-8859-1 or ASCII"
        problems = [*problems, diag(INPUT_VALUE, Level.ERROR, msg, Location(rel, 1, 1))]
    return replace(parsed, diagnostics=tuple(problems) + parsed.diagnostics)


def _encoding_problem(data: bytes) -> str | None:
    """What an editor's encoding does to a file that Java reads as ISO-8859-1, if anything."""
    utf16 = "Java reads .prefs files as ISO-8859-1, so no key in it can be read"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"is UTF-16 text (it starts with a UTF-16 byte order mark): {utf16}"
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 4 >= len(head):
        return f"is UTF-16 text (every other byte is NUL): {utf16}"
    if data.startswith(b"\xef\xbb\xbf"):
        return (
            "starts with a UTF-8 byte order mark: Java reads it as ISO-8859-1 text, "
            "so the mark becomes part of the first key"
        )
    return None
