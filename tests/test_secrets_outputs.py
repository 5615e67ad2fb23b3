"""No secret from any input reaches any output: every report format and the graph export.

Fixtures that hold a secret write it with the marker `s3cr3t` (any case) in the value, so
a leak anywhere is one substring search. `tests/fixtures/hostile/secrets` holds every form
of secret olclint reads, many of them on lines that findings point at, so the snippets of
those lines are shown; every case under `tests/fixtures/cases` is checked the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from olclint.cli.main import main
from olclint.core.secrets import REDACTED, redact_line, redact_text
from olclint.readers.optionfile import parse_option_text

FIXTURES = Path(__file__).parent / "fixtures"
SECRETS = FIXTURES / "hostile" / "secrets"
CASES = sorted(p for p in (FIXTURES / "cases").iterdir() if (p / "expect.yaml").is_file())
MARKER = re.compile(r"s3cr3t|hunter2", re.I)
FORMATS = ("text", "json", "sarif", "github", "html")
GRAPH_FORMATS = ("dot", "mermaid", "json", "svg")


def _leaks(text: str) -> list[str]:
    return [text[max(0, m.start() - 40) : m.end() + 20] for m in MARKER.finditer(text)]


def _check(root: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", str(root), "--root", str(root), "--format", fmt, "--today", "2026-01-01"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_secrets_fixture_holds_every_form_of_secret() -> None:
    text = "\n".join(p.read_text() for p in sorted(SECRETS.rglob("*")) if p.is_file())
    for form in (
        "password=s3cr3t",  # option
        "password hunter2",  # no-equals form
        'loose_password = "s3cr3t',  # quoted, with a prefix
        "# password=s3cr3t",  # in a comment after a value
        "IDENTIFIED BY 's3cr3t",
        "IDENTIFIED BY PASSWORD '*S3CR3T",
        "IDENTIFIED WITH mysql_native_password AS '*s3cr3t",
        "USING PASSWORD('s3cr3t",
        "SET PASSWORD FOR 'app'@'10.0.0.0/255.0.0.0' = PASSWORD('s3cr3t",
        "root:s3cr3t-url-userinfo@",  # JDBC user:password@
        "?password=s3cr3t",  # JDBC parameter
        "&password=s3cr3t",
        "database.password=s3cr3t",  # .prefs key
        "db.pwd : s3cr3t",
        "admin:s3cr3t-master-userinfo@",
    ):
        assert form in text, form


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_any_report_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(SECRETS, fmt, capsys)
    assert code == 1
    assert _leaks(out) == []
    assert REDACTED in out  # the snippets of secret lines were shown, redacted


def test_findings_point_at_lines_that_hold_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    # the fixture is only a test of snippets if findings point at its secret lines
    _, out = _check(SECRETS, "json", capsys)
    report = json.loads(out)
    at = {
        (f["rule"], f["location"]["path"], f["location"]["line"])
        for f in report["findings"]
        if f["location"]
    }
    root = "clusters/vault/"
    for expected in (
        ("OLC003", root + "db/extra.cnf", 1),  # password=... before any group
        ("OLC004", root + "db/my.ini", 9),  # !include path # password=...
        ("OLC005", root + "db/grants.sql", 7),  # unreadable GRANT ... IDENTIFIED BY '...'
        ("OLC005", root + "db/grants.sql", 8),  # never-closed IDENTIFIED BY '...
        ("OLC005", root + "ext01/server.prefs", 4),  # http://user:password@host
    ):
        assert expected in at, expected
    sarif_out = _check(SECRETS, "sarif", capsys)[1]
    snippets = [
        loc["physicalLocation"]["region"].get("snippet", {}).get("text", "")
        for run in json.loads(sarif_out)["runs"]
        for result in run["results"]
        for loc in result["locations"]
    ]
    assert any(REDACTED in s for s in snippets)


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_no_secret_in_the_graph_export(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    cluster = SECRETS / "clusters" / "vault"
    assert main(["graph", str(cluster), "--root", str(SECRETS), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "192.168.10.10" in out  # a real export
    assert _leaks(out) == []


def test_some_case_fixture_holds_the_marker() -> None:
    # otherwise the scan below could not fail
    marked = [
        case.name
        for case in CASES
        for path in case.rglob("*")
        if path.is_file()
        and path.name != "expect.yaml"
        and MARKER.search(path.read_text("latin-1"))
    ]
    assert marked


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_case_fixture_leaks_its_secrets(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in FORMATS:
        _, out = _check(case, fmt, capsys)
        assert _leaks(out) == [], fmt


# -- the redaction itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "bind-address = 127.0.0.1 # password=hunter2",
            f"bind-address = 127.0.0.1 # password={REDACTED}",
        ),
        ("!include x.cnf # pwd=hunter2", f"!include x.cnf # pwd={REDACTED}"),
        ("# password=hunter2", f"# password={REDACTED}"),
        ("password:hunter2", f"password:{REDACTED}"),
        ("SET PASSWORD FOR 'app'@'%' = 'hunter2';", f"SET PASSWORD FOR 'app'@'%' = '{REDACTED}';"),
        ("SET PASSWORD = '*HUNTER2';", f"SET PASSWORD = '{REDACTED}';"),
        (
            "SET PASSWORD FOR app = OLD_PASSWORD('hunter2');",
            f"SET PASSWORD FOR app = OLD_PASSWORD('{REDACTED}');",
        ),
        ("CREATE USER u IDENTIFIED BY 'hunter2", f"CREATE USER u IDENTIFIED BY '{REDACTED}"),
        ("x: {user: u, token: hunter2}", f"x: {{user: u, token: {REDACTED}"),
        # prose that names a password is left alone
        ("the option 'password' comes first", "the option 'password' comes first"),
        ("# the password policy: see the wiki", "# the password policy: see the wiki"),
        ("port=3306 # no secret here", "port=3306 # no secret here"),
    ],
)
def test_redaction(line: str, expected: str) -> None:
    assert redact_line(line) == expected
    assert redact_text(line) == expected or redact_text(line).count(REDACTED) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "a" * 2_000_000,
        "password" * 250_000,
        "SET PASSWORD " * 150_000,
        "BY '" * 400_000,
        "password" + " " * 1_000_000 + "x",
        "//a:" * 500_000,
        "x=1 " * 500_000,
    ],
    ids=["letters", "secret-words", "set-password", "quotes", "spaces", "urls", "assignments"],
)
def test_redaction_is_linear_on_hostile_lines(text: str) -> None:
    import time

    start = time.monotonic()
    redact_text(text)
    redact_line(text)
    assert time.monotonic() - start < 5


def test_option_file_messages_and_names_are_redacted() -> None:
    parsed = parse_option_text(
        "password:hunter2\n", "a.cnf"
    )  # before any group: the message names the option
    assert "hunter2" not in repr(parsed)
    parsed = parse_option_text(
        "[mysqld]\npassword:hunter2\n!include x.cnf # password=hunter2\n!inclde y # pwd=hunter2\n",
        "a.cnf",
    )
    assert "hunter2" not in repr(parsed)
    assert [o.name for o in parsed.options] == [f"password:{REDACTED}"]
    assert [(f.rule, f.location.line) for f in parsed.diagnostics] == [
        ("OLC004", 3),
        ("OLC004", 4),
    ]
