"""The .prefs reader (Java properties), typed settings, JDBC URLs and host:port values."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olclint.core.findings import Level, Location
from olclint.core.secrets import REDACTED
from olclint.domain.connect import (
    SETTINGS,
    HostPort,
    JdbcUrl,
    Setting,
    parse_host_port,
    parse_jdbc_url,
    resolve_settings,
)
from olclint.domain.quartz import parse_cron
from olclint.readers.prefs import PrefsFile, Property, parse_prefs_text, read_prefs
from olclint.readers.workspace import Workspace
from tests.oracles import require

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
P = "s/x.prefs"


def pairs(text: str) -> list[tuple[str, str]]:
    parsed = parse_prefs_text(text, P)
    assert parsed.diagnostics == ()
    return [(p.key, p.value) for p in parsed.properties]


def one(text: str) -> Property:
    parsed = parse_prefs_text(text, P)
    assert parsed.diagnostics == ()
    assert len(parsed.properties) == 1
    return parsed.properties[0]


def problems(text: str) -> list[tuple[str, Level, str, int, int]]:
    return [
        (f.rule, f.level, f.location.path, f.location.line, f.location.column)
        for f in parse_prefs_text(text, P).diagnostics
    ]


# -- Java properties syntax ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("a=b", ("a", "b")),
        ("a: b", ("a", "b")),
        ("a b", ("a", "b")),
        ("a  =  b", ("a", "b")),
        ("a\t=\tb", ("a", "b")),
        ("a\f:b", ("a", "b")),
        ("a b c", ("a", "b c")),
        ("a==b", ("a", "=b")),
        ("a:=b", ("a", "=b")),
        ("a = = b", ("a", "= b")),
        ("a =", ("a", "")),
        ("a", ("a", "")),
        ("=b", ("", "b")),
        ("a=b  ", ("a", "b  ")),
        ("   a=b", ("a", "b")),
        ("a\\ b=c", ("a b", "c")),
        ("a\\=b=c", ("a=b", "c")),
        ("a\\:b:c", ("a:b", "c")),
        ("a\\\\=b", ("a\\", "b")),
        ("merge.local_engines=4", ("merge.local_engines", "4")),
    ],
)
def test_key_and_separator(line: str, expected: tuple[str, str]) -> None:
    assert pairs(line + "\n") == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\\t\\n\\r\\f", "\t\n\r\f"),
        ("\\u0041\\u00e9\\u20AC", "Aé€"),
        ("\\x\\y\\#\\!", "xy#!"),
        ("C\\:\\\\temp", "C:\\temp"),
        ("\\\\u0041", "\\u0041"),
        ("#not a comment", "#not a comment"),
        ("\\uD83D\\uDE00", "\U0001f600"),
    ],
)
def test_escapes(value: str, expected: str) -> None:
    assert pairs(f"k={value}\n") == [("k", expected)]


def test_comments_and_blank_lines() -> None:
    text = "# comment\n! other\n\n   \n  # indented\nk=v\n#k=w\n"
    assert pairs(text) == [("k", "v")]


def test_a_comment_never_continues() -> None:
    assert pairs("# comment \\\nk=v\n") == [("k", "v")]


def test_continuation_drops_leading_blanks_of_the_next_line() -> None:
    assert pairs("k=one, \\\n    two, \\\n\tthree\nn=1\n") == [("k", "one, two, three"), ("n", "1")]


def test_continuation_in_the_key() -> None:
    assert pairs("ke\\\n  y=v\n") == [("key", "v")]


def test_continuation_line_starting_with_hash_is_content() -> None:
    assert pairs("k=a\\\n  #b\n") == [("k", "a#b")]


def test_even_backslashes_do_not_continue() -> None:
    assert pairs("k=a\\\\\nn=b\n") == [("k", "a\\"), ("n", "b")]


def test_empty_continuation_line_ends_the_entry() -> None:
    assert pairs("k=a\\\n\nn=b\n") == [("k", "a"), ("n", "b")]


def test_continuation_at_end_of_file() -> None:
    assert pairs("k=a\\") == [("k", "a")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\\", [("", "")]),
        ("\\\n", [("", "")]),
        ("\\\n\n", []),
        ("\\\r\n", []),
        ("\\\n   ", []),
        ("k=\\\n   ", [("k", "")]),
    ],
)
def test_java_quirks_of_a_lone_continuation(text: str, expected: list) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_line_endings(eol: str) -> None:
    parsed = parse_prefs_text(f"a=1{eol}b=2\\{eol}  3{eol}c=4", P)
    assert [(p.key, p.value, p.location.line) for p in parsed.properties] == [
        ("a", "1", 1),
        ("b", "23", 2),
        ("c", "4", 4),
    ]


def test_duplicate_keys_keep_both_and_get_gives_the_last() -> None:
    parsed = parse_prefs_text("k=1\nother=x\nk=2\n", P)
    assert [(p.key, p.value) for p in parsed.properties] == [("k", "1"), ("other", "x"), ("k", "2")]
    found = parsed.get("k")
    assert found is not None
    assert (found.value, found.location.line) == ("2", 3)
    assert parsed.get("missing") is None


def test_locations_of_key_and_value() -> None:
    parsed = parse_prefs_text("# head\n  merge.local_engines = 4  \nempty=\n", P)
    prop = parsed.properties[0]
    assert prop.location == Location(P, 2, 3)
    assert prop.value_location == Location(P, 2, 25, 2, 28)  # "4  " (trailing blanks kept)
    empty = parsed.properties[1]
    assert empty.location == Location(P, 3, 1)
    assert empty.value_location == Location(P, 3, 7, 3, 7)


def test_value_location_of_a_continued_value() -> None:
    prop = one("k = \\\n    value\n")
    assert prop.location == Location(P, 1, 1)
    assert prop.value_location == Location(P, 2, 5, 2, 10)
    spread = one("k = a\\\n  b\n")
    assert spread.value_location == Location(P, 1, 5)  # no end: the value spans two lines


def test_malformed_unicode_escape_is_olc005_and_the_entry_is_skipped() -> None:
    text = "a=1\nb=x\\u12\nc=\\uZZZZ\nd\\u00=4\ne=5\n"
    parsed = parse_prefs_text(text, P)
    assert [(p.key, p.value) for p in parsed.properties] == [("a", "1"), ("e", "5")]
    assert problems(text) == [
        ("OLC005", Level.ERROR, P, 2, 4),
        ("OLC005", Level.ERROR, P, 3, 3),
        ("OLC005", Level.ERROR, P, 4, 2),
    ]
    first = parsed.diagnostics[0]
    assert first.message == (
        "malformed \\uXXXX escape in the value of 'b': it needs four hex digits; "
        "Java's Properties.load rejects a file holding it (entry skipped)"
    )
    assert first.subject == "b"
    assert parsed.diagnostics[2].message.startswith("malformed \\uXXXX escape in the key:")


def test_malformed_escape_on_a_continuation_line_points_at_that_line() -> None:
    assert problems("k=ok\\\n   \\u00zz\n") == [("OLC005", Level.ERROR, P, 2, 4)]


def test_secret_values_are_never_kept() -> None:
    parsed = parse_prefs_text("database.password=hunter2\ndb.user=ol\n", P)
    secret = parsed.properties[0]
    assert (secret.key, secret.value, secret.secret) == ("database.password", REDACTED, True)
    assert secret.value_location == Location(P, 1, 19, 1, 26)
    assert parsed.properties[1].secret is False
    assert "hunter2" not in repr(parsed)


def test_credentials_inside_url_values_are_redacted() -> None:
    parsed = parse_prefs_text(
        "database.url=jdbc:mysql://ol:s3cret@db:3306/objectiflune?password=p4ss&useSSL=false\n", P
    )
    assert parsed.properties[0].value == (
        f"jdbc:mysql://ol:{REDACTED}@db:3306/objectiflune?password={REDACTED}&useSSL=false"
    )
    assert "s3cret" not in repr(parsed)
    assert "p4ss" not in repr(parsed)


def test_read_prefs_decodes_latin1_and_remembers_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "m1" / "settings"
    folder.mkdir(parents=True)
    path = folder / "com.objectiflune.prefs"
    path.write_bytes(b"eclipse.preferences.version=1\r\nlabel=caf\xe9 \\u00e9\r\n")
    ws = Workspace(tmp_path)
    parsed = read_prefs(ws, path)
    assert parsed.path == "m1/settings/com.objectiflune.prefs"
    assert [(p.key, p.value) for p in parsed.properties] == [
        ("eclipse.preferences.version", "1"),
        ("label", "café é"),
    ]
    assert parsed.properties[1].location == Location("m1/settings/com.objectiflune.prefs", 2, 1)
    assert ws.sources["m1/settings/com.objectiflune.prefs"] == [
        "eclipse.preferences.version=1",
        "label=café \\u00e9",
    ]


def test_read_prefs_of_a_missing_file_is_a_finding(tmp_path: Path) -> None:
    where = Location("cluster.yaml", 7, 18)
    parsed = read_prefs(Workspace(tmp_path), tmp_path / "gone.prefs", where)
    assert parsed.properties == ()
    assert [(f.rule, f.location) for f in parsed.diagnostics] == [("OLC002", where)]


def test_read_prefs_fixture() -> None:
    ws = Workspace(FIXTURES)
    parsed = read_prefs(ws, FIXTURES / "connect.prefs")
    assert parsed.path == "connect.prefs"
    assert [(p.key, p.value) for p in parsed.properties] == [
        ("eclipse.preferences.version", "1"),
        ("merge.local_engines", "4"),
        ("cleanup.cron", "0 0 2 ? * 1"),
        ("database.url", "jdbc:mysql://192.168.10.10:3306/objectiflune"),
        ("database.user", "olconnect"),
        ("database.password", REDACTED),
        ("description", "Zürich east"),
    ]
    assert parsed.diagnostics == ()


# -- property tests --------------------------------------------------------------------------


def _escape(text: str, *, key: bool) -> str:
    """Properties.store's escaping."""
    out: list[str] = []
    for i, c in enumerate(text):
        if c == " " and (key or i == 0):
            out.append("\\ ")
        elif c in "\\=:#!":
            out.append("\\" + c)
        elif c in "\t\n\r\f":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f"}[c])
        elif ord(c) < 0x20 or ord(c) > 0x7E:
            units = c.encode("utf-16-be")
            for k in range(0, len(units), 2):
                out.append(f"\\u{units[k] << 8 | units[k + 1]:04X}")
        else:
            out.append(c)
    return "".join(out)


