"""SARIF 2.1.0: one run, every registered rule declared once, one result per finding.

- `tool.driver.rules`: every rule in `Report.rules`, sorted by id, with its summary, page
  (help text and Markdown), help URI and effective default level. A finding whose rule is
  not registered gets a minimal descriptor so that `ruleIndex` always resolves.
- Results: `ruleId`, `ruleIndex`, `level`, `message.text`; one physical location relative
  to `%SRCROOT%` (the repository root, `originalUriBaseIds`) with the region and, when the
  source line is known, its snippet (the region's text) and a context region (whole
  lines). Source text comes only from `Report.sources`, whose lines are already redacted.
- Related locations carry ids from 1 and a message; a `Fix` becomes `fixes` with one
  replacement; `partialFingerprints["olclint/v1"]` is the SHA-256 of `Finding.fingerprint`
  (rule, cluster, node, subject: stable across line shifts).
- A finding with no location (a cluster-wide problem) gets a location spanning the whole
  file named by its `file` property (relative path, e.g. the cluster.yaml) and a
  logical location for its cluster and node. With neither, the result has no locations
  (valid SARIF, but GitHub code scanning rejects such results: give such findings a
  `file` property).
- `properties` of a result: `cluster`, `node`, `subject` when set, plus the finding's own
  properties, except these, which map to SARIF fields when their value is valid:
  `baselineState` (new | unchanged | updated | absent) -> `result.baselineState`;
  `suppression` (inSource | external) with optional `justification` -> `result.suppressions`.
- `invocations[0]`: `executionSuccessful`, the notifications (with `associatedRule` and
  `exception.kind` when known), the command line and the UTC start and end times.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from olclint.core.findings import Finding, Location, Notification
from olclint.engine.rule import Rule
from olclint.report import Report, default_level, sorted_findings

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/olclint/olclint"
RULES_DOC = "https://github.com/olclint/olclint/blob/main/docs/rules.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "olclint/v1"

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
_BASELINE_STATES = {"new", "unchanged", "updated", "absent"}
_SUPPRESSION_KINDS = {"inSource", "external"}


def help_uri(rule_id: str) -> str:
    return f"{RULES_DOC}#{rule_id.lower()}"


def artifact_uri(path: str) -> str:
    """A relative path as a relative URI reference (percent-encoded, `/` kept)."""
    return quote(path, safe="/")


def root_uri(root: str) -> str:
    """The repository root as a `file:` URI ending with a slash."""
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _message(text: str) -> dict[str, str]:
    return {"text": text}


def _rule_descriptor(report: Report, rule: Rule) -> dict[str, Any]:
    page = rule.page()
    first_paragraph = rule.doc.split("\n\n", 1)[0].strip() if rule.doc else ""
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": _message(rule.summary or rule.name),
        "fullDescription": _message(first_paragraph or rule.summary or rule.name),
        "helpUri": help_uri(rule.id),
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": str(default_level(report, rule))},
    }


def _unregistered_descriptor(rule_id: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "shortDescription": _message(f"olclint check {rule_id}."),
        "helpUri": help_uri(rule_id),
    }


def _line(report: Report, path: str, number: int) -> str | None:
    lines = report.sources.get(path)
    if lines is None or not 1 <= number <= len(lines):
        return None
    return lines[number - 1].rstrip("\r\n")


def _end(loc: Location) -> tuple[int, int | None]:
    """End line and exclusive end column, the end line defaulting to the start line."""
    return (loc.end_line if loc.end_line is not None else loc.line), loc.end_column


def _region_text(report: Report, loc: Location) -> tuple[str | None, str | None]:
    """The region's own text and the text of the whole lines around it, when known."""
    end_line, end_column = _end(loc)
    if end_line < loc.line:
        return None, None
    lines = [_line(report, loc.path, n) for n in range(loc.line, end_line + 1)]
    if any(line is None for line in lines):
        return None, None
    whole: list[str] = [line for line in lines if line is not None]
    parts = list(whole)
    if end_column is not None:
        parts[-1] = parts[-1][: max(end_column - 1, 0)]
    parts[0] = parts[0][loc.column - 1 :]
    return "\n".join(parts), "\n".join(whole)


def _region(loc: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": loc.line, "startColumn": loc.column}
    end_line, end_column = _end(loc)
    if loc.end_line is not None or end_column is not None:
        region["endLine"] = end_line
    if end_column is not None:
        region["endColumn"] = end_column
    return region


def _physical(report: Report, loc: Location, *, snippet: bool) -> dict[str, Any]:
    region = _region(loc)
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(loc.path), "uriBaseId": SRCROOT},
        "region": region,
    }
    if snippet:
        text, whole = _region_text(report, loc)
        if text:
            region["snippet"] = {"text": text}
        if whole and whole != text:  # a context must be larger than the region itself
            end_line, _ = _end(loc)
            physical["contextRegion"] = {
                "startLine": loc.line,
                "endLine": end_line,
                "snippet": {"text": whole},
            }
    return physical


