"""References written with Windows path semantics, where the files come from: drive
letters, UNC roots, backslashes, mixed case, device names, long paths; and the
repository-root confinement with them (`..\\..\\`, a link out of the root, which is how a
junction looks once collected or checked out).

These run on Linux: they test how olclint reads Windows-style text, not Windows' file
system itself (see the README's Windows section for what that leaves).
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PureWindowsPath

import pytest

from olclint.cli.main import main
from olclint.core.findings import Location
from olclint.readers.optionfile import read_option_file
from olclint.readers.winpath import device_name, windows_name_problem
from olclint.readers.workspace import Workspace, is_absolute_ref

ABSOLUTE = [
    r"C:\ProgramData\MySQL\MySQL Server 8.0\my.ini",
    "c:/programdata/mysql/my.ini",
    "C:my.ini",  # relative to the current folder of drive C: on Windows: not in the repository
    r"\\dbserver\share\my.ini",
    "//dbserver/share/my.ini",
    r"\\?\C:\very\long\path\my.ini",
    r"\\.\pipe\mysql",
    r"\ProgramData\MySQL\my.ini",  # rooted on the current drive
    "/etc/mysql/my.cnf",
]
RELATIVE = [r"master01\my.ini", "master01/my.ini", r"..\shared\my.ini", "my.ini", r".\my.ini"]


@pytest.mark.parametrize("ref", ABSOLUTE)
def test_absolute_in_either_syntax(ref: str) -> None:
    assert is_absolute_ref(ref) is True


@pytest.mark.parametrize("ref", RELATIVE)
def test_relative_in_either_syntax(ref: str) -> None:
    assert is_absolute_ref(ref) is False
    assert PureWindowsPath(ref).anchor == ""  # what Windows itself says


@pytest.mark.parametrize(
    ("ref", "device"),
    [
        ("CON", "CON"),
        ("nul", "NUL"),
        ("NUL.ini", "NUL"),  # an extension does not help
        (r"master01\aux.cnf", "AUX"),
        ("master01/COM1 .cnf", "COM1"),  # nor trailing blanks
        ("lpt9", "LPT9"),
        ("CONOUT$", "CONOUT$"),
        ("com\u00b9.cnf", "COM\u00b9"),
        ("console.ini", None),
        ("nul_settings.cnf", None),
        ("COM10", None),
        ("master01/conf.d", None),
    ],
)
def test_device_names(ref: str, device: str | None) -> None:
    assert device_name(ref) == device


def test_what_windows_would_not_open() -> None:
    assert windows_name_problem("master01/NUL") == "names the Windows device NUL, not a file"
    assert windows_name_problem("my.ini:backup") == (
        "holds ':', which Windows reads as a drive or a data stream, not a file name"
    )
    assert windows_name_problem(r"master01\my.ini") is None


# -- Workspace.resolve on a real tree ---------------------------------------------------------

LONG = "d" * 60  # five of them: a path over Windows' classic 260 characters


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Workspace, Path]:
    root = tmp_path / "repo"
    base = root / "clusters" / "prod"
    (base / "master01" / "conf.d").mkdir(parents=True)
    (base / "master01" / "my.ini").write_text("[mysqld]\nport=3306\n", encoding="utf-8")
    deep = base.joinpath(*[LONG] * 5)
    deep.mkdir(parents=True)
    (deep / "my.ini").write_text("[mysqld]\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "my.ini").write_text("[client]\npassword=outside-secret\n", encoding="utf-8")
    (base / "link").symlink_to(outside, target_is_directory=True)  # a junction, collected
    return Workspace(root), base


WHERE = Location("clusters/prod/cluster.yaml", 5, 18)


@pytest.mark.parametrize(
    ("ref", "kind", "expected"),
    [
        (r"master01\my.ini", "file", "clusters/prod/master01/my.ini"),
        (r"master01\\my.ini", "file", "clusters/prod/master01/my.ini"),
        (r".\master01\my.ini", "file", "clusters/prod/master01/my.ini"),
        (r"master01\..\master01\my.ini", "file", "clusters/prod/master01/my.ini"),
        ("master01/conf.d\\", "dir", "clusters/prod/master01/conf.d"),
        (r"master01\conf.d", "dir", "clusters/prod/master01/conf.d"),
        (
            "\\".join([LONG] * 5) + r"\my.ini",
            "file",
            "clusters/prod/" + "/".join([LONG] * 5) + "/my.ini",
        ),
        # names are case-sensitive here, as in git: Windows would open master01/my.ini
        (r"Master01\My.INI", "file", "'Master01\\My.INI' does not exist"),
        (r"..\..\..\outside\my.ini", "file", "leaves the repository root"),
        (r"master01\..\..\..\..\outside\my.ini", "file", "leaves the repository root"),
        ("..\\../..\\outside/my.ini", "file", "leaves the repository root"),
        (r"link\my.ini", "file", "leaves the repository root"),
        (r"C:\ProgramData\MySQL\my.ini", "file", "is an absolute path"),
        (r"\\dbserver\c$\ProgramData\my.ini", "file", "is an absolute path"),
        (r"\ProgramData\MySQL\my.ini", "file", "is an absolute path"),
        (r"\\?\C:\x\my.ini", "file", "is an absolute path"),
        ("C:my.ini", "file", "is an absolute path"),
        ("NUL", "file", "names the Windows device NUL, not a file"),
        (r"master01\CON", "any", "names the Windows device CON, not a file"),
        (r"master01\Aux.ini", "file", "names the Windows device AUX, not a file"),
        (r"master01\my.ini:stream", "file", "holds ':', which Windows reads as a drive"),
    ],
)
def test_resolve_windows_references(
    tree: tuple[Workspace, Path], ref: str, kind: str, expected: str
) -> None:
    ws, base = tree
    path, findings = ws.resolve(base, ref, WHERE, "option file", kind=kind)
    if expected.startswith("clusters/"):
        assert findings == []
        assert path is not None and ws.rel(path) == expected
        return
    assert path is None
    assert [(f.rule, f.location, f.subject) for f in findings] == [("OLC002", WHERE, ref)]
    assert expected in findings[0].message
    assert findings[0].message.endswith(("; it was not opened", "does not exist", "folder"))


def test_a_path_over_260_characters_is_read(tree: tuple[Workspace, Path]) -> None:
    ws, base = tree
    ref = "\\".join([LONG] * 5) + r"\my.ini"
    path, findings = ws.resolve(base, ref, WHERE, "option file")
    assert findings == [] and path is not None
    assert len(str(path)) > 260 and len(ref) > 260
    data, problems = ws.read_bytes(path, WHERE, "option file")
    assert (data, problems) == (b"[mysqld]\n", [])


# -- !include lines ------------------------------------------------------------------------


def _read(base: Path, ws: Workspace, text: str):
    (base / "master01" / "my.ini").write_text(text, encoding="utf-8")
    return read_option_file(ws, base / "master01" / "my.ini")


def _summary(opt) -> list[tuple[str, int, str]]:
    return [(f.rule, f.location.line, f.message) for f in opt.diagnostics]


def test_include_with_backslashes_is_followed(tree: tuple[Workspace, Path]) -> None:
    ws, base = tree
    (base / "master01" / "conf.d" / "port.cnf").write_text("[mysqld]\nport=3307\n")
    (base / "master01" / "conf.d" / "bind.cnf").write_text("[mysqld]\nbind-address=0.0.0.0\n")
    opt = _read(base, ws, "[mysqld]\nport=3306\n!include conf.d\\port.cnf\n!includedir conf.d\\\n")
    assert _summary(opt) == []
    assert opt.files == (
        "clusters/prod/master01/my.ini",
        "clusters/prod/master01/conf.d/port.cnf",
        "clusters/prod/master01/conf.d/bind.cnf",
    )
    assert [(o.key, o.value) for o in opt.options] == [
        ("port", "3306"),
        ("port", "3307"),
        ("bind-address", "0.0.0.0"),
        ("port", "3307"),
    ]


def test_absolute_includes_in_windows_syntax_are_not_followed(
    tree: tuple[Workspace, Path],
) -> None:
    ws, base = tree
    lines = [
        r"!include C:\ProgramData\MySQL\client.cnf",
        r"!includedir \\dbserver\conf\mysql",
        r"!include \ProgramData\MySQL\client.cnf",
        "!includedir D:/MySQL/conf.d",
    ]
    opt = _read(base, ws, "[mysqld]\n" + "\n".join(lines) + "\n")
    assert _summary(opt) == [
        (
            "OLC006",
            n,
            f"'{line.split()[0]} {line.split()[1]}' names a path on the database server that "
            "is not in the repository: the effective configuration could not be decided (map "
            "the server's folder onto the collected one with database.include_map)",
        )
        for n, line in enumerate(lines, start=2)
    ]
    assert opt.files == ("clusters/prod/master01/my.ini",)


def test_includes_that_leave_the_root_or_name_a_device(tree: tuple[Workspace, Path]) -> None:
    ws, base = tree
    text = (
        "[mysqld]\n"
        "!include ..\\..\\..\\..\\outside\\my.ini\n"
        "!include ..\\link\\my.ini\n"
        "!include CON\n"
        "!includedir nul\n"
        "!include my.ini:stream\n"
    )
    opt = _read(base, ws, text)
    assert _summary(opt) == [
        (
            "OLC002",
            2,
            r"'!include' path '..\..\..\..\outside\my.ini' leaves the repository root; "
            "it was not opened",
        ),
        (
            "OLC002",
            3,
            r"'!include' path '..\link\my.ini' leaves the repository root; "
            "it was not opened",
        ),
        (
            "OLC002",
            4,
            "'!include' path 'CON' names the Windows device CON, not a file; it was not opened",
        ),
        (
            "OLC002",
            5,
            "'!includedir' path 'nul' names the Windows device NUL, not a file; it was not opened",
        ),
        (
            "OLC002",
            6,
            "'!include' path 'my.ini:stream' holds ':', which Windows reads as a "
            "drive or a data stream, not a file name; it was not opened",
        ),
    ]
    assert opt.files == ("clusters/prod/master01/my.ini",)


# -- cluster.yaml end to end ---------------------------------------------------------------

CLUSTER = """\
version: 1
name: prod
connect_version: "2021.2"
database:
  node: master01
  option_file: '{option_file}'
