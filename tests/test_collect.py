"""`olclint collect server` and `olclint init` on folders laid out like Windows Connect
servers, then `olclint check` on the result; the collect database formatting on a MySQL
8.0-shaped fake server; the server.json reader; the confined writer."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_config import run

from olclint.collect.database import PLACEHOLDER, grants_sql, redact_statement, server_info
from olclint.collect.files import CollectError, write_file
from olclint.readers.serverinfo import parse_server_text

DATA = "ProgramData/Objectif Lune/OL Connect"
DB_PREFS = "com.objectiflune.repository.eclipselink.generic.prefs"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("latin-1"))


def _servers(tmp: Path) -> tuple[Path, Path]:
    """Copies of a master (which hosts MySQL) and of an extension, as Windows has them."""
    master, ext = tmp / "copies" / "m1", tmp / "copies" / "e1"
    _write(master / DATA / ".settings" / DB_PREFS, "db.host=localhost\r\ndb.port=3306\r\n")
    _write(master / DATA / ".settings" / "com.objectiflune.cleanup.prefs", "cleanup.enabled=true\n")
    _write(master / DATA / "Initialization/Preferences/com.objectiflune.cleanup.prefs", "x=1\n")
    _write(master / DATA / "Initialization/Secrets/db.password", "Secret-9911\n")
    _write(
        master / DATA / "MySQL/my.ini",
        "[mysqld]\r\nport=3306\r\n"
        "!include C:/ProgramData/Objectif Lune/OL Connect/MySQL/extra.ini\r\n"
        "!includedir C:\\ProgramData\\Objectif Lune\\OL Connect\\MySQL\\conf.d\r\n"
        "!include local.cnf\r\n"
        '!include "C:/quoted.ini"\r\n'
        "!include D:/elsewhere/missing.ini\r\n",
    )
    _write(master / DATA / "MySQL/extra.ini", "[mysqld]\nbind-address=0.0.0.0\n")
    _write(master / DATA / "MySQL/conf.d/net.cnf", "[mysqld]\nskip-name-resolve\n")
    _write(master / DATA / "MySQL/conf.d/notes.txt", "not read by the server\n")
    _write(
        master / DATA / "MySQL/local.cnf",
        "[mysqld]\nmax_connections=200\n!include ../../../../../../outside.cnf\n",
    )
    _write(tmp / "outside.cnf", "[mysqld]\nport=1\n")
    os.symlink(tmp / "outside.cnf", master / DATA / "MySQL/conf.d/link.cnf")
    os.symlink(tmp / "outside.cnf", master / DATA / ".settings" / "link.prefs")
    lower = ext / "programdata/objectif lune/ol connect/.settings"
    _write(lower / DB_PREFS, "db.host=10.1.0.10\ndb.port=3306\ndb.schema=objectiflune\n")
    _write(lower / "com.objectiflune.server.prefs", "master.location=10.1.0.10:9340\n")
    return master, ext


def test_collect_server_then_init_then_check(tmp_path: Path, capsys) -> None:
    master, ext = _servers(tmp_path)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    prod = repo / "prod"
    code, out, err = run(["collect", "server", str(master), "--output", str(prod / "m1")], capsys)
    assert (code, err) == (0, "")
    written = [line.split(" ", 1) for line in out.splitlines()]
    assert [(state, Path(p).relative_to(prod).as_posix()) for state, p in written] == [
        ("wrote", "m1/settings/com.objectiflune.cleanup.prefs"),
        ("wrote", f"m1/settings/{DB_PREFS}"),
        ("wrote", "m1/initialization/com.objectiflune.cleanup.prefs"),
        ("wrote", f"m1/includes/{DATA}/MySQL/extra.ini"),
        ("wrote", f"m1/includes/{DATA}/MySQL/conf.d/net.cnf"),
        ("wrote", "m1/local.cnf"),
        ("wrote", "m1/my.ini"),
    ]
    assert (prod / "m1/my.ini").read_bytes() == (
        f"[mysqld]\r\nport=3306\r\n!include includes/{DATA}/MySQL/extra.ini\r\n"
        f"!includedir includes/{DATA}/MySQL/conf.d\r\n!include local.cnf\r\n"
        '!include "C:/quoted.ini"\r\n!include D:/elsewhere/missing.ini\r\n'
    ).encode()
    everything = b"".join(p.read_bytes() for p in prod.rglob("*") if p.is_file())
    assert b"Secret-9911" not in everything and b"port=1" not in everything
    code, out, err = run(["collect", "server", str(ext), "--output", str(prod / "e1")], capsys)
    assert (code, out.count("wrote "), err) == (0, 2, "")

    code, out, err = run(["init", str(prod)], capsys)
    assert (code, out, err) == (0, f"wrote {prod / 'cluster.yaml'}\n", "")
    assert (prod / "cluster.yaml").read_text() == (
        "# A first description of this cluster, written by `olclint init` from the collected\n"
        "# node folders. Check every value, and every TODO, before you trust a finding.\n"
        "version: 1\n"
        'name: "prod"\n'
        '# TODO: connect_version: "2024.1"   (the Connect version of the servers)\n'
        "database:\n"
        '  node: "m1"\n'
        "  port: 3306\n"
        '  schema: "objectiflune"\n'
        '  option_file: "m1/my.ini"\n'
        "nodes:\n"
        '  - name: "m1"\n'
        "    role: master\n"
        "    address: 10.1.0.10\n"
        "    # TODO: timezone: Europe/Paris   (the zone of its clean-up schedule)\n"
        "    # TODO: license: {edition: enterprise, expires: 2027-06-30}\n"
        '    preferences: "m1/settings"\n'
        '    initialization_preferences: "m1/initialization"\n'
        '  - name: "e1"\n'
        "    role: extension\n"
        "    address: 192.0.2.10   # TODO: the address of e1 (a placeholder: nothing "
        "collected names it)\n"
        "    # TODO: timezone: Europe/Paris   (the zone of its clean-up schedule)\n"
        "    # TODO: license: {edition: standard, expires: 2027-06-30}\n"
        '    preferences: "e1/settings"\n'
    )
    code, out, err = run(["check", str(prod), "--format", "json"], capsys)
    rules = sorted({f["rule"] for f in json.loads(out)["findings"]})
    assert (code, err) == (1, "")
    # no OLC001: the file is valid; the licences are TODO; the includes are as collected
    # (one leaves the server folder, one is quoted, one names another drive)
    assert rules == ["OLC002", "OLC004", "OLC006", "OLC301", "OLC302", "OLC401", "OLC402", "OLC403"]

    # a second collection of the unchanged server changes nothing; a removed file goes
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in prod.rglob("*") if p.is_file()}
    code, out, _ = run(["collect", "server", str(master), "--output", str(prod / "m1")], capsys)
    assert (code, out.count("unchanged "), out.count("wrote ")) == (0, 7, 0)
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in prod.rglob("*") if p.is_file()
    } == before
    (master / DATA / ".settings/com.objectiflune.cleanup.prefs").unlink()
    code, out, _ = run(["collect", "server", str(master), "--output", str(prod / "m1")], capsys)
    assert out.splitlines()[:2] == [
        f"unchanged {prod / 'm1/settings' / DB_PREFS}",
        f"removed {prod / 'm1/settings/com.objectiflune.cleanup.prefs'}",
    ]
    assert not (prod / "m1/settings/com.objectiflune.cleanup.prefs").exists()

    code, out, err = run(["init", str(prod)], capsys)
    assert (code, out) == (2, "")
    assert err == f"olclint: error: {prod / 'cluster.yaml'} exists; use --force to replace it\n"


def test_collect_and_init_refuse_what_they_cannot_do(tmp_path: Path, capsys) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "empty").mkdir()
    code, out, err = run(["collect", "server", str(tmp_path / "empty"), "--output", "x"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"olclint: error: {tmp_path / 'empty'} holds neither a Connect preference store "
        f"({DATA}/.settings) nor a database option file\n"
    )
    code, out, err = run(["init", str(tmp_path / "empty")], capsys)
    assert err == (
        f"olclint: error: {tmp_path / 'empty'} holds no collected node folder; run `olclint "
        f"collect` into {tmp_path / 'empty'}/NODE first\n"
    )
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    code, out, err = run(["init", str(outside), "--root", str(tmp_path)], capsys)
    assert (code, err) == (
        2,
        f"olclint: error: {outside} is outside the repository root {tmp_path}\n",
    )


def test_write_file_is_atomic_and_confined(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    assert write_file(root, root / "a" / "f.txt", b"one\n") is True
    assert write_file(root, root / "a" / "f.txt", b"one\n") is False
    assert sorted(p.name for p in (root / "a").iterdir()) == ["f.txt"]  # no temp file left
    os.symlink(tmp_path, root / "out")
    with pytest.raises(CollectError, match="leaves the repository root"):
        write_file(root, root / "out" / "f.txt", b"x")
    assert not (tmp_path / "f.txt").exists()


@pytest.mark.parametrize(
    ("statement", "redacted"),
    [
        (
            "CREATE USER `u`@`%` IDENTIFIED BY PASSWORD '*7431BFF78F6997E15E305B07BB822BE53'",
            f"CREATE USER `u`@`%` IDENTIFIED BY PASSWORD '{PLACEHOLDER}'",
        ),
        (
            "CREATE USER `u`@`%` IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$a\\'b'"
            " REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK",
            f"CREATE USER `u`@`%` IDENTIFIED WITH 'caching_sha2_password' AS '{PLACEHOLDER}'"
            " REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK",
        ),
        (
            "CREATE USER `u`@`%` IDENTIFIED WITH 'sha256' AS 0x2441243030 ACCOUNT LOCK",
            f"CREATE USER `u`@`%` IDENTIFIED WITH 'sha256' AS '{PLACEHOLDER}' ACCOUNT LOCK",
        ),
        (
            "CREATE USER `r`@`h` IDENTIFIED VIA ed25519 USING 'ZIgUREUg5PVgQ6LskhXmO+eZLS0'"
            " OR unix_socket",
            f"CREATE USER `r`@`h` IDENTIFIED VIA ed25519 USING '{PLACEHOLDER}' OR unix_socket",
        ),
        (
            "GRANT ALL PRIVILEGES ON `objectiflune`.* TO `u`@`%`",
            "GRANT ALL PRIVILEGES ON `objectiflune`.* TO `u`@`%`",
        ),
    ],
)
def test_redact_statement(statement: str, redacted: str) -> None:
    assert redact_statement(statement) == redacted


class _Mysql8:
    """The answers of a MySQL 8.0 server (no is_role column; mysql.default_roles)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, sql: str):
        from olclint.collect.database import ServerError

        self.asked.append(sql)
        answers = {
            "SELECT @@version": [("8.0.36",)],
            "SELECT User, Host FROM mysql.user": [("olc", "%"), ("app", "%"), ("olc", "10.0.0.5")],
            "SELECT USER, HOST, DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles": [
                ("olc", "%", "app", "%")
            ],
            "SELECT authentication_string FROM mysql.user": [("$A$005$hash-of-olc",), ("",)],
            "SHOW CREATE USER `app`@`%`": [("CREATE USER `app`@`%` ACCOUNT LOCK",)],
            "SHOW GRANTS FOR `app`@`%`": [("GRANT SELECT ON `objectiflune`.* TO `app`@`%`",)],
            "SHOW CREATE USER `olc`@`%`": [
                (
                    "CREATE USER `olc`@`%` IDENTIFIED WITH 'caching_sha2_password' AS "
                    "'$A$005$hash-of-olc' REQUIRE SSL",
                )
            ],
            "SHOW GRANTS FOR `olc`@`%`": [("GRANT `app`@`%` TO `olc`@`%`",)],
            "SHOW CREATE USER `olc`@`10.0.0.5`": [("CREATE USER `olc`@`10.0.0.5`",)],
            "SHOW GRANTS FOR `olc`@`10.0.0.5`": [("GRANT USAGE ON *.* TO `olc`@`10.0.0.5`",)],
            "SELECT VARIABLE_NAME, VARIABLE_SOURCE, VARIABLE_PATH "
            "FROM performance_schema.variables_info": [
                ("port", "GLOBAL", "C:/ProgramData/MySQL/MySQL Server 8.0/my.ini"),
                ("bind_address", "COMMAND_LINE", ""),
                ("max_connections", "COMPILED", ""),
            ],
        }
        if sql == "SELECT User, Host, is_role FROM mysql.user":
            raise ServerError(1054, "Unknown column 'is_role' in 'field list'")
        if sql.startswith("SHOW GLOBAL VARIABLES"):
            return [
                ("version", "8.0.36"),
                ("port", "3306"),
                ("bind_address", "*"),
                ("have_ssl", "YES"),
                ("skip_networking", "OFF"),
            ]
        return answers[sql]


