"""`olclint check`: named stages, wired in `run_check`.

    configure  the date, the rules, the root, the configuration file, the selection, the
               gate threshold, the baseline entries and the reports to write
    discover   command-line paths -> cluster files (a missing path is a usage error)
    check      read, build and run the rules on every cluster (`olclint.engine.parallel`)
    filter     `[severity]` overrides, inline suppressions, `[[suppress]]` entries (both
               `olclint.filter.suppress`), OLC007 notes for inline suppressions that
               suppressed nothing, the baseline (`olclint.filter.baseline`): one `Outcome`
               per finding (`olclint.filter.outcome`)
    report     one `Report`, rendered in each format asked for
    exit code  the gate's verdict (`olclint.filter.gate`), the same one the reports state

What each format shows:

- SARIF: every current finding; with `--baseline`, each has `baselineState` `new` or
  `unchanged`, and the fixed baseline entries are notifications; with
  `--include-suppressed`, the suppressed findings too, with their `suppressions`.
- text, JSON, GitHub, JUnit, GitLab: the findings that count for the gate only (with
  `--baseline`, the new ones); notes say how many baseline findings are unchanged and
  list each fixed one. Suppressed findings are never shown.

Only findings that count (not suppressed, and with `--baseline` only new ones) fail the gate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from olclint import __version__
from olclint.cli.common import UsageError, did_you_mean, parse_today
from olclint.core.findings import Finding, Level, Location, Notification
from olclint.core.text import scrubbed
from olclint.core.writer import WriteError, Writer
from olclint.engine.rule import Rule
from olclint.engine.runner import INPUT_RULE_PREFIX
from olclint.filter.config import Config, ConfigError, Suppression
from olclint.filter.outcome import ABSENT, NEW, UNCHANGED, Outcome
from olclint.report import FORMATS, Report, render

if TYPE_CHECKING:
    from olclint.cli.replay import Recording

# Formats whose bytes are UTF-8 by definition, whatever the console's code page.
UTF8_FORMATS = frozenset({"json", "sarif", "junit", "gitlab", "html"})
CONFIG_FILES = (".olclint.toml", "pyproject.toml")


@dataclass(frozen=True)
class Output:
    format: str
    path: str | None  # None: standard output


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


@dataclass
class Run:
    """What the configure stage decided."""

    args: argparse.Namespace
    start: str
    today: dt.date
    rules: tuple[Rule, ...]
    root: Path
    config: Config
    selection: Selection
    fail_on: Level | None
    entries: list | None  # baseline entries, None without --baseline
    outputs: tuple[Output, ...]

    @property
    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if self.selection.picks(r))


def split_ids(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _validate_keys(keys: tuple[str, ...], rules: tuple[Rule, ...], flag: str) -> None:
    for key in keys:
        if not any(r.named_by(key) for r in rules):
            raise UsageError(
                f"{flag}: {key!r} matches no rule id, prefix or name{did_you_mean(key, rules)}"
            )


def _now() -> str:
    from olclint.cli.replay import utc_now

    return utc_now()


def _shown(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the root when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return str(path)


def parse_format(text: str) -> Output:
    """`--format FMT` or `--format FMT=FILE`."""
    fmt, sep, path = text.partition("=")
    if fmt not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"invalid choice: {fmt!r} (choose from {', '.join(FORMATS)})"
        )
    if sep and not path:
        raise argparse.ArgumentTypeError(f"{text!r}: name a file after '='")
    return Output(fmt, path or None)


def outputs_of(args: argparse.Namespace) -> tuple[Output, ...]:
    """The reports of the run: each `--format FMT=FILE`, and the one `--format FMT` (text by
    default) to `--output` or standard output."""
    given: list[Output] = list(args.format or [])
    plain = [o for o in given if o.path is None]
    if len(plain) > 1:
        names = ", ".join(o.format for o in plain)
        raise UsageError(
            f"--format: {names}: only one report can go to "
            f"{args.output or 'standard output'}; write the others with --format FMT=FILE"
        )
    if not given:
        plain = [Output("text", None)]
    elif not plain and args.output:
        raise UsageError("--output: every --format already names its file")
    outputs = [o for o in given if o.path is not None]
    outputs += [Output(o.format, args.output) for o in plain]
    seen: dict[str, str] = {}
    for output in outputs:
        if output.path is None:
            continue
        target = os.path.realpath(output.path)
        if target in seen:  # the later report would silently replace the earlier one
            raise UsageError(
                f"--format: {seen[target]} and {output.format} would both be written to "
                f"{output.path}"
            )
        seen[target] = output.format
    return tuple(outputs)


# --- configure ---------------------------------------------------------------------------


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


def find_run_root(args: argparse.Namespace, paths: list[str]) -> Path | None:
    """`--root`, else the top of the git work tree of the first path (or of the current
    folder when it does not exist); None outside every work tree (the clusters decide)."""
    from olclint.readers.workspace import git_root

    if args.root:
        root = Path(args.root)
        if not root.is_dir():
            raise UsageError(f"--root {args.root}: no such folder")
        return root
    first = Path(paths[0])
    return git_root(first if first.exists() else Path.cwd())


def common_root(cluster_files: Iterable[Path]) -> Path:
    """Outside a git work tree: the folder that holds every cluster folder of the run."""
    folders = [os.path.realpath(Path(p).parent) for p in cluster_files]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def configure(args: argparse.Namespace, root: Path) -> Run:
    from olclint.filter import baseline as baselines
    from olclint.rules import all_rules

    start = _now()
    today = parse_today(args.today)
    rules = all_rules()
    outputs = outputs_of(args)
    config = load_run_config(args, root, rules)
    select = split_ids(args.select) if args.select is not None else config.select
    ignore = split_ids(args.ignore) if args.ignore is not None else config.ignore
    selection = Selection(select, ignore, dict(config.severity))
    if args.select is not None:
        _validate_keys(selection.select, rules, "--select")
    if args.ignore is not None:
        _validate_keys(selection.ignore, rules, "--ignore")
    fail_on = args.fail_on or config.fail_on or "warning"
    entries = None
    if args.baseline:
        try:
            entries = baselines.read(Path(args.baseline), root, config.max_file_size)
        except baselines.BaselineError as exc:
            raise UsageError(f"--baseline {exc}") from exc
    return Run(
        args=args,
        start=start,
        today=today,
        rules=rules,
        root=root,
        config=config,
        selection=selection,
        fail_on=None if fail_on == "never" else Level(fail_on),
        entries=entries,
        outputs=outputs,
    )


# --- discover ----------------------------------------------------------------------------


def _is_config_file(path: Path, root: Path) -> bool:
    """`.olclint.toml` or `pyproject.toml` at the root: it affects every cluster."""
    return path.name in CONFIG_FILES and os.path.realpath(path.parent) == os.path.realpath(root)


def discover_clusters(
    paths: list[str], root: Path, *, staged_deletions: bool = False, looked: set | None = None
) -> tuple[list[Path], list[Notification]]:
    """Cluster files of the paths. A missing path, or a folder with no cluster, is a usage
    error. A file outside every cluster folder is skipped with a note (the pre-commit hook
    passes any changed file), but the configuration file at the root selects every
    cluster, and with `staged_deletions` a path that no longer exists selects the clusters
    whose files reference it (a `git rm`). Every folder listed and path examined is
    added to `looked`."""
    from olclint.readers.discover import discover, is_regular_file

    looked = set() if looked is None else looked

    clusters: dict[str, Path] = {}
    notes: list[Notification] = []

    def add(found: Iterable[Path]) -> None:
        for cluster in found:
            clusters.setdefault(os.path.realpath(cluster), cluster)

    everything: list[Path] | None = None
    for text in paths:
        path = Path(text)
        if _is_config_file(path, root) or (staged_deletions and not path.exists()):
            if everything is None:
                everything = list(discover([str(root)], root, looked).clusters)
            if path.exists():
                add(everything)
            else:
                add(referencing(everything, path))
            continue
        found = discover([text], root, looked)
        for error in found.errors:
            if is_regular_file(path):
                notes.append(Notification(f"skipped {error}", level=Level.NOTE))
            else:
                notes.append(Notification(f"usage: {error}"))
        add(found.clusters)
    return list(clusters.values()), notes


def referencing(cluster_files: Iterable[Path], gone: Path) -> list[Path]:
    """The clusters that may reference `gone` (a deleted file): those whose folder held it,
    and those whose cluster.yaml names its path relative to the cluster folder."""
    target = os.path.abspath(gone)
    found = []
    for cluster in cluster_files:
        folder = os.path.abspath(Path(cluster).parent)
        if target.startswith(folder + os.sep):
            found.append(cluster)
            continue
        ref = Path(os.path.relpath(target, folder)).as_posix()
        try:
            text = Path(cluster).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if ref in text:
            found.append(cluster)
    return found


def staged_deletions(root: Path) -> list[str]:
    """The files deleted in the git index (`git rm`), as paths under the work tree's top."""
    import subprocess

    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
        names = subprocess.run(
            ["git", "-C", top, "diff", "--cached", "--name-only", "--diff-filter=D", "-z"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"--staged-deletions: git cannot list the staged files ({exc})") from exc
    return [str(Path(top) / name) for name in names.split("\0") if name]


# --- check -------------------------------------------------------------------------------


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


@dataclass
class Checked:
    """What the check stage produced."""

    findings: list[Finding]
    notes: list[Notification]
    files: _Files
    workspace: object  # olclint.readers.workspace.Workspace
    clusters: int
    usable: list = field(default_factory=list)  # the usable clusters (for the html pictures)
    cluster_files: list = field(default_factory=list)  # the cluster files the run read
    looked: set = field(default_factory=set)  # every path the readers asked about
    inline: list = field(default_factory=list)  # the inline suppression comments, by file
    read: set = field(default_factory=set)  # every file whose lines were read (relative)
    read_rows: dict = field(default_factory=dict)  # each file read -> its state as read


def _pictures(clusters, findings: Iterable[Finding], today: dt.date) -> tuple:
    from olclint.model.picture import picture

    return tuple(picture(c, findings, today) for c in clusters)


def check(run: Run, cluster_files: list[Path]) -> Checked:
    """Check every cluster, or take the check stage's output from the result cache
    (`olclint.cli.cache`) when nothing it depends on changed."""
    key = _cache_key(run, cluster_files)
    if key is not None:
        from olclint.cli import cache

        entry = cache.load(key, run.root)
        if entry is not None:
            return _from_cache(run, entry)
    started = time.time_ns()
    checked = _check(run, cluster_files)
    if key is not None:
        from olclint.cli import cache

        payload = _to_cache(checked)
        cache.store(key, run.root, sorted(checked.looked), payload, started, checked.read_rows)
    return checked


def _needs_models(run: Run) -> bool:
    """Whether a later stage reads the clusters' models: the html pictures, --sql."""
    return any(o.format == "html" for o in run.outputs) or bool(getattr(run.args, "sql", None))


def _cache_key(run: Run, cluster_files: list[Path]) -> str | None:
    args = run.args
    if getattr(args, "no_cache", False) or _needs_models(run):
        return None  # the cache keeps findings, not the models those stages read
    if getattr(args, "fix", False) or getattr(args, "diff", False):
        return None  # fixes are verified by checking the files again, never from a cache
    from olclint.cli import cache

    try:
        return cache.run_key(run, cluster_files)
    except Exception:  # the cache is an optimisation: never a reason to fail
        return None


def _to_cache(checked: Checked) -> dict:
    return {
        "findings": checked.findings,
        "notes": checked.notes,
        "files": checked.files,
        "sources": checked.workspace.sources,
        "clusters": checked.clusters,
        "cluster_files": checked.cluster_files,
        "inline": checked.inline,
        "read": checked.read,
    }


def _from_cache(run: Run, entry: dict) -> Checked:
    from olclint.readers.workspace import Workspace

    ws = Workspace(run.root, max_file_bytes=run.config.max_file_size)
    ws.sources.update(entry["sources"])
    return Checked(
        list(entry["findings"]),
        list(entry["notes"]),
        entry["files"],
        ws,
        entry["clusters"],
        [],
        list(entry["cluster_files"]),
        set(entry["looked"]),
        list(entry["inline"]),
        set(entry["read"]),
    )


def _check(run: Run, cluster_files: list[Path]) -> Checked:
    from olclint.engine.parallel import (
        MIN_PARALLEL,
        auto_workers,
        check_clusters,
        check_one,
        gc_paused,
    )
    from olclint.readers.workspace import Workspace

    active = run.active
    ws = Workspace(run.root, max_file_bytes=run.config.max_file_size)
    files = _Files()
    pictures = _needs_models(run)
    jobs = getattr(run.args, "jobs", None)
    args = (run.config.preference_keys, ws.max_file_bytes)
    if (jobs or auto_workers(len(cluster_files))) <= 1 or len(cluster_files) < MIN_PARALLEL:
        # one by one: each cluster's model is freed once its findings are taken
        results = (check_one(run.root, p, active, run.today, *args) for p in cluster_files)
    else:
        results = check_clusters(run.root, cluster_files, active, run.today, *args, jobs=jobs)
    with gc_paused():  # re-enabled once the clusters' models are gone (a cheap collection)
        return _collect(run, results, files, cluster_files, ws, pictures)


def _collect(run: Run, results, files: _Files, cluster_files: list[Path], ws, pictures) -> Checked:
    """The check stage's output from the clusters' results, in input order."""
    from olclint.engine.parallel import is_failure

    active = run.active
    checked = []  # the usable clusters, for the stages that read the models
    findings: list[Finding] = []
    notes: list[Notification] = []
    looked: set[str] = {os.path.abspath(p) for p in cluster_files}
    inline: list = []
    read: set[str] = set()
    baselined = {entry.path for entry in run.entries or ()}
    read_rows: dict[str, tuple] = {}
    for result, sources in results:
        looked.update(result.looked)
        read_rows.update(result.read_rows)
        if not is_failure(result):
            files.add_cluster(result.cluster, _ran(result.cluster, active, result.notifications))
            if result.cluster.usable and pictures:
                checked.append(result.cluster)
        # each cluster's lines are kept only where a report can show them: its suppression
        # comments are taken now, and a file no finding, fix, comment or baseline entry
        # points at is let go (a repository's sources are not all held to the end); a file
        # several clusters read (a shared grants.sql) is scanned once
        found = _inline_suppressions({p: ls for p, ls in sources.items() if p not in read}, files)
        inline += found
        shown = _shown_paths(result.findings) | {s.path for s in found} | baselined
        ws.sources.update((path, lines) for path, lines in sources.items() if path in shown)
        read.update(sources)
        findings.extend(result.findings)
        notes.extend(result.notifications)
    inline.sort(key=lambda s: s.path)  # the file order of a scan of every file, as before
    return Checked(
        findings,
        notes,
        files,
        ws,
        len(cluster_files),
        checked,
        list(cluster_files),
        looked,
        inline,
        read,
        read_rows,
    )


def _inline_suppressions(sources: dict[str, list[str]], files: _Files) -> list:
    from olclint.filter import suppress

    return [
        s
        for path, lines in sorted(sources.items())
        for s in suppress.scan(path, lines, files.kinds.get(path) or suppress.kind_of(path))
    ]


def _shown_paths(findings: Iterable[Finding]) -> set[str]:
    """The files a report or a diff may quote for these findings: where they are, their
    related places, the file they concern and every file their fixes edit."""
    paths: set[str] = set()
    for finding in findings:
        if finding.location is not None:
            paths.add(finding.location.path)
        paths.update(related.location.path for related in finding.related)
        concerned = dict(finding.properties).get("file")
        if concerned:
            paths.add(concerned)
        if finding.fix is not None:
            paths.update(edit.location.path for edit in finding.fix.edits)
    return paths


# --- filter ------------------------------------------------------------------------------


def _with_level(finding: Finding, levels: dict[str, Level]) -> Finding:
    level = levels.get(finding.rule)
    return finding if level is None or level is finding.level else replace(finding, level=level)


def read_paths(run: Run, checked: Checked) -> list[Path]:
    """Every file the run read."""
    ws, files, config, args = checked.workspace, checked.files, run.config, run.args
    read = [ws.root / rel for rel in (*checked.read, *ws.sources, *files.kinds)]
    read += [*checked.cluster_files, *([config.path] if config.path else [])]
    read += [Path(args.baseline)] if args.baseline else []
    return read


def _writer(run: Run, checked: Checked) -> Writer:
    """The run's writer: it refuses to write over any file the run read."""
    return Writer(run.root, read_paths(run, checked))


def filter_findings(run: Run, checked: Checked) -> tuple[list[Outcome], list[Notification]]:
    """Outcomes of the run's findings, and the notes the filter adds."""
    from olclint.filter import baseline as baselines
    from olclint.filter import suppress as suppress
    from olclint.rules import find_rule

    active_ids = {r.id for r in run.active}
    ws, files, config = checked.workspace, checked.files, run.config
    # Only a configured level replaces a finding's own: a rule may report below its default
    # (a note when it cannot decide, OLC201's warning).
    overrides = {
        r.id: run.selection.levels[r.id] for r in run.rules if r.id in run.selection.levels
    }
    findings = [_with_level(f, overrides) for f in checked.findings if f.rule in active_ids]

    def resolve(key: str) -> str | None:
        rule = find_rule(key)
        return rule.id if rule else None

    def config_location(entry: Suppression) -> Location | None:
        if config.path is None or not ws.inside(config.path):
            return None
        return Location(ws.rel(config.path), entry.line)

    # Suppressions: inline comments in every file read, then [[suppress]] entries.
    inline = checked.inline
    applied = suppress.apply(
        findings,
        inline,
        config.suppress,
        today=run.today,
        resolve=resolve,
        config_location=config_location,
    )
    kept = applied.kept
    if suppress.UNUSED in active_ids:
        stale = suppress.unused(
            inline,
            applied.used,
            resolve=resolve,
            ran=lambda path, rule: rule in files.ran.get(path, ()),
            cluster_of=files.cluster,
        )
        kept += [_with_level(f, overrides) for f in stale]

    notes: list[Notification] = []
    outcomes: list[Outcome] = []
    if run.entries is not None:  # only new findings count
        comparison = baselines.compare(kept, run.entries)
        outcomes += [Outcome(f, baseline=NEW) for f in comparison.new]
        outcomes += [Outcome(f, baseline=UNCHANGED) for f in comparison.unchanged]
        outcomes += [Outcome(f, baseline=ABSENT) for f in comparison.absent]
    else:
        outcomes += [Outcome(f) for f in kept]
    outcomes += applied.suppressed
    if run.args.write_baseline:
        try:
            _writer(run, checked).write_text(Path(run.args.write_baseline), baselines.dumps(kept))
        except WriteError as exc:
            raise UsageError(f"--write-baseline {exc}") from exc
        n = len(kept)
        notes.append(
            Notification(
                f"baseline {run.args.write_baseline} written: {n} finding{'s' if n != 1 else ''}",
                level=Level.NOTE,
            )
        )
    return outcomes, notes


# --- report ------------------------------------------------------------------------------


def project_urls() -> dict[str, str]:
    """The `[project.urls]` of the installed package, labels in lower case."""
    from importlib import metadata

    try:
        entries = metadata.metadata("olclint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return {}
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        if url.strip():
            urls[label.strip().lower()] = url.strip()
    return urls


def color_wanted(choice: str, stream) -> bool:
    """`--color always|never`, else `FORCE_COLOR`, else `NO_COLOR`, else a terminal."""
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def build_report(
    run: Run, checked: Checked, outcomes: list[Outcome], notes: list[Notification]
) -> Report:
    failed = any(n.level is Level.ERROR for n in notes)
    # no lone surrogate (a \uD800 escape, a file name that is not UTF-8) reaches a reporter
    outcomes, notes = scrubbed(list(outcomes)), scrubbed(list(notes))
    return Report(
        outcomes=tuple(outcomes),
        rules=run.rules,
        sources=checked.workspace.sources,
        root=str(checked.workspace.root),
        tool_version=__version__,
        notifications=tuple(notes),
        execution_successful=not failed,
        levels={r.id: run.selection.levels.get(r.id, r.level) for r in run.rules},
        # what --write-baseline just recorded is accepted
        fail_on=None if run.args.write_baseline else run.fail_on,
        command_line=" ".join(["olclint", *sys.argv[1:]]),
        start_time_utc=run.start,
        end_time_utc=_now(),
        baseline=run.args.baseline,
        include_suppressed=run.args.include_suppressed,
        project_urls=project_urls(),
        path_base=os.getcwd(),
        clusters_checked=checked.clusters,
        statistics=run.args.statistics,
        # the picture shows what the rules saw: a suppressed or baselined break is still red
        pictures=_pictures(
            checked.usable, (o.finding for o in outcomes if o.baseline != ABSENT), run.today
        )
        if any(o.format == "html" for o in run.outputs)
        else (),
    )


def write_stdout(text: str, fmt: str) -> None:
    """Standard output in any code page: the UTF-8 formats as UTF-8 bytes, the others in
    the console's encoding with what it cannot show replaced."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if fmt in UTF8_FORMATS and buffer is not None:
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, errors="replace").decode(encoding, errors="replace"))
    stream.flush()


def write_job_summary(report: Report) -> None:
    """In a GitHub Actions step, the job summary says what annotations cannot."""
    from olclint.report import github

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(github.summary(report))
    except OSError as exc:
        raise UsageError(f"GITHUB_STEP_SUMMARY {path}: {exc.strerror or exc}") from exc


def write_reports(run: Run, report: Report, checked: Checked) -> None:
    if any(o.format == "github" for o in run.outputs):
        write_job_summary(report)
    for output in run.outputs:
        if output.path is None:
            color = output.format == "text" and color_wanted(run.args.color, sys.stdout)
            write_stdout(render(report, output.format, color=color), output.format)
            continue
        color = output.format == "text" and run.args.color == "always"
        text = render(report, output.format, color=color)
        try:
            _writer(run, checked).write_text(Path(output.path), text)
        except WriteError as exc:
            raise UsageError(f"--output {exc}") from exc


# --- the command -------------------------------------------------------------------------


def run_nothing(args: argparse.Namespace) -> int:
    """`--staged-deletions` with no changed file and no deletion: nothing to check."""
    from olclint.readers.workspace import Workspace

    root = find_run_root(args, ["."]) or Path.cwd()
    run = configure(args, root)
    ws = Workspace(run.root, max_file_bytes=run.config.max_file_size)
    checked = Checked([], [], _Files(), ws, 0)
    report = build_report(run, checked, [], [])
    write_reports(run, report, checked)
    return report.verdict.exit_code


def command_paths(args: argparse.Namespace) -> list[str]:
    """The PATHs (default `.`); with `--staged-deletions` no default, plus the deleted files."""
    if not args.staged_deletions:
        return list(args.paths) or ["."]
    root = find_run_root(args, list(args.paths) or ["."]) or Path.cwd()
    return [*args.paths, *staged_deletions(root)]


def run_root(args: argparse.Namespace, paths: list[str]) -> Path:
    root = find_run_root(args, paths)
    if root is None:  # outside git: the folder that holds the run's clusters
        cluster_files, _ = discover_clusters(paths, Path(os.path.abspath(os.sep)))
        root = common_root(cluster_files)
    return root


def say_errors(run: Run, notes: Iterable[Notification], checked: Checked) -> None:
    """A usage problem is said on stderr too, whatever the format; so is every problem of
    olclint itself when a report has no place for it (GitLab's)."""
    for note in notes:
        if note.level is Level.ERROR:
            print(f"olclint: error: {note.message}", file=sys.stderr)
    if any(o.format == "gitlab" for o in run.outputs):
        for note in checked.notes:
            if note.level is Level.ERROR:
                tags = ", ".join(t for t in (note.rule, note.exception) if t)
                print(
                    f"olclint: error: {note.message}" + (f" [{tags}]" if tags else ""),
                    file=sys.stderr,
                )


def _write_sql(run: Run, checked: Checked, outcomes: list[Outcome]) -> Notification:
    from olclint.cli.sql import write_sql

    return write_sql(run, checked, outcomes, read_paths(run, checked))


def run_check(args: argparse.Namespace, recording: Recording | None = None) -> int:
    """`olclint check`; `recording`: the report cache's notes of this command line
    (olclint.cli.replay), told what the run depended on when it is one to replay."""
    paths = command_paths(args)
    if not paths:
        return run_nothing(args)
    run = configure(args, run_root(args, paths))
    looked: set[str] = set()
    cluster_files, notes = discover_clusters(
        paths, run.root, staged_deletions=args.staged_deletions, looked=looked
    )
    checked = check(run, cluster_files)
    say_errors(run, notes, checked)
    outcomes, filter_notes = filter_findings(run, checked)
    if args.fix or args.diff:
        from olclint.cli.fix import run_fix

        def recheck(at: Path | None = None) -> tuple[Checked, list[Outcome]]:
            """Check again: in place, or on a copy of the read files under `at`."""
            if at is None:
                again = check(run, cluster_files)
                return again, filter_findings(run, again)[0]
            quiet = argparse.Namespace(**{**vars(args), "write_baseline": None})
            moved = replace(run, root=at, args=quiet)
            again = check(moved, [at / _shown(Path(p), run.root) for p in cluster_files])
            return again, filter_findings(moved, again)[0]

        done = run_fix(run, checked, outcomes, read_paths(run, checked), recheck)
        if isinstance(done, int):  # --diff: the diff is the output
            if args.sql:
                _write_sql(run, checked, outcomes)
            return done
        checked, outcomes, fix_notes = done
        filter_notes += fix_notes
    if args.sql:
        filter_notes.append(_write_sql(run, checked, outcomes))
    report = build_report(run, checked, outcomes, [*notes, *checked.notes, *filter_notes])
    if recording is None or not replayable(run):
        write_reports(run, report, checked)
        return report.verdict.exit_code
    from olclint.cli.replay import OTHER_TIMES

    other = replace(report, start_time_utc=OTHER_TIMES[0], end_time_utc=OTHER_TIMES[1])
    recording.report(
        lambda: write_reports(run, report, checked), lambda: write_reports(run, other, checked)
    )
    probes = root_probes(args, paths, run.root)
    if probes is not None:
        times = (report.start_time_utc, report.end_time_utc)
        looked |= depends_on(run, checked)
        code = report.verdict.exit_code
        recording.check(run.root, looked, probes, times, code, checked.read_rows)
    return report.verdict.exit_code


# --- the report cache (olclint.cli.replay) -------------------------------------------------


def replayable(run: Run) -> bool:
    """Whether the run writes nothing but its report on standard output."""
    args = run.args
    if args.fix or args.diff or args.sql or args.write_baseline or args.staged_deletions:
        return False
    if args.no_cache or any(o.path is not None for o in run.outputs):
        return False
    github = any(o.format == "github" for o in run.outputs)
    return not (github and os.environ.get("GITHUB_STEP_SUMMARY"))


def root_probes(args: argparse.Namespace, paths: list[str], root: Path) -> list | None:
    """What decided the root: nothing more than the paths with `--root`; else whether each
    `.git` from the first path up to the root's exists. None when the root came from
    elsewhere (git itself, or the clusters outside every work tree)."""
    from olclint.readers.workspace import git_probes

    if args.root:
        return []
    first = Path(paths[0])
    probes = []
    for probe in git_probes(first if first.exists() else Path.cwd()):
        found = probe.exists()
        probes.append((os.fspath(probe), found))
        if found:
            return probes if probe.parent == root else None
    return None


def depends_on(run: Run, checked: Checked) -> set[str]:
    """The paths the run read besides discovery's: the readers' (`Workspace.looked`), the
    cluster files, the root, the configuration files and the baseline."""
    args = run.args
    paths = {*checked.looked, *(os.path.abspath(p) for p in checked.cluster_files)}
    paths.add(os.path.abspath(run.root))
    if args.config:
        paths.add(os.path.abspath(args.config))
    else:
        paths.update(os.path.abspath(run.root / name) for name in CONFIG_FILES)
    if args.baseline:
        paths.add(os.path.abspath(args.baseline))
    return paths
