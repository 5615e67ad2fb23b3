"""The SARIF reporter: structure, official schema, Microsoft's validator."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest
from sarif_oracle import run_multitool, validate_multitool, validate_schema
from test_report_sample import (
    F_BIND,
    F_CLUSTER,
    F_GRANT,
    F_ORPHAN,
    F_PREFS,
    MYCNF,
    RULES,
    empty_report,
    sample_report,
)

from olclint.core.findings import Finding, Fix, Level, Location
from olclint.report import render
from olclint.report.sarif import artifact_uri, root_uri


def _doc(report):
    return json.loads(render(report, "sarif"))


def _run(report):
    doc = _doc(report)
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    return doc["runs"][0]


def _result(finding, **changes):
    (result,) = _run(empty_report(findings=(finding,), **changes))["results"]
    return result


# --- structure ---------------------------------------------------------------------------


def test_driver_declares_every_rule_once_in_id_order():
    driver = _run(sample_report())["tool"]["driver"]
    assert driver["name"] == "olclint"
    assert driver["version"] == "0.1.0"
    assert driver["semanticVersion"] == "0.1.0"
    assert driver["fullName"] == "olclint 0.1.0"
    assert driver["informationUri"] == "https://olclint.example/"
    # OLC999 has findings but is not registered: it gets a minimal descriptor
    assert [r["id"] for r in driver["rules"]] == ["OLC001", "OLC101", "OLC110", "OLC402", "OLC999"]
    by_id = {r["id"]: r for r in driver["rules"]}
    olc101 = next(r for r in RULES if r.id == "OLC101")
    assert by_id["OLC101"] == {
        "id": "OLC101",
        "name": "DatabaseNotReachable",
        "shortDescription": {
            "text": "A Connect server cannot open a TCP connection to the database."
        },
        "fullDescription": {"text": "The database must listen where the servers connect."},
        "help": {"text": olc101.page(), "markdown": olc101.page()},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "problem.severity": "error",
            "precision": "high",
            "tags": ["database", "reliability"],
        },
        "helpUri": "https://olclint.example/docs/rules.html#olc101",
    }
    # the configured override is the rule's effective default level
    assert by_id["OLC402"]["defaultConfiguration"] == {"level": "warning"}
    assert by_id["OLC999"] == {
        "id": "OLC999",
        "name": "UnregisteredRule",
        "shortDescription": {"text": "olclint check OLC999."},
        "fullDescription": {"text": "olclint check OLC999."},
        "help": {"text": "olclint check OLC999."},
        "helpUri": "https://olclint.example/docs/rules.html#olc999",
    }


def test_no_project_urls_no_help_or_information_uri():
    driver = _run(sample_report(project_urls={}))["tool"]["driver"]
    assert "informationUri" not in driver
    assert [r for r in driver["rules"] if "helpUri" in r] == []


def test_full_description_is_the_first_prose_paragraph_of_every_real_rule():
    from olclint.report.sarif import full_description
    from olclint.rules import all_rules

    for rule in all_rules():
        text = full_description(rule)
        assert not text.startswith("#"), rule.id
        assert text == rule.doc.split("## What it does", 1)[1].split("\n\n")[1].replace(
            "\n", " "
        ), rule.id


def test_security_rules_are_security_alerts_for_code_scanning():
    from olclint.report.sarif import rule_properties
    from olclint.rules import all_rules, find_rule

    assert rule_properties(find_rule("OLC112"), "warning") == {
        "security-severity": "8.0",
        "precision": "high",
        "tags": ["database", "security"],
    }
    assert rule_properties(find_rule("OLC501"), "warning")["tags"] == ["security"]
    secure = sorted(r.id for r in all_rules() if r.security_severity is not None)
    assert secure == ["OLC112", "OLC501", "OLC502", "OLC503"]
    assert rule_properties(find_rule("OLC004"), "note") == {
        "problem.severity": "recommendation",
        "precision": "very-high",
        "tags": ["input", "correctness"],
    }


def test_rules_declared_when_clean_and_results_empty():
    run = _run(empty_report())
    assert run["results"] == []
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "OLC001",
        "OLC101",
        "OLC110",
        "OLC402",
    ]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///repo/work%20tree/"}}


def test_rule_indexes_resolve():
    run = _run(sample_report())
    rules = run["tool"]["driver"]["rules"]
    assert [(r["ruleId"], rules[r["ruleIndex"]]["id"]) for r in run["results"]] == [
        (rid, rid) for rid in ("OLC001", "OLC999", "OLC402", "OLC101", "OLC402", "OLC110")
    ]


def test_full_result():
    assert _result(F_BIND) == {
        "ruleId": "OLC101",
        "ruleIndex": 1,
        "level": "error",
        "message": {"text": "bind-address 127.0.0.1 does not cover 10.0.0.2."},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": MYCNF, "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": 3,
                        "startColumn": 16,
                        "endLine": 3,
                        "endColumn": 25,
                        "snippet": {"text": "127.0.0.1"},
                    },
                    "contextRegion": {
                        "startLine": 3,
                        "endLine": 3,
                        "snippet": {"text": "bind-address = 127.0.0.1"},
                    },
                }
            }
        ],
        "relatedLocations": [
            {
                "id": 1,
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "clusters/prod/cluster.yaml",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 7, "startColumn": 5},
                },
                "message": {"text": "ext01 connects from 10.0.0.2."},
            }
        ],
        "fixes": [
            {
                "description": {"text": "Listen on all interfaces."},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": MYCNF, "uriBaseId": "%SRCROOT%"},
                        "replacements": [
                            {
                                "deletedRegion": {
                                    "startLine": 3,
                                    "startColumn": 16,
                                    "endLine": 3,
                                    "endColumn": 25,
                                },
                                "insertedContent": {"text": "0.0.0.0"},
                            }
                        ],
                    }
                ],
            }
        ],
        "partialFingerprints": {
            "olclint/v1": hashlib.sha256(b"OLC101/prod/db01/bind-address").hexdigest()
        },
        "properties": {"cluster": "prod", "node": "db01", "subject": "bind-address"},
    }


def test_related_ids_count_from_one():
    result = _result(F_GRANT)
    assert [(r["id"], r["message"]["text"]) for r in result["relatedLocations"]] == [
        (1, "The account is created here."),
        (2, "ext01 uses user ol."),
    ]
    # a region inside a line that starts with a tab: code points, tab included
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["snippet"] == {"text": "GRANT"}


def test_location_without_end_and_unknown_source_has_no_snippet():
    physical = _result(F_PREFS)["locations"][0]["physicalLocation"]
    assert physical == {
        "artifactLocation": {"uri": "clusters/prod/ext01.prefs", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 1},
    }


def test_region_to_end_of_line_and_across_lines():
    sources = {"a.cnf": ["[mysqld]", "port = 3307", "bind = x"]}
    one = Finding("OLC102", Level.ERROR, "m", Location("a.cnf", 2, 8))
    physical = _result(one, sources=sources)["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": 2, "startColumn": 8, "snippet": {"text": "3307"}}
    many = Finding("OLC102", Level.ERROR, "m", Location("a.cnf", 1, 2, 3, 5))
    physical = _result(many, sources=sources)["locations"][0]["physicalLocation"]
    assert physical["region"] == {
        "startLine": 1,
        "startColumn": 2,
        "endLine": 3,
        "endColumn": 5,
        "snippet": {"text": "mysqld]\nport = 3307\nbind"},
    }
    assert physical["contextRegion"] == {
        "startLine": 1,
        "endLine": 3,
        "snippet": {"text": "[mysqld]\nport = 3307\nbind = x"},
    }


def test_fix_without_end_deletes_to_end_of_line():
    f = Finding(
        "OLC101",
        Level.ERROR,
        "m",
        Location(MYCNF, 3, 1),
        fix=Fix("Comment it out.", Location(MYCNF, 3, 1), "# bind-address = 127.0.0.1"),
    )
    (change,) = _result(f)["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["deletedRegion"] == {
        "startLine": 3,
        "startColumn": 1,
        "endLine": 3,
        "endColumn": 25,
    }


def test_location_less_findings():
    assert _result(F_CLUSTER)["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {
                    "uri": "clusters/prod/cluster.yaml",
                    "uriBaseId": "%SRCROOT%",
                },
                "region": {"startLine": 1, "endLine": 12},
            },
            "logicalLocations": [{"name": "prod", "fullyQualifiedName": "prod", "kind": "module"}],
        }
    ]
    # `file` became the location, it is not repeated as a property
    assert _result(F_CLUSTER)["properties"] == {"cluster": "prod"}
    unknown = Finding("OLC001", Level.ERROR, "m", None, properties=(("file", "x.yaml"),))
    assert _result(unknown)["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert "locations" not in _result(F_ORPHAN)
    node = Finding("OLC302", Level.ERROR, "m", None, cluster="prod", node="ext02")
    assert _result(node)["locations"] == [
        {
            "logicalLocations": [
                {"name": "ext02", "fullyQualifiedName": "prod/ext02", "kind": "module"}
            ]
        }
    ]


def test_baseline_state_suppression_and_extra_properties():
    from olclint.filter.outcome import Outcome, Suppressed

    f = Finding("OLC110", Level.ERROR, "m", None, properties=(("horizon", "2025-05-01"),))
    outcome = Outcome(f, Suppressed("inSource", "ext03 leaves in January"), "unchanged")
    report = empty_report(include_suppressed=True)
    (result,) = _run(replace(report, outcomes=(outcome,)))["results"]
    assert result["baselineState"] == "unchanged"
    assert result["suppressions"] == [
        {"kind": "inSource", "justification": "ext03 leaves in January"}
    ]
    assert result["properties"] == {"horizon": "2025-05-01"}
    # a property of the finding is only a property, whatever its name
    odd = Finding("OLC110", Level.ERROR, "m", None, properties=(("baselineState", "weird"),))
    assert "baselineState" not in _result(odd)
    assert _result(odd)["properties"] == {"baselineState": "weird"}


def test_fixed_baseline_entries_are_notes_not_results():
    from olclint.filter.outcome import Outcome

    fixed = Finding("OLC110", Level.ERROR, "m", None, cluster="c", properties=(("file", "g"),))
    report = replace(empty_report(baseline="b.json"), outcomes=(Outcome(fixed, baseline="absent"),))
    run = _run(report)
    assert run["results"] == []
    assert run["invocations"][0]["toolExecutionNotifications"] == [
        {"message": {"text": "fixed since the baseline: OLC110 (c, g): m"}, "level": "note"}
    ]


def test_invocation_and_notifications():
    (invocation,) = _run(sample_report())["invocations"]
    assert invocation == {
        "executionSuccessful": True,
        "toolExecutionNotifications": [
            {
                "message": {"text": "Rule OLC402 failed."},
                "level": "error",
                "associatedRule": {"id": "OLC402", "index": 3},
                "exception": {"kind": "ValueError"},
            },
            {
                "message": {"text": "Suppression for OLC110 expired on 2024-01-31."},
                "level": "warning",
            },
        ],
        "commandLine": "olclint check --format sarif .",
        "startTimeUtc": "2024-05-01T10:00:00Z",
        "endTimeUtc": "2024-05-01T10:00:02Z",
    }
    bare = _run(empty_report(execution_successful=False, command_line="", start_time_utc=""))
    assert bare["invocations"] == [
        {"executionSuccessful": False, "endTimeUtc": "2024-05-01T10:00:02Z"}
    ]


def test_non_semver_version_is_not_a_semantic_version():
    driver = _run(empty_report(tool_version="0.1.dev3+g1234"))["tool"]["driver"]
    assert driver["version"] == "0.1.dev3+g1234"
    assert "semanticVersion" not in driver


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("a/b.cnf", "a/b.cnf"),
        ("prod eu/my.cnf", "prod%20eu/my.cnf"),
        ("x/100%.prefs", "x/100%25.prefs"),
        ("c:d/é#?.yaml", "c%3Ad/%C3%A9%23%3F.yaml"),
    ],
)
def test_artifact_uri(path, uri):
    assert artifact_uri(path) == uri


def test_root_uri_has_one_trailing_slash():
    assert root_uri("/repo") == "file:///repo/"
    assert root_uri("/repo/") == "file:///repo/"
    assert root_uri("/") == "file:///"


def test_redacted_sources_stay_redacted_and_other_lines_are_not_copied():
    sources = {MYCNF: ["[mysqld]", "password = hunter2", "bind-address = 127.0.0.1"]}
    text = render(sample_report(sources=sources), "sarif")
    assert "hunter2" not in text
    on_secret = Finding("OLC101", Level.ERROR, "m", Location(MYCNF, 2, 1))
    redacted = {MYCNF: ["[mysqld]", "password = ********"]}
    region = _result(on_secret, sources=redacted)["locations"][0]["physicalLocation"]
    assert region["region"]["snippet"] == {"text": "password = ********"}


# --- the official schema and Microsoft's validator ---------------------------------------

REPORTS = {
    "sample": sample_report,
    "empty": empty_report,
    "failed": lambda: empty_report(
        execution_successful=False, notifications=sample_report().notifications
    ),
    "odd-paths": lambda: empty_report(
        findings=(
            Finding("OLC101", Level.WARNING, "Odd path.", Location("dir with space/é%.cnf", 1, 1)),
        ),
        root="/tmp/a root",
    ),
}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_schema_valid(name):
    validate_schema(_doc(REPORTS[name]()))


def test_schema_oracle_catches_errors():
    doc = _doc(sample_report())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="fatal"):
        validate_schema(doc)


# Notes the validator always gives and that do not apply: message ids instead of text
# (SARIF2002), version-control provenance (SARIF2003), URIs it cannot fetch offline
# (SARIF2006), snippets and context regions where the source is unknown or the region is a
# whole file (SARIF2010, SARIF2011), a friendly name for an unregistered rule (SARIF2012).
ACCEPTED_NOTES = {"SARIF2002", "SARIF2003", "SARIF2006", "SARIF2010", "SARIF2011", "SARIF2012"}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_multitool_valid(name, tmp_path):
    path = tmp_path / "olclint.sarif"
    path.write_text(render(REPORTS[name](), "sarif"), encoding="utf-8")
    issues = run_multitool(path) if name == "sample" else validate_multitool(path)
    expected = ["GHAzDO1014"]
    if name == "sample":
        # F_ORPHAN has neither a location nor a file: valid SARIF, but GitHub's and Azure
        # DevOps' services require a location on every result.
        expected += ["GH1015", "GH1017", "GH2012", "GHAzDO1015", "GHAzDO1017"]
    assert sorted(i.rule for i in issues if i.level != "note") == sorted(expected)
    assert {i.rule for i in issues if i.level == "note"} <= ACCEPTED_NOTES


@pytest.mark.oracle
def test_multitool_oracle_catches_errors(tmp_path):
    doc = _doc(sample_report())
    del doc["runs"][0]["tool"]["driver"]
    path = tmp_path / "broken.sarif"
    path.write_text(json.dumps(doc), encoding="utf-8")
    issues = run_multitool(path)
    assert any(i.rule == "JSON1002" and i.level == "error" for i in issues)
    with pytest.raises(AssertionError, match="JSON1002"):
        validate_multitool(path)
