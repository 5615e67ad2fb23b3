"""SVG drawings of a `Picture` (olclint.model.picture): the topology and the clean-up timeline.

Pure drawing: every value comes from the picture, every text is XML-escaped, nothing is
fetched. The elements tests and readers rely on:

- `<g class="server" data-name=...>`: one per Connect server (a folded extension is a
  small chip, `class="server folded"`);
- `<path class="conn ok|bad" data-from=... data-to=... data-kind=database|master>`: one per
  connection drawn; every broken connection is drawn on its own, with
  `data-rules` and a label `RULE reason`; working connections of folded extensions are one
  path per group with `data-count`;
- `<g class="trow" data-server=...>`: one timeline row per server with a clean-up schedule,
  `<rect class="run">` per run, `<rect class="overlap">` where two or more servers run,
  `<rect class="overlap all">` where every server runs.

Readable from 2 to a few hundred servers: each network shows at most `SHOWN` servers as
full boxes (the master, the database host and every server with a broken connection are
always among them), the others are folded into chips.
"""

from __future__ import annotations

from html import escape

from olclint.model.picture import ConnectionView, Picture, ServerView, TimelineView
from olclint.report import visible

SHOWN = 8  # full server boxes per network; the rest are folded
BOX_W, LINE = 280, 15
PAD, HEAD, GAP_Y, GAP_X = 16, 44, 22, 100
CHIP_W, CHIP_H, CHIP_COLS = 62, 20, 4
MARGIN = 24
LEFT = 80  # room for the arrows that bow out left of the first column
PER_ROW = 3  # network columns per row
MARKERS = (("ok", "#1a7f37", 7), ("bad", "#cf222e", 7), ("rt", "#6e7781", 6))
SMALL = 6  # up to this many servers, every working connection is its own arrow
FONT = "font-family='DejaVu Sans, Verdana, Arial, sans-serif'"

STYLE = """
.olc-svg text{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;fill:#1f2328}
.olc-svg .net{fill:#f6f8fa;stroke:#8c959f;stroke-dasharray:6 4}
.olc-svg .net-title{font-weight:bold;font-size:13px}
.olc-svg .net-cidr{font-size:11px;fill:#57606a}
.olc-svg .box{fill:#fff;stroke:#57606a;stroke-width:1.2}
.olc-svg .server.master .box{stroke:#0969da;stroke-width:2}
.olc-svg .server.broken .box{stroke:#cf222e;stroke-width:2}
.olc-svg .name{font-weight:bold;font-size:13px}
.olc-svg .meta{font-size:11px;fill:#57606a}
.olc-svg .db{fill:#ddf4ff;stroke:#0969da}
.olc-svg .chip{fill:#fff;stroke:#8c959f}
.olc-svg .chip-text{font-size:10px}
.olc-svg .conn{fill:none;stroke-width:1.6}
.olc-svg .conn.ok{stroke:#1a7f37;opacity:.75}
.olc-svg .conn.bad{stroke:#cf222e;stroke-width:2.6}
.olc-svg .conn-label{font-size:11px;fill:#cf222e;font-weight:bold}
.olc-svg .problem{font-size:11px;fill:#cf222e}
.olc-svg .ok-label{font-size:11px;fill:#1a7f37;font-weight:bold}
.olc-svg .label-bg{fill:#fff;opacity:.92}
.olc-svg path.route{fill:none;stroke:#6e7781;stroke-width:1.3}
.olc-svg .route-label{font-size:11px;fill:#57606a}
.olc-svg .legend{font-size:11px}
.olc-svg .axis{stroke:#d0d7de}
.olc-svg .tick{font-size:10px;fill:#57606a}
.olc-svg .run{fill:#54aeff}
.olc-svg .run.dbclean{fill:#8250df}
.olc-svg .overlap{fill:#fb8f44;opacity:.25}
.olc-svg .overlap.all{fill:#cf222e;opacity:.35}
.olc-svg .row-label{font-size:12px}
.olc-svg .row-zone{font-size:10px;fill:#57606a}
.olc-svg .badge{fill:#8250df}
.olc-svg .badge-text{font-size:9px;fill:#fff;font-weight:bold}
.olc-svg .local{font-size:9px;fill:#1f2328}
"""


def _e(text: object) -> str:
    return escape(visible(str(text), keep=""), quote=True)


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> str:
    a = "" if anchor == "start" else f" text-anchor='{anchor}'"
    return f"<text x='{x:.0f}' y='{y:.0f}' class='{cls}'{a}>{_e(text)}</text>"