def test_grants_and_server_info_of_a_mysql8_server() -> None:
    query = _Mysql8()
    text = grants_sql(query, "'admin'@'%'")
    assert text.split("\n", 4)[4] == (
        "\n-- account `app`@`%`\nCREATE USER `app`@`%` ACCOUNT LOCK;\n"
        "GRANT SELECT ON `objectiflune`.* TO `app`@`%`;\n"
        "\n-- account `olc`@`%`\n"
        "CREATE USER `olc`@`%` IDENTIFIED WITH 'caching_sha2_password' AS "
        f"'{PLACEHOLDER}' REQUIRE SSL;\n"
        "GRANT `app`@`%` TO `olc`@`%`;\n"
        "SET DEFAULT ROLE `app`@`%` TO `olc`@`%`;\n"
        "\n-- account `olc`@`10.0.0.5`\nCREATE USER `olc`@`10.0.0.5`;\n"
        "GRANT USAGE ON *.* TO `olc`@`10.0.0.5`;\n"
    )
    assert "hash-of-olc" not in text
    assert server_info(query, "'admin'@'%'", "db1", 3306) == {
        "format": 1,
        "collected_from": {"host": "db1", "port": 3306},
        "engine": "mysql",
        "variables": {
            "version": "8.0.36",
            "port": 3306,
            "bind_address": "*",
            "skip_networking": False,
            "have_ssl": "YES",
        },
        "tls_available": True,
        "option_files": ["C:/ProgramData/MySQL/MySQL Server 8.0/my.ini"],
        "sources": {
            "port": {"source": "GLOBAL", "path": "C:/ProgramData/MySQL/MySQL Server 8.0/my.ini"},
            "bind_address": {"source": "COMMAND_LINE", "path": None},
        },
    }


