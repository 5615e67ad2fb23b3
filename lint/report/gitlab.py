"""GitLab Code Quality: a JSON array of issues (`artifacts: reports: codequality`).

```json
[
  {
    "description": "OLC101 DatabaseNotReachable: bind-address 127.0.0.1 is loopback only",
    "check_name": "OLC101",
    "fingerprint": "<sha256 hex>",
    "severity": "major",
    "location": {"path": "db/my.cnf", "lines": {"begin": 3}}
  }
]
```

One issue per finding that counts, with the fields GitLab documents as required:
`description`, `check_name` (the rule id), `fingerprint` (unique in the report: the
SHA-256 of the finding's fingerprint, plus its occurrence number when a fingerprint
repeats; stable across line shifts), `severity` (error `major`, warning `minor`, note
`info`; a security rule's error `critical`) and `location.path` (relative to the
repository root) with `location.lines.begin`. A finding without a line is placed on line
1 of the file it concerns (its `file` property). `[]` when clean.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from olclint.core.findings import Finding, Level
from olclint.engine.rule import Rule
from olclint.report import Report, rules_by_id, sorted_findings

SEVERITY = {Level.ERROR: "major", Level.WARNING: "minor", Level.NOTE: "info"}


def _severity(finding: Finding, rule: Rule | None) -> str:
    if finding.level is Level.ERROR and rule is not None and "security" in rule.tags:
        return "critical"
    return SEVERITY[finding.level]


def issue(finding: Finding, rule: Rule | None, occurrence: int) -> dict[str, Any]:
    name = rule.name if rule else ""
    loc = finding.location
    path = loc.path if loc else dict(finding.properties).get("file", "")
    key = finding.fingerprint if occurrence == 0 else f"{finding.fingerprint}#{occurrence}"
    description = f"{finding.rule} {name}: {finding.message}" if name else finding.message
    if loc is None and (finding.cluster or finding.node):
        scope = "/".join(p for p in (finding.cluster, finding.node) if p)
        description += f" ({scope})"
    return {
        "description": description,
        "check_name": finding.rule,
        "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
        "severity": _severity(finding, rule),
        "location": {"path": path, "lines": {"begin": loc.line if loc else 1}},
    }


def document(report: Report) -> list[dict[str, Any]]:
    rules = rules_by_id(report.rules)
    seen: dict[str, int] = {}
    issues = []
    for finding in sorted_findings(report.findings):
        occurrence = seen.get(finding.fingerprint, 0)
        seen[finding.fingerprint] = occurrence + 1
        rule = rules.get(finding.rule)
        issues.append(issue(finding, rule, occurrence))
    return issues


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