def _whole_file_location(report: Report, finding: Finding) -> dict[str, Any]:
    """For a finding without a line: the file it concerns and the cluster or node it names."""
    where: dict[str, Any] = {}
    path = dict(finding.properties).get("file")
    if path:
        # The whole file when its length is known, else its first line.
        lines = len(report.sources.get(path) or ())
        region = {"startLine": 1, "endLine": lines} if lines > 1 else {"startLine": 1}
        where["physicalLocation"] = {
            "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT},
            "region": region,
        }
    if finding.cluster:
        qualified = "/".join(p for p in (finding.cluster, finding.node) if p)
        where["logicalLocations"] = [
            {
                "name": finding.node or finding.cluster,
                "fullyQualifiedName": qualified,
                "kind": "module",
            }
        ]
    return where


def _deleted_region(report: Report, loc: Location) -> dict[str, Any]:
    """The fix's region; one with no end runs to the end of its line, made explicit."""
    region = _region(loc)
    if loc.end_line is None and loc.end_column is None:
        line = _line(report, loc.path, loc.line)
        if line is not None:
            region["endLine"] = loc.line
            region["endColumn"] = max(len(line) + 1, loc.column)
    return region


def _fix(report: Report, finding: Finding) -> dict[str, Any]:
    assert finding.fix is not None
    fix = finding.fix
    return {
        "description": _message(fix.description),
        "artifactChanges": [
            {
                "artifactLocation": {
                    "uri": artifact_uri(fix.location.path),
                    "uriBaseId": SRCROOT,
                },
                "replacements": [
                    {
                        "deletedRegion": _deleted_region(report, fix.location),
                        "insertedContent": {"text": fix.replacement},
                    }
                ],
            }
        ],
    }


def _result(report: Report, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": str(finding.level),
        "message": _message(finding.message),
    }
    if finding.location is not None:
        result["locations"] = [
            {"physicalLocation": _physical(report, finding.location, snippet=True)}
        ]
    else:
        where = _whole_file_location(report, finding)
        if where:
            result["locations"] = [where]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(report, related.location, snippet=False),
                "message": _message(related.message),
            }
            for number, related in enumerate(finding.related, start=1)
        ]
    if finding.fix is not None:
        result["fixes"] = [_fix(report, finding)]
    result["partialFingerprints"] = {
        FINGERPRINT: hashlib.sha256(finding.fingerprint.encode("utf-8")).hexdigest()
    }
    own = dict(finding.properties)
    if finding.location is None:
        own.pop("file", None)  # became the location
    if own.get("baselineState") in _BASELINE_STATES:
        result["baselineState"] = own.pop("baselineState")
    if own.get("suppression") in _SUPPRESSION_KINDS:
        suppression = {"kind": own.pop("suppression")}
        if own.get("justification"):
            suppression["justification"] = own.pop("justification")
        result["suppressions"] = [suppression]
    properties = {
        key: value
        for key, value in (
            ("cluster", finding.cluster),
            ("node", finding.node),
            ("subject", finding.subject),
        )
        if value
    }
    properties.update(own)
    if properties:
        result["properties"] = properties
    return result


def _notification(note: Notification, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {"message": _message(note.message), "level": str(note.level)}
    if note.rule:
        ref: dict[str, Any] = {"id": note.rule}
        if note.rule in index:
            ref["index"] = index[note.rule]
        out["associatedRule"] = ref
    if note.exception:
        out["exception"] = {"kind": note.exception}
    return out


def document(report: Report) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    findings = sorted_findings(report.findings)
    descriptors = {rule.id: _rule_descriptor(report, rule) for rule in report.rules}
    for finding in findings:
        if finding.rule not in descriptors:
            descriptors[finding.rule] = _unregistered_descriptor(finding.rule)
    rules = [descriptors[rule_id] for rule_id in sorted(descriptors)]
    index = {descriptor["id"]: n for n, descriptor in enumerate(rules)}

    driver: dict[str, Any] = {
        "name": "olclint",
        "version": report.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    if _SEMVER.match(report.tool_version):
        driver["semanticVersion"] = report.tool_version

    invocation: dict[str, Any] = {"executionSuccessful": report.execution_successful}
    if report.notifications:
        invocation["toolExecutionNotifications"] = [
            _notification(note, index) for note in report.notifications
        ]
    if report.command_line:
        invocation["commandLine"] = report.command_line
    if report.start_time_utc:
        invocation["startTimeUtc"] = report.start_time_utc
    if report.end_time_utc:
        invocation["endTimeUtc"] = report.end_time_utc

    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(report.root)}},
        "invocations": [invocation],
        "results": [_result(report, finding, index) for finding in findings],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
