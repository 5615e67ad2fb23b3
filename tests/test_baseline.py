"""The baseline through the CLI: the README commands, line shifts, new and fixed findings,
SARIF baselineState, and broken baseline files."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from test_config import CLUSTER_DIR, ONLY_INPUT_RULES, example, findings, make_repo, run

from olclint.core.findings import Finding, Level, Location
from olclint.filter.baseline import BaselineError, compare, dumps, loads

INI = f"{CLUSTER_DIR}/master01/my.ini"
BASELINE = ".olclint-baseline.json"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _commands() -> list[list[str]]:
    """The olclint command lines of the README's baseline example, without `olclint`."""
    out = []
    for line in example("baseline").splitlines():
        words = shlex.split(line, comments=True)
        assert words[0] == "olclint"
        out.append(words[1:])
    return out


def test_the_readme_commands(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write, check = _commands()
    assert write == ["check", "--write-baseline", BASELINE]
    assert check == ["check", "--baseline", BASELINE]
    ini = repo / INI
    ini.write_text("[ mysqld ]\nport = 3306\n")

    # Adopting: the finding of today is recorded and accepted.
    code, out, _ = run([*write, *ONLY_INPUT_RULES], capsys)
    assert code == 0
    assert out.splitlines()[-2:] == [
        f"olclint: note: baseline {BASELINE} written: 1 finding",
        "Found 1 problem (0 errors, 1 warning, 0 notes) in 1 file.",
    ]
    recorded = json.loads((repo / BASELINE).read_text())
    assert [(f["fingerprint"], f["line"]) for f in recorded["findings"]] == [
        (f"OLC004/prod-eu/master01/{INI}:group-space:mysqld", 1)
    ]

    # Lines added above it: still the same finding, the gate passes.
    ini.write_text("# the database server of prod-eu\n\n[ mysqld ]\nport = 3306\n")
    code, out, _ = run([*check, *ONLY_INPUT_RULES], capsys)
    assert (code, out) == (
        0,
        f"olclint: note: 1 finding unchanged since the baseline {BASELINE} (not shown)\n"
        "No problems found.\n",
    )

    # A new problem fails it; the accepted one stays quiet.
    ini.write_text("[ mysqld ]\nport = 3306\n[ server ]\n")
    code, out, _ = run([*check, *ONLY_INPUT_RULES, "--format", "json"], capsys)
    assert findings(out) == [("OLC004", "warning", INI, 3)]
    assert json.loads(out)["findings"][0]["properties"] == {"baselineState": "new"}
    assert code == 1

    # The accepted one fixed: listed as fixed, as the README shows.
    ini.write_text("[mysqld]\nport = 3306\n")
    code, out, _ = run([*check, *ONLY_INPUT_RULES], capsys)
    expected = example("baseline-output").splitlines()[1]
    assert expected.startswith("olclint: note: fixed since the baseline: OLC004 ")
    assert out == expected + "\nNo problems found.\n"
    assert code == 0


def test_the_readme_output_with_one_unchanged_and_one_fixed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / INI).write_text("[ mysqld ]\n[ server ]\nport = 3306\n")
    assert run(["check", "--write-baseline", BASELINE, *ONLY_INPUT_RULES], capsys)[0] == 0
    (repo / INI).write_text("[mysqld]\n[ server ]\nport = 3306\n")
    code, out, _ = run(["check", "--baseline", BASELINE, *ONLY_INPUT_RULES], capsys)
    assert out == example("baseline-output") + "No problems found.\n"
    assert code == 0


def region(line: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": 2, "endLine": line, "endColumn": 9}


def test_sarif_baseline_states(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sarif_oracle import validate_schema

    (repo / INI).write_text("[ mysqld ]\n[ server ]\nport = 3306\n")
    run(["check", "--write-baseline", BASELINE, *ONLY_INPUT_RULES], capsys)
    (repo / INI).write_text("\n[ server ]\nport = 3306\n[ client ]\n")
    args = ["check", "--baseline", BASELINE, "--format", "sarif", *ONLY_INPUT_RULES]
    code, out, _ = run(args, capsys)
    doc = json.loads(out)
    validate_schema(doc)
    got = []
    for r in doc["runs"][0]["results"]:
        where = r["locations"][0]["physicalLocation"]
        got.append((r["baselineState"], where["artifactLocation"]["uri"], where["region"]))
    assert got == [
        ("unchanged", INI, {**region(2), "snippet": {"text": " server"}}),
        ("new", INI, {**region(4), "snippet": {"text": " client"}}),
    ]
    assert [r["message"]["text"].split(":")[0] for r in doc["runs"][0]["results"]] == [
        "the group name [ server ] has white space before it",
        "the group name [ client ] has white space before it",
    ]
    # The fixed entry is a note, not a result: code scanning ignores baselineState and
    # would show an `absent` result as an open alert.
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["message"]["text"].split(":")[0]) for n in notes] == [
        ("note", "fixed since the baseline")
    ]
    assert "[ mysqld ]" in notes[0]["message"]["text"]
    assert code == 1


