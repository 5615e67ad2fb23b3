from olclint.core.findings import Location
from olclint.readers.yamlpos import MAX_NODES, load_yaml


def test_keys_and_values_keep_their_positions():
    doc, findings = load_yaml("a: 1\nb:\n  c: [1, 2]\n  d: 2020-01-01\n", "c.yaml")
    assert findings == []
    assert doc.data == {"a": 1, "b": {"c": [1, 2], "d": "2020-01-01"}}
    assert doc.keys[("b", "c")] == Location("c.yaml", 3, 3, 3, 4)
    assert doc.values[("b", "c", 1)] == Location("c.yaml", 3, 10, 3, 11)
    assert doc.where(("b", "c", 1)) == Location("c.yaml", 3, 10, 3, 11)
    assert doc.where(("b", "missing")) == Location("c.yaml", 2, 1, 2, 2)


def test_duplicate_key_is_reported_at_the_second_one():
    doc, findings = load_yaml("a: 1\nb: 2\na: 3\n", "c.yaml")
    assert doc.data == {"a": 3, "b": 2}
    assert [(f.rule, f.location.line, f.message) for f in findings] == [
        ("OLC001", 3, "duplicate key 'a' (first at line 1)")
    ]


def test_syntax_error_at_the_parser_position():
    doc, findings = load_yaml("a: 1\nb: [1, 2\nc: 3\n", "c.yaml")
    assert doc is None
    assert [(f.rule, f.location.line) for f in findings] == [("OLC001", 3)]
    assert "not valid YAML" in findings[0].message


def test_alias_bomb_is_refused():
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    doc, findings = load_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert doc is None
    assert findings[0].rule == "OLC001"
    assert str(MAX_NODES) in findings[0].message


def test_deep_nesting_is_refused():
    text = "a: " + "[" * 200 + "]" * 200 + "\n"
    doc, findings = load_yaml(text, "deep.yaml")
    assert doc is None
    assert "nests deeper" in findings[0].message


def test_bad_dates_stay_text():
    doc, findings = load_yaml("expires: 2027-13-01\n", "c.yaml")
    assert doc.data == {"expires": "2027-13-01"}
    assert findings == []


def test_empty_document():
    doc, findings = load_yaml("# nothing\n", "c.yaml")
    assert doc is None
    assert findings[0].message == "cluster file is empty"
