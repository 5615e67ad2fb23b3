"""`olclint check`: discover, read, build, run the rules, filter, report, exit code.

The filter stage, in order: `--select`/`--ignore` (the rules that run), `[severity]`
overrides, inline suppressions, `[[suppress]]` entries (`olclint.filter.suppress`), OLC007 notes
for inline suppressions that suppressed nothing, then the baseline (`olclint.filter.baseline`).

What each format shows:

- SARIF: every current finding; with `--baseline`, each has `baselineState` `new` or
  `unchanged` and the fixed baseline entries are results with `baselineState: absent`;
  with `--include-suppressed`, the suppressed findings too, with their `suppressions`.
- text, JSON, GitHub: the findings that count for the gate only (with `--baseline`, the
  new ones); notes (notifications) say how many baseline findings are unchanged and list
  each fixed one. Suppressed findings are never shown.

Only kept findings (not suppressed, and with `--baseline` only new ones) fail the gate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from olclint import __version__
from olclint.cli.main import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, parse_today
from olclint.core.findings import Finding, Level, Location, Notification
from olclint.core.text import scrubbed
from olclint.core.writer import WriteError, Writer
from olclint.engine.rule import Rule
from olclint.engine.runner import INPUT_RULE_PREFIX
from olclint.filter.config import Config, ConfigError, Suppression
from olclint.report import Report, render


@dataclass
class Selection:
    """Which rules run and how bad their findings are."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    levels: dict[str, Level] = field(default_factory=dict)

    def picks(self, rule: Rule) -> bool:
        if self.select and not any(rule.named_by(k) for k in self.select):
            return False
        return not any(rule.named_by(k) for k in self.ignore)


