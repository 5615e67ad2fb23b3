"""The configuration file through the CLI: every key, precedence, and errors with file, line
and key. The examples are the ones of the README, run as written.

The helpers here (`make_repo`, `example`) are shared by the other gate tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from olclint.cli.main import main
from olclint.filter.config import ConfigError, key_lines, load_config
from olclint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "README.md"

CLUSTER = """\
version: 1
name: prod-eu
connect_version: "2021.2"
database:
  node: master01
  option_file: master01/my.ini
  grants: master01/grants.sql
nodes:
  - name: master01
    role: master
    address: 192.168.10.10
    license: {edition: performance-pack}
    preferences: master01/settings
  - name: ext01
    role: extension
    address: 192.168.10.21
    license: {edition: standard}
    preferences: ext01/settings
  - name: ext02
    role: extension
    address: 192.168.11.22
    license: {edition: standard}
    preferences: ext02/settings
"""
GRANTS = (
    "CREATE USER 'root'@'%' IDENTIFIED BY 'secret';\n"
    "GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'%';\n"
)
CLUSTER_DIR = "clusters/prod-eu"
# The input rules only: the tests here are about the gate, not about the cluster rules.
ONLY_INPUT_RULES = ["--select", "OLC0"]


def make_repo(root: Path) -> Path:
    """A clean config repository (a `.git` folder marks its root) with cluster prod-eu."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    base = root / CLUSTER_DIR
    for node in ("master01", "ext01", "ext02"):
        (base / node / "settings").mkdir(parents=True, exist_ok=True)
        (base / node / "settings" / "connect.prefs").write_text("merge.local_engines=2\n")
    (base / "cluster.yaml").write_text(CLUSTER)
    (base / "master01" / "my.ini").write_text("[mysqld]\nport = 3306\n")
    (base / "master01" / "grants.sql").write_text(GRANTS)
    return root


