"""Hostile inputs through the command line: each one is a finding with its place, an exit
code and a time bound, never a traceback, a hang, a path outside the root or a secret.

Big files are written at test time into `tmp_path`; nothing large is committed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from olclint.cli.main import main

CLUSTER = """\
version: 1
name: c
connect_version: "2021.2"
database: {node: m, option_file: m/my.ini, grants: m/grants.sql}
nodes:
  - {name: m, role: master, address: 10.0.0.1, license: {edition: performance-pack},
     preferences: m/settings}
  - {name: e, role: extension, address: 10.0.0.2, license: {edition: standard}}
"""
# the lines of CLUSTER that name each input
OPTION_FILE_LINE = GRANTS_LINE = 4
PREFS_LINE = 7

MY_INI = "[mysqld]\nport=3306\n"
GRANTS = "CREATE USER 'root'@'%';\nGRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'%';\n"
PREFS = "merge.local_engines=1\n"

# a bound against hangs and quadratic blow-ups, not a speed measure (that is bench/'s):
# several times what a loaded 2-core machine needs
FAST = 30.0


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clean repository with one cluster `c`: every input kind present and valid."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    settings = root / "c" / "m" / "settings"
    settings.mkdir(parents=True)
    (root / "c" / "cluster.yaml").write_text(CLUSTER)
    (root / "c" / "m" / "my.ini").write_text(MY_INI)
    (root / "c" / "m" / "grants.sql").write_text(GRANTS)
    (settings / "a.prefs").write_text(PREFS)
    return root


@contextmanager
def within(seconds: float) -> Iterator[None]:
    start = time.monotonic()
    yield
    elapsed = time.monotonic() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s, bound {seconds} s"


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    """`olclint check ROOT --format json` with the input rules: the exit code and the report.

    The cluster rules are left out: these tests are about reading; what the cluster rules
    say about this tiny cluster is not their business.
    """
    capsys.readouterr()
    with within(FAST):
        code = main(["check", str(root), *json_args(root), *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)


def found(report: dict) -> list[tuple[str, str, int]]:
    return sorted(
        (f["rule"], f["location"]["path"], f["location"]["line"])
        for f in report["findings"]
        if f["location"]
    )


def messages(report: dict, rule: str) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == rule]


def json_args(root: Path) -> list[str]:
    return ["--root", str(root), "--format", "json", "--select", "OLC00"]


def test_the_fixture_repository_is_clean(repo: Path, capsys) -> None:
    code, report = check(repo, capsys)
    assert (code, report["findings"], report["notifications"]) == (0, [], [])


# -- cluster.yaml: alias bombs, deep nesting, size -------------------------------------------


def test_yaml_alias_bomb_is_refused_quickly(repo: Path, capsys) -> None:
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    (repo / "c/cluster.yaml").write_text("\n".join(lines) + "\n")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC001", "c/cluster.yaml", 1)]
    assert "expands to more than 500000 values" in report["findings"][0]["message"]
    assert code == 1 and report["executionSuccessful"] is True


def test_yaml_with_too_many_values_is_refused_where_the_limit_is_passed(repo: Path, capsys) -> None:
    # one flat list of 600,000 values: refused before it is composed, in bounded memory
    (repo / "c/cluster.yaml").write_text("version: 1\nnodes: [" + "1," * 600_000 + "1]\n")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC001", "c/cluster.yaml", 2)]
    assert messages(report, "OLC001") == ["cluster file holds more than 500000 values; refused"]
    assert code == 1


@pytest.mark.parametrize("depth", [100, 200_000])
def test_deep_yaml_nesting_is_refused_in_a_subprocess(repo: Path, depth: int) -> None:
    # a subprocess: very deep nesting used to overflow libyaml's composer (a crash)
    (repo / "c/cluster.yaml").write_text(
        "version: 1\nname: c\nnodes:\n  " + "[" * depth + "]" * depth
    )
    proc = subprocess.run(
        [sys.executable, "-m", "olclint", "check", str(repo), *json_args(repo)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert found(report) == [("OLC001", "c/cluster.yaml", 4)]
    assert messages(report, "OLC001") == ["cluster file nests deeper than 64 levels; refused"]
    # the top mapping is level 1: the 64th bracket (column 3 + 63) opens level 65
    assert report["findings"][0]["location"]["column"] == 3 + 63


def test_cluster_file_over_the_size_limit(repo: Path, capsys) -> None:
    (repo / "c/cluster.yaml").write_text(CLUSTER + ("#" * 1023 + "\n") * 9 * 1024)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/cluster.yaml", 1)]
    assert "over the limit of 8388608 bytes; it was not read" in messages(report, "OLC002")[0]
    assert code == 1


# -- option files: size, length, includes ----------------------------------------------------


def test_20_mb_option_line_is_over_the_default_limit(repo: Path, capsys) -> None:
    from olclint.readers.workspace import DEFAULT_MAX_FILE_BYTES

    assert DEFAULT_MAX_FILE_BYTES == 8 * 1024 * 1024
    with open(repo / "c/m/my.ini", "wb") as handle:
        handle.write(b"[mysqld]\nport=3306\ninit-connect=")
        handle.write(b"x" * (20 * 1024 * 1024))
        handle.write(b"\n")
    size = (repo / "c/m/my.ini").stat().st_size
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/cluster.yaml", OPTION_FILE_LINE)]
    (message,) = messages(report, "OLC002")
    assert message.startswith(f"option file 'c/m/my.ini' is {size} bytes, over the limit of")
    assert "8388608 bytes; it was not read" in message
    assert code == 1


def test_long_option_line_under_the_limit_is_cut_as_the_server_cuts_it(repo: Path, capsys) -> None:
    (repo / "c/m/my.ini").write_bytes(b"[mysqld]\ninit-connect=" + b"x" * 5_000_000 + b"\n")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC004", "c/m/my.ini", 2)]
    assert "longer than 4094 bytes" in messages(report, "OLC004")[0]
    assert code == 1


def test_200000_line_option_file_is_read_fast(repo: Path, capsys) -> None:
    body = "".join(f"option-{n} = value {n}  # comment\n" for n in range(200_000))
    (repo / "c/m/my.ini").write_text("[mysqld]\n" + body + "[client\n")
    code, report = check(repo, capsys)  # check() asserts the time bound
    assert found(report) == [("OLC003", "c/m/my.ini", 200_002)]
    assert code == 1


def test_include_loop_is_reported_once(repo: Path, capsys) -> None:
    (repo / "c/m/my.ini").write_text("[mysqld]\n!include a.cnf\n")
    (repo / "c/m/a.cnf").write_text("[mysqld]\nport=3306\n!include b.cnf\n")
    (repo / "c/m/b.cnf").write_text("!include a.cnf\n")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC003", "c/m/b.cnf", 1)]
    assert messages(report, "OLC003")[0].startswith(
        "include loop: 'c/m/b.cnf' includes 'c/m/a.cnf', which is already being read"
    )
    assert code == 1


def test_a_file_including_itself(repo: Path, capsys) -> None:
    (repo / "c/m/my.ini").write_text("[mysqld]\n!include my.ini\n")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC003", "c/m/my.ini", 2)]
    assert code == 1


def test_deep_include_chain_stops_at_the_server_depth(repo: Path, capsys) -> None:
    (repo / "c/m/my.ini").write_text("[mysqld]\n!include inc/f1.cnf\n")
    (repo / "c/m/inc").mkdir()
    for n in range(1, 40):
        (repo / f"c/m/inc/f{n}.cnf").write_text(f"[mysqld]\nopt{n}=1\n!include f{n + 1}.cnf\n")
    code, report = check(repo, capsys)
    # my.ini is level 0, f1 level 1 ... f10 is level 10: its directive is skipped
    assert found(report) == [("OLC004", "c/m/inc/f10.cnf", 3)]
    assert "includes nest more than 10 deep" in messages(report, "OLC004")[0]
    assert code == 1


def test_includedir_fan_out_loop_is_bounded(repo: Path, capsys) -> None:
    # every file includes the whole folder: 8 files ** 10 levels without a bound
    (repo / "c/m/my.ini").write_text("[mysqld]\n!includedir d\n")
    (repo / "c/m/d").mkdir()
    for n in range(8):
        (repo / f"c/m/d/f{n}.cnf").write_text("[mysqld]\n!includedir .\n")
    code, report = check(repo, capsys)
    rules = {rule for rule, _, _ in found(report)}
    assert rules == {"OLC003"}
    assert any("more than 4096 files" in m for m in messages(report, "OLC003"))
    assert code == 1


# -- binary garbage in every kind of file ----------------------------------------------------

GARBAGE = bytes(range(256)) * 8 + b"\x00\xff\xfe" * 100 + os.urandom(0)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # the first byte that is not UTF-8 is on line 2 (line 1 ends at byte 0x0a)
        ("c/cluster.yaml", [("OLC001", "c/cluster.yaml", 2)]),
        # lines 1 and 2 hold NUL bytes; line 2 is an option before any group
        (
            "c/m/my.ini",
            [("OLC003", "c/m/my.ini", 2), ("OLC004", "c/m/my.ini", 1), ("OLC004", "c/m/my.ini", 2)],
        ),
        ("c/m/grants.sql", None),
        # Java reads any byte as ISO-8859-1: keys nobody looks up, no finding
        ("c/m/settings/a.prefs", []),
    ],
)
def test_binary_garbage(repo: Path, capsys, target: str, expected) -> None:
    (repo / target).write_bytes(GARBAGE)
    code, report = check(repo, capsys)
    assert report["notifications"] == [] and report["executionSuccessful"] is True
    if expected is not None:
        assert found(report) == expected
        assert code == (1 if expected else 0)
    else:  # every finding is an input diagnostic in that file
        got = found(report)
        assert got and {(rule, path) for rule, path, _ in got} == {("OLC005", target)}
        assert code == 1


def test_random_bytes_in_every_file_at_once(repo: Path, capsys) -> None:
    import random

    rng = random.Random(6)
    for target in ("c/m/my.ini", "c/m/grants.sql", "c/m/settings/a.prefs"):
        (repo / target).write_bytes(bytes(rng.randrange(256) for _ in range(50_000)))
    code, report = check(repo, capsys)
    assert report["notifications"] == []
    assert code == 1
    for fmt in ("sarif", "github", "text"):
        capsys.readouterr()
        assert main(["check", str(repo), "--root", str(repo), "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out  # no terminal escape from a file reaches the terminal


# -- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "problem"),
    [
        ("utf-16", "is UTF-16 text (it starts with a UTF-16 byte order mark)"),
        ("utf-16-le", "is UTF-16 text (every other byte is NUL)"),
        ("utf-8-sig", "starts with a UTF-8 byte order mark"),
    ],
)
def test_option_file_encodings(repo: Path, capsys, encoding: str, problem: str) -> None:
    (repo / "c/m/my.ini").write_bytes(MY_INI.encode(encoding))
    code, report = check(repo, capsys)
    assert found(report) == [("OLC003", "c/m/my.ini", 1)]
    assert problem in messages(report, "OLC003")[0]
    assert code == 1


def test_cluster_file_with_bom_is_read(repo: Path, capsys) -> None:
    (repo / "c/cluster.yaml").write_bytes(CLUSTER.encode("utf-8-sig"))
    code, report = check(repo, capsys)
    assert (code, found(report)) == (0, [])


def test_cluster_file_in_utf16(repo: Path, capsys) -> None:
    (repo / "c/cluster.yaml").write_bytes(CLUSTER.encode("utf-16"))
    code, report = check(repo, capsys)
    assert found(report) == [("OLC001", "c/cluster.yaml", 1)]
    assert messages(report, "OLC001") == ["cluster file is not UTF-8 text; save it as UTF-8"]
    assert code == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_grants_file_encodings_are_read(repo: Path, capsys, encoding: str) -> None:
    (repo / "c/m/grants.sql").write_bytes(GRANTS.encode(encoding))
    code, report = check(repo, capsys)
    assert (code, found(report)) == (0, [])


def test_grants_file_with_a_broken_utf16_bom(repo: Path, capsys) -> None:
    (repo / "c/m/grants.sql").write_bytes(b"\xff\xfe" + GRANTS.encode("utf-16-le") + b"\x00")
    code, report = check(repo, capsys)
    assert ("OLC005", "c/m/grants.sql", 1) in found(report)
    assert code == 1


@pytest.mark.parametrize(
    ("encoding", "problem"),
    [
        ("utf-16", "is UTF-16 text (it starts with a UTF-16 byte order mark)"),
        ("utf-16-le", "is UTF-16 text (every other byte is NUL)"),
        ("utf-8-sig", "the mark becomes part of the first key"),
    ],
)
def test_prefs_file_encodings(repo: Path, capsys, encoding: str, problem: str) -> None:
    (repo / "c/m/settings/a.prefs").write_bytes(PREFS.encode(encoding))
    code, report = check(repo, capsys)
    assert found(report) == [("OLC005", "c/m/settings/a.prefs", 1)]
    assert problem in messages(report, "OLC005")[0]
    assert code == 1


def test_prefs_in_latin1_is_not_an_encoding_problem(repo: Path, capsys) -> None:
    (repo / "c/m/settings/a.prefs").write_bytes("# Préférences\n".encode("latin-1") + b"a=1\n")
    code, report = check(repo, capsys)
    assert (code, found(report)) == (0, [])


# -- paths: symlinks and `..` out of the root, vanishing and unreadable files -----------------


def test_symlinked_option_file_out_of_the_root_is_not_opened(
    repo: Path, tmp_path: Path, capsys
) -> None:
    outside = tmp_path / "outside.ini"
    outside.write_text("[mysqld]\npassword=outside-secret\n")
    (repo / "c/m/my.ini").unlink()
    (repo / "c/m/my.ini").symlink_to(outside)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/cluster.yaml", OPTION_FILE_LINE)]
    assert "leaves the repository root; it was not opened" in messages(report, "OLC002")[0]
    assert "outside-secret" not in json.dumps(report)
    assert code == 1


def test_symlinked_prefs_folder_and_file_out_of_the_root(
    repo: Path, tmp_path: Path, capsys
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.prefs").write_text("merge.local_engines=1\n")
    (repo / "c/m/settings/b.prefs").symlink_to(outside / "x.prefs")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/cluster.yaml", PREFS_LINE)]
    assert "b.prefs" in messages(report, "OLC002")[0]
    assert code == 1
    (repo / "c/m/settings/b.prefs").unlink()
    for name in ("a.prefs",):
        (repo / "c/m/settings" / name).unlink()
    (repo / "c/m/settings").rmdir()
    (repo / "c/m/settings").symlink_to(outside)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/cluster.yaml", PREFS_LINE)]
    assert "leaves the repository root" in messages(report, "OLC002")[0]
    assert code == 1


def test_symlinked_include_out_of_the_root(repo: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "evil.cnf").write_text("[mysqld]\nport=1\n")
    (repo / "c/m/inc.cnf").symlink_to(tmp_path / "evil.cnf")
    (repo / "c/m/d").mkdir()
    (repo / "c/m/d/evil.cnf").symlink_to(tmp_path / "evil.cnf")
    (repo / "c/m/my.ini").write_text("[mysqld]\n!include inc.cnf\n!includedir d\n")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/m/my.ini", 2), ("OLC002", "c/m/my.ini", 3)]
    assert all("leaves the repository root" in m for m in messages(report, "OLC002"))
    assert code == 1


@pytest.mark.parametrize(
    ("key", "line"),
    [("option_file", OPTION_FILE_LINE), ("grants", GRANTS_LINE)],
)
def test_dotdot_out_of_the_root(repo: Path, tmp_path: Path, capsys, key: str, line: int) -> None:
    (tmp_path / "outside.sql").write_text("GRANT ALL ON *.* TO 'x'@'%' IDENTIFIED BY 'leak';\n")
    text = CLUSTER.replace(
        f"{key}: m/{'my.ini' if key == 'option_file' else 'grants.sql'}",
        f"{key}: ../../outside.sql",
    )
    (repo / "c/cluster.yaml").write_text(text)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/cluster.yaml", line)]
    assert messages(report, "OLC002") == [
        f"{'option file' if key == 'option_file' else 'grants file'} '../../outside.sql' "
        "leaves the repository root; it was not opened"
    ]
    assert code == 1


def test_dotdot_include_out_of_the_root(repo: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "outside.cnf").write_text("[mysqld]\nport=1\n")
    (repo / "c/m/my.ini").write_text("[mysqld]\n!include ../../../outside.cnf\n")
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/m/my.ini", 2)]
    assert "leaves the repository root" in messages(report, "OLC002")[0]
    assert code == 1


@pytest.mark.parametrize(
    ("target", "where"),
    [
        ("c/m/my.ini", ("c/cluster.yaml", OPTION_FILE_LINE)),
        ("c/m/grants.sql", ("c/cluster.yaml", GRANTS_LINE)),
        ("c/m/settings/a.prefs", ("c/cluster.yaml", PREFS_LINE)),
        ("c/cluster.yaml", ("c/cluster.yaml", 1)),
    ],
)
def test_file_that_disappears_before_it_is_read(
    repo: Path, capsys, monkeypatch, target: str, where: tuple[str, int]
) -> None:
    from olclint.readers import workspace as workspace

    real = workspace.Workspace.read_bytes

    def vanish(self, path, at, what):
        if Path(path).resolve() == (repo / target).resolve():
            Path(path).unlink()
        return real(self, path, at, what)

    monkeypatch.setattr(workspace.Workspace, "read_bytes", vanish)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", *where)]
    assert "cannot be read: No such file or directory" in messages(report, "OLC002")[0]
    assert report["notifications"] == []
    assert code == 1


@pytest.mark.parametrize(
    ("target", "where"),
    [
        ("c/m/my.ini", ("c/cluster.yaml", OPTION_FILE_LINE)),
        ("c/m/grants.sql", ("c/cluster.yaml", GRANTS_LINE)),
        ("c/m/settings/a.prefs", ("c/cluster.yaml", PREFS_LINE)),
        ("c/cluster.yaml", ("c/cluster.yaml", 1)),
    ],
)
def test_file_that_cannot_be_opened(
    repo: Path, capsys, monkeypatch, target: str, where: tuple[str, int]
) -> None:
    # tests may run as root, where chmod 000 does not stop a read: refuse the open itself
    real_open = os.open
    denied = (repo / target).resolve()

    def guarded(file, *args, **kwargs):
        if isinstance(file, (str, Path)) and Path(file).resolve() == denied:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", *where)]
    assert "cannot be read: Permission denied" in messages(report, "OLC002")[0]
    assert code == 1


def test_folder_in_place_of_files(repo: Path, capsys) -> None:
    (repo / "c/m/my.ini").unlink()
    (repo / "c/m/my.ini").mkdir()
    (repo / "c/m/grants.sql").unlink()
    (repo / "c/m/grants.sql").mkdir()
    (repo / "c/m/settings/b.prefs").mkdir()
    code, report = check(repo, capsys)
    assert found(report) == [
        ("OLC002", "c/cluster.yaml", GRANTS_LINE),
        ("OLC002", "c/cluster.yaml", OPTION_FILE_LINE),
        ("OLC002", "c/cluster.yaml", PREFS_LINE),
    ]
    got = messages(report, "OLC002")
    assert "option file 'm/my.ini' is not a file" in got
    assert "grants file 'm/grants.sql' is not a file" in got
    assert (
        "preference file 'c/m/settings/b.prefs' is not a regular file (a folder); it was not opened"
        in got
    )
    assert code == 1


def test_unlistable_includedir(repo: Path, capsys, monkeypatch) -> None:
    from olclint.readers import optionfile as optionfile

    (repo / "c/m/d").mkdir()
    (repo / "c/m/my.ini").write_text("[mysqld]\n!includedir d\n")

    real = os.listdir
    denied = (repo / "c/m/d").resolve()

    def refuse(path="."):
        if Path(path).resolve() == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(optionfile.os, "listdir", refuse)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC003", "c/m/my.ini", 2)]
    assert "cannot be listed (Permission denied)" in messages(report, "OLC003")[0]
    assert code == 1


# -- usage errors ----------------------------------------------------------------------------


def test_unlistable_preferences_folder(repo: Path, capsys, monkeypatch) -> None:
    real = os.listdir
    denied = (repo / "c/m/settings").resolve()

    def refuse(path="."):
        if Path(path).resolve() == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", refuse)
    code, report = check(repo, capsys)
    assert found(report) == [("OLC002", "c/cluster.yaml", PREFS_LINE)]
    assert messages(report, "OLC002") == [
        "m: preferences folder 'm/settings' cannot be listed: Permission denied"
    ]
    assert report["notifications"] == []
    assert code == 1


def test_missing_path_argument_exits_2(repo: Path, capsys) -> None:
    missing = repo / "no-such-folder"
    with within(FAST):
        code = main(["check", str(missing), "--root", str(repo)])
    out = capsys.readouterr().out
    assert code == 2
    assert f"{missing}: no such file or folder" in out


def test_folder_without_clusters_exits_2(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "sub" / "my.ini").write_text(MY_INI)
    with within(FAST):
        code = main(["check", str(tmp_path / "empty"), "--root", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    assert report["executionSuccessful"] is False
    assert [n["message"] for n in report["notifications"]] == [
        f"usage: {tmp_path / 'empty'}: no cluster.yaml in this folder or below"
    ]


def test_graph_of_a_missing_path_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["graph", str(tmp_path / "nope"), "--root", str(tmp_path)]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_missing_root_exits_2(repo: Path, capsys) -> None:
    assert main(["check", str(repo), "--root", str(repo / "nope")]) == 2
    assert "--root" in capsys.readouterr().err


# -- isolation: one broken cluster never hides the others --------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_one_broken_cluster_never_hides_the_others(
    tmp_path: Path, capsys, monkeypatch, fmt
) -> None:
    from olclint.model import build as build

    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name in ("a1", "b2", "c3", "d4", "e5"):
        folder = root / name
        (folder / "m/settings").mkdir(parents=True)
        (folder / "cluster.yaml").write_text(CLUSTER.replace("name: c", f"name: {name}"))
        (folder / "m/grants.sql").write_text(GRANTS)
        (folder / "m/settings/a.prefs").write_text(PREFS)
        # each cluster has its own finding: a group name with a space, on its own line
        (folder / "m/my.ini").write_text(MY_INI + "\n" * int(name[1]) + "[ client ]\n")
    (root / "b2/cluster.yaml").write_text("version: 1\nname: [b2\n")  # broken input
    real = build.build_cluster

    def crash_on_c3(ws, path, *args, **kwargs):
        if path.parent.name == "c3":
            raise RuntimeError("a bug while building c3")
        return real(ws, path, *args, **kwargs)

    monkeypatch.setattr(build, "build_cluster", crash_on_c3)
    capsys.readouterr()
    with within(FAST):
        code = main(["check", str(root), "--root", str(root), "--format", fmt, "--select", "OLC00"])
    out = capsys.readouterr().out
    assert code == 2  # olclint itself failed on c3
    expected = {
        "a1/m/my.ini": 4,
        "b2/cluster.yaml": 3,
        "d4/m/my.ini": 7,
        "e5/m/my.ini": 8,
    }
    if fmt == "json":
        report = json.loads(out)
        assert found(report) == sorted(
            [("OLC004", p, n) for p, n in expected.items() if p.endswith("my.ini")]
            + [("OLC001", "b2/cluster.yaml", 3)]
        )
        assert report["executionSuccessful"] is False
        (note,) = report["notifications"]
        assert note["message"] == "checking c3/cluster.yaml failed (RuntimeError)"
    elif fmt == "sarif":
        run = json.loads(out)["runs"][0]
        got = sorted(
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in run["results"]
        )
        assert got == sorted(expected.items())
        assert run["invocations"][0]["executionSuccessful"] is False
        notes = run["invocations"][0]["toolExecutionNotifications"]
        assert [n["message"]["text"] for n in notes] == [
            "checking c3/cluster.yaml failed (RuntimeError)"
        ]
    else:
        for path, line in expected.items():
            # text and GitHub name files relative to the current folder, here outside the root
            shown = f"{path}:{line}:" if fmt == "text" else f"{path},line={line},"
            assert shown in out, (shown, out)
        assert "checking c3/cluster.yaml failed (RuntimeError)" in out
    assert "a bug while building c3" not in out  # exception text may hold file content


def test_40000_line_grants_and_prefs_files_are_read_in_bounded_time(repo: Path, capsys) -> None:
    statements = "".join(
        f"CREATE USER 'u{n}'@'10.0.{n % 250}.%' IDENTIFIED BY 'pw{n}';\n" for n in range(20_000)
    )
    grants = "".join(
        f"GRANT SELECT ON db{n}.* TO 'u{n}'@'10.0.{n % 250}.%';\n" for n in range(20_000)
    )
    (repo / "c/m/grants.sql").write_text(statements + grants + GRANTS)
    (repo / "c/m/settings/a.prefs").write_text(
        "".join(f"key.{n}=value {n}\\\n  continued\n" for n in range(20_000)) + PREFS
    )
    code, report = check(repo, capsys)  # asserts the time bound
    assert (code, found(report)) == (0, [])