nodes:
  - {{name: master01, role: master, address: 10.0.0.1, license: {{edition: performance-pack}}}}
  - {{name: ext01, role: extension, address: 10.0.0.2, license: {{edition: standard}}}}
"""


@pytest.mark.parametrize(
    ("option_file", "message"),
    [
        (r"master01\my.ini", None),
        (r"MASTER01\my.ini", r"option file 'MASTER01\my.ini' does not exist"),
        (
            r"C:\ProgramData\MySQL\MySQL Server 8.0\my.ini",
            r"option file 'C:\ProgramData\MySQL\MySQL Server 8.0\my.ini' is an absolute "
            "path; paths must be relative to the cluster folder",
        ),
        (
            r"\\DB01\c$\ProgramData\MySQL\my.ini",
            r"option file '\\DB01\c$\ProgramData\MySQL\my.ini' is an absolute path; paths "
            "must be relative to the cluster folder",
        ),
        (
            r"..\..\..\outside\my.ini",
            r"option file '..\..\..\outside\my.ini' leaves the repository root; it was not "
            "opened",
        ),
        ("NUL", "option file 'NUL' names the Windows device NUL, not a file; it was not opened"),
    ],
)
def test_cluster_yaml_option_file(
    tree: tuple[Workspace, Path], capsys: pytest.CaptureFixture[str], option_file: str, message
) -> None:
    ws, base = tree
    (base / "cluster.yaml").write_text(CLUSTER.format(option_file=option_file), encoding="utf-8")
    code = main(["check", str(ws.root), "--root", str(ws.root), "--format", "json"])
    out = capsys.readouterr().out
    report = json.loads(out)
    got = [
        (f["rule"], f["location"]["path"], f["location"]["line"], f["message"])
        for f in report["findings"]
    ]
    if message is None:
        assert (code, got) == (0, [])
    else:
        assert (code, got) == (1, [("OLC002", "clusters/prod/cluster.yaml", 6, message)])
    assert "outside-secret" not in out


def test_the_reader_never_opens_a_device(
    tree: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows `CON` exists in every folder; simulate it: the reader must not open it."""
    ws, base = tree
    opened: list[str] = []
    real_open = os.open

    def spy(file, *args, **kwargs):  # the workspace opens every input with os.open
        opened.append(os.path.basename(os.fspath(file)))
        return real_open(file, *args, **kwargs)

    (base / "master01" / "CON").write_text("[mysqld]\nport=1\n")  # what Windows would show
    monkeypatch.setattr("os.open", spy)
    opt = _read(base, ws, "[mysqld]\n!include CON\n")
    assert opened == ["my.ini"]  # never CON
    assert [f.rule for f in opt.diagnostics] == ["OLC002"]
    assert [(o.key, o.value) for o in opt.options] == []


