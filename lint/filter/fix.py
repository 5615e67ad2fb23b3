"""Which fixes of a run are safe, and what they make of each file's bytes.

`plan(findings, is_prefs)` sorts the findings that carry a `Fix` into edits to apply and
fixes that are listed only:

- **safe**: the region is on one line, has an end, and the replacement holds no line
  break (or the fix adds exactly one line, see `olclint.core.findings.Fix`), for every
  edit of the fix (`Fix.also`: a fix of several values, applied whole or not at all);
  the same fix proposed by several findings (one `bind-address` for every server) is
  applied once;
- **conflict**: two different edits touch one value (overlapping regions of a file):
  neither is applied;
- **unsafe**: anything else (a region across lines, a path outside the root).

`apply(data, edits, prefs)` replaces exactly the edited regions and keeps every other
byte: line endings (`\\r\\n`, `\\r`, `\\n`), the encoding (ISO-8859-1 for `.prefs`, UTF-8
or a single-byte code page for option files), comments, order and the final newline.
`unified_diff` renders old and new bytes so that `patch -p1` applies them at the root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from olclint.core.findings import Finding

_PREFS_EOL = re.compile(rb"\r\n|\r|\n")
_OPTION_EOL = re.compile(rb"\n")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Edit:
    """Replace columns [column, end_column) of `line` in `path` by `replacement`."""

    path: str
    line: int
    column: int
    end_column: int
    replacement: str
    findings: tuple[Finding, ...]

    @property
    def description(self) -> str:
        return self.findings[0].fix.description  # type: ignore[union-attr]

    def overlaps(self, other: Edit) -> bool:
        if self.path != other.path or self.line != other.line:
            return False
        if self.replacement.endswith("\n") or other.replacement.endswith("\n"):
            return self.replacement.endswith("\n") and other.replacement.endswith("\n")
        if self.column == self.end_column or other.column == other.end_column:
            return self.column == other.column
        return self.column < other.end_column and other.column < self.end_column


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    conflicts: list[Finding] = field(default_factory=list)
    unsafe: list[tuple[Finding, str]] = field(default_factory=list)

    def by_path(self) -> dict[str, list[Edit]]:
        paths: dict[str, list[Edit]] = {}
        for edit in self.edits:
            paths.setdefault(edit.path, []).append(edit)
        return paths

    @property
    def fixed(self) -> list[Finding]:
        return list(dict.fromkeys(f for e in self.edits for f in e.findings))


def _unsafe_reason(fix) -> str | None:
    loc = fix.location
    if loc.end_column is None or loc.end_line not in (None, loc.line):
        return "its region is not one value on one line"
    if loc.end_column < loc.column:
        return "its region ends before it starts"
    if any(ch in fix.replacement for ch in "\r\n") and not _adds_line(fix):
        return "its replacement spans lines"
    if not loc.path or loc.path.startswith(("/", "../")) or loc.path == "..":
        return "its file is outside the repository root"
    return None


def _adds_line(fix) -> bool:
    """A fix that adds one line (see `olclint.core.findings.Fix`)."""
    loc, text = fix.location, fix.replacement
    return (
        loc.column == 1
        and loc.end_column == 1
        and text.endswith("\n")
        and not any(ch in text[:-1] for ch in "\r\n")
    )


def _key(fix) -> tuple:
    loc = fix.location
    return (loc.path, loc.line, loc.column, loc.end_column, fix.replacement)


def plan(findings: Iterable[Finding]) -> Plan:
    """The run's fixes, sorted into safe edits, conflicts and unsafe ones."""
    result = Plan()
    merged: dict[tuple, list[Finding]] = {}
    for finding in findings:
        if finding.fix is None:
            continue
        why = next(filter(None, map(_unsafe_reason, finding.fix.edits)), None)
        if why is not None:
            result.unsafe.append((finding, why))
            continue
        key = tuple(sorted({_key(e) for e in finding.fix.edits}))
        own = [Edit(*k, ()) for k in key]
        if any(a.overlaps(b) for i, a in enumerate(own) for b in own[i + 1 :]):
            result.unsafe.append((finding, "two of its edits touch one value"))
            continue
        merged.setdefault(key, []).append(finding)
    groups = [[Edit(*k, tuple(found)) for k in key] for key, found in merged.items()]
    clashing: set[int] = set()
    for i, a in enumerate(groups):
        for j in range(i + 1, len(groups)):
            if any(x.overlaps(y) for x in a for y in groups[j]):
                clashing.update((i, j))
    for i, group in enumerate(groups):
        if i in clashing:
            result.conflicts.extend(group[0].findings)
        else:
            result.edits.extend(group)
    result.edits.sort(key=lambda e: (e.path, e.line, e.column))
    return result


