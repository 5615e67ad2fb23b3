"""Validate SARIF logs against the official schema and Microsoft's SARIF multitool.

- `validate_schema(doc)`: Draft 4 validation against the official sarif-schema-2.1.0.json,
  kept in `tests/data/` (or at `$OLCLINT_SARIF_SCHEMA`).
- `validate_multitool(path)`: runs `Sarif.Multitool validate` with every rule kind
  (`--rule-kind "Sarif;Gh;Ado"`: the SARIF rules, GitHub code scanning's, and GitHub
  Advanced Security for Azure DevOps') and returns every issue it reports; a test fails on
  any issue of level error (SARIF1xxx, JSON1xxx, GH1xxx, GHAzDO1xxx) but the ones in
  `ACCEPTED_ERRORS`. The npm package `@microsoft/sarif-multitool` installs the platform's
  binary in `<repo>/node_modules/@microsoft/sarif-multitool-<platform>/`; it is called
  directly, since the npm shim passes its arguments through a shell that splits on `;`.
  Else `Sarif.Multitool` or `sarif-multitool` on PATH.

Both are oracles: when missing they skip the test, unless OLCLINT_REQUIRE_ORACLES=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from oracles import require

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = Path(__file__).resolve().parent / "data/sarif-schema-2.1.0.json"
_PLATFORM = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform, "linux")
LOCAL_MULTITOOL = (
    REPO
    / f"node_modules/@microsoft/sarif-multitool-{_PLATFORM}"
    / ("Sarif.Multitool.exe" if _PLATFORM == "win32" else "Sarif.Multitool")
)
RULE_KINDS = "Sarif;Gh;Ado"

# GHAzDO1014 asks every run for `automationDetails`. olclint leaves it out on purpose:
# GitHub's upload-sarif fills it from its `category` input only when the run has none,
# so a fixed id would silently override the category a workflow gives each upload.
ACCEPTED_ERRORS = {"GHAzDO1014"}


def _missing(what: str) -> None:
    if os.environ.get("OLCLINT_REQUIRE_ORACLES") == "1":
        pytest.fail(f"oracle {what} is required (OLCLINT_REQUIRE_ORACLES=1) but missing")
    pytest.skip(f"oracle {what} not available")


def schema_path() -> Path:
    if SCHEMA_PATH.is_file():
        return SCHEMA_PATH
    env = os.environ.get("OLCLINT_SARIF_SCHEMA")
    if env and Path(env).is_file():
        return Path(env)
    _missing("SARIF 2.1.0 schema (set OLCLINT_SARIF_SCHEMA)")
    raise AssertionError("unreachable")


@cache
def _validator(path: str) -> Any:
    from jsonschema import Draft4Validator

    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def schema_errors(doc: dict[str, Any]) -> list[str]:
    """Every schema violation, as `json.path: message`."""
    validator = _validator(str(schema_path()))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path}: {e.message}" for e in errors]


def validate_schema(doc: dict[str, Any]) -> None:
    """Fail with every violation when `doc` is not valid SARIF 2.1.0."""
    errors = schema_errors(doc)
    assert not errors, "SARIF schema violations:\n" + "\n".join(errors)


@dataclass(frozen=True)
class Issue:
    rule: str  # SARIF1001, JSON1002, SARIF2005...
    level: str  # error | warning | note
    message: str
    json_path: str

    def __str__(self) -> str:
        return f"{self.level} {self.rule}: {self.message}"


def multitool() -> list[str]:
    """The command prefix that runs the multitool, or skip/fail when it is missing."""
    if LOCAL_MULTITOOL.is_file():
        return [str(LOCAL_MULTITOOL)]
    import shutil

    if shutil.which("Sarif.Multitool"):
        return [require("Sarif.Multitool")]
    return [require("sarif-multitool")]


def _format(template: str, arguments: list[str]) -> str:
    for n, arg in enumerate(arguments):
        template = template.replace("{" + str(n) + "}", arg)
    return template


def _issues(log: dict[str, Any]) -> list[Issue]:
    issues = []
    for run in log.get("runs", []):
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        for result in run.get("results", []):
            rule = rules[result["ruleIndex"]] if "ruleIndex" in result else {}
            message = result.get("message", {})
            text = message.get("text")
            if text is None:
                template = rule.get("messageStrings", {}).get(message.get("id"), {}).get("text")
                args = [str(a) for a in message.get("arguments", [])]
                text = _format(template, args) if template else " ".join(args)
            level = result.get("level") or rule.get("defaultConfiguration", {}).get(
                "level", "warning"
            )
            issues.append(
                Issue(
                    rule=result.get("ruleId", rule.get("id", "?")),
                    level=level,
                    message=text,
                    json_path=result.get("properties", {}).get("jsonPath", ""),
                )
            )
    return issues


def run_multitool(path: Path | str) -> list[Issue]:
    """Every issue (errors, warnings, notes) the multitool reports on the SARIF file."""
    command = multitool()
    with tempfile.TemporaryDirectory(prefix="olclint-sarif-") as tmp:
        out = Path(tmp) / "validation.sarif"
        args = [
            "validate",
            str(Path(path).resolve()),
            "--output",
            str(out),
            "--log",
            "ForceOverwrite",
            "--level",
            "Error;Warning;Note",
            "--rule-kind",
            RULE_KINDS,
        ]
        env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
        proc = subprocess.run(
            command + args, capture_output=True, text=True, timeout=300, env=env, check=False
        )
        if not out.is_file():
            pytest.fail(
                f"sarif-multitool produced no output (exit {proc.returncode}):\n"
                f"{proc.stdout}\n{proc.stderr}"
            )
        return _issues(json.loads(out.read_text(encoding="utf-8-sig")))


def validate_multitool(path: Path | str) -> list[Issue]:
    """Fail on any error-level issue but the accepted ones; return all issues so tests can
    look at warnings."""
    issues = run_multitool(path)
    errors = [
        str(issue)
        for issue in issues
        if issue.level == "error" and issue.rule not in ACCEPTED_ERRORS
    ]
    assert not errors, "sarif-multitool errors:\n" + "\n".join(errors)
    return issues
