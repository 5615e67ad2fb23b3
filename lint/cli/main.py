"""The command line: wires the stages and owns the exit codes.

olclint check [PATH ...]      lint clusters (see `olclint check --help`)
olclint rules                 the rule catalog
olclint explain ID|NAME       one rule's page
olclint graph PATH            the node graph of a cluster
olclint collect database|server, olclint init   collect a cluster, describe it (cli/collect.py)
"""

from __future__ import annotations

import contextlib
import os
import sys

from olclint import __version__

TYPE_CHECKING = False  # not typing's: a command answered from the report cache never imports it
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from olclint.cli.replay import Recording

__all__ = ["main"]

LEVELS = ("error", "warning", "note", "never")

CHECK_EPILOG = """\
exit codes:
  0  nothing that counts is at or above --fail-on (default warning)
  1  at least one finding that counts is at or above it (suppressed findings and, with
     --baseline, unchanged ones do not count)
  2  a usage or configuration error (a missing path, an unknown rule id), or olclint
     itself failed (the findings it has are still reported)

fixes: --fix applies the safe fixes and checks again (files restored, exit 2, if a fixed
finding remains); --diff prints them as a unified diff for patch -p1 (exit 1 when there
is something to fix); --sql FILE writes the CREATE USER / GRANT / DROP USER statements
that make OLC110 pass (a password placeholder, never a password)

reports: --format FMT to standard output (or --output FILE), --format FMT=FILE to a file;
repeat it for several reports from one run, e.g. --format text --format sarif=olclint.sarif
"""


def _parser() -> argparse.ArgumentParser:
    import argparse

    from olclint.cli.check import parse_format
    from olclint.report import FORMATS

    parser = argparse.ArgumentParser(
        prog="olclint",
        description="Static configuration linter for OL Connect server clusters.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"olclint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="lint clusters and report findings",
        allow_abbrev=False,
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="*", default=[], metavar="PATH", help="default: .")
    check.add_argument(
        "--format",
        action="append",
        type=parse_format,
        metavar="FMT[=FILE]",
        help=f"report format: {', '.join(FORMATS)} (default text); repeatable with =FILE",
    )
    check.add_argument("--output", metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (auto: on a terminal; NO_COLOR, FORCE_COLOR)",
    )
    check.add_argument(
        "--statistics", action="store_true", help="text: count the findings per rule"
    )
    check.add_argument(
        "--staged-deletions",
        action="store_true",
        help="add the files deleted in the git index to the PATHs (no default PATH): a "
        "deleted file selects the clusters that may reference it (the pre-commit hook)",
    )
    check.add_argument("--root", metavar="DIR", help="the repository root")
    check.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: .olclint.toml, else [tool.olclint] in pyproject.toml)",
    )
    check.add_argument("--select", metavar="IDS", help="comma-separated ids, prefixes or names")
    check.add_argument("--ignore", metavar="IDS", help="comma-separated ids, prefixes or names")
    check.add_argument(
        "--fail-on", choices=LEVELS, default=None, help="lowest level that fails (warning)"
    )
    check.add_argument("--baseline", metavar="FILE", help="only findings not in FILE fail")
    check.add_argument(
        "--write-baseline", metavar="FILE", help="record the findings in FILE and accept them"
    )
    check.add_argument(
        "--include-suppressed",
        action="store_true",
        help="SARIF: keep suppressed results, with their suppressions",
    )
    check.add_argument("--today", metavar="YYYY-MM-DD", help="start of the clean-up horizon")
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file again instead of reusing the result of an identical run",
    )
    check.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        default=None,
        help="worker processes for many clusters (default: decided by the clusters and CPUs)",
    )
    check.add_argument(
        "--sql",
        metavar="FILE",
        help="write the statements that make the grant rules pass (OLC110, 112, 503)",
    )
    fixing = check.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true", help="apply the safe fixes in place")
    fixing.add_argument(
        "--diff", action="store_true", help="print the safe fixes as a unified diff, write nothing"
    )

    rules = sub.add_parser("rules", help="list the rules", allow_abbrev=False)
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    explain = sub.add_parser(
        "explain", help="show one rule's documentation page", allow_abbrev=False
    )
    explain.add_argument("rule", metavar="ID|NAME")

    graph = sub.add_parser("graph", help="print the node graph of a cluster", allow_abbrev=False)
    graph.add_argument("path", metavar="PATH")
    graph.add_argument("--format", choices=("dot", "mermaid", "json", "svg"), default="dot")
    graph.add_argument("--root", metavar="DIR")

    from olclint.cli.collect import add_parsers

    add_parsers(sub)
    return parser