def test_github_format_annotates_only_new_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / INI).write_text("[ mysqld ]\nport = 3306\n")
    run(["check", "--write-baseline", BASELINE, *ONLY_INPUT_RULES], capsys)
    (repo / INI).write_text("[ mysqld ]\nport = 3306\n[ server ]\n")
    args = ["check", "--baseline", BASELINE, "--format", "github", *ONLY_INPUT_RULES]
    code, out, _ = run(args, capsys)
    assert out.splitlines() == [
        f"::warning file={INI},line=3,col=2,endLine=3,endColumn=9,"
        "title=OLC004 OptionFileLineIgnored::the group name [ server ] has white space before "
        "it: the server compares it as written, so no program reads this group (write [server])",
        f"::notice title=olclint::1 finding unchanged since the baseline {BASELINE} (not shown)",
    ]
    assert code == 1


def test_write_and_compare_in_one_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / INI).write_text("[ mysqld ]\n")
    run(["check", "--write-baseline", "old.json", *ONLY_INPUT_RULES], capsys)
    (repo / INI).write_text("[ mysqld ]\n[ server ]\n")
    args = ["check", "--baseline", "old.json", "--write-baseline", "new.json", "--format", "json"]
    code, out, _ = run([*args, *ONLY_INPUT_RULES], capsys)
    assert findings(out) == [("OLC004", "warning", INI, 2)]  # new against old.json ...
    assert code == 0  # ... and accepted in new.json
    assert len(json.loads((repo / "new.json").read_text())["findings"]) == 2


def test_suppressed_findings_are_not_recorded(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / INI).write_text("[ mysqld ]  # olclint: ignore[OLC004] known\n")
    run(["check", "--write-baseline", BASELINE, *ONLY_INPUT_RULES], capsys)
    assert json.loads((repo / BASELINE).read_text())["findings"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "no such baseline file"),
        ("{", "not JSON"),
        ('{"findings": []}', "not an olclint baseline (write one with --write-baseline)"),
        ('{"tool": "olclint", "version": 2, "findings": []}', "baseline version 2 is not 1"),
        ('{"tool": "olclint", "version": 1, "findings": [{"rule": 1}]}', "'rule' must be a"),
        ('{"tool": "olclint", "version": 1, "findings": [{"level": "x"}]}', "finding 1: "),
    ],
)
def test_a_bad_baseline_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str | None, message: str
) -> None:
    if text is not None:
        (repo / BASELINE).write_text(text)
    code, out, err = run(["check", "--baseline", BASELINE], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"olclint: error: --baseline {BASELINE}: ") and message in err, err


def _finding(subject: str, line: int) -> Finding:
    return Finding(
        "OLC004", Level.WARNING, "m", Location("a.ini", line), cluster="c", subject=subject
    )


def test_compare_counts_repeated_fingerprints() -> None:
    entries = loads(dumps([_finding("s", 1), _finding("s", 2), _finding("t", 3)]))
    result = compare([_finding("s", 10), _finding("s", 11), _finding("s", 12)], entries)
    assert [f.location.line for f in result.unchanged] == [10, 11]
    assert [f.location.line for f in result.new] == [12]
    assert [(f.subject, f.location, dict(f.properties)) for f in result.absent] == [
        ("t", None, {"file": "a.ini"})
    ]


def test_baseline_file_is_deterministic() -> None:
    one = dumps([_finding("b", 2), _finding("a", 1)])
    two = dumps([_finding("a", 1), _finding("b", 2)])
    assert one == two
    assert [e.subject for e in loads(one)] == ["a", "b"]
    with pytest.raises(BaselineError):
        loads("[]")
