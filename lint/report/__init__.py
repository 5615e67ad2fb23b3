"""Reporters: turn the outcomes of a run into text, JSON, SARIF, GitHub commands, JUnit XML,
a GitLab Code Quality report or an HTML page.

Reporters know findings and rule metadata, nothing about MySQL or Connect. They never
open a file: source lines for snippets come from `Report.sources`, which holds the lines
the readers remembered, secrets already redacted. A reporter adds nothing to those lines
but the caret and colour decorations of the text format.

`render(report, fmt)` is the single entry point; each format's module is imported on
demand so that start-up stays fast.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from olclint.core.findings import Finding, Level, Notification
from olclint.engine.rule import Rule
from olclint.filter import gate
from olclint.filter.outcome import ABSENT, UNCHANGED, Outcome

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "html")


@dataclass(frozen=True)
class Report:
    """Everything a reporter needs, and nothing else.

    - `outcomes`: every finding of the run with what the filter decided (suppressed, baseline
      state), any order. The text, JSON and GitHub formats show the ones that count
      (`shown`); SARIF shows the unchanged ones too and, with `include_suppressed`, the
      suppressed ones. The fixed baseline entries (`absent`) become notes in every format.
    - `rules`: every registered rule; SARIF declares each once.
    - `sources`: relative path -> redacted lines, for snippets.
    - `root`: absolute repository root (SARIF `originalUriBaseIds`).
    - `levels`: per-rule level overrides, i.e. the effective default level of a rule.
    - `fail_on`: the gate threshold; None means never fail.
    - `baseline`: the baseline file as the user named it, when the run has one.
    - `project_urls`: the project's `[project.urls]`, labels in lower case (SARIF
      `informationUri` and `helpUri`); empty when it publishes none.
    - `path_base`: the folder the text and GitHub formats show paths relative to (the
      current folder); None keeps them relative to the root, as SARIF and JSON always do.
    - `clusters_checked`: how many clusters the run checked, when known.
    - `statistics`: the text format counts the findings per rule instead of listing them.
    """

    outcomes: tuple[Outcome, ...]
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
    baseline: str | None = None
    include_suppressed: bool = False
    project_urls: Mapping[str, str] = field(default_factory=dict)
    path_base: str | None = None
    clusters_checked: int | None = None
    statistics: bool = False

    def display_path(self, path: str) -> str:
        """A root-relative path as the text and GitHub formats show it: relative to
        `path_base` (the current folder, as ruff and yamllint do) when set."""
        if self.path_base is None or not path or os.path.isabs(path):
            return path
        absolute = os.path.join(self.root, path)
        try:
            return Path(os.path.relpath(absolute, self.path_base)).as_posix()
        except ValueError:  # another drive on Windows
            return path

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings that count: not suppressed, not accepted by the baseline."""
        return tuple(o.finding for o in self.outcomes if o.counts)

    @property
    def verdict(self) -> gate.Verdict:
        return gate.verdict(
            self.outcomes, self.fail_on, execution_successful=self.execution_successful
        )


def plain(findings: Iterable[Finding]) -> tuple[Outcome, ...]:
    """Findings that no suppression or baseline touched."""
    return tuple(Outcome(f) for f in findings)


def _describe(finding: Finding) -> str:
    path = finding.location.path if finding.location else dict(finding.properties).get("file")
    scope = "/".join(p for p in (finding.cluster, finding.node) if p)
    parts = [p for p in (scope, path) if p]
    where = f" ({', '.join(parts)})" if parts else ""
    return f"{finding.rule}{where}: {finding.message}"


def baseline_notes(report: Report, *, unchanged: bool = True) -> list[Notification]:
    """Notes on the baseline: how many findings are unchanged (not shown; left out with
    `unchanged=False`, for SARIF, which shows them), then one note per fixed entry."""
    if report.baseline is None:
        return []
    notes = []
    same = sum(1 for o in report.outcomes if o.baseline == UNCHANGED and o.suppression is None)
    if unchanged and same:
        notes.append(
            Notification(
                f"{same} finding{'s' if same != 1 else ''} unchanged since the baseline "
                f"{report.baseline} (not shown)",
                level=Level.NOTE,
            )
        )
    fixed = [o.finding for o in report.outcomes if o.baseline == ABSENT]
    for finding in sorted(fixed, key=Finding.sort_key):
        notes.append(
            Notification(f"fixed since the baseline: {_describe(finding)}", level=Level.NOTE)
        )
    return notes


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


def sorted_outcomes(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """Outcomes in the order of their findings (`sorted_findings`)."""
    return sorted(
        outcomes,
        key=lambda o: (
            o.finding.sort_key(),
            -o.finding.level.rank,
            o.finding.fingerprint,
            repr(o.finding),
            o.baseline or "",
        ),
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
    """True when the run fails its gate: a finding that counts at or above `fail_on`, or
    olclint could not do its job (`olclint.filter.gate`, the exit code's verdict too)."""
    return report.verdict.failed


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report in format `fmt` (one of `FORMATS`)."""
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
    if fmt == "junit":
        from olclint.report import junit

        return junit.render(report)
    if fmt == "gitlab":
        from olclint.report import gitlab

        return gitlab.render(report)
    raise ValueError(f"unknown report format {fmt!r} (expected one of {', '.join(FORMATS)})")