def test_server_json_reader() -> None:
    broken = parse_server_text('{\n  "variables": {\n    "port": 33,\n  }\n}\n', "db/server.json")
    assert [
        (d.rule, d.location.line, d.location.column, d.message) for d in broken.diagnostics
    ] == [
        (
            "OLC005",
            4,
            3,
            "'db/server.json' is not JSON: Expecting property name enclosed in double quotes",
        )
    ]
    good = parse_server_text(
        '{\n  "format": 1,\n  "variables": {\n    "port": 33,\n    "bind_address": ""\n  }\n}\n',
        "s.json",
    )
    assert [
        (v.name, v.value, v.location.line, v.location.column) for v in good.variables.values()
    ] == [
        ("port", 33, 4, 5),
        ("bind_address", "", 5, 5),
    ]
    assert (good.option_files, good.engine, good.diagnostics) == (None, None, ())


@pytest.mark.parametrize(
    ("text", "message", "kept"),
    [
        ("{}", "'s.json' is not a server description (a JSON object with 'variables')", []),
        (
            '{"format": 2, "variables": {"port": 3306}}',
            "'s.json' has format 2; olclint reads format 1 (collect the server again with this "
            "olclint)",
            [],
        ),
        (
            '{"format": 1, "variables": {"port": "x", "bind_address": "0.0.0.0"}}',
            "'s.json': port = \"x\" is not a port number; the value is not used",
            ["bind_address"],
        ),
        (
            '{"format": 1, "variables": {"port": 1e23, "skip_networking": 2}}',
            "'s.json': port = 1e+23 is not a port number; the value is not used",
            [],
        ),
    ],
)
def test_server_json_that_is_not_what_collect_writes(text: str, message: str, kept) -> None:
    running = parse_server_text(text, "s.json")
    assert [d.rule for d in running.diagnostics][:1] == ["OLC005"]
    assert running.diagnostics[0].message == message
    assert sorted(running.variables) == kept


