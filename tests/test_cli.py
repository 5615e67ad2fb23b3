"""The command line end to end: formats, exit codes, several clusters, broken inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olclint import __version__
from olclint.cli.main import main

GOOD = """\
version: 1
name: {name}
connect_version: "2021.2"
database: {{node: m, option_file: m/my.ini}}
nodes:
  - {{name: m, role: master, address: 10.0.0.1, license: {{edition: performance-pack}}}}
  - {{name: e, role: extension, address: 10.0.0.2, license: {{edition: standard}}}}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name in ("alpha", "beta", "gamma"):
        (tmp_path / "clusters" / name / "m").mkdir(parents=True)
        (tmp_path / "clusters" / name / "cluster.yaml").write_text(GOOD.format(name=name))
        (tmp_path / "clusters" / name / "m" / "my.ini").write_text("[mysqld]\nport=3306\n")
    return tmp_path


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"olclint {__version__}"


def test_clean_repository_exits_0(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(repo), "--format", "json"]) == 0
    report = _json(capsys)
    assert report["findings"] == [] and report["executionSuccessful"] is True


def test_broken_inputs_do_not_hide_other_clusters(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "clusters/alpha/cluster.yaml").write_text("version: 1\nname: [alpha\n")
    (repo / "clusters/beta/m/my.ini").write_bytes("[mysqld]\nport=3306\n".encode("utf-16"))
    (repo / "clusters/gamma/m/my.ini").unlink()
    assert main(["check", str(repo), "--format", "json"]) == 1
    got = [
        (f["rule"], f["location"]["path"], f["location"]["line"], f["cluster"])
        for f in _json(capsys)["findings"]
    ]
    assert got == [
        ("OLC001", "clusters/alpha/cluster.yaml", 3, "alpha"),
        ("OLC003", "clusters/beta/m/my.ini", 1, "beta"),
        ("OLC002", "clusters/gamma/cluster.yaml", 4, "gamma"),
    ]


def test_missing_path_is_a_usage_error_but_the_rest_is_checked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "clusters/beta/cluster.yaml").write_text("version: 1\n")
    code = main(["check", str(repo / "clusters/beta"), str(repo / "nope"), "--format", "json"])
    report = _json(capsys)
    assert code == 2
    assert report["executionSuccessful"] is False
    assert [n["message"] for n in report["notifications"]] == [
        f"usage: {repo / 'nope'}: no such file or folder"
    ]
    assert {f["rule"] for f in report["findings"]} == {"OLC001"}


def test_folder_without_clusters_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path), "--root", str(tmp_path)]) == 2
    assert "no cluster.yaml in this folder or below" in capsys.readouterr().out


def test_fail_on_threshold(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "clusters/alpha/m/my.ini").write_text("[ mysqld ]\nport=3306\n")
    assert main(["check", str(repo), "--format", "json"]) == 1
    assert [f["level"] for f in _json(capsys)["findings"]] == ["warning"]
    assert main(["check", str(repo), "--fail-on", "error"]) == 0
    assert main(["check", str(repo), "--fail-on", "never"]) == 0
    assert main(["check", str(repo), "--fail-on", "note"]) == 1


def test_select_and_ignore(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "clusters/alpha/m/my.ini").write_text("[ mysqld ]\nport=3306\n")
    assert main(["check", str(repo), "--ignore", "OLC004"]) == 0
    assert main(["check", str(repo), "--select", "OLC00", "--ignore", "OptionFileLineIgnored"]) == 0
    assert main(["check", str(repo), "--select", "OLC004"]) == 1
    capsys.readouterr()
    assert main(["check", str(repo), "--select", "OLC999"]) == 2
    assert "matches no rule" in capsys.readouterr().err


def test_output_file_and_sarif(repo: Path, tmp_path: Path) -> None:
    from sarif_oracle import validate_schema

    (repo / "clusters/alpha/cluster.yaml").write_text("version: 2\nname: alpha\n")
    out = tmp_path / "out.sarif"
    assert main(["check", str(repo), "--format", "sarif", "--output", str(out)]) == 1
    doc = json.loads(out.read_text())
    validate_schema(doc)
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"OLC001"}
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "clusters/alpha/cluster.yaml", "uriBaseId": "%SRCROOT%"}


def test_a_rule_that_raises_is_reported_and_others_still_run(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from olclint import rules as registry

    def boom(ctx):
        raise RuntimeError("secret value hunter2")

    broken = tuple(
        dataclasses.replace(r, check=boom) if r.id == "OLC003" else r for r in registry.all_rules()
    )
    monkeypatch.setattr(registry, "all_rules", lambda: broken)
    (repo / "clusters/alpha/cluster.yaml").write_text("version: 2\nname: alpha\n")
    assert main(["check", str(repo), "--format", "json"]) == 2
    report = _json(capsys)
    assert report["executionSuccessful"] is False
    assert {f["rule"] for f in report["findings"]} == {"OLC001"}
    messages = [n["message"] for n in report["notifications"]]
    assert len(messages) == 3  # input rules run on broken cluster files too
    assert all("rule OLC003 OptionFileError failed" in m for m in messages)
    assert "hunter2" not in json.dumps(report)


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    catalog = json.loads(capsys.readouterr().out)
    assert {"id": "OLC001", "name": "InvalidClusterFile", "level": "error"}.items() <= catalog[
        0
    ].items()
    assert main(["explain", "olc003"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# OLC003 OptionFileError\n")
    assert "## How to fix" in page
    assert main(["explain", "MissingInputFile"]) == 0
    assert capsys.readouterr().out.startswith("# OLC002 MissingInputFile")
    assert main(["explain", "OLC999"]) == 2


def test_graph_command(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(repo / "clusters/alpha"), "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("flowchart LR\n")
    assert main(["graph", str(repo)]) == 2  # three clusters: name one


def test_python_dash_m(repo: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "olclint", "check", str(repo)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "No problems found."


def test_usage_problems_are_said_on_stderr_too(repo: Path, capsys) -> None:
    assert main(["check", str(repo / "nope"), "--format", "sarif", "--root", str(repo)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"olclint: error: usage: {repo / 'nope'}: no such file or folder\n"
    assert json.loads(captured.out)["runs"][0]["invocations"][0]["executionSuccessful"] is False
