"""`olclint collect database`, `olclint collect server` and `olclint init`.

Each writes into a folder inside the repository root (`--root`, else the top of the git
work tree that holds the folder, else the folder itself) and prints one line per file:
`wrote PATH`, `unchanged PATH` or `removed PATH` (a `.prefs` file no longer on the
server). Any failure is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from olclint.cli.common import EXIT_ERROR, EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The `collect` and `init` subcommands."""
    collect = sub.add_parser("collect", help="collect a server's files into a node folder")
    what = collect.add_subparsers(dest="collect", metavar="WHAT")
    database = what.add_parser(
        "database",
        help="accounts, grants and running values of a live MySQL/MariaDB server",
        description="The password is read from MYSQL_PWD, else asked for on a terminal.",
    )
    database.add_argument("--host", default="127.0.0.1")
    database.add_argument("--port", type=int, default=3306)
    database.add_argument("--user", default="root")
    database.add_argument("--output", required=True, metavar="DIR", help="the node folder")
    database.add_argument("--root", metavar="DIR", help="the repository root")
    server = what.add_parser(
        "server", help="a Connect server's preference store and the database's option file"
    )
    server.add_argument("path", metavar="PATH", help="the server's files (a share or a copy)")
    server.add_argument("--output", required=True, metavar="DIR", help="the node folder")
    server.add_argument("--root", metavar="DIR", help="the repository root")
    server.add_argument(
        "--option-file", metavar="FILE", help="the option file, relative to PATH (found if absent)"
    )
    init = sub.add_parser("init", help="write a first cluster.yaml from collected node folders")
    init.add_argument("dir", metavar="DIR", help="the cluster folder holding the node folders")
    init.add_argument("--root", metavar="DIR", help="the repository root")
    init.add_argument("--force", action="store_true", help="replace an existing cluster.yaml")


def _root(output: Path, given: str | None) -> Path:
    """The repository root for a folder that may not exist yet."""
    from olclint.collect.files import CollectError
    from olclint.readers.workspace import find_root

    probe = output
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    # not resolved: a symbolic link inside the repository that points out of it must
    # not make its target the root (the realpath check below refuses it)
    root = Path(given) if given else find_root(Path(os.path.abspath(probe)))
    real_root, real = Path(os.path.realpath(root)), Path(os.path.realpath(output))
    if not real.is_relative_to(real_root):
        raise CollectError(f"{output} is outside the repository root {root}")
    return root


def _report(written: list[tuple[Path, bool | None]]) -> None:
    for path, changed in written:
        state = "removed" if changed is None else "wrote" if changed else "unchanged"
        print(f"{state} {path}")


def run(args: argparse.Namespace) -> int:
    from olclint.collect.files import CollectError

    try:
        if args.command == "init":
            from olclint.collect.init import init_cluster

            folder = Path(args.dir)
            written = init_cluster(_root(folder, args.root), folder, force=args.force)
        elif args.collect == "database":
            from olclint.collect.database import collect_database, connect

            output = Path(args.output)
            root = _root(output, args.root)
            password = os.environ.get("MYSQL_PWD")
            if password is None and sys.stdin.isatty():
                password = getpass.getpass(f"password of {args.user}: ")
            query = connect(args.host, args.port, args.user, password or "")
            written = collect_database(query, root, output, args.host, args.port)
        elif args.collect == "server":
            from olclint.collect.server import collect_server

            output = Path(args.output)
            written = collect_server(
                Path(args.path), _root(output, args.root), output, args.option_file
            )
        else:
            print("olclint: error: collect what? database or server", file=sys.stderr)
            return EXIT_ERROR
    except CollectError as exc:
        print(f"olclint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a folder that cannot be listed, a share that went away
        where = f" {exc.filename}" if exc.filename else ""
        print(f"olclint: error: cannot read{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    _report(written)
    return EXIT_OK
