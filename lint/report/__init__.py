"""Reporters: turn the kept findings of a run into text, JSON, SARIF, GitHub commands or HTML.

Reporters know findings and rule metadata, nothing about MySQL or Connect. They never
open a file: source lines for snippets come from `Report.sources`, which holds the lines
the readers remembered, secrets already redacted. A reporter adds nothing to those lines
but the caret and colour decorations of the text format.

`render(report, fmt)` is the single entry point; each format's module is imported on
demand so that start-up stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from olclint.core.findings import Finding, Level, Notification
from olclint.engine.rule import Rule

FORMATS = ("text", "json", "sarif", "github", "html")


@dataclass(frozen=True)
class Report:
    """Everything a reporter needs, and nothing else.

    - `findings`: the kept findings, any order (reporters sort them with `sorted_findings`).
    - `rules`: every registered rule; SARIF declares each once.
    - `sources`: relative path -> redacted lines, for snippets.
    - `root`: absolute repository root (SARIF `originalUriBaseIds`).
    - `levels`: per-rule level overrides, i.e. the effective default level of a rule.
    - `fail_on`: the gate threshold; None means never fail.
    """

    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    sources: Mapping[str, list[str]]
    root: str
    tool_version: str
    notifications: tuple[Notification, ...] = ()
    execution_successful: bool = True
    levels: Mapping[str, Level] = field(default_factory=dict)
    fail_on: Level | None = Level.WARNING
    command_line: str = ""
    start_time_utc: str = ""
    end_time_utc: str = ""
    # per-cluster pictures (olclint.model.picture.Picture) for the html format; else empty
    pictures: tuple[Any, ...] = ()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: str, keep: str = "\t") -> str:
    """Control characters (but those in `keep`) made visible and harmless: text read from
    a file must not drive the terminal or the CI log that shows it."""
    return _CONTROL.sub(lambda m: m[0] if m[0] in keep else "\ufffd", text)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in a deterministic order: path, line, column, rule, message, then the rest."""
    return sorted(
        findings,
        key=lambda f: (f.sort_key(), -f.level.rank, f.fingerprint, repr(f)),
    )


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Number of findings per level: {"error": n, "warning": n, "note": n}."""
    result = {str(level): 0 for level in Level}
    for finding in findings:
        result[str(finding.level)] += 1
    return result


def rules_by_id(rules: Iterable[Rule]) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


def default_level(report: Report, rule: Rule) -> Level:
    """The rule's level after configuration overrides."""
    return Level(report.levels.get(rule.id, rule.level))


def gate_failed(report: Report) -> bool:
    """True when some finding is at or above `fail_on`."""
    if report.fail_on is None:
        return False
    threshold = Level(report.fail_on).rank
    return any(f.level.rank >= threshold for f in report.findings)


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report in format `fmt` ("text", "json", "sarif", "github" or "html")."""
    if fmt == "text":
        from olclint.report import text

        return text.render(report, color=color)
    if fmt == "json":
        from olclint.report import jsonfmt

        return jsonfmt.render(report)
    if fmt == "sarif":
        from olclint.report import sarif

        return sarif.render(report)
    if fmt == "github":
        from olclint.report import github

        return github.render(report)
    if fmt == "html":
        from olclint.report import html

        return html.render(report)
    raise ValueError(f"unknown report format {fmt!r} (expected one of {', '.join(FORMATS)})")