class EditError(Exception):
    """An edit does not fit the file as it is now (it changed since it was read)."""


def _codec(data: bytes, prefs: bool) -> str:
    if prefs:
        return "latin-1"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"  # a single-byte code page: one byte, one column
    return "utf-8"


def _lines(data: bytes, prefs: bool) -> list[bytes]:
    """The physical lines of `data`, each with its own line end."""
    pattern = _PREFS_EOL if prefs else _OPTION_EOL
    lines, start = [], 0
    for m in pattern.finditer(data):
        lines.append(data[start : m.end()])
        start = m.end()
    if start < len(data):
        lines.append(data[start:])
    return lines


def apply(data: bytes, edits: Iterable[Edit], *, prefs: bool) -> bytes:
    """`data` with each edit's region replaced; every other byte kept."""
    codec = _codec(data, prefs)
    lines = _lines(data, prefs)
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        if edit.replacement.endswith("\n"):  # a new line (checked by `plan`)
            _add_line(lines, edit, codec)
            continue
        if not 1 <= edit.line <= len(lines):
            raise EditError(f"{edit.path}:{edit.line}: the file has no such line")
        raw = lines[edit.line - 1]
        head = b""
        if edit.line == 1 and codec == "utf-8" and not prefs and raw.startswith(_BOM):
            head, raw = _BOM, raw[len(_BOM) :]
        body = raw.rstrip(b"\r\n")
        end = raw[len(body) :]
        text = body.decode(codec)
        if edit.end_column - 1 > len(text):
            raise EditError(f"{edit.path}:{edit.line}: the line is shorter than the fix")
        try:
            new = (text[: edit.column - 1] + edit.replacement + text[edit.end_column - 1 :]).encode(
                codec
            )
        except UnicodeEncodeError as exc:
            raise EditError(
                f"{edit.path}:{edit.line}: the replacement cannot be written in the file's "
                f"encoding ({codec})"
            ) from exc
        lines[edit.line - 1] = head + new + end
    return b"".join(lines)


def secret_lines(data: bytes, shown: list[str] | None, *, prefs: bool) -> set[int]:
    """The 1-based lines of `data` that differ from `shown`, the lines as olclint shows
    them (secrets redacted): every line when `shown` is unknown."""
    codec = _codec(data, prefs)
    lines = [line.rstrip(b"\r\n").decode(codec, "replace") for line in _lines(data, prefs)]
    if shown is None:
        return set(range(1, len(lines) + 1))
    return {
        number
        for number, line in enumerate(lines, 1)
        if number > len(shown) or shown[number - 1] != line
    }


def _add_line(lines: list[bytes], edit: Edit, codec: str) -> None:
    """Insert `edit.replacement` as a line before line `edit.line`, ending like the line
    before it; at the end of a file without a final newline, the file still has none."""
    if not 2 <= edit.line <= len(lines) + 1:
        raise EditError(f"{edit.path}:{edit.line}: a line cannot be added there")
    before = lines[edit.line - 2]
    eol = before[len(before.rstrip(b"\r\n")) :]
    try:
        text = edit.replacement[:-1].encode(codec)
    except UnicodeEncodeError as exc:
        raise EditError(
            f"{edit.path}:{edit.line}: the new line cannot be written in the file's "
            f"encoding ({codec})"
        ) from exc
    if not eol:  # after a last line without a line break
        eol = next((ln[len(ln.rstrip(b"\r\n")) :] for ln in lines if ln.endswith(b"\n")), b"\n")
        lines[edit.line - 2] = before + eol
        lines.insert(edit.line - 1, text)
        return
    lines.insert(edit.line - 1, text + eol)


def unified_diff(path: str, old: bytes, new: bytes, *, prefs: bool, context: int = 3) -> bytes:
    """A unified diff of `path` (relative to the root) for `patch -p1`, byte-exact: line
    ends are kept inside the lines and a missing final newline is marked."""
    import difflib

    del prefs  # patch reads lines up to "\n", whatever ends them in the file
    a = [line.decode("latin-1") for line in _lines(old, False)]
    b = [line.decode("latin-1") for line in _lines(new, False)]
    out: list[str] = []
    for line in difflib.unified_diff(a, b, f"a/{path}", f"b/{path}", n=context):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
        elif line.startswith("@@"):
            out.append(line)
        else:
            out.append(line)
            if not line.endswith("\n"):
                out.append("\n\\ No newline at end of file\n")
    return "".join(out).encode("latin-1")
