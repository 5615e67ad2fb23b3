import os
from pathlib import Path

import pytest

from olclint.core.findings import Location
from olclint.readers.workspace import Workspace, find_root, is_absolute_ref


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "repo" / "c1" / "db").mkdir(parents=True)
    (tmp_path / "repo" / "c1" / "db" / "my.ini").write_text("[mysqld]\n")
    (tmp_path / "outside.ini").write_text("[mysqld]\n")
    return tmp_path / "repo"


WHERE = Location("c1/cluster.yaml", 5, 16)


@pytest.mark.parametrize(
    "ref", ["/etc/mysql/my.cnf", "C:/ProgramData/MySQL/my.ini", "C:\\x\\my.ini", "\\\\srv\\s"]
)
def test_absolute_paths_are_refused(repo: Path, ref: str) -> None:
    path, problems = Workspace(repo).resolve(repo / "c1", ref, WHERE, "option file")
    assert path is None
    assert [(p.rule, p.location) for p in problems] == [("OLC002", WHERE)]
    assert "absolute path" in problems[0].message
    assert is_absolute_ref(ref)


def test_dotdot_out_of_the_root_is_refused(repo: Path) -> None:
    path, problems = Workspace(repo).resolve(repo / "c1", "../../outside.ini", WHERE, "option file")
    assert path is None
    assert "leaves the repository root" in problems[0].message


def test_symlink_out_of_the_root_is_refused_and_not_read(repo: Path) -> None:
    os.symlink(repo.parent / "outside.ini", repo / "c1" / "link.ini")
    ws = Workspace(repo)
    path, problems = ws.resolve(repo / "c1", "link.ini", WHERE, "option file")
    assert path is None
    assert "leaves the repository root" in problems[0].message
    data, problems = ws.read_bytes(repo / "c1" / "link.ini", WHERE, "option file")
    assert data is None and problems[0].rule == "OLC002"


def test_missing_and_wrong_kind(repo: Path) -> None:
    ws = Workspace(repo)
    assert "does not exist" in ws.resolve(repo / "c1", "db/nope.ini", WHERE, "f")[1][0].message
    assert "is not a file" in ws.resolve(repo / "c1", "db", WHERE, "f")[1][0].message
    assert (
        "is not a folder"
        in ws.resolve(repo / "c1", "db/my.ini", WHERE, "f", kind="dir")[1][0].message
    )
    path, problems = ws.resolve(repo / "c1", "db/my.ini", WHERE, "f")
    assert problems == [] and path == repo / "c1" / "db" / "my.ini"


def test_size_limit_is_a_finding(repo: Path) -> None:
    ws = Workspace(repo, max_file_bytes=4)
    data, problems = ws.read_bytes(repo / "c1" / "db" / "my.ini", WHERE, "option file")
    assert data is None
    assert problems[0].rule == "OLC002"
    assert "over the limit of 4 bytes" in problems[0].message


@pytest.mark.parametrize(("size", "limit", "read"), [(9, 9, True), (9, 8, False)])
def test_a_file_that_grows_after_its_stat_is_read_whole_or_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch, size: int, limit: int, read: bool
) -> None:
    """The read is sized by the stat; a file longer than its stat said is read on to the
    limit, and one that passes the limit is refused."""
    path = repo / "c1" / "db" / "my.ini"
    path.write_bytes(b"x" * size)
    real_stat = os.stat

    def stale(target, *args, **kwargs):
        st = real_stat(target, *args, **kwargs)
        if Path(target) == path:
            fields = list(st)
            fields[6] = 2  # st_size as it was before the file grew
            return os.stat_result(fields)
        return st

    monkeypatch.setattr(os, "stat", stale)
    data, problems = Workspace(repo, max_file_bytes=limit).read_bytes(path, WHERE, "option file")
    if read:
        assert (data, problems) == (b"x" * size, [])
    else:
        assert data is None
        assert f"grew over the limit of {limit} bytes while read" in problems[0].message


