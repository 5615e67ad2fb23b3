"""Effective server options (olclint.domain.mysql): unit tests and the mariadbd oracle."""

from __future__ import annotations

import ipaddress
import re
import subprocess
from pathlib import Path

import pytest
from oracles import require

from olclint.domain.mysql import (
    effective_options,
    parse_bind_address,
    parse_number,
    resolve_name,
    server_groups,
)
from olclint.readers.optionfile import parse_option_text, read_option_file
from olclint.readers.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "mysqld"
OPTION_FILES = sorted(FIXTURES.glob("*.cnf"))
V4 = ipaddress.IPv4Address
V6 = ipaddress.IPv6Address


def _opts(text: str, engine: str = "mariadb", version=(10, 11)):
    return effective_options(parse_option_text(text, "my.cnf"), engine, version)


def test_groups_by_engine_and_version() -> None:
    assert server_groups("mysql", (8, 0, 36)) == ("mysqld", "server", "mysqld-8.0")
    assert server_groups("mysql", None) == ("mysqld", "server")
    # as `mariadbd --help` lists them on 10.11
    assert server_groups("mariadb", (10, 11, 6)) == (
        "mysqld",
        "server",
        "mysqld-10.11",
        "mariadb",
        "mariadb-10.11",
        "mariadbd",
        "mariadbd-10.11",
        "client-server",
        "galera",
    )


def test_later_value_wins_and_keeps_its_line() -> None:
    opts = _opts(
        "[mysqld]\nbind-address=127.0.0.1\n[client]\nport=1\n[mariadb]\nbind_address=0.0.0.0\n"
    )
    assert opts.bind_address.value == "0.0.0.0"
    assert opts.bind_address.option.location.line == 6
    assert opts.port.value == 3306 and opts.port.option is None


def test_name_prefixes() -> None:
    assert resolve_name("skip-bind-address", "mysql") == ("bind-address", "skip", False)
    assert resolve_name("loose-disable-skip-networking", "mysql") == (
        "skip-networking",
        "disable",
        False,
    )
    assert resolve_name("bind", "mariadb") == ("bind-address", None, False)
    assert resolve_name("bind", "mysql") == (None, None, False)  # MySQL takes no prefixes
    assert resolve_name("skip-n", "mariadb") == (None, None, True)
    assert resolve_name("port-open-timeout", "mariadb") == (None, None, False)


def test_booleans_and_modifiers() -> None:
    assert _opts("[mysqld]\nskip-networking=yes\n").skip_networking.value is False
    assert _opts("[mysqld]\nskip-networking=ON\n").skip_networking.value is True
    assert _opts("[mysqld]\nskip-skip-networking=0\n").skip_networking.value is True
    assert _opts("[mysqld]\nenable-skip-name-resolve=0\n").skip_name_resolve.value is False
    assert _opts("[mysqld]\nskip-bind-address\n").bind_address.value == "0"


def test_numbers() -> None:
    assert parse_number("3306") == 3306
    assert parse_number("1K") == 1024
    assert parse_number("3306 ; x") is None
    assert parse_number("0x10") is None
    opts = _opts("[mysqld]\nport=abc\n")
    assert not opts.starts
    assert opts.problems[0].option.location.line == 2
    assert opts.problems[0].message == "port 'abc' is not a number; the server does not start"


def test_bind_address_engine_rules() -> None:
    # "::" is IPv6 only on MariaDB (observed), both on MySQL (MySQL 8.0 manual, bind_address)
    maria, _ = parse_bind_address("::", "mariadb", (10, 11))
    mysql, _ = parse_bind_address("::", "mysql", (8, 0, 36))
    assert maria.accepts(V4("192.168.10.10")) is False
    assert maria.accepts(V6("fe80::1")) is True
    assert mysql.accepts(V4("192.168.10.10")) is True
    local, _ = parse_bind_address("localhost", "mysql", None)
    assert local.accepts(V4("127.0.0.1")) and local.accepts(V6("::1"))
    assert local.accepts(V4("192.168.10.10")) is False
    named, _ = parse_bind_address("db1", "mysql", None, {"DB1": V4("10.0.0.5")})
    assert named.accepts(V4("10.0.0.5")) is True
    unknown, _ = parse_bind_address("elsewhere", "mysql", None)
    assert unknown.accepts(V4("10.0.0.5")) is None


