"""Cluster consistency rules (OLC201-OLC403) on small repositories: exact findings, fixes,
related locations, notes when a setting is missing, and the rule pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olclint.cli.main import main
from olclint.rules import find_rule

ML = 'master.location: "10.0.0.1:9340"'


def run(tmp_path: Path, cluster: str, files: dict[str, str] | None = None, today="2026-01-01"):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "cluster.yaml").write_text(cluster)
    for name, text in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    args = ["check", str(tmp_path), "--root", str(tmp_path), "--format", "json"]
    code = main([*args, "--today", today])
    return code


def findings(capsys: pytest.CaptureFixture[str], prefix: str = "OLC") -> list[dict]:
    report = json.loads(capsys.readouterr().out)
    assert report["notifications"] == []
    return [f for f in report["findings"] if f["rule"].startswith(prefix)]


def cluster(*nodes: str, head: str = "") -> str:
    return "version: 1\nname: c\ndatabase: {node: m}\n" + head + "nodes:\n" + "".join(nodes)


def master(settings: str = "", extra: str = "") -> str:
    body = "  - name: m\n    role: master\n    address: 10.0.0.1\n"
    body += "    license: {edition: performance-pack}\n" + extra
    return body + (f"    settings: {{{settings}}}\n" if settings else "")


def ext(name: str, address: str, settings: str = "", extra: str = "") -> str:
    body = f"  - name: {name}\n    role: extension\n    address: {address}\n"
    body += "    license: {edition: standard}\n" + extra
    joined = ", ".join(s for s in (ML, settings) if s)
    return body + f"    settings: {{{joined}}}\n"


# -- OLC201 / OLC202 ---------------------------------------------------------------------


def test_engine_fix_writes_the_sum_in_the_prefs_file(tmp_path, capsys) -> None:
    text = cluster(
        master(extra="    preferences: [m.prefs]\n"),
        ext("e1", "10.0.0.2", "merge.local_engines: 3"),
        ext("e2", "10.0.0.3", "merge.local_engines: 4"),
    )
    code = run(tmp_path, text, {"m.prefs": "# engines\nmerge.expected_remote_engines = 12\n"})
    (f,) = findings(capsys, "OLC2")
    assert code == 1
    assert (f["rule"], f["level"], f["location"]["path"], f["location"]["line"]) == (
        "OLC201",
        "error",
        "m.prefs",
        2,
    )
    assert f["message"].startswith(
        "m expects 12 remote merge engines, the extensions launch 7: e1 3, e2 4;"
    )
    assert f["fix"]["replacement"] == "7"
    assert f["fix"]["location"] == {
        "path": "m.prefs",
        "line": 2,
        "column": 33,
        "endLine": 2,
        "endColumn": 35,
    }
    assert [(r["location"]["line"], r["message"]) for r in f["related"]] == [
        (14, "e1 launches 3 local merge engine(s)"),
        (19, "e2 launches 4 local merge engine(s)"),
    ]
    assert f["subject"] == "merge.expected_remote_engines" and f["node"] == "m"


def test_engine_inline_value_has_no_fix_and_weaver_error(tmp_path, capsys) -> None:
    text = cluster(
        master("weaver.expected_remote_engines: 3"),
        ext("e1", "10.0.0.2", "weaver.local_engines: 1"),
    )
    run(tmp_path, text)
    (f,) = findings(capsys, "OLC2")
    assert (f["rule"], f["level"], f["location"]["line"]) == ("OLC202", "error", 9)
    assert "m expects 3 remote Weaver engines, the extensions launch 1: e1 1" in f["message"]
    assert f["fix"] is None


def test_engines_silent_when_only_the_master_launches_engines(tmp_path, capsys) -> None:
    text = cluster(master("merge.local_engines: 2"), ext("e1", "10.0.0.2"))
    assert run(tmp_path, text) == 0
    assert findings(capsys, "OLC2") == []


def test_engines_unreadable_value_is_a_note(tmp_path, capsys) -> None:
    text = cluster(
        master("merge.expected_remote_engines: two"),
        ext("e1", "10.0.0.2", "merge.local_engines: 2"),
    )
    run(tmp_path, text)
    got = [(f["rule"], f["level"], f["location"]["line"], f["message"]) for f in findings(capsys)]
    assert sorted(g[:3] for g in got) == [("OLC005", "error", 9), ("OLC201", "note", 5)]
    assert (
        "OLC201",
        "note",
        5,
        "could not check the remote merge engines: merge.expected_remote_engines "
        "cannot be read on m",
    ) in got


# -- licences ----------------------------------------------------------------------------


def test_licence_rules_follow_the_version_and_today(tmp_path, capsys) -> None:
    text = cluster(
        master(extra=""),
        ext("e1", "10.0.0.2"),
        head='connect_version: "2024.1"\n',
    ).replace("{edition: standard}", "{edition: standard, expires: 2026-05-31}")
    run(tmp_path, text, today="2026-06-01")
    got = sorted((f["rule"], f["location"]["line"], f["level"]) for f in findings(capsys))
    assert got == [("OLC301", 9, "error"), ("OLC303", 13, "error")]


def test_unknown_version_accepts_a_performance_pack(tmp_path, capsys) -> None:
    assert run(tmp_path, cluster(master(), ext("e1", "10.0.0.2"))) == 0
    assert findings(capsys) == []


# -- clean-up ----------------------------------------------------------------------------

CLEAN = "cleanup.enabled: true, cleanup.run_at_startup: false"


def test_cleanup_rules_silent_without_any_cleanup_setting(tmp_path, capsys) -> None:
    assert run(tmp_path, cluster(master(), ext("e1", "10.0.0.2"))) == 0
    assert findings(capsys, "OLC4") == []


def test_database_cleanup_undecided_is_a_note_without_warning(tmp_path, capsys) -> None:
    text = cluster(
        master(f"{CLEAN}, cleanup.database: false, cleanup.cron: 0 0 1 * * ?"),
        ext("e1", "10.0.0.2", "cleanup.files: true"),
    )
    run(tmp_path, text)
    got = [(f["rule"], f["level"], f["location"]["line"], f["message"]) for f in findings(capsys)]
    assert got == [
        (
            "OLC401",
            "note",
            10,
            "could not check which server runs database clean-up: cleanup.enabled is not set on e1",
        ),
        (
            "OLC402",
            "note",
            10,
            "could not check whether the clean-up runs are staggered: "
            "cleanup.enabled is not set on e1",
        ),
    ]  # OLC403 is decided: the master does not clean up at start-up


def test_node_without_timezone_uses_the_masters(tmp_path, capsys) -> None:
    # master in Tokyo at 03:00; e1 has no zone, so 03:10 is Tokyo time too: overlap. The
    # 1 January runs start at 18:00 UTC on 31 December, before the horizon.
    text = cluster(
        master(
            f"{CLEAN}, cleanup.database: true, cleanup.cron: 0 0 3 * * ?",
            extra="    timezone: Asia/Tokyo\n",
        ),
        ext("e1", "10.0.0.2", f"{CLEAN}, cleanup.database: false, cleanup.cron: 0 10 3 * * ?"),
    )
    run(tmp_path, text)
    (f,) = findings(capsys)
    assert f["rule"] == "OLC402" and f["location"]["line"] == 15
    assert "overlap at 2026-01-01T18:10:00Z" in f["message"]
    assert "e1 fires at 2026-01-02 03:10:00 Asia/Tokyo" in f["message"]


def test_one_enabled_server_is_never_an_overlap(tmp_path, capsys) -> None:
    text = cluster(
        master(f"{CLEAN}, cleanup.database: true, cleanup.cron: 0 0 3 * * ?"),
        ext("e1", "10.0.0.2", "cleanup.enabled: false, cleanup.cron: 0 0 3 * * ?"),
    )
    assert run(tmp_path, text) == 0
    assert findings(capsys) == []


def test_runs_that_touch_do_not_overlap(tmp_path, capsys) -> None:
    head = "cleanup: {expected_duration: 1h}\n"
    text = cluster(
        master(f"{CLEAN}, cleanup.database: true, cleanup.cron: 0 0 3 * * ?"),
        ext("e1", "10.0.0.2", f"{CLEAN}, cleanup.database: false, cleanup.cron: 0 0 4 * * ?"),
        head=head,
    )
    assert run(tmp_path, text) == 0
    assert findings(capsys) == []
    text = text.replace("expected_duration: 1h", "expected_duration: 61m")
    assert run(tmp_path, text) == 1
    (f,) = findings(capsys)
    assert (
        f["rule"] == "OLC402" and "overlap at 2026-01-01T04:00:00Z (runs of 1h1m)" in f["message"]
    )


def test_startup_missing_on_one_server_is_a_note(tmp_path, capsys) -> None:
    text = cluster(
        master(
            "cleanup.enabled: true, cleanup.run_at_startup: true, cleanup.database: true, "
            "cleanup.cron: 0 0 3 * * ?"
        ),
        ext(
            "e1",
            "10.0.0.2",
            "cleanup.enabled: true, cleanup.database: false, cleanup.cron: 0 0 5 * * ?",
        ),
    )
    run(tmp_path, text)
    got = [(f["rule"], f["level"], f["location"]["line"]) for f in findings(capsys)]
    assert got == [("OLC403", "note", 10)]


def test_bad_cron_in_a_prefs_file_names_the_field(tmp_path, capsys) -> None:
    text = cluster(master(extra="    preferences: [m.prefs]\n"), ext("e1", "10.0.0.2"))
    run(tmp_path, text, {"m.prefs": "cleanup.enabled=true\ncleanup.cron=0 0 12 ? * 8\n"})
    got = [f for f in findings(capsys) if f["rule"] == "OLC005"]
    assert [(f["location"]["path"], f["location"]["line"]) for f in got] == [("m.prefs", 2)]
    assert got[0]["message"] == (
        "cleanup.cron: '0 0 12 ? * 8' is not a Quartz cron expression: "
        "Quartz refuses day-of-week '8': Day-of-Week values must be between 1 and 7"
    )


def test_sloppy_cron_in_a_prefs_file_is_a_warning_and_still_scheduled(tmp_path, capsys) -> None:
    text = cluster(
        master(extra="    preferences: [m.prefs]\n"),
        ext(
            "e1",
            "10.0.0.2",
            "cleanup.enabled: true, cleanup.database: false, cleanup.cron: 0 10 12 ? * MON",
        ),
    )
    prefs = "cleanup.enabled=true\ncleanup.database=true\ncleanup.cron=0 0 12 ? * MON/2\n"
    run(tmp_path, text, {"m.prefs": prefs})
    got = [(f["rule"], f["level"], f["message"]) for f in findings(capsys)]
    assert (
        "OLC005",
        "warning",
        (
            "cleanup.cron: Quartz 2.3.2 accepts '0 0 12 ? * MON/2' but not as written: it reads "
            "day-of-week 'MON/2' as 'MON'; that is '0 0 12 ? * MON'"
        ),
    ) in got
    # the master's schedule is Quartz's reading, Mondays at 12:00: it meets e1's at 12:10
    overlap = [m for rule, level, m in got if (rule, level) == ("OLC402", "error")]
    assert len(overlap) == 1 and "overlap at 2026-01-05T12:10:00Z" in overlap[0]


# -- pages -------------------------------------------------------------------------------

IDS = ["OLC201", "OLC202", "OLC203", "OLC301", "OLC302", "OLC303", "OLC401", "OLC402", "OLC403"]


@pytest.mark.parametrize("rule_id", IDS)
def test_rule_pages_are_complete(rule_id: str) -> None:
    rule = find_rule(rule_id)
    assert rule is not None
    for section in ("## What it does", "## Why it matters", "## Example", "## How to fix"):
        assert section in rule.doc, section
    assert rule.summary and rule.name[0].isupper()