_plain_text = st.text(
    alphabet=st.characters(codec="utf-16", exclude_categories=("Cs",)).filter(
        lambda c: c not in "pPjJ/"  # no secret-looking keys, no URL values
    ),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_plain_text, _plain_text), max_size=6))
def test_store_then_load_gives_the_same_entries(entries: list[tuple[str, str]]) -> None:
    text = "#comment\n" + "".join(
        f"{_escape(k, key=True)}={_escape(v, key=False)}\n" for k, v in entries
    )
    assert pairs(text) == entries


_soup = st.lists(
    st.sampled_from(
        ["a", "=", ":", " ", "\t", "\f", "\\", "\\u", "00e9", "#", "!", "\n", "\r", "x"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), _soup))
def test_any_text_reads_without_error_and_locations_are_in_the_file(text: str) -> None:
    parsed = parse_prefs_text(text, P)
    lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for finding in parsed.diagnostics:
        assert finding.rule == "OLC005"
        assert 1 <= finding.location.line <= lines
    for prop in parsed.properties:
        assert 1 <= prop.location.line <= prop.value_location.line <= lines


# -- the real oracle: java.util.Properties.load ----------------------------------------------

_JAVA = """
import java.io.*;
import java.util.*;
public class Load {
    static String hex(String s) {
        StringBuilder b = new StringBuilder("h");
        for (char c : s.toCharArray()) b.append(String.format("%04x", (int) c));
        return b.toString();
    }
    public static void main(String[] args) throws Exception {
        for (String name : args) {
            System.out.println("FILE");
            Properties p = new Properties();
            try (InputStream in = new FileInputStream(name)) {
                p.load(in);
            } catch (IllegalArgumentException e) {
                System.out.println("MALFORMED");
                continue;
            }
            for (String k : new TreeSet<>(p.stringPropertyNames())) {
                System.out.println(hex(k) + " " + hex(p.getProperty(k)));
            }
        }
    }
}
"""


