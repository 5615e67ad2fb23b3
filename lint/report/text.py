"""The human format: one block per finding, then notifications, then a summary.

```
cluster/prod/db/my.cnf:3:16: OLC101 error: bind-address 127.0.0.1 is loopback only
  3 | bind-address = 127.0.0.1
    |                ^^^^^^^^^
  cluster/prod/cluster.yaml:7:5: note: ext01 connects from 10.0.0.2
  fix: listen on 0.0.0.0

OLC301 error: the master has no Performance Pack licence (cluster prod)

olclint: error: rule OLC402 failed [OLC402, ValueError]
Found 2 problems (2 errors, 0 warnings, 0 notes) in 1 file.
```

The source line comes from the redacted lines the readers kept; it is shown only when
known. Control characters of messages and source lines are shown as U+FFFD so a file
cannot drive the terminal. Colours only when asked (the CLI decides).
"""

from __future__ import annotations

from olclint.core.findings import Finding, Level, Location, Notification
from olclint.report import Report, baseline_notes, counts, sorted_findings, visible

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_LEVEL_COLOR = {Level.ERROR: "\x1b[1;31m", Level.WARNING: "\x1b[1;33m", Level.NOTE: "\x1b[1;36m"}
_RULE_COLOR = "\x1b[1;35m"
_DIM = "\x1b[2m"

_clean = visible  # control characters (tab aside) made visible and harmless


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def level(self, level: Level) -> str:
        return self(_LEVEL_COLOR[level], str(level))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _source_line(report: Report, location: Location) -> str | None:
    lines = report.sources.get(location.path)
    if lines is None or not 1 <= location.line <= len(lines):
        return None
    return _clean(lines[location.line - 1].rstrip("\r\n"))


def _caret_width(location: Location, line: str) -> int:
    same_line = location.end_line is None or location.end_line == location.line
    if not same_line or location.end_column is None:
        return 1
    end = min(location.end_column, len(line) + 1)
    return max(end - location.column, 1)


def _snippet(report: Report, location: Location, style: _Style, level: Level) -> list[str]:
    line = _source_line(report, location)
    if line is None:
        return []
    number = str(location.line)
    gutter = " " * len(number)
    # Keep tabs under tabs so the caret lines up however the terminal expands them.
    before = line[: max(location.column - 1, 0)]
    pad = "".join("\t" if ch == "\t" else " " for ch in before)
    pad += " " * max(location.column - 1 - len(before), 0)
    caret = "^" * _caret_width(location, line)
    return [
        f"  {style(_DIM, number + ' |')} {line}".rstrip(),
        f"  {style(_DIM, gutter + ' |')} {pad}{style(_LEVEL_COLOR[level], caret)}",
    ]


def _context(finding: Finding) -> str:
    parts = []
    if finding.cluster:
        parts.append(f"cluster {finding.cluster}")
    if finding.node:
        parts.append(f"node {finding.node}")
    return f" ({', '.join(parts)})" if parts else ""


def _where(report: Report, loc: Location) -> str:
    return f"{report.display_path(loc.path)}:{loc.line}:{loc.column}"


def _finding_block(report: Report, finding: Finding, style: _Style) -> list[str]:
    head = f"{style(_RULE_COLOR, finding.rule)} {style.level(finding.level)}: "
    head += _clean(finding.message)
    loc = finding.location
    if loc is None:
        lines = [head + _context(finding)]
    else:
        lines = [f"{style(_BOLD, _clean(_where(report, loc)))}: {head}"]
        lines += _snippet(report, loc, style, finding.level)
    note = style(_LEVEL_COLOR[Level.NOTE], "note")
    for related in finding.related:
        where = _clean(_where(report, related.location))
        lines.append(f"  {where}: {note}: {_clean(related.message)}")
    if finding.fix is not None:
        fix = style(_LEVEL_COLOR[Level.NOTE], "fix")
        lines.append(f"  {fix}: {_clean(finding.fix.description)}")
    return lines


def _notification(note: Notification, style: _Style) -> str:
    tags = [t for t in (note.rule, note.exception) if t]
    suffix = f" [{', '.join(tags)}]" if tags else ""
    return f"olclint: {style.level(Level(note.level))}: {_clean(note.message)}{suffix}"


def _summary(report: Report, style: _Style) -> str:
    if not report.execution_successful:
        text = "olclint could not finish the check (see the errors above)"
        if report.findings:
            text += f"; {_plural(len(report.findings), 'problem')} found so far"
        return style(_BOLD, text + ".")
    if report.clusters_checked == 0:
        return "No cluster was checked."
    if not report.findings:
        return "No problems found."
    n = counts(report.findings)
    total = len(report.findings)
    files = {f.location.path for f in report.findings if f.location is not None}
    text = (
        f"Found {_plural(total, 'problem')} ({_plural(n['error'], 'error')}, "
        f"{_plural(n['warning'], 'warning')}, {_plural(n['note'], 'note')})"
    )
    if files:
        text += f" in {_plural(len(files), 'file')}"
    return style(_BOLD, text + ".")


def _statistics(report: Report, style: _Style) -> list[str]:
    """Findings per rule, most first (as `ruff --statistics`)."""
    names = {rule.id: rule.name for rule in report.rules}
    per_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        per_rule.setdefault(finding.rule, []).append(finding)
    rows = sorted(per_rule.items(), key=lambda item: (-len(item[1]), item[0]))
    width = max((len(str(len(found))) for _, found in rows), default=1)
    lines = []
    for rule, found in rows:
        level = max((f.level for f in found), key=lambda lv: lv.rank)
        name = names.get(rule, "")
        lines.append(
            f"{len(found):>{width}}  {style(_RULE_COLOR, rule)}  {style.level(level)}  {name}"
        )
    return [*lines, ""] if lines else []


def render(report: Report, *, color: bool = False) -> str:
    style = _Style(color)
    if report.statistics:
        blocks = [_statistics(report, style)]
    else:
        blocks = [[*_finding_block(report, f, style), ""] for f in sorted_findings(report.findings)]
    out: list[str] = []
    for block in blocks:
        out += block
    notes = [*report.notifications, *baseline_notes(report)]
    out += [_notification(note, style) for note in notes]
    out.append(_summary(report, style))
    return "\n".join(out) + "\n"
