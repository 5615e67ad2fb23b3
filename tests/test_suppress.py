"""Inline suppression comments: the README examples through the CLI, each file's comment
syntax, unused suppressions (OLC007) and SARIF suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_config import CLUSTER, CLUSTER_DIR, ONLY_INPUT_RULES, example, findings, make_repo, run

from olclint.filter.suppress import GRANTS, OPTION, PREFS, YAML, InlineSuppression, scan

BASE = CLUSTER_DIR


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, str]:
    code, out, _ = run(["check", "--format", "json", *ONLY_INPUT_RULES, *more], capsys)
    return code, out


def _sarif(capsys: pytest.CaptureFixture[str], *more: str) -> list[dict]:
    from sarif_oracle import validate_schema

    _, out, _ = run(["check", "--format", "sarif", *ONLY_INPUT_RULES, *more], capsys)
    doc = json.loads(out)
    validate_schema(doc)
    return doc["runs"][0]["results"]


def test_yaml_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    block = example("inline-yaml")
    line = block.splitlines()[-1]
    assert CLUSTER.count("    preferences: ext02/settings\n") == 1
    (repo / BASE / "cluster.yaml").write_text(
        CLUSTER.replace("    preferences: ext02/settings\n", line + "\n")
    )
    for prefs in (repo / BASE / "ext02" / "settings").iterdir():
        prefs.unlink()
    (repo / BASE / "ext02" / "settings").rmdir()
    code, out = _check(capsys)
    assert (code, findings(out)) == (0, [])
    results = _sarif(capsys, "--include-suppressed")
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ] == [("OLC002", 23)]
    reason = "collected after the maintenance window"
    assert results[0]["suppressions"] == [{"kind": "inSource", "justification": reason}]
    # Without the comment the finding fails the gate.
    (repo / BASE / "cluster.yaml").write_text(
        CLUSTER.replace("    preferences: ext02/settings\n", line.split("#")[0].rstrip() + "\n")
    )
    code, out = _check(capsys)
    assert findings(out) == [("OLC002", "error", f"{BASE}/cluster.yaml", 23)] and code == 1


def test_ini_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / BASE / "master01" / "my.ini").write_text(example("inline-ini"))
    code, out = _check(capsys)
    assert (code, findings(out)) == (0, [])
    results = _sarif(capsys, "--include-suppressed")
    got = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["suppressions"][0]["kind"],
            r["suppressions"][0]["justification"],
        )
        for r in results
    ]
    assert got == [
        ("OLC004", 1, "inSource", "this group is read by the backup tool, not the server"),
        ("OLC006", 4, "inSource", "conf.d holds only the log settings"),
    ]
    assert _sarif(capsys) == []  # suppressed results leave SARIF without the flag


def test_prefs_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prefs = repo / BASE / "ext01" / "settings" / "connect.prefs"
    prefs.write_text(example("inline-prefs"))
    config = '[preference-keys]\n"merge.local_engines" = "engine.merge.launched"\n'
    (repo / ".olclint.toml").write_text(config)
    code, out = _check(capsys)
    assert findings(out) == [] and code == 0
    prefs.write_text(example("inline-prefs").split("\n", 1)[1])
    code, out = _check(capsys)
    assert findings(out) == [("OLC005", "error", f"{BASE}/ext01/settings/connect.prefs", 1)]
    assert code == 1


def test_unused_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / BASE / "master01" / "conf.d").mkdir()
    ini = example("inline-ini").replace("C:/ProgramData/MySQL/conf.d", "conf.d")
    (repo / BASE / "master01" / "my.ini").write_text(ini)
    code, out, _ = run(["check", *ONLY_INPUT_RULES], capsys)
    first = out.splitlines()[0]
    assert first == example("unused").strip()
    assert out.endswith("Found 1 problem (0 errors, 0 warnings, 1 note) in 1 file.\n")
    assert code == 0  # a note does not fail the default gate
    assert run(["check", *ONLY_INPUT_RULES, "--fail-on", "note"], capsys)[0] == 1


def test_unused_is_silent_for_rules_that_did_not_run(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / BASE / "master01" / "my.ini").write_text(
        "[mysqld]  # olclint: ignore[OLC004] nothing to suppress\nport=3306\n"
    )
    code, out = _check(capsys)
    assert findings(out) == [("OLC007", "note", f"{BASE}/master01/my.ini", 1)]
    assert code == 0
    code, out = _check(capsys, "--ignore", "OLC004")
    assert findings(out) == []
    code, out = _check(capsys, "--ignore", "UnusedSuppression")
    assert findings(out) == []


def test_unused_is_silent_when_the_cluster_file_is_broken(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CLUSTER.replace("name: prod-eu\n", "name: prod-eu  # olclint: ignore[OLC101] x\n")
    text = text.replace("connect_version:", "conect_version:")
    (repo / BASE / "cluster.yaml").write_text(text)
    code, out, _ = run(["check", "--format", "json"], capsys)
    assert [f[:2] for f in findings(out)] == [("OLC001", "error")]
    assert code == 1


def test_unknown_ids_and_names(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / BASE / "master01" / "my.ini").write_text(
        "# olclint: ignore[OptionFileLineIgnored, OLC999] legacy\n[ mysqld ]\nport=3306\n"
        "# olclint: ignore[] why\n"
    )
    code, out = _check(capsys)
    report = json.loads(out)
    assert [(f["rule"], f["location"]["line"], f["message"]) for f in report["findings"]] == [
        ("OLC007", 1, "'OLC999' in the suppression is not a rule id or name"),
        ("OLC007", 4, "the suppression names no rule id"),
    ]
    assert report["findings"][0]["cluster"] == "prod-eu"
    assert report["findings"][0]["subject"] == (
        f"{BASE}/master01/my.ini: ignore[OptionFileLineIgnored,OLC999] legacy"
    )
    assert code == 0


def test_trailing_comments_are_not_read_in_prefs(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".olclint.toml").write_text(
        '[preference-keys]\n"merge.local_engines" = "engine.merge.launched"\n'
    )
    prefs = repo / BASE / "ext01" / "settings" / "connect.prefs"
    prefs.write_text("engine.merge.launched=four # olclint: ignore[OLC005] no\n")
    code, out = _check(capsys)
    assert findings(out) == [("OLC005", "error", f"{BASE}/ext01/settings/connect.prefs", 1)]
    assert code == 1


def test_grants_own_line_comment(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grants = repo / BASE / "master01" / "grants.sql"
    grants.write_text("-- olclint: ignore[OLC005] printed by the backup tool\nFOO BAR;\n")
    code, out = _check(capsys)
    assert findings(out) == [] and code == 0
    grants.write_text("FOO BAR;\n")
    assert findings(_check(capsys)[1]) == [("OLC005", "error", f"{BASE}/master01/grants.sql", 1)]


def test_both_kinds_and_external_in_sarif(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / BASE / "master01" / "my.ini").write_text(
        "[ mysqld ]  # olclint: ignore[OLC004] inline\n[ server ]\nport=3306\n"
    )
    (repo / ".olclint.toml").write_text(
        '[[suppress]]\nrule = "OLC004"\nnode = "master01"\nreason = "external"\n'
    )
    results = _sarif(capsys, "--include-suppressed")
    assert [
        (r["locations"][0]["physicalLocation"]["region"]["startLine"], r["suppressions"])
        for r in results
    ] == [
        (1, [{"kind": "inSource", "justification": "inline"}]),
        (2, [{"kind": "external", "justification": "external"}]),
    ]
    code, out = _check(capsys)
    assert (code, findings(out)) == (0, [])


# --- the scanner on text -------------------------------------------------------------------


def _targets(lines: list[str], kind: str) -> list[tuple[int, int, int, tuple[str, ...], str]]:
    return [(s.line, s.column, s.target, s.ids, s.reason) for s in scan("f", lines, kind)]


def test_scan_yaml() -> None:
    lines = [
        "name: 'a # olclint: ignore[OLC001] quoted'",
        'name: "a # olclint: ignore[OLC001] quoted"',
        "name: a#olclint: ignore[OLC001] no blank before",
        "name: it's  # olclint: ignore[OLC001] after an apostrophe",
        "  # olclint: ignore[OLC002] first",
        "# olclint: ignore[OLC003]",
        "port: 1",
        "# just a comment",
    ]
    assert _targets(lines, YAML) == [
        (4, 13, 4, ("OLC001",), "after an apostrophe"),
        (5, 3, 7, ("OLC002",), "first"),
        (6, 1, 7, ("OLC003",), ""),
    ]


def test_scan_option_file() -> None:
    lines = [
        'init-connect = "SET NAMES utf8 # olclint: ignore[OLC101] in quotes"',
        "port = 3306 ; olclint: ignore[OLC102] a semicolon after a value is not a comment",
        "; olclint: ignore[OLC003] own line",
        "!include a.cnf # olclint: ignore[OLC004] part of the path",
        "bind-address=1.2.3.4#olclint: ignore[OLC101] no blank needed",
    ]
    assert _targets(lines, OPTION) == [
        (3, 1, 4, ("OLC003",), "own line"),
        (5, 21, 5, ("OLC101",), "no blank needed"),
    ]


def test_scan_prefs_and_grants() -> None:
    prefs = [
        "a=1 \\",
        "# olclint: ignore[OLC005] continuation, not a comment",
        "! olclint: ignore[OLC005] bang",
        "b=2",
        "c=3 # olclint: ignore[OLC005] part of the value",
    ]
    assert _targets(prefs, PREFS) == [(3, 1, 4, ("OLC005",), "bang")]
    grants = ["# olclint: ignore[OLC005] hash", "-- olclint: ignore[OLC110] dashes", "GRANT x;"]
    assert _targets(grants, GRANTS) == [
        (1, 1, 3, ("OLC005",), "hash"),
        (2, 1, 3, ("OLC110",), "dashes"),
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["[mysqld]", "port=1", "", "# c", "# olclint: ignore[OLC1] r", "x=2 # y"]),
        max_size=12,
    ),
    st.sampled_from([YAML, OPTION, PREFS, GRANTS]),
)
def test_own_line_comments_cover_the_next_other_line(lines: list[str], kind: str) -> None:
    for s in scan("f", lines, kind):
        assert isinstance(s, InlineSuppression)
        assert s.target > s.line
        between = lines[s.line : s.target - 1]
        assert all(text == "# olclint: ignore[OLC1] r" for text in between)
        assert s.target > len(lines) or lines[s.target - 1] != "# olclint: ignore[OLC1] r"


def test_a_prefs_comment_ending_in_a_backslash_does_not_continue() -> None:
    """java.util.Properties never continues a comment line: the mark on the line after
    one that ends in a backslash is a comment of its own; after an entry's backslash it is
    part of the entry's value."""
    from olclint.filter import suppress

    after_comment = ["# note \\", "# olclint: ignore[OLC005] legacy", "merge.local_engines=x"]
    after_entry = ["key=a \\", "# olclint: ignore[OLC005] legacy", "merge.local_engines=x"]
    after_both = ["# c \\", "key=a \\", "  \\", "# olclint: ignore[OLC005] x", "k=v"]
    marks = [
        [(s.line, s.target) for s in suppress.scan("x.prefs", lines, suppress.PREFS)]
        for lines in (after_comment, after_entry, after_both)
    ]
    assert marks == [[(2, 3)], [], []]