def _unhex(word: str) -> str:
    body = word[1:]
    return "".join(chr(int(body[i : i + 4], 16)) for i in range(0, len(body), 4))


@pytest.mark.oracle
def test_java_properties_load_agrees(tmp_path: Path) -> None:
    java = require("java")
    import random

    rng = random.Random(20240601)
    pieces = ["k", "v", "=", ":", " ", "\t", "\f", "\\", "\\u", "0041", "00e9", "zz", "#", "!"]
    pieces += ["\n", "\r", "\r\n", "\xe9", "\xa0", "\\t", "\\n"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    texts += ["a=b\\\n  c\n", "# c \\\nk=v\n", "k=a\\\r\n\r\nn=b", "x\\u12", "k=v\\"]
    files = []
    for i, text in enumerate(texts):
        path = tmp_path / f"t{i}.properties"
        path.write_bytes(text.encode("latin-1"))
        files.append(path)
    source = tmp_path / "Load.java"
    source.write_text(_JAVA)
    out = subprocess.run(
        [java, str(source), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    blocks = out.split("FILE\n")[1:]
    assert len(blocks) == len(texts)
    for text, block in zip(texts, blocks, strict=True):
        parsed = parse_prefs_text(text, P)
        if block.strip() == "MALFORMED":
            assert parsed.diagnostics, repr(text)
            continue
        assert parsed.diagnostics == (), repr(text)
        expected = dict(tuple(map(_unhex, line.split(" "))) for line in block.splitlines())
        ours = {p.key: p.value for p in parsed.properties}
        assert ours == expected, repr(text)


# -- typed settings --------------------------------------------------------------------------


def prefs(text: str, path: str = P) -> PrefsFile:
    parsed = parse_prefs_text(text, path)
    assert parsed.diagnostics == ()
    return parsed


def test_settings_table_matches_the_contract() -> None:
    assert SETTINGS == {
        "merge.local_engines": "int",
        "merge.expected_remote_engines": "int",
        "weaver.local_engines": "int",
        "weaver.expected_remote_engines": "int",
        "scheduling.max_records_small_job": "int",
        "scheduling.min_records_large_job": "int",
        "cleanup.enabled": "bool",
        "cleanup.run_at_startup": "bool",
        "cleanup.cron": "cron",
        "cleanup.database": "bool",
        "cleanup.files": "bool",
        "database.url": "jdbc",
        "database.user": "string",
        # beyond the contract's table: the keys of Connect 2021.x stores
        "database.vendor": "string",
        "database.host": "string",
        "database.port": "port",
        "database.schema": "string",
        "database.query_params": "string",
        "database.max_pool_connections": "int",
        "server.port": "port",
        "master.location": "hostport",
        "master.port": "port",
    }


def test_typed_values_from_prefs() -> None:
    text = (
        "merge.local_engines = 4\n"
        "weaver.local_engines= +2 \n"
        "merge.expected_remote_engines=-1\n"
        "cleanup.enabled=TRUE\n"
        "cleanup.database=False\n"
        "cleanup.cron=  0 0 2 ? * 1  \n"
        "database.url=jdbc:mysql://db1:3306/objectiflune\n"
        "database.user=olconnect\n"
        "master.location=connect-m1:9340\n"
        "unrelated=1\n"
    )
    found, problems_ = resolve_settings([prefs(text)], {}, {})
    assert problems_ == []
    assert {name: s.value for name, s in found.items()} == {
        "merge.local_engines": 4,
        "weaver.local_engines": 2,
        "merge.expected_remote_engines": -1,
        "cleanup.enabled": True,
        "cleanup.database": False,
        "cleanup.cron": parse_cron("0 0 2 ? * 1"),
        "database.url": JdbcUrl("mysql", "db1", 3306, "objectiflune", ()),
        "database.user": "olconnect",
        "master.location": HostPort("connect-m1", 9340),
    }
    engines = found["merge.local_engines"]
    assert engines == Setting(
        "merge.local_engines",
        "4",
        4,
        Location(P, 1, 1),
        Location(P, 1, 23, 1, 24),
        "prefs",
        "merge.local_engines",
    )
    assert found["cleanup.cron"].raw == "0 0 2 ? * 1  "


def test_key_map_and_the_last_file_wins() -> None:
    first = prefs("engines.local=2\ncleanup.enabled=true\n", "a.prefs")
    second = prefs("engines.local=3\n", "b.prefs")
    found, problems_ = resolve_settings(
        [first, second], {"merge.local_engines": "engines.local"}, {}
    )
    assert problems_ == []
    assert found["merge.local_engines"].value == 3
    assert found["merge.local_engines"].location == Location("b.prefs", 1, 1)
    assert found["cleanup.enabled"].location == Location("a.prefs", 2, 1)
    assert "merge.expected_remote_engines" not in found


def test_inline_values_override_prefs() -> None:
    where = Location("cluster.yaml", 12, 30)
    found, problems_ = resolve_settings(
        [prefs("merge.local_engines=2\ncleanup.enabled=false\n")],
        {},
        {
            "merge.local_engines": (6, where),
            "cleanup.enabled": (True, where.at_line(13, 26)),
            "weaver.local_engines": ("3", where.at_line(14, 27)),
            "cleanup.cron": ("0 30 1 * * ?", where.at_line(15, 19)),
        },
    )
    assert problems_ == []
    assert found["merge.local_engines"] == Setting(
        "merge.local_engines", "6", 6, where, where, "inline", "merge.local_engines"
    )
    assert found["cleanup.enabled"].value is True
    assert found["cleanup.enabled"].raw == "true"
    assert found["weaver.local_engines"].value == 3
    assert found["cleanup.cron"].value == parse_cron("0 30 1 * * ?")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("merge.local_engines", "four", "merge.local_engines: 'four' is not an integer"),
        ("merge.local_engines", "4.0", "merge.local_engines: '4.0' is not an integer"),
        ("merge.local_engines", "", "merge.local_engines: '' is not an integer"),
        ("weaver.local_engines", "٣", "weaver.local_engines: '٣' is not an integer"),
        ("cleanup.enabled", "yes", "cleanup.enabled: 'yes' is not a boolean (true or false)"),
        ("cleanup.files", "1", "cleanup.files: '1' is not a boolean (true or false)"),
        ("cleanup.cron", "   ", "cleanup.cron: the cron expression is empty"),
        (
            "database.url",
            "jdbc:postgresql://db/x",
            "database.url: 'jdbc:postgresql://db/x' is not a MySQL or MariaDB JDBC URL "
            "(expected jdbc:mysql://host:port/schema or jdbc:mariadb://...)",
        ),
        (
            "master.location",
            "connect-m1:93400",
            "master.location: 'connect-m1:93400': port 93400 is not between 1 and 65535",
        ),
    ],
)
def test_wrong_types_are_olc005_at_the_value(name: str, text: str, message: str) -> None:
    found, problems_ = resolve_settings([prefs(f"# x\n{name}={text}\n")], {}, {})
    assert [(f.rule, f.level, f.message, f.location, f.subject) for f in problems_] == [
        ("OLC005", Level.ERROR, message, found[name].value_location, name)
    ]
    assert found[name].value is None
    assert found[name].location == Location(P, 2, 1)
    assert problems_[0].location.line == 2


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("merge.local_engines", 4.0, "merge.local_engines: '4.0' is not an integer"),
        ("merge.local_engines", True, "merge.local_engines: 'true' is not an integer"),
        ("cleanup.enabled", 1, "cleanup.enabled: '1' is not a boolean (true or false)"),
        ("cleanup.cron", 5, "cleanup.cron: '5' is not a text value"),
        ("database.user", None, "database.user: '' is not a text value"),
    ],
)
def test_wrong_inline_types(name: str, value: object, message: str) -> None:
    where = Location("cluster.yaml", 9, 24)
    found, problems_ = resolve_settings([], {}, {name: (value, where)})
    assert [(f.rule, f.message, f.location) for f in problems_] == [("OLC005", message, where)]
    assert found[name].value is None
    assert found[name].source == "inline"


