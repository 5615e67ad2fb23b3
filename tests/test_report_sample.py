"""A handcrafted report shared by the reporter tests, and tests of `olclint.report` itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

from olclint.core.findings import Finding, Fix, Level, Location, Notification, Related
from olclint.engine.rule import Rule
from olclint.report import Report, counts, gate_failed, plain, render, sorted_findings

MYCNF = "clusters/prod/db/my.cnf"
YAML = "clusters/prod/cluster.yaml"
GRANTS = "clusters/prod/grants.sql"
PREFS = "clusters/prod/ext01.prefs"


def _check(ctx):  # pragma: no cover - never called by reporters
    return ()


def rule(rule_id: str, name: str, level: Level, summary: str, doc: str = "") -> Rule:
    return Rule(rule_id, name, level, summary, doc, _check)


RULES = (
    rule("OLC402", "CleanupNotStaggered", Level.ERROR, "Clean-up runs overlap on all servers."),
    rule(
        "OLC101",
        "DatabaseNotReachable",
        Level.ERROR,
        "A Connect server cannot open a TCP connection to the database.",
        "The database must listen where the servers connect.\n\n## Fix\n\nChange bind-address.",
    ),
    rule("OLC001", "InvalidClusterFile", Level.ERROR, "cluster.yaml is not valid."),
    rule("OLC110", "GrantNotCovering", Level.ERROR, "The account lacks privileges."),
)

SOURCES = {
    MYCNF: ["[mysqld]", "password = ********", "bind-address = 127.0.0.1"],
    YAML: [f"line {n}" for n in range(1, 12)] + ["    cleanup: {cron: '0 0 2 * * ?'}"],
    GRANTS: [
        "CREATE USER 'ol'@'10.0.0.%' IDENTIFIED BY '********';",
        "\tGRANT SELECT ON ol.* TO 'ol'@'10.0.0.%';",
    ],
}

F_BIND = Finding(
    "OLC101",
    Level.ERROR,
    "bind-address 127.0.0.1 does not cover 10.0.0.2.",
    Location(MYCNF, 3, 16, 3, 25),
    related=(Related(Location(YAML, 7, 5), "ext01 connects from 10.0.0.2."),),
    fix=Fix("Listen on all interfaces.", Location(MYCNF, 3, 16, 3, 25), "0.0.0.0"),
    cluster="prod",
    node="db01",
    subject="bind-address",
)
F_GRANT = Finding(
    "OLC110",
    Level.ERROR,
    "'ol'@'10.0.0.%' lacks ALL PRIVILEGES on ol.*.",
    Location(GRANTS, 2, 2, 2, 7),
    related=(
        Related(Location(GRANTS, 1, 1), "The account is created here."),
        Related(Location(YAML, 3, 3), "ext01 uses user ol."),
    ),
    cluster="prod",
    node="ext01",
    subject="ol@10.0.0.%",
)
F_CLEANUP = Finding(
    "OLC402",
    Level.WARNING,
    "Every server is in a clean-up run at 02:00.",
    Location(YAML, 12, 5),
    cluster="prod",
)
F_CLUSTER = Finding(
    "OLC001",
    Level.ERROR,
    "The cluster has no master.",
    None,
    cluster="prod",
    properties=(("file", YAML),),
)
F_ORPHAN = Finding("OLC999", Level.NOTE, "Nothing to check.", None)
F_PREFS = Finding(
    "OLC402",
    Level.NOTE,
    "cleanup.expected_duration is missing on ext01.",
    Location(PREFS, 4, 1),
    cluster="prod",
    node="ext01",
    subject="cleanup.expected_duration",
)

FINDINGS = (F_PREFS, F_CLEANUP, F_ORPHAN, F_GRANT, F_CLUSTER, F_BIND)

NOTIFICATIONS = (
    Notification("Rule OLC402 failed.", rule="OLC402", exception="ValueError"),
    Notification("Suppression for OLC110 expired on 2024-01-31.", level=Level.WARNING),
)


# The project's [project.urls] as the CLI passes them (olclint publishes none yet).
PROJECT_URLS = {
    "homepage": "https://olclint.example/",
    "documentation": "https://olclint.example/docs/rules.html",
}


def sample_report(**changes) -> Report:
    fields = dict(
        project_urls=PROJECT_URLS,
        findings=FINDINGS,
        rules=RULES,
        sources=SOURCES,
        root="/repo/work tree",
        tool_version="0.1.0",
        notifications=NOTIFICATIONS,
        levels={"OLC402": Level.WARNING},
        command_line="olclint check --format sarif .",
        start_time_utc="2024-05-01T10:00:00Z",
        end_time_utc="2024-05-01T10:00:02Z",
    )
    fields.update(changes)
    fields["outcomes"] = plain(fields.pop("findings"))
    return Report(**fields)


def empty_report(**changes) -> Report:
    return sample_report(**{"findings": (), "notifications": (), **changes})


# --- olclint.report itself ---------------------------------------------------------------


def test_sorted_findings_is_deterministic_and_by_location():
    expected = [F_CLUSTER, F_ORPHAN, F_CLEANUP, F_BIND, F_PREFS, F_GRANT]
    assert sorted_findings(FINDINGS) == expected
    assert sorted_findings(reversed(FINDINGS)) == expected


def test_counts():
    assert counts(FINDINGS) == {"error": 3, "warning": 1, "note": 2}
    assert counts(()) == {"error": 0, "warning": 0, "note": 0}


@pytest.mark.parametrize(
    ("findings", "fail_on", "failed"),
    [
        ((F_PREFS,), Level.WARNING, False),
        ((F_PREFS,), Level.NOTE, True),
        ((F_CLEANUP,), Level.WARNING, True),
        ((F_CLEANUP,), Level.ERROR, False),
        ((F_BIND,), None, False),
        ((), Level.NOTE, False),
    ],
)
def test_gate_failed(findings, fail_on, failed):
    assert gate_failed(sample_report(findings=findings, fail_on=fail_on)) is failed


def test_render_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render(sample_report(), "xml")


def test_format_modules_are_imported_lazily():
    code = (
        "import sys, olclint.report\n"
        "mods = [m for m in sys.modules if m.startswith('olclint.report.')]\n"
        "print(sorted(mods))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