def _fit(text: str, width: float, char: float = 6.6) -> str:
    most = max(3, int(width / char))
    return text if len(text) <= most else text[: most - 1] + "…"


class _Layout:
    """Where each network, server box, chip and database lands: networks in rows of
    `PER_ROW` columns, each column a network box with its servers stacked."""

    def __init__(self, pic: Picture) -> None:
        self.boxes: dict[str, tuple[float, float, float, float]] = {}  # full server boxes
        self.chips: dict[str, tuple[float, float, float, float]] = {}
        self.groups: dict[str, tuple[float, float, float, float]] = {}  # folded, per network
        self.folded: dict[str, list[str]] = {}
        self.nets: dict[str, tuple[float, float, float, float]] = {}
        self.db_box: tuple[float, float, float, float] | None = None
        outgoing: dict[str, list] = {}
        for route in pic.routes:
            outgoing.setdefault(route.source, []).append(route)
        self.routes = outgoing
        top = MARGIN
        x = LEFT
        row_bottom = top
        width = 0.0
        for index, net in enumerate(pic.networks):
            if index and index % PER_ROW == 0:
                top, x = row_bottom + GAP_Y * 2, LEFT
            servers = [s for s in (pic.server(n) for n in net.servers) if s is not None]
            keep = [s for s in servers if s.role == "master" or s.hosts_database or s.broken]
            for s in servers:
                if s not in keep and len(keep) < SHOWN:
                    keep.append(s)
            kept = {s.name for s in keep}
            folded = [s.name for s in servers if s.name not in kept]
            y = top + HEAD + LINE * len(outgoing.get(net.name, ()))
            if net.database:
                self.db_box = (x + PAD, y, BOX_W, 56)
                y += 56 + GAP_Y
            for s in servers:
                if s.name in kept:
                    height = 12 + LINE * len(_lines(s, pic))
                    self.boxes[s.name] = (x + PAD, y, BOX_W, height)
                    y += height + GAP_Y
            if folded:
                rows = (len(folded) + CHIP_COLS - 1) // CHIP_COLS
                height = 26 + rows * (CHIP_H + 6) + 4
                self.groups[net.name] = (x + PAD, y, BOX_W, height)
                self.folded[net.name] = folded
                for i, name in enumerate(folded):
                    r, c = divmod(i, CHIP_COLS)
                    self.chips[name] = (
                        x + PAD + 8 + c * (CHIP_W + 4),
                        y + 26 + r * (CHIP_H + 6),
                        CHIP_W,
                        CHIP_H,
                    )
                y += height + GAP_Y
            height = max(y - top, HEAD + 40)
            self.nets[net.name] = (x, top, BOX_W + 2 * PAD, height)
            row_bottom = max(row_bottom, top + height)
            width = max(width, x + BOX_W + 2 * PAD)
            x += BOX_W + 2 * PAD + GAP_X
        self.width = max(width + MARGIN, 760)
        self.bottom = row_bottom


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _lines(s: ServerView, pic: Picture) -> list[tuple[str, str]]:
    """The text lines of a server box: (text, class)."""
    lines = [
        (s.name, "name"),
        (f"{s.role} · {s.address}", "meta"),
        (f"licence: {s.licence}", "meta"),
        (f"engines: {s.engines or 'not set'}", "meta"),
    ]
    if s.expects:
        lines.append((f"expects remote: {s.expects}", "meta"))
    problems = [(c, p) for c in pic.connections if c.source == s.name for p in c.problems]
    for conn, problem in problems[:3]:
        head = f"✗ {problem.rule} → {conn.target}: {problem.reason}"
        wrapped = _wrap(head, 42)
        lines.extend((_fit(t, BOX_W - 16, 6.2), "problem") for t in wrapped[:2])
    if len(problems) > 3:
        lines.append((f"and {len(problems) - 3} more problems", "problem"))
    return lines


def _server_box(s: ServerView, box: tuple[float, float, float, float], pic: Picture) -> str:
    x, y, w, h = box
    db = pic.database
    classes = " ".join(c for c in ("server", s.role, "broken" if s.broken else "") if c)
    title = f"{s.name} ({s.role}) {s.address}; licence: {s.licence}"
    if s.engines:
        title += f"; engines: {s.engines}"
    out = [f"<g class='{classes}' data-name='{_e(s.name)}'><title>{_e(title)}</title>"]
    out.append(f"<rect class='box' x='{x}' y='{y}' width='{w}' height='{h}' rx='6'/>")
    for i, (text, cls) in enumerate(_lines(s, pic)):
        inner = w - (76 if s.hosts_database and i < 4 else 16)
        char = 8 if cls == "name" else 6.2
        out.append(_text(x + 8, y + 18 + i * LINE, _fit(text, inner, char), cls))
    if s.hosts_database and db is not None:
        out.append(_cylinder(x + w - 60, y + 10, 50, 50, db))
    out.append("</g>")
    return "".join(out)


