"""Reporters show the finding lines of the (already redacted) sources, and nothing else."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_sample import empty_report

from olclint.core.findings import Finding, Fix, Level, Location, Notification, Related
from olclint.report import FORMATS, render

PATHS = ("a/cluster.yaml", "a/db/my.cnf", "a/ext01.prefs")
LINES = 6


def _sources() -> dict[str, list[str]]:
    # every line carries a unique marker; the marker of a line no location names is a
    # stand-in for a secret a reader left on a line that a finding does not point at
    return {p: [f"key{n} = MARK<{p}:{n}>" for n in range(1, LINES + 1)] for p in PATHS}


locations = st.builds(
    lambda path, line, column, width: Location(
        path,
        line,
        column,
        None if width is None else line,
        None if width is None else column + width,
    ),
    st.sampled_from(PATHS),
    st.integers(1, LINES),
    st.integers(1, 12),
    st.none() | st.integers(0, 8),
)

findings = st.builds(
    lambda rule, level, loc, related, fix: Finding(
        rule,
        level,
        "message",
        loc,
        related=tuple(Related(r, "there") for r in related),
        fix=None if fix is None or loc is None else Fix("fix it", loc, fix),
    ),
    st.sampled_from(("OLC101", "OLC110", "OLC402")),
    st.sampled_from(list(Level)),
    st.none() | locations,
    st.lists(locations, max_size=2),
    st.none() | st.sampled_from(("0.0.0.0", "x")),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(findings, max_size=4), st.sampled_from(FORMATS))
def test_only_lines_named_by_a_primary_location_appear(found, fmt):
    report = empty_report(findings=tuple(found), sources=_sources())
    out = render(report, fmt)
    shown = {(f.location.path, f.location.line) for f in found if f.location is not None}
    for path in PATHS:
        for n in range(1, LINES + 1):
            if (path, n) not in shown:
                assert f"MARK<{path}:{n}>" not in out


def test_redacted_line_is_shown_as_kept():
    line = "password = ********"
    f = Finding("OLC101", Level.ERROR, "m", Location("my.cnf", 1, 12, 1, 20))
    report = empty_report(findings=(f,), sources={"my.cnf": [line]})
    assert f"  1 | {line}\n" in render(report, "text")
    sarif = json.loads(render(report, "sarif"))
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["snippet"] == {"text": "********"}


def test_notification_names_the_exception_type_in_every_format():
    note = Notification("Rule OLC101 failed.", rule="OLC101", exception="KeyError")
    for fmt in FORMATS:
        out = render(empty_report(notifications=(note,)), fmt)
        if fmt == "gitlab":  # a list of code issues only: the CLI says it on stderr
            assert out == "[]\n"
        else:
            assert "KeyError" in out
