"""The text reporter: exact output, carets, colours, control characters."""

from __future__ import annotations

import re

from test_report_sample import MYCNF, SOURCES, empty_report, sample_report

from olclint.core.findings import Finding, Level, Location, Notification
from olclint.report import render

EXPECTED = """\
OLC001 error: The cluster has no master. (cluster prod)

OLC999 note: Nothing to check.

clusters/prod/cluster.yaml:12:5: OLC402 warning: Every server is in a clean-up run at 02:00.
  12 |     cleanup: {cron: '0 0 2 * * ?'}
     |     ^

clusters/prod/db/my.cnf:3:16: OLC101 error: bind-address 127.0.0.1 does not cover 10.0.0.2.
  3 | bind-address = 127.0.0.1
    |                ^^^^^^^^^
  clusters/prod/cluster.yaml:7:5: note: ext01 connects from 10.0.0.2.
  fix: Listen on all interfaces.

clusters/prod/ext01.prefs:4:1: OLC402 note: cleanup.expected_duration is missing on ext01.

clusters/prod/grants.sql:2:2: OLC110 error: 'ol'@'10.0.0.%' lacks ALL PRIVILEGES on ol.*.
  2 | \tGRANT SELECT ON ol.* TO 'ol'@'10.0.0.%';
    | \t^^^^^
  clusters/prod/grants.sql:1:1: note: The account is created here.
  clusters/prod/cluster.yaml:3:3: note: ext01 uses user ol.

olclint: error: Rule OLC402 failed. [OLC402, ValueError]
olclint: warning: Suppression for OLC110 expired on 2024-01-31.
Found 6 problems (3 errors, 1 warning, 2 notes) in 4 files.
"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_exact_output():
    assert render(sample_report(), "text") == EXPECTED


def test_no_colour_unless_asked():
    assert "\x1b" not in render(sample_report(), "text")


def test_colour_decorates_the_same_text():
    coloured = render(sample_report(), "text", color=True)
    assert ANSI.sub("", coloured) == EXPECTED
    assert "\x1b[1;35mOLC101\x1b[0m \x1b[1;31merror\x1b[0m: bind-address" in coloured
    assert "\x1b[1;35mOLC402\x1b[0m \x1b[1;33mwarning\x1b[0m: Every server" in coloured
    assert "\x1b[1;35mOLC999\x1b[0m \x1b[1;36mnote\x1b[0m: Nothing" in coloured


def test_clean_run():
    assert render(empty_report(), "text") == "No problems found.\n"


def test_notifications_without_findings():
    report = empty_report(notifications=(Notification("Cannot read .olclint.toml."),))
    assert render(report, "text") == (
        "olclint: error: Cannot read .olclint.toml.\nNo problems found.\n"
    )


def test_singular_summary_and_no_file_count_without_locations():
    one = Finding("OLC001", Level.ERROR, "Bad.", None)
    assert render(empty_report(findings=(one,)), "text") == (
        "OLC001 error: Bad.\n\nFound 1 problem (1 error, 0 warnings, 0 notes).\n"
    )
    located = Finding("OLC002", Level.NOTE, "Missing.", Location("a.cnf", 9, 1))
    assert render(empty_report(findings=(located,)), "text") == (
        "a.cnf:9:1: OLC002 note: Missing.\n\n"
        "Found 1 problem (0 errors, 0 warnings, 1 note) in 1 file.\n"
    )


def test_context_names_cluster_and_node():
    f = Finding("OLC302", Level.ERROR, "No licence.", None, cluster="prod", node="ext02")
    assert render(empty_report(findings=(f,)), "text").startswith(
        "OLC302 error: No licence. (cluster prod, node ext02)\n"
    )


def _block(location: Location, sources: dict[str, list[str]]) -> list[str]:
    f = Finding("OLC101", Level.ERROR, "m", location)
    return render(empty_report(findings=(f,), sources=sources), "text").splitlines()[:3]


def test_caret_single_without_end_and_across_lines():
    lines = {"a": ["abcdef", "ghi"]}
    assert _block(Location("a", 1, 3), lines)[2] == "    |   ^"
    assert _block(Location("a", 1, 3, 2, 2), lines)[2] == "    |   ^"


def test_caret_clamped_to_the_line():
    lines = {"a": ["abcdef"]}
    assert _block(Location("a", 1, 5, 1, 40), lines)[2] == "    |     ^^"
    assert _block(Location("a", 1, 5, None, 7), lines)[2] == "    |     ^^"
    # an empty region still gets one caret
    assert _block(Location("a", 1, 5, 1, 5), lines)[2] == "    |     ^"


def test_no_snippet_when_the_line_is_unknown():
    f = Finding("OLC101", Level.ERROR, "m", Location(MYCNF, 99, 1))
    assert render(empty_report(findings=(f,)), "text") == (
        f"{MYCNF}:99:1: OLC101 error: m\n\n"
        "Found 1 problem (1 error, 0 warnings, 0 notes) in 1 file.\n"
    )


def test_control_characters_cannot_reach_the_terminal():
    f = Finding("OLC101", Level.ERROR, "bad\x1b[2Jvalue\nnext", Location("a", 1, 1))
    out = render(empty_report(findings=(f,), sources={"a": ["x\x1b]0;title\x07y"]}), "text")
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines()[:3] == [
        "a:1:1: OLC101 error: bad\ufffd[2Jvalue\ufffdnext",
        "  1 | x\ufffd]0;title\ufffdy",
        "    | ^",
    ]


def test_only_the_finding_lines_of_a_source_are_shown():
    # Sources hold redacted lines; the reporter shows the finding's line and nothing else.
    sources = dict(SOURCES)
    sources[MYCNF] = ["[mysqld]", "password = hunter2", "bind-address = 127.0.0.1"]
    out = render(sample_report(sources=sources), "text")
    assert "hunter2" not in out
    assert "  3 | bind-address = 127.0.0.1\n" in out
