"""Every folder under tests/fixtures/cases is a small cluster repository and one case.

Its `expect.yaml` says what `olclint check` must report there, exactly:

```yaml
description: why this case exists
today: 2026-01-01             # optional, --today
args: [--fail-on, error]      # optional, more arguments
exit: 1
findings:                     # every finding, no more: "RULE path:line" or a mapping
  - OLC001 cluster.yaml:5
  - {rule: OLC002, at: cluster.yaml:12, level: error, message: "does not exist"}
```

The case folder is the repository root (paths are relative to it). The SARIF of every
case is validated against the official schema too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from olclint.cli.main import main

CASES_DIR = Path(__file__).parent / "fixtures" / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expect.yaml").is_file())


def _expected(entry: object) -> tuple[str, str, int, str | None, str | None]:
    if isinstance(entry, str):
        rule, at = entry.split()
        path, line = at.rsplit(":", 1)
        return rule, path, int(line), None, None
    assert isinstance(entry, dict)
    path, line = entry["at"].rsplit(":", 1)
    return entry["rule"], path, int(line), entry.get("level"), entry.get("message")


def _run(case: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    args = ["check", str(case), "--root", str(case), "--format", fmt]
    args += ["--today", str(expect.get("today", "2026-01-01")), *expect.get("args", [])]
    code = main(args)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_findings(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    code, out = _run(case, "json", capsys)
    report = json.loads(out)
    got = sorted(
        (
            f["rule"],
            f["location"]["path"] if f["location"] else "",
            f["location"]["line"] if f["location"] else 0,
        )
        for f in report["findings"]
    )
    wanted = [_expected(e) for e in expect.get("findings") or []]
    assert got == sorted((r, p, n) for r, p, n, _, _ in wanted), json.dumps(
        report["findings"], indent=1
    )
    for rule, path, line, level, message in wanted:
        matching = [
            f
            for f in report["findings"]
            if f["rule"] == rule
            and f["location"]
            and (f["location"]["path"], f["location"]["line"]) == (path, line)
        ]
        if level:
            assert any(f["level"] == level for f in matching), matching
        if message:
            assert any(message in f["message"] for f in matching), matching
    assert report["notifications"] == []
    assert code == expect["exit"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_sarif_is_valid(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sarif_oracle import validate_schema

    _, out = _run(case, "sarif", capsys)
    validate_schema(json.loads(out))


@pytest.mark.oracle
@pytest.mark.parametrize(
    "args",
    [
        ["examples/prod-eu"],
        ["tests/fixtures/cases", "--root", "tests/fixtures/cases", "--include-suppressed"],
    ],
    ids=["example", "all-cases"],
)
def test_sarif_passes_microsofts_validator(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sarif_oracle import run_multitool
    from test_report_sample import PROJECT_URLS

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    monkeypatch.setattr("olclint.cli.check.project_urls", lambda: dict(PROJECT_URLS))
    out = tmp_path / "run.sarif"
    main(["check", *args, "--format", "sarif", "--output", str(out), "--today", "2026-01-01"])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["runs"][0]["results"], "the run should have results to validate"
    problems = [i.rule for i in run_multitool(out) if i.level in ("error", "warning")]
    assert problems == ["GHAzDO1014"]  # see sarif_oracle.ACCEPTED_ERRORS
