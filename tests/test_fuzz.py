"""Property tests: every parser takes any input and returns its own diagnostics, never an
exception; the SARIF of a run over generated inputs is valid against the official schema.

Examples are bounded so the whole file runs in well under a minute on a 2-core machine;
the atheris harnesses in `fuzz/` explore further by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olclint.cli.main import main
from olclint.core.findings import Finding, Level

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SLOW = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _lines(text: str) -> int:
    return max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))


def _sound(findings, path: str, text: str, rules: set[str]) -> None:
    """Diagnostics are findings of the reader's own rules, at places inside the file."""
    limit = _lines(text) + 1
    for f in findings:
        assert isinstance(f, Finding)
        assert f.rule in rules, f
        assert isinstance(f.level, Level)
        if f.location is not None and f.location.path == path:
            assert 1 <= f.location.line <= limit, f
            assert f.location.column >= 1, f


# -- option files ---------------------------------------------------------------------------

_OPTION_PIECES = st.sampled_from(
    [
        "[mysqld]",
        "[client]",
        "[ mysqld ]",
        "[mysqld",
        "port=3306",
        "bind-address = 0.0.0.0 # c",
        "password=x",
        "password hunter2",
        "skip-networking",
        "loose_bind_address='127.0.0.1'",
        "tmpdir=C:\\temp\\new",
        "!include x.cnf",
        "!includedir d",
        "!include",
        "!unknown",
        "# comment",
        "; comment",
        "=",
        "\x00",
        "\ufeff",
        "é",
        "\\",
        '"',
        "'",
        "",
    ]
)
option_texts = st.one_of(
    st.text(max_size=300),
    st.lists(_OPTION_PIECES, max_size=30).map("\n".join),
    st.lists(_OPTION_PIECES, max_size=30).map("\r\n".join),
)


@SETTINGS
@given(option_texts)
def test_option_file_text(text: str) -> None:
    from olclint.readers.optionfile import parse_option_text

    parsed = parse_option_text(text, "my.cnf")
    _sound(parsed.diagnostics, "my.cnf", text, {"OLC003", "OLC004", "OLC006"})
    for option in parsed.options:
        assert option.location.path == "my.cnf"


@SETTINGS
@given(st.binary(max_size=600))
def test_option_file_bytes(data: bytes) -> None:
    from olclint.readers.optionfile import parse_option_text

    parsed = parse_option_text(data, "my.cnf")
    for f in parsed.diagnostics:
        assert f.rule in {"OLC003", "OLC004", "OLC006"}


@SLOW
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d/e"]), option_texts), max_size=5))
def test_option_files_with_includes_on_disk(tmp_path_factory, files) -> None:
    from olclint.readers.optionfile import read_option_file
    from olclint.readers.workspace import Workspace

    root = tmp_path_factory.mktemp("opt")
    (root / "d").mkdir()
    (root / "my.ini").write_text(
        "[mysqld]\n!include a.cnf\n!includedir d\n!include b.cnf\n", encoding="utf-8"
    )
    for name, text in files:
        (root / f"{name}.cnf").write_text(
            text + "\n!include ../a.cnf\n!include c.cnf\n", encoding="utf-8", errors="replace"
        )
    parsed = read_option_file(Workspace(root), root / "my.ini")
    assert {f.rule for f in parsed.diagnostics} <= {"OLC002", "OLC003", "OLC004", "OLC006"}


# -- .prefs ---------------------------------------------------------------------------------

_PREFS_PIECES = st.sampled_from(
    [
        "merge.local_engines=2",
        "database.password=x",
        "database.url=jdbc:mysql://u:p@h:3306/db?password=p",
        "key\\",
        "  continued",
        "a\\u00e9=b",
        "bad\\u12=x",
        "# c",
        "! c",
        "k : v",
        "k v",
        "\\",
        "=",
        "\t\f",
        "",
    ]
)
prefs_texts = st.one_of(
    st.text(max_size=300),
    st.lists(_PREFS_PIECES, max_size=30).map("\n".join),
    st.lists(_PREFS_PIECES, max_size=30).map("\r".join),
)


@SETTINGS
@given(prefs_texts)
def test_prefs_text(text: str) -> None:
    from olclint.readers.prefs import parse_prefs_text

    parsed = parse_prefs_text(text, "a.prefs")
    _sound(parsed.diagnostics, "a.prefs", text, {"OLC005"})
    for prop in parsed.properties:
        if prop.secret:
            assert prop.value == "********"


@SETTINGS
@given(st.text(max_size=120))
def test_setting_values(text: str) -> None:
    from olclint.domain.connect import parse_host_port, parse_jdbc_url

    for parse in (parse_jdbc_url, parse_host_port):
        with contextlib.suppress(ValueError):  # our own message for the user
            parse(text)


@SETTINGS
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(
                [
                    *("0", "*", "?", "L", "W", "LW", "L-3", "5L", "2#3", "1-5", "*/15"),
                    *("MON-FRI", "JAN", "1,2", "99", "-", "/", "#", ",", "3W", "2099"),
                ]
            ),
            min_size=5,
            max_size=8,
        ).map(" ".join),
    )
)
def test_cron(text: str) -> None:
    from olclint.domain.quartz import CronError, parse_cron

    try:
        expr = parse_cron(text)
    except CronError:
        return  # our own error, which the .prefs reader turns into OLC005
    days = list(expr.fire_days(dt.date(2026, 1, 1), dt.date(2026, 3, 1)))
    assert all(expr.fires_on(day) for day in days)


# -- grants ---------------------------------------------------------------------------------

