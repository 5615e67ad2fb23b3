"""The grants reader: statements, accounts, privileges, and never a password."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from olclint.core.findings import Level, Location
from olclint.core.secrets import REDACTED
from olclint.readers.grants import (
    ALL,
    Account,
    Grant,
    Grants,
    database_matches,
    parse_grants_text,
    read_grants,
)
from olclint.readers.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
G = "m1/grants.sql"


def parse(text: str) -> Grants:
    return parse_grants_text(text, G)


def clean(text: str) -> Grants:
    parsed = parse(text)
    assert parsed.diagnostics == ()
    return parsed


def accounts(text: str) -> list[tuple[str, str]]:
    return [(a.user, a.host) for a in clean(text).accounts]


def account(parsed: Grants, user: str, host: str) -> Account:
    found = parsed.find(user, host)
    assert found is not None
    return found


def problems(text: str) -> list[tuple[str, Level, str, int]]:
    return [(f.rule, f.level, f.location.path, f.location.line) for f in parse(text).diagnostics]


def loc(line: int, column: int = 1) -> Location:
    return Location(G, line, column)


def at(location: Location | None) -> tuple[int, int] | None:
    return None if location is None else (location.line, location.column)


# -- statements as the servers print them ----------------------------------------------------


def test_show_grants_output_of_mysql_57_and_mariadb() -> None:
    text = (
        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' IDENTIFIED BY PASSWORD "
        "'*81F5E21E35407D884A6CD4A731AEBFB6AF209E1B' WITH GRANT OPTION\n"
        "GRANT PROXY ON ''@'' TO 'root'@'localhost' WITH GRANT OPTION\n"
        "GRANT USAGE ON *.* TO `u`@`%`\n"
        "GRANT SELECT, INSERT, UPDATE ON `objectiflune`.* TO `u`@`%`\n"
    )
    parsed = clean(text)
    assert [(a.user, a.host) for a in parsed.accounts] == [("root", "localhost"), ("u", "%")]
    root = account(parsed, "root", "localhost")
    assert root.grants == (
        Grant("*", "*", frozenset({ALL, "GRANT OPTION"}), Location(G, 1, 1, 1, 135)),
    )
    assert root.location == Location(G, 1, 1, 1, 135)
    assert at(root.identified_in_grant) == (1, 1)
    assert root.has_password is True
    u = account(parsed, "u", "%")
    assert [(g.database, g.table, g.privileges) for g in u.grants] == [
        ("*", "*", frozenset({"USAGE"})),
        ("objectiflune", "*", frozenset({"SELECT", "INSERT", "UPDATE"})),
    ]
    assert u.identified_in_grant is None
    assert u.has_password is False
    assert [(s.kind, s.location.line) for s in parsed.statements] == [
        ("GRANT", 1),
        ("GRANT PROXY", 2),
        ("GRANT", 3),
        ("GRANT", 4),
    ]
    assert "81F5" not in repr(parsed)
    assert parsed.statements[0].text == (
        f"GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' IDENTIFIED BY PASSWORD "
        f"'{REDACTED}' WITH GRANT OPTION"
    )


def test_show_create_user_output_of_mysql_8() -> None:
    text = (
        "CREATE USER `ol`@`%` IDENTIFIED WITH 'caching_sha2_password' AS "
        "'$A$005$x\\'yz' REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK "
        "PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT "
        "DEFAULT;\n"
        "CREATE USER `lock`@`localhost` IDENTIFIED WITH 'caching_sha2_password' AS "
        "0x24412430303524 REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT LOCK;\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO `ol`@`%`;\n"
        "GRANT APPLICATION_PASSWORD_ADMIN,AUDIT_ADMIN ON *.* TO `lock`@`localhost`\n"
    )
    parsed = clean(text)
    ol = account(parsed, "ol", "%")
    assert ol.location == Location(G, 1, 1, 1, text.index(";") + 1)
    assert (ol.has_password, ol.locked, ol.identified_in_grant) == (True, False, None)
    assert at(ol.has_all_on("objectiflune")) == (3, 1)
    lock = account(parsed, "lock", "localhost")
    assert (lock.has_password, lock.locked) == (True, True)
    assert lock.grants[0].privileges == frozenset({"APPLICATION_PASSWORD_ADMIN", "AUDIT_ADMIN"})
    assert "x'yz" not in repr(parsed)
    assert "0x2441" not in repr(parsed)
    assert parsed.statements[1].text.endswith(
        f"AS '{REDACTED}' REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT LOCK"
    )


def test_mariadb_identified_via() -> None:
    text = (
        "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA mysql_native_password "
        "USING PASSWORD('hunter2') OR unix_socket WITH GRANT OPTION\n"
        "CREATE USER sock@localhost IDENTIFIED VIA unix_socket\n"
        "CREATE USER ed@'%' IDENTIFIED VIA ed25519 USING 'ZIgUREUg5'\n"
    )
    parsed = clean(text)
    assert account(parsed, "root", "localhost").has_password is True
    assert account(parsed, "sock", "localhost").has_password is False
    assert account(parsed, "ed", "%").has_password is True
    assert "hunter2" not in repr(parsed)
    assert "ZIgUREUg5" not in repr(parsed)


def test_pasted_client_table_and_vertical_output() -> None:
    text = (
        "mysql> SHOW GRANTS FOR root@localhost;\n"
        "+---------------------------------------------------------------------+\n"
        "| Grants for root@localhost                                           |\n"
        "+---------------------------------------------------------------------+\n"
        "| GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION |\n"
        "| GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION        |\n"
        "+---------------------------------------------------------------------+\n"
        "2 rows in set (0.00 sec)\n"
        "*************************** 1. row ***************************\n"
        "Grants for ol@%: GRANT ALL PRIVILEGES ON `objectiflune`.* TO `ol`@`%`\n"
    )
    parsed = parse(text)
    # the prompt and the command typed after it are console noise, like the borders
    assert problems(text) == []
    assert [(a.user, a.host) for a in parsed.accounts] == [("root", "localhost"), ("ol", "%")]
    assert at(account(parsed, "root", "localhost").has_all_on("objectiflune")) == (5, 3)
    assert at(account(parsed, "ol", "%").has_all_on("objectiflune")) == (10, 18)


# -- statements as administrators type them --------------------------------------------------


def test_create_user_forms() -> None:
    text = (
        "CREATE USER 'a'@'10.0.0.%' IDENTIFIED BY 'x1';\n"
        'CREATE USER IF NOT EXISTS b IDENTIFIED BY \'\', c@localhost, "d"@"h";\n'
        "CREATE USER e@'%' IDENTIFIED WITH mysql_native_password BY 'x2';\n"
        "CREATE USER f@'%' IDENTIFIED WITH auth_socket;\n"
        "CREATE USER g IDENTIFIED BY RANDOM PASSWORD;\n"
        "CREATE USER ''@'localhost';\n"
    )
    parsed = clean(text)
    assert [(a.user, a.host, a.has_password, a.location.line) for a in parsed.accounts] == [
        ("a", "10.0.0.%", True, 1),
        ("b", "%", False, 2),
        ("c", "localhost", False, 2),
        ("d", "h", False, 2),
        ("e", "%", True, 3),
        ("f", "%", False, 4),
        ("g", "%", True, 5),
        ("", "localhost", False, 6),
    ]
    assert [a.anonymous for a in parsed.accounts] == [False] * 7 + [True]
    assert "x1" not in repr(parsed) and "x2" not in repr(parsed)


def test_statements_span_lines_and_share_lines() -> None:
    text = (
        "/* accounts */ CREATE USER 'ol'@'%'\n"
        "    IDENTIFIED BY\n"
        "    'pw';  GRANT ALL\n"
        "  ON objectiflune.*\n"
        "  TO 'ol'@'%';\n"
    )
    parsed = clean(text)
    assert [(s.kind, s.location) for s in parsed.statements] == [
        ("CREATE USER", Location(G, 1, 16, 3, 9)),
        ("GRANT", Location(G, 3, 12, 5, 14)),
    ]
    assert parsed.statements[0].text == (
        f"CREATE USER 'ol'@'%'\n    IDENTIFIED BY\n    '{REDACTED}'"
    )
    assert at(account(parsed, "ol", "%").has_all_on("objectiflune")) == (3, 12)


def test_newline_separated_statements_without_semicolons() -> None:
    text = (
        "GRANT SELECT,\n"
        "  INSERT,\n"
        "  DROP ON db.* TO a\n"
        "  WITH GRANT OPTION\n"
        "DROP USER b\n"
        "REVOKE ALL PRIVILEGES,\n"
        "GRANT OPTION FROM c\n"
        "GRANT ALL ON db.* TO b\n"
    )
    parsed = clean(text)
    assert [(s.kind, s.location.line) for s in parsed.statements] == [
        ("GRANT", 1),
        ("DROP USER", 5),
        ("REVOKE", 6),
        ("GRANT", 8),
    ]
    assert account(parsed, "a", "%").grants[0].privileges == frozenset(
        {"SELECT", "INSERT", "DROP", "GRANT OPTION"}
    )


def test_comments_and_quotes() -> None:
    text = (
        "-- a comment; GRANT ALL ON *.* TO nobody\n"
        "# another; one\n"
        "--not-a-comment-but-we-never-get-here\n"
    )
    assert problems(text) == [("OLC005", Level.ERROR, G, 3)]
    text = (
        "GRANT SELECT ON `we;ird``db`.* TO 'it''s'@'h#1' /* ; */ ; -- end\n"
        "GRANT SELECT ON x.* TO 'back\\'slash'@\"dq\"\n"
        "/*!40000 GRANT INSERT ON x.* TO z */;\n"
    )
    parsed = clean(text)
    assert [(a.user, a.host) for a in parsed.accounts] == [
        ("it's", "h#1"),
        ("back'slash", "dq"),
        ("z", "%"),
    ]
    assert parsed.accounts[0].grants[0].database == "we;ird`db"


def test_database_patterns_and_levels() -> None:
    text = (
        "GRANT ALL ON `objectif\\_lune`.* TO a;\n"
        "GRANT ALL ON 'obj%'.* TO b;\n"
        "GRANT ALL ON objectiflune.jobs TO c;\n"
        "GRANT ALL PRIVILEGES ON *.* TO d;\n"
        "GRANT EXECUTE ON PROCEDURE objectiflune.p TO e;\n"
        "GRANT SELECT (id, name), UPDATE (name) ON objectiflune.t TO f;\n"
        "USE objectiflune;\n"
        "GRANT ALL ON * TO g;\n"
        "GRANT ALL ON jobs TO h;\n"
    )
    parsed = clean(text)
    grant = {a.user: a.grants[0] for a in parsed.accounts}
    assert {u: (g.database, g.table) for u, g in grant.items()} == {
        "a": ("objectif\\_lune", "*"),
        "b": ("obj%", "*"),
        "c": ("objectiflune", "jobs"),
        "d": ("*", "*"),
        "e": ("objectiflune", "p"),
        "f": ("objectiflune", "t"),
        "g": ("objectiflune", "*"),
        "h": ("objectiflune", "jobs"),
    }
    assert grant["f"].privileges == frozenset({"SELECT (id, name)", "UPDATE (name)"})
    has = {a.user: at(a.has_all_on("objectiflune")) for a in parsed.accounts}
    assert has == {
        "a": None,
        "b": (2, 1),
        "c": None,
        "d": (4, 1),
        "e": None,
        "f": None,
        "g": (8, 1),
        "h": None,
    }
    assert at(account(parsed, "a", "%").has_all_on("objectif_lune")) == (1, 1)
    assert account(parsed, "a", "%").has_all_on("objectifXlune") is None
    assert account(parsed, "b", "%").has_all_on("OBJ") is None
    assert at(account(parsed, "b", "%").has_all_on("OBJ", ignore_case=True)) == (2, 1)


@pytest.mark.parametrize(
    ("pattern", "schema", "expected"),
    [
        ("*", "anything", True),
        ("objectiflune", "objectiflune", True),
        ("objectiflune", "objectiflune2", False),
        ("obj%", "objectiflune", True),
        ("obj_ctiflune", "objectiflune", True),
        ("objectif\\_lune", "objectif_lune", True),
        ("objectif\\_lune", "objectif-lune", False),
        ("objectif_lune", "objectif-lune", True),
        ("100\\%", "100%", True),
        ("100\\%", "1000", False),
        ("a.b", "aXb", False),
    ],
)
def test_database_matches(pattern: str, schema: str, expected: bool) -> None:
    assert database_matches(pattern, schema) is expected


# -- applying statements in order ------------------------------------------------------------


def test_grant_creates_missing_accounts_and_create_user_later_keeps_them() -> None:
    text = (
        "GRANT ALL ON objectiflune.* TO 'ol'@'%';\n"
        "CREATE USER 'ol'@'%' IDENTIFIED BY 'p';\n"
        "CREATE USER 'ol'@'%';\n"
    )
    parsed = clean(text)
    ol = account(parsed, "ol", "%")
    assert at(ol.location) == (2, 1)
    assert ol.has_password is True
    assert at(ol.has_all_on("objectiflune")) == (1, 1)


def test_create_or_replace_resets_the_account() -> None:
    parsed = clean("GRANT ALL ON db.* TO x;\nCREATE OR REPLACE USER x;\n")
    assert account(parsed, "x", "%").grants == ()
    assert at(account(parsed, "x", "%").location) == (2, 1)


def test_identified_in_grant() -> None:
    text = (
        "CREATE USER a;\n"
        "GRANT ALL ON *.* TO a IDENTIFIED BY 'pw-one-x', b IDENTIFIED BY PASSWORD '*AB';\n"
        "GRANT SELECT ON db.* TO c;\n"
    )
    parsed = clean(text)
    assert at(account(parsed, "a", "%").identified_in_grant) == (2, 1)
    assert at(account(parsed, "b", "%").identified_in_grant) == (2, 1)
    assert account(parsed, "c", "%").identified_in_grant is None
    assert "pw-one-x" not in repr(parsed) and "*AB" not in repr(parsed)


def test_revoke() -> None:
    text = (
        "GRANT ALL PRIVILEGES ON objectiflune.* TO a WITH GRANT OPTION;\n"
        "GRANT SELECT ON other.* TO a;\n"
        "REVOKE INSERT ON objectiflune.* FROM a;\n"
        "GRANT ALL ON objectiflune.* TO b;\n"
        "REVOKE ALL PRIVILEGES ON objectiflune.* FROM b;\n"
        "GRANT ALL ON objectiflune.* TO c WITH GRANT OPTION;\n"
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM c;\n"
        "REVOKE SELECT ON nothing.* FROM c;\n"
        "REVOKE SELECT ON x.* FROM nobody;\n"
        "GRANT SELECT, INSERT ON t.* TO d;\n"
        "REVOKE SELECT ON t.* FROM d;\n"
        "REVOKE GRANT OPTION ON objectiflune.* FROM a;\n"
    )
    parsed = clean(text)
    a = account(parsed, "a", "%")
    assert a.has_all_on("objectiflune") is None
    privileges = a.grants[0].privileges
    assert "INSERT" not in privileges and ALL not in privileges and "GRANT OPTION" not in privileges
    assert {"SELECT", "UPDATE", "DELETE", "CREATE", "DROP"} <= privileges
    assert (a.grants[1].database, a.grants[1].privileges) == ("other", frozenset({"SELECT"}))
    assert account(parsed, "b", "%").grants == ()
    assert account(parsed, "c", "%").grants == ()
    assert [(g.database, g.privileges) for g in account(parsed, "d", "%").grants] == [
        ("t", frozenset({"INSERT"}))
    ]
    assert parsed.find("nobody", "%") is None


def test_revoke_all_keeps_grant_option() -> None:
    parsed = clean("GRANT ALL ON db.* TO a WITH GRANT OPTION;\nREVOKE ALL ON db.* FROM a;\n")
    assert [g.privileges for g in account(parsed, "a", "%").grants] == [frozenset({"GRANT OPTION"})]


def test_drop_and_rename_user() -> None:
    text = (
        "CREATE USER a@h1, b@h2, c;\n"
        "DROP USER IF EXISTS b@h2, nobody;\n"
        "DROP USER 'A'@'h1';\n"
        "RENAME USER a@h1 TO z@'%', c TO a@h1;\n"
        "GRANT ALL ON db.* TO z@'%';\n"
    )
    parsed = clean(text)
    assert [(a.user, a.host, a.location.line) for a in parsed.accounts] == [
        ("z", "%", 1),
        ("a", "h1", 1),
    ]
    assert len(account(parsed, "z", "%").grants) == 1


def test_host_compared_without_case_user_with_case() -> None:
    parsed = clean(
        "CREATE USER ol@'Connect-M1';\nGRANT ALL ON db.* TO ol@'connect-m1x';\n"
        "GRANT ALL ON db.* TO ol@'CONNECT-M1';\nGRANT ALL ON db.* TO OL@'connect-m1';\n"
    )
    assert [(a.user, a.host, len(a.grants)) for a in parsed.accounts] == [
        ("ol", "Connect-M1", 1),
        ("ol", "connect-m1x", 1),
        ("OL", "connect-m1", 1),
    ]


def test_set_password_alter_user_roles_and_other_statements() -> None:
    text = (
        "CREATE USER a, b IDENTIFIED BY 'x';\n"
        "SET PASSWORD FOR a = PASSWORD('s1');\n"
        "SET PASSWORD FOR b = '';\n"
        "ALTER USER b ACCOUNT LOCK;\n"
        "ALTER USER IF EXISTS nobody IDENTIFIED BY 's2';\n"
        "CREATE ROLE r;\n"
        "GRANT 'r' TO a;\n"
        "REVOKE 'r' FROM a;\n"
        "FLUSH PRIVILEGES;\n"
        "SET NAMES utf8mb4;\n"
        "SHOW GRANTS FOR a;\n"
    )
    parsed = clean(text)
    assert [(a.user, a.has_password, a.locked) for a in parsed.accounts] == [
        ("a", True, False),
        ("b", False, True),
    ]
    assert [s.kind for s in parsed.statements] == [
        "CREATE USER",
        "SET PASSWORD",
        "SET PASSWORD",
        "ALTER USER",
        "ALTER USER",
        "CREATE ROLE",
        "GRANT ROLE",
        "REVOKE ROLE",
        "FLUSH",
        "SET",
        "SHOW",
    ]
    assert "s1" not in repr(parsed) and "s2" not in repr(parsed)


# -- unreadable statements -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "SELECT 1;",
            1,
            "'SELECT' does not start a CREATE USER, GRANT, REVOKE, DROP USER or "
            "RENAME USER statement",
        ),
        ("CREATE TABLE t (a int);", 1, "expected USER or ROLE, found 'TABLE'"),
        (
            "\n\nGRANT ALL ON objectiflune TO ol;",
            3,
            "ON objectiflune names a table of the current database and no USE comes before it; "
            "write objectiflune.* for a whole database",
        ),
        (
            "GRANT ALL ON db.* TO;",
            1,
            "expected an account ('user'@'host'), found the end of the statement",
        ),
        ("GRANT ALL ON db.* TO u@connect-m1;", 1, "unexpected '-' after the account list"),
        ("GRANT ALL ON db.* TO u IDENTIFIED BY hunter2;", 1, "expected a quoted password or hash"),
        ("GRANT ON db.* TO u;", 1, "expected a privilege, found 'ON'"),
        ("REVOKE SELECT FROM u;", 1, "expected ON after the privileges, found 'FROM'"),
        ("GRANT ALL ON *.t TO u;", 1, "'*.table' is not a privilege level"),
        (
            "GRANT ALL ON db.* TO CURRENT_USER;",
            1,
            "CURRENT_USER cannot be resolved in a file; name the account",
        ),
        ("DROP USER a@h extra;", 1, "unexpected 'extra' after the account list"),
        ("CREATE USER a\nbogus b;", 1, "unexpected 'bogus' after the account list"),
    ],
)
def test_unreadable_statements(text: str, line: int, message: str) -> None:
    parsed = parse(text + "\nCREATE USER after;\n")
    assert [
        (f.rule, f.level, f.location.path, f.location.line, f.message) for f in parsed.diagnostics
    ] == [("OLC005", Level.ERROR, G, line, f"cannot read this statement: {message}")]
    assert ("after", "%") in [(a.user, a.host) for a in parsed.accounts]
    assert "hunter2" not in repr(parsed)


def test_an_unreadable_statement_changes_nothing() -> None:
    parsed = parse("CREATE USER a;\nGRANT ALL ON db.* TO a, b@'h' junk;\n")
    assert [(a.user, len(a.grants)) for a in parsed.accounts] == [("a", 0)]
    finding = parsed.diagnostics[0]
    assert finding.location == loc(2, 1)
    assert [r.location for r in finding.related] == [loc(2, 31)]
    assert finding.subject == "GRANT ALL ON db.* TO a, b@'h' junk"


def test_unterminated_quote_and_comment() -> None:
    text = "CREATE USER a;\nCREATE USER b IDENTIFIED BY 'never closed;\nCREATE USER c;\n"
    parsed = parse(text)
    assert problems(text) == [("OLC005", Level.ERROR, G, 2)]
    assert parsed.diagnostics[0].message == "a '-quoted text is never closed"
    assert [a.user for a in parsed.accounts] == ["a"]
    assert "never closed" not in repr(parsed.statements)
    text = "CREATE USER a;\n/* open\nCREATE USER b;\n"
    assert problems(text) == [("OLC005", Level.ERROR, G, 2)]
    assert parse(text).diagnostics[0].message == "a /* comment is never closed"


def test_an_error_message_never_shows_a_password() -> None:
    parsed = parse("CREATE USER a IDENTIFIED BY 'hunter2' garbage;\n")
    assert len(parsed.diagnostics) == 1
    assert "hunter2" not in repr(parsed)
    assert REDACTED in parsed.diagnostics[0].subject


# -- reading files ---------------------------------------------------------------------------


def test_read_grants_with_bom_and_crlf(tmp_path: Path) -> None:
    folder = tmp_path / "m1"
    folder.mkdir()
    path = folder / "grants.sql"
    path.write_bytes(
        b"\xef\xbb\xbfCREATE USER 'r\xc3\xa9mi'@'%';\r\nGRANT ALL ON db.* TO r\xc3\xa9mi;\r\n"
    )
    ws = Workspace(tmp_path)
    parsed = read_grants(ws, path)
    assert parsed.path == G
    assert parsed.diagnostics == ()
    assert [(a.user, a.host, a.location.line, len(a.grants)) for a in parsed.accounts] == [
        ("rémi", "%", 1, 1)
    ]
    assert ws.sources[G] == ["CREATE USER 'rémi'@'%';", "GRANT ALL ON db.* TO rémi;"]


def test_read_grants_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "grants.sql"
    path.write_bytes(
        b"CREATE USER a;\n"
        b"-- caf\xe9\n"
        b"CREATE USER b IDENTIFIED WITH x AS '\xff\xfe';\n"
        b"CREATE USER c;\n"
    )
    ws = Workspace(tmp_path)
    parsed = read_grants(ws, path)
    assert [(f.rule, f.level, f.location.line, f.location.column) for f in parsed.diagnostics] == [
        ("OLC005", Level.ERROR, 2, 7)
    ]
    assert [a.user for a in parsed.accounts] == ["a", "b", "c"]
    assert ws.sources["grants.sql"][1] == "-- caf\ufffd"


def test_read_grants_utf16_from_powershell(tmp_path: Path) -> None:
    path = tmp_path / "grants.sql"
    path.write_bytes("GRANT ALL ON db.* TO ol;\r\n".encode("utf-16"))
    parsed = read_grants(Workspace(tmp_path), path)
    assert parsed.diagnostics == ()
    assert [a.user for a in parsed.accounts] == ["ol"]


def test_read_grants_missing_file(tmp_path: Path) -> None:
    where = Location("cluster.yaml", 9, 11)
    parsed = read_grants(Workspace(tmp_path), tmp_path / "nope.sql", where)
    assert parsed.accounts == ()
    assert [(f.rule, f.location) for f in parsed.diagnostics] == [("OLC002", where)]


def test_read_grants_fixture() -> None:
    parsed = read_grants(Workspace(FIXTURES), FIXTURES / "grants.sql")
    assert parsed.diagnostics == ()
    assert [(a.user, a.host) for a in parsed.accounts] == [
        ("root", "localhost"),
        ("root", "%"),
        ("olconnect", "192.168.10.%"),
        ("", "localhost"),
    ]
    assert at(account(parsed, "olconnect", "192.168.10.%").has_all_on("objectiflune")) == (9, 1)
    assert account(parsed, "root", "%").has_all_on("objectiflune") is not None
    assert "Secr3t" not in repr(parsed)


# -- property tests --------------------------------------------------------------------------

_TOKENS = [
    "GRANT", "REVOKE", "CREATE", "USER", "DROP", "RENAME", "ALTER", "SET", "USE", "ALL",
    "PRIVILEGES", "ON", "TO", "FROM", "IDENTIFIED", "BY", "WITH", "VIA", "USING", "AS",
    "PASSWORD", "OR", "IF", "EXISTS", "NOT", "OPTION", "PROXY", "ROLE", "REQUIRE", "ACCOUNT",
    "LOCK", "SELECT", "TABLE", "*", ".", ",", ";", "@", "(", ")", "=", "'", '"', "`", "\\",
    "'u'", "`db`", "'%'", "''", "--", "-- ", "#", "/*", "*/", "/*!", "\n", "\r\n", " ", "\t",
    "x", "0x41", "é", "\ufffd", "|", "+--+",
]  # fmt: skip

_soup = st.lists(st.sampled_from(_TOKENS), max_size=50).map(" ".join)
_tight_soup = st.lists(st.sampled_from(_TOKENS), max_size=50).map("".join)


def _line_count(text: str) -> int:
    return len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=120), _soup, _tight_soup))
def test_any_text_reads_without_error_and_locations_are_in_the_file(text: str) -> None:
    parsed = parse(text)
    lines = _line_count(text)
    for finding in parsed.diagnostics:
        assert finding.rule == "OLC005"
        assert finding.location is not None
        assert 1 <= finding.location.line <= lines
        assert finding.location.column >= 1
        for related in finding.related:
            assert 1 <= related.location.line <= lines
    for statement in parsed.statements:
        assert 1 <= statement.location.line <= (statement.location.end_line or 0) <= lines
    for acc in parsed.accounts:
        assert 1 <= acc.location.line <= lines


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="'\\"),
        max_size=20,
    ).map(lambda s: f"Zq{s}9x"),
    _soup,
)
@example(password="Zq9x", noise="BY '")  # garbled quoting: the password becomes a bare word
@example(password="Zq9x", noise="GRANT --")  # a comment inside an unreadable statement
@example(password="Zq9x", noise="\n GRANT '")  # a stray quote swallows IDENTIFIED
def test_a_password_never_leaves_the_reader(password: str, noise: str) -> None:
    text = (
        f"CREATE USER a IDENTIFIED BY '{password}';\n"
        f"GRANT ALL ON db.* TO b IDENTIFIED BY '{password}' {noise};\n"
        f"{noise} SET PASSWORD FOR a = PASSWORD('{password}') {noise}\n"
        f"CREATE USER c IDENTIFIED VIA ed25519 USING PASSWORD('{password}') {noise};\n"
    )
    parsed = parse(text)
    assert password not in repr(parsed)