def split_ids(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _validate_keys(keys: tuple[str, ...], rules: tuple[Rule, ...], flag: str) -> None:
    for key in keys:
        if not any(r.named_by(key) for r in rules):
            raise UsageError(f"{flag}: {key!r} matches no rule id, prefix or name")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _shown(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the root when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return str(path)


def load_run_config(args: argparse.Namespace, root: Path, rules: tuple[Rule, ...]) -> Config:
    """The configuration file of the run (`--config`, `.olclint.toml`, `[tool.olclint]`)."""
    from olclint.domain.connect import SETTINGS
    from olclint.filter.config import find_config, load_config

    path, table = find_config(root, args.config)
    if path is None:
        return Config()
    shown = args.config if args.config else _shown(path, root)
    try:
        return load_config(path, rules, table=table, shown=shown, settings=SETTINGS, root=root)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc


def _discover(paths: list[str], root: Path) -> tuple[list[Path], list[Notification]]:
    """Cluster files of the paths. A file outside every cluster folder is skipped with a
    note (the pre-commit hook passes any changed file); a missing path, or a folder with no
    cluster, is a usage error."""
    from olclint.readers.discover import discover, is_regular_file

    clusters: dict[str, Path] = {}
    notes: list[Notification] = []
    for text in paths:
        found = discover([text], root)
        for error in found.errors:
            path = Path(text)
            if is_regular_file(path):
                notes.append(Notification(f"skipped {error}", level=Level.NOTE))
            else:
                notes.append(Notification(f"usage: {error}"))
        for cluster in found.clusters:
            clusters.setdefault(os.path.realpath(cluster), cluster)
    return list(clusters.values()), notes


@dataclass
class _Files:
    """What the clusters of the run read: each file's comment syntax, cluster and the rules
    that ran on it."""

    kinds: dict[str, str] = field(default_factory=dict)
    cluster: dict[str, str] = field(default_factory=dict)
    ran: dict[str, set[str]] = field(default_factory=dict)

    def add(self, path: str, kind: str, cluster: str, ran: set[str]) -> None:
        self.kinds.setdefault(path, kind)
        self.cluster.setdefault(path, cluster)
        self.ran.setdefault(path, set()).update(ran)

    def add_cluster(self, cluster, ran: set[str]) -> None:
        from olclint.filter import suppress as suppress

        self.add(cluster.path, suppress.YAML, cluster.name, ran)
        db = cluster.database
        if db is not None and db.option_file is not None:
            for path in db.option_file.files or (db.option_file.path,):
                self.add(path, suppress.OPTION, cluster.name, ran)
        if db is not None and db.grants is not None:
            self.add(db.grants.path, suppress.GRANTS, cluster.name, ran)
        for node in cluster.nodes:
            for prefs in node.prefs:
                self.add(prefs.path, suppress.PREFS, cluster.name, ran)


def _ran(cluster, active: tuple[Rule, ...], notes: Iterable[Notification]) -> set[str]:
    """The ids of the rules that ran to completion on a cluster."""
    notes = list(notes)
    complete = cluster.usable and not any(n.rule is None for n in notes)
    failed = {n.rule for n in notes if n.rule}
    return {
        r.id
        for r in active
        if (complete or r.id.startswith(INPUT_RULE_PREFIX)) and r.id not in failed
    }


def _with_level(finding: Finding, levels: dict[str, Level]) -> Finding:
    level = levels.get(finding.rule)
    return finding if level is None or level is finding.level else replace(finding, level=level)


def _describe(finding: Finding) -> str:
    path = finding.location.path if finding.location else dict(finding.properties).get("file")
    scope = "/".join(p for p in (finding.cluster, finding.node) if p)
    parts = [p for p in (scope, path) if p]
    return (
        f"{finding.rule} ({', '.join(parts)}): {finding.message}"
        if parts
        else (f"{finding.rule}: {finding.message}")
    )


def _writer(root: Path, ws, files: _Files, cluster_files, config: Config, args) -> Writer:
    """The run's writer: it refuses to write over any file the run read."""
    read = [ws.root / rel for rel in (*ws.sources, *files.kinds)]
    read += [*cluster_files, *([config.path] if config.path else [])]
    read += [Path(args.baseline)] if args.baseline else []
    return Writer(root, read)


def run_check(args: argparse.Namespace) -> int:
    from olclint.engine.parallel import check_clusters, is_failure
    from olclint.filter import baseline as baselines
    from olclint.filter import suppress as suppress
    from olclint.readers.workspace import Workspace, find_root
    from olclint.rules import all_rules, find_rule

    start = _now()
    today = parse_today(args.today)
    rules = all_rules()
    paths = list(args.paths) or ["."]
    if args.root:
        root = Path(args.root)
        if not root.is_dir():
            raise UsageError(f"--root {args.root}: no such folder")
    else:
        first = Path(paths[0])
        root = find_root(first.resolve() if os.path.exists(first) else Path.cwd())
    config = load_run_config(args, root, rules)
    select = split_ids(args.select) if args.select is not None else config.select
    ignore = split_ids(args.ignore) if args.ignore is not None else config.ignore
    selection = Selection(select, ignore, dict(config.severity))
    if args.select is not None:
        _validate_keys(selection.select, rules, "--select")
    if args.ignore is not None:
        _validate_keys(selection.ignore, rules, "--ignore")
    fail_on = args.fail_on or config.fail_on or "warning"
    threshold = None if fail_on == "never" else Level(fail_on)
    entries = None
    if args.baseline:
        try:
            entries = baselines.read(Path(args.baseline), root, config.max_file_size)
        except baselines.BaselineError as exc:
            raise UsageError(f"--baseline {exc}") from exc

    cluster_files, notes = _discover(paths, root)
    for note in notes:  # a usage problem is said on stderr too, whatever the format
        if note.level is Level.ERROR:
            print(f"olclint: error: {note.message}", file=sys.stderr)
    active = tuple(r for r in rules if selection.picks(r))
    active_ids = {r.id for r in active}
    ws = Workspace(root, max_file_bytes=config.max_file_size)
    files = _Files()
    findings: list[Finding] = []
    outcomes = check_clusters(
        root, cluster_files, active, today, config.preference_keys, ws.max_file_bytes
    )
    for result, sources in outcomes:
        ws.sources.update(sources)
        if not is_failure(result):
            files.add_cluster(result.cluster, _ran(result.cluster, active, result.notifications))
        findings.extend(result.findings)
        notes.extend(result.notifications)
    levels = {r.id: selection.levels.get(r.id, r.level) for r in rules}
    # Only a configured level replaces a finding's own: a rule may report below its default
    # (a note when it cannot decide, OLC201's warning).
    overrides = {r.id: selection.levels[r.id] for r in rules if r.id in selection.levels}
    findings = [_with_level(f, overrides) for f in findings if f.rule in active_ids]

    # Suppressions: inline comments in every file read, then [[suppress]] entries.
    def resolve(key: str) -> str | None:
        rule = find_rule(key)
        return rule.id if rule else None

    def config_location(entry: Suppression) -> Location | None:
        if config.path is None or not ws.inside(config.path):
            return None
        return Location(ws.rel(config.path), entry.line)

    inline = [
        s
        for path, lines in sorted(ws.sources.items())
        for s in suppress.scan(path, lines, files.kinds.get(path) or suppress.kind_of(path))
    ]
    outcome = suppress.apply(
        findings,
        inline,
        config.suppress,
        today=today,
        resolve=resolve,
        config_location=config_location,
    )
    kept = outcome.kept
    if suppress.UNUSED in active_ids:
        stale = suppress.unused(
            inline,
            outcome.used,
            resolve=resolve,
            ran=lambda path, rule: rule in files.ran.get(path, ()),
            cluster_of=files.cluster,
        )
        kept += [_with_level(f, overrides) for f in stale]

    # Baseline: only new findings count.
    shown: list[Finding] = list(kept)
    gating: list[Finding] = list(kept)
    if entries is not None:
        comparison = baselines.compare(kept, entries)
        gating = list(comparison.new)
        if args.format == "sarif":
            shown = [*comparison.new, *comparison.unchanged, *comparison.absent]
        else:
            shown = list(comparison.new)
            if comparison.unchanged:
                n = len(comparison.unchanged)
                notes.append(
                    Notification(
                        f"{n} finding{'s' if n != 1 else ''} unchanged since the baseline "
                        f"{args.baseline} (not shown)",
                        level=Level.NOTE,
                    )
                )
            for fixed in sorted(comparison.absent, key=Finding.sort_key):
                notes.append(
                    Notification(f"fixed since the baseline: {_describe(fixed)}", level=Level.NOTE)
                )
    if args.format == "sarif" and args.include_suppressed:
        shown += outcome.suppressed
    writer = _writer(root, ws, files, cluster_files, config, args)
    if args.write_baseline:
        try:
            writer.write_text(Path(args.write_baseline), baselines.dumps(kept))
        except WriteError as exc:
            raise UsageError(f"--write-baseline {exc}") from exc
        gating = []  # what was just recorded is accepted
        n = len(kept)
        notes.append(
            Notification(
                f"baseline {args.write_baseline} written: {n} finding{'s' if n != 1 else ''}",
                level=Level.NOTE,
            )
        )

    failed = any(n.level is Level.ERROR for n in notes)
    shown, notes = scrubbed(shown), scrubbed(notes)  # no lone surrogate reaches a reporter
    report = Report(
        findings=tuple(shown),
        rules=rules,
        sources=ws.sources,
        root=str(ws.root),
        tool_version=__version__,
        notifications=tuple(notes),
        execution_successful=not failed,
        levels=levels,
        fail_on=None if args.write_baseline else threshold,  # what was written is accepted
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
            writer.write_text(Path(args.output), text)
        except WriteError as exc:
            raise UsageError(f"--output {exc}") from exc
    else:
        sys.stdout.write(text)
    if failed:
        return EXIT_ERROR
    if threshold is not None and any(f.level.rank >= threshold.rank for f in gating):
        return EXIT_FINDINGS
    return EXIT_OK
