"""JUnit XML and GitLab Code Quality, the reports CI systems read.

The JUnit report is validated against the published `junit-10.xsd` (the JUnit XML of
Jenkins' xUnit plugin and Maven Surefire), which pytest ships in its source distribution:
`.ci/run` takes it from PyPI with `tests/fetch_junit_xsd.py` into
`tests/data/.oracles/junit-10.xsd` (or set `OLCLINT_JUNIT_XSD`); the tests skip without it,
and fail under OLCLINT_REQUIRE_ORACLES=1.
The GitLab report is checked against the fields GitLab documents for a Code Quality
report: `description`, `check_name`, `fingerprint` (unique), `severity` (info, minor,
major, critical, blocker), `location.path` and `location.lines.begin`.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from test_report_sample import F_BIND, F_CLEANUP, F_CLUSTER, F_PREFS, empty_report, sample_report

from olclint.core.findings import Level, Notification
from olclint.report import render

JUNIT_XSD = Path(__file__).parent / "data" / ".oracles" / "junit-10.xsd"


def junit_schema():
    path = Path(os.environ.get("OLCLINT_JUNIT_XSD", JUNIT_XSD))
    if not path.is_file():
        if os.environ.get("OLCLINT_REQUIRE_ORACLES") == "1":
            pytest.fail(f"oracle junit-10.xsd is required but missing at {path}")
        pytest.skip("oracle junit-10.xsd not available (python tests/fetch_junit_xsd.py)")
    etree = pytest.importorskip("lxml.etree")
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid_junit(text: str) -> None:
    from lxml import etree

    schema = junit_schema()
    doc = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)


REPORTS = {
    "sample": sample_report,
    "clean": lambda: empty_report(),
    "failed": lambda: empty_report(
        notifications=(Notification("rule OLC101 failed", rule="OLC101", exception="KeyError"),),
        execution_successful=False,
    ),
    "never": lambda: sample_report(fail_on=None),
    "control-characters": lambda: empty_report(
        findings=(replace(F_BIND, message="bind \x1b[31m\x00 <&> \"'"),)
    ),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_junit_validates_against_the_published_schema(name: str) -> None:
    assert_valid_junit(render(REPORTS[name](), "junit"))


def test_junit_one_case_per_finding_failures_by_the_gate() -> None:
    report = empty_report(findings=(F_BIND, F_PREFS, F_CLEANUP), fail_on=Level.WARNING)
    suite = ET.fromstring(render(report, "junit")).find("testsuite")
    assert suite is not None
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "3",
        "failures": "2",
        "errors": "0",
        "skipped": "1",
    }
    cases = [
        (c.get("classname"), c.get("name"), [(e.tag, e.get("type")) for e in c])
        for c in suite.iter("testcase")
    ]
    assert cases == [
        ("olclint.OLC402", "clusters/prod/cluster.yaml:12:5", [("failure", "warning")]),
        ("olclint.OLC101", "clusters/prod/db/my.cnf:3:16", [("failure", "error")]),
        ("olclint.OLC402", "clusters/prod/ext01.prefs:4:1", [("skipped", None)]),
    ]


def test_junit_clean_run_has_one_passing_case_and_failures_are_errors() -> None:
    clean = ET.fromstring(render(empty_report(), "junit")).find("testsuite")
    assert [(c.get("name"), list(c)) for c in clean.iter("testcase")] == [("olclint.check", [])]
    failed = ET.fromstring(render(REPORTS["failed"](), "junit")).find("testsuite")
    assert failed.get("errors") == "1"
    (case,) = failed.iter("testcase")
    (error,) = case
    assert (error.tag, error.get("type"), error.get("message")) == (
        "error",
        "KeyError",
        "rule OLC101 failed",
    )


GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def assert_gitlab_code_quality(doc: object) -> None:
    assert isinstance(doc, list)
    for issue in doc:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        assert isinstance(issue["location"]["path"], str) and issue["location"]["path"]
        assert isinstance(issue["location"]["lines"]["begin"], int)
    fingerprints = [issue["fingerprint"] for issue in doc]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_code_quality_fields() -> None:
    twice = replace(F_BIND, location=replace(F_BIND.location, line=1))
    report = empty_report(findings=(F_BIND, twice, F_CLUSTER, F_PREFS))
    doc = json.loads(render(report, "gitlab"))
    assert_gitlab_code_quality(doc)
    assert [
        (i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"])
        for i in doc
    ] == [
        ("OLC001", "major", "clusters/prod/cluster.yaml", 1),
        ("OLC101", "major", "clusters/prod/db/my.cnf", 1),
        ("OLC101", "major", "clusters/prod/db/my.cnf", 3),
        ("OLC402", "info", "clusters/prod/ext01.prefs", 4),
    ]
    assert doc[0]["description"] == "OLC001 InvalidClusterFile: The cluster has no master. (prod)"
    assert json.loads(render(empty_report(), "gitlab")) == []


def test_cli_writes_valid_junit_and_gitlab(tmp_path: Path, capsys, monkeypatch) -> None:
    from olclint.cli.main import main

    repo = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(repo)
    junit, gitlab = tmp_path / "olclint.xml", tmp_path / "olclint.json"
    args = ["check", "examples/prod-eu", "--today", "2026-01-01"]
    code = main([*args, "--format", f"junit={junit}", "--format", f"gitlab={gitlab}"])
    assert code == 1
    assert capsys.readouterr().out == ""
    doc = json.loads(gitlab.read_text(encoding="utf-8"))
    assert_gitlab_code_quality(doc)
    suite = ET.fromstring(junit.read_text(encoding="utf-8")).find("testsuite")
    assert int(suite.get("tests")) == len(doc) > 0
