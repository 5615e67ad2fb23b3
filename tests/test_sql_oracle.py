"""`olclint check --sql` against a live MariaDB: the generated statements run on the server,
`olclint collect database` reads SHOW CREATE USER / SHOW GRANTS again, and OLC110 passes for
every Connect server, as real logins from the servers' 127.x addresses confirm.

One throwaway server for the module, loopback only, stopped by its PID.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from live_mariadb import Server, live_server

from olclint.cli.main import main

PASSWORDS = {"root": "Root-pw-5521", "olc": "Olc-pw-8812", "coll": "Coll-pw-3390"}
NEW_ROOT_PASSWORD = "Root-new-pw-6604"
SERVERS = {  # name: (address, user)
    "master01": ("127.0.0.4", "root"),
    "ext01": ("127.0.0.5", "root"),
    "ext02": ("127.0.0.6", "root"),
    "ext03": ("127.0.0.7", "root"),
    "ext04": ("127.0.0.9", "olc"),
}
SETUP = [
    "CREATE DATABASE objectiflune",
    "CREATE USER 'coll'@'127.0.0.1' IDENTIFIED BY '{coll}'",
    "GRANT SELECT ON mysql.* TO 'coll'@'127.0.0.1'",
    # the vendor guide's root from a whole subnet (OLC503), which the servers use today
    "CREATE USER 'root'@'127.0.%' IDENTIFIED BY '{root}'",
    "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.%'",
    # ext04's own account, without ALL on the schema (OLC110)
    "CREATE USER 'olc'@'127.0.0.9' IDENTIFIED BY '{olc}'",
    "GRANT SELECT, INSERT ON objectiflune.* TO 'olc'@'127.0.0.9'",
]


@pytest.fixture(scope="module")
def server() -> Server:
    for live in live_server():
        live.reset()  # only root@localhost and mariadb.sys stay
        for statement in SETUP:
            live.run(statement.format(**PASSWORDS))
        yield live


def _cluster_yaml(port: int, version: str) -> str:
    nodes = "".join(
        f"  - {{name: {name}, role: {'master' if name == 'master01' else 'extension'}, "
        f"address: {address}, license: {{edition: enterprise}}"
        + (f", settings: {{database.user: {user}}}" if user != "root" else "")
        + "}\n"
        for name, (address, user) in SERVERS.items()
    )
    return (
        "version: 1\nname: prod\nconnect_version: '2024.1'\n"
        f"database:\n  external: {{address: 127.0.0.1}}\n  port: {port}\n  user: root\n"
        f"  server_version: '{version}'\n"
        f"  grants: db01/grants.sql\n  option_file: db01/my.ini\nnodes:\n{nodes}"
    )


def _collect(server: Server, root: Path, capsys) -> None:
    os.environ["MYSQL_PWD"] = PASSWORDS["coll"]
    try:
        args = ["--host", "127.0.0.1", "--port", str(server.port), "--user", "coll"]
        out = root / "prod" / "db01"
        assert main(["collect", "database", *args, "--output", str(out), "--root", str(root)]) == 0
    finally:
        del os.environ["MYSQL_PWD"]
    capsys.readouterr()


def _check(root: Path, capsys, *more: str) -> tuple[int, list[dict]]:
    code = main(["check", str(root / "prod"), "--root", str(root), "--format", "json", *more])
    return code, json.loads(capsys.readouterr().out)["findings"]


def _version(server: Server) -> str:
    with server.admin.cursor() as cur:
        cur.execute("SELECT @@version")
        return cur.fetchone()[0]


@pytest.mark.oracle
def test_generated_sql_makes_olc110_pass_on_the_live_server(
    server: Server, tmp_path: Path, capsys
) -> None:
    version = _version(server).split("-")[0]
    (tmp_path / "prod" / "db01").mkdir(parents=True)
    (tmp_path / "prod" / "cluster.yaml").write_text(_cluster_yaml(server.port, version))
    (tmp_path / "prod" / "db01" / "my.ini").write_text(
        f"[mysqld]\nport = {server.port}\nbind-address = 127.0.0.1\nskip-name-resolve\n"
    )
    _collect(server, tmp_path, capsys)
    out = tmp_path / "fix.sql"
    code, before = _check(tmp_path, capsys, "--sql", str(out))
    assert code == 1
    assert sorted((f["rule"], f["node"]) for f in before if f["rule"] in {"OLC110", "OLC503"}) == [
        ("OLC110", "ext04"),
        ("OLC503", ""),
    ]
    text = out.read_text(encoding="utf-8")
    assert text == (
        "-- olclint --sql: cluster prod, schema access for its Connect servers\n"
        f"-- Database server: MariaDB {version}.\n"
        "-- Replace each '<password of USER>' by the password the Connect servers use for "
        "USER before running this file.\n"
        "\n"
        "-- ext04\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'olc'@'127.0.0.9';\n"
        "\n"
        "-- master01, ext01, ext02, ext03\n"
        "CREATE USER 'root'@'127.0.0.4/255.255.255.252' IDENTIFIED BY '<password of root>';\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'127.0.0.4/255.255.255.252';\n"
        "\n"
        "-- root with ALL PRIVILEGES from a whole subnet (prod/db01/grants.sql:"
        + text.split("(prod/db01/grants.sql:", 1)[1].split(")", 1)[0]
        + ")\nDROP USER 'root'@'127.0.%';\n"
    )
    assert all(p not in text for p in PASSWORDS.values())

    for statement in text.replace("<password of root>", NEW_ROOT_PASSWORD).split(";\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        if body.strip():
            server.run(body)

    _collect(server, tmp_path, capsys)
    code, after = _check(tmp_path, capsys)
    assert [f for f in after if f["rule"] in {"OLC110", "OLC112", "OLC503"}] == []
    passwords = {"root": NEW_ROOT_PASSWORD, "olc": PASSWORDS["olc"]}
    live = {
        name: server.login(user, address, passwords[user])
        for name, (address, user) in SERVERS.items()
    }
    block = ("root@127.0.0.4/255.255.255.252", True)
    assert live == {
        "master01": block,
        "ext01": block,
        "ext02": block,
        "ext03": block,
        "ext04": ("olc@127.0.0.9", True),
    }
    # the subnet-wide root is gone: its old password no longer logs in from the subnet
    assert server.login("root", "127.0.0.5", PASSWORDS["root"]) == (None, False)