def _cylinder(x: float, y: float, w: float, h: float, db) -> str:
    ry = 6
    return (
        f"<g class='database'><title>{_e(f'{db.engine} database, port {db.port}')}</title>"
        f"<path class='db' d='M{x},{y + ry} a{w / 2},{ry} 0 0,0 {w},0 a{w / 2},{ry} 0 0,0 {-w},0 "
        f"v{h - 2 * ry} a{w / 2},{ry} 0 0,0 {w},0 v{-(h - 2 * ry)}'/>"
        + _text(x + w / 2, y + h / 2 + 4, db.engine, "meta", "middle")
        + _text(x + w / 2, y + h / 2 + 16, f":{db.port}", "meta", "middle")
        + "</g>"
    )


def _marker(ident: str, colour: str, size: int) -> str:
    return (
        f"<marker id='{ident}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='{size}' "
        f"markerHeight='{size}' orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='{colour}'/>"
        "</marker>"
    )


def _anchor(box, side: str, frac: float = 0.5) -> tuple[float, float]:
    x, y, w, h = box
    return (x if side == "left" else x + w, y + h * frac)


def _path(a: tuple[float, float], b: tuple[float, float], bow: float) -> tuple[str, float, float]:
    """A cubic curve from a to b; `bow` pushes it sideways (same column). Returns the path
    and its midpoint."""
    (x1, y1), (x2, y2) = a, b
    if bow:
        c1, c2 = (x1 + bow, y1), (x2 + bow, y2)
    else:
        dx = (x2 - x1) / 2
        c1, c2 = (x1 + dx, y1), (x2 - dx, y2)
    mx = (x1 + 3 * c1[0] + 3 * c2[0] + x2) / 8
    my = (y1 + 3 * c1[1] + 3 * c2[1] + y2) / 8
    d = f"M{x1:.1f},{y1:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {x2:.1f},{y2:.1f}"
    return d, mx, my


def _connect(src, dst, kind: str, same_host: bool, same_network: bool) -> tuple[str, float, float]:
    if same_host:  # the server's own database: a short link inside its box
        x, y, w, _ = src
        return _path((x + w - 76, y + 45), (x + w - 61, y + 45), 0)
    frac = 0.35 if kind == "master" else 0.7
    if same_network:  # one column: bow out, master links left, database right
        side = "left" if kind == "master" else "right"
        a, b = _anchor(src, side, frac), _anchor(dst, side, frac)
        bow = min(40 + abs(b[1] - a[1]) * 0.12, 110)
        return _path(a, b, -bow if side == "left" else bow)
    if src[0] < dst[0] + dst[2] and dst[0] < src[0] + src[2]:  # stacked: top to bottom
        sx = src[0] + src[2] * (0.4 if kind == "master" else 0.6)
        dx = dst[0] + dst[2] * (0.4 if kind == "master" else 0.6)
        if src[1] > dst[1]:
            a, b = (sx, src[1]), (dx, dst[1] + dst[3])
        else:
            a, b = (sx, src[1] + src[3]), (dx, dst[1])
        (x1, y1), (x2, y2) = a, b
        my = (y1 + y2) / 2
        d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{my:.1f} {x2:.1f},{my:.1f} {x2:.1f},{y2:.1f}"
        return d, (x1 + x2) / 2, my
    if src[0] > dst[0]:
        return _path(_anchor(src, "left", frac), _anchor(dst, "right", frac), 0)
    return _path(_anchor(src, "right", frac), _anchor(dst, "left", frac), 0)


