"""The architecture as tests: layers import one way, no module imports itself back, rules
only judge (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from olclint.core import ids
from olclint.rules import RULE_MODULES, all_rules

ROOT = Path(__file__).resolve().parents[1]

# lowest first; a module may import its own layer and the layers before it. The rules
# package is the engine's plug-in: it sits at the engine's level.
LAYERS = ("core", "readers", "domain", "model", "engine", "filter", "report", "collect", "cli")


def _module_of(path: Path) -> str:
    if path.is_relative_to(ROOT / "rules"):
        rel = path.relative_to(ROOT / "rules").with_suffix("")
        parts = ["olclint", "rules", *rel.parts]
    else:
        rel = path.relative_to(ROOT / "lint").with_suffix("")
        parts = ["olclint", *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = [*(ROOT / "lint").rglob("*.py"), *(ROOT / "rules").glob("*.py")]
    return {_module_of(f): f for f in files}


MODULES = _sources()


def _imports(path: Path) -> set[str]:
    """Every olclint module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            # `from olclint.report import render` names a module, `from olclint import x` too
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith("olclint"):
                found.add(name)
    return found


GRAPH = nx.DiGraph()
for _name, _path in MODULES.items():
    GRAPH.add_node(_name)
    for _target in _imports(_path):
        if _target != _name and not _name.startswith(_target + "."):  # a package's own init
            GRAPH.add_edge(_name, _target)


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    if parts[1] == "rules":
        return LAYERS.index("engine")
    if parts[1] == "report":
        return LAYERS.index("report")
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def test_every_module_is_in_a_layer() -> None:
    outside = sorted(m for m in MODULES if _layer(m) is None)
    assert outside == ["olclint", "olclint.__main__"]


def test_no_import_cycle() -> None:
    assert list(nx.simple_cycles(GRAPH)) == []


def test_layers_import_one_way() -> None:
    upward = sorted(
        f"{a} -> {b}"
        for a, b in GRAPH.edges
        if _layer(a) is not None and _layer(b) is not None and _layer(b) > _layer(a)
    )
    assert upward == []


RULE_MAY_IMPORT = ("olclint.core", "olclint.domain", "olclint.model", "olclint.rules")


RULES_PACKAGE = sorted(m for m in MODULES if m.startswith("olclint.rules."))


def test_every_rule_module_is_registered_or_a_shared_helper() -> None:
    names = [m.removeprefix("olclint.rules.") for m in RULES_PACKAGE]
    assert [n for n in names if not n.startswith("_")] == sorted(RULE_MODULES)


@pytest.mark.parametrize("module", RULES_PACKAGE)
def test_a_rule_imports_no_reader_reporter_configuration_or_cli(module: str) -> None:
    imported = sorted(GRAPH.successors(module))
    allowed = [m for m in imported if m.startswith(RULE_MAY_IMPORT) or m == "olclint.engine.rule"]
    assert imported == allowed


def test_the_id_table_names_the_registered_rules() -> None:
    registered = {r.name: r.id for r in all_rules()}
    assert {name: registered[name] for name in ids.BY_NAME} == ids.BY_NAME


def test_no_rule_id_literal_outside_the_rules_and_the_table() -> None:
    literal = []
    for name, path in MODULES.items():
        if name.startswith("olclint.rules") or name == "olclint.core.ids":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and text.startswith("OLC") and text[3:].isdigit():
                literal.append(f"{name}: {text}")
    assert literal == []
