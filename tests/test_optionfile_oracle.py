"""Our option-file reader against the real one: `my_print_defaults` (MariaDB).

For every fixture the server can read, the `--name=value` lines it prints for the groups
mysqld, server, mariadb and client equal what `read_option_file` gives for those groups;
for every fixture it cannot read, both fail. A property test does the same on generated
files.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olclint.core.secrets import REDACTED, is_secret_name
from olclint.readers.optionfile import OptionFile, decode, read_option_file
from olclint.readers.workspace import Workspace
from tests.oracles import require

FIXTURES = Path(__file__).parent / "fixtures" / "optionfiles"
GROUPS = ("mysqld", "server", "mariadb", "client")
UNIX = (".cnf",)

# Files whose meaning differs between a Windows server and this Linux oracle: on Windows
# `C:/...` is absolute (a note, not followed); on Linux it is a missing relative folder.
OS_DEPENDENT = {"includedir_absolute_windows/my.ini"}


@pytest.fixture(scope="module", autouse=True)
def _not_world_writable() -> None:
    """The server ignores world-writable option files: a checkout with umask 0 must not."""
    for path in FIXTURES.rglob("*"):
        mode = path.stat().st_mode
        if mode & 0o002:
            path.chmod(mode & ~0o002)


def oracle(path: Path) -> tuple[int, bytes]:
    """Exit code and output of my_print_defaults, run in the file's folder."""
    env = {k: v for k, v in os.environ.items() if k != "MYSQL_GROUP_SUFFIX"}
    done = subprocess.run(
        [require("my_print_defaults"), f"--defaults-file={path.name}", *GROUPS],
        cwd=path.parent,
        capture_output=True,
        timeout=30,
        check=False,
        env=env,
    )
    return done.returncode, done.stdout


def ours(result: OptionFile) -> str:
    lines = []
    for option in result.options_for(GROUPS):
        if option.value is None:
            lines.append(f"--{option.name}")
        else:
            lines.append(f"--{option.name}={option.value}")
    return "".join(line + "\n" for line in lines)


def theirs(stdout: bytes, codec: str) -> str:
    """The oracle's output as text, secret values replaced as our reader replaces them."""
    lines = decode(stdout, codec).split("\n")
    for i, line in enumerate(lines):
        name, eq, _ = line.partition("=")
        if line.startswith("--") and eq and is_secret_name(name[2:]):
            lines[i] = f"{name}={REDACTED}"
    return "\n".join(lines)


def fixture_files() -> list[str]:
    found = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in (".cnf", ".ini"):
            rel = path.relative_to(FIXTURES).as_posix()
            if rel not in OS_DEPENDENT:
                found.append(rel)
    return found


def codec_of_output(result: OptionFile) -> str:
    return "cp1252" if any(r.endswith("latin1_value.cnf") for r in result.files) else "utf-8"


@pytest.mark.oracle
@pytest.mark.parametrize("rel", fixture_files())
def test_fixture_matches_my_print_defaults(rel: str) -> None:
    path = FIXTURES / rel
    code, stdout = oracle(path)
    result = read_option_file(Workspace(FIXTURES), path, include_exts=UNIX)
    if result.fatal:
        assert code != 0, f"the server reads {rel}, we call it fatal"
        return
    assert code == 0, f"my_print_defaults fails on {rel} (exit {code}), we do not"
    assert ours(result) == theirs(stdout, codec_of_output(result))


def test_fixture_set_is_large_and_has_fatal_ones() -> None:
    files = fixture_files()
    assert len(files) >= 30
    fatal = [r for r in files if read_option_file(Workspace(FIXTURES), FIXTURES / r).fatal]
    assert "utf8_bom.cnf" in fatal and "option_before_group.cnf" in fatal
    assert "include_spliced/my.cnf" not in fatal


# -- generated files -----------------------------------------------------------------------

BLANK = st.sampled_from(["", " ", "  ", "\t", " \t "])
GROUP_NAMES = st.sampled_from(
    ["mysqld", "MySQLd", "SERVER", "mariadb", "client", "mysqldump", "mysql", "mysqld-10.11"]
)
NAMES = st.one_of(
    st.sampled_from(
        ["port", "bind-address", "bind_address", "Skip_Name_Resolve", "loose-x", "a b", "tmpdir"]
    ),
    st.text(alphabet="abcxyz_-09", min_size=1, max_size=8).filter(lambda s: s[0] not in "#;!["),
)
VALUE_CHARS = "abcxyz019 \t\"'\\#;=:/.nrtsbé€"
VALUES = st.one_of(
    st.text(alphabet=VALUE_CHARS, max_size=12),
    st.sampled_from(
        ['"quoted"', "'single'", '"a#b"', "C:\\temp\\new", '""', '"', "\\", "x\\", "a\\sb\\'c"]
    ),
)


@st.composite
def group_line(draw) -> str:
    text = "[" + draw(BLANK) + draw(GROUP_NAMES) + draw(BLANK)
    if draw(st.integers(0, 40)) == 0:
        return text  # no ']': fatal
    return text + "]" + draw(st.sampled_from(["", " # c", "junk"]))


@st.composite
def option_line(draw) -> str:
    text = draw(BLANK) + draw(NAMES)
    if draw(st.booleans()):
        text += draw(BLANK) + "=" + draw(BLANK) + draw(VALUES)
    if draw(st.integers(0, 3)) == 0:
        text += draw(BLANK) + draw(st.sampled_from(["# note", "#", "; note"]))
    return text + draw(BLANK)


OTHER_LINES = st.sampled_from(
    [
        "",
        "   ",
        "# comment",
        "; comment",
        "  ; indented",
        "!unknown x",
        "!include nope.cnf",
        "!include nope.cnf # c",
        '!include "nope.cnf"',
    ]
)
RARE_LINES = st.sampled_from(["!include", "!includedir nodir", "=x", "  =x"])


@st.composite
def option_file(draw) -> bytes:
    lines = [] if draw(st.integers(0, 20)) == 0 else [draw(group_line())]
    kinds = st.sampled_from(["group", "option", "option", "option", "other", "rare"])
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(kinds)
        if kind == "group":
            lines.append(draw(group_line()))
        elif kind == "option":
            lines.append(draw(option_line()))
        elif kind == "other":
            lines.append(draw(OTHER_LINES))
        elif draw(st.integers(0, 6)) == 0:
            lines.append(draw(RARE_LINES))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(lines)
    if draw(st.booleans()):
        text += eol
    return text.encode("utf-8")


@pytest.mark.oracle
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=option_file())
def test_generated_files_match_my_print_defaults(data: bytes) -> None:
    require("my_print_defaults")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "my.cnf"
        path.write_bytes(data)
        path.chmod(0o644)
        code, stdout = oracle(path)
        result = read_option_file(Workspace(Path(folder)), path, include_exts=UNIX)
    if result.fatal:
        assert code != 0
    else:
        assert code == 0
        assert ours(result) == theirs(stdout, "utf-8")
