"""GitHub Actions workflow commands: one annotation per finding.

```
::error file=db/my.cnf,line=3,col=16,endLine=3,endColumn=25,title=OLC101 DatabaseNotReachable::msg
```

Levels map to `error`, `warning` and `notice`. Related locations are appended to the
message as extra lines. A finding with no location is annotated on the file named by its
`file` property, if any. Data is escaped as the runner unescapes it: `%`, CR and LF;
property values also escape `:` and `,`. Notifications become `olclint` annotations.
Nothing is printed when there is nothing to say.

GitHub shows at most 10 annotations of each level per step (the log keeps them all), so
`summary` gives the Markdown for the job summary (`$GITHUB_STEP_SUMMARY`): a table of the
findings beyond the first 10 of their level, or one line saying the run was clean.
"""

from __future__ import annotations

from olclint.core.findings import Finding, Level, Notification
from olclint.report import Report, baseline_notes, rules_by_id, sorted_findings, visible

COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def escape_data(text: str) -> str:
    text = visible(text, keep="\t\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: Level, properties: list[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    head = f"::{COMMAND[Level(level)]}"
    if props:
        head += f" {props}"
    return f"{head}::{escape_data(message)}"


def _finding(report: Report, finding: Finding, title: str) -> str:
    properties: list[tuple[str, object]] = []
    loc = finding.location
    if loc is None and dict(finding.properties).get("file"):
        properties.append(("file", report.display_path(dict(finding.properties)["file"])))
    if loc is not None:
        properties += [
            ("file", report.display_path(loc.path)),
            ("line", loc.line),
            ("col", loc.column),
        ]
        end_line = loc.end_line if loc.end_line is not None else loc.line
        if loc.end_line is not None or loc.end_column is not None:
            properties.append(("endLine", end_line))
        if loc.end_column is not None and end_line == loc.line:
            properties.append(("endColumn", loc.end_column))
    properties.append(("title", title))
    message = finding.message
    if loc is None:
        context = [f"cluster {finding.cluster}"] if finding.cluster else []
        context += [f"node {finding.node}"] if finding.node else []
        if context:
            message += f" ({', '.join(context)})"
    for related in finding.related:
        where = related.location
        message += f"\n{report.display_path(where.path)}:{where.line}:{where.column}: "
        message += related.message
    return command(finding.level, properties, message)


def _notification(note: Notification) -> str:
    title = "olclint" + (f" {note.rule}" if note.rule else "")
    message = note.message + (f" ({note.exception})" if note.exception else "")
    return command(Level(note.level), [("title", title)], message)


def render(report: Report) -> str:
    rules = rules_by_id(report.rules)
    lines = []
    for finding in sorted_findings(report.findings):
        rule = rules.get(finding.rule)
        title = f"{finding.rule} {rule.name}" if rule else finding.rule
        lines.append(_finding(report, finding, title))
    notes = [*report.notifications, *baseline_notes(report)]
    lines += [_notification(note) for note in notes]
    return "".join(line + "\n" for line in lines)


ANNOTATIONS_PER_LEVEL = 10


def _cell(text: str) -> str:
    return visible(text, keep="").replace("\\", "\\\\").replace("|", "\\|")


def summary(report: Report) -> str:
    """Markdown for the job summary: what the annotations cannot show, or that all is clean."""
    findings = sorted_findings(report.findings)
    if not report.execution_successful:
        head = "olclint could not finish the check: see the errors in the log."
    elif not findings:
        head = "olclint: no problems found."
        if report.clusters_checked == 0:
            head = "olclint: no cluster was checked."
        return f"### olclint\n\n{head}\n"
    else:
        head = f"olclint found {len(findings)} problem{'s' if len(findings) != 1 else ''}."
    seen: dict[Level, int] = {}
    rest = []
    for finding in findings:
        seen[finding.level] = seen.get(finding.level, 0) + 1
        if seen[finding.level] > ANNOTATIONS_PER_LEVEL:
            rest.append(finding)
    lines = ["### olclint", "", head]
    if rest:
        rules = rules_by_id(report.rules)
        lines += [
            "",
            f"GitHub shows {ANNOTATIONS_PER_LEVEL} annotations of each level; "
            f"the other {len(rest)}:",
            "",
            "| where | rule | level | message |",
            "|---|---|---|---|",
        ]
        for f in rest:
            loc = f.location
            where = (
                f"{report.display_path(loc.path)}:{loc.line}:{loc.column}"
                if loc
                else report.display_path(dict(f.properties).get("file", "")) or f.cluster
            )
            rule = rules.get(f.rule)
            title = f"{f.rule} {rule.name}" if rule else f.rule
            lines.append(f"| `{_cell(where)}` | {_cell(title)} | {f.level} | {_cell(f.message)} |")
    return "\n".join(lines) + "\n"
