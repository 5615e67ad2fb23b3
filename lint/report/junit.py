"""JUnit XML, for the test tabs of Jenkins, GitLab and Azure DevOps.

```xml
<testsuites>
  <testsuite name="olclint" package="olclint" id="0" tests="2" failures="1" errors="0"
             skipped="1" time="0" timestamp="2026-01-01T10:00:00" hostname="localhost">
    <properties><property name="failOn" value="warning"/></properties>
    <testcase classname="olclint.OLC101" name="db/my.cnf:3:16" time="0">
      <failure type="error" message="bind-address 127.0.0.1 is loopback only">...</failure>
    </testcase>
    <testcase classname="olclint.OLC113" name="db/my.cnf:9:1" time="0">
      <skipped message="note, below --fail-on warning"/>
    </testcase>
    <system-out/><system-err/>
  </testsuite>
</testsuites>
```

One test case per finding that counts: a `failure` when it fails the gate, `skipped`
when its level is below `--fail-on`. A problem of olclint itself is an `error` test case
(classname `olclint`); the other notifications go to `system-out`. A clean run has one
passing test case, `olclint.check`, so the test tab says it ran. Paths are relative to
the repository root, as in SARIF. The shape is the common JUnit XML
(`testsuites`/`testsuite` with `properties`, `system-out` and `system-err`); the test suite
validates it against `junit-10.xsd`, the schema of Jenkins' and Maven Surefire's JUnit XML.
"""

from __future__ import annotations

from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

from olclint.core.findings import Finding, Level, Notification
from olclint.filter import gate
from olclint.filter.outcome import Outcome
from olclint.report import Report, baseline_notes, rules_by_id, sorted_findings, visible


def _text(value: str) -> str:
    """XML 1.0 character data: control characters (but tab and line breaks) made visible."""
    return _escape(visible(value, keep="\t\n"))


def _attr(value: str) -> str:
    return quoteattr(visible(value, keep=""))


def _where(finding: Finding) -> str:
    loc = finding.location
    if loc is not None:
        return str(loc)
    path = dict(finding.properties).get("file") or ""
    scope = "/".join(p for p in (finding.cluster, finding.node) if p)
    return " ".join(p for p in (path, f"({scope})" if scope else "") if p) or finding.rule


def _details(finding: Finding, name: str) -> str:
    lines = [f"{_where(finding)}: {finding.rule} {name} {finding.level}: {finding.message}"]
    lines += [f"{r.location}: note: {r.message}" for r in finding.related]
    if finding.fix is not None:
        lines.append(f"fix: {finding.fix.description}")
    return "\n".join(lines)


def _timestamp(report: Report) -> str:
    """`YYYY-MM-DDTHH:MM:SS`, no zone (as the schema wants), from the run's start."""
    stamp = report.start_time_utc[:19]
    return stamp if len(stamp) == 19 else "1970-01-01T00:00:00"


def _case(finding: Finding, rules: dict, fail_on: Level | None) -> tuple[str, str]:
    rule = rules.get(finding.rule)
    name = rule.name if rule else ""
    head = f"    <testcase classname={_attr('olclint.' + finding.rule)} "
    head += f'name={_attr(_where(finding))} time="0">'
    if gate.fails(Outcome(finding), fail_on):
        body = (
            f"      <failure type={_attr(str(finding.level))} message={_attr(finding.message)}>"
            f"{_text(_details(finding, name))}</failure>"
        )
        kind = "failure"
    else:
        below = f"{finding.level}, below --fail-on {fail_on}" if fail_on else "--fail-on never"
        body = f"      <skipped message={_attr(below)}/>"
        kind = "skipped"
    return kind, "\n".join([head, body, "    </testcase>"])


def _error_case(note: Notification) -> str:
    kind = note.exception or "error"
    name = f"olclint {note.rule}" if note.rule else "olclint"
    return "\n".join(
        [
            f'    <testcase classname="olclint" name={_attr(name)} time="0">',
            f"      <error type={_attr(kind)} message={_attr(note.message)}>"
            f"{_text(note.message)}</error>",
            "    </testcase>",
        ]
    )


def render(report: Report) -> str:
    rules = rules_by_id(report.rules)
    cases: list[str] = []
    failures = skipped = errors = 0
    for finding in sorted_findings(report.findings):
        kind, case = _case(finding, rules, report.fail_on)
        cases.append(case)
        failures += kind == "failure"
        skipped += kind == "skipped"
    notes = [*report.notifications, *baseline_notes(report)]
    for note in notes:
        if note.level is Level.ERROR:
            cases.append(_error_case(note))
            errors += 1
    if not cases:
        cases.append('    <testcase classname="olclint" name="olclint.check" time="0"/>')
    out = [n for n in notes if n.level is not Level.ERROR]
    system_out = "\n".join(f"olclint: {n.level}: {n.message}" for n in out)
    fail_on = "never" if report.fail_on is None else str(report.fail_on)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<testsuites>",
        f'  <testsuite name="olclint" package="olclint" id="0" tests="{len(cases)}" '
        f'failures="{failures}" errors="{errors}" skipped="{skipped}" time="0" '
        f'timestamp="{_timestamp(report)}" hostname="localhost">',
        "    <properties>",
        f'      <property name="failOn" value="{fail_on}"/>',
        f'      <property name="version" value={_attr(report.tool_version)}/>',
        "    </properties>",
        *cases,
        f"    <system-out>{_text(system_out)}</system-out>" if system_out else "    <system-out/>",
        "    <system-err/>",
        "  </testsuite>",
        "</testsuites>",
    ]
    return "\n".join(lines) + "\n"
