from pathlib import Path

from olclint.readers.discover import discover


def _repo(tmp_path: Path) -> Path:
    for name in ("a", "b/c"):
        folder = tmp_path / "clusters" / name
        (folder / "db").mkdir(parents=True)
        (folder / "cluster.yaml").write_text("version: 1\n")
        (folder / "db" / "my.ini").write_text("[mysqld]\n")
    (tmp_path / "clusters" / ".hidden").mkdir()
    (tmp_path / "clusters" / ".hidden" / "cluster.yaml").write_text("version: 1\n")
    (tmp_path / "README.md").write_text("hello\n")
    return tmp_path


def test_folder_is_searched_recursively_skipping_hidden(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    found = discover([str(root)], root)
    assert [p.relative_to(root).as_posix() for p in found.clusters] == [
        "clusters/a/cluster.yaml",
        "clusters/b/c/cluster.yaml",
    ]
    assert found.errors == ()


def test_a_collected_file_selects_its_cluster_once(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    paths = [
        str(root / "clusters/b/c/db/my.ini"),
        str(root / "clusters/b/c/cluster.yaml"),
        str(root / "clusters/a/db/my.ini"),
    ]
    found = discover(paths, root)
    assert [p.relative_to(root).as_posix() for p in found.clusters] == [
        "clusters/b/c/cluster.yaml",
        "clusters/a/cluster.yaml",
    ]


def test_usage_errors(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "empty").mkdir()
    found = discover([str(root / "nope"), str(root / "empty"), str(root / "README.md")], root)
    assert found.clusters == ()
    assert [e.split(": ", 1)[1] for e in found.errors] == [
        "no such file or folder",
        "no cluster.yaml in this folder or below",
        "no cluster.yaml in its folder or above it",
    ]
