"""SARIF 2.1.0: one run, every registered rule declared once, one result per finding.

- `tool.driver.rules`: every rule in `Report.rules`, sorted by id, with its summary, the
  first prose paragraph of its page (`fullDescription`), the page (help text and
  Markdown), its effective default level and the code-scanning `properties` (`tags`,
  `precision`, and `security-severity` for the security rules, else `problem.severity`).
  `helpUri` and `informationUri` come from the project's `[project.urls]`
  (`Documentation`, `Homepage`) and are left out when it publishes none. A finding whose rule is
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
  properties. The outcome's baseline state becomes `baselineState` (`new`, `unchanged`)
  and its suppression `suppressions` (kind `inSource` or `external`, the reason as
  `justification`). A fixed baseline entry is not a result but a notification: GitHub
  code scanning ignores `baselineState` (and `suppressions`) and would show it open.
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
from olclint.filter.outcome import ABSENT, Outcome
from olclint.report import Report, baseline_notes, default_level, sorted_outcomes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "olclint/v1"

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)

# What GitHub code scanning reads from a rule's `properties`: `tags` (a rule tagged
# `security` with a `security-severity` becomes a security alert, ranked by the score:
# 9.0+ critical, 7.0+ high, 4.0+ medium, else low), `precision` (how often a result is
# right) and, for the other rules, `problem.severity`.
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def rule_properties(rule: Rule, level: str) -> dict[str, Any]:
    """The code-scanning properties of a rule: tags, precision and severity."""
    properties: dict[str, Any] = {}
    if rule.security_severity is not None:
        properties["security-severity"] = rule.security_severity
    else:
        properties["problem.severity"] = _PROBLEM_SEVERITY.get(level, "warning")
    properties["precision"] = rule.precision
    properties["tags"] = list(rule.tags)
    return properties


def help_uri(report: Report, rule_id: str) -> str | None:
    """The rule's page under the project's `Documentation` URL ([project.urls] in
    pyproject.toml), or None when the project publishes none."""
    base = report.project_urls.get("documentation")
    return f"{base}#{rule_id.lower()}" if base else None


def information_uri(report: Report) -> str | None:
    for label in ("homepage", "repository", "source"):
        if report.project_urls.get(label):
            return report.project_urls[label]
    return None


def artifact_uri(path: str) -> str:
    """A relative path as a relative URI reference (percent-encoded, `/` kept)."""
    return quote(path, safe="/")


def root_uri(root: str) -> str:
    """The repository root as a `file:` URI ending with a slash."""
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _message(text: str) -> dict[str, str]:
    return {"text": text}


def full_description(rule: Rule) -> str:
    """The first paragraph of the page that is prose (not a heading, list or code): what
    the rule does, in a few sentences."""
    for paragraph in (rule.doc or "").split("\n\n"):
        text = paragraph.strip()
        if text and not text.startswith(("#", "```", "|")):
            return " ".join(line.strip() for line in text.splitlines())
    return rule.summary or rule.name


def _rule_descriptor(report: Report, rule: Rule) -> dict[str, Any]:
    page = rule.page()
    level = str(default_level(report, rule))
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": _message(rule.summary or rule.name),
        "fullDescription": _message(full_description(rule)),
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": level},
        "properties": rule_properties(rule, level),
    }
    uri = help_uri(report, rule.id)
    if uri:
        descriptor["helpUri"] = uri
    return descriptor


def _unregistered_descriptor(report: Report, rule_id: str) -> dict[str, Any]:
    text = f"olclint check {rule_id}."
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": "UnregisteredRule",
        "shortDescription": _message(text),
        "fullDescription": _message(text),
        "help": {"text": text},
    }
    uri = help_uri(report, rule_id)
    if uri:
        descriptor["helpUri"] = uri
    return descriptor


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
    paths: dict[str, list] = {}
    for edit in fix.edits:  # one artifact change per file, its replacements in order
        paths.setdefault(edit.location.path, []).append(edit)
    return {
        "description": _message(fix.description),
        "artifactChanges": [
            {
                "artifactLocation": {
                    "uri": artifact_uri(path),
                    "uriBaseId": SRCROOT,
                },
                "replacements": [
                    {
                        "deletedRegion": _deleted_region(report, edit.location),
                        "insertedContent": {"text": edit.replacement},
                    }
                    for edit in edits
                ],
            }
            for path, edits in paths.items()
        ],
    }


def _result(report: Report, outcome: Outcome, index: dict[str, int]) -> dict[str, Any]:
    finding = outcome.finding
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
    if outcome.baseline is not None:
        result["baselineState"] = outcome.baseline
    if outcome.suppression is not None:
        suppression = {"kind": outcome.suppression.kind}
        if outcome.suppression.justification:
            suppression["justification"] = outcome.suppression.justification
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


def results(report: Report) -> list[Outcome]:
    """The outcomes that become results: those that count, the unchanged ones of the
    baseline (still there, still alerts), and with `include_suppressed` the suppressed
    ones. Fixed baseline entries (`absent`) are notifications instead: GitHub code
    scanning ignores `baselineState` and would show them as open alerts."""
    return sorted_outcomes(
        o
        for o in report.outcomes
        if o.baseline != ABSENT and (o.suppression is None or report.include_suppressed)
    )


def document(report: Report) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    outcomes = results(report)
    descriptors = {rule.id: _rule_descriptor(report, rule) for rule in report.rules}
    for outcome in outcomes:
        if outcome.finding.rule not in descriptors:
            descriptors[outcome.finding.rule] = _unregistered_descriptor(
                report, outcome.finding.rule
            )
    rules = [descriptors[rule_id] for rule_id in sorted(descriptors)]
    index = {descriptor["id"]: n for n, descriptor in enumerate(rules)}

    driver: dict[str, Any] = {
        "name": "olclint",
        "fullName": f"olclint {report.tool_version}",
        "version": report.tool_version,
    }
    if information_uri(report):
        driver["informationUri"] = information_uri(report)
    driver["rules"] = rules
    if _SEMVER.match(report.tool_version):
        driver["semanticVersion"] = report.tool_version

    invocation: dict[str, Any] = {"executionSuccessful": report.execution_successful}
    notes = [*report.notifications, *baseline_notes(report, unchanged=False)]
    if notes:
        invocation["toolExecutionNotifications"] = [_notification(n, index) for n in notes]
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
        "results": [_result(report, outcome, index) for outcome in outcomes],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
