"""Suppressions: inline `# olclint: ignore[ID,...] reason` comments and `[[suppress]]` entries.

Inline comments are found in the lines the readers kept (`Workspace.sources`); no file is
opened again. What is a comment depends on the file:

| file | own line (covers the next line) | trailing (covers its own line) |
|---|---|---|
| cluster.yaml | `#` first | `#` after white space, outside quotes |
| option file | `#` or `;` first | `#` outside quotes, except on `!include` lines |
| .prefs | `#` or `!` first, not on a continued line | none |
| grants.sql | `#` or `--` first | none |

On an `!include` line `#` is part of the path; Java properties have no trailing comments.

The comment text must start with `olclint: ignore[`; the ids are rule ids or names,
separated by commas; the rest of the comment is the reason. Several own-line comments in a
row all cover the first line after them that is not such a comment.

`apply` returns the findings that a suppression covers as `Outcome`s with their
`Suppressed` (kind `inSource` or `external`, the reason as justification), apart from the
kept ones. A `[[suppress]]` entry whose `expires` date is before the run's
date suppresses nothing: the finding is kept and its message says the suppression expired.
`unused` turns the inline ids that covered nothing into OLC007 notes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from olclint.core.findings import Finding, Level, Location, Related
from olclint.core.ids import UNUSED_SUPPRESSION as UNUSED
from olclint.filter.config import Suppression
from olclint.filter.outcome import EXTERNAL, IN_SOURCE, Outcome, Suppressed

YAML, OPTION, PREFS, GRANTS = "yaml", "option", "prefs", "grants"

_MARK = re.compile(r"olclint:\s*ignore\[([^\]]*)\](.*)$", re.IGNORECASE)
# what every _MARK match holds, each letter spelt as the classes IGNORECASE gives it
# (`i` matches U+0130 and U+0131 too): a search without IGNORECASE is several times faster
_MARKED = re.compile(
    r"[Oo][Ll][Cc][Ll][Ii\u0130\u0131][Nn][Tt]:\s*[Ii\u0130\u0131][Gg][Nn][Oo][Rr][Ee]\["
)
_OWN_LINE = {YAML: ("#",), OPTION: ("#", ";"), PREFS: ("#", "!"), GRANTS: ("#", "--")}


@dataclass(frozen=True)
class InlineSuppression:
    """One inline comment: the ids it names (as written), the line it covers, its reason."""

    path: str
    line: int  # the comment's line
    column: int  # the comment's first character
    target: int  # the line it covers
    ids: tuple[str, ...]
    reason: str

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.column)


def kind_of(path: str) -> str:
    """The comment syntax of a file by its name, when the model does not say."""
    lower = path.lower()
    if lower.endswith(".prefs"):
        return PREFS
    if lower.endswith((".yaml", ".yml")):
        return YAML
    if lower.endswith(".sql"):
        return GRANTS
    return OPTION


def _mark(body: str) -> tuple[tuple[str, ...], str] | None:
    match = _MARK.match(body.strip())
    if not match:
        return None
    ids = tuple(part.strip() for part in match[1].split(",") if part.strip())
    return ids, match[2].strip()


def _yaml_comment(line: str) -> int | None:
    """Index of a YAML comment's `#`: at the start or after white space, outside quotes."""
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote == '"':
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = ""
        elif quote == "'":
            if ch == "'" and line[i + 1 : i + 2] == "'":
                i += 1
            elif ch == "'":
                quote = ""
        elif ch in "\"'" and (i == 0 or line[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return None


def _option_comment(line: str) -> int | None:
    """Index of the first `#` outside quotes, as the server's remove_end_comment() finds it."""
    if line.lstrip().startswith("!"):
        return None
    quote = ""
    escape = False
    for i, ch in enumerate(line):
        if ch in "\"'" and not escape:
            if not quote:
                quote = ch
            elif quote == ch:
                quote = ""
        if not quote and ch == "#":
            return i
        escape = bool(quote) and ch == "\\" and not escape
    return None


def _continues(line: str) -> bool:
    """A .prefs line whose odd number of trailing backslashes continues it on the next."""
    stripped = line.rstrip("\r\n")
    return (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1


def _continued(lines: Sequence[str], index: int) -> bool:
    """Whether a .prefs line is the continuation of an entry, as java.util.Properties reads
    it: the lines before it end in a backslash back to an entry's line; a comment line
    (`#` or `!` first) never continues, even when it ends in a backslash."""
    start = index
    while start > 0 and _continues(lines[start - 1]):
        start -= 1
    # each line from `start` ends in a backslash: the first entry among them goes on to
    # the line asked about
    return any(not lines[k].lstrip(" \t\f").startswith(("#", "!")) for k in range(start, index))


def _marked(lines: Sequence[str]) -> list[int]:
    """The indexes of the lines that hold `olclint: ignore[` (in any case), found in one
    search over the whole text: most files have none, and no other line can hold a mark."""
    text = "\n".join(lines)
    found = _MARKED.search(text)
    if found is None:
        return []
    ends = list(itertools.accumulate(len(line) + 1 for line in lines))  # past each "\n"
    marked: list[int] = []
    while found is not None:
        index = bisect.bisect_right(ends, found.start())
        marked.append(index)
        found = _MARKED.search(text, ends[index]) if index + 1 < len(ends) else None
    return marked


_Own = list[tuple[int, int, tuple[str, ...], str]]  # (index, column, ids, reason)


def scan(path: str, lines: Sequence[str], kind: str) -> list[InlineSuppression]:
    """Every inline suppression comment of one file's lines."""
    own: _Own = []
    found: list[InlineSuppression] = []
    for index in _marked(lines):
        if kind == PREFS and _continued(lines, index):
            continue  # the line goes on the entry before it
        scan_line(path, index, lines[index], kind, own, found)
    return covering(path, own, found)


def scan_line(
    path: str, index: int, line: str, kind: str, own: _Own, found: list[InlineSuppression]
) -> None:
    """The mark of one line (not a continued one), if any: an own-line comment into `own`
    (its target is known once all are), a trailing one into `found`."""
    stripped = line.lstrip()
    column = len(line) - len(stripped) + 1
    starter = next((s for s in _OWN_LINE[kind] if stripped.startswith(s)), None)
    if starter is not None:
        mark = _mark(stripped[len(starter) :])
        if mark:
            own.append((index, column, *mark))
        return
    if kind in (YAML, OPTION):
        at = _yaml_comment(line) if kind == YAML else _option_comment(line)
        if at is not None:
            mark = _mark(line[at + 1 :])
            if mark:
                found.append(InlineSuppression(path, index + 1, at + 1, index + 1, *mark))


def covering(path: str, own: _Own, found: list[InlineSuppression]) -> list[InlineSuppression]:
    """All the suppressions in line order, each own-line comment covering the first line
    after it that is not such a comment."""
    own_lines = {index for index, *_ in own}
    for index, column, ids, reason in own:
        target = index + 1
        while target in own_lines:
            target += 1
        found.append(InlineSuppression(path, index + 1, column, target + 1, ids, reason))
    return sorted(found, key=lambda s: (s.line, s.column))


@dataclass
class Applied:
    """What the suppressions did to a run's findings."""

    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Outcome] = field(default_factory=list)
    used: set[tuple[InlineSuppression, str]] = field(default_factory=set)


def _with(finding: Finding, **props: str) -> Finding:
    own = dict(finding.properties)
    own.update(props)
    return replace(finding, properties=tuple(own.items()))


def _expired(finding: Finding, entry: Suppression, where: Location | None) -> Finding:
    note = f"the suppression in {entry.file}:{entry.line} expired on {entry.expires}"
    related = finding.related
    if where is not None:
        related = (*related, Related(where, f"suppression expired on {entry.expires}"))
    return _with(
        replace(finding, message=f"{finding.message} ({note}: {entry.reason})", related=related),
        suppressionExpired=str(entry.expires),
    )


def apply(
    findings: Iterable[Finding],
    inline: Sequence[InlineSuppression],
    external: Sequence[Suppression],
    *,
    today: dt.date,
    resolve: Callable[[str], str | None],
    config_location: Callable[[Suppression], Location | None] = lambda entry: None,
) -> Applied:
    """Split findings into kept and suppressed; `resolve` maps an id or name to a rule id."""
    by_line: dict[tuple[str, int], list[tuple[InlineSuppression, str, str]]] = {}
    for s in inline:
        for written in s.ids:
            rule = resolve(written)
            if rule is not None:
                by_line.setdefault((s.path, s.target), []).append((s, written, rule))
    out = Applied()
    for finding in findings:
        loc = finding.location
        hits = []
        if loc is not None:
            hits = [
                (s, w)
                for s, w, rule in by_line.get((loc.path, loc.line), ())
                if rule == finding.rule
            ]
        if hits:
            out.used.update(hits)
            out.suppressed.append(Outcome(finding, Suppressed(IN_SOURCE, hits[0][0].reason)))
            continue
        entries = [e for e in external if e.matches(finding.rule, finding.cluster, finding.node)]
        live = [e for e in entries if not e.expired(today)]
        if live:
            out.suppressed.append(Outcome(finding, Suppressed(EXTERNAL, live[0].reason)))
        elif entries:
            out.kept.append(_expired(finding, entries[0], config_location(entries[0])))
        else:
            out.kept.append(finding)
    return out


def unused(
    inline: Sequence[InlineSuppression],
    used: set[tuple[InlineSuppression, str]],
    *,
    resolve: Callable[[str], str | None],
    ran: Callable[[str, str], bool],
    cluster_of: Mapping[str, str],
) -> list[Finding]:
    """OLC007 notes: for each comment, the ids that covered nothing although their rule ran
    on the file (`ran(path, rule_id)`), and the ids that name no rule."""
    notes: list[Finding] = []
    for s in inline:
        unknown = [w for w in s.ids if resolve(w) is None]
        idle = [
            w
            for w in s.ids
            if (rule := resolve(w)) is not None and (s, w) not in used and ran(s.path, rule)
        ]
        parts = []
        if idle:
            parts.append(
                f"the suppression of {', '.join(idle)} matched no finding on line {s.target}; "
                "remove it, or move it to the finding's line"
            )
        if unknown:
            names = ", ".join(repr(u) for u in unknown)
            parts.append(f"{names} in the suppression is not a rule id or name")
        if not s.ids:
            parts.append("the suppression names no rule id")
        if not parts:
            continue
        message = "; ".join(parts)
        subject = f"{s.path}: ignore[{','.join(s.ids)}] {s.reason}".rstrip()
        notes.append(
            Finding(
                UNUSED,
                Level.NOTE,
                message,
                s.location,
                cluster=cluster_of.get(s.path, ""),
                subject=subject,
            )
        )
    return notes
