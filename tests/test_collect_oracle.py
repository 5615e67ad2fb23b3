"""`olclint collect database` against a live MariaDB, then `olclint check` on what it
collected: the verdicts equal real logins from 127.x source addresses, no password or hash
of the server appears in any file or output, a second collection changes no byte, a
restricted account is told which privilege it lacks, and a server started with another
bind address than its my.ini gives the drift finding.

One throwaway server for the module, loopback only, stopped by its PID.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from live_mariadb import Server
from oracles import require

from olclint.cli.main import main

PASSWORDS = {"olc": "Olc-pw-7731", "coll": "Coll-pw-4410", "weak": "Weak-pw-9083"}
PASSWORDS.update({"tls": "Tls-pw-1212", "locked": "Locked-pw-5150"})
SOURCES = {"master01": "127.0.0.3", "ext01": "127.0.0.5", "ext02": "127.0.0.9"}
SETUP = [
    "CREATE USER 'olc'@'127.0.0.%' IDENTIFIED BY '{olc}'",
    "GRANT ALL PRIVILEGES ON objectiflune.* TO 'olc'@'127.0.0.%'",
    "CREATE USER 'olc'@'127.0.0.5' IDENTIFIED BY '{olc}'",
    "GRANT SELECT, INSERT ON objectiflune.* TO 'olc'@'127.0.0.5'",
    "CREATE USER ''@'127.0.0.9'",
    "CREATE USER 'coll'@'127.0.0.1' IDENTIFIED BY '{coll}'",
    "GRANT SELECT ON mysql.* TO 'coll'@'127.0.0.1'",
    "CREATE USER 'weak'@'127.0.0.1' IDENTIFIED BY '{weak}'",
    "CREATE USER 'tls'@'%' IDENTIFIED BY '{tls}' REQUIRE SSL",
    "CREATE USER 'locked'@'%' IDENTIFIED BY '{locked}' ACCOUNT LOCK",
    "GRANT ALL PRIVILEGES ON objectiflune.* TO 'locked'@'%'",
    "CREATE ROLE 'reader'",
    "GRANT SELECT ON objectiflune.* TO 'reader'",
    "GRANT 'reader' TO 'tls'@'%'",
    "SET DEFAULT ROLE 'reader' FOR 'tls'@'%'",
    "CREATE DATABASE objectiflune",
]
P = "'<password hash removed by olclint collect>'"
GRANTS_BODY = f"""
-- role `reader`
CREATE ROLE `reader`;
GRANT USAGE ON *.* TO `reader`;
GRANT SELECT ON `objectiflune`.* TO `reader`;

-- account ``@`127.0.0.9`
CREATE USER ``@`127.0.0.9`;
GRANT USAGE ON *.* TO ``@`127.0.0.9`;

-- account `coll`@`127.0.0.1`
CREATE USER `coll`@`127.0.0.1` IDENTIFIED BY PASSWORD {P};
GRANT USAGE ON *.* TO `coll`@`127.0.0.1` IDENTIFIED BY PASSWORD {P};
GRANT SELECT ON `mysql`.* TO `coll`@`127.0.0.1`;

-- account `locked`@`%`
CREATE USER `locked`@`%` IDENTIFIED BY PASSWORD {P} ACCOUNT LOCK;
GRANT USAGE ON *.* TO `locked`@`%` IDENTIFIED BY PASSWORD {P};
GRANT ALL PRIVILEGES ON `objectiflune`.* TO `locked`@`%`;

-- account `mariadb.sys`@`localhost`
CREATE USER `mariadb.sys`@`localhost` ACCOUNT LOCK PASSWORD EXPIRE;
GRANT USAGE ON *.* TO `mariadb.sys`@`localhost`;
GRANT SELECT, DELETE ON `mysql`.`global_priv` TO `mariadb.sys`@`localhost`;

-- account `olc`@`127.0.0.%`
CREATE USER `olc`@`127.0.0.%` IDENTIFIED BY PASSWORD {P};
GRANT USAGE ON *.* TO `olc`@`127.0.0.%` IDENTIFIED BY PASSWORD {P};
GRANT ALL PRIVILEGES ON `objectiflune`.* TO `olc`@`127.0.0.%`;