def topology(pic: Picture, ident: str = "olc") -> str:
    """The topology SVG; `ident` prefixes its element ids (unique per page)."""
    lay = _Layout(pic)
    labels: list[str] = []
    parts: list[str] = []
    height = lay.bottom + 80
    parts.append(
        f"<svg xmlns='http://www.w3.org/2000/svg' class='olc-svg topology' "
        f"data-cluster='{_e(pic.cluster)}' width='{lay.width:.0f}' height='{height:.0f}' "
        f"viewBox='0 0 {lay.width:.0f} {height:.0f}' {FONT}>"
        f"<title>{_e(f'cluster {pic.cluster}')}</title><style>{STYLE}</style>"
        "<defs>"
        + "".join(_marker(f"{ident}-{name}", colour, size) for name, colour, size in MARKERS)
        + "</defs>"
    )
    for net in pic.networks:
        x, y, w, h = lay.nets[net.name]
        title = net.name or "no declared network"
        parts.append(
            f"<g class='network' data-name='{_e(net.name)}'>"
            f"<rect class='net' x='{x}' y='{y}' width='{w}' height='{h}' rx='10'/>"
            + _text(x + 12, y + 20, _fit(title, w - 24, 8), "net-title")
            + (_text(x + 12, y + 34, net.cidr, "net-cidr") if net.cidr else "")
            + "</g>"
        )
        for i, route in enumerate(lay.routes.get(net.name, ())):
            label = f"route → {route.target}: {route.ports}"
            parts.append(
                f"<g class='route' data-from='{_e(route.source)}' data-to='{_e(route.target)}'>"
                + _text(x + 12, y + HEAD + 6 + i * LINE, _fit(label, w - 24, 6.2), "route-label")
                + "</g>"
            )
    db = pic.database
    if db is not None and lay.db_box is not None:
        x, y, w, h = lay.db_box
        parts.append(
            f"<g class='external-db'><rect class='box' x='{x}' y='{y}' width='{w}' "
            f"height='{h}' rx='6'/>"
            + _text(x + 8, y + 20, "database (external)", "name")
            + _text(x + 8, y + 36, f"{db.engine} · {db.address}:{db.port}", "meta")
            + _cylinder(x + w - 54, y + 4, 46, 48, db)
            + "</g>"
        )
    for s in pic.servers:
        if s.name in lay.boxes:
            parts.append(_server_box(s, lay.boxes[s.name], pic))
    for net, names in lay.folded.items():
        x, y, w, h = lay.groups[net]
        parts.append(
            f"<g class='folded' data-count='{len(names)}'>"
            f"<rect class='box' x='{x}' y='{y}' width='{w}' height='{h}' rx='6'/>"
            + _text(x + 8, y + 17, f"{len(names)} more extensions, all connections work", "meta")
        )
        for name in names:
            s = pic.server(name)
            cx, cy, cw, ch = lay.chips[name]
            title = f"{name} {s.address}; licence: {s.licence}" if s else name
            parts.append(
                f"<g class='server folded extension' data-name='{_e(name)}'>"
                f"<title>{_e(title)}</title>"
                f"<rect class='chip' x='{cx}' y='{cy}' width='{cw}' height='{ch}' rx='4'/>"
                + _text(cx + 4, cy + 14, _fit(name, cw - 6, 6), "chip-text")
                + "</g>"
            )
        parts.append("</g>")

    def target_box(conn: ConnectionView):
        if conn.kind == "database":
            if db is None:
                return None, False
            if db.host is None:
                return lay.db_box, False
            return lay.boxes.get(db.host), conn.source == db.host
        return lay.boxes.get(conn.target), False

    def target_network(conn: ConnectionView) -> str | None:
        if conn.kind == "master":
            master = pic.server(conn.target)
            return master.network if master else None
        if db is None:
            return None
        host = pic.server(db.host) if db.host else None
        return host.network if host else db.network

    small = len(pic.servers) <= SMALL
    grouped: dict[tuple[str, str, str], list[ConnectionView]] = {}
    for conn in pic.connections:
        dst, same = target_box(conn)
        if dst is None:
            continue
        source = pic.server(conn.source)
        net = source.network if source is not None else ""
        home = net == target_network(conn)
        src = lay.boxes.get(conn.source)
        if conn.ok and not same and (src is None or not small):
            # folded, or a big cluster: one arrow per network (or folded group) and target
            if not home:
                grouped.setdefault(("network", net, conn.kind), []).append(conn)
                continue
            if src is None:
                grouped.setdefault(("group", net, conn.kind), []).append(conn)
                continue
        if src is None:  # never: broken servers are never folded
            continue
        d, mx, my = _connect(src, dst, conn.kind, same, home)
        parts.append(_conn_path(d, conn, mx, my, labels, ident))
    for (where, net, kind), conns in grouped.items():
        dst, _ = target_box(conns[0])
        src = lay.groups[net] if where == "group" else lay.nets[net]
        d, mx, my = _connect(src, dst, kind, False, where == "group")
        n = len(conns)
        title = f"{n} servers of {net or 'no network'} → {conns[0].target} ({kind}): all work"
        parts.append(
            f"<path class='conn ok bundle' data-from='{_e(net)}' data-to='{_e(conns[0].target)}' "
            f"data-kind='{kind}' data-count='{n}' d='{d}' marker-end='url(#{ident}-ok)'>"
            f"<title>{_e(title)}</title></path>"
        )
        text = f"{n} ✓ {kind}"
        labels.append(
            f"<g class='bundle-label'><rect class='label-bg' x='{mx - len(text) * 3.3:.0f}' "
            f"y='{my - 11:.0f}' width='{len(text) * 6.6:.0f}' height='15' rx='3'/>"
            + _text(mx, my, text, "ok-label", "middle")
            + "</g>"
        )
    parts.extend(labels)
    parts.append(_legend(lay.bottom + 24, pic, ident))
    parts.append("</svg>")
    return "".join(parts)


