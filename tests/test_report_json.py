"""The JSON reporter: the documented version 1 shape, exactly."""

from __future__ import annotations

import json

from test_report_sample import F_BIND, F_CLEANUP, F_CLUSTER, F_ORPHAN, empty_report, sample_report

from olclint.core.findings import Finding, Level
from olclint.report import render


def _doc(report):
    text = render(report, "json")
    assert text.endswith("}\n")
    return json.loads(text)


def test_envelope_and_summary():
    doc = _doc(sample_report())
    assert list(doc) == [
        "version",
        "tool",
        "executionSuccessful",
        "findings",
        "notifications",
        "summary",
        "gate",
    ]
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "olclint", "version": "0.1.0"}
    assert doc["executionSuccessful"] is True
    assert doc["summary"] == {"error": 3, "warning": 1, "note": 2}
    assert doc["gate"] == {"failOn": "warning", "failed": True}
    assert doc["notifications"] == [
        {
            "level": "error",
            "message": "Rule OLC402 failed.",
            "rule": "OLC402",
            "exception": "ValueError",
        },
        {
            "level": "warning",
            "message": "Suppression for OLC110 expired on 2024-01-31.",
            "rule": None,
            "exception": None,
        },
    ]


def test_findings_in_order():
    doc = _doc(sample_report())
    assert [(f["rule"], f["location"] and f["location"]["path"]) for f in doc["findings"]] == [
        ("OLC001", None),
        ("OLC999", None),
        ("OLC402", "clusters/prod/cluster.yaml"),
        ("OLC101", "clusters/prod/db/my.cnf"),
        ("OLC402", "clusters/prod/ext01.prefs"),
        ("OLC110", "clusters/prod/grants.sql"),
    ]


def test_finding_with_everything():
    doc = _doc(empty_report(findings=(F_BIND,)))
    assert doc["findings"] == [
        {
            "rule": "OLC101",
            "name": "DatabaseNotReachable",
            "level": "error",
            "message": "bind-address 127.0.0.1 does not cover 10.0.0.2.",
            "location": {
                "path": "clusters/prod/db/my.cnf",
                "line": 3,
                "column": 16,
                "endLine": 3,
                "endColumn": 25,
            },
            "related": [
                {
                    "location": {
                        "path": "clusters/prod/cluster.yaml",
                        "line": 7,
                        "column": 5,
                        "endLine": None,
                        "endColumn": None,
                    },
                    "message": "ext01 connects from 10.0.0.2.",
                }
            ],
            "fix": {
                "description": "Listen on all interfaces.",
                "location": {
                    "path": "clusters/prod/db/my.cnf",
                    "line": 3,
                    "column": 16,
                    "endLine": 3,
                    "endColumn": 25,
                },
                "replacement": "0.0.0.0",
            },
            "cluster": "prod",
            "node": "db01",
            "subject": "bind-address",
            "fingerprint": "OLC101/prod/db01/bind-address",
            "properties": {},
        }
    ]


def test_finding_without_location_and_unregistered_rule():
    doc = _doc(empty_report(findings=(F_ORPHAN, F_CLUSTER)))
    assert doc["findings"] == [
        {
            "rule": "OLC001",
            "name": "InvalidClusterFile",
            "level": "error",
            "message": "The cluster has no master.",
            "location": None,
            "related": [],
            "fix": None,
            "cluster": "prod",
            "node": "",
            "subject": "",
            "fingerprint": "OLC001/prod//",
            "properties": {"file": "clusters/prod/cluster.yaml"},
        },
        {
            "rule": "OLC999",
            "name": None,
            "level": "note",
            "message": "Nothing to check.",
            "location": None,
            "related": [],
            "fix": None,
            "cluster": "",
            "node": "",
            "subject": "",
            "fingerprint": "OLC999///",
            "properties": {},
        },
    ]


def test_clean_run_and_gate_never():
    doc = _doc(empty_report(fail_on=None))
    assert doc["findings"] == []
    assert doc["notifications"] == []
    assert doc["summary"] == {"error": 0, "warning": 0, "note": 0}
    assert doc["gate"] == {"failOn": None, "failed": False}
    assert doc["executionSuccessful"] is True


def test_an_unsuccessful_run_fails_the_gate_even_without_findings():
    doc = _doc(empty_report(fail_on=None, execution_successful=False))
    assert doc["findings"] == []
    assert doc["gate"] == {"failOn": None, "failed": True}
    assert doc["executionSuccessful"] is False


def test_gate_threshold_error_ignores_warnings():
    doc = _doc(sample_report(fail_on=Level.ERROR, findings=(F_CLEANUP,)))
    assert doc["summary"] == {"error": 0, "warning": 1, "note": 0}
    assert doc["gate"] == {"failOn": "error", "failed": False}


def test_non_ascii_kept_verbatim():
    text = render(empty_report(findings=(Finding("OLC101", Level.NOTE, "é ✓", None),)), "json")
    assert '"message": "é ✓"' in text