def example(name: str) -> str:
    """The fenced block after `<!-- example: NAME -->` in the README."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- example: {re.escape(name)} -->\n```[a-z]*\n(.*?)```", text, re.S)
    assert match, f"README.md has no example {name!r}"
    return match[1]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def findings(out: str) -> list[tuple[str, str, str, int]]:
    """(rule, level, path, line) of each finding of a JSON report."""
    return [
        (f["rule"], f["level"], f["location"]["path"], f["location"]["line"])
        for f in json.loads(out)["findings"]
    ]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _broken_inputs(repo: Path) -> None:
    """An OLC004 group, an OLC006 include and ext01's merge engines as a non-number under
    the key that `[preference-keys]` of the example names."""
    base = repo / CLUSTER_DIR
    (base / "master01" / "my.ini").write_text(
        "[ mysqld ]\nport = 3306\n[mysqld]\n!includedir C:/ProgramData/MySQL/conf.d\n"
    )
    (base / "ext01" / "settings" / "connect.prefs").write_text("engine.merge.launched=abc\n")


def test_the_config_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".olclint.toml").write_text(example("config"))
    _broken_inputs(repo)
    args = ["check", "--format", "json", "--today", "2026-06-01", *ONLY_INPUT_RULES]
    code, out, _ = run(args, capsys)
    # OLC006 ignored, OLC004 raised to error, OLC005 of ext01 suppressed until 2027-01-31.
    assert findings(out) == [("OLC004", "error", f"{CLUSTER_DIR}/master01/my.ini", 1)]
    assert code == 1


def test_config_severity_and_suppression_in_sarif(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".olclint.toml").write_text(example("config"))
    _broken_inputs(repo)
    args = ["check", "--format", "sarif", "--today", "2026-06-01", *ONLY_INPUT_RULES]
    code, out, _ = run([*args, "--include-suppressed"], capsys)
    run_ = json.loads(out)["runs"][0]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in run_["tool"]["driver"]["rules"]}
    assert levels["OLC004"] == "error" and levels["OLC005"] == "error"
    got = [(r["ruleId"], r["level"], r.get("suppressions")) for r in run_["results"]]
    assert got == [
        ("OLC005", "error", [{"kind": "external", "justification": example_reason()}]),
        ("OLC004", "error", None),
    ]
    assert run_["results"][0]["properties"]["node"] == "ext01"
    assert code == 1
    code, out, _ = run(args, capsys)
    assert [r["ruleId"] for r in json.loads(out)["runs"][0]["results"]] == ["OLC004"]


def example_reason() -> str:
    return re.search(r'reason = "([^"]*)"', example("config"))[1]


def test_an_expired_suppression_brings_the_finding_back(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = example("config")
    (repo / ".olclint.toml").write_text(config)
    _broken_inputs(repo)
    line = next(n for n, text in enumerate(config.splitlines(), 1) if text.startswith("[["))
    args = ["check", "--format", "json", *ONLY_INPUT_RULES]
    code, out, _ = run([*args, "--today", "2027-01-31"], capsys)
    assert [f[0] for f in findings(out)] == ["OLC004"]  # the last day it still holds
    code, out, _ = run([*args, "--today", "2027-02-01"], capsys)
    report = json.loads(out)
    assert findings(out) == [
        ("OLC005", "error", f"{CLUSTER_DIR}/ext01/settings/connect.prefs", 1),
        ("OLC004", "error", f"{CLUSTER_DIR}/master01/my.ini", 1),
    ]
    expired = report["findings"][0]
    assert expired["message"] == (
        "merge.local_engines: 'abc' is not an integer (the suppression in "
        f".olclint.toml:{line} expired on 2027-01-31: {example_reason()})"
    )
    assert expired["related"] == [
        {
            "location": {
                "path": ".olclint.toml",
                "line": line,
                "column": 1,
                "endLine": None,
                "endColumn": None,
            },
            "message": "suppression expired on 2027-01-31",
        }
    ]
    assert expired["properties"] == {"suppressionExpired": "2027-01-31"}
    assert f".olclint.toml:{line} expired" in DOCS.read_text()  # the README says the same
    assert code == 1


def test_source_date_epoch_decides_expiry(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".olclint.toml").write_text(example("config"))
    _broken_inputs(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1801440000")  # 2027-02-01
    _, out, _ = run(["check", "--format", "json", *ONLY_INPUT_RULES], capsys)
    assert [f[0] for f in findings(out)] == ["OLC005", "OLC004"]


def test_preference_keys_reach_the_prefs_reader(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_inputs(repo)
    (repo / ".olclint.toml").write_text("ignore = ['OLC004', 'OLC006']\n")
    code, out, _ = run(["check", "--format", "json", *ONLY_INPUT_RULES], capsys)
    assert findings(out) == [] and code == 0  # engine.merge.launched is not a setting key
    (repo / ".olclint.toml").write_text(
        "ignore = ['OLC004', 'OLC006']\n"
        "[preference-keys]\n"
        '"merge.local_engines" = "engine.merge.launched"\n'
    )
    code, out, _ = run(["check", "--format", "json", *ONLY_INPUT_RULES], capsys)
    assert findings(out) == [("OLC005", "error", f"{CLUSTER_DIR}/ext01/settings/connect.prefs", 1)]
    assert code == 1


def test_the_pyproject_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _broken_inputs(repo)
    (repo / "pyproject.toml").write_text('[project]\nname = "configs"\n\n' + example("pyproject"))
    code, out, _ = run(["check", "--format", "json"], capsys)
    assert [f[:2] for f in findings(out)] == [("OLC004", "warning"), ("OLC006", "warning")]
    assert code == 0  # fail-on = "error", and no error
    (repo / "clusters/prod-eu/master01/my.ini").write_text("port=1\n[mysqld]\n")
    code, out, _ = run(["check", "--format", "json"], capsys)
    assert [f[:2] for f in findings(out)] == [("OLC003", "error")]
    assert code == 1
    capsys.readouterr()


def test_olclint_toml_wins_over_pyproject(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _broken_inputs(repo)
    (repo / "pyproject.toml").write_text('[tool.olclint]\nfail-on = "never"\n')
    assert run(["check", *ONLY_INPUT_RULES], capsys)[0] == 0
    (repo / ".olclint.toml").write_text('fail-on = "warning"\n')
    assert run(["check", *ONLY_INPUT_RULES], capsys)[0] == 1
    (repo / "other.toml").write_text('fail-on = "never"\n')
    assert run(["check", "--config", "other.toml", *ONLY_INPUT_RULES], capsys)[0] == 0


def test_pyproject_without_olclint_table_is_no_config(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n[tool.olclintx]\n"a"=1\n')
    assert run(["check", *ONLY_INPUT_RULES], capsys) == (0, "No problems found.\n", "")


def test_command_line_flags_override_the_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_inputs(repo)
    (repo / ".olclint.toml").write_text(
        'select = ["OLC004"]\nignore = ["OLC006"]\nfail-on = "never"\n'
    )
    code, out, _ = run(["check", "--format", "json"], capsys)
    assert [f[0] for f in findings(out)] == ["OLC004"] and code == 0
    code, out, _ = run(["check", "--format", "json", "--fail-on", "warning"], capsys)
    assert [f[0] for f in findings(out)] == ["OLC004"] and code == 1
    code, out, _ = run(["check", "--format", "json", "--select", "OLC006"], capsys)
    assert findings(out) == [] and code == 0  # the file's ignore still applies
    args = ["check", "--format", "json", "--select", "OLC006", "--ignore", ""]
    code, out, _ = run(args, capsys)
    assert [f[0] for f in findings(out)] == ["OLC006"] and code == 0


def test_the_config_error_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".olclint.toml").write_text(example("config").replace("OLC004 =", "OLC04 ="))
    command, expected = example("config-error").splitlines()
    assert command == "$ olclint check"
    assert run(["check"], capsys) == (2, "", expected + "\n")


BAD_CONFIGS = [
    ("fail_on = 'error'\n", ".olclint.toml:1: key 'fail_on': unknown key (expected one of: "),
    ("fail-on = 'errors'\n", ".olclint.toml:1: key 'fail-on': \"errors\" is not one of"),
    ("select = 'OLC1'\n", ".olclint.toml:1: key 'select': 'OLC1' is not of type 'array'"),
    ("ignore = [\n  'OLC004',\n  'OLC9',\n]\n", ".olclint.toml:1: key 'ignore[1]': 'OLC9' matches"),
    ("[severity]\nOLC004 = 'fatal'\n", ".olclint.toml:2: key 'severity.OLC004': \"fatal\" is not"),
    ("[severity]\n'OLC-4' = 'note'\n", ".olclint.toml:2: key 'severity.OLC-4': \"OLC-4\" is not a"),
    (
        "[preference-keys]\n'merge.engines' = 'x'\n",
        ".olclint.toml:2: key 'preference-keys.\"merge.engines\"': unknown setting",
    ),
    (
        "[[suppress]]\nrule = 'OLC004'\nreason = 'r'\n[[suppress]]\nrule = 'OLC4'\nreason = 'r'\n",
        ".olclint.toml:5: key 'suppress[1].rule': 'OLC4' is not a rule id or name",
    ),
    ("[[suppress]]\nrule = 'OLC004'\n", ".olclint.toml:1: key 'suppress[0]': 'reason' is required"),
    (
        "[[suppress]]\nrule = 'OLC004'\nreason = 'r'\nexpires = 2027-02-30\n",
        ".olclint.toml:4: invalid TOML: ",
    ),
    (
        "[[suppress]]\nrule = 'OLC004'\nreason = 'r'\nexpires = '2027-02-30'\n",
        ".olclint.toml:4: key 'suppress[0].expires': \"2027-02-30\" is not a date like 2027-01-31",
    ),
    (
        "[[suppress]]\nrule = 'OLC004'\nreason = 'r'\nexpires = 2027-01-01T10:00:00\n",
        ".olclint.toml:4: key 'suppress[0].expires': \"2027-01-01T10:00:00\" is not a date",
    ),
    (
        "[[suppress]]\nrule = 'OLC004'\nreason = 'r'\nsubject = 'x'\n",
        ".olclint.toml:4: key 'suppress[0].subject': unknown key (expected one of: cluster, "
        "expires, node, reason, rule)",
    ),
    ("select = [\n", ".olclint.toml:1: invalid TOML: "),
    ("[x\n", ".olclint.toml:1: invalid TOML: "),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_configuration_errors_name_file_line_and_key(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    (repo / ".olclint.toml").write_text(text)
    code, out, err = run(["check", "--format", "sarif"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"olclint: error: {message}"), err


def test_errors_in_pyproject_name_the_line_inside_the_table(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.olclint]\nselect = ["OLC0"]\n\n'
        '[tool.olclint.severity]\nOLC999 = "note"\n'
    )
    code, _, err = run(["check"], capsys)
    assert code == 2
    assert err == (
        "olclint: error: pyproject.toml:8: key 'severity.OLC999': "
        "'OLC999' is not a rule id or name\n"
    )


def test_missing_config_file_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["check", "--config", "nope.toml"], capsys) == (
        2,
        "",
        "olclint: error: nope.toml: no such configuration file\n",
    )


def test_names_are_accepted_for_rules(repo: Path) -> None:
    (repo / "c.toml").write_text(
        'select = ["InvalidClusterFile", "OLC00"]\n[severity]\noptionfilelineignored = "note"\n'
        '[[suppress]]\nrule = "MissingInputFile"\nreason = "r"\n'
    )
    config = load_config(repo / "c.toml", all_rules())
    assert config.select == ("InvalidClusterFile", "OLC00")
    assert {k: str(v) for k, v in config.severity.items()} == {"OLC004": "note"}
    assert [(s.rule, s.line) for s in config.suppress] == [("OLC002", 4)]


def test_config_error_carries_its_parts(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text("\n\n[severity]\nX = 1\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "c.toml", all_rules(), shown="c.toml")
    assert (info.value.file, info.value.line, info.value.key) == ("c.toml", 4, "severity.X")


def test_key_lines_scanner() -> None:
    text = (
        "# comment = 1\n"
        "a = 1\n"
        'b.c = "x"\n'
        "list = [\n"
        '  "d = 2",\n'
        "]\n"
        's = """\n'
        "e = 3\n"
        '"""\n'
        '[t."dotted.key"]\n'
        "'lit' = 1\n"
        "[[arr]]\n"
        "k = 1\n"
        "[[arr]]\n"
        "k = 2\n"
        "[ t . sub ]\n"
        "inline = {x = 1}\n"
    )
    assert key_lines(text) == {
        ("a",): 2,
        ("b",): 3,
        ("b", "c"): 3,
        ("list",): 4,
        ("s",): 7,
        ("t", "dotted.key"): 10,
        ("t", "dotted.key", "lit"): 11,
        ("arr",): 12,
        ("arr", 0): 12,
        ("arr", 0, "k"): 13,
        ("arr", 1): 14,
        ("arr", 1, "k"): 15,
        ("t", "sub"): 16,
        ("t", "sub", "inline"): 17,
    }


def test_config_schema_is_a_valid_2020_12_schema() -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "config.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_max_file_size_from_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(tmp_path)
    grants = root / CLUSTER_DIR / "master01" / "grants.sql"
    grants.write_text(grants.read_text() + "-- padding\n" * 200)  # over 1024 bytes
    (root / ".olclint.toml").write_text(f"max-file-size = {grants.stat().st_size - 1}\n")
    code, out, _ = run(["check", str(root), "--format", "json", *ONLY_INPUT_RULES], capsys)
    assert code == 1
    assert findings(out) == [("OLC002", "error", f"{CLUSTER_DIR}/cluster.yaml", 7)]  # grants:
    assert "over the limit of" in json.loads(out)["findings"][0]["message"]
    (root / ".olclint.toml").write_text("max-file-size = 10\n")
    code, _, err = run(["check", str(root)], capsys)
    assert code == 2
    assert ".olclint.toml:1" in err and "max-file-size" in err
