"""The command line: wires the stages and owns the exit codes.

olclint check [PATH ...]      lint clusters (see `olclint check --help`)
olclint rules                 the rule catalog
olclint explain ID|NAME       one rule's page
olclint graph PATH            the node graph of a cluster
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from olclint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
LEVELS = ("error", "warning", "note", "never")


class UsageError(Exception):
    """A problem with the command line or the configuration: exit 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="olclint",
        description="Static configuration linter for OL Connect server clusters.",
    )
    parser.add_argument("--version", action="version", version=f"olclint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="lint clusters and report findings")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--output", metavar="FILE", help="write the report to FILE")
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

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    explain = sub.add_parser("explain", help="show one rule's documentation page")
    explain.add_argument("rule", metavar="ID|NAME")

    graph = sub.add_parser("graph", help="print the node graph of a cluster")
    graph.add_argument("path", metavar="PATH")
    graph.add_argument("--format", choices=("dot", "mermaid", "json"), default="dot")
    graph.add_argument("--root", metavar="DIR")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    from olclint.cli.guard import guarded

    return guarded(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            from olclint.cli.check import run_check

            return run_check(args)
        if args.command == "rules":
            return _rules(args.format)
        if args.command == "explain":
            return _explain(args.rule)
        return _graph(args)
    except UsageError as exc:
        print(f"olclint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


# the dates a run may start from: the clean-up search spans a year and some days around it
FIRST_DAY, LAST_DAY = dt.date(1971, 1, 1), dt.date(9990, 12, 31)


def parse_today(text: str | None) -> dt.date:
    """--today, else SOURCE_DATE_EPOCH, else today (UTC); within FIRST_DAY..LAST_DAY."""
    if text:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise UsageError(f"--today {text!r} is not a date like 2026-01-31") from exc
        return _in_range(day, f"--today {text}")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(f"SOURCE_DATE_EPOCH {epoch!r} is not a Unix time") from exc
        return _in_range(day, f"SOURCE_DATE_EPOCH {epoch}")
    return dt.datetime.now(dt.timezone.utc).date()


def _in_range(day: dt.date, what: str) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(f"{what} is outside the dates olclint checks ({FIRST_DAY} to {LAST_DAY})")
    return day


def _rules(fmt: str) -> int:
    import json

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
    from olclint.rules import find_rule

    rule = find_rule(key)
    if rule is None:
        raise UsageError(f"no rule {key!r}; `olclint rules` lists them")
    print(rule.page(), end="")
    return EXIT_OK


def _graph(args: argparse.Namespace) -> int:
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
    render = {"dot": graphs.to_dot, "mermaid": graphs.to_mermaid, "json": graphs.to_json}
    print(render[args.format](graph), end="")
    return EXIT_OK