def _conn_path(
    d: str, conn: ConnectionView, mx: float, my: float, labels: list[str], ident: str
) -> str:
    state = "ok" if conn.ok else "bad"
    rules = " ".join(dict.fromkeys(p.rule for p in conn.problems))
    what = f"{conn.source} → {conn.target} ({conn.kind}, port {conn.port})"
    title = what + (
        ": works" if conn.ok else "".join(f"\n{p.rule}: {p.message}" for p in conn.problems)
    )
    out = (
        f"<path class='conn {state}' data-from='{_e(conn.source)}' data-to='{_e(conn.target)}' "
        f"data-kind='{conn.kind}' data-rules='{_e(rules)}' d='{d}' "
        f"marker-end='url(#{ident}-{state})'>"
        f"<title>{_e(title)}</title></path>"
    )
    if not conn.ok:
        text = " ".join(dict.fromkeys(p.rule for p in conn.problems))
        width = len(text) * 7 + 8
        x = max(4, mx - width / 2)
        labels.append(
            f"<g class='conn-label-group'><rect class='label-bg' x='{x:.0f}' y='{my - 11:.0f}' "
            f"width='{width:.0f}' height='15' rx='3'/>"
            + _text(x + 4, my, text, "conn-label")
            + "</g>"
        )
    return out


def _legend(y: float, pic: Picture, ident: str) -> str:
    x = MARGIN
    items = [
        f"<line x1='{x}' y1='{y}' x2='{x + 30}' y2='{y}' class='conn ok' "
        f"marker-end='url(#{ident}-ok)'/>",
        _text(x + 36, y + 4, "connection works", "legend"),
        f"<line x1='{x + 160}' y1='{y}' x2='{x + 190}' y2='{y}' class='conn bad' "
        f"marker-end='url(#{ident}-bad)'/>",
        _text(x + 196, y + 4, "broken: rule on the arrow, reason in the box", "legend"),
        f"<rect class='net' x='{x + 480}' y='{y - 8}' width='28' height='16' rx='4'/>",
        _text(x + 514, y + 4, "network", "legend"),
        f"<rect class='chip' x='{x + 580}' y='{y - 8}' width='28' height='16' rx='3'/>",
        _text(x + 614, y + 4, "folded extension", "legend"),
    ]
    y2 = y + 24
    items.append(
        _text(
            x,
            y2,
            "Arrows: server → database (lower, right side) and extension → master (upper, "
            "left side); hover an arrow or a box for details.",
            "legend",
        )
    )
    counts = (
        f"{sum(1 for s in pic.servers if s.role == 'master')} master, "
        f"{sum(1 for s in pic.servers if s.role != 'master')} extensions, "
        f"{sum(1 for c in pic.connections if not c.ok)} of {len(pic.connections)} "
        "connections broken"
    )
    items.append(_text(x, y2 + 20, counts, "legend"))
    return "<g class='legend'>" + "".join(items) + "</g>"


# -- the clean-up timeline ------------------------------------------------------------------

LABEL_W, ROW_H, AXIS_W = 320, 26, 840