-- account `olc`@`127.0.0.5`
CREATE USER `olc`@`127.0.0.5` IDENTIFIED BY PASSWORD {P};
GRANT USAGE ON *.* TO `olc`@`127.0.0.5` IDENTIFIED BY PASSWORD {P};
GRANT SELECT, INSERT ON `objectiflune`.* TO `olc`@`127.0.0.5`;

-- account `root`@`localhost`
CREATE USER `root`@`localhost`;
GRANT `reader` TO `root`@`localhost` WITH ADMIN OPTION;
GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION;
GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION;

-- account `tls`@`%`
CREATE USER `tls`@`%` IDENTIFIED BY PASSWORD {P} REQUIRE SSL;
GRANT `reader` TO `tls`@`%`;
GRANT USAGE ON *.* TO `tls`@`%` IDENTIFIED BY PASSWORD {P} REQUIRE SSL;
SET DEFAULT ROLE `reader` FOR `tls`@`%`;

-- account `weak`@`127.0.0.1`
CREATE USER `weak`@`127.0.0.1` IDENTIFIED BY PASSWORD {P};
GRANT USAGE ON *.* TO `weak`@`127.0.0.1` IDENTIFIED BY PASSWORD {P};
"""


@pytest.fixture(scope="module")
def server() -> Server:
    mariadbd = require("mariadbd")
    require("mariadb-install-db")
    pytest.importorskip("pymysql")
    with tempfile.TemporaryDirectory(prefix="olclint-collect-") as tmp:
        live = Server(Path(tmp))
        live.start(mariadbd)
        try:
            live.reset()  # only root@localhost and mariadb.sys stay: no host name of this machine
            for sql in SETUP:
                live.run(sql.format(**PASSWORDS))
            yield live
        finally:
            live.stop()


def _collect(server: Server, out: Path, user: str, password: str, capsys) -> tuple[int, str, str]:
    root = out.parent.parent
    os.environ["MYSQL_PWD"] = password
    try:
        args = ["--host", "127.0.0.1", "--port", str(server.port), "--user", user]
        code = main(["collect", "database", *args, "--output", str(out), "--root", str(root)])
    finally:
        del os.environ["MYSQL_PWD"]
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _hashes(server: Server) -> set[str]:
    with server.admin.cursor() as cur:
        cur.execute("SELECT authentication_string FROM mysql.user")
        return {row[0] for row in cur.fetchall() if row[0]}


def _version(server: Server) -> str:
    with server.admin.cursor() as cur:
        cur.execute("SELECT @@version")
        return cur.fetchone()[0]


def _login(server: Server, source: str) -> tuple[str | None, bool]:
    """(CURRENT_USER() or None when refused, ALL PRIVILEGES on objectiflune) for olc."""
    return server.login("olc", source, password=PASSWORDS["olc"])


def _cluster_yaml(port: int, extra_db: str = "") -> str:
    nodes = "".join(
        f"  - {{name: {name}, role: {'master' if name == 'master01' else 'extension'}, "
        f"address: {address}, license: {{edition: enterprise}}}}\n"
        for name, address in SOURCES.items()
    )
    return (
        "version: 1\nname: prod\nconnect_version: '2024.1'\n"
        f"database:\n  external: {{address: 127.0.0.1}}\n  port: {port}\n  user: olc\n"
        f"  grants: db01/grants.sql\n{extra_db}nodes:\n{nodes}"
    )


@pytest.mark.oracle
def test_collected_grants_verdicts_match_real_logins(
    server: Server, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "prod" / "db01"
    assert _collect(server, out, "coll", PASSWORDS["coll"], capsys)[0] == 0
    (tmp_path / "prod" / "cluster.yaml").write_text(_cluster_yaml(server.port))
    code = main(["check", str(tmp_path / "prod"), "--root", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    flagged = sorted(f["node"] for f in report["findings"] if f["rule"] == "OLC110")
    live = {name: _login(server, source) for name, source in SOURCES.items()}
    assert live == {
        "master01": ("olc@127.0.0.%", True),
        "ext01": ("olc@127.0.0.5", False),
        "ext02": (None, False),  # ''@'127.0.0.9' is picked, and its empty password refuses
    }
    refused_or_short = sorted(name for name, (user, full) in live.items() if not full)
    assert flagged == refused_or_short == ["ext01", "ext02"]
    assert code == 1


@pytest.mark.oracle
@pytest.mark.parametrize(
    ("ini", "drift"),
    [
        ("[mysqld]\nport = {port}\nbind-address = 127.0.0.1\nskip-name-resolve\n", []),
        (
            "[mysqld]\nport = {port}\nbind-address = 0.0.0.0\nskip-name-resolve\n",
            [
                (
                    "prod/db01/my.ini",
                    3,
                    "the running database server has bind-address = 127.0.0.1, but my.ini:3 "
                    "sets bind-address = 0.0.0.0: the file changed after the server started, "
                    "or the server reads another file",
                )
            ],
        ),
    ],
    ids=["same", "bind-address-changed"],
)
def test_running_server_drift(server: Server, tmp_path: Path, capsys, ini: str, drift) -> None:
    """The server runs with --bind-address=127.0.0.1; the collected my.ini says `ini`."""
    out = tmp_path / "prod" / "db01"
    assert _collect(server, out, "coll", PASSWORDS["coll"], capsys)[0] == 0
    (out / "my.ini").write_text(ini.format(port=server.port))
    (tmp_path / "prod" / "cluster.yaml").write_text(
        _cluster_yaml(server.port, "  option_file: db01/my.ini\n")
    )
    main(["check", str(tmp_path / "prod"), "--root", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    found = [
        (f["location"]["path"], f["location"]["line"], f["message"])
        for f in report["findings"]
        if f["rule"] == "OLC105"
    ]
    assert found == drift
    related = [
        r["location"]["path"]
        for f in report["findings"]
        if f["rule"] == "OLC105"
        for r in f["related"]
    ]
    assert related == ["prod/db01/server.json"] * len(drift)


DATA = "ProgramData/Objectif Lune/OL Connect"


def _server_copy(base: Path, prefs: str, ini: str | None = None) -> Path:
    (base / DATA / ".settings").mkdir(parents=True)
    (base / DATA / ".settings" / "com.objectiflune.connect.prefs").write_text(prefs)
    if ini is not None:
        (base / DATA / "MySQL").mkdir(parents=True)
        (base / DATA / "MySQL" / "my.ini").write_text(ini)
    return base


@pytest.mark.oracle
def test_collect_init_check_match_the_live_server(server: Server, tmp_path: Path, capsys) -> None:
    """The path of the README: collect the database and the servers' folders, init, check."""
    import re

    # m1 hosts the database on 127.0.0.1 and connects to localhost; the extensions to m1
    url = f"database.url=jdbc:mysql://%s:{server.port}/objectiflune\ndatabase.user=olc\n"
    ini = f"[mysqld]\nport={server.port}\nbind-address=127.0.0.1\nskip-name-resolve\n"
    master = _server_copy(tmp_path / "copies" / "m1", url % "localhost", ini)
    extension = f"{url % '127.0.0.1'}master.location=127.0.0.1:9340\n"
    addresses = {"m1": "127.0.0.1", "e1": "127.0.0.5", "e2": "127.0.0.9"}
    copies = {"m1": master}
    for name in ("e1", "e2"):
        copies[name] = _server_copy(tmp_path / "copies" / name, extension)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    prod = repo / "prod"
    for name, copy in copies.items():
        assert main(["collect", "server", str(copy), "--output", str(prod / name)]) == 0
    assert _collect(server, prod / "m1", "coll", PASSWORDS["coll"], capsys)[0] == 0
    assert main(["init", str(prod)]) == 0
    text = (prod / "cluster.yaml").read_text()
    assert '  node: "m1"\n  engine: mariadb\n' in text
    assert f"  port: {server.port}\n" in text and '  user: "olc"\n' in text
    # the TODOs a person fills in: the addresses nothing collected names
    for name, address in addresses.items():
        text = re.sub(
            rf"address: \S+   # TODO: the address of {name} .*", f"address: {address}", text
        )
    (prod / "cluster.yaml").write_text(text)
    capsys.readouterr()
    code = main(["check", str(prod), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    found = sorted((f["rule"], f["node"]) for f in report["findings"])
    live = {name: _login(server, source) for name, source in addresses.items()}
    refused_or_short = [name for name, (_, full) in live.items() if not full]
    assert refused_or_short == ["e1", "e2"]
    assert found == sorted(
        [("OLC110", name) for name in refused_or_short]
        + [("OLC301", "m1"), ("OLC302", "e1"), ("OLC302", "e2")]  # licences: TODO
    )
    assert code == 1