def test_init_tells_the_master_from_the_extensions_without_master_location(
    tmp_path: Path, capsys
) -> None:
    """Connect 2021 stores name no master host: the extensions' stores hold the master's
    port (server.connections.master.port), the master's does not."""
    prod = tmp_path / "repo" / "prod"
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    sched = "com.objectiflune.scheduling.prefs"
    for name, text in (
        ("a-ext", "server.connections.master.port=9340\n"),
        ("b-master", "server.engine.setup.count.merge.engine=2\n"),
        ("c-ext", "server.connections.master.port=9340\n"),
    ):
        _write(prod / name / "settings" / sched, text)
    code, _, err = run(["init", str(prod)], capsys)
    assert (code, err) == (0, "")
    roles = [
        line.strip()
        for line in (prod / "cluster.yaml").read_text().splitlines()
        if line.strip().startswith(("- name:", "role:", "# TODO: no node"))
    ]
    assert roles == [
        '- name: "b-master"',
        "role: master",
        '- name: "a-ext"',
        "role: extension",
        '- name: "c-ext"',
        "role: extension",
    ]


def test_init_reads_stores_copied_as_they_are_on_the_server(tmp_path: Path, capsys) -> None:
    """`.settings` and `Initialization/Preferences` folders (the README's robocopy layout,
    examples/prod-eu-settings) are node folders as much as collect's `settings/`."""
    import shutil

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(Path(__file__).parents[1] / "examples" / "prod-eu-settings", repo / "c")
    (repo / "c" / "cluster.yaml").unlink()
    code, _, err = run(["init", str(repo / "c")], capsys)
    assert (code, err) == (0, "")
    text = (repo / "c" / "cluster.yaml").read_text()
    names = [line.split('"')[1] for line in text.splitlines() if line.startswith("  - name:")]
    assert names == ["master01", "ext01", "ext02"]
    assert '    initialization_preferences: "ext02/Initialization/Preferences"' in text
    assert text.count("role: master") == 1 and '    preferences: "ext01/.settings"' in text