def test_bind_address_lists() -> None:
    # MySQL: lists from 8.0.13, no wildcard inside (MySQL 8.0 manual, bind_address)
    ok, why = parse_bind_address("10.0.0.1,127.0.0.1", "mysql", (8, 0, 13))
    assert why is None and ok.addresses == {V4("10.0.0.1"), V4("127.0.0.1")}
    assert parse_bind_address("10.0.0.1,127.0.0.1", "mysql", (8, 0, 12))[0] is None
    assert parse_bind_address("10.0.0.1,0.0.0.0", "mysql", (8, 0, 36))[0] is None
    # MariaDB: a wildcard with an address it covers fails (address in use); a wildcard of
    # the other family is fine (observed with real start-ups, tests/test_bind_oracle.py)
    assert parse_bind_address("10.0.0.1,0.0.0.0", "mariadb", (10, 11)) == (
        None,
        "'10.0.0.1,0.0.0.0' binds 10.0.0.1 twice (the wildcard covers it): the second bind "
        "fails, address in use",
    )
    both, why = parse_bind_address("10.0.0.1,::", "mariadb", (10, 11))
    assert why is None and (both.all_v4, both.all_v6, both.addresses) == (
        False,
        True,
        {V4("10.0.0.1")},
    )
    assert parse_bind_address("::ffff:127.0.0.1", "mariadb", (10, 11))[0] is None
    assert parse_bind_address("::ffff:127.0.0.1", "mysql", (8, 0, 36))[0] is not None
    assert parse_bind_address("localhost", "mariadb", (10, 11))[0].addresses == {V4("127.0.0.1")}
    assert parse_bind_address("10.0.0.1, 127.0.0.1", "mariadb", (10, 11))[0] is None
    assert parse_bind_address("", "mariadb", (10, 11)) == (None, "is empty")


def test_empty_port_is_the_default() -> None:
    # mariadbd --help --verbose with `port=` prints port 3306 (tests/test_bind_oracle.py)
    opts = _opts("[mysqld]\nport=\n")
    assert opts.starts and opts.port.value == 3306


def test_invalid_bind_address_stops_the_server() -> None:
    opts = _opts("[mysqld]\nbind-address=\n")
    assert not opts.starts and opts.listen is None
    assert opts.problems[0].message == "bind-address is empty; the server does not start"


def test_mysqlx_on_mysql_8() -> None:
    opts = _opts("[mysqld]\nbind-address=127.0.0.1\n", "mysql", (8, 0, 36))
    assert opts.mysqlx.value is True
    assert opts.mysqlx_port.value == 33060
    assert opts.mysqlx_listen.accepts(V4("192.168.1.1")) is True
    off = _opts("[mysqld]\nmysqlx=OFF\n", "mysql", (8, 0, 36))
    assert off.mysqlx.value is False and off.mysqlx_listen is None
    assert _opts("[mysqld]\n", "mysql", (5, 7, 44)).mysqlx.value is False
    assert _opts("[mysqld]\n", "mariadb", (10, 11)).mysqlx.value is False


def _server_values(path: Path, mariadbd: str) -> tuple[int, dict[str, str | None]]:
    done = subprocess.run(
        [mariadbd, f"--defaults-file={path}", "--help", "--verbose"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=path.parent,
    )
    values: dict[str, str] = {}
    marker = "Variables (--variable-name=value)"
    if marker in done.stdout:
        for line in done.stdout.split(marker, 1)[1].splitlines()[3:]:
            m = re.match(r"^(\S+)\s+(.*)$", line)
            if m:
                values[m[1]] = m[2].strip()
    keys = ("bind-address", "port", "skip-networking", "skip-name-resolve")
    return done.returncode, {k: values.get(k) for k in keys}


@pytest.mark.oracle
@pytest.mark.parametrize("path", OPTION_FILES, ids=[p.name for p in OPTION_FILES])
def test_effective_options_match_mariadbd(path: Path) -> None:
    mariadbd = require("mariadbd")
    code, theirs = _server_values(path, mariadbd)
    option_file = read_option_file(Workspace(FIXTURES), path)
    ours = effective_options(option_file, "mariadb", (10, 11))
    option_problems = [p for p in ours.problems if not p.message.startswith("bind-address ")]
    if code != 0:
        assert option_problems, (path.name, theirs)
        return
    assert option_problems == []
    bind = ours.bind_address.value
    assert theirs == {
        "bind-address": "(No default value)" if bind is None else bind,
        "port": "0" if ours.skip_networking.value else str(ours.port.value),
        "skip-networking": "TRUE" if ours.skip_networking.value else "FALSE",
        "skip-name-resolve": "TRUE" if ours.skip_name_resolve.value else "FALSE",
    }
