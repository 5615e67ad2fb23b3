"""The JSON format, version 1: a stable shape for scripts.

```
{
  "version": 1,
  "tool": {"name": "olclint", "version": "0.1.0"},
  "executionSuccessful": true,
  "findings": [
    {
      "rule": "OLC101",                  # rule id
      "name": "DatabaseNotReachable",     # rule name, null when the rule is not registered
      "level": "error",                   # "error" | "warning" | "note"
      "message": "...",
      "location": {"path": "db/my.cnf", "line": 3, "column": 16,
                   "endLine": 3, "endColumn": 25} | null,
      "related": [{"location": {...}, "message": "..."}],
      "fix": {"description": "...", "location": {...}, "replacement": "...",
              "also": [{"location": {...}, "replacement": "..."}]} | null,  # "also": when
                                           # the fix edits more values (OLC402)
      "cluster": "prod", "node": "db01", "subject": "...",   # "" when not set
      "fingerprint": "OLC101/prod/db01/...",  # rule/cluster/node/subject, no line numbers
      "properties": {"key": "value"}       # extra string properties, often {}
    }
  ],
  "notifications": [
    {"level": "error", "message": "...", "rule": "OLC402" | null, "exception": "ValueError" | null}
  ],
  "summary": {"error": 1, "warning": 0, "note": 0},
  "gate": {"failOn": "warning" | null, "failed": true}
}
```

`gate.failed` is the exit code's verdict: true when a finding that counts is at or above
`failOn`, and also when olclint could not do its job (`executionSuccessful: false`, exit
code 2), so a broken run is never read as an all-clear. With `--baseline`, each finding's
`properties.baselineState` is `new`.

Paths are relative to the repository root, POSIX; lines and columns are 1-based, columns
count Unicode code points and `endColumn` is exclusive; `endLine`/`endColumn` are null
when unknown. Findings are sorted by path, line, column, rule and message. A new key may
be added within version 1; a key is never removed or changed in meaning without a new
version.
"""

from __future__ import annotations

import json
from typing import Any

from olclint.core.findings import Finding, Location, Notification
from olclint.report import (
    Report,
    baseline_notes,
    counts,
    gate_failed,
    rules_by_id,
    sorted_outcomes,
)

VERSION = 1


def location(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "endLine": loc.end_line,
        "endColumn": loc.end_column,
    }


def finding(f: Finding, name: str | None, baseline: str | None = None) -> dict[str, Any]:
    properties = dict(f.properties)
    if baseline is not None:
        properties["baselineState"] = baseline
    return {
        "rule": f.rule,
        "name": name,
        "level": str(f.level),
        "message": f.message,
        "location": location(f.location),
        "related": [{"location": location(r.location), "message": r.message} for r in f.related],
        "fix": None
        if f.fix is None
        else {
            "description": f.fix.description,
            "location": location(f.fix.location),
            "replacement": f.fix.replacement,
            **(
                {
                    "also": [
                        {"location": location(e.location), "replacement": e.replacement}
                        for e in f.fix.also
                    ]
                }
                if f.fix.also
                else {}
            ),
        },
        "cluster": f.cluster,
        "node": f.node,
        "subject": f.subject,
        "fingerprint": f.fingerprint,
        "properties": properties,
    }


def notification(note: Notification) -> dict[str, Any]:
    return {
        "level": str(note.level),
        "message": note.message,
        "rule": note.rule,
        "exception": note.exception,
    }


def document(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    rules = rules_by_id(report.rules)
    return {
        "version": VERSION,
        "tool": {"name": "olclint", "version": report.tool_version},
        "executionSuccessful": report.execution_successful,
        "findings": [
            finding(
                o.finding,
                rules[o.finding.rule].name if o.finding.rule in rules else None,
                o.baseline,
            )
            for o in sorted_outcomes(o for o in report.outcomes if o.counts)
        ],
        "notifications": [
            notification(n) for n in (*report.notifications, *baseline_notes(report))
        ],
        "summary": counts(report.findings),
        "gate": {
            "failOn": None if report.fail_on is None else str(report.fail_on),
            "failed": gate_failed(report),
        },
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