def timeline(view: TimelineView) -> str:
    width = MARGIN * 2 + LABEL_W + AXIS_W
    top = MARGIN + 22 + (18 if view.all_busy else 0)
    height = top + ROW_H * len(view.rows) + 60
    x0 = MARGIN + LABEL_W
    scale = AXIS_W / 86400

    def X(seconds: float) -> float:
        return x0 + seconds * scale

    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='olc-svg timeline' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' {FONT}>"
        f"<title>{_e('clean-up runs on ' + view.why)}</title><style>{STYLE}</style>",
        _text(MARGIN, MARGIN + 4, f"UTC, {view.why}", "row-label"),
    ]
    if view.all_busy:
        spans = ", ".join(_span(a, b) for a, b in view.all_busy[:4])
        out.append(
            _text(
                MARGIN,
                MARGIN + 22,
                f"every server runs its clean-up at once: {spans} UTC",
                "problem",
            )
        )
    bottom = top + ROW_H * len(view.rows)
    for hour in range(0, 25, 2):
        x = X(hour * 3600)
        out.append(f"<line class='axis' x1='{x:.1f}' y1='{top - 4}' x2='{x:.1f}' y2='{bottom}'/>")
        out.append(_text(x, bottom + 14, f"{hour:02d}:00", "tick", "middle"))
    for a, b in view.overlaps:
        out.append(
            f"<rect class='overlap' x='{X(a):.1f}' y='{top - 4}' "
            f"width='{max(2, (b - a) * scale):.1f}' "
            f"height='{bottom - top + 4}'><title>{_e(_span(a, b) + ': two or more servers run')}"
            "</title></rect>"
        )
    for a, b in view.all_busy:
        out.append(
            f"<rect class='overlap all' x='{X(a):.1f}' y='{top - 4}' "
            f"width='{max(2, (b - a) * scale):.1f}' height='{bottom - top + 4}'>"
            f"<title>{_e(_span(a, b) + ': every server runs its clean-up')}</title></rect>"
        )
    for i, row in enumerate(view.rows):
        y = top + i * ROW_H
        out.append(f"<g class='trow' data-server='{_e(row.server)}'>")
        out.append(_text(MARGIN, y + 16, _fit(row.server, 110, 7.4), "row-label"))
        out.append(
            _text(
                MARGIN + 116, y + 16, _fit(f"{row.zone} ({row.utc_offset})", 170, 5.6), "row-zone"
            )
        )
        if row.cleans_database:
            bx = MARGIN + LABEL_W - 34
            out.append(
                f"<g class='dbclean'><title>cleans the database</title>"
                f"<rect class='badge' x='{bx}' y='{y + 5}' width='26' height='15' rx='3'/>"
                + _text(bx + 13, y + 16, "DB", "badge-text", "middle")
                + "</g>"
            )
        cls = "run dbclean" if row.cleans_database else "run"
        for (a, b), local in zip(row.runs, row.local_starts, strict=True):
            w = max(2, (b - a) * scale)
            tip = f"{row.server}: {_span(a, b)} UTC, starts {local} {row.zone}"
            out.append(
                f"<rect class='{cls}' x='{X(a):.1f}' y='{y + 5}' width='{w:.1f}' height='15' "
                f"rx='2'><title>{_e(tip)}</title></rect>"
            )
            if len(row.runs) <= 12:
                out.append(_text(X(a) + w + 3, y + 16, f"{local} local", "local"))
        out.append("</g>")
    ly = bottom + 36
    out.append(
        "<g class='legend'>"
        + _swatch(MARGIN, ly, "#54aeff", 1)
        + _text(MARGIN + 30, ly, "clean-up run (UTC position, local start)", "legend")
        + _swatch(MARGIN + 290, ly, "#8250df", 1)
        + _text(MARGIN + 320, ly, "cleans the database too", "legend")
        + _swatch(MARGIN + 480, ly, "#fb8f44", 0.25)
        + _text(MARGIN + 510, ly, "2+ servers run", "legend")
        + _swatch(MARGIN + 620, ly, "#cf222e", 0.35)
        + _text(MARGIN + 650, ly, "every server runs (OLC402)", "legend")
        + "</g></svg>"
    )
    return "".join(out)


def _swatch(x: float, y: float, colour: str, opacity: float) -> str:
    """A legend key: coloured by attributes, so it never counts as a run or an overlap."""
    return (
        f"<rect class='key' x='{x}' y='{y - 10}' width='24' height='12' fill='{colour}' "
        f"fill-opacity='{opacity}'/>"
    )


def _span(a: int, b: int) -> str:
    def hm(s: int) -> str:
        return "24:00" if s >= 86400 else f"{s // 3600:02d}:{s % 3600 // 60:02d}"

    return f"{hm(a)}–{hm(b)}"
