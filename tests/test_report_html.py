"""The HTML report: its picture model, its page, and the page in a real browser.

Every case under tests/fixtures/cases is checked the same way, on the page's elements
(Python's HTML parser here, headless Chromium's DOM in the oracle test):

- one server element per Connect server of a usable cluster, none for a broken one;
- a red connection for each OLC101/OLC102/OLC103/OLC110 finding (a finding without a
  server breaks every database connection) and none otherwise;
- one timeline row per server with a clean-up schedule;
- the all-servers overlap shaded exactly when OLC402 reports an overlap.

The browser test runs Chromium a handful of times: one page holding every case's report,
the example's own page, two screenshots and a control page; every run goes through a
recording proxy, which must see no request from the reports.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
import threading
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from oracles import require

from olclint.cli.main import main
from olclint.domain.quartz import CronExpr
from olclint.model.build import build_cluster
from olclint.model.picture import picture
from olclint.readers.workspace import Workspace

HERE = Path(__file__).parent
REPO = HERE.parent
CASES_DIR = HERE / "fixtures" / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expect.yaml").is_file())
EXAMPLE = REPO / "examples" / "prod-eu"
CONNECTION_RULES = {"OLC101": "database", "OLC102": "database", "OLC110": "database"}
CONNECTION_RULES["OLC103"] = "master"


def _shots():
    spec = importlib.util.spec_from_file_location(
        "make_screenshots", REPO / "docs" / "make_screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_screenshots"] = module
    spec.loader.exec_module(module)
    return module


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


def having(tags, tag: str, *classes: str) -> list[dict[str, str]]:
    return [a for t, a in tags if t == tag and set(classes) <= set(a.get("class", "").split())]


def _args(case: Path, fmt: str, out: Path) -> list[str]:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    args = ["check", str(case), "--root", str(case), "--format", fmt, "--output", str(out)]
    return [*args, "--today", str(expect.get("today", "2026-01-01")), *expect.get("args", [])]


def _expected(case: Path, tmp: Path) -> dict:
    """What the page of a case must show, from the JSON report and the model."""
    out = tmp / f"{case.name}.json"
    main(_args(case, "json", out))
    findings = json.loads(out.read_text())["findings"]
    cluster = build_cluster(Workspace(case), case / "cluster.yaml")
    servers = [n.name for n in cluster.nodes] if cluster.usable else []
    bad = set()
    for f in findings:
        kind = CONNECTION_RULES.get(f["rule"])
        if kind is None or not cluster.usable:
            continue
        if f["node"]:
            bad.add((f["node"], kind))
        else:  # the database does not start, or listens elsewhere: every server
            bad |= {(name, "database") for name in servers}
    rows = []
    for node in cluster.nodes if cluster.usable else ():
        enabled = node.setting("cleanup.enabled")
        cron = node.setting("cleanup.cron")
        on = enabled is None or enabled.value is not False
        if on and cron is not None and isinstance(cron.value, CronExpr):
            rows.append(node.name)
    overlap = any(f["rule"] == "OLC402" and "overlap at" in f["message"] for f in findings)
    return {"servers": sorted(servers), "bad": bad, "rows": rows, "overlap": overlap}


def check_page(tags, expected: dict) -> None:
    servers = having(tags, "g", "server")
    assert sorted(a["data-name"] for a in servers) == expected["servers"]
    bad = having(tags, "path", "conn", "bad")
    assert {(a["data-from"], a["data-kind"]) for a in bad} == expected["bad"]
    assert len(bad) == len(expected["bad"])  # one arrow each
    rows = having(tags, "g", "trow")
    assert [a["data-server"] for a in rows] == expected["rows"]
    assert bool(having(tags, "rect", "overlap", "all")) is expected["overlap"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    tmp = tmp_path_factory.mktemp("html")
    out = {}
    for case in CASES:
        page = tmp / f"{case.name}.html"
        main(_args(case, "html", page))
        out[case.name] = (page, _expected(case, tmp))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_page(case: Path, pages) -> None:
    page, expected = pages[case.name]
    check_page(elements(page.read_text(encoding="utf-8")), expected)


def test_the_cases_cover_every_picture_element(pages) -> None:
    # otherwise check_page could pass on pages that draw nothing
    expected = [e for _, e in pages.values()]
    assert sum(bool(e["bad"]) for e in expected) >= 8
    assert {kind for e in expected for _, kind in e["bad"]} == {"database", "master"}
    assert sum(e["overlap"] for e in expected) == 6  # with olc402_stagger_fix
    assert sum(bool(e["rows"]) for e in expected) >= 5
    assert sum(not e["servers"] for e in expected) >= 3  # broken cluster files


# -- the picture model ----------------------------------------------------------------------


def _picture(folder: Path, root: Path, today: str = "2026-01-01"):
    import datetime as dt

    from olclint.engine.runner import run_rules
    from olclint.rules import all_rules

    cluster = build_cluster(Workspace(root), folder / "cluster.yaml")
    day = dt.date.fromisoformat(today)
    return picture(cluster, run_rules(cluster, all_rules(), day).findings, day)


def test_picture_of_the_example() -> None:
    pic = _picture(EXAMPLE, REPO)
    assert [(s.name, s.role, s.network, s.hosts_database) for s in pic.servers] == [
        ("master01", "master", "dc", True),
        ("ext01", "extension", "dc", False),
        ("ext02", "extension", "branch", False),
    ]
    assert [(n.name, n.servers) for n in pic.networks] == [
        ("dc", ("master01", "ext01")),
        ("branch", ("ext02",)),
    ]
    assert pic.server("master01").licence == "performance-pack until 2027-06-30"
    assert pic.server("master01").expects == "merge 4 · weaver 2"
    assert pic.server("ext02").engines == "merge 2 · weaver 1"
    assert [
        (c.source, c.target, c.port, [p.rule for p in c.problems]) for c in pic.connections
    ] == [
        ("master01", "database", 3306, []),
        ("ext01", "database", 3306, []),
        ("ext02", "database", 3306, ["OLC110"]),
        ("ext01", "master01", 9340, []),
        ("ext02", "master01", 9340, []),
    ]
    assert pic.connections[2].problems[0].reason == (
        "cannot log in as 'root': no account matches this address"
    )
    assert [(r.source, r.target, r.ports) for r in pic.routes] == [
        ("branch", "dc", "3306, 9340"),
        ("dc", "branch", "all ports"),
    ]
    t = pic.timeline
    assert t.why == "2026-01-01, a typical day: the runs never all overlap"
    assert [
        (r.server, r.utc_offset, r.runs, r.local_starts, r.cleans_database) for r in t.rows
    ] == [
        ("master01", "UTC+01:00", ((3600, 5400),), ("02:00",), True),
        ("ext01", "UTC+01:00", ((7200, 9000),), ("03:00",), False),
        ("ext02", "UTC+01:00", ((10800, 12600),), ("04:00",), False),
    ]
    assert t.overlaps == () and t.all_busy == ()


def test_picture_timeline_shows_the_first_overlap() -> None:
    case = CASES_DIR / "olc402_overlap"
    t = _picture(case, case).timeline
    assert t.day.isoformat() == "2026-03-30"
    assert [(r.server, r.zone, r.utc_offset, r.runs, r.local_starts) for r in t.rows] == [
        ("master01", "Europe/Paris", "UTC+02:00", ((0, 1800),), ("02:00",)),
        ("ext01", "UTC", "UTC+00:00", ((900, 2700),), ("00:15",)),
    ]
    assert t.overlaps == ((900, 1800),)
    assert t.all_busy == ((900, 1800),)


def test_a_database_that_does_not_start_breaks_every_database_connection() -> None:
    case = CASES_DIR / "olc101_invalid_bind_list"
    pic = _picture(case, case)
    broken = [(c.source, c.kind) for c in pic.connections if not c.ok]
    assert broken == [(n.name, "database") for n in pic.servers]
    assert broken  # the case has servers


def test_fifty_extensions_fold_but_keep_every_red_arrow(tmp_path: Path) -> None:
    shots = _shots()
    cluster = shots.write_fifty(tmp_path / "fifty")
    page = tmp_path / "fifty.html"
    shots.report(cluster, tmp_path, page)
    tags = elements(page.read_text(encoding="utf-8"))
    servers = having(tags, "g", "server")
    assert len(servers) == 51
    # branch00 holds 17 extensions, branch01 and branch02 16 each (ext41 left branch01):
    # 8 boxes each (the broken ext07 and ext23 among them), the others are chips
    assert len(having(tags, "g", "server", "folded")) == 9 + 8 + 8
    bad = having(tags, "path", "conn", "bad")
    assert sorted((a["data-from"], a["data-kind"], a["data-rules"]) for a in bad) == [
        ("ext07", "master", "OLC103"),
        ("ext23", "database", "OLC101 OLC102"),
        ("ext41", "database", "OLC101 OLC110"),
        ("ext41", "master", "OLC103"),
    ]
    # working connections of folded servers and of other networks are bundled
    bundles = having(tags, "path", "conn", "ok", "bundle")
    assert sum(int(a["data-count"]) for a in bundles if a["data-kind"] == "master") == 50 - 2
    assert len(having(tags, "g", "trow")) == 51


# -- the page itself ------------------------------------------------------------------------


def test_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(
        "version: 1\nname: '<script>alert(1)</script>'\ndatabase: {node: 'm<b>'}\n"
        "nodes:\n  - {name: 'm<b>', role: master, address: 10.0.0.1}\n"
        '  - {name: "e\'&\\"", role: extension, address: 10.0.0.2,'
        " settings: {master.location: 'x:9340'}}\n"
    )
    page = tmp_path / "r.html"
    main(
        ["check", str(tmp_path), "--root", str(tmp_path), "--format", "html", "--output", str(page)]
    )
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    tags = elements(text)
    assert sorted(a["data-name"] for a in having(tags, "g", "server")) == ["e'&\"", "m<b>"]
    assert [a["data-from"] for a in having(tags, "path", "conn", "bad")] == ["e'&\""]
    assert [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object")] == []
    meta = [a for t, a in tags if t == "meta" and a.get("http-equiv")]
    assert meta == [
        {
            "http-equiv": "Content-Security-Policy",
            "content": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        }
    ]
    urls = [w for w in text.replace("'", " ").replace('"', " ").split() if "//" in w]
    assert set(urls) == {"http://www.w3.org/2000/svg"}  # the SVG namespace only


def test_svg_of_the_graph_command_is_the_report_picture(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import xml.etree.ElementTree as ET

    assert main(["graph", str(EXAMPLE), "--root", str(REPO), "--format", "svg"]) == 0
    svg = capsys.readouterr().out
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    page = tmp_path / "r.html"
    main(["check", str(EXAMPLE), "--root", str(REPO), "--format", "html", "--output", str(page)])
    html = page.read_text(encoding="utf-8")
    start = html.index("<svg")
    drawn = html[start : html.index("</svg>", start) + len("</svg>")]
    assert svg.strip() == drawn.replace("c0-", "olc-")
    for t in root.iter("{http://www.w3.org/2000/svg}path"):
        assert t.get("class") in (None, "db", "conn ok", "conn bad", "route")


# -- in a real browser ----------------------------------------------------------------------

BROWSER_HOSTS = {  # Chromium's own service requests, made whatever the page
    "clients2.google.com",
    "update.googleapis.com",
    "accounts.google.com",
    "optimizationguide-pa.googleapis.com",
    "content-autofill.googleapis.com",
    "safebrowsingohttpgateway.googleapis.com",
}


class Recorder:
    """A proxy that answers nothing and remembers the host of every request."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.hosts: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                conn.settimeout(5)
                line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                parts = line.split()
                if len(parts) >= 2:
                    target = parts[1]
                    host = urlsplit(target).hostname if "//" in target else target.split(":")[0]
                    self.hosts.append(host or target)
            except OSError:
                pass
            finally:
                conn.close()

    def page_hosts(self) -> list[str]:
        return [h for h in self.hosts if h not in BROWSER_HOSTS]

    def flags(self) -> list[str]:
        return [f"--proxy-server=http://127.0.0.1:{self.port}", "--proxy-bypass-list=<-loopback>"]


