"""`olclint check FILE...`: changed files select the clusters that hold them (the pre-commit
hook passes them); a file outside every cluster folder is skipped with a note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_config import CLUSTER_DIR, ONLY_INPUT_RULES, findings, make_repo, run


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_repo(tmp_path)
    other = tmp_path / "clusters" / "staging"
    other.mkdir(parents=True)
    (other / "cluster.yaml").write_text(
        "version: 1\n"
        "name: staging\n"
        "database: {node: m}\n"
        "nodes:\n"
        "  - {name: m, role: master, address: 10.0.0.1, preferences: nope}\n"
    )
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "other.ini").write_text("[x]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_changed_files_select_their_cluster(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "json", *ONLY_INPUT_RULES], capsys)
    assert findings(out) == [("OLC002", "error", "clusters/staging/cluster.yaml", 5)]
    assert code == 1
    changed = [f"{CLUSTER_DIR}/master01/my.ini", f"{CLUSTER_DIR}/ext01/settings/connect.prefs"]
    code, out, _ = run(["check", "--format", "json", *ONLY_INPUT_RULES, *changed], capsys)
    assert (code, findings(out)) == (0, [])
    code, out, _ = run(["check", *ONLY_INPUT_RULES, "clusters/staging/cluster.yaml"], capsys)
    assert code == 1


def test_a_file_outside_every_cluster_is_skipped_with_a_note(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--format", "json", *ONLY_INPUT_RULES, "tools/other.ini"]
    code, out, _ = run([*args, f"{CLUSTER_DIR}/master01/grants.sql"], capsys)
    report = json.loads(out)
    assert report["notifications"] == [
        {
            "level": "note",
            "message": "skipped tools/other.ini: no cluster.yaml in its folder or above it",
            "rule": None,
            "exception": None,
        }
    ]
    assert (code, report["findings"], report["executionSuccessful"]) == (0, [], True)
    code, out, _ = run(["check", *ONLY_INPUT_RULES, "tools/other.ini"], capsys)
    assert (code, out) == (
        0,
        "olclint: note: skipped tools/other.ini: no cluster.yaml in its folder or above it\n"
        "No cluster was checked.\n",
    )


def test_a_missing_path_is_still_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--format", "json", *ONLY_INPUT_RULES, "gone.ini"], capsys)
    assert code == 2
    assert (
        json.loads(out)["notifications"][0]["message"] == "usage: gone.ini: no such file or folder"
    )
