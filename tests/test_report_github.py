"""GitHub workflow commands: one per finding, escaped as the runner unescapes them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_sample import empty_report, sample_report

from olclint.core.findings import Finding, Level, Location, Notification, Related
from olclint.report import render
from olclint.report.github import escape_data, escape_property

EXPECTED = """\
::error file=clusters/prod/cluster.yaml,title=OLC001 InvalidClusterFile::The cluster has no master. (cluster prod)
::notice title=OLC999::Nothing to check.
::warning file=clusters/prod/cluster.yaml,line=12,col=5,title=OLC402 CleanupNotStaggered::Every server is in a clean-up run at 02:00.
::error file=clusters/prod/db/my.cnf,line=3,col=16,endLine=3,endColumn=25,title=OLC101 DatabaseNotReachable::bind-address 127.0.0.1 does not cover 10.0.0.2.%0Aclusters/prod/cluster.yaml:7:5: ext01 connects from 10.0.0.2.
::notice file=clusters/prod/ext01.prefs,line=4,col=1,title=OLC402 CleanupNotStaggered::cleanup.expected_duration is missing on ext01.
::error file=clusters/prod/grants.sql,line=2,col=2,endLine=2,endColumn=7,title=OLC110 GrantNotCovering::'ol'@'10.0.0.%25' lacks ALL PRIVILEGES on ol.*.%0Aclusters/prod/grants.sql:1:1: The account is created here.%0Aclusters/prod/cluster.yaml:3:3: ext01 uses user ol.
::error title=olclint OLC402::Rule OLC402 failed. (ValueError)
::warning title=olclint::Suppression for OLC110 expired on 2024-01-31.
"""  # noqa: E501


def test_exact_output():
    assert render(sample_report(), "github") == EXPECTED


def test_clean_run_prints_nothing():
    assert render(empty_report(), "github") == ""


def test_escaping_of_data_and_properties():
    f = Finding(
        "OLC101",
        Level.ERROR,
        "100% sure\r\nline two: a, b",
        Location("odd,dir/a:b%.cnf", 2, 3, 5, 9),
        related=(Related(Location("x.yaml", 1, 1), "see: here"),),
    )
    assert render(empty_report(findings=(f,)), "github") == (
        "::error file=odd%2Cdir/a%3Ab%25.cnf,line=2,col=3,endLine=5,"
        "title=OLC101 DatabaseNotReachable::100%25 sure%0D%0Aline two: a, b"
        "%0Ax.yaml:1:1: see: here\n"
    )


def test_node_context_and_notification_levels():
    f = Finding("OLC302", Level.WARNING, "No licence.", None, cluster="prod", node="ext02")
    note = Notification("Odd, but fine.", level=Level.NOTE)
    assert render(empty_report(findings=(f,), notifications=(note,)), "github") == (
        "::warning title=OLC302::No licence. (cluster prod, node ext02)\n"
        "::notice title=olclint::Odd, but fine.\n"
    )


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def test_control_characters_from_files_are_made_harmless() -> None:
    assert escape_data("a\x1b[31mb\x07") == "a\ufffd[31mb\ufffd"
    assert escape_data("tab\tcr\rlf\n") == "tab\tcr%0Dlf%0A"


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cc",)) | st.sampled_from("\t\r\n")))
def test_escaping_round_trips(text):
    data = escape_data(text)
    assert "\n" not in data and "\r" not in data
    assert _unescape_data(data) == text
    prop = escape_property(text)
    assert not {",", ":", "\n", "\r"} & set(prop)
    assert _unescape_property(prop) == text