def _distinct_bytes(png: Path) -> int:
    """How many byte values the image data holds (a blank page: a handful)."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))


@pytest.mark.oracle
def test_reports_in_headless_chromium(pages, tmp_path: Path) -> None:
    binary = require("chromium")
    shots = _shots()
    proxy = Recorder()

    def run(*args: str) -> str:
        return shots.chromium([*proxy.flags(), *args], binary=binary)

    # one page holding every case's report body, each in its own article
    head = None
    bodies = []
    for name, (page, _) in pages.items():
        text = page.read_text(encoding="utf-8")
        head = head or text.split("<body>", 1)[0]
        body = text.split("<body>", 1)[1].rsplit("</body>", 1)[0]
        bodies.append(f"<article data-case='{name}'>{body}</article>")
    everything = tmp_path / "all-cases.html"
    everything.write_text(f"{head}<body>{''.join(bodies)}</body></html>", encoding="utf-8")
    dom = run("--dump-dom", everything.as_uri())
    articles = dom.split("<article data-case=")[1:]
    assert len(articles) == len(CASES)
    for chunk in articles:
        name = chunk.split('"', 2)[1]
        check_page(elements(chunk), pages[name][1])

    example = tmp_path / "example.html"
    main(["check", str(EXAMPLE), "--root", str(REPO), "--format", "html", "--output", str(example)])
    dom = run("--dump-dom", example.as_uri())
    tags = elements(dom)
    assert sorted(a["data-name"] for a in having(tags, "g", "server")) == [
        "ext01",
        "ext02",
        "master01",
    ]
    assert [a["data-from"] for a in having(tags, "path", "conn", "bad")] == ["ext02"]
    assert [a["data-server"] for a in having(tags, "g", "trow")] == ["master01", "ext01", "ext02"]

    shot = tmp_path / "example.png"
    run("--window-size=1300,1250", f"--screenshot={shot}", example.as_uri())
    case_shot = tmp_path / "case.png"
    run("--window-size=1300,1250", f"--screenshot={case_shot}", pages["olc402_overlap"][0].as_uri())
    assert proxy.page_hosts() == []  # not one request from a report

    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><body style='background:#fff'>"
        "<img src='http://olclint.invalid/x.png' style='display:none'></body>"
    )
    blank = tmp_path / "blank.png"
    run("--window-size=1300,1250", f"--screenshot={blank}", control.as_uri())
    assert proxy.page_hosts() == ["olclint.invalid"]  # the recorder sees a page's request
    assert _distinct_bytes(blank) < 8
    assert _distinct_bytes(shot) > 100
    assert _distinct_bytes(case_shot) > 100


def test_a_baselined_break_is_still_drawn_red(tmp_path: Path, monkeypatch) -> None:
    """The picture shows what the rules saw: accepting a finding (baseline, suppression)
    does not repair the connection it breaks."""
    import shutil

    example = tmp_path / "prod-eu"
    shutil.copytree(Path(__file__).parents[1] / "examples" / "prod-eu", example)
    baseline, page = example / "baseline.json", tmp_path / "page.html"
    args = ["check", str(example), "--root", str(example), "--today", "2026-01-01"]
    assert main([*args, "--write-baseline", str(baseline)]) == 0
    assert (
        main([*args, "--baseline", str(baseline), "--format", "html", "--output", str(page)]) == 0
    )
    html = page.read_text(encoding="utf-8")
    bad = having(elements(html), "path", "conn", "bad")
    assert [(a["data-from"], a["data-kind"], a["data-rules"]) for a in bad] == [
        ("ext02", "database", "OLC110")
    ]
    # and the page says what the baseline accepted, and what the gate decided
    assert "2 findings unchanged since the baseline" in html
    assert "gate passed: nothing at or above warning" in html


def test_counts_are_said_as_the_text_format_says_them() -> None:
    from olclint.report.html import _counted

    assert _counted({"error": 1, "warning": 0, "note": 2}) == "1 error, 0 warnings, 2 notes"
