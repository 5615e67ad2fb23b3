"""The grants reader against its previous implementation (tests/grants_reference.py).

The reader reads the common statement shapes by a shortcut and everything else with the
full lexer and parser; both must give exactly what the previous reader gave: accounts,
roles, statements with their locations and redacted texts, findings with their
locations, secret spans, and the lines kept for snippets. Compared on every grants file
of the fixtures, on generated files of the shapes the shortcut reads (with names chosen
to trip the redaction) and on mutations of them.
"""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from olclint.readers import grants as new
from olclint.readers.workspace import Workspace
from tests import grants_reference as ref

FIXTURES = Path(__file__).parent / "fixtures"
REL = "m1/grants.sql"
SERVERS = [(None, None), ("mariadb", (10, 11, 6)), ("mysql", (8, 0, 36)), ("mysql", (5, 7))]


def plain(value: object) -> object:
    """Dataclasses as (class name, compared fields): the two modules' classes differ."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (f.name for f in dataclasses.fields(value) if f.compare)
        return (type(value).__name__, *(plain(getattr(value, name)) for name in fields))
    if isinstance(value, tuple | list):
        return tuple(plain(v) for v in value)
    if isinstance(value, frozenset | set):
        return frozenset(plain(v) for v in value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def assert_same(text: str, bad: tuple[int, ...] = (), servers=SERVERS) -> None:
    for engine, version in servers:
        got = new.parse_grants_text(text, REL, bad, engine, version)
        want = ref.parse_grants_text(text, REL, bad, engine, version)
        assert plain(got) == plain(want), (engine, version)


def assert_same_file(tmp_path: Path, data: bytes) -> None:
    assert new.decode_grants(data) == ref.decode_grants(data)
    folder = tmp_path / "m1"
    folder.mkdir(exist_ok=True)
    path = folder / "grants.sql"
    path.write_bytes(data)
    ws_new, ws_ref = Workspace(tmp_path), Workspace(tmp_path)
    got, want = new.read_grants(ws_new, path), ref.read_grants(ws_ref, path)
    assert plain(got) == plain(want)
    assert ws_new.sources == ws_ref.sources


def _fixture_files() -> list[Path]:
    found = [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix == ".sql"]
    found += sorted((FIXTURES / "readers").glob("grants*"))
    return sorted(set(found))


def test_the_fixtures_hold_grants_files() -> None:
    assert len(_fixture_files()) >= 40


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_file_reads_as_before(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    assert_same_file(tmp_path, data)
    text, bad, _ = new.decode_grants(data)
    assert_same(text, bad)


# -- generated files --------------------------------------------------------------------------

# names that trip the redaction (a name ending in BY/AS/USING before a quote, `//`, a
# secret word with `:`), the lexer (quotes, backslashes, comments, non-ASCII that upper-cases
# to ASCII) or the parser (keywords as names)
_NAMES = [
    "", "u", "olconnect", "pad000001", "AS", "by", "x.using", "a-As", "x_by", "password",
    "pass:1", "a//b", "%", "10.20.0.%", "10.20.0.0/255.255.0.0", "::1", "fe80::1%eth0",
    "localhost", "LocalHost", "é", "ſhow", "ı", "a'b", "a\\'b", "a''b", "a\"b", "a`b", "a b",
    "#", "-- x", "/*", "*/", "x;y", "token:x", "@", "=", "TO", "ON", "secret", "x\ny",
]  # fmt: skip
_PRIVS = [
    "SELECT", "ALL", "ALL PRIVILEGES", "SELECT, INSERT, UPDATE, DELETE", "SELECT,LOCK TABLES",
    "USAGE", "select", "CREATE TEMPORARY TABLES", "PROXY", "EXECUTE", "SELECT (a, b)",
    "GRANT OPTION", "REPLICATION SLAVE", "BY", "PASSWORD", "AS", "foo", "SHOW VIEW, EVENT",
]  # fmt: skip
_DATABASES = [
    "*", "objectiflune", "`objectiflune`", "obj%", "`obj\\_lune`", "db", "TABLE", "function",
    "AS", "by", "`a``b`", "'db'", "PACKAGE", "$x", "0x41", "é", "10",
]  # fmt: skip
_TABLES = ["*", "*", "*", "t", "`t`", "AS"]
_QUOTES = ["'", "'", "'", "`", '"', ""]
_PASSWORDS = ["secret-1", "", "0x", "0X", "pw-7", "a\\'b", "x;y", "*ABCDEF0123", "p@ss//w:d"]
_SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", " /* c */ "]
_ENDS = [";", ";", ";", " ;", ";\t", "", ";;", "; -- done", "; # x", ";/*x*/"]
_BREAKS = ["\n", "\n", "\n", "\r\n", "\r", "\n\n", " ", "\n  ", "\n-- note\n"]
_OTHERS = [
    "SHOW GRANTS FOR 'u'@'%'", "FLUSH PRIVILEGES", "USE objectiflune", "DROP USER 'u'@'%'",
    "REVOKE SELECT ON objectiflune.* FROM 'u'@'%'", "RENAME USER 'u'@'%' TO 'v'@'%'",
    "SET PASSWORD FOR 'u'@'%' = PASSWORD('pw')", "CREATE ROLE r", "GRANT r TO 'u'@'%'",
    "ALTER USER 'u'@'%' ACCOUNT LOCK", "GRANT PROXY ON ''@'' TO 'u'@'%'", "garbage here",
    "GRANT ALL ON objectiflune.* TO 'u'@'%' IDENTIFIED BY 'pw'", "/*!80001 GRANT", "*/",
    "CREATE USER u@h IDENTIFIED BY PASSWORD '*AB'", "GRANT SELECT ON t TO u", "'",
    "+------+", "| GRANT USAGE ON *.* TO `u`@`%` |", "Grants for u@%", "/*M!100101 x */",
]  # fmt: skip


def _quoted(q: str, name: str) -> str:
    if not q:
        return name
    return q + name.replace(q, q + q) + q


_name = st.tuples(st.sampled_from(_QUOTES), st.sampled_from(_NAMES))
_account = st.builds(
    lambda u, h, at: _quoted(*u) + ("@" + _quoted(*h) if at else ""), _name, _name, st.booleans()
)


def _case(text: str, style: int) -> str:
    return text if style == 0 else text.lower() if style == 1 else text.title()


@st.composite
def _create(draw: st.DrawFn) -> str:
    sp = draw(st.sampled_from(_SPACES))
    case = draw(st.integers(0, 2))
    head = _case("CREATE USER", case).replace(" ", sp)
    out = f"{head}{sp}{draw(_account)}"
    if draw(st.integers(0, 4)):
        q = draw(st.sampled_from(["'", "'", '"']))
        out += f"{sp}{_case('IDENTIFIED BY', case)}{sp}{q}{draw(st.sampled_from(_PASSWORDS))}{q}"
    return out


@st.composite
def _grant(draw: st.DrawFn) -> str:
    sp = draw(st.sampled_from(_SPACES))
    case = draw(st.integers(0, 2))
    privs = draw(st.sampled_from(_PRIVS))
    level = draw(st.sampled_from(_DATABASES)) + "." + draw(st.sampled_from(_TABLES))
    if not draw(st.integers(0, 9)):
        level = draw(st.sampled_from(_DATABASES))
    out = f"{_case('GRANT', case)}{sp}{_case(privs, case)}{sp}ON{sp}{level}{sp}TO{sp}"
    out += draw(_account)
    if not draw(st.integers(0, 3)):
        out += f"{sp}{_case('WITH GRANT OPTION', case)}"
    if not draw(st.integers(0, 9)):
        out += f", {draw(_account)}"
    return out


_statement = st.one_of(_create(), _grant(), _create(), _grant(), st.sampled_from(_OTHERS))


@st.composite
def _file(draw: st.DrawFn) -> str:
    parts = []
    for statement in draw(st.lists(_statement, max_size=12)):
        parts.append(statement + draw(st.sampled_from(_ENDS)) + draw(st.sampled_from(_BREAKS)))
    return "".join(parts)


_INSERTS = ["'", '"', "`", ";", "\n", "\r", "/*", "*/", "--", "\\", "@", "\x0b", "\x85", "\u2028"]


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = draw(_file())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.integers(0, 2))
        if kind == 0:  # delete a slice
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif kind == 1:  # insert a piece
            piece = draw(st.sampled_from(_INSERTS))
            text = text[:at] + piece + text[at:]
        else:  # insert another statement
            text = text[:at] + draw(_statement) + text[at:]
    return text


def _examples(count: int) -> settings:
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_FAST = (
    "CREATE USER 'u'@'h' IDENTIFIED BY 'pw';\n"
    "GRANT SELECT, LOCK TABLES ON objectiflune.* TO 'u'@'h';\n"
    "GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' WITH GRANT OPTION;\n"
)


@_examples(600)
@given(_file())
@example(_FAST)
@example("CREATE USER 'AS'@'h' IDENTIFIED BY 'pw';\n")
@example("CREATE USER 'u'@'x.by' IDENTIFIED BY 'pw';\n")
@example("CREATE USER 'pass'@'::1' IDENTIFIED BY 'pw';\n")
@example("CREATE USER 'u'@'a//b' IDENTIFIED BY 'pw';\n")
@example("GRANT SELECT ON db.* TO 'u'@'h'\nGRANT SELECT ON db.* TO 'v'@'h'\n")
@example("GRANT SELECT ON TABLE.* TO 'u'@'h';")
@example("CREATE USER 'u'@'h' IDENTIFIED BY '0x';")
def test_generated_files_read_as_before(text: str) -> None:
    assert_same(text)


@_examples(600)
@given(_mutated())
def test_mutated_files_read_as_before(text: str) -> None:
    assert_same(text)


@_examples(200)
@given(st.lists(st.sampled_from(_NAMES + _OTHERS + _PRIVS + ["'", ";", "\n"]), max_size=40))
def test_soup_reads_as_before(pieces: list[str]) -> None:
    assert_same(" ".join(pieces))
    assert_same("".join(pieces))


# the lexer's pieces: quotes, escapes, comments of every kind, white space a word may hold
_CHARACTERS = [
    *"'\"`\\;@=()*/-#.,%_ \t\n\rxXaA0", "\x0b", "\x85", "\xa0", "\u2028", "é", "--", "/*",
    "*/", "/*!", "/*M!100101", "/*!50700", "/*!80001", "''", '""', "``", "\\'", "BY", "AS",
    "USING", "PASSWORD", "RANDOM", "GRANT", "CREATE USER", "ON", "TO", "IDENTIFIED", "0x1f",
    "SELECT", "ALL", "db.*", "u@h", "'u'@'h'", "\\n", "\\Z", "\\%",
]  # fmt: skip


@_examples(600)
@given(st.lists(st.sampled_from(_CHARACTERS), max_size=60).map("".join))
@example("\n")
@example("x \xa0")
@example("'a\\")
@example("`a``")
@example("/*!80001 GRANT ALL ON *.* TO u; */ x */*")
def test_character_soup_reads_as_before(text: str) -> None:
    assert_same(text)


@_examples(150)
@given(
    _file(),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
    st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=3)), max_size=3),
)
def test_files_with_odd_bytes_read_as_before(
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    bom: bytes,
    inserts: list[tuple[int, bytes]],
) -> None:
    data = bom + (text.encode("utf-16-le") if bom == b"\xff\xfe" else text.encode())
    for at, piece in inserts:
        at %= len(data) + 1
        data = data[:at] + piece + data[at:]
    assert_same_file(tmp_path_factory.mktemp("grants"), data)


def test_more_findings_than_kept_read_as_before() -> None:
    text = "".join(
        f"GRANT SELECT ON db.* TO 'u{n}'@'h';\nnonsense {n};\n"
        f"CREATE USER 'v{n}'@'%' IDENTIFIED BY 'pw{n}';\n"
        for n in range(1_100)
    )
    assert_same(text, servers=SERVERS[:1])
    got = new.parse_grants_text(text, REL)
    assert got.diagnostics[-1].message.endswith("; 100 more were not reported")
    assert len(got.accounts) == 2_200


def test_the_common_shapes_take_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    # what the benchmark's files are made of never reaches the lexer
    def lexed(*args: object) -> None:
        raise AssertionError("lexed")

    monkeypatch.setattr(new, "_lex", lexed)
    text = (
        "-- SHOW GRANTS\n"
        + _FAST
        + (
            "CREATE USER `olconnect`@`10.20.0.%` IDENTIFIED BY PASSWORD '*0123ABCD';\n"
            "GRANT USAGE ON *.* TO `olconnect`@`10.20.0.%` IDENTIFIED BY PASSWORD '*0123ABCD'\n"
            "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'olconnect'@'10.20.0.0/255.255.0.0'\r\n"
        )
    )
    parsed = new.parse_grants_text(text, REL)
    assert [s.kind for s in parsed.statements] == ["CREATE USER"] + ["GRANT"] * 2 + [
        "CREATE USER",
        "GRANT",
        "GRANT",
    ]
    assert plain(parsed) == plain(ref.parse_grants_text(text, REL))
