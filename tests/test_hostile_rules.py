"""The security rules (OLC5xx) on trees built at test time: file modes cannot be committed
(git keeps only the executable bit), so OLC502's failing cases are made here."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from olclint.cli.main import main
from olclint.readers.optionfile import read_option_file
from olclint.readers.workspace import Workspace

TEMPLATE = Path(__file__).parent / "fixtures" / "hostile" / "olc502"


@pytest.fixture
def collected(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root)
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    return root


def _run(root: Path, capsys) -> tuple[int, list[tuple[str, str, int, str]], str]:
    capsys.readouterr()
    code = main(
        ["check", str(root), "--root", str(root), "--format", "json", "--select", "OLC00,OLC5"]
    )
    out = capsys.readouterr().out
    report = json.loads(out)
    found = sorted(
        (f["rule"], f["location"]["path"], f["location"]["line"], f["message"])
        for f in report["findings"]
    )
    return code, found, out


def test_the_reader_keeps_the_mode_of_every_file_it_read(collected: Path) -> None:
    (collected / "master01/client.cnf").chmod(0o600)
    opt = read_option_file(Workspace(collected), collected / "master01/my.ini")
    assert [(path, mode & 0o7777) for path, mode in opt.modes] == [
        ("master01/my.ini", 0o644),
        ("master01/client.cnf", 0o600),
        ("master01/server.cnf", 0o644),
    ]


def _cannot_judge(path: str, why: str) -> str:
    return (
        f"{path} holds a password option ('password' in [client]), but olclint cannot judge "
        f"who may read it: {why}; check its permissions on the database server, or collect "
        "the files with their modes (rsync -a, tar -p)"
    )


CHECKOUT = "every file of the option file has a git checkout default mode"
NO_MODES = "no mode was collected with it (read on Windows, or not from a file)"


def test_checkout_modes_are_not_judged_but_said(collected: Path, capsys) -> None:
    code, found, out = _run(collected, capsys)
    # a note, not a pass or a warning: the gate (warning) does not fail
    assert (code, found) == (
        0,
        [("OLC502", "master01/client.cnf", 3, _cannot_judge("master01/client.cnf", CHECKOUT))],
    )
    assert json.loads(out)["findings"][0]["level"] == "note"
    assert "s3cr3t" not in out


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o666])
def test_on_windows_no_mode_is_judged(
    collected: Path, capsys, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    """Windows gives every file st_mode 0o666 whatever its ACL: the reader keeps no mode,
    and OLC502 says it cannot judge, whatever the (simulated) mode on disk."""
    from olclint.core import platform

    (collected / "master01/my.ini").chmod(0o600)
    (collected / "master01/client.cnf").chmod(mode)
    monkeypatch.setattr(platform, "WINDOWS", True)
    assert read_option_file(Workspace(collected), collected / "master01/my.ini").modes == ()
    code, found, _ = _run(collected, capsys)
    assert (code, found) == (
        0,
        [("OLC502", "master01/client.cnf", 3, _cannot_judge("master01/client.cnf", NO_MODES))],
    )


def test_world_readable_password_file_in_a_collected_tree(collected: Path, capsys) -> None:
    # my.ini kept 0600 from the server: the modes were collected; client.cnf is 0644
    (collected / "master01/my.ini").chmod(0o600)
    code, found, out = _run(collected, capsys)
    assert found == [
        (
            "OLC502",
            "master01/client.cnf",
            3,
            "master01/client.cnf holds a password option ('password' in [client]) and its "
            "collected mode 0644 lets every user read it; make it readable by its owner "
            "only (chmod 600)",
        )
    ]
    assert code == 1
    assert "s3cr3t" not in out


def test_a_lone_file_with_a_mode_git_never_gives(collected: Path, capsys) -> None:
    (collected / "master01/my.ini").write_text("[client]\npassword=s3cr3t-lone\n")
    (collected / "master01/my.ini").chmod(0o666)
    code, found, _ = _run(collected, capsys)
    assert [(r, p, n) for r, p, n, _ in found] == [("OLC502", "master01/my.ini", 2)]
    assert "collected mode 0666 lets every user read and write it;" in found[0][3]
    assert code == 1


def test_owner_only_files_and_options_without_a_password_value(collected: Path, capsys) -> None:
    for name in ("my.ini", "client.cnf"):
        (collected / "master01" / name).chmod(0o600)
    # server.cnf is world-readable, but `loose-password` and `password=` hold no password
    (collected / "master01/server.cnf").chmod(0o604)
    code, found, _ = _run(collected, capsys)
    assert (code, found) == (0, [])


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_group_readable_is_not_world_readable(collected: Path, capsys) -> None:
    (collected / "master01/my.ini").chmod(0o600)
    (collected / "master01/client.cnf").chmod(0o640)
    code, found, _ = _run(collected, capsys)
    assert (code, found) == (0, [])


# -- OLC503 beyond the fixture cases -------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "version", "host", "fires"),
    [
        ("mysql", "8.0.36", "10.0.0.0/8", True),
        ("mysql", "8.0.22", "10.0.0.0/8", False),  # no CIDR before 8.0.23: matches nothing
        ("mariadb", "10.11.6", "10.0.0.0/8", False),
        ("mariadb", "10.11.6", "10.0.0.0/255.255.0.0", True),
        ("mariadb", "10.11.6", "192.168.1_.%", True),
        ("mariadb", "10.11.6", "192.168.100%", False),  # only 192.168.100.x
        ("mariadb", "10.11.6", "192.168.1%", True),  # 192.168.1.x, .10-19.x, .100-199.x
        ("mariadb", "10.11.6", "%", False),  # any host: OLC112
        ("mariadb", "10.11.6", "%.corp.example", False),  # host names are not judged
    ],
)
def test_root_from_subnet_per_engine(
    tmp_path: Path, capsys, engine: str, version: str, host: str, fires: bool
) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "cluster.yaml").write_text(
        "version: 1\nname: r\n"
        f"database: {{engine: {engine}, server_version: '{version}', node: m, "
        "grants: db/grants.sql}\n"
        "nodes:\n  - {name: m, role: master, address: 10.0.0.1, "
        "license: {edition: enterprise}}\n"
    )
    (tmp_path / "db/grants.sql").write_text(
        f"CREATE USER 'root'@'{host}';\nGRANT ALL PRIVILEGES ON *.* TO 'root'@'{host}';\n"
    )
    capsys.readouterr()
    main(
        ["check", str(tmp_path), "--root", str(tmp_path), "--format", "json", "--select", "OLC503"]
    )
    report = json.loads(capsys.readouterr().out)
    got = [(f["rule"], f["location"]["line"]) for f in report["findings"]]
    assert got == ([("OLC503", 1)] if fires else [])
    if fires:
        (related,) = report["findings"][0]["related"]
        assert related["location"]["line"] == 2
        assert related["message"] == "ALL PRIVILEGES on *.* granted here"
