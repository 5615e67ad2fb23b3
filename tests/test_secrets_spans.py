"""Secrets that the parsers decode differently from the raw line: planted at random in every
such form, they appear in no output (every report format, the baseline, the graph export)
and in no source line kept for snippets.

Each secret is two halves of letters that no report uses; the forms split or escape it, so
each half is searched for on its own.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olclint.cli.main import main
from olclint.model.build import build_cluster
from olclint.readers.workspace import Workspace

ALPHABET = "QXZJKV"
half = st.text(alphabet=ALPHABET, min_size=6, max_size=10)

CLUSTER = """\
version: 1
name: c
connect_version: "2021.2"
database: {{node: m, option_file: m/my.ini, grants: m/grants.sql{extra}}}
nodes:
  - {{name: m, role: master, address: 10.0.0.1, license: {{edition: performance-pack}},
     preferences: m/settings}}
  - {{name: e, role: extension, address: 10.0.0.2, license: {{edition: standard}}}}
"""


def _forms(a: str, b: str) -> dict[str, str]:
    """Every file of a cluster, each secret form planted with halves a and b."""
    esc = "".join(f"\\u{ord(c):04x}" for c in a)  # the first half as \\uXXXX escapes
    prefs = "\n".join(
        [
            "merge.local_engines=1",
            f"database.p\\u0061ssword={a}{b}",  # the key spelled with an escape
            f"database.password={esc}{b}",  # the value spelled with escapes
            f"engine.pass\\:word={a}{b}",  # an escaped separator in the key
            f"engine.pass\0word={a}{b}",  # a NUL in the key
            f"other.password=\\\n    {a}\\\n    {b}",  # continuation lines
            f"database.url=jdbc:mysql://root:{a}/@ {b}@10.0.0.1:3306/objectiflune",
            "",
        ]
    )
    grants = "\n".join(
        [
            f"CREATE USER 'root'@'%' IDENTIFIED BY '{a}''{b}';",  # doubled quote
            f"CREATE USER 'u1'@'%' IDENTIFIED BY /* note */ '{a}{b}';",  # comment before
            f"CREATE USER 'u2'@'%' IDENTIFIED WITH mysql_native_password AS 0x{a}{b};",
            "GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'%';",
            "",
        ]
    )
    return {
        # a secret under a key the schema refuses: cluster y is never built further
        "y/cluster.yaml": CLUSTER.format(extra=f', password: "{a}\\u0020{b}"'),
        "c/cluster.yaml": CLUSTER.format(extra=""),
        "c/m/my.ini": f"[mysqld]\nport=3306\n[client]\npassword = {a}{b}\n",
        "c/m/grants.sql": grants,
        "c/m/settings/a.prefs": prefs,
    }


def _leaks(text: str, a: str, b: str) -> list[str]:
    return [part for part in (a, b) if part in text]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(a=half, b=half)
def test_random_secrets_in_every_form_reach_no_output(a: str, b: str, capsys) -> None:
    root = Path(tempfile.mkdtemp(prefix="olclint-secrets-"))
    try:
        (root / ".git").mkdir()
        (root / "c/m/settings").mkdir(parents=True)
        (root / "y").mkdir()
        for rel, text in _forms(a, b).items():
            (root / rel).write_text(text, encoding="latin-1" if rel.endswith(".prefs") else "utf-8")
        outputs = []
        for fmt in ("text", "json", "sarif", "github"):
            capsys.readouterr()
            code = main(["check", str(root), "--root", str(root), "--format", fmt])
            captured = capsys.readouterr()
            assert code == 1, captured.err
            outputs.append(captured.out + captured.err)
        assert (
            main(
                ["check", str(root), "--root", str(root), "--write-baseline", str(root / "b.json")]
            )
            == 0
        )
        outputs.append((root / "b.json").read_text())
        json.loads(outputs[-1])
        for fmt in ("dot", "mermaid", "json"):
            capsys.readouterr()
            code = main(["graph", str(root / "c"), "--root", str(root), "--format", fmt])
            captured = capsys.readouterr()
            assert code == 0, captured.err
            outputs.append(captured.out)
        ws = Workspace(root)
        build_cluster(ws, root / "c/cluster.yaml")
        build_cluster(ws, root / "y/cluster.yaml")
        kept = "\n".join("\n".join(lines) for lines in ws.sources.values())
        assert sorted(ws.sources) == sorted(_forms(a, b))
        assert _leaks(kept, a, b) == []
        for out in outputs:
            assert _leaks(out, a, b) == []
        # the findings do point at the planted lines, so their snippets were shown
        sarif = json.loads(outputs[2])
        lines = {
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in sarif["runs"][0]["results"]
        }
        assert {("y/cluster.yaml", 4), ("c/m/grants.sql", 1)} <= lines
        assert "c/m/settings/a.prefs" in {path for path, _ in lines}
        assert "********" in outputs[0]
    finally:
        shutil.rmtree(root)
