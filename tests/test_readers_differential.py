"""The one-pass readers against the step-by-step ones they replaced.

`tests/reference_optionfile.py`, `reference_prefs.py`, `reference_suppress.py` and
`reference_remember.py` are the implementations before the rewrite. Each reader here must
give exactly what its reference gives: every option, group, property, value, location,
finding and secret span, the remembered (redacted) lines and the inline suppressions, on
every fixture file and on generated and mutated inputs.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olclint.filter import suppress
from olclint.readers import optionfile, prefs
from olclint.readers.bulk import Rows
from olclint.readers.workspace import Workspace
from tests import reference_optionfile, reference_prefs, reference_suppress
from tests.reference_remember import remembered

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = [ROOT / "tests" / "fixtures", ROOT / "examples"]


def _files(*suffixes: str) -> list[Path]:
    found = {p for top in FIXTURES for s in suffixes for p in top.rglob(f"*{s}") if p.is_file()}
    return sorted(found)


OPTION_FILES = _files(".ini", ".cnf")
PREFS_FILES = _files(".prefs")


def _plain(value: object) -> object:
    if isinstance(value, optionfile.OptionFile):  # its entries are built when asked for
        return (
            dataclasses.astuple(dataclasses.replace(value, option_rows=None, group_rows=None)),
            [dataclasses.asdict(o) for o in value.options],
            [dataclasses.asdict(g) for g in value.groups],
        )
    if isinstance(value, prefs.PrefsFile):
        return (
            dataclasses.astuple(dataclasses.replace(value, property_rows=None)),
            [dataclasses.asdict(p) for p in value.properties],
        )
    return dataclasses.asdict(value)


_GROUP_SETS = [("mysqld", "server"), ("client",), ("MYSQLD", "g", "mysqld-8.0"), ()]


def _same_option_text(data: bytes, rel: str = "my.cnf") -> None:
    new = optionfile.parse_option_text(data, rel)
    old = reference_optionfile.parse_option_text(data, rel)
    # what the model asks first, before any option is built
    assert new.secret_options() == tuple(o for o in old.options if o.secret and not o.empty)
    for groups in _GROUP_SETS:
        keys = {optionfile.group_key(g) for g in groups}
        assert new.options_for(groups) == tuple(o for o in old.options if o.group in keys)
        assert new.last("port", groups) == old.last("port", groups)
    assert _plain(new) == _plain(old)
    assert new == old and hash(new) == hash(old)


def _same_prefs_text(text: str, rel: str = "x.prefs") -> None:
    new = prefs.parse_prefs_text(text, rel)
    old = reference_prefs.parse_prefs_text(text, rel)
    # what the model asks first, before any property is built
    assert new.secret_properties() == tuple(
        p for p in old.properties if (p.secret and not p.empty) or p.url_password
    )
    assert set(new.keys()) == {p.key for p in old.properties}
    for prop in old.properties:
        assert new.get(prop.key) == old.get(prop.key)
    assert new.get("no such key") is None
    assert _plain(new) == _plain(old)
    assert new == old and hash(new) == hash(old)


def _remembered_as_before(text: str, *, lf_only: bool = False, secrets=()) -> None:
    ws = Workspace(Path("/"))
    ws.remember("f", text, lf_only=lf_only, secrets=secrets)
    assert ws.sources["f"] == remembered(text, lf_only=lf_only, secrets=secrets)


def _same_scan(lines: list[str]) -> None:
    for kind in (suppress.YAML, suppress.OPTION, suppress.PREFS, suppress.GRANTS):
        new = [dataclasses.astuple(s) for s in suppress.scan("f", lines, kind)]
        old = [dataclasses.astuple(s) for s in reference_suppress.scan("f", lines, kind)]
        assert new == old, kind


# -- every fixture file ------------------------------------------------------------------


def test_the_fixtures_hold_both_kinds() -> None:
    assert len(OPTION_FILES) > 50 and len(PREFS_FILES) > 30


@pytest.mark.parametrize("path", OPTION_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_option_fixture_reads_as_before(path: Path) -> None:
    data = path.read_bytes()
    _same_option_text(data)
    top = next(t for t in FIXTURES if path.is_relative_to(t))
    for exts in ((".cnf", ".ini"), (".cnf",)):
        ws_new, ws_old = Workspace(top), Workspace(top)
        new = optionfile.read_option_file(ws_new, path, include_exts=exts)
        old = reference_optionfile.read_option_file(ws_old, path, include_exts=exts)
        assert _plain(new) == _plain(old)
        assert ws_new.sources == ws_old.sources
    for rel, lines in ws_new.sources.items():
        raw = (top / rel).read_bytes()
        text = optionfile._file_text(raw, optionfile.codec_of(raw))
        assert lines == remembered(text, lf_only=True)
        _same_scan(lines)


@pytest.mark.parametrize("path", PREFS_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_prefs_fixture_reads_as_before(path: Path) -> None:
    text = path.read_bytes().decode("latin-1")
    _same_prefs_text(text)
    top = next(t for t in FIXTURES if path.is_relative_to(t))
    ws_new, ws_old = Workspace(top), Workspace(top)
    new = prefs.read_prefs(ws_new, path)
    old = reference_prefs.read_prefs(ws_old, path)
    assert _plain(new) == _plain(old)
    (lines,) = ws_new.sources.values()
    assert lines == remembered(text, secrets=old.secrets)
    _same_scan(lines)


# -- generated option files ------------------------------------------------------------

_NAMES = ["port", "bind-address", "Bind_Address", "password", "pwd", "x", "a.b", "loose-ssl"]
_VALUES = ["3306", "", "0.0.0.0", "a b", "é", "a\xa0", "x;y", "'q'", '"q"', "a\\tb", "a=b"]
_OPTION_PIECES = st.sampled_from(
    [
        "[client]",
        "[mysqld]",
        "[ mysqld ]",
        "[Client] # c",
        "[mysqld",
        "[]",
        "#",
        "; c",
        "# olclint: ignore[OLC101] r",
        "  # c",
        "",
        " ",
        "\t",
        "\r",
        "\x0b",
        "\0",
        "!include x.cnf",
        "!includedir d",
        "!include",
        "!other",
        "skip-name-resolve",
        "password",
        "password hunter2",
        "port = 3306 # c",
        "port=3306\r",
        'init = "a # b" # c',
        "x = \\",
        "=3306",
        "  =v",
        "port=3306 ; x",
        "p\xe9rt=1",
        "\xc3\xa0=\xc3\xa0",
        "\xff=\xfe",
        "tmp=C:\\\\dir",
        "# é",
        "x=1 # é",
    ]
)


@st.composite
def _option_lines(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            piece = draw(_OPTION_PIECES)
            lines.append(piece.encode("latin-1") if piece.isascii() else piece.encode("utf-8"))
        elif kind == 1:
            name = draw(st.sampled_from(_NAMES))
            value = draw(st.sampled_from(_VALUES))
            sep = draw(st.sampled_from(["=", " = ", "\t=", "= ", "=\t", " "]))
            tail = draw(st.sampled_from(["", " ", "\t", "\r", " # c", "#c", " \r"]))
            lead = draw(st.sampled_from(["", " ", "\t", "  "]))
            lines.append(f"{lead}{name}{sep}{value}{tail}".encode())
        elif kind == 2:
            lines.append(draw(st.binary(max_size=12)).replace(b"\n", b""))
        else:
            size = draw(st.sampled_from([4092, 4093, 4094, 4095, 4096, 8190]))
            head = draw(st.sampled_from([b"x=", b"# ", b"[g]", b" ", b"name"]))
            lines.append((head + b"v" * size)[:size])
    ending = draw(st.sampled_from([b"\n", b"\r\n"]))
    data = ending.join(lines)
    if lines and draw(st.booleans()):
        data += ending
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_option_lines(), st.booleans())
def test_generated_option_files_read_as_before(data: bytes, grouped: bool) -> None:
    if grouped:
        data = b"[mysqld]\n" + data
    _same_option_text(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_option_fixtures_read_as_before(data) -> None:
    path = data.draw(st.sampled_from(OPTION_FILES))
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        what = data.draw(st.integers(0, 2))
        if what == 0:
            bits = [b"\0", b"'", b'"', b"\\", b"#", b"\xa0", b"\n"]
            raw[at:at] = data.draw(st.sampled_from(bits))
        elif what == 1 and at < len(raw):
            del raw[at]
        else:
            raw[at:at] = data.draw(st.binary(max_size=4))
    _same_option_text(bytes(raw))


def test_encodings_read_as_before() -> None:
    text = "[mysqld]\nport=3306\n"
    for data in (
        text.encode("utf-16"),
        text.encode("utf-16-le"),
        b"\xef\xbb\xbf" + text.encode(),
        text.encode() + b"x=\x80\x81\x9d\n",
    ):
        _same_option_text(data)


# -- generated .prefs files --------------------------------------------------------------

_PREFS_PIECES = st.sampled_from(
    [
        "key=value",
        "key = value ",
        "key:value",
        "key value",
        "key",
        "key   ",
        "key==v",
        "key:=v",
        " \t\fkey\t=\tv",
        "# comment",
        "! comment",
        "  # c \\",
        "# olclint: ignore[OLC005] r",
        "",
        " ",
        "\f",
        "a=1 \\",
        "a=1 \\\\",
        "   continued",
        "b=\\u0041\\u00e9",
        "b=\\u00",
        "\\u00zz=1",
        "c=\\t\\n\\r\\f\\x",
        "k\\ ey=v",
        "k\\=ey=v",
        "password=hunter2",
        "db.password=",
        "pass\\word=x",
        "url=jdbc:mysql://u:secret@h:3306/s?x=1",
        "url=jdbc:mysql://h/s?password=x&a=b",
        "url=http\\://u\\:p@h",
        "x=\xe9\xff",
        "\ud800=1",
        "v=\\uD83D\\uDE00",
        "#!k=v",
        "!k=v",
    ]
)


@st.composite
def _prefs_text(draw) -> str:
    pieces = draw(st.lists(_PREFS_PIECES | st.text(max_size=8), max_size=14))
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(pieces)))
    text = "".join(p + e for p, e in zip(pieces, ends, strict=False))
    if text and draw(st.booleans()):
        text = text[:-1]
    return text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_prefs_text())
def test_generated_prefs_read_as_before(text: str) -> None:
    _same_prefs_text(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_prefs_fixtures_read_as_before(data) -> None:
    path = data.draw(st.sampled_from(PREFS_FILES))
    text = path.read_bytes().decode("latin-1")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        what = data.draw(st.integers(0, 2))
        if what == 0:
            bit = data.draw(st.sampled_from(["\\", "\r", "\n", "#", "=", ":", " ", "\\u", "!"]))
            text = text[:at] + bit + text[at:]
        elif what == 1:
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + data.draw(st.text(max_size=3)) + text[at:]
    _same_prefs_text(text)


# -- remembered lines and suppressions ---------------------------------------------------

_TEXT_BITS = st.sampled_from(
    [
        "password=x",
        "PASSWORD: y",
        "pwd x",
        "my_secret=1",
        "toKen=2",  # the Kelvin sign: lowers to `k`
        "\u0130",  # lowers to two characters
        "IDENTIFIED BY 'p'",
        "x='a'",
        '"q"',
        "`b`",
        "jdbc:mysql://u:p@h/s",
        "a@b",
        "//",
        "port=3306",
        "# c",
        "\n",
        "\r\n",
        "\r",
        " ",
        "olclint: ignore[OLC101] r",
        "# OLCLINT:IGNORE[x]",
        "# olcl\u0131nt: \u0131gnore[x]",
        "; olclint:  ignore[a,b] why",
        "!",
        "\\",
        "--",
    ]
)
_TEXTS = st.lists(_TEXT_BITS | st.text(max_size=5), max_size=20).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXTS, st.booleans())
def test_remembered_lines_as_before(text: str, lf_only: bool) -> None:
    _remembered_as_before(text, lf_only=lf_only)


@settings(max_examples=200, deadline=None)
@given(_TEXTS, st.data())
def test_remembered_lines_with_spans_as_before(text: str, data) -> None:
    spans = []
    for _ in range(data.draw(st.integers(0, 3))):
        a = data.draw(st.integers(0, len(text)))
        spans.append((a, data.draw(st.integers(a, len(text)))))
    _remembered_as_before(text, secrets=spans)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_TEXT_BITS | st.text(max_size=4), max_size=4).map("".join), max_size=12))
def test_scan_as_before(lines: list[str]) -> None:
    _same_scan(lines)


def test_scan_finds_marks_in_any_case_that_ignorecase_matches() -> None:
    lines = [
        "# OLCLINT: IGNORE[OLC101] upper",
        "# olcl\u0131nt: \u0130gnore[OLC101] dotless and dotted i",
        "x=1 # olclint:\tignore[OLC102] tab",
        "# olclint : ignore[OLC1] no mark: a blank before the colon",
    ]
    assert [s.line for s in suppress.scan("f", lines, suppress.OPTION)] == [1, 2, 3]
    _same_scan(lines)


def test_mark_gate_spells_the_classes_of_ignorecase() -> None:
    """`_MARKED` spells each letter as the characters IGNORECASE matches to it."""
    everything = "".join(map(chr, range(0x110000)))
    classes = re.findall(r"\[([^\]]+)\]", suppress._MARKED.pattern)
    letters = "olclintignore"
    assert len(classes) == len(letters)
    for letter, spelt in zip(letters, classes, strict=True):
        expected = set(re.findall(letter, everything, re.IGNORECASE))
        assert set(spelt.encode().decode("unicode_escape")) == expected, letter


def test_big_texts_read_as_before() -> None:
    """Many lines of the common shapes, with unusual lines among them."""
    body = b"".join(
        b"[client]\n# padding %d\nport=3306\n\n" % i + (b"x = 'q'\n" if i % 97 == 0 else b"")
        for i in range(3000)
    )
    _same_option_text(body)
    _same_option_text(b"# head\n" + body + b"!include a.cnf\n[mysqld]\npassword=x")
    text = "".join(f"# padding {i}\nmerge.local_engines=2\n" for i in range(3000))
    _same_prefs_text(text)
    _same_prefs_text(text.replace("=2\n", "=\\\n  2\r", 40))
    _remembered_as_before(body.decode(), lf_only=True)
    _remembered_as_before(text + "password=x\n" + text)


@pytest.mark.parametrize(
    "data",
    [
        b"[g]\nx=" + b" " * 5000 + b"a\\",
        b"[g]\nx=" + b"a " * 3000 + b"\\",
        b"[g]\n" + b"a" * 5000 + b"\\",
        b"[g]\n" + b" " * 5000 + b"a\\",
        b"[" + b"a" * 5000 + b"]" + b"x" * 5000 + b"\0",
        b"[g]\nx" + b" " * 3000 + b"=" + b"\r" * 3000 + b"\\",
        b"[g]\nx=1 #" + b"c" * 5000 + b"\0",
        b"[g]\nx=" + b"v" * 4090 + b"\n" + b"y=" + b"v" * 4091 + b"\ny=" + b"v" * 4092,
    ],
    ids=range(8),
)
def test_long_odd_option_lines_read_as_before(data: bytes) -> None:
    _same_option_text(data)


@pytest.mark.parametrize(
    "text",
    [
        "k" + " " * 5000 + "=" + " " * 5000 + "a\\x",
        "k" * 5000 + "\\ =1",
        "k=" + "v" * 5000 + "\\",
        " " * 5000 + "k\\",
        "#" + "c" * 5000 + "\rk=\\",
        "k=1\r" * 2000,
        "k=" + "v" * 20000 + "\nk2=" + "w" * 20000,
    ],
    ids=range(7),
)
def test_long_odd_prefs_lines_read_as_before(text: str) -> None:
    _same_prefs_text(text)


def test_rows_build_each_value_once_and_compare_by_value() -> None:
    built: list[tuple] = []

    def build(row: tuple) -> str:
        built.append(row)
        return "-".join(row)

    rows = Rows([("a", "b"), "c-d", ("e",)], build)
    assert len(rows) == 3 and built == []
    first = rows[0]
    assert rows[0] is first and built == [("a", "b")]
    assert rows.values() == ("a-b", "c-d", "e") and built == [("a", "b"), ("e",)]
    assert rows == Rows(["a-b", ("c", "d"), "e"], build)
    assert rows != Rows(["a-b"], build) and hash(rows) == hash(Rows(["a-b", "c-d", "e"], build))