_GRANT_PIECES = st.sampled_from(
    [
        "CREATE USER 'a'@'%' IDENTIFIED BY 'x';",
        "GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'192.168.%' IDENTIFIED BY 'p';",
        "GRANT SELECT ON `db`.`t` TO a@localhost;",
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'a'@'%';",
        "DROP USER IF EXISTS a;",
        "RENAME USER a TO b;",
        "SET PASSWORD FOR a = PASSWORD('x');",
        "USE db;",
        "/* c */",
        "/*! GRANT */",
        "-- c",
        "# c",
        "'",
        '"',
        "`",
        ";",
        "GRANT",
        "ON",
        "TO",
        "@",
        "+-----+",
        "| Grants for a@% |",
        "1 row in set (0.00 sec)",
        "\\",
        "",
    ]
)
grants_texts = st.one_of(
    st.text(max_size=300),
    st.lists(_GRANT_PIECES, max_size=25).map("\n".join),
    st.lists(_GRANT_PIECES, max_size=25).map(" ".join),
)


@SETTINGS
@given(grants_texts)
def test_grants_text(text: str) -> None:
    from olclint.readers.grants import parse_grants_text

    parsed = parse_grants_text(text, "grants.sql")
    _sound(parsed.diagnostics, "grants.sql", text, {"OLC005"})


@SETTINGS
@given(st.binary(max_size=400))
def test_grants_bytes(data: bytes) -> None:
    from olclint.readers.grants import decode_grants, parse_grants_text

    text, bad, _ = decode_grants(data)
    parsed = parse_grants_text(text, "grants.sql", bad)
    assert {f.rule for f in parsed.diagnostics} <= {"OLC005"}


# -- cluster.yaml ---------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(["1", "mysql", "mariadb", "m", "e", "master", "extension", "slave"]),
    st.sampled_from(["10.0.0.1", "::1", "10.0.0.0/24", "30m", "2027-13-01", "Europe/Paris"]),
    st.text(max_size=8),
)
_KEYS = [
    "version",
    "name",
    "connect_version",
    "database",
    "nodes",
    "networks",
    "routes",
    "cleanup",
    "preference_keys",
    "engine",
    "node",
    "external",
    "port",
    "schema",
    "user",
    "option_file",
    "grants",
    "role",
    "address",
    "hostname",
    "timezone",
    "license",
    "edition",
    "expires",
    "preferences",
    "settings",
    "cidr",
    "from",
    "to",
    "ports",
    "expected_duration",
    "merge.local_engines",
    "unknown",
]
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4),
    ),
    max_leaves=12,
)


def _valid_base() -> dict:
    return {
        "version": 1,
        "name": "c",
        "database": {"node": "m", "option_file": "m/my.ini", "grants": "m/grants.sql"},
        "nodes": [
            {"name": "m", "role": "master", "address": "10.0.0.1", "preferences": "m"},
            {"name": "e", "role": "extension", "address": "10.0.0.2"},
        ],
    }


def _holders(doc: dict) -> list[dict]:
    """The mappings of a document that a change may go into."""
    found = [doc]
    if isinstance(doc.get("database"), dict):
        found.append(doc["database"])
    if isinstance(doc.get("nodes"), list):
        found += [n for n in doc["nodes"] if isinstance(n, dict)]
    return found


@st.composite
def cluster_docs(draw) -> dict:
    """A valid cluster with a few values replaced by anything."""
    doc = _valid_base()
    for _ in range(draw(st.integers(0, 4))):
        holder = draw(st.sampled_from(_holders(doc)))
        holder[draw(st.sampled_from(_KEYS))] = draw(_values)
    return doc


def _repo(root: Path, doc: object, my_ini: str, grants: str, prefs: str) -> None:
    import yaml

    (root / ".git").mkdir(exist_ok=True)
    (root / "m").mkdir(exist_ok=True)
    (root / "cluster.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (root / "m" / "my.ini").write_text(my_ini, encoding="utf-8", errors="surrogateescape")
    (root / "m" / "grants.sql").write_text(grants, encoding="utf-8", errors="surrogateescape")
    (root / "m" / "a.prefs").write_text(prefs, encoding="latin-1", errors="replace")


@SLOW
@given(cluster_docs(), option_texts, grants_texts, prefs_texts)
def test_build_cluster_on_generated_yaml(tmp_path_factory, doc, my_ini, grants, prefs) -> None:
    from olclint.engine.runner import run_rules
    from olclint.model.build import build_cluster
    from olclint.readers.workspace import Workspace
    from olclint.rules import all_rules

    root = tmp_path_factory.mktemp("c")
    _repo(root, doc, my_ini, grants, prefs)
    ws = Workspace(root)
    cluster = build_cluster(ws, root / "cluster.yaml")
    assert {f.rule for f in cluster.diagnostics} <= {f"OLC00{n}" for n in range(1, 8)}
    result = run_rules(cluster, all_rules(), dt.date(2026, 1, 1))
    assert result.notifications == (), [n.message for n in result.notifications]


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_as_cluster_yaml(text: str) -> None:
    from olclint.readers.yamlpos import load_yaml

    doc, findings = load_yaml(text, "cluster.yaml")
    assert {f.rule for f in findings} <= {"OLC001"}
    if doc is None:
        assert findings


@SLOW
@given(cluster_docs(), option_texts, grants_texts, prefs_texts)
def test_sarif_of_a_run_over_generated_inputs_is_valid(
    tmp_path_factory, capsys, doc, my_ini, grants, prefs
) -> None:
    from sarif_oracle import validate_schema

    root = tmp_path_factory.mktemp("s")
    _repo(root, doc, my_ini, grants, prefs)
    capsys.readouterr()
    code = main(
        ["check", str(root), "--root", str(root), "--format", "sarif", "--today", "2026-01-01"]
    )
    out = capsys.readouterr().out
    sarif = json.loads(out)
    validate_schema(sarif)
    run = sarif["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True, run["invocations"]
    assert code in (0, 1)
