"""Grants as real servers print them and as Windows administrators collect them.

`tests/fixtures/grants_live/` holds what a live MariaDB 10.11 printed for a few account
sets (made by `regenerate.py` there): the client's batch, table and `\\G` output and
`mariadb-dump --system=users`, each also with CRLF (cmd.exe) and as UTF-16 with a BOM
(PowerShell), and the server's own verdict for each login. Every file reads without a
diagnostic and gives the server's verdict. MySQL 8.0 cannot run here: its formats come
from the MySQL 8.0 manual (sections named where used) and the case folder
`tests/fixtures/cases/olc110_mysql80_show_grants`.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest

from olclint.domain.accounts import Client
from olclint.domain.privileges import (
    MYSQL_DATABASE_PRIVILEGES,
    MYSQL_GLOBAL_PRIVILEGES,
    access_options,
    grant_is_all,
    holds_all,
    schema_access,
)
from olclint.readers.grants import parse_grants_text, read_grants, versioned_comment_runs
from olclint.readers.optionfile import parse_option_text
from olclint.readers.workspace import Workspace
from tests.live_mariadb import SCHEMA

LIVE = Path(__file__).parent / "fixtures" / "grants_live"
SCENARIOS = sorted(p.name for p in LIVE.iterdir() if (p / "verdicts.json").is_file())
FILES = sorted(
    (scenario, f.name)
    for scenario in SCENARIOS
    for f in (LIVE / scenario).iterdir()
    if f.suffix in (".sql", ".txt")
)


def test_the_fixtures_cover_every_form() -> None:
    assert SCENARIOS == ["case", "db_rows", "locked_tls", "roles"]
    assert len(FILES) == 4 * 13  # statements + 4 forms x (UTF-8, CRLF, UTF-16)


@pytest.mark.parametrize(("scenario", "name"), FILES)
def test_collected_grants_give_the_live_servers_verdict(scenario: str, name: str) -> None:
    folder = LIVE / scenario
    data = (folder / name).read_bytes()
    if ".utf16." in name:
        assert data.startswith(b"\xff\xfe") and b"\r\x00\n\x00" in data
    elif ".crlf." in name:
        assert b"\r\n" in data
    grants = read_grants(Workspace(folder), folder / name, None, "mariadb", (10, 11, 19))
    assert [f.message for f in grants.diagnostics] == []
    verdicts = json.loads((folder / "verdicts.json").read_text())
    ours = {}
    for key in verdicts:
        user, source = key.split("@")
        client = Client.of(ipaddress.ip_address(source), None, name_resolve=False)
        access = schema_access(grants, user, client, SCHEMA, "mariadb", (10, 11, 19))
        account = access.account
        login = None if account is None or access.refused else f"{account.user}@{account.host}"
        ours[key] = [login, access.all_privileges]
    assert ours == verdicts


def test_the_live_verdicts_show_each_class() -> None:
    """The fixtures hold the cases they exist for (what the server did)."""
    v = {s: json.loads((LIVE / s / "verdicts.json").read_text()) for s in SCENARIOS}
    # a db row of olc@'127.0.0.%' reaches the login matched by olc@'127.0.0.2'
    assert v["db_rows"]["olc@127.0.0.2"] == ["olc@127.0.0.2", True]
    # olc@'127.0.0.5' has SELECT only: its own db row hides the wider ALL of 127.0.0.%
    assert v["db_rows"]["olc@127.0.0.5"] == ["olc@127.0.0.5", False]
    # default role (nested) gives ALL; the same role without a default gives nothing
    assert v["roles"]["olc@127.0.0.2"] == ["olc@127.0.0.2", True]
    assert v["roles"]["olc@127.0.0.5"] == ["olc@127.0.0.5", False]
    assert v["roles"]["olc@127.0.0.1"] == [None, False]  # a role is not an account
    # locked: refused, with no fall-back to olc@'%'; REQUIRE SSL without TLS: refused
    assert v["locked_tls"]["olc@127.0.0.2"] == [None, False]
    assert v["locked_tls"]["olc@127.0.0.5"] == ["olc@%", True]
    assert v["locked_tls"]["root@127.0.0.2"] == [None, False]
    # ObjectifLune is not objectiflune with lower_case_table_names=0
    assert v["case"]["olc@127.0.0.2"] == ["olc@%", False]
    assert v["case"]["root@127.0.0.2"] == ["root@127.0.0.%", True]


def test_dump_plumbing_is_read_without_effect() -> None:
    grants = read_grants(Workspace(LIVE / "roles"), LIVE / "roles" / "dump.sql")
    kinds = [s.kind for s in grants.statements]
    assert "SELECT INTO" in kinds and "EXECUTE IMMEDIATE" in kinds
    assert [r.user for r in grants.roles] == ["app", "base"]  # the import role is dropped
    assert [f"{a.user}@{a.host}" for a in grants.accounts] == [
        "mariadb.sys@localhost",
        "root@localhost",
        "olc@127.0.0.2",
        "olc@127.0.0.5",
        "root@127.0.0.%",
    ]
    olc = grants.find("olc", "127.0.0.2")
    assert (olc.granted_roles, olc.default_roles) == (frozenset({"app"}), ("app",))


# -- versioned comments ----------------------------------------------------------------------

# what MariaDB 10.11.19 printed for `SELECT 1 /*!N +1 */` (2: the code ran)
OBSERVED_MARIADB_10_11_19 = {
    ("!", 80001): False,
    ("!", 50700): False,
    ("!", 50699): True,
    ("!", 99999): False,
    ("!", 100000): True,
    ("!", 101119): True,
    ("!", 101120): False,
    ("M!", 80001): True,
    ("M!", 101119): True,
    ("M!", 101120): False,
    ("!", None): True,
    ("M!", None): True,
}


def test_versioned_comments_on_mariadb() -> None:
    ours = {
        (form, n): versioned_comment_runs(form == "M!", n, "mariadb", (10, 11, 19))
        for form, n in OBSERVED_MARIADB_10_11_19
    }
    assert ours == OBSERVED_MARIADB_10_11_19


def test_versioned_comments_on_mysql() -> None:
    # MySQL 8.0 manual, "Comments": /*!NNNNN runs from version NNNNN; /*M! is MariaDB's
    runs = [
        versioned_comment_runs(m, n, "mysql", (8, 0, 36))
        for m, n in ((False, 80001), (False, 80037), (False, 50700), (True, 50000), (False, None))
    ]
    assert runs == [True, False, True, False, True]


def test_versioned_grant_statements_follow_the_server() -> None:
    text = (
        "/*!80001 CREATE ROLE 'app' */;\n"
        "/*M!100005 CREATE ROLE 'app' WITH ADMIN mariadb_dump_import_role */;\n"
        "CREATE USER 'u'@'%';\n"
        "/*!80001 GRANT ALL PRIVILEGES ON objectiflune.* TO 'u'@'%' */;\n"
        "/*M!100005 GRANT SELECT ON objectiflune.* TO 'u'@'%' */;\n"
    )
    maria = parse_grants_text(text, "g.sql", (), "mariadb", (10, 11))
    mysql = parse_grants_text(text, "g.sql", (), "mysql", (8, 0, 36))
    assert [g.privileges for g in maria.find("u", "%").grants] == [frozenset({"SELECT"})]
    assert [g.privileges for g in mysql.find("u", "%").grants] == [frozenset({"ALL PRIVILEGES"})]
    assert [r.user for r in maria.roles] == [r.user for r in mysql.roles] == ["app"]


# -- MySQL 8.0's SHOW GRANTS -----------------------------------------------------------------

# MySQL 8.0 manual, "SHOW GRANTS Statement": root@localhost of a fresh server
MYSQL80_ROOT = (
    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, SHUTDOWN, PROCESS, FILE, "
    "REFERENCES, INDEX, ALTER, SHOW DATABASES, SUPER, CREATE TEMPORARY TABLES, LOCK TABLES, "
    "EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, "
    "ALTER ROUTINE, CREATE USER, EVENT, TRIGGER, CREATE TABLESPACE, CREATE ROLE, DROP ROLE "
    "ON *.* TO `root`@`localhost` WITH GRANT OPTION\n"
    "GRANT APPLICATION_PASSWORD_ADMIN,AUDIT_ADMIN,BACKUP_ADMIN,BINLOG_ADMIN,"
    "BINLOG_ENCRYPTION_ADMIN,CLONE_ADMIN,CONNECTION_ADMIN,ENCRYPTION_KEY_ADMIN,"
    "GROUP_REPLICATION_ADMIN,INNODB_REDO_LOG_ARCHIVE,PERSIST_RO_VARIABLES_ADMIN,"
    "REPLICATION_APPLIER,REPLICATION_SLAVE_ADMIN,RESOURCE_GROUP_ADMIN,RESOURCE_GROUP_USER,"
    "ROLE_ADMIN,SERVICE_CONNECTION_ADMIN,SESSION_VARIABLES_ADMIN,SET_USER_ID,SHOW_ROUTINE,"
    "SYSTEM_USER,SYSTEM_VARIABLES_ADMIN,TABLE_ENCRYPTION_ADMIN,XA_RECOVER_ADMIN "
    "ON *.* TO `root`@`localhost` WITH GRANT OPTION\n"
    "GRANT PROXY ON ``@`` TO `root`@`localhost` WITH GRANT OPTION\n"
)


def test_mysql80_expanded_list_is_all() -> None:
    grants = parse_grants_text(MYSQL80_ROOT, "g.sql", (), "mysql", (8, 0, 36))
    assert grants.diagnostics == ()
    root = grants.find("root", "localhost")
    static = root.grants[0]
    assert len(static.privileges) == 31  # the 30 static privileges and GRANT OPTION
    assert grant_is_all(static, "mysql", (8, 0, 36))
    assert not grant_is_all(root.grants[1], "mysql", (8, 0, 36))  # dynamic ones only
    client = Client.of(ipaddress.ip_address("127.0.0.1"), None, name_resolve=True)
    access = schema_access(grants, "root", client, SCHEMA, "mysql", (8, 0, 36))
    assert (access.refused, access.all_privileges, access.covering) == (
        None,
        True,
        static.location,
    )


def test_privilege_lists_of_the_manual() -> None:
    # "Privileges Provided by MySQL": 18 static privileges apply to databases, 30 make ALL
    assert (len(MYSQL_DATABASE_PRIVILEGES), len(MYSQL_GLOBAL_PRIVILEGES)) == (18, 30)
    assert holds_all(MYSQL_DATABASE_PRIVILEGES, "mysql", (8, 0))
    assert not holds_all(MYSQL_DATABASE_PRIVILEGES - {"TRIGGER"}, "mysql", (8, 0))
    # MariaDB 10.11 adds DELETE HISTORY (19, observed); 11.3 adds SHOW CREATE ROUTINE
    assert not holds_all(MYSQL_DATABASE_PRIVILEGES, "mariadb", (10, 11))
    assert holds_all(MYSQL_DATABASE_PRIVILEGES | {"DELETE HISTORY"}, "mariadb", (10, 11))
    assert not holds_all(MYSQL_DATABASE_PRIVILEGES | {"DELETE HISTORY"}, "mariadb", (11, 4))


# -- server settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "windows", "engine", "expected"),
    [
        ("[mysqld]\n", True, "mariadb", (1, False)),  # the Windows installers' default
        ("[mysqld]\n", False, "mariadb", (0, False)),
        ("[mysqld]\nlower_case_table_names=0\n", True, "mariadb", (0, False)),
        ("[mariadb]\nlower-case-table-names = 2\n", False, "mariadb", (2, False)),
        ("[mysqld]\nssl-cert=c.pem\nssl-key=k.pem\n", False, "mariadb", (0, True)),
        ("[mysqld]\nssl-cert=c.pem\n", False, "mariadb", (0, False)),
        ("[mysqld]\n", False, "mysql", (0, True)),  # auto_generate_certs
        ("[mysqld]\nskip-ssl\n", False, "mysql", (0, False)),
        ("[client]\nlower_case_table_names=1\n", False, "mysql", (0, True)),
    ],
)
def test_access_options(text: str, windows: bool, engine: str, expected: tuple) -> None:
    option_file = parse_option_text(text, "my.ini")
    opts = access_options(
        option_file, engine, (10, 11) if engine == "mariadb" else (8, 0, 36), windows=windows
    )
    assert (opts.lower_case_table_names, opts.tls) == expected


def test_lower_case_table_names_and_tls_decide_access() -> None:
    text = (
        "CREATE USER 'olc'@'%' REQUIRE SSL;\n"
        "GRANT ALL PRIVILEGES ON `ObjectifLune`.* TO 'olc'@'%';\n"
    )
    grants = parse_grants_text(text, "g.sql", (), "mariadb", (10, 11))
    client = Client.of(ipaddress.ip_address("10.0.0.5"), None, name_resolve=False)

    def verdict(lctn: int, tls: bool) -> tuple:
        a = schema_access(
            grants,
            "olc",
            client,
            "objectiflune",
            "mariadb",
            (10, 11),
            lower_case_table_names=lctn,
            server_tls=tls,
        )
        return a.refused, a.all_privileges

    assert verdict(0, False) == ("the account requires TLS and the server has none", False)
    assert verdict(0, True) == (None, False)
    assert verdict(1, True) == (None, True)