def test_collect_never_writes_through_a_link_out_of_the_root(tmp_path: Path, capsys) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    outside.mkdir()
    (outside / "m1").mkdir()
    (outside / "m1" / "grants.sql").write_text("CREATE USER 'a'@'%';\n")
    (repo / "c").symlink_to(outside, target_is_directory=True)
    code, out, err = run(["init", str(repo / "c")], capsys)
    assert (code, out) == (2, "")
    assert "is outside the repository root" in err
    assert sorted(p.name for p in outside.iterdir()) == ["m1"]


def test_collect_server_refuses_a_fifo(tmp_path: Path, capsys) -> None:
    master, _ = _servers(tmp_path)
    ini = next(p for p in master.rglob("my.ini"))
    ini.unlink()
    os.mkfifo(ini)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    code, _, err = run(["collect", "server", str(master), "--output", str(repo / "m1")], capsys)
    assert code == 2
    assert err == f"olclint: error: {ini} is not a regular file; nothing was collected from it\n"


def test_collect_server_removes_secret_values_from_the_stores(tmp_path: Path, capsys) -> None:
    """Connect keeps db.password encrypted in its store: still a secret, never collected."""
    master, _ = _servers(tmp_path)
    store = master / DATA / ".settings" / DB_PREFS
    store.write_bytes(b"db.host=localhost\r\ndb.password=ENC(q7Zx\\\r\n  Y2k=)\r\ndb.port=3306\r\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    run(["collect", "server", str(master), "--output", str(repo / "m1")], capsys)
    copy = (repo / "m1" / "settings" / DB_PREFS).read_bytes()
    assert copy == (
        b"# olclint collect: secret values removed from this copy (db.password...)\r\n"
        b"db.host=localhost\r\ndb.password=\r\ndb.port=3306\r\n"
    )
    code, out, _ = run(["collect", "server", str(master), "--output", str(repo / "m1")], capsys)
    assert code == 0 and f"unchanged {repo / 'm1' / 'settings' / DB_PREFS}" in out