def test_is_absolute_ref_is_pathlibs_verdict_in_either_syntax() -> None:
    """`is_absolute_ref` reads the text: a leading `/` or `\\`, or a letter and `:` (a
    drive). Its pathlib version (POSIX and Windows, absolute or anchored, or a letter and
    `:`) agrees on every string of up to five pieces, except a drive of another character
    than a letter, which pathlib accepts from Python 3.12 (`1:x`): olclint refuses those as
    holding ':' (`windows_name_problem`) on every version."""
    import itertools
    from pathlib import PurePosixPath

    def pathlib_says(ref: str) -> bool:  # the function as it was written with pathlib
        return (
            PurePosixPath(ref).is_absolute()
            or PureWindowsPath(ref).is_absolute()
            or bool(PureWindowsPath(ref).anchor)
            or (len(ref) >= 2 and ref[1] == ":" and ref[0].isalpha())
        )

    pieces = ["/", "\\", ":", "a", "C", "1", ".", " ", "?", "é", "ß", "//", "\\\\", "x/"]
    refs = [ref for n in range(1, 6) for ref in map("".join, itertools.product(pieces, repeat=n))]
    rule = {ref: ref[0] in "/\\" or (ref[1:2] == ":" and ref[0].isalpha()) for ref in refs}
    assert [ref for ref in refs if is_absolute_ref(ref) != rule[ref]] == []
    other_drive = [ref for ref in refs if ref[1:2] == ":" and not ref[0].isalpha()]
    assert all(windows_name_problem(ref) is not None for ref in other_drive if ref[0] not in "/\\")
    skipped = set(other_drive)
    agree = [ref for ref in refs if ref not in skipped]
    assert [ref for ref in agree if pathlib_says(ref) != rule[ref]] == []
