"""Documentation that must match the code: docs/rules.md, the rule catalog commands, and the
GitHub Actions workflow of the README, run as written."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml
from test_config import example, make_repo, run

from olclint.cli.main import main, rules_markdown
from olclint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
RULES_MD = ROOT / "docs" / "rules.md"
REGENERATE = "olclint rules --format markdown > docs/rules.md"


def test_docs_rules_md_is_current() -> None:
    current = rules_markdown(all_rules())
    assert RULES_MD.is_file(), f"docs/rules.md is missing; run `{REGENERATE}`"
    assert RULES_MD.read_text(encoding="utf-8") == current, (
        f"docs/rules.md is stale (a rule page changed); regenerate it: `{REGENERATE}`"
    )


def test_rules_md_has_every_rule_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert text == rules_markdown(all_rules())
    for rule in all_rules():
        assert f"| [{rule.id}](#{rule.id.lower()}) | {rule.name} | {rule.level} |" in text
        assert f"\n## {rule.id}\n" in text
        for section in ("What it does", "Why it matters", "Example", "How to fix"):
            assert f"### {section}" in text.split(f"\n## {rule.id}\n", 1)[1], (rule.id, section)


def test_rules_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    catalog = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in catalog] == [r.id for r in all_rules()]
    unused = next(r for r in catalog if r["id"] == "OLC007")
    assert unused == {
        "id": "OLC007",
        "name": "UnusedSuppression",
        "level": "note",
        "summary": "An inline `# olclint: ignore[...]` comment that suppresses nothing.",
    }
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(catalog)
    line = next(x for x in lines if x.startswith("OLC007"))
    assert line.split()[:3] == ["OLC007", "UnusedSuppression", "note"]


@pytest.mark.parametrize("key", ["OLC007", "olc007", "UnusedSuppression"])
def test_explain_by_id_or_name(key: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", key]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# OLC007 UnusedSuppression\n\nDefault level: note.\n")
    assert "its `check` function yields nothing." in page.replace("\n", " ")


def test_explain_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "OLC999"]) == 2
    assert (
        capsys.readouterr().err == "olclint: error: no rule 'OLC999'; `olclint rules` lists them\n"
    )


def test_the_github_actions_workflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sarif_oracle import validate_schema

    workflow = yaml.safe_load(example("github-actions"))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["olclint"]["steps"]
    commands = [s["run"] for s in steps if s.get("run", "").startswith("olclint ")]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload"))
    assert len(commands) == 2

    make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".olclint.toml").write_text('select = ["OLC0"]\n')
    ini = tmp_path / "clusters/prod-eu/master01/my.ini"
    ini.write_text("[ mysqld ]\nport = 3306\n")
    assert main(["check", "--write-baseline", ".olclint-baseline.json"]) == 0
    capsys.readouterr()
    ini.write_text("[ mysqld ]\nport = 3306\n[ server ]\n")

    annotate, sarif = (shlex.split(c)[1:] for c in commands)
    code, out, _ = run(annotate, capsys)
    assert code == 1  # the new finding fails the job
    assert out.startswith("::warning file=clusters/prod-eu/master01/my.ini,line=3,col=2,")
    code, out, _ = run(sarif, capsys)
    assert (code, out) == (0, "")  # --fail-on never: the upload still runs
    doc = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text())
    validate_schema(doc)
    states = [r["baselineState"] for r in doc["runs"][0]["results"]]
    assert states == ["unchanged", "new"]


def test_readme_lists_every_rule() -> None:
    from olclint.rules import all_rules

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| [OLC")]
    listed = [tuple(cell.strip() for cell in row.split("|")[1:4]) for row in rows]
    assert listed == [
        (f"[{r.id}](docs/rules.md#{r.id.lower()})", r.name, str(r.level)) for r in all_rules()
    ], "README.md's rule table is stale: regenerate it from `olclint rules`"