def test_inline_string_setting_accepts_an_int() -> None:
    found, _ = resolve_settings([], {}, {"database.user": (1234, Location("c.yaml", 3, 9))})
    assert found["database.user"].value == "1234"


def test_secret_key_mapped_to_a_setting_stays_redacted() -> None:
    found, _ = resolve_settings(
        [prefs("db.user.password=abc\n")], {"database.user": "db.user.password"}, {}
    )
    assert found["database.user"].raw == REDACTED
    assert "abc" not in repr(found)


def test_jdbc_password_in_the_url_never_reaches_a_setting() -> None:
    found, _ = resolve_settings(
        [prefs("database.url=jdbc:mariadb://ol:pw9@db/objectiflune?password=pw8\n")], {}, {}
    )
    url = found["database.url"].value
    assert url == JdbcUrl("mariadb", "db", None, "objectiflune", (("password", REDACTED),))
    assert "pw9" not in repr(found)
    assert "pw8" not in repr(found)


# -- JDBC URLs and host:port -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "jdbc:mysql://host:3306/objectiflune?useSSL=false",
            JdbcUrl("mysql", "host", 3306, "objectiflune", (("useSSL", "false"),)),
        ),
        (
            "jdbc:mariadb://db.example.com/olconnect",
            JdbcUrl("mariadb", "db.example.com", None, "olconnect", ()),
        ),
        ("jdbc:mysql://[fe80::1]:3306/db", JdbcUrl("mysql", "fe80::1", 3306, "db", ())),
        ("jdbc:mysql://[::1]/db", JdbcUrl("mysql", "::1", None, "db", ())),
        ("jdbc:mysql://10.0.0.5", JdbcUrl("mysql", "10.0.0.5", None, None, ())),
        ("jdbc:mysql://10.0.0.5:3307/", JdbcUrl("mysql", "10.0.0.5", 3307, None, ())),
        ("  jdbc:mysql://h:65535/x  ", JdbcUrl("mysql", "h", 65535, "x", ())),
        ("jdbc:mysql:///objectiflune", JdbcUrl("mysql", "localhost", None, "objectiflune", ())),
        (
            "jdbc:mysql://user:pa@ss@db1:3306/objectiflune",
            JdbcUrl("mysql", "db1", 3306, "objectiflune", ()),
        ),
        (
            "jdbc:mysql://db1:3306,db2:3307/objectiflune",
            JdbcUrl("mysql", "db1", 3306, "objectiflune", (), (HostPort("db2", 3307),)),
        ),
        (
            "jdbc:mariadb:failover://db1,[::2]/x?user=ol&pwd=z&a",
            JdbcUrl(
                "mariadb",
                "db1",
                None,
                "x",
                (("user", "ol"), ("pwd", REDACTED), ("a", "")),
                (HostPort("::2", None),),
            ),
        ),
        ("jdbc:mysql://h/my%20db", JdbcUrl("mysql", "h", None, "my db", ())),
    ],
)
def test_parse_jdbc_url(text: str, expected: JdbcUrl) -> None:
    assert parse_jdbc_url(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "'' is not a MySQL or MariaDB JDBC URL"),
        ("mysql://h/db", "'mysql://h/db' is not a MySQL or MariaDB JDBC URL"),
        ("JDBC:MYSQL://h/db", "'JDBC:MYSQL://h/db' is not a MySQL or MariaDB JDBC URL"),
        ("jdbc:mysql://h:0/db", "'jdbc:mysql://h:0/db': port 0 is not between 1 and 65535"),
        (
            "jdbc:mysql://h:65536/db",
            "'jdbc:mysql://h:65536/db': port 65536 is not between 1 and 65535",
        ),
        ("jdbc:mysql://h:/db", "'jdbc:mysql://h:/db' has an empty port after ':'"),
        ("jdbc:mysql://h:33o6/db", "'jdbc:mysql://h:33o6/db': port '33o6' is not a number"),
        (
            "jdbc:mysql://fe80::1:3306/db",
            "'jdbc:mysql://fe80::1:3306/db': an IPv6 address must be written in brackets, "
            "as [::1]:3306",
        ),
        (
            "jdbc:mysql://[zz]:3306/db",
            "'jdbc:mysql://[zz]:3306/db': 'zz' in brackets is not an IPv6 address",
        ),
        ("jdbc:mysql://[::1:3306/db", "'jdbc:mysql://[::1:3306/db': '[' without a closing ']'"),
        ("jdbc:mysql://d b/x", "'jdbc:mysql://d b/x': the host part contains a space"),
        ("jdbc:mysql://h_!/x", "'jdbc:mysql://h_!/x': 'h_!' is not a valid host name or address"),
        ("jdbc:mysql://a,,b/x", "'jdbc:mysql://a,,b/x': empty host in the host list"),
        (
            "jdbc:mysql://(host=a,port=1)/x",
            "'jdbc:mysql://(host=a,port=1)/x': the (host=...,port=...) host form is not "
            "supported; write host:port",
        ),
    ],
)
def test_parse_jdbc_url_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_jdbc_url(text)
    assert str(caught.value).startswith(message)


