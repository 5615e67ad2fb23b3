"""Connect's own preference keys (olclint.domain.connect): key sets by version, bundle files,
the Initialization/Preferences layer, and the database connection built from db.* keys."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from oracles import require

from olclint.core.findings import Level, Location
from olclint.domain.connect import (
    KEYS_2021,
    connect_keys,
    database_connection,
    has_setting,
    parse_query_params,
    pool_default,
    resolve_settings,
)
from olclint.domain.mysql import effective_options
from olclint.readers.optionfile import parse_option_text
from olclint.readers.prefs import parse_prefs_text

CLEANUP = "s/com.objectiflune.cleanup.prefs"
SCHEDULING = "s/com.objectiflune.scheduling.prefs"
REPO = "s/com.objectiflune.repository.eclipselink.generic.prefs"


def prefs(text: str, path: str = CLEANUP):
    return parse_prefs_text(text, path)


def test_key_sets_by_version() -> None:
    assert connect_keys(None) is KEYS_2021
    assert connect_keys((2021, 2)) is KEYS_2021
    assert connect_keys((2024, 1)) is KEYS_2021
    assert connect_keys((2020, 2)) == {}
    assert connect_keys((1, 8)) == {}
    assert KEYS_2021["cleanup.cron"].key == "cleanup.cron.schedule"
    assert KEYS_2021["database.user"].key == "db.username"
    assert has_setting((1, 8), "merge.expected_remote_engines") is True
    assert has_setting((2021, 2), "merge.expected_remote_engines") is False
    assert has_setting(None, "merge.expected_remote_engines") is False
    assert has_setting(None, "merge.local_engines") is True
    assert pool_default(None) == 48
    assert pool_default((2021, 1)) == 48
    assert pool_default((1, 8)) is None


def test_real_keys_crlf_escapes_and_unknown_keys() -> None:
    text = (
        "#Mon Nov 30 09:12:44 CET 2026\r\n"
        "eclipse.preferences.version=1\r\n"
        "cleanup.startup=true\r\n"
        "cleanup.cron.schedule=0 50 * * * ?\r\n"
        "cleanup.dataset.unit=DAY\r\n"
    )
    repo = (
        "db.host=192.168.10.10\r\ndb.port=3306\r\ndb.username=olc\r\n"
        "db.query.params=useUnicode\\=true&sslMode\\=PREFERRED\r\n"
        "db.schema=ol\\:prod\r\n"
    )
    found, problems = resolve_settings([prefs(text), prefs(repo, REPO)], {}, {})
    assert problems == []
    assert {n: s.raw for n, s in found.items()} == {
        "cleanup.run_at_startup": "true",
        "cleanup.cron": "0 50 * * * ?",
        "database.host": "192.168.10.10",
        "database.port": "3306",
        "database.user": "olc",
        "database.query_params": "useUnicode=true&sslMode=PREFERRED",
        "database.schema": "ol:prod",
    }
    assert found["cleanup.cron"].key == "cleanup.cron.schedule"
    assert found["cleanup.cron"].location == Location(CLEANUP, 4, 1)
    assert found["database.port"].value == 3306


def test_old_versions_read_setting_names_only() -> None:
    text = "cleanup.startup=true\ncleanup.run_at_startup=false\n"
    found, problems = resolve_settings([prefs(text)], {}, {}, connect_version=(1, 8))
    assert problems == []
    assert found["cleanup.run_at_startup"].value is False
    assert found["cleanup.run_at_startup"].location.line == 2


def test_preference_keys_override_the_real_key() -> None:
    text = "cleanup.startup=true\nmy.startup=false\n"
    found, problems = resolve_settings([prefs(text)], {"cleanup.run_at_startup": "my.startup"}, {})
    assert problems == []
    assert (found["cleanup.run_at_startup"].value, found["cleanup.run_at_startup"].key) == (
        False,
        "my.startup",
    )


def test_a_key_in_another_bundle_is_ignored_and_reported() -> None:
    found, problems = resolve_settings([prefs("cleanup.startup=true\n", SCHEDULING)], {}, {})
    assert "cleanup.run_at_startup" not in found
    assert [(p.rule, p.level, p.location.line, p.subject) for p in problems] == [
        ("OLC008", Level.WARNING, 1, "cleanup.startup")
    ]
    # a file that is not a Connect bundle is read as collected under another name
    found, problems = resolve_settings([prefs("cleanup.startup=true\n", "s/cleanup.prefs")], {}, {})
    assert problems == []
    assert found["cleanup.run_at_startup"].value is True


def test_setting_names_in_a_real_store() -> None:
    # alone: still read, with a note that Connect ignores the line
    text = "cleanup.startup=true\ncleanup.cron=0 0 2 * * ?\n"
    found, problems = resolve_settings([prefs(text)], {}, {})
    assert found["cleanup.cron"].raw == "0 0 2 * * ?"
    assert [(p.rule, p.level, p.location.line) for p in problems] == [("OLC008", Level.NOTE, 2)]
    assert problems[0].message == (
        "cleanup.cron is olclint's setting name, not a Connect key: Connect ignores this line "
        "(its key is cleanup.cron.schedule in com.objectiflune.cleanup.prefs); olclint reads it "
        "as written"
    )
    # beside Connect's key: Connect's key decides, the name is a warning
    text = "cleanup.cron=0 0 5 * * ?\ncleanup.cron.schedule=0 0 2 * * ?\n"
    found, problems = resolve_settings([prefs(text)], {}, {})
    assert found["cleanup.cron"].location.line == 2
    assert [(p.rule, p.level, p.location.line) for p in problems] == [("OLC008", Level.WARNING, 1)]
    # a store made of setting names only (no Connect-only key) is read without a finding
    found, problems = resolve_settings([prefs("cleanup.cron=0 0 2 * * ?\n")], {}, {})
    assert problems == []
    assert found["cleanup.cron"].key == "cleanup.cron"


def test_a_database_url_in_a_real_store() -> None:
    # beside Connect's keys: ignored by Connect and by olclint, a warning at the URL
    text = "db.host=db1\ndatabase.url=jdbc:mysql://db2:3306/x\ndb.port=3307\n"
    found, problems = resolve_settings([prefs(text, REPO)], {}, {})
    assert database_connection(found).host.value == "db1"
    assert [(p.rule, p.level, p.location.line, p.message) for p in problems] == [
        (
            "OLC008",
            Level.WARNING,
            2,
            "database.url is not a Connect key: Connect ignores this line, and olclint takes "
            "the connection from db.host, db.port "
            "(com.objectiflune.repository.eclipselink.generic.prefs:1) instead",
        )
    ]
    # alone in a store of Connect's keys: read, with a note
    text = "db.username=olc\ndatabase.url=jdbc:mysql://db2:3306/x\n"
    found, problems = resolve_settings([prefs(text, REPO)], {}, {})
    assert database_connection(found).host.value == "db2"
    assert [(p.rule, p.level, p.location.line) for p in problems] == [("OLC008", Level.NOTE, 2)]
    # beside a host given by its setting name in a store of Connect's keys: that host
    # decides, so the URL is not "read as written"
    text = "db.username=olc\ndatabase.host=db1\ndatabase.url=jdbc:mysql://db2:3306/x\n"
    found, problems = resolve_settings([prefs(text, REPO)], {}, {})
    assert database_connection(found).host.value == "db1"
    url_findings = [p for p in problems if p.subject == "database.url"]
    assert [(p.level, p.location.line) for p in url_findings] == [(Level.WARNING, 3)]
    assert "takes the connection from database.host" in url_findings[0].message
    # a store of olclint's setting names: no finding
    text = "database.host=db1\ndatabase.url=jdbc:mysql://db2:3306/x\n"
    assert resolve_settings([prefs(text, "s/x.prefs")], {}, {})[1] == []


def test_initialization_preferences_override_the_store() -> None:
    store = prefs("cleanup.cron.schedule=0 0 2 * * ?\ncleanup.enabled=true\n")
    override = prefs("# start-up\ncleanup.cron.schedule=0 0 4 * * ?\n", "i/" + CLEANUP[2:])
    found, problems = resolve_settings([store], {}, {}, overrides=[override])
    assert problems == []
    cron = found["cleanup.cron"]
    assert (cron.raw, cron.location, cron.overrides) == (
        "0 0 4 * * ?",
        Location("i/com.objectiflune.cleanup.prefs", 2, 1),
        Location(CLEANUP, 1, 1),
    )
    assert found["cleanup.enabled"].overrides is None
    # an inline value of cluster.yaml beats both
    where = Location("cluster.yaml", 9, 5)
    found, _ = resolve_settings(
        [store], {}, {"cleanup.cron": ("0 0 6 * * ?", where)}, overrides=[override]
    )
    assert (found["cleanup.cron"].raw, found["cleanup.cron"].location) == ("0 0 6 * * ?", where)


def test_bad_port_is_reported_with_the_real_key() -> None:
    found, problems = resolve_settings([prefs("db.port=70000\n", REPO)], {}, {})
    assert found["database.port"].value is None
    assert [p.message for p in problems] == [
        "db.port (database.port): port 70000 is not between 1 and 65535"
    ]


def _conn(text: str, path: str = REPO):
    found, _ = resolve_settings([prefs(text, path)], {}, {})
    return database_connection(found)


def test_connection_from_keys() -> None:
    conn = _conn("db.vendor=MySQL\ndb.host= db1 \ndb.port=3307\ndb.schema=ol\n")
    assert (conn.form, conn.host.value, conn.port.value, conn.schema.value) == (
        "keys",
        "db1",
        3307,
        "ol",
    )
    assert (conn.host.key, conn.host.location.line, conn.port.location.line) == ("db.host", 2, 3)
    assert (conn.undecided, conn.unreadable, conn.foreign_vendor) == (None, False, False)


def test_connection_undecided_unreadable_and_vendor() -> None:
    assert _conn("db.port=3306\n").undecided == "db.host is not set"
    assert _conn("db.host=\ndb.port=3306\n").undecided == "db.host is empty"
    assert _conn("db.host=db1\ndb.port=x\n").unreadable is True
    assert _conn("db.vendor=SQLServer\ndb.host=db1\n").foreign_vendor is True
    assert _conn("db.vendor=mariadb\ndb.host=db1\n").foreign_vendor is False


def test_connection_keys_win_over_a_url_and_url_form() -> None:
    conn = _conn("database.url=jdbc:mysql://db2:3310/x\ndb.host=db1\n", "s/x.prefs")
    assert (conn.form, conn.host.value, conn.port.value) == ("keys", "db1", None)
    conn = _conn("database.url=jdbc:mysql://db2:3310/x?sslMode=VERIFY_CA\n", "s/x.prefs")
    assert (conn.form, conn.host.value, conn.port.value, conn.schema.value) == (
        "url",
        "db2",
        3310,
        "x",
    )
    assert conn.tls_required == "sslMode=VERIFY_CA"
    assert _conn("db.host=h\n").form == "keys"
    assert database_connection({}).form == "default"


def test_query_params() -> None:
    assert parse_query_params("useSSL=true&requireSSL=true&password=s3cret&") == (
        ("useSSL", "true"),
        ("requireSSL", "true"),
        ("password", "********"),
    )
    conn = _conn("db.host=h\ndb.query.params=useSSL\\=true&requireSSL\\=true\n")
    assert conn.tls_required == "useSSL=true&requireSSL=true"
    assert _conn("db.host=h\ndb.query.params=sslMode\\=PREFERRED\n").tls_required is None


@pytest.mark.parametrize(
    ("engine", "text", "value"),
    [
        ("mariadb", "", 151),
        ("mariadb", "[mysqld]\nmax_connections=200\n", 200),
        ("mariadb", "[mysqld]\nmax-connections=1k\n", 1024),
        ("mariadb", "[mysqld]\nmax_connections=5\n", 10),
        ("mariadb", "[mysqld]\nmax_connections=0\n", 10),
        ("mysql", "[mysqld]\nmax_connections=0\n", 1),
        ("mysql", "[mysqld]\nmax_connections=200000\n", 100000),
    ],
)
def test_max_connections(engine: str, text: str, value: int) -> None:
    opts = effective_options(parse_option_text(text, "my.cnf"), engine, None)
    assert opts.max_connections.value == value


@pytest.mark.oracle
@pytest.mark.parametrize("given", ["200", "1k", "5", "0", "64"])
def test_max_connections_match_mariadbd(given: str, tmp_path: Path) -> None:
    mariadbd = require("mariadbd")
    cnf = tmp_path / "my.cnf"
    cnf.write_text(f"[mysqld]\nmax_connections={given}\n", encoding="utf-8")
    done = subprocess.run(
        [mariadbd, f"--defaults-file={cnf}", "--help", "--verbose"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    theirs = next(
        line.split()[1] for line in done.stdout.splitlines() if line.startswith("max-connections ")
    )
    ours = effective_options(parse_option_text(cnf.read_text(), "my.cnf"), "mariadb", (10, 11))
    assert int(theirs) == ours.max_connections.value


def test_example_of_real_stores(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from olclint.cli.main import main

    root = Path(__file__).resolve().parent.parent
    example = root / "examples" / "prod-eu-settings"
    code = main(["check", str(example), "--root", str(root), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [
        (f["rule"], f["location"]["path"], f["location"]["line"]) for f in report["findings"]
    ] == [("OLC104", "examples/prod-eu-settings/master01/my.ini", 6)]
    assert report["findings"][0]["message"].startswith(
        "the Connect servers may open 144 database connections (master01 48 (default), "
        "ext01 48 (default), ext02 48 (default)) but the database accepts max_connections=120"
    )