def _jobs(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _safe_streams() -> None:
    """What a console cannot encode is replaced, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]


def _pipe_closed() -> int:
    """The reader of standard output went away (`olclint rules | head -1`)."""
    try:  # nothing more can reach it; keep the interpreter's final flush quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    _error("standard output was closed before the report was complete")
    return _exit_error()


def _exit_error() -> int:
    from olclint.cli.common import EXIT_ERROR

    return EXIT_ERROR


def _error(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"olclint: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """The `olclint` command. Every failure of olclint itself is exit code 2 with one line
    on stderr, never a traceback (set OLCLINT_DEBUG=1 to see one).

    The process's own command line (no `argv`) is first looked up in the report cache
    (olclint.cli.replay), before anything else is imported; a miss is recorded for the
    next time."""
    _safe_streams()
    recording = None
    code = None
    try:
        if argv is None:
            from olclint.cli import replay

            entry = replay.lookup(sys.argv[1:])
            if entry is not None:
                from olclint.cli.guard import guarded

                return guarded(lambda: replay.replay(entry))
            recording = replay.Recording.begin(sys.argv[1:])
        code = _main(argv, recording)
        return code
    except BrokenPipeError:
        return _pipe_closed()
    except KeyboardInterrupt:
        _error("interrupted")
        return _exit_error()
    except Exception as exc:
        if os.environ.get("OLCLINT_DEBUG") == "1":
            raise
        # The type only: an exception's text may quote a secret read from a file.
        _error(f"internal error ({type(exc).__name__}); set OLCLINT_DEBUG=1 for details")
        return _exit_error()
    finally:
        if recording is not None:
            recording.end(code)


def _main(argv: Sequence[str] | None, recording: Recording | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return _exit_error()
    from olclint.cli.guard import guarded

    return guarded(lambda: _run(args, recording))


def _run(args: argparse.Namespace, recording: Recording | None = None) -> int:
    from olclint.cli.common import UsageError

    try:
        if args.command == "check":
            from olclint.cli.check import run_check

            return run_check(args, recording)
        if args.command == "rules":
            code = _rules(args.format)
        elif args.command == "explain":
            code = _explain(args.rule)
        elif args.command in ("collect", "init"):
            from olclint.cli.collect import run

            code = run(args)
        else:
            code = _graph(args)
        sys.stdout.flush()  # a closed pipe is seen here, not at exit
        return code
    except UsageError as exc:
        _error(str(exc))
        return _exit_error()


def _rules(fmt: str) -> int:
    import json

    from olclint.cli.common import EXIT_OK
    from olclint.rules import all_rules

    rules = all_rules()
    if fmt == "json":
        print(json.dumps([r.meta() for r in rules], indent=2))
    elif fmt == "markdown":
        print(rules_markdown(rules), end="")
    else:
        width = max(len(r.name) for r in rules)
        for r in rules:
            print(f"{r.id}  {r.name:<{width}}  {r.level!s:<7}  {r.summary}")
    return EXIT_OK


def rules_markdown(rules: Sequence) -> str:
    """The rule catalog as one Markdown document (docs/rules.md)."""
    lines = ["# olclint rules", "", "| id | name | level | summary |", "|---|---|---|---|"]
    for r in rules:
        lines.append(f"| [{r.id}](#{r.id.lower()}) | {r.name} | {r.level} | {r.summary} |")
    lines.append("")
    for r in rules:
        page = r.page().replace("\n## ", "\n### ")
        lines.extend(["", page.replace(f"# {r.id} {r.name}", f"## {r.id}", 1).rstrip(), ""])
    return "\n".join(lines).rstrip() + "\n"


def _explain(key: str) -> int:
    from olclint.cli.common import EXIT_OK, UsageError, did_you_mean
    from olclint.rules import find_rule

    rule = find_rule(key)
    if rule is None:
        from olclint.rules import all_rules

        hint = did_you_mean(key, all_rules())
        raise UsageError(f"no rule {key!r}{hint}; `olclint rules` lists them")
    print(rule.page(), end="")
    return EXIT_OK


def _graph(args: argparse.Namespace) -> int:
    from pathlib import Path

    from olclint.cli.common import EXIT_OK, UsageError, parse_today
    from olclint.model import graph as graphs
    from olclint.model.build import build_cluster
    from olclint.readers.discover import discover
    from olclint.readers.workspace import Workspace, find_root

    path = Path(args.path)
    root = Path(args.root) if args.root else find_root(path.resolve())
    found = discover([args.path], root)
    if found.errors:
        raise UsageError("; ".join(found.errors))
    if len(found.clusters) != 1:
        raise UsageError(f"{args.path} holds {len(found.clusters)} clusters; name one cluster.yaml")
    cluster = build_cluster(Workspace(root), found.clusters[0])
    if not cluster.usable:
        raise UsageError(f"{cluster.path} is not a valid cluster file; run `olclint check` on it")
    graph = graphs.build_graph(cluster)
    if args.format == "json":
        print(graphs.to_json(graph), end="")
        return EXIT_OK
    from olclint.engine.runner import run_rules
    from olclint.model.picture import connections, edge_marks, picture
    from olclint.rules import all_rules

    today = parse_today(None)
    findings = run_rules(cluster, all_rules(), today).findings
    if args.format == "svg":
        from olclint.report.svg import topology

        print(topology(picture(cluster, findings, today)))
        return EXIT_OK
    marks = edge_marks(connections(cluster, findings))
    render = graphs.to_dot if args.format == "dot" else graphs.to_mermaid
    print(render(graph, marks), end="")
    return EXIT_OK