def test_jdbc_error_messages_never_show_a_password() -> None:
    with pytest.raises(ValueError) as caught:
        parse_jdbc_url("jdbc:mysql://ol:hunter2@h:0/x?password=hunter3")
    assert "hunter" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("connect-m1:9340", HostPort("connect-m1", 9340)),
        ("[::1]:9340", HostPort("::1", 9340)),
        ("10.0.0.1", HostPort("10.0.0.1", None)),
        (" 10.0.0.1:9340 ", HostPort("10.0.0.1", 9340)),
        ("::1", HostPort("::1", None)),
        ("http://connect-m1:9340/", HostPort("connect-m1", 9340)),
        ("CONNECT-M1.corp.local:1", HostPort("CONNECT-M1.corp.local", 1)),
    ],
)
def test_parse_host_port(text: str, expected: HostPort) -> None:
    assert parse_host_port(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the value is empty; expected host:port, as connect-m1:9340"),
        ("m1:0", "'m1:0': port 0 is not between 1 and 65535"),
        ("m1:70000", "'m1:70000': port 70000 is not between 1 and 65535"),
        ("m1:", "'m1:' has an empty port after ':'"),
        (":9340", "':9340' names no host"),
        ("m1 :9340", "'m1 :9340' is not host:port (as connect-m1:9340)"),
        ("fe80::1:x", "'fe80::1:x': an IPv6 address must be written in brackets, as [::1]:3306"),
        ("[::1]9340", "'[::1]9340': unexpected '9340' after ']'"),
    ],
)
def test_parse_host_port_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_host_port(text)
    assert str(caught.value) == message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_value_parsers_raise_only_value_error(text: str) -> None:
    for parse in (parse_jdbc_url, parse_host_port):
        with contextlib.suppress(ValueError):
            parse(text)
    for prefix in ("jdbc:mysql://", "jdbc:mariadb://"):
        try:
            result = parse_jdbc_url(prefix + text)
        except ValueError:
            continue
        assert result.port is None or 1 <= result.port <= 65535
