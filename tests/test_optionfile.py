"""The option-file reader on text and on files: values, locations and diagnostics.

What the server does in each case was checked with `my_print_defaults` (MariaDB 10.11);
tests/test_optionfile_oracle.py keeps checking it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olclint.core.findings import Level, Location
from olclint.core.secrets import REDACTED
from olclint.readers.optionfile import (
    GroupHeader,
    Option,
    OptionFile,
    map_server_path,
    parse_option_text,
    read_option_file,
)
from olclint.readers.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "optionfiles"


def values(result: OptionFile, groups=("mysqld",)) -> list[tuple[str, str | None]]:
    return [(o.name, o.value) for o in result.options_for(groups)]


def rules(result: OptionFile) -> list[tuple[str, str, int, int]]:
    return [
        (d.rule, d.location.path, d.location.line, d.location.column) for d in result.diagnostics
    ]


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        path.write_bytes(content)


def read(root: Path, name: str = "my.cnf", **kwargs) -> OptionFile:
    return read_option_file(Workspace(root), root / name, **kwargs)


# -- comments, quotes, escapes -----------------------------------------------------------------


def test_hash_starts_a_comment_anywhere_but_semicolon_only_at_line_start() -> None:
    result = parse_option_text(
        "; leading comment\n[mysqld]\nport=3306 ; note\nbind-address = 0.0.0.0 # all\n"
        "  ; indented comment\n\t# tab comment\nskip-name-resolve#c\n"
    )
    assert values(result) == [
        ("port", "3306 ; note"),
        ("bind-address", "0.0.0.0"),
        ("skip-name-resolve", None),
    ]
    assert result.diagnostics == ()
    assert not result.fatal


def test_hash_inside_quotes_is_not_a_comment() -> None:
    result = parse_option_text(
        '[mysqld]\na = "x # y" # z\nb=\'p#q\'\nc=a"b#c\nd="a\'#b"#c\ne=x\\"y#z\n'
    )
    assert values(result) == [
        ("a", "x # y"),
        ("b", "p#q"),
        ("c", 'a"b#c'),
        ("d", "a'#b"),
        # outside quotes a backslash does not escape the quote: the quote opens
        ("e", 'x"y#z'),
    ]


def test_quotes_are_removed_only_when_both_ends_match() -> None:
    result = parse_option_text(
        '[mysqld]\na="two words"\nb=\'single\'\nc="open\nd=\'mixed"\ne="\nf=""\n'
        'g="a"b"\nh = "  inner  "  \n'
    )
    assert values(result) == [
        ("a", "two words"),
        ("b", "single"),
        ("c", '"open'),
        ("d", "'mixed\""),
        ("e", '"'),
        ("f", ""),
        ("g", 'a"b'),
        ("h", "  inner  "),
    ]


def test_escapes_and_the_windows_path_trap() -> None:
    result = parse_option_text(
        "[mysqld]\ntmpdir=C:\\temp\\new\nsafe=C:/temp/new\ndoubled=C:\\\\temp\n"
        'all=\\b\\t\\n\\r\\s\\\\\\"\\\'\\x\nend=x\\\nq="\\"in\\""\n'
    )
    assert values(result) == [
        ("tmpdir", "C:\temp\new"),
        ("safe", "C:/temp/new"),
        ("doubled", "C:\\temp"),
        ("all", "\b\t\n\r \\\"'\\x"),
        ("end", "x\\"),
        ("q", '"in"'),
    ]
    tmpdir = result.options[0]
    assert tmpdir.raw_value == "C:\\temp\\new"
    assert tmpdir.value_location == Location("my.cnf", 2, 8, 2, 19)


def test_no_value_options_and_empty_values() -> None:
    result = parse_option_text(
        "[mysqld]\nskip-networking\n  skip_name_resolve  \na=\nb =   \nc=''\nd= # comment\n"
    )
    assert values(result) == [
        ("skip-networking", None),
        ("skip_name_resolve", None),
        ("a", ""),
        ("b", ""),
        ("c", ""),
        ("d", ""),
    ]
    assert result.options[0].value_location is None
    assert result.options[0].raw_value is None
    assert result.options[2].raw_value == ""


def test_name_ends_at_the_first_equals_sign() -> None:
    result = parse_option_text("[mysqld]\ninit_connect=SET a=b\n==x\n=y\n")
    assert values(result) == [("init_connect", "SET a=b"), ("", "=x"), ("", "y")]


def test_dash_underscore_and_case_share_a_key() -> None:
    result = parse_option_text(
        "[mysqld]\nBind_Address=10.0.0.1\nbind-address=10.0.0.2\nloose_Skip-Name_Resolve\n"
    )
    assert [(o.name, o.key) for o in result.options] == [
        ("Bind_Address", "bind-address"),
        ("bind-address", "bind-address"),
        ("loose_Skip-Name_Resolve", "loose-skip-name-resolve"),
    ]
    assert result.last("BIND_address", ["mysqld"]).value == "10.0.0.2"
    assert result.last("port", ["mysqld"]) is None


def test_later_wins_is_visible_through_order() -> None:
    result = parse_option_text(
        "[mysqld]\nport=3306\n[client]\nport=3300\n[mysqld]\nport=3307\n[server]\nport=3308\n"
    )
    assert [o.value for o in result.options_for(["mysqld", "server"])] == [
        "3306",
        "3307",
        "3308",
    ]
    assert result.last("port", ["mysqld"]).location == Location("my.cnf", 6, 1, 6, 10)
    assert result.last("port", ["client"]).value == "3300"


def test_crlf_and_trailing_white_space() -> None:
    result = parse_option_text(
        '[mysqld]  \r\nport = 3306 \t \r\nname = two words   \r\n  x = "q" \r\nflag\r\nlast=1'
    )
    assert values(result) == [
        ("port", "3306"),
        ("name", "two words"),
        ("x", "q"),
        ("flag", None),
        ("last", "1"),
    ]
    assert result.options[2].location == Location("my.cnf", 4, 3, 4, 10)
    assert result.options[3].location == Location("my.cnf", 5, 1, 5, 5)


def test_a_lone_carriage_return_does_not_end_a_line() -> None:
    result = parse_option_text("[mysqld]\nport=3306\rbind-address=0.0.0.0\nnext=1\n")
    assert values(result) == [("port", "3306\rbind-address=0.0.0.0"), ("next", "1")]
    assert result.options[1].location.line == 3


def test_latin1_white_space_includes_nbsp() -> None:
    result = parse_option_text(b"[mysqld]\nport=3306\xa0\n\xa0bind-address=0.0.0.0\n")
    assert values(result) == [("port", "3306"), ("bind-address", "0.0.0.0")]
    # the last byte of a UTF-8 'à' is 0xA0: the server cuts it off the value
    assert values(parse_option_text("[mysqld]\ndir=voilà\n")) == [("dir", "voil\ufffd")]


def test_windows_ansi_text_is_read_as_cp1252() -> None:
    result = parse_option_text("[mysqld]\nlog-error=C:/Données/€.log\n".encode("cp1252"))
    assert values(result) == [("log-error", "C:/Données/€.log")]


def test_locations_point_at_name_and_value() -> None:
    result = parse_option_text('[mysqld]\n  bind-address = "0.0.0.0"  # all\n', "db/my.ini")
    option = result.options[0]
    assert option == Option(
        group="mysqld",
        name="bind-address",
        key="bind-address",
        value="0.0.0.0",
        location=Location("db/my.ini", 2, 3, 2, 27),
        value_location=Location("db/my.ini", 2, 18, 2, 27),
        secret=False,
        raw_value='"0.0.0.0"',
    )
    assert result.groups == (GroupHeader("mysqld", Location("db/my.ini", 1, 1, 1, 9)),)


def test_columns_count_characters_not_bytes() -> None:
    result = parse_option_text("[mysqld]\n#\nlog='é' # x\nnext = €€ \n")
    assert result.options[0].value_location == Location("my.cnf", 3, 5, 3, 8)
    assert result.options[1].value_location == Location("my.cnf", 4, 8, 4, 10)


# -- groups ---------------------------------------------------------------------------------


def test_group_names_are_case_insensitive_and_text_after_bracket_is_ignored() -> None:
    result = parse_option_text(
        "[MySQLd] # comment\na=1\n[SERVER]junk\nb=2\n[mysqld ]\nc=3\n[client]\nd=4\n"
    )
    assert values(result, ["Mysqld", "server"]) == [("a", "1"), ("b", "2"), ("c", "3")]
    assert [g.name for g in result.groups] == ["mysqld", "server", "mysqld", "client"]
    assert result.diagnostics == ()


def test_group_name_with_spaces_inside_the_brackets() -> None:
    result = parse_option_text("[ mysqld ]\nport=3310\n[mysqld 10.11]\nport=3311\n")
    assert values(result) == []
    assert [o.group for o in result.options] == [" mysqld", "mysqld 10.11"]
    assert rules(result) == [("OLC004", "my.cnf", 1, 2), ("OLC004", "my.cnf", 3, 8)]
    assert all(d.level is Level.WARNING for d in result.diagnostics)
    assert "[mysqld]" in result.diagnostics[0].message


def test_option_before_any_group_is_fatal() -> None:
    result = parse_option_text("# settings\n\n  port=3306\n[mysqld]\nbind-address=0.0.0.0\n")
    assert result.fatal
    assert result.options == ()
    assert rules(result) == [("OLC003", "my.cnf", 3, 3)]
    assert result.diagnostics[0].level is Level.ERROR


def test_group_line_without_bracket_is_fatal_and_reading_stops() -> None:
    result = parse_option_text("[mysqld]\nport=3306\n[client\nuser=root\n")
    assert result.fatal
    assert values(result) == [("port", "3306")]
    assert rules(result) == [("OLC003", "my.cnf", 3, 1)]


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf[mysqld]\nport=3306\n",
        "\ufeff[mysqld]\nport=3306\n",
        "\ufeff[mysqld]\r\nport=3306\r\n".encode("utf-16-le"),
        "\ufeff[mysqld]\r\nport=3306\r\n".encode("utf-16-be"),
        "[mysqld]\r\nport=3306\r\n".encode("utf-16-le"),
    ],
)
def test_bom_and_utf16_are_fatal(data) -> None:
    result = parse_option_text(data)
    assert result.fatal
    assert rules(result) == [("OLC003", "my.cnf", 1, 1)]
    assert "UTF-8 without BOM" in result.diagnostics[0].message
    assert result.options == ()


def test_utf16_starting_with_a_comment_is_read_as_nothing() -> None:
    result = parse_option_text("# c\r\n[mysqld]\r\nport=3306\r\n".encode("utf-16-le"))
    assert not result.fatal
    assert result.options == ()
    assert rules(result) == [("OLC003", "my.cnf", 1, 1)]


def test_nul_byte_ends_the_line_and_long_lines_are_cut() -> None:
    result = parse_option_text(b"[mysqld]\nport=3306\x00 hidden=1\nnext=1\n")
    assert values(result) == [("port", "3306"), ("next", "1")]
    assert rules(result) == [("OLC004", "my.cnf", 2, 10)]
    long = parse_option_text("[mysqld]\ninit=" + "x" * 4089 + "tail=1\n")
    assert [(o.name, len(o.value or "")) for o in long.options] == [("init", 4089), ("tail", 1)]
    assert rules(long) == [("OLC004", "my.cnf", 2, 4095)]


# -- directives on text --------------------------------------------------------------------


def test_unknown_directives_are_ignored_with_a_warning() -> None:
    result = parse_option_text(
        "[mysqld]\n!foo bar\n!INCLUDE x.cnf\n!includex.cnf\nport=3306\n!include"
    )
    assert values(result) == [("port", "3306")]
    assert rules(result) == [
        ("OLC004", "my.cnf", 2, 1),
        ("OLC004", "my.cnf", 3, 1),
        ("OLC004", "my.cnf", 4, 1),
        ("OLC004", "my.cnf", 6, 1),
    ]
    assert not result.fatal


@pytest.mark.parametrize("line", ["!include", "!include   ", "!includedir\t", "!include x"])
def test_directive_without_a_path_is_fatal(line: str) -> None:
    # "!include x" on a last line without a line break: the server cuts the only character
    text = f"[mysqld]\n{line}\n" if line != "!include x" else f"[mysqld]\n{line}"
    result = parse_option_text(text)
    assert result.fatal
    assert rules(result) == [("OLC003", "my.cnf", 2, 1)]


def test_absolute_include_paths_are_warned_and_not_followed() -> None:
    result = parse_option_text(
        "[mysqld]\n!include /etc/mysql/x.cnf\n!includedir C:/ProgramData/MySQL/conf.d\n"
        "!include C:\\my.ini\n!include ~/.my.cnf\n"
    )
    assert rules(result) == [
        ("OLC006", "my.cnf", 2, 10),
        ("OLC006", "my.cnf", 3, 13),
        ("OLC006", "my.cnf", 4, 10),
        ("OLC006", "my.cnf", 5, 10),
    ]
    assert all(d.level is Level.WARNING for d in result.diagnostics)
    assert "the effective configuration could not be decided" in result.diagnostics[0].message
    assert not result.fatal


def test_include_map_reads_absolute_includes_from_the_collected_tree(tmp_path: Path) -> None:
    # Debian's my.cnf includes /etc/mysql/conf.d/ and /etc/mysql/mariadb.conf.d/
    db01 = tmp_path / "db01"
    (db01 / "etc/mysql/mariadb.conf.d").mkdir(parents=True)
    (db01 / "etc/mysql/conf.d").mkdir()
    (db01 / "my.cnf").write_text(
        "[mysqld]\nport=3306\n!includedir /etc/mysql/conf.d/\n"
        "!includedir /etc/mysql/mariadb.conf.d/\n!include /opt/other.cnf\n"
    )
    (db01 / "etc/mysql/mariadb.conf.d/50-server.cnf").write_text(
        "[mysqld]\nbind-address=127.0.0.1\n"
    )
    ws = Workspace(tmp_path)
    mapped = read_option_file(ws, db01 / "my.cnf", include_map={"/etc/mysql": db01 / "etc/mysql"})
    assert [(o.key, o.value, o.location.path) for o in mapped.options_for(["mysqld"])] == [
        ("port", "3306", "db01/my.cnf"),
        ("bind-address", "127.0.0.1", "db01/etc/mysql/mariadb.conf.d/50-server.cnf"),
    ]
    assert rules(mapped) == [("OLC006", "db01/my.cnf", 5, 10)]  # /opt is not mapped
    unmapped = read_option_file(ws, db01 / "my.cnf")
    assert [o.key for o in unmapped.options_for(["mysqld"])] == ["port"]
    assert [r[2] for r in rules(unmapped)] == [3, 4, 5]


def test_map_server_path() -> None:
    folder = Path("repo/db01/etc/mysql")
    win = Path("repo/db02/conf.d")
    mapping = {"/etc/mysql": folder, "/etc/mysql/conf.d": Path("x"), "C:\\ProgramData\\MySQL": win}
    assert map_server_path("/etc/mysql/my.cnf", mapping) == folder / "my.cnf"
    assert map_server_path("/etc/mysql", mapping) == folder
    assert map_server_path("/etc/mysql/conf.d/a.cnf", mapping) == Path("x/a.cnf")  # longest
    assert map_server_path("/etc/mysqlx/a.cnf", mapping) is None
    assert map_server_path("c:/programdata/mysql/x.ini", mapping) == win / "x.ini"
    assert map_server_path("/ETC/mysql/my.cnf", mapping) is None  # Unix paths keep case
    assert map_server_path("/etc/mysql/my.cnf", {}) is None


# -- secrets --------------------------------------------------------------------------------


def test_secrets_are_redacted_everywhere() -> None:
    result = parse_option_text(
        "[client]\npassword=hunter2\nloose_password = 'hunter2' # x\npassword hunter2\n"
        "[mysqld]\nport=3306\n"
    )
    assert "hunter2" not in repr(result)
    secret = result.options[0]
    assert (secret.value, secret.raw_value, secret.secret) == (REDACTED, REDACTED, True)
    assert result.options[1].secret and result.options[1].value == REDACTED
    assert result.options[2].name == f"password {REDACTED}"
    assert not result.options[3].secret


def test_secret_before_any_group_is_not_shown(tmp_path: Path) -> None:
    write(tmp_path, {"my.cnf": "password hunter2\n"})
    result = read(tmp_path)
    assert result.fatal
    assert "hunter2" not in repr(result)


# -- files and includes ----------------------------------------------------------------------


def test_include_is_spliced_in_place_with_locations_in_the_included_file(tmp_path) -> None:
    write(
        tmp_path,
        {
            "db/my.cnf": "[mysqld]\nport=3306\n!include extra.cnf\nbind-address=127.0.0.1\n",
            "db/extra.cnf": "# extra\n[mysqld]\n  port = 3307\n[client]\nhost=db1\n",
        },
    )
    ws = Workspace(tmp_path)
    result = read_option_file(ws, tmp_path / "db" / "my.cnf")
    assert values(result) == [("port", "3306"), ("port", "3307"), ("bind-address", "127.0.0.1")]
    assert result.options[1].location == Location("db/extra.cnf", 3, 3, 3, 14)
    assert result.options[3].location == Location("db/my.cnf", 4, 1, 4, 23)
    assert result.files == ("db/my.cnf", "db/extra.cnf")
    assert result.path == "db/my.cnf"
    assert result.diagnostics == ()
    # the reporters can show lines of both files
    assert ws.sources["db/extra.cnf"][2] == "  port = 3307"


def test_each_file_starts_outside_any_group(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "my.cnf": "[client]\n!include extra.cnf\nuser=after\n",
            "extra.cnf": "[mysqld]\nport=3307\n",
        },
    )
    result = read(tmp_path)
    assert [(o.group, o.name) for o in result.options] == [("mysqld", "port"), ("client", "user")]


def test_an_error_in_an_included_file_skips_only_the_rest_of_that_file(tmp_path) -> None:
    write(
        tmp_path,
        {
            "my.cnf": "[mysqld]\nport=3306\n!include nogroup.cnf\nbind-address=0.0.0.0\n",
            "nogroup.cnf": "# none\nskip-networking\n[mysqld]\nport=9999\n",
        },
    )
    result = read(tmp_path)
    assert not result.fatal
    assert values(result) == [("port", "3306"), ("bind-address", "0.0.0.0")]
    assert rules(result) == [("OLC003", "nogroup.cnf", 2, 1)]


def test_directives_run_inside_groups_the_server_skips(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"my.cnf": "[mysqldump]\n!include extra.cnf\nquick\n", "extra.cnf": "[mysqld]\nport=1\n"},
    )
    assert values(read(tmp_path)) == [("port", "1")]


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ('!include "extra.cnf"', "quotes"),
        ("!include 'extra.cnf'", "quotes"),
        ("!include extra.cnf # more", "comment"),
        ("!include missing.cnf", "does not exist"),
    ],
)
def test_include_lines_the_server_ignores(tmp_path: Path, line: str, detail: str) -> None:
    write(tmp_path, {"my.cnf": f"[mysqld]\n{line}\nport=3306\n", "extra.cnf": "[mysqld]\nx=1\n"})
    result = read(tmp_path)
    assert values(result) == [("port", "3306")]
    assert rules(result) == [("OLC004", "my.cnf", 2, 10)]
    assert detail in result.diagnostics[0].message
    assert result.files == ("my.cnf",)


def test_include_on_a_last_line_without_line_break_loses_a_character(tmp_path) -> None:
    write(tmp_path, {"my.cnf": "[mysqld]\n!include extra.cnf", "extra.cnf": "[mysqld]\nx=1\n"})
    result = read(tmp_path)
    assert values(result) == []
    assert rules(result) == [("OLC004", "my.cnf", 2, 10)]
    assert "'extra.cn'" in result.diagnostics[0].message
    write(tmp_path, {"my.cnf": "[mysqld]\n!include\textra.cnf  \r\n"})
    assert values(read(tmp_path)) == [("x", "1")]


def test_include_of_a_folder_reads_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"my.cnf": "[mysqld]\n!include conf.d\n", "conf.d/a.cnf": "[mysqld]\nx=1\n"})
    result = read(tmp_path)
    assert values(result) == []
    assert rules(result) == [("OLC004", "my.cnf", 2, 10)]


def test_includedir_reads_in_byte_order_with_the_platform_extensions(tmp_path) -> None:
    names = ["b.cnf", "a.cnf", "10.cnf", "9.cnf", "B.cnf", "a.b.cnf", "x.CNF", "y.ini", "z.txt"]
    files = {f"conf.d/{n}": f"[mysqld]\nfrom={n}\n" for n in names}
    files["conf.d/sub.cnf/inner.cnf"] = "[mysqld]\nfrom=inner\n"
    files["my.cnf"] = "[mysqld]\nfrom=top\n!includedir conf.d\nafter=top\n"
    write(tmp_path, files)
    unix = read(tmp_path, include_exts=(".cnf",))
    assert [v for _, v in values(unix)] == [
        "top",
        "10.cnf",
        "9.cnf",
        "B.cnf",
        "a.b.cnf",
        "a.cnf",
        "b.cnf",
        "top",
    ]
    assert unix.files[1:] == tuple(f"conf.d/{n}" for n in unix_order())
    windows = read(tmp_path)
    assert [v for _, v in values(windows)][-2:] == ["y.ini", "top"]


def unix_order() -> list[str]:
    return ["10.cnf", "9.cnf", "B.cnf", "a.b.cnf", "a.cnf", "b.cnf"]


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"my.cnf": "[mysqld]\nport=3306\n!includedir conf.d\nx=1\n"}, 3),
        ({"my.cnf": "[mysqld]\n!includedir my.cnf\n"}, 2),
        ({"my.cnf": '[mysqld]\n!includedir "conf.d"\n', "conf.d/a.cnf": "[mysqld]\n"}, 2),
    ],
)
def test_missing_includedir_folder_is_fatal(tmp_path: Path, files, line: int) -> None:
    write(tmp_path, files)
    result = read(tmp_path)
    assert result.fatal
    assert rules(result) == [("OLC003", "my.cnf", line, 13)]
    assert values(result)[-1:] != [("x", "1")]


def test_include_loop_is_reported_once_and_repeats_like_the_server(tmp_path) -> None:
    write(tmp_path, {"my.cnf": "[mysqld]\nport=3306\n!include my.cnf\nbind-address=0.0.0.0\n"})
    result = read(tmp_path)
    assert not result.fatal  # the server warns at the depth limit and starts
    assert rules(result) == [("OLC003", "my.cnf", 3, 10)]
    assert values(result) == [("port", "3306")] * 11 + [("bind-address", "0.0.0.0")] * 11
    assert result.files == ("my.cnf",)


def test_indirect_include_loop(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"my.cnf": "[mysqld]\na=1\n!include b.cnf\n", "b.cnf": "[mysqld]\nb=1\n!include my.cnf\n"},
    )
    result = read(tmp_path)
    assert rules(result) == [("OLC003", "b.cnf", 3, 10)]
    assert [n for n, _ in values(result)] == ["a", "b"] * 5 + ["a"]


def test_include_depth_limit_without_a_loop(tmp_path: Path) -> None:
    files = {f"f{i}.cnf": f"[mysqld]\nd={i}\n!include f{i + 1}.cnf\n" for i in range(12)}
    write(tmp_path, files)
    result = read(tmp_path, "f0.cnf")
    assert [v for _, v in values(result)] == [str(i) for i in range(11)]
    assert rules(result) == [("OLC004", "f10.cnf", 3, 1)]


def test_include_leaving_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(tmp_path, {"outside.cnf": "[mysqld]\nport=1\n", "repo/db/my.cnf": ""})
    write(root, {"db/my.cnf": "[mysqld]\n!include ../../outside.cnf\nport=3306\n"})
    result = read(root, "db/my.cnf")
    assert values(result) == [("port", "3306")]
    assert rules(result) == [("OLC002", "db/my.cnf", 2, 10)]
    assert result.files == ("db/my.cnf",)


def test_includedir_symlink_leaving_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(tmp_path, {"outside.cnf": "[mysqld]\nport=1\n"})
    write(root, {"my.cnf": "[mysqld]\n!includedir conf.d\n", "conf.d/ok.cnf": "[mysqld]\nx=2\n"})
    os.symlink(tmp_path / "outside.cnf", root / "conf.d" / "link.cnf")
    result = read(root)
    assert values(result) == [("x", "2")]
    assert rules(result) == [("OLC002", "my.cnf", 2, 13)]


def test_missing_top_file_is_olc002_at_the_reference(tmp_path: Path) -> None:
    where = Location("cluster.yaml", 7, 16)
    result = read_option_file(Workspace(tmp_path), tmp_path / "my.ini", where)
    assert [(d.rule, d.location) for d in result.diagnostics] == [("OLC002", where)]
    assert (result.options, result.files, result.fatal) == ((), (), False)


def test_fixture_files_read_without_surprises() -> None:
    ws = Workspace(FIXTURES)
    result = read_option_file(ws, FIXTURES / "include_spliced" / "my.cnf")
    assert values(result, ["mysqld", "client"]) == [
        ("port", "3306"),
        ("port", "3307"),
        ("skip-name-resolve", None),
        ("host", "db1"),
        ("bind-address", "127.0.0.1"),
        ("user", "olc"),
    ]
    absolute = read_option_file(ws, FIXTURES / "includedir_absolute_windows" / "my.ini")
    assert rules(absolute) == [("OLC006", "includedir_absolute_windows/my.ini", 2, 13)]
    assert not absolute.fatal


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_never_raises_and_locations_stay_in_the_file(data) -> None:
    result = parse_option_text(data)
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    lines = raw.count(b"\n") + 1
    for option in result.options:
        assert 1 <= option.location.line <= lines
        assert option.location.column >= 1
    for finding in result.diagnostics:
        assert finding.rule in {"OLC003", "OLC004", "OLC006"}
        assert 1 <= finding.location.line <= lines


NAME = st.text(alphabet="abcdefgxyz_-", min_size=1, max_size=10).filter(lambda s: s[0] != "-")
PLAIN = st.text(alphabet="abcxyz0189.:/,@ ", max_size=12).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(NAME, PLAIN, st.booleans()), max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_written_options_read_back_in_order(pairs, eol: str) -> None:
    lines = ["[mysqld]"]
    for name, value, quoted in pairs:
        lines.append(f"{name} = {value!r}" if quoted else f"  {name}={value}  # note")
    result = parse_option_text(eol.join(lines) + eol)
    assert values(result) == [(name, value) for name, value, _ in pairs]
    assert [o.location.line for o in result.options] == list(range(2, len(pairs) + 2))
