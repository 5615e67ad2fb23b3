"""The HTML report: one self-contained page, per cluster its picture, clean-up timeline and
findings.

Nothing is fetched: styles and drawings are inline, there is no script, and a
Content-Security-Policy of `default-src 'none'` forbids the page any request, so it works
from a file:// URL and as an e-mail attachment. The findings table is filtered by level
with checkboxes and CSS alone.

Every text comes from the report (findings, redacted source lines, rule metadata) or from
the pictures (`Report.pictures`, drawn by `olclint.report.svg`) and is HTML-escaped.
Findings of no cluster (a usage note, a file outside every cluster) and notifications come
first.
"""

from __future__ import annotations

from html import escape

from olclint.core.findings import Finding, Level
from olclint.report import (
    Report,
    baseline_notes,
    counts,
    rules_by_id,
    sorted_findings,
    svg,
    visible,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:24px;color:#1f2328;
background:#fff;font-size:14px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid
#d0d7de;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.summary{color:#57606a;margin:0 0 12px}
.figure{overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;padding:4px;background:#fff}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #d0d7de;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.level{font-weight:bold}tr.level-error td.level{color:#cf222e}
tr.level-warning td.level{color:#9a6700}tr.level-note td.level{color:#0969da}
code,pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px}
pre{margin:0;white-space:pre-wrap;background:#f6f8fa;padding:2px 4px;border-radius:3px}
.filter{margin:8px 0 12px}.filter label{margin-right:14px}
body:has(#show-error:not(:checked)) tr.level-error{display:none}
body:has(#show-warning:not(:checked)) tr.level-warning{display:none}
body:has(#show-note:not(:checked)) tr.level-note{display:none}
.none{color:#57606a}
.notes li{margin:2px 0}
"""


def _e(text: object) -> str:
    return escape(visible(str(text), keep=""), quote=True)


def _where(finding: Finding) -> str:
    loc = finding.location
    return f"{loc.path}:{loc.line}" if loc is not None else ""


def _snippet(report: Report, finding: Finding) -> str:
    loc = finding.location
    if loc is None:
        return ""
    lines = report.sources.get(loc.path)
    if lines is None or not 1 <= loc.line <= len(lines):
        return ""
    return lines[loc.line - 1].rstrip("\r\n")


def _table(report: Report, findings: list[Finding]) -> str:
    if not findings:
        return "<p class='none'>No findings.</p>"
    by_id = rules_by_id(report.rules)
    rows = []
    for f in sorted_findings(findings):
        rule = by_id.get(f.rule)
        name = rule.name if rule else ""
        snippet = _snippet(report, f)
        fix = f.fix.description if f.fix is not None else ""
        related = "".join(
            f"<br><small>{_e(r.location)}: {_e(r.message)}</small>" for r in f.related
        )
        rows.append(
            f"<tr class='finding level-{f.level}' data-rule='{_e(f.rule)}' "
            f"data-node='{_e(f.node)}'>"
            f"<td><code>{_e(f.rule)}</code><br><small>{_e(name)}</small></td>"
            f"<td class='level'>{_e(f.level)}</td>"
            f"<td><code>{_e(_where(f))}</code></td>"
            f"<td>{_e(f.message)}{related}</td>"
            f"<td>{f'<pre>{_e(snippet)}</pre>' if snippet else ''}</td>"
            f"<td>{_e(fix)}</td></tr>"
        )
    return (
        "<table class='findings'><thead><tr><th>rule</th><th>level</th><th>file:line</th>"
        "<th>message</th><th>source</th><th>fix</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def render(report: Report) -> str:
    findings = list(report.findings)
    total = counts(findings)
    pictures = {p.cluster: p for p in report.pictures}
    clusters = list(dict.fromkeys([*pictures, *sorted({f.cluster for f in findings if f.cluster})]))
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>olclint report: {_e(', '.join(clusters) or 'no cluster')}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>olclint report</h1><p class='summary'>olclint {_e(report.tool_version)} · "
        f"{len(clusters)} cluster{'s' if len(clusters) != 1 else ''} · "
        f"{_counted(total)} · <strong class='gate'>{_e(_gate(report))}</strong></p>",
        "<div class='filter'>Show: "
        + "".join(
            f"<label><input type='checkbox' id='show-{lvl}' checked> {lvl}s ({total[str(lvl)]})"
            "</label>"
            for lvl in (Level.ERROR, Level.WARNING, Level.NOTE)
        )
        + "</div>",
    ]
    notifications = [*report.notifications, *baseline_notes(report)]
    if notifications:
        out.append("<ul class='notes'>")
        for n in notifications:
            tags = [t for t in (n.rule, n.exception) if t]
            suffix = f" [{', '.join(tags)}]" if tags else ""
            out.append(
                f"<li class='notification level-{n.level}'>{_e(n.level)}: "
                f"{_e(n.message + suffix)}</li>"
            )
        out.append("</ul>")
    loose = [f for f in findings if not f.cluster]
    if loose:
        out.append("<h2>Findings outside any cluster</h2>" + _table(report, loose))
    for index, name in enumerate(clusters):
        mine = [f for f in findings if f.cluster == name]
        out.append(
            f"<section class='cluster' data-cluster='{_e(name)}'><h2>Cluster {_e(name)}</h2>"
        )
        pic = pictures.get(name)
        if pic is not None:
            out.append(
                "<h3>Topology</h3><div class='figure'>" + svg.topology(pic, f"c{index}") + "</div>"
            )
            if pic.timeline is not None:
                out.append(
                    "<h3>Clean-up timeline</h3><div class='figure'>"
                    + svg.timeline(pic.timeline)
                    + "</div>"
                )
            else:
                out.append("<p class='none'>No server has a clean-up schedule.</p>")
        c = counts(mine)
        out.append(f"<h3>Findings ({_counted(c)})</h3>")
        out.append(_table(report, mine) + "</section>")
    out.append("</body></html>\n")
    return "".join(out)


def _counted(counts) -> str:
    """'1 error, 0 warnings, 2 notes', as the text format says it."""
    return ", ".join(
        f"{counts[level]} {level}{'' if counts[level] == 1 else 's'}"
        for level in ("error", "warning", "note")
    )


def _gate(report) -> str:
    """What the gate decided, as the exit code says it."""
    verdict = report.verdict
    if not verdict.execution_successful:
        return "olclint could not finish the check"
    if verdict.fail_on is None:
        return "the gate is off (--fail-on never)"
    if verdict.failed:
        return f"gate failed: {verdict.failing} at or above {verdict.fail_on}"
    return f"gate passed: nothing at or above {verdict.fail_on}"