def test_a_folder_is_not_opened_as_a_file(repo: Path) -> None:
    ws = Workspace(repo)
    data, problems = ws.read_bytes(repo / "c1" / "db", WHERE, "option file")
    assert data is None
    assert [p.message for p in problems] == [
        "option file 'c1/db' is not a regular file (a folder); it was not opened"
    ]


def test_remembered_lines_are_redacted(repo: Path) -> None:
    ws = Workspace(repo)
    ws.remember("c1/db/my.ini", "[client]\npassword=hunter2\nport=3306\n")
    assert ws.sources["c1/db/my.ini"][1:3] == ["password=********", "port=3306"]
    assert len(ws.sources["c1/db/my.ini"]) == 3


def test_root_is_the_git_top(repo: Path) -> None:
    assert find_root(repo / "c1" / "db" / "my.ini") == repo / "c1" / "db"
    (repo / ".git").mkdir()
    assert find_root(repo / "c1" / "db" / "my.ini") == repo


def test_remembered_lines_follow_the_readers_line_breaks(repo: Path) -> None:
    ws = Workspace(repo)
    ws.remember("a.prefs", "a=1\rb=2\r\nc=\x0c3\n")
    assert ws.sources["a.prefs"] == ["a=1", "b=2", "c=\x0c3"]
    ws.remember("my.ini", "[mysqld]\r\nport=1\rx\n", lf_only=True)
    assert ws.sources["my.ini"] == ["[mysqld]", "port=1\rx"]


def test_a_secret_on_the_line_after_identified_by_is_redacted(repo: Path) -> None:
    ws = Workspace(repo)
    ws.remember("g.sql", "CREATE USER 'u'@'%' IDENTIFIED BY\n  'hunter2';\nSELECT 1;\n")
    assert ws.sources["g.sql"] == [
        "CREATE USER 'u'@'%' IDENTIFIED BY",
        "  '********';",
        "SELECT 1;",
    ]
    ws.remember("h.sql", "GRANT ALL ON *.* TO u IDENTIFIED BY 'a\nb';\nnext\n")
    assert len(ws.sources["h.sql"]) == 3 and ws.sources["h.sql"][2] == "next"


def test_paths_under_the_root_slash_are_relative_to_it() -> None:
    ws = Workspace(Path("/"))
    assert [ws.rel(Path(p)) for p in ("/etc/hosts", "//etc/hosts", "/")] == [
        "etc/hosts",
        "etc/hosts",
        ".",
    ]


def test_real_paths_from_resolved_parents_are_those_of_realpath(tmp_path: Path) -> None:
    """A folder's real path is built from its parent's (one lstat per new folder); it is
    what os.path.realpath gives for the folder, through links, dangling links and loops."""
    import random

    root = tmp_path / "r"
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "x").mkdir()
    os.symlink(root / "a" / "b", root / "x" / "lb")
    os.symlink("../a", root / "x" / "rel")
    os.symlink(root / "nowhere", root / "x" / "dang")
    os.symlink(root / "x" / "lb", root / "a" / "loop2")
    os.symlink("loopy", root / "x" / "loopy")

    def reference(path: Path) -> str:  # the folder by realpath, the name by islink
        folder, name = os.path.split(os.path.abspath(path))
        full = os.path.join(os.path.realpath(folder), name)
        return os.path.realpath(full) if os.path.islink(full) else full

    names = ["a", "b", "c", "x", "lb", "rel", "dang", "loop2", "missing", "..", ".", "loopy"]
    rng = random.Random(7)
    differ = []
    for _ in range(100):
        ws = Workspace(root)  # a new memo now and then, filled in another order
        for _ in range(100):
            path = root.joinpath(*(rng.choice(names) for _ in range(rng.randint(1, 6))))
            if ws._realpath(path) != reference(path):
                differ.append(path)
    assert differ == []
