"""The fast validator (olclint.model.fastschema) says what jsonschema says, on every cluster
file of the fixtures and examples, on generated clusters, and on thousands of mutations."""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

import jsonschema
import pytest

from olclint.model.fastschema import Unsupported, compile_schema
from olclint.model.schema import load_schema
from olclint.readers.yamlpos import load_yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import Spec, write_cluster  # noqa: E402

SCHEMA = load_schema("cluster.schema.json")
REFERENCE = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
FAST = compile_schema(SCHEMA)

# values a mutation puts somewhere: every type, edge numbers, dates good and bad, patterns
VALUES = [
    None,
    True,
    False,
    0,
    1,
    1.0,
    1.5,
    -1,
    65535,
    65536,
    3306,
    "",
    "x",
    "1",
    "1.2.3",
    "1.2-beta",
    "v1",
    "2027-01-01",
    "2027-02-30",
    "2027-1-1",
    "20270101",
    "10m",
    " 5 s ",
    "5x",
    "mysql",
    "mariadb",
    "master",
    "extension",
    "slave",
    "enterprise",
    [],
    ["a"],
    [1],
    {},
    {"a": 1},
    {"name": "n"},
    2.0,
    10**20,
]
UNKNOWN_KEYS = ["nmae", "extra", "passwrd", 1, True]


def _documents() -> list[tuple[str, object]]:
    docs = []
    for path in sorted([*ROOT.glob("examples/**/cluster.yaml"), *ROOT.glob("tests/**/*.yaml")]):
        doc, _ = load_yaml(path.read_text(encoding="utf-8", errors="replace"), path.name)
        if doc is not None:
            docs.append((str(path.relative_to(ROOT)), doc.data))
    return docs


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*prefix, index))
    return out


def _mutate(data: object, rng: random.Random) -> object:
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_paths(data))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = rng.randrange(4)
        if action == 0:
            parent[last] = copy.deepcopy(rng.choice(VALUES))
        elif action == 1:
            del parent[last]
        elif action == 2 and isinstance(parent, dict):
            parent[rng.choice(UNKNOWN_KEYS)] = copy.deepcopy(rng.choice(VALUES))
        elif isinstance(parent[last], list) and parent[last]:
            parent[last].append(copy.deepcopy(parent[last][0]))
            parent[last][-1] = copy.deepcopy(rng.choice(VALUES)) if rng.random() < 0.5 else {}
    return data


def test_the_fixtures_and_examples_agree():
    docs = _documents()
    assert len(docs) >= 60
    disagree = [n for n, d in docs if FAST(d) != REFERENCE.is_valid(d)]
    assert disagree == []


def test_generated_clusters_agree(tmp_path):
    results = []
    for seed, extensions in ((1, 3), (2, 40), (3, 1)):
        spec = Spec(name=f"c{seed}", extensions=extensions, seed=seed)
        path = write_cluster(tmp_path / f"c{seed}", spec)
        doc, _ = load_yaml(path.read_text(encoding="utf-8"), "cluster.yaml")
        results.append((FAST(doc.data), REFERENCE.is_valid(doc.data)))
    assert results == [(True, True), (True, True), (True, True)]


def test_mutated_cluster_files_agree():
    rng = random.Random(19)
    docs = [d for _, d in _documents()]
    seen = {True: 0, False: 0}
    disagree = []
    for _ in range(3000):
        mutated = _mutate(rng.choice(docs), rng)
        verdict = REFERENCE.is_valid(mutated)
        seen[verdict] += 1
        if FAST(mutated) != verdict:
            disagree.append(mutated)
    assert disagree == []
    assert seen[True] > 100 and seen[False] > 100  # both sides exercised


@pytest.mark.parametrize(
    "schema",
    [
        {"patternProperties": {"a": {}}, "additionalProperties": False},
        {"format": "email"},
        {"$ref": "other.json"},
        {"not": {}},
    ],
)
def test_keywords_outside_the_subset_are_refused(schema):
    with pytest.raises(Unsupported):
        compile_schema(schema)
