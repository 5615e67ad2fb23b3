"""The composite GitHub Action (action.yml): its steps' shell commands, run locally with
the variables GitHub sets (GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
RUNNER_TEMP) and the inputs as the step's `env` maps them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
DEFAULTS = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}

GOOD = """\
version: 1
name: prod
connect_version: "2021.2"
database: {node: m, option_file: m/my.ini}
nodes:
  - {name: m, role: master, address: 10.0.0.1, license: {edition: performance-pack}}
  - {name: e, role: extension, address: 10.0.0.2, license: {edition: standard}}
"""


def _expand(value: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        kind, name = match[1], match[2]
        return inputs[name] if kind == "inputs" else outputs.get(name, "")

    return re.sub(r"\$\{\{\s*(inputs|steps\.check\.outputs)\.([\w-]+)\s*\}\}", one, value)


def run_step(name: str, workspace: Path, tmp: Path, inputs: dict, outputs: dict) -> int:
    """One step's `run` in bash, as the runner does (`shell: bash`), with its `env`."""
    step = STEPS[name]
    assert step["shell"] == "bash"
    output_file = tmp / f"output-{len(outputs)}-{name.replace(' ', '-')}"
    output_file.write_text("")
    bin_dir = str(Path(sys.executable).parent)  # the olclint this test suite runs
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "RUNNER_TEMP": str(tmp),
        "NO_COLOR": "1",
    }
    env.update({k: _expand(str(v), inputs, outputs) for k, v in step.get("env", {}).items()})
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    for line in output_file.read_text().splitlines():
        key, _, value = line.partition("=")
        outputs[key] = value
    run_step.last = done  # type: ignore[attr-defined]
    return done.returncode


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "clusters/prod/m").mkdir(parents=True)
    (repo / "clusters/prod/cluster.yaml").write_text(GOOD)
    (repo / "clusters/prod/m/my.ini").write_text("[ mysqld ]\nport=3306\n")  # OLC004 warning
    return repo


def test_the_action_is_composite_and_uploads_sarif_before_the_gate() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert list(STEPS) == [
        "Install olclint",
        "Check the clusters",
        "Upload SARIF to code scanning",
        "Gate",
    ]
    upload = STEPS["Upload SARIF to code scanning"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"] == {
        "sarif_file": "${{ steps.check.outputs.sarif }}",
        "category": "${{ inputs.category }}",
    }
    assert upload["if"].startswith("always()")
    assert DEFAULTS == {
        "paths": ".",
        "fail-on": "warning",
        "baseline": "",
        "category": "olclint",
        "upload-sarif": "true",
    }


def test_install_step_installs_the_pinned_checkout_not_a_registry_package() -> None:
    # pip builds olclint from the action's own checkout (the ref the workflow pins);
    # installing this checkout with pip is what tests/test_precommit.py does for real.
    assert STEPS["Install olclint"]["run"] == (
        'python3 -m pip install --quiet "$GITHUB_ACTION_PATH"'
    )
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (project["name"], project["scripts"]) == ("olclint", {"olclint": "olclint.cli:main"})


@pytest.mark.parametrize(
    ("fail_on", "gate"),
    [("warning", 1), ("error", 0)],
)
def test_check_then_gate(workspace: Path, tmp_path: Path, fail_on: str, gate: int) -> None:
    inputs = {**DEFAULTS, "fail-on": fail_on}
    outputs: dict[str, str] = {}
    assert run_step("Check the clusters", workspace, tmp_path, inputs, outputs) == 0
    done = run_step.last  # type: ignore[attr-defined]
    assert done.stdout.startswith(
        "::warning file=clusters/prod/m/my.ini,line=1,col=2,endLine=1,endColumn=9,"
        "title=OLC004 OptionFileLineIgnored::"
    )
    assert outputs == {"sarif": str(tmp_path / "olclint.sarif"), "exit-code": str(gate)}
    sarif = json.loads(Path(outputs["sarif"]).read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["OLC004"]
    assert (tmp_path / "summary.md").read_text().startswith("### olclint\n\nolclint found 1")
    assert run_step("Gate", workspace, tmp_path, inputs, outputs) == gate


def test_a_failure_of_olclint_fails_the_gate(workspace: Path, tmp_path: Path) -> None:
    inputs = {**DEFAULTS, "paths": "clusters/prod nowhere"}
    outputs: dict[str, str] = {}
    assert run_step("Check the clusters", workspace, tmp_path, inputs, outputs) == 0
    assert outputs["exit-code"] == "2"
    assert run_step("Gate", workspace, tmp_path, inputs, outputs) == 2
