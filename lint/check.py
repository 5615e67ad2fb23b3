"""`olclint check`: discover, read, build, run the rules, filter, report, exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from olclint import __version__
from olclint.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, parse_today
from olclint.findings import Finding, Level
from olclint.report import Notification, Report, render
from olclint.rule import Rule


@dataclass
class Selection:
    """Which rules run and how bad their findings are."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    levels: dict[str, Level] = field(default_factory=dict)

    def picks(self, rule: Rule) -> bool:
        def match(key: str) -> bool:
            key = key.strip()
            return rule.id.upper().startswith(key.upper()) or rule.name.lower() == key.lower()

        if self.select and not any(match(k) for k in self.select):
            return False
        return not any(match(k) for k in self.ignore)


def split_ids(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _validate_keys(keys: tuple[str, ...], rules: tuple[Rule, ...], flag: str) -> None:
    for key in keys:
        if not any(
            r.id.upper().startswith(key.upper()) or r.name.lower() == key.lower() for r in rules
        ):
            raise UsageError(f"{flag}: {key!r} matches no rule id, prefix or name")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def run_check(args: argparse.Namespace) -> int:
    from olclint.build import build_cluster
    from olclint.discover import discover
    from olclint.rules import all_rules
    from olclint.runner import run_rules
    from olclint.workspace import Workspace, find_root

    start = _now()
    today = parse_today(args.today)
    rules = all_rules()
    selection = Selection(split_ids(args.select), split_ids(args.ignore))
    _validate_keys(selection.select, rules, "--select")
    _validate_keys(selection.ignore, rules, "--ignore")
    fail_on = args.fail_on or "warning"
    threshold = None if fail_on == "never" else Level(fail_on)

    paths = list(args.paths) or ["."]
    if args.root:
        root = Path(args.root)
        if not root.is_dir():
            raise UsageError(f"--root {args.root}: no such folder")
    else:
        first = Path(paths[0])
        root = find_root(first.resolve() if first.exists() else Path.cwd())
    found = discover(paths, root)
    notes: list[Notification] = [Notification(f"usage: {e}") for e in found.errors]
    active = tuple(r for r in rules if selection.picks(r))
    ws = Workspace(root)
    findings: list[Finding] = []
    for cluster_file in found.clusters:
        try:
            cluster = build_cluster(ws, cluster_file)
            result = run_rules(cluster, active, today)
        except Exception as exc:  # a bug in olclint: report it, check the other clusters
            notes.append(
                Notification(
                    f"checking {ws.rel(cluster_file)} failed ({type(exc).__name__})",
                    exception=type(exc).__name__,
                )
            )
            continue
        findings.extend(result.findings)
        notes.extend(result.notifications)
    levels = {r.id: selection.levels.get(r.id, r.level) for r in rules}
    kept = [f for f in findings if any(f.rule == r.id for r in active)]
    failed = any(n.level is Level.ERROR for n in notes)
    report = Report(
        findings=tuple(kept),
        rules=rules,
        sources=ws.sources,
        root=str(ws.root),
        tool_version=__version__,
        notifications=tuple(notes),
        execution_successful=not failed,
        levels=levels,
        fail_on=threshold,
        command_line=" ".join(["olclint", *sys.argv[1:]]),
        start_time_utc=start,
        end_time_utc=_now(),
    )
    color = (
        args.format == "text"
        and not args.output
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    text = render(report, args.format, color=color)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output {args.output}: {exc.strerror or exc}") from exc
    else:
        sys.stdout.write(text)
    if failed:
        return EXIT_ERROR
    if threshold is not None and any(f.level.rank >= threshold.rank for f in kept):
        return EXIT_FINDINGS
    return EXIT_OK
